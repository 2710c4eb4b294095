//! Whether a polygon is valid: geo's [`Validation`](geo::Validation) rules and messages, with the
//! one check geo does pair by pair — a ring crossing or touching itself — done by a sweep over the
//! ring's segments, so a boundary of tens of thousands of points is checked in milliseconds.
//!
//! The result equals `polygon.validation_errors()` (geo 0.31) for every polygon: too few points in
//! a ring (after dropping repeated points), a ring's self-intersection, non-finite coordinates,
//! holes outside the exterior, rings meeting on a line or overlapping on an area (these last by
//! geo's own `relate`, only for polygons with holes).

use geo::algorithm::validation::{CoordIndex, InvalidPolygon, RingRole};
use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{Coord, Intersects, Line, LineString, Polygon, Relate};

/// Everything wrong with `polygon`, as geo's validation names it, in geo's order.
///
/// ```
/// use equimap::engine::geo::validity::polygon_errors;
/// use geo::polygon;
/// let bow_tie = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 2.0), (x: 2.0, y: 0.0), (x: 0.0, y: 2.0)];
/// let errors: Vec<String> = polygon_errors(&bow_tie).iter().map(ToString::to_string).collect();
/// assert_eq!(errors, ["exterior ring has a self-intersection"]);
/// ```
pub fn polygon_errors(polygon: &Polygon<f64>) -> Vec<InvalidPolygon> {
    let mut errors = Vec::new();
    if polygon.exterior().0.is_empty() {
        return errors;
    }
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for (k, ring) in rings.enumerate() {
        if ring.0.is_empty() {
            continue;
        }
        let role = if k == 0 { RingRole::Exterior } else { RingRole::Interior(k - 1) };
        if distinct_in_a_row(ring) < 4 {
            errors.push(InvalidPolygon::TooFewPointsInRing(role));
        }
        if crosses_itself(ring) {
            errors.push(InvalidPolygon::SelfIntersection(role));
        }
        for (i, c) in ring.0.iter().enumerate() {
            if !(c.x.is_finite() && c.y.is_finite()) {
                errors.push(InvalidPolygon::NonFiniteCoord(role, CoordIndex(i)));
            }
        }
    }
    errors.extend(ring_relations(polygon));
    errors
}

/// Points of a ring, runs of one repeated point counted once.
fn distinct_in_a_row(ring: &LineString<f64>) -> usize {
    ring.0.iter().enumerate().filter(|(i, c)| *i == 0 || ring.0[i - 1] != **c).count()
}

/// Whether two segments of `ring` meet other than where one ends and the next begins (geo's
/// `linestring_has_self_intersection`: segments i ≠ j intersect while neither's end is the other's
/// start). Segments are swept in order of their least x; only pairs whose boxes overlap are tested.
pub fn crosses_itself(ring: &LineString<f64>) -> bool {
    let lines: Vec<Line<f64>> = ring.lines().collect();
    let mut order: Vec<usize> = (0..lines.len()).collect();
    let min_x = |l: &Line<f64>| l.start.x.min(l.end.x);
    order.sort_unstable_by(|&a, &b| min_x(&lines[a]).total_cmp(&min_x(&lines[b])));
    for (k, &i) in order.iter().enumerate() {
        let a = &lines[i];
        let a_max_x = a.start.x.max(a.end.x);
        for &j in &order[k + 1..] {
            let b = &lines[j];
            if min_x(b) > a_max_x {
                break;
            }
            if y_ranges_meet(a, b) && !adjacent(a, b) && a.intersects(b) {
                return true;
            }
        }
    }
    false
}

fn y_ranges_meet(a: &Line<f64>, b: &Line<f64>) -> bool {
    a.start.y.min(a.end.y) <= b.start.y.max(b.end.y) && b.start.y.min(b.end.y) <= a.start.y.max(a.end.y)
}

/// One segment ends where the other starts (geo's exemption, in either order).
fn adjacent(a: &Line<f64>, b: &Line<f64>) -> bool {
    let same = |p: Coord<f64>, q: Coord<f64>| p == q;
    same(a.start, b.end) || same(a.end, b.start)
}

