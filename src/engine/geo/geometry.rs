//! Area boundaries as `geo` polygons, and the point-in-polygon test that places a program given by
//! latitude/longitude in exactly one area.

use geo::{BoundingRect, Intersects, MultiPolygon, Point, Polygon};
use serde_json::Value;

use super::point_index::PointIndex;

/// Polygons of every area of a level, in the order of the level's codes.
#[derive(Debug, Clone)]
pub struct Boundaries {
    /// One (multi)polygon per area, in degrees (x = longitude, y = latitude).
    pub shapes: Vec<MultiPolygon<f64>>,
    /// The point index, built at the first point located (a level only drawn never needs it).
    index: std::sync::OnceLock<PointIndex>,
}

/// Where a coordinate pair landed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PointFate {
    /// Inside (or on the border of) area `i`; a point on a shared border goes to the first area in
    /// code order that touches it, so it is counted exactly once.
    Inside(usize),
    /// Inside the level's bounding box but in no area (a gap, water, another city).
    NoArea,
}

/// A point inside `shape` (lon, lat), for an area's representative point when none is published:
/// in its largest polygon (by bounding box), the centre of the box when it lies inside, else the
/// middle of the widest stretch of the horizontal line through that centre that lies inside
/// (crossings of every ring, exterior and holes, paired in order). `None` for an empty shape.
///
/// ```
/// use equimap::engine::geo::geometry::point_inside;
/// use geo::{polygon, MultiPolygon};
/// // A U whose box centre (2, 1.5) is in the notch: the point is in the wider left arm's span.
/// let u = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 3.0), (x: 3.0, y: 3.0),
///                  (x: 3.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 3.0), (x: 0.0, y: 3.0)];
/// let (x, y) = point_inside(&MultiPolygon(vec![u])).unwrap();
/// assert!((x - 0.5).abs() < 1e-12 || (x - 3.5).abs() < 1e-12, "{x}");
/// assert!((y - 1.5).abs() < 1e-6);
/// ```
pub fn point_inside(shape: &MultiPolygon<f64>) -> Option<(f64, f64)> {
    let size = |p: &Polygon<f64>| p.bounding_rect().map_or(0.0, |b| b.width() * b.height());
    let largest = shape.0.iter().max_by(|a, b| size(a).total_cmp(&size(b)))?;
    let bbox = largest.bounding_rect()?;
    let centre = bbox.center();
    if largest.intersects(&Point::from(centre)) {
        return Some((centre.x, centre.y));
    }
    // A line just off the centre, so it passes through no vertex of a grid-rounded boundary.
    let y = centre.y + bbox.height() * 1e-7;
    let mut xs: Vec<f64> = std::iter::once(largest.exterior())
        .chain(largest.interiors())
        .flat_map(|ring| ring.lines())
        .filter(|l| (l.start.y > y) != (l.end.y > y))
        .map(|l| l.start.x + (y - l.start.y) * (l.end.x - l.start.x) / (l.end.y - l.start.y))
        .collect();
    xs.sort_by(f64::total_cmp);
    let (a, b) = xs.chunks_exact(2).map(|c| (c[0], c[1])).max_by(|p, q| (p.1 - p.0).total_cmp(&(q.1 - q.0)))?;
    Some(((a + b) / 2.0, y))
}

