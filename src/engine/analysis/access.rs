//! Distance-based access (issue 21, part four), beside the counts inside borders: from each area's
//! representative point ([`crate::engine::region::Areas::access_points`]) to the programs' own
//! points (rows placed by coordinates; a row placed by name, code or postcode has none):
//!
//! - **nearest distance**: the great-circle (haversine, GRS80 mean radius 6,371.0088 km)
//!   distance to the nearest program, in km;
//! - **two-step floating catchment** (2SFCA, Luo & Wang 2003) within a catchment `d₀`: each
//!   program point `j` with supply `Sⱼ` gets the ratio `Rⱼ = Sⱼ / Σ_{k: d(k,j) ≤ d₀} Pₖ` (the people
//!   of every area whose point is within `d₀`), and each area the sum of the ratios within `d₀` of
//!   it, per 1,000 people: `Aᵢ = 1000 · Σ_{j: d(i,j) ≤ d₀} Rⱼ`. A program with no area within `d₀`
//!   serves nobody in the region and adds to no area.
//!
//! Straight-line distance, not travel time: a river, a motorway or a missing bus route is not seen.

use crate::engine::error::Result;
use crate::engine::placement::matching::{point_reader, Method};
use crate::engine::region::Areas;
use crate::engine::table::Table;
use crate::engine::view::{Supply, View};

use super::choices::Choices;
use super::tally::SupplyColumns;

/// The catchment when neither the view nor the level sets one: 1 mile.
pub const DEFAULT_CATCHMENT_KM: f64 = 1.609_344;

/// The access figures of one view.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    /// Per area: the distance from its point to the nearest program, km.
    pub nearest_km: Vec<Option<f64>>,
    /// Per area: its 2SFCA score per 1,000 people.
    pub score: Vec<Option<f64>>,
    /// The catchment used, km.
    pub catchment_km: f64,
    /// Counted rows with a point (the rows the distance measures use).
    pub distance_rows: usize,
}

/// The catchment of `view` in `areas`: the view's, else the level's, else [`DEFAULT_CATCHMENT_KM`].
pub fn catchment_km(areas: &Areas, view: &View) -> f64 {
    if view.catchment_m > 0 {
        return f64::from(view.catchment_m) / 1000.0;
    }
    areas.level.catchment_km.unwrap_or(DEFAULT_CATCHMENT_KM)
}

/// The program sites of the counted rows `matched` (table row, area) that have a point: each row
/// its supply value, or for distinct programs 1 per id at its first row's point.
fn sites(table: &Table, method: &Method, matched: &[(u32, u32)], choices: &Choices, supply: &SupplyColumns) -> Result<Vec<Site>> {
    let Some(point) = point_reader(table, method)? else { return Ok(Vec::new()) };
    let ids = match (&choices.supply, &choices.id_column) {
        (Supply::Programs, Some(c)) => Some(table.column(c)?),
        _ => None,
    };
    let mut seen: crate::engine::fast_hash::FastSet<String> = Default::default();
    let mut out = Vec::with_capacity(matched.len());
    for i in matched.iter().map(|&(i, _)| i as usize) {
        let Some((lat, lon)) = point(i) else { continue };
        let value = match &ids {
            Some(c) => match c.text(i) {
                Some(id) => f64::from(u8::from(seen.insert(id.into_owned()))),
                None => 0.0,
            },
            None => supply.row_value(i),
        };
        out.push(Site { lat, lon, supply: value });
    }
    Ok(out)
}

/// The sites with programs at the same point merged into one carrying their summed supply (the
/// 2SFCA is the same: a merged site's ratio is the sum of its parts'), so each distance is computed
/// once per place rather than once per row.
fn merge_shared_points(sites: Vec<Site>) -> Vec<Site> {
    let mut at: crate::engine::fast_hash::FastMap<(u64, u64), usize> = Default::default();
    let mut out: Vec<Site> = Vec::new();
    for s in sites {
        match at.entry((s.lat.to_bits(), s.lon.to_bits())) {
            std::collections::hash_map::Entry::Occupied(e) => out[*e.get()].supply += s.supply,
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(s);
            }
        }
    }
    out
}

/// The access figures for the counted rows `matched`, or `None` when none has a point.
pub fn access(
    areas: &Areas,
    view: &View,
    table: &Table,
    method: &Method,
    matched: &[(u32, u32)],
    choices: &Choices,
    supply: &SupplyColumns,
) -> Result<Option<Access>> {
    // Rows placed by name, code or postcode carry no point: nothing to measure.
    let sites = sites(table, method, matched, choices, supply)?;
    if sites.is_empty() {
        return Ok(None);
    }
    let distance_rows = sites.len();
    let sites = Sites::new(merge_shared_points(sites));
    let catchment_km = catchment_km(areas, view);
    let people: Vec<f64> = choices.p_values.iter().map(|p| p.unwrap_or(0.0)).collect();
    let nearest_km = areas.access_points.iter().map(|at| at.and_then(|at| sites.nearest_km(at))).collect();
    let score = two_step_fca(&areas.access_points, &people, &sites, catchment_km);
    Ok(Some(Access { nearest_km, score, catchment_km, distance_rows }))
}