/// geo's checks between a polygon's rings: each hole inside the exterior, touching it at points
/// only; no two holes overlapping or meeting on a line.
fn ring_relations(polygon: &Polygon<f64>) -> Vec<InvalidPolygon> {
    let mut errors = Vec::new();
    let exterior = Polygon::new(polygon.exterior().clone(), vec![]);
    for (i, hole) in polygon.interiors().iter().enumerate() {
        if hole.0.is_empty() {
            continue;
        }
        let with_exterior = exterior.relate(hole);
        if !with_exterior.is_contains() {
            errors.push(InvalidPolygon::InteriorRingNotContainedInExteriorRing(RingRole::Interior(i)));
        }
        if with_exterior.get(CoordPos::OnBoundary, CoordPos::Inside) == Dimensions::OneDimensional {
            errors.push(InvalidPolygon::IntersectingRingsOnALine(RingRole::Exterior, RingRole::Interior(i)));
        }
        let hole_area = Polygon::new(hole.clone(), vec![]);
        for (j, other) in polygon.interiors().iter().enumerate().skip(i + 1) {
            let m = hole_area.relate(&Polygon::new(other.clone(), vec![]));
            if m.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                errors.push(InvalidPolygon::IntersectingRingsOnAnArea(RingRole::Interior(i), RingRole::Interior(j)));
            }
            if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                errors.push(InvalidPolygon::IntersectingRingsOnALine(RingRole::Interior(i), RingRole::Interior(j)));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Validation};

    fn both(p: &Polygon<f64>) -> (Vec<String>, Vec<String>) {
        let ours = polygon_errors(p).iter().map(ToString::to_string).collect();
        let geos = p.validation_errors().iter().map(ToString::to_string).collect();
        (ours, geos)
    }

    #[test]
    fn the_errors_are_geos_on_hand_made_cases() {
        let cases = [
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)],
            polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 2.0), (x: 2.0, y: 0.0), (x: 0.0, y: 2.0)],
            // A spike: out along a line and back.
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 6.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0)],
            // A repeated point, and a ring touching itself at a vertex (an inverted hole).
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)],
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 2.0, y: 2.0), (x: 3.0, y: 3.0), (x: 1.0, y: 3.0), (x: 2.0, y: 2.0), (x: 0.0, y: 4.0)],
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 0.0, y: 0.0)],
            // Holes: inside, outside, crossing the exterior, two overlapping.
            polygon!(exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
                     interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 2.0)]]),
            polygon!(exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
                     interiors: [[(x: 11.0, y: 1.0), (x: 12.0, y: 1.0), (x: 12.0, y: 2.0), (x: 11.0, y: 2.0)]]),
            polygon!(exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
                     interiors: [[(x: 0.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0)]]),
            polygon!(exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
                     interiors: [[(x: 1.0, y: 1.0), (x: 3.0, y: 1.0), (x: 3.0, y: 3.0), (x: 1.0, y: 3.0)],
                                 [(x: 2.0, y: 2.0), (x: 4.0, y: 2.0), (x: 4.0, y: 4.0), (x: 2.0, y: 4.0)]]),
        ];
        let mut some_invalid = 0;
        for p in &cases {
            let (ours, geos) = both(p);
            assert_eq!(ours, geos, "{p:?}");
            some_invalid += usize::from(!geos.is_empty());
        }
        assert!(some_invalid >= 6, "the cases include invalid ones");
    }

    #[test]
    fn the_errors_are_geos_on_random_rings() {
        // Walks around a circle (a few crossing themselves) and jumbled points (most crossing), on a
        // coarse grid so segments also touch, overlap and repeat points.
        let mut x: u64 = 0x2545F4914F6CDD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut crossing = 0;
        for walk in 0..2000 {
            let n = 3 + (next() % 12) as usize;
            let jumbled = walk % 2 == 1;
            let mut pts: Vec<(f64, f64)> = (0..n)
                .map(|k| {
                    let angle = k as f64 / n as f64 * std::f64::consts::TAU;
                    let r = 2.0 + (next() % 5) as f64;
                    if jumbled {
                        ((next() % 6) as f64, (next() % 6) as f64)
                    } else {
                        ((angle.cos() * r).round() + (next() % 3) as f64 - 1.0, (angle.sin() * r).round())
                    }
                })
                .collect();
            pts.push(pts[0]);
            let p = Polygon::new(LineString::from(pts), vec![]);
            let (ours, geos) = both(&p);
            assert_eq!(ours, geos, "{p:?}");
            crossing += usize::from(geos.iter().any(|e| e.contains("self-intersection")));
        }
        assert!(crossing > 500, "the walks include crossing rings ({crossing})");
    }
}
