//! Topology-preserving simplification of area boundaries for a choropleth: rings are cut at the
//! vertices where neighbouring areas meet ("junctions"), each chain between junctions is simplified
//! once with Douglas-Peucker and reused by both neighbours, so shared borders stay shared (no gaps,
//! no overlaps). Coordinates are rounded to a grid first so that equal vertices compare equal.

use std::collections::HashMap;

/// A ring as a list of grid points (closed: the first point is repeated at the end).
pub type Ring = Vec<(i64, i64)>;
/// Polygons of one area: each a list of rings, the first the exterior.
pub type Shape = Vec<Vec<Ring>>;
/// Simplified chains, keyed by the chain in canonical direction.
type ChainCache = HashMap<Vec<(i64, i64)>, Vec<(i64, i64)>>;

/// Rounds degrees to a grid of `1/scale` degrees.
pub fn to_grid(x: f64, scale: f64) -> i64 {
    (x * scale).round() as i64
}

/// Simplifies every ring of every shape with tolerance `tol` (grid units), keeping shared borders
/// identical. Rings that would collapse below 4 points keep their original points.
pub fn simplify(shapes: &[Shape], tol: f64) -> Vec<Shape> {
    // How many times each point is used, and the set of neighbours it has across all rings.
    let mut neighbours: HashMap<(i64, i64), Vec<(i64, i64)>> = HashMap::new();
    for shape in shapes {
        for poly in shape {
            for ring in poly {
                let n = ring.len().saturating_sub(1);
                for i in 0..n {
                    let prev = ring[(i + n - 1) % n];
                    let next = ring[(i + 1) % n];
                    let e = neighbours.entry(ring[i]).or_default();
                    for q in [prev, next] {
                        if !e.contains(&q) {
                            e.push(q);
                        }
                    }
                }
            }
        }
    }
    // A junction has more than two distinct neighbours (three or more areas meet, or a border
    // starts/ends there).
    let is_junction = |p: &(i64, i64)| neighbours.get(p).is_some_and(|n| n.len() > 2);
    let mut cache: ChainCache = HashMap::new();
    shapes
        .iter()
        .map(|shape| {
            shape.iter().map(|poly| poly.iter().map(|ring| simplify_ring(ring, tol, &is_junction, &mut cache)).collect()).collect()
        })
        .collect()
}

fn simplify_ring(ring: &Ring, tol: f64, is_junction: &dyn Fn(&(i64, i64)) -> bool, cache: &mut ChainCache) -> Ring {
    let n = ring.len().saturating_sub(1);
    if n < 4 {
        return ring.clone();
    }
    let open = &ring[..n];
    let mut cuts: Vec<usize> = (0..n).filter(|&i| is_junction(&open[i])).collect();
    if cuts.is_empty() {
        // An island: cut at the lowest point and at the point farthest from it, both stable choices.
        let a = (0..n).min_by_key(|&i| open[i]).unwrap_or(0);
        let far = (0..n)
            .max_by(|&i, &j| {
                let d = |k: usize| ((open[k].0 - open[a].0) as f64).hypot((open[k].1 - open[a].1) as f64);
                d(i).partial_cmp(&d(j)).unwrap_or(std::cmp::Ordering::Equal).then(open[j].cmp(&open[i]))
            })
            .unwrap_or(0);
        cuts = vec![a.min(far), a.max(far)];
    }
    let mut out: Vec<(i64, i64)> = Vec::new();
    for w in 0..cuts.len() {
        let s = cuts[w];
        let e = if w + 1 < cuts.len() { cuts[w + 1] } else { cuts[0] + n };
        let chain: Vec<(i64, i64)> = (s..=e).map(|k| open[k % n]).collect();
        // Canonical direction so both neighbours simplify the same chain the same way.
        let reversed = chain.first() > chain.last() || (chain.first() == chain.last() && chain.get(1) > chain.get(chain.len() - 2));
        let key: Vec<(i64, i64)> = if reversed { chain.iter().rev().copied().collect() } else { chain.clone() };
        let simplified = cache.entry(key.clone()).or_insert_with(|| douglas_peucker(&key, tol)).clone();
        let simplified: Vec<(i64, i64)> = if reversed { simplified.into_iter().rev().collect() } else { simplified };
        out.extend_from_slice(&simplified[..simplified.len() - 1]);
    }
    out.push(out[0]);
    if out.len() < 4 {
        return ring.clone();
    }
    out
}

/// Douglas-Peucker on an open chain; both ends are kept.
pub fn douglas_peucker(pts: &[(i64, i64)], tol: f64) -> Vec<(i64, i64)> {
    if pts.len() <= 2 {
        return pts.to_vec();
    }
    let mut keep = vec![false; pts.len()];
    keep[0] = true;
    keep[pts.len() - 1] = true;
    let mut stack = vec![(0usize, pts.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut best, mut best_d) = (a, -1.0f64);
        for i in a + 1..b {
            let d = seg_dist(pts[i], pts[a], pts[b]);
            if d > best_d {
                best = i;
                best_d = d;
            }
        }
        if best_d > tol {
            keep[best] = true;
            stack.push((a, best));
            stack.push((best, b));
        }
    }
    pts.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect()
}

fn seg_dist(p: (i64, i64), a: (i64, i64), b: (i64, i64)) -> f64 {
    let (px, py, ax, ay, bx, by) = (p.0 as f64, p.1 as f64, a.0 as f64, a.1 as f64, b.0 as f64, b.1 as f64);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 { 0.0 } else { (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0) };
    (px - ax - t * dx).hypot(py - ay - t * dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_border_stays_shared() {
        // Two squares sharing a wiggly border x = 10 (with a 1-unit wiggle, below tolerance 2).
        let border = [(10, 0), (10, 3), (11, 5), (10, 7), (10, 10)];
        let mut left: Ring = vec![(0, 0)];
        left.extend(border.iter().copied());
        left.extend([(0, 10), (0, 0)]);
        let mut right: Ring = vec![(10, 0), (20, 0), (20, 10)];
        right.extend(border.iter().rev().copied());
        let shapes = vec![vec![vec![left]], vec![vec![right]]];
        let out = simplify(&shapes, 2.0);
        let l = &out[0][0][0];
        let r = &out[1][0][0];
        // The wiggle is gone on both sides and the border is the straight segment in both.
        assert!(!l.contains(&(11, 5)) && !r.contains(&(11, 5)), "{l:?} {r:?}");
        assert!(l.contains(&(10, 0)) && l.contains(&(10, 10)) && r.contains(&(10, 0)) && r.contains(&(10, 10)));
    }
}
