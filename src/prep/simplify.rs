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
/// identical. Rings that would collapse below 4 points keep their original points. A ring the
/// simplification makes cross itself gets its chains simplified again at half the tolerance (and
/// so its neighbours, which share them), until it is simple or its chains are the original ones.
pub fn simplify(shapes: &[Shape], tol: f64) -> Vec<Shape> {
    let repaired: Vec<Shape> = shapes.iter().map(|s| s.iter().flat_map(|p| repaired(p)).collect()).collect();
    let shapes = &repaired[..];
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
    let mut tolerances: HashMap<Vec<(i64, i64)>, f64> = HashMap::new();
    loop {
        let mut cache: ChainCache = HashMap::new();
        let mut crossing: Vec<Vec<(i64, i64)>> = Vec::new();
        let out: Vec<Shape> = shapes
            .iter()
            .map(|shape| {
                shape
                    .iter()
                    .map(|poly| {
                        poly.iter()
                            .map(|ring| {
                                let (simple, chains) = simplify_ring(ring, tol, &tolerances, &is_junction, &mut cache);
                                if crosses_itself(&simple) && !crosses_itself(ring) {
                                    crossing.extend(chains);
                                }
                                simple
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let mut again = false;
        for key in crossing {
            let t = tolerances.entry(key).or_insert(tol);
            if *t > 0.0 {
                *t = if *t < 1.0 { 0.0 } else { *t / 2.0 };
                again = true;
            }
        }
        if !again {
            return out.into_iter().map(|shape| shape.into_iter().flat_map(uncrossed).collect()).collect();
        }
    }
}

/// A closed ring cut where it passes through the same point twice (a spike out and back, or a
/// pinched loop, which publishers' files sometimes have and which makes a ring touch itself):
/// the simple loops it is made of, largest first, without those of no area.
pub fn simple_loops(ring: &Ring) -> Vec<Ring> {
    let mut open: Vec<(i64, i64)> = ring.to_vec();
    if open.len() > 1 && open.first() == open.last() {
        open.pop();
    }
    open.dedup();
    let mut loops: Vec<Vec<(i64, i64)>> = Vec::new();
    let mut path: Vec<(i64, i64)> = Vec::with_capacity(open.len());
    let mut at: HashMap<(i64, i64), usize> = HashMap::new();
    for p in open {
        if let Some(&k) = at.get(&p) {
            // The path came back to p: the part since is a loop of its own.
            let mut l: Vec<(i64, i64)> = path.drain(k..).collect();
            for q in &l {
                at.remove(q);
            }
            l.push(p);
            loops.push(l);
        }
        at.insert(p, path.len());
        path.push(p);
    }
    if let Some(&first) = path.first() {
        path.push(first);
        loops.push(path);
    }
    let mut loops: Vec<(f64, Ring)> =
        loops.into_iter().filter(|l| l.len() >= 4).map(|l| (ring_area(&l).abs(), l)).filter(|(a, _)| *a > 0.0).collect();
    loops.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    loops.into_iter().map(|(_, l)| l).collect()
}

/// A polygon's rings with each one cut into simple loops ([`simple_loops`]): the exterior's
/// largest loop stays the exterior, its other loops become polygons of their own; a hole's loops
/// are holes.
fn repaired(poly: &[Ring]) -> Vec<Vec<Ring>> {
    let Some((exterior, holes)) = poly.split_first() else { return vec![] };
    let mut outer = simple_loops(exterior).into_iter();
    let Some(main) = outer.next() else { return vec![poly.to_vec()] };
    let mut first = vec![main];
    first.extend(holes.iter().flat_map(simple_loops));
    std::iter::once(first).chain(outer.map(|l| vec![l])).collect()
}

/// Twice the signed area of a closed ring (shoelace), in grid units squared.
fn ring_area(ring: &[(i64, i64)]) -> f64 {
    ring.windows(2).map(|w| (w[0].0 as f64) * (w[1].1 as f64) - (w[1].0 as f64) * (w[0].1 as f64)).sum()
}

/// A polygon whose exterior crosses itself as the publisher drew it (a bow-tie, which no amount of
/// simplifying undoes) redrawn as the valid polygons covering the same ground (`geo`'s boolean
/// union, coordinates back on the grid); any other polygon as it is.
fn uncrossed(poly: Vec<Ring>) -> Vec<Vec<Ring>> {
    use geo::BooleanOps;
    if poly.first().is_none_or(|r| !crosses_itself(r)) {
        return vec![poly];
    }
    let ring = |r: &Ring| -> geo::LineString<f64> { r.iter().map(|&(x, y)| (x as f64, y as f64)).collect() };
    let g = geo::Polygon::new(ring(&poly[0]), poly[1..].iter().map(ring).collect());
    let fixed = g.union(&geo::MultiPolygon::<f64>::new(vec![]));
    let back = |l: &geo::LineString<f64>| -> Ring {
        let mut r: Ring = l.coords().map(|c| (c.x.round() as i64, c.y.round() as i64)).collect();
        r.dedup();
        r
    };
    let out: Vec<Vec<Ring>> = fixed
        .0
        .iter()
        .map(|p| std::iter::once(back(p.exterior())).chain(p.interiors().iter().map(back)).collect::<Vec<Ring>>())
        .filter(|p: &Vec<Ring>| p[0].len() >= 4 && !crosses_itself(&p[0]))
        .collect();
    if out.is_empty() {
        vec![poly]
    } else {
        out
    }
}

/// Whether a closed ring crosses or touches itself (two segments that are not neighbours along
/// the ring meet).
fn crosses_itself(ring: &Ring) -> bool {
    use geo::Validation;
    let line: geo::LineString<f64> = ring.iter().map(|&(x, y)| (x as f64, y as f64)).collect();
    let poly = geo::Polygon::new(line, vec![]);
    poly.validation_errors().iter().any(|e| matches!(e, geo::algorithm::validation::InvalidPolygon::SelfIntersection(_)))
}

/// A ring simplified chain by chain (each chain with its own tolerance when `tolerances` has
/// one), and the chains (canonical keys) it was made of.
fn simplify_ring(
    ring: &Ring,
    tol: f64,
    tolerances: &HashMap<Vec<(i64, i64)>, f64>,
    is_junction: &dyn Fn(&(i64, i64)) -> bool,
    cache: &mut ChainCache,
) -> (Ring, Vec<Vec<(i64, i64)>>) {
    let n = ring.len().saturating_sub(1);
    if n < 4 {
        return (ring.clone(), vec![]);
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
    let mut keys = Vec::with_capacity(cuts.len());
    for w in 0..cuts.len() {
        let s = cuts[w];
        let e = if w + 1 < cuts.len() { cuts[w + 1] } else { cuts[0] + n };
        let chain: Vec<(i64, i64)> = (s..=e).map(|k| open[k % n]).collect();
        // Canonical direction so both neighbours simplify the same chain the same way.
        let reversed = chain.first() > chain.last() || (chain.first() == chain.last() && chain.get(1) > chain.get(chain.len() - 2));
        let key: Vec<(i64, i64)> = if reversed { chain.iter().rev().copied().collect() } else { chain.clone() };
        let t = tolerances.get(&key).copied().unwrap_or(tol);
        let simplified = cache.entry(key.clone()).or_insert_with(|| douglas_peucker(&key, t)).clone();
        let simplified: Vec<(i64, i64)> = if reversed { simplified.into_iter().rev().collect() } else { simplified };
        out.extend_from_slice(&simplified[..simplified.len() - 1]);
        keys.push(key);
    }
    out.push(out[0]);
    if out.len() < 4 {
        return (ring.clone(), vec![]);
    }
    (out, keys)
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
    fn a_bow_tie_becomes_two_triangles() {
        let bow: Ring = vec![(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)];
        assert!(crosses_itself(&bow));
        let fixed = uncrossed(vec![bow]);
        assert_eq!(fixed.len(), 2, "{fixed:?}");
        for p in &fixed {
            assert!(!crosses_itself(&p[0]));
            assert_eq!(ring_area(&p[0]).abs(), 50.0, "{p:?}");
        }
    }

    #[test]
    fn spikes_and_pinched_loops_are_cut_off() {
        // A square with a spike out to (15, 5) and back to (10, 5).
        let ring: Ring = vec![(0, 0), (10, 0), (10, 5), (15, 5), (10, 5), (10, 10), (0, 10), (0, 0)];
        assert_eq!(simple_loops(&ring), vec![vec![(0, 0), (10, 0), (10, 5), (10, 10), (0, 10), (0, 0)]]);
        let square: Ring = vec![(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)];
        assert_eq!(simple_loops(&square), vec![square.clone()]);
        // A square pinched to a small triangle at (10, 5): two loops, the square first.
        let pinched: Ring = vec![(0, 0), (10, 0), (10, 5), (12, 4), (12, 6), (10, 5), (10, 10), (0, 10), (0, 0)];
        let loops = simple_loops(&pinched);
        assert_eq!(loops.len(), 2);
        assert_eq!(loops[0], vec![(0, 0), (10, 0), (10, 5), (10, 10), (0, 10), (0, 0)]);
        assert_eq!(loops[1], vec![(10, 5), (12, 4), (12, 6), (10, 5)]);
    }

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
