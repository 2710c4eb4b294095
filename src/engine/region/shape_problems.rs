//! What is wrong with the polygons of a person's own boundaries, by area: rings that cannot bound
//! an area (too short, not closed — seen only in the file's own coordinates, as geo closes rings
//! when it builds them), rings that cross themselves or each other (geo's validation), and areas
//! that overlap another (two editions of the same boundaries in one file, say), where a point
//! would be placed in whichever comes first.

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use serde_json::Value;

use crate::engine::geo::geometry::point_inside;
use crate::engine::geo::validity::polygon_errors;

/// At most this many lines of one kind are listed; the rest are counted.
pub const LISTED: usize = 20;

/// The faults of a GeoJSON geometry's rings as written: "polygon K: …" for each.
pub fn raw_ring_faults(geom: &Value) -> Vec<String> {
    let ring_facts = |rings: &Value| -> Vec<(usize, bool)> {
        rings
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let pts = r.as_array().map(Vec::as_slice).unwrap_or_default();
                (pts.len(), pts.first() == pts.last())
            })
            .collect()
    };
    let coords = &geom["coordinates"];
    let polys: Vec<Vec<(usize, bool)>> = match geom.get("type").and_then(Value::as_str) {
        Some("Polygon") => vec![ring_facts(coords)],
        Some("MultiPolygon") => coords.as_array().into_iter().flatten().map(ring_facts).collect(),
        _ => Vec::new(),
    };
    ring_faults(polys)
}

/// The faults of a built shape's rings (TopoJSON's, whose rings are stitched from arcs).
pub fn shape_ring_faults(shape: &MultiPolygon<f64>) -> Vec<String> {
    ring_faults(
        shape
            .0
            .iter()
            .map(|p| std::iter::once(p.exterior()).chain(p.interiors()).map(|r| (r.0.len(), r.0.first() == r.0.last())).collect()),
    )
}

/// One line per faulty ring, given each polygon's rings as (points, first == last).
fn ring_faults(polys: impl IntoIterator<Item = Vec<(usize, bool)>>) -> Vec<String> {
    let mut out = Vec::new();
    for (k, rings) in polys.into_iter().enumerate() {
        for (len, closed) in rings {
            if len < 4 {
                out.push(format!("polygon {}: a ring of {len} points (at least 4 are needed)", k + 1));
            } else if !closed {
                out.push(format!("polygon {}: a ring that is not closed", k + 1));
            }
        }
    }
    out
}

/// Rings that cross themselves or each other, holes outside their polygon, …: geo's validation
/// rules of each polygon ([`polygon_errors`]), "polygon K: …". Point in polygon still works on them (even-odd), so the area is
/// kept; a count over a crossing may go to the wrong side of it.
pub fn invalid_polygons(shape: &MultiPolygon<f64>) -> Vec<String> {
    shape.0.iter().enumerate().flat_map(|(k, p)| polygon_errors(p).into_iter().map(move |e| format!("polygon {}: {e}", k + 1))).collect()
}

/// Pairs of areas that overlap: a point inside one (well inside: [`point_inside`]) lies inside the
/// other too. Areas that only share borders never meet this; two editions of the same area, or a
/// county drawn over its districts, do. A point there is placed in the first of the file.
pub fn overlapping(shapes: &[MultiPolygon<f64>], codes: &[String]) -> Vec<(usize, usize)> {
    let boxes: Vec<_> = shapes.iter().map(|s| s.bounding_rect()).collect();
    let mut pairs = Vec::new();
    for (i, shape) in shapes.iter().enumerate() {
        let Some((x, y)) = point_inside(shape) else { continue };
        let p = Point::new(x, y);
        for (j, other) in shapes.iter().enumerate() {
            if j == i || codes.get(j) == codes.get(i) {
                continue;
            }
            if boxes[j].is_some_and(|b| b.intersects(&p)) && other.intersects(&p) {
                let pair = (i.min(j), i.max(j));
                if !pairs.contains(&pair) {
                    pairs.push(pair);
                }
            }
        }
    }
    pairs.sort();
    pairs
}

/// Lines beyond [`LISTED`] counted in one.
pub fn listed(mut lines: Vec<String>, what: &str) -> Vec<String> {
    if lines.len() > LISTED {
        let more = lines.len() - LISTED;
        lines.truncate(LISTED);
        lines.push(format!("… and {more} more {what}"));
    }
    lines
}