/// A program's point and the supply it carries (1 per row, its seats or its sum; 1 per distinct
/// program, at its first row's point).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Site {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Supply.
    pub supply: f64,
}

/// Kilometres per degree of latitude on the GRS80 mean sphere: a lower bound on any distance is
/// `|Δlat| · KM_PER_DEGREE`.
const KM_PER_DEGREE: f64 = 6371.0088 * std::f64::consts::PI / 180.0;

/// The great-circle distance between two points (lat, lon in degrees), in km: the haversine
/// formula on a sphere of radius 6,371.0088 km (GRS80's mean radius, as `geo`'s `Haversine`), with
/// `libm`'s functions on both targets so that the page and the command line give the same digits.
///
/// ```
/// use equimap::engine::analysis::access::distance_km;
/// // One degree of latitude on the GRS80 mean sphere: 111.195 km.
/// assert!((distance_km((41.0, -87.6), (42.0, -87.6)) - 111.195).abs() < 0.001);
/// ```
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let rad = std::f64::consts::PI / 180.0;
    let (p1, p2) = (a.0 * rad, b.0 * rad);
    let (dp, dl) = ((b.0 - a.0) * rad, (b.1 - a.1) * rad);
    let (sp, sl) = (trig::sin(dp / 2.0), trig::sin(dl / 2.0));
    let h = sp * sp + trig::cos(p1) * trig::cos(p2) * sl * sl;
    2.0 * 6371.0088 * trig::asin(h.sqrt())
}

/// The trigonometric functions of the distance: on wasm32 the standard library's, which are the
/// `libm` crate's code (compiled into `compiler_builtins`, so the web build carries them once);
/// natively `libm` itself rather than the system's, so both give the same digits.
mod trig {
    #[cfg(not(target_arch = "wasm32"))]
    pub use libm::{asin, cos, sin};
    #[cfg(target_arch = "wasm32")]
    pub use std_f64::{asin, cos, sin};

    #[cfg(target_arch = "wasm32")]
    mod std_f64 {
        pub fn sin(x: f64) -> f64 {
            x.sin()
        }
        pub fn cos(x: f64) -> f64 {
            x.cos()
        }
        pub fn asin(x: f64) -> f64 {
            x.asin()
        }
    }
}

/// The sites sorted by latitude, so a search can stop where the latitude alone puts the rest out
/// of reach.
pub struct Sites(Vec<Site>);

impl Sites {
    /// The sites, sorted by latitude (sites with a supply of 0 kept: they are still programs).
    pub fn new(sites: Vec<Site>) -> Self {
        // Sorted through `(u64, u32)` keys (latitude's bits made orderable, then the site): the
        // engine's one sort of such pairs serves (a smaller web build).
        let orderable = |x: f64| {
            let b = x.to_bits();
            if b >> 63 == 1 {
                !b
            } else {
                b | 1 << 63
            }
        };
        let mut keys: Vec<(u64, u32)> = sites.iter().enumerate().map(|(i, s)| (orderable(s.lat), i as u32)).collect();
        keys.sort_unstable();
        Sites(keys.into_iter().map(|(_, i)| sites[i as usize]).collect())
    }

    /// Number of sites.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there is no site.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The sites within `km` of `at` (lat, lon), with their index in sorted order.
    fn within(&self, at: (f64, f64), km: f64) -> impl Iterator<Item = (usize, &Site)> {
        let reach = km / KM_PER_DEGREE;
        let start = self.0.partition_point(|s| s.lat < at.0 - reach);
        self.0[start..]
            .iter()
            .enumerate()
            .take_while(move |(_, s)| s.lat <= at.0 + reach)
            .map(move |(k, s)| (start + k, s))
            .filter(move |(_, s)| distance_km(at, (s.lat, s.lon)) <= km)
    }

    /// The distance from `at` (lat, lon) to the nearest site, in km (`None` without sites).
    pub fn nearest_km(&self, at: (f64, f64)) -> Option<f64> {
        let start = self.0.partition_point(|s| s.lat < at.0);
        let mut best = f64::INFINITY;
        // Outwards from the point's latitude, each way until the latitude gap alone exceeds the best.
        for s in self.0[start..].iter() {
            if (s.lat - at.0) * KM_PER_DEGREE > best {
                break;
            }
            best = best.min(distance_km(at, (s.lat, s.lon)));
        }
        for s in self.0[..start].iter().rev() {
            if (at.0 - s.lat) * KM_PER_DEGREE > best {
                break;
            }
            best = best.min(distance_km(at, (s.lat, s.lon)));
        }
        best.is_finite().then_some(best)
    }
}