impl Boundaries {
    /// Reads a GeoJSON FeatureCollection whose features carry `properties.code`; returns them in the
    /// order of `codes`. Every code must have a feature.
    pub fn from_geojson(text: &str, codes: &[String]) -> Result<Self, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let feats = v.get("features").and_then(Value::as_array).ok_or("no \"features\" array")?;
        let mut by_code = std::collections::HashMap::new();
        for f in feats {
            let code = match f.pointer("/properties/code") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => return Err("a feature has no properties.code".into()),
            };
            let geom = f.get("geometry").ok_or("a feature has no geometry")?;
            by_code.insert(code, parse_geometry(geom)?);
        }
        let mut shapes = Vec::with_capacity(codes.len());
        for c in codes {
            shapes.push(by_code.remove(c).ok_or_else(|| format!("no boundary for area {c}"))?);
        }
        Ok(Self::new(shapes))
    }

    /// Wraps polygons given in code order.
    pub fn new(shapes: Vec<MultiPolygon<f64>>) -> Self {
        Boundaries { shapes, index: std::sync::OnceLock::new() }
    }

    /// The area containing the point (`lon`, `lat`): the first in code order whose polygons
    /// contain it or whose border it lies on ([`PointIndex::locate`]).
    pub fn locate(&self, lon: f64, lat: f64) -> PointFate {
        match self.index.get_or_init(|| PointIndex::new(&self.shapes)).locate(lon, lat) {
            Some(i) => PointFate::Inside(i),
            None => PointFate::NoArea,
        }
    }
}

/// A GeoJSON Polygon or MultiPolygon geometry as a `geo` MultiPolygon; of a GeometryCollection,
/// its polygons (points and lines in it left out).
pub fn parse_geometry(geom: &Value) -> Result<MultiPolygon<f64>, String> {
    if geom.get("type").and_then(Value::as_str) == Some("GeometryCollection") {
        let members = geom.get("geometries").and_then(Value::as_array).ok_or("a GeometryCollection without \"geometries\"")?;
        let polygons = members.iter().filter(|g| matches!(g["type"].as_str(), Some("Polygon" | "MultiPolygon" | "GeometryCollection")));
        return Ok(MultiPolygon(polygons.map(parse_geometry).collect::<Result<Vec<_>, _>>()?.into_iter().flat_map(|m| m.0).collect()));
    }
    let coords = geom.get("coordinates").ok_or("geometry has no coordinates")?;
    match geom.get("type").and_then(Value::as_str) {
        Some("Polygon") => Ok(MultiPolygon(vec![polygon(coords)?])),
        Some("MultiPolygon") => {
            let polys = coords.as_array().ok_or("MultiPolygon coordinates are not an array")?;
            Ok(MultiPolygon(polys.iter().map(polygon).collect::<Result<_, _>>()?))
        }
        other => Err(format!("geometry type {other:?} is not a polygon")),
    }
}

fn polygon(rings: &Value) -> Result<Polygon<f64>, String> {
    let rings = rings.as_array().ok_or("polygon rings are not an array")?;
    let mut out = rings.iter().map(ring);
    let exterior = out.next().ok_or("polygon without rings")??;
    Ok(Polygon::new(exterior, out.collect::<Result<_, _>>()?))
}

fn ring(v: &Value) -> Result<geo::LineString<f64>, String> {
    let pts = v.as_array().ok_or("ring is not an array")?;
    pts.iter()
        .map(|p| match (p.get(0).and_then(Value::as_f64), p.get(1).and_then(Value::as_f64)) {
            (Some(x), Some(y)) => Ok(geo::Coord { x, y }),
            _ => Err("a coordinate is not [x, y]".to_string()),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(geo::LineString::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_border_goes_to_exactly_one_area() {
        let sq = |x0: f64| {
            format!(
                r#"{{"type":"Feature","properties":{{"code":"{}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},0],[{x1},0],[{x1},1],[{x0},1],[{x0},0]]]}}}}"#,
                x0 as i32,
                x1 = x0 + 1.0
            )
        };
        let gj = format!(r#"{{"type":"FeatureCollection","features":[{},{}]}}"#, sq(0.0), sq(1.0));
        let b = Boundaries::from_geojson(&gj, &["0".into(), "1".into()]).unwrap();
        assert_eq!(b.locate(0.5, 0.5), PointFate::Inside(0));
        assert_eq!(b.locate(1.5, 0.5), PointFate::Inside(1));
        assert_eq!(b.locate(1.0, 0.5), PointFate::Inside(0));
        assert_eq!(b.locate(3.0, 0.5), PointFate::NoArea);
    }
}
