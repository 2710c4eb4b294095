//! Each area's representative point for distance-based access (see
//! [`crate::engine::analysis::access`]): the weighted mean of the interior points of the finer
//! areas inside it (community area ← census tracts by population, district ← MSOAs by
//! households), written as `access_lat` / `access_lon` of `areas.parquet`. An area with no finer
//! area gets none, and the engine uses a point inside its polygon.

use std::collections::BTreeMap;

use geo::{InteriorPoint, MultiPolygon};

use super::{indicator, IndicatorColumn};
use crate::engine::region::ACCESS_COLUMNS;

/// A finer area: the code of the area it lies in, its shape, its weight (people or households).
pub(crate) struct Child {
    /// The code of the area of the level being built that contains it.
    pub parent: String,
    /// Its full-resolution shape, lon/lat.
    pub shape: MultiPolygon<f64>,
    /// Its weight.
    pub weight: f64,
}

/// The `access_lat` and `access_lon` columns for the areas `codes`: per area
/// `Σ wₖ·(latₖ, lonₖ) / Σ wₖ` over its children's interior points (`None` without a child of
/// positive weight). `how` says what was weighed, for the columns' source.
pub(crate) fn weighted_points(codes: &[String], children: &[Child], how: &str) -> Vec<IndicatorColumn> {
    let mut sums: BTreeMap<&str, (f64, f64, f64)> = BTreeMap::new();
    for c in children.iter().filter(|c| c.weight > 0.0) {
        let Some(p) = c.shape.interior_point() else { continue };
        let e = sums.entry(c.parent.as_str()).or_default();
        e.0 += c.weight * p.y();
        e.1 += c.weight * p.x();
        e.2 += c.weight;
    }
    let point = |code: &String| sums.get(code.as_str()).map(|&(la, lo, w)| (la / w, lo / w));
    let round = |v: f64| (v * 1e6).round() / 1e6;
    let (lat, lon): (Vec<Option<f64>>, Vec<Option<f64>>) =
        codes.iter().map(|c| point(c).map_or((None, None), |(a, b)| (Some(round(a)), Some(round(b))))).unzip();
    vec![
        IndicatorColumn {
            meta: indicator(ACCESS_COLUMNS[0], "Access point latitude", "degrees", how, "", None, false, false),
            values: lat,
        },
        IndicatorColumn {
            meta: indicator(ACCESS_COLUMNS[1], "Access point longitude", "degrees", how, "", None, false, false),
            values: lon,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn weighted_mean_of_interior_points() {
        // Two unit squares centred on (0.5, 0.5) and (2.5, 0.5), weights 1 and 3: lon 2.0, lat 0.5.
        let square = |x: f64| MultiPolygon(vec![polygon![(x: x, y: 0.0), (x: x + 1.0, y: 0.0), (x: x + 1.0, y: 1.0), (x: x, y: 1.0)]]);
        let children = vec![
            Child { parent: "A".into(), shape: square(0.0), weight: 1.0 },
            Child { parent: "A".into(), shape: square(2.0), weight: 3.0 },
        ];
        let cols = weighted_points(&["A".into(), "B".into()], &children, "test");
        assert_eq!(cols[0].values, vec![Some(0.5), None]);
        assert_eq!(cols[1].values, vec![Some(2.0), None]);
    }
}