/// The 2SFCA score of each area, per 1,000 people (see the module): `points` the areas'
/// representative points (lat, lon), `people` their populations. `None` for an area without a
/// point or people.
pub fn two_step_fca(points: &[Option<(f64, f64)>], people: &[f64], sites: &Sites, catchment_km: f64) -> Vec<Option<f64>> {
    // Step 1: the people within reach of each site.
    let mut reached = vec![0.0; sites.len()];
    for (at, &p) in points.iter().zip(people) {
        let Some(at) = at.filter(|_| p > 0.0) else { continue };
        for (j, _) in sites.within(at, catchment_km) {
            reached[j] += p;
        }
    }
    // Step 2: each area sums the supply-to-people ratios of the sites within reach.
    points
        .iter()
        .zip(people)
        .map(|(at, &p)| {
            let at = at.filter(|_| p > 0.0)?;
            let sum: f64 = sites.within(at, catchment_km).map(|(j, s)| s.supply / reached[j]).sum();
            Some(1000.0 * sum)
        })
        .collect()
}

/// The population-weighted mean of `values` over the areas `members` (areas without a value left
/// out of both sums): `Σ Pᵢ·vᵢ / Σ Pᵢ`.
pub fn weighted_mean(values: &[Option<f64>], people: &[f64], members: impl Iterator<Item = usize>) -> Option<f64> {
    let (mut sum, mut weight) = (0.0, 0.0);
    for i in members {
        if let Some(v) = values[i] {
            sum += people[i] * v;
            weight += people[i];
        }
    }
    (weight > 0.0).then(|| sum / weight)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-computed case: A at (0°, 0°) with 1,000 people, B at (0°, 0.01°E) with 3,000, 1.112 km
    /// apart; a site of supply 2 at A and one of supply 1 at 0.02°E (2.224 km from A, 1.112 from B);
    /// catchment 1.5 km. Step 1: the first site reaches A and B (R = 2/4000), the second B only
    /// (R = 1/3000). Step 2: A = 1000 · 2/4000 = 0.5; B = 1000 · (2/4000 + 1/3000) = 0.8333….
    #[test]
    fn two_step_floating_catchment_by_hand() {
        let points = [Some((0.0, 0.0)), Some((0.0, 0.01))];
        let sites = Sites::new(vec![Site { lat: 0.0, lon: 0.0, supply: 2.0 }, Site { lat: 0.0, lon: 0.02, supply: 1.0 }]);
        let score = two_step_fca(&points, &[1000.0, 3000.0], &sites, 1.5);
        assert!((score[0].unwrap() - 0.5).abs() < 1e-12);
        assert!((score[1].unwrap() - 1000.0 * (2.0 / 4000.0 + 1.0 / 3000.0)).abs() < 1e-12);
        // An area without people or a point gets none; the nearest site from B is 0.01° of the
        // equator away: 6371.0088 · π/180 · 0.01 km.
        assert_eq!(two_step_fca(&[None, Some((0.0, 0.01))], &[1000.0, 0.0], &sites, 1.5), vec![None, None]);
        let want = 6371.0088 * std::f64::consts::PI / 180.0 * 0.01;
        assert!((sites.nearest_km((0.0, 0.01)).unwrap() - want).abs() < 1e-9);
    }

    /// `geo`'s haversine (the maintained implementation) gives the same distances to 1e-9 km.
    #[test]
    fn distance_is_geos_haversine() {
        use geo::{Distance, Haversine, Point};
        for (a, b) in [((41.88, -87.63), (41.97, -87.71)), ((52.48, -1.90), (52.41, -1.51)), ((0.0, 0.0), (0.0, 0.01))] {
            let theirs = Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0)) / 1000.0;
            assert!((distance_km(a, b) - theirs).abs() < 1e-9, "{a:?} {b:?}");
        }
    }

    #[test]
    fn nearest_matches_a_full_scan() {
        // A grid of sites around Chicago; the nearest from many points equals the minimum over all.
        let sites: Vec<Site> = (0..400)
            .map(|k| Site {
                lat: 41.64 + 0.37 * ((k * 37) % 400) as f64 / 400.0,
                lon: -87.94 + 0.42 * ((k * 91) % 400) as f64 / 400.0,
                supply: 1.0,
            })
            .collect();
        let index = Sites::new(sites.clone());
        for q in 0..50 {
            let at = (41.6 + 0.01 * q as f64, -87.9 + 0.008 * q as f64);
            let full = sites.iter().map(|s| distance_km(at, (s.lat, s.lon))).fold(f64::INFINITY, f64::min);
            assert_eq!(index.nearest_km(at), Some(full));
        }
        assert_eq!(Sites::new(vec![]).nearest_km((41.8, -87.6)), None);
    }
}
