//! Point in polygon for many points against boundaries of any resolution: the area containing a
//! point is found from the few ring edges of the grid cell the point falls in, never by testing
//! whole polygons.
//!
//! The boundaries' bounding box is cut into a grid of about one cell per two edges. For each cell
//! the index keeps, per area whose rings pass through it, those edges, and whether a reference
//! point near the cell's top-left corner lies inside the area; an area covering the whole cell
//! with no edge in it is kept with its reference status alone. A point's status for an area is
//! then the reference point's, flipped once for each of the area's edges crossed by a path from
//! the point to the reference point inside the cell (even-odd rule). The reference statuses are
//! found once, row by row, by a sweep along the line through the row's reference points.
//!
//! Semantics equal [`geo::Intersects`] of the point with each area's polygons, tried in area
//! order: a point inside an area (or in a hole's island of it) is in it; a point on a border
//! (on an edge or a vertex) is in the first area, in area order, whose ring it lies on.

use geo::{BoundingRect, MultiPolygon};

/// One edge of a ring: `[x0, y0, x1, y1]`.
type Edge = [f64; 4];

/// An area's part of one cell.
#[derive(Debug, Clone)]
struct Entry {
    /// The area's position.
    area: u32,
    /// Whether the cell's reference point lies inside the area.
    reference_inside: bool,
    /// The area's edges in the cell: a range of [`PointIndex::edge_ids`].
    edges: std::ops::Range<u32>,
}

/// The grid index of a level's polygons (see the module documentation).
#[derive(Debug, Clone)]
pub struct PointIndex {
    west: f64,
    south: f64,
    cell_w: f64,
    cell_h: f64,
    nx: usize,
    ny: usize,
    /// Entries of cell `c` (row-major, `c = j·nx + i`): `entries[starts[c]..starts[c + 1]]`,
    /// in area order.
    starts: Vec<u32>,
    entries: Vec<Entry>,
    /// Positions in `edges` of each entry's edges.
    edge_ids: Vec<u32>,
    edges: Vec<Edge>,
}

/// Most cells a grid has (4 M cells: 16 MB of offsets at most).
const MAX_CELLS: usize = 1 << 22;

impl PointIndex {
    /// The index of `shapes` (one multipolygon per area, in area order).
    pub fn new(shapes: &[MultiPolygon<f64>]) -> Self {
        let (edges, owners) = edges_of(shapes);
        let bbox = shapes.iter().filter_map(BoundingRect::bounding_rect).reduce(|a, r| {
            geo::Rect::new((a.min().x.min(r.min().x), a.min().y.min(r.min().y)), (a.max().x.max(r.max().x), a.max().y.max(r.max().y)))
        });
        let Some(bbox) = bbox else {
            return PointIndex {
                west: 0.0,
                south: 0.0,
                cell_w: 1.0,
                cell_h: 1.0,
                nx: 0,
                ny: 0,
                starts: vec![0],
                entries: vec![],
                edge_ids: vec![],
                edges,
            };
        };
        let (w, h) = (bbox.width().max(1e-9), bbox.height().max(1e-9));
        let cells = (edges.len() / 2).clamp(1, MAX_CELLS) as f64;
        let nx = ((cells * w / h).sqrt().ceil() as usize).clamp(1, MAX_CELLS);
        let ny = ((cells / nx as f64).ceil() as usize).clamp(1, MAX_CELLS / nx);
        // The grid reaches a little past the box, so points on its east and north sides fall in it.
        let (cell_w, cell_h) = (w * (1.0 + 1e-9) / nx as f64, h * (1.0 + 1e-9) / ny as f64);
        let mut index = PointIndex {
            west: bbox.min().x,
            south: bbox.min().y,
            cell_w,
            cell_h,
            nx,
            ny,
            starts: vec![],
            entries: vec![],
            edge_ids: vec![],
            edges,
        };
        let by_cell = index.edges_by_cell(&owners);
        index.fill(&by_cell, &owners, shapes.len());
        index
    }

    /// The first area, in area order, whose polygons contain the point (`x` = longitude, `y` =
    /// latitude) or whose rings it lies on; `None` when there is none.
    pub fn locate(&self, x: f64, y: f64) -> Option<usize> {
        let c = self.cell_of(x, y)?;
        let entries = &self.entries[self.starts[c] as usize..self.starts[c + 1] as usize];
        let edges_of = |e: &Entry| self.edge_ids[e.edges.start as usize..e.edges.end as usize].iter().map(|&k| &self.edges[k as usize]);
        let (rx, ry) = self.reference(c % self.nx, c / self.nx);
        entries
            .iter()
            .find(|e| {
                let mut odd = false;
                for edge in edges_of(e) {
                    if on_edge(edge, x, y) {
                        return true;
                    }
                    odd ^= crosses_path(edge, x, y, rx, ry);
                }
                e.reference_inside ^ odd
            })
            .map(|e| e.area as usize)
    }

    /// The cell holding the point, when it is inside the grid.
    fn cell_of(&self, x: f64, y: f64) -> Option<usize> {
        let fx = (x - self.west) / self.cell_w;
        let fy = (y - self.south) / self.cell_h;
        // Also refuses NaN.
        if !(fx >= 0.0 && fy >= 0.0 && fx < self.nx as f64 && fy < self.ny as f64) {
            return None;
        }
        Some(fy as usize * self.nx + fx as usize)
    }

    /// Cell `(i, j)`'s reference point: just inside its top-left corner, off the grid's lines (a
    /// border drawn along a round coordinate never passes through it).
    fn reference(&self, i: usize, j: usize) -> (f64, f64) {
        let x = self.west + i as f64 * self.cell_w + self.cell_w * 9.313_225_746e-7;
        let y = self.south + (j + 1) as f64 * self.cell_h - self.cell_h * 5.871_538_712e-7;
        (x, y)
    }

    /// Every (cell, edge) pair where the edge passes through the cell.
    fn edges_by_cell(&self, owners: &[u32]) -> Vec<(u32, u32, u32)> {
        let mut pairs = Vec::with_capacity(self.edges.len() * 2);
        for (k, e) in self.edges.iter().enumerate() {
            let (x0, x1) = (e[0].min(e[2]), e[0].max(e[2]));
            let (y0, y1) = (e[1].min(e[3]), e[1].max(e[3]));
            let col = |x: f64| (((x - self.west) / self.cell_w).floor().max(0.0) as usize).min(self.nx - 1);
            let row = |y: f64| (((y - self.south) / self.cell_h).floor().max(0.0) as usize).min(self.ny - 1);
            for j in row(y0)..=row(y1) {
                for i in col(x0)..=col(x1) {
                    if self.edge_meets_cell(e, i, j) {
                        pairs.push(((j * self.nx + i) as u32, owners[k], k as u32));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs
    }

    /// Whether edge `e` meets the closed cell `(i, j)` (widened by a hair, so that an edge along a
    /// cell's side is in both cells).
    fn edge_meets_cell(&self, e: &Edge, i: usize, j: usize) -> bool {
        let pad_x = self.cell_w * 1e-9;
        let pad_y = self.cell_h * 1e-9;
        let left = self.west + i as f64 * self.cell_w - pad_x;
        let right = self.west + (i + 1) as f64 * self.cell_w + pad_x;
        let bottom = self.south + j as f64 * self.cell_h - pad_y;
        let top = self.south + (j + 1) as f64 * self.cell_h + pad_y;
        clips(e, left, right, bottom, top)
    }

    /// The entries of every cell, from the (cell, area, edge) pairs and the reference statuses
    /// found row by row.
    fn fill(&mut self, pairs: &[(u32, u32, u32)], owners: &[u32], areas: usize) {
        let mut at = 0;
        self.starts = Vec::with_capacity(self.nx * self.ny + 1);
        for j in 0..self.ny {
            let row_end = pairs.partition_point(|p| (p.0 as usize) < (j + 1) * self.nx);
            let inside = self.row_reference_status(&pairs[at..row_end], owners, areas, j);
            for (i, inside_here) in inside.iter().enumerate() {
                let c = (j * self.nx + i) as u32;
                self.starts.push(self.entries.len() as u32);
                let end = at + pairs[at..row_end].partition_point(|p| p.0 == c);
                let cell_pairs = &pairs[at..end];
                let mut k = 0;
                let mut inside_areas = inside_here.iter().copied().peekable();
                while k < cell_pairs.len() || inside_areas.peek().is_some() {
                    let next_edge_area = cell_pairs.get(k).map(|p| p.1);
                    let next_inside = inside_areas.peek().copied();
                    let area = match (next_edge_area, next_inside) {
                        (Some(a), Some(b)) => a.min(b),
                        (Some(a), None) => a,
                        (None, Some(b)) => b,
                        (None, None) => break,
                    };
                    let from = self.edge_ids.len() as u32;
                    while k < cell_pairs.len() && cell_pairs[k].1 == area {
                        self.edge_ids.push(cell_pairs[k].2);
                        k += 1;
                    }
                    let reference_inside = next_inside == Some(area);
                    if reference_inside {
                        inside_areas.next();
                    }
                    self.entries.push(Entry { area, reference_inside, edges: from..self.edge_ids.len() as u32 });
                }
                at = end;
            }
            at = row_end;
        }
        self.starts.push(self.entries.len() as u32);
    }

    /// For each cell of row `j`, the areas (ascending) containing its reference point: a sweep
    /// from west of every polygon along the horizontal line through the row's reference points,
    /// each area's status flipping at each of its edges the line crosses.
    fn row_reference_status(&self, row_pairs: &[(u32, u32, u32)], owners: &[u32], areas: usize, j: usize) -> Vec<Vec<u32>> {
        let (_, ry) = self.reference(0, j);
        let mut seen = std::collections::HashSet::new();
        let mut crossings: Vec<(f64, u32)> = Vec::new();
        for &(_, _, k) in row_pairs {
            if !seen.insert(k) {
                continue;
            }
            let e = &self.edges[k as usize];
            if (e[1] < ry) != (e[3] < ry) {
                let x = e[0] + (ry - e[1]) * (e[2] - e[0]) / (e[3] - e[1]);
                crossings.push((x, owners[k as usize]));
            }
        }
        crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut inside: Vec<u32> = Vec::with_capacity(areas.min(4));
        let mut next = crossings.iter().peekable();
        (0..self.nx)
            .map(|i| {
                let (rx, _) = self.reference(i, j);
                while let Some(&&(x, a)) = next.peek() {
                    if x >= rx {
                        break;
                    }
                    match inside.binary_search(&a) {
                        Ok(p) => {
                            inside.remove(p);
                        }
                        Err(p) => inside.insert(p, a),
                    }
                    next.next();
                }
                inside.clone()
            })
            .collect()
    }
}

/// Every ring edge of every area (zero-length ones left out), and the area of each.
fn edges_of(shapes: &[MultiPolygon<f64>]) -> (Vec<Edge>, Vec<u32>) {
    let mut edges = Vec::new();
    let mut owners = Vec::new();
    for (a, shape) in shapes.iter().enumerate() {
        for poly in &shape.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                let pts = &ring.0;
                let n = pts.len();
                for k in 0..n {
                    // Rings are closed by geo; the last edge back to the first point is kept
                    // anyway in case one is not.
                    let (p, q) = (pts[k], pts[(k + 1) % n]);
                    if p != q {
                        edges.push([p.x, p.y, q.x, q.y]);
                        owners.push(a as u32);
                    }
                }
            }
        }
    }
    (edges, owners)
}

/// Whether segment `e` meets the box (Liang–Barsky clipping).
fn clips(e: &Edge, left: f64, right: f64, bottom: f64, top: f64) -> bool {
    let (dx, dy) = (e[2] - e[0], e[3] - e[1]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, e[0] - left), (dx, right - e[0]), (-dy, e[1] - bottom), (dy, top - e[1])] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
            if t0 > t1 {
                return false;
            }
        }
    }
    true
}

/// Whether the point lies exactly on segment `e` (as [`geo::Intersects`] decides it: collinear by
/// the sign of the cross product, within the segment's box).
fn on_edge(e: &Edge, x: f64, y: f64) -> bool {
    let (x0, y0, x1, y1) = (e[0], e[1], e[2], e[3]);
    if x < x0.min(x1) || x > x0.max(x1) || y < y0.min(y1) || y > y0.max(y1) {
        return false;
    }
    use geo::kernels::{Kernel, Orientation};
    geo::kernels::RobustKernel::orient2d(geo::coord! { x: x0, y: y0 }, geo::coord! { x: x1, y: y1 }, geo::coord! { x: x, y: y })
        == Orientation::Collinear
}

/// Whether edge `e` crosses the path from the point `(x, y)` up (or down) to the corner `(x, ry)`,
/// then across to the reference point `(rx, ry)`.
///
/// The path is taken a hair to the left of `x` and a hair below `ry` (so that it never runs
/// along an edge or through a vertex): an edge crosses a piece when it straddles the piece's line
/// (an end exactly on `x` counts as right of it, an end exactly on `ry` as above it, as in the
/// row sweep) and the piece's ends lie on different sides of the edge's line. Sides are decided by
/// the same robust orientation test as [`geo::Intersects`], so a point a hair inside an area is
/// never counted outside it; a piece's end exactly on the edge's line is placed by the hair it
/// was moved by.
fn crosses_path(e: &Edge, x: f64, y: f64, rx: f64, ry: f64) -> bool {
    use geo::kernels::{Kernel, Orientation, RobustKernel};
    let (a, b) = (geo::coord! { x: e[0], y: e[1] }, geo::coord! { x: e[2], y: e[3] });
    let (ux, uy) = (e[2] - e[0], e[3] - e[1]);
    // Left of the edge (counter-clockwise), the point moved by (−ε, −δ) with δ ≪ ε when
    // `moved_left`, else by (0, −δ): on the line, the sign of u × (−ε, −δ) = uy·ε − ux·δ.
    let left_of = |px: f64, py: f64, moved_left: bool| match RobustKernel::orient2d(a, b, geo::coord! { x: px, y: py }) {
        Orientation::CounterClockwise => true,
        Orientation::Clockwise => false,
        Orientation::Collinear if moved_left && uy != 0.0 => uy > 0.0,
        Orientation::Collinear => ux < 0.0,
    };
    let corner = left_of(x, ry, true);
    let vertical = (e[0] < x) != (e[2] < x) && left_of(x, y, true) != corner;
    let horizontal = (e[1] < ry) != (e[3] < ry) && corner != left_of(rx, ry, false);
    vertical ^ horizontal
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Intersects, Point};

    fn exact(shapes: &[MultiPolygon<f64>], x: f64, y: f64) -> Option<usize> {
        shapes.iter().position(|s| s.intersects(&Point::new(x, y)))
    }

    #[test]
    fn squares_with_a_hole_and_an_island_give_geos_answers() {
        // Two squares side by side; the right one has a hole with an island of a third area in it.
        let left = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0)];
        let right = geo::Polygon::new(
            geo::LineString::from(vec![(2.0, 0.0), (4.0, 0.0), (4.0, 2.0), (2.0, 2.0), (2.0, 0.0)]),
            vec![geo::LineString::from(vec![(2.5, 0.5), (3.5, 0.5), (3.5, 1.5), (2.5, 1.5), (2.5, 0.5)])],
        );
        let island = polygon![(x: 2.75, y: 0.75), (x: 3.25, y: 0.75), (x: 3.25, y: 1.25), (x: 2.75, y: 1.25)];
        let shapes = vec![MultiPolygon(vec![left]), MultiPolygon(vec![right]), MultiPolygon(vec![island])];
        let index = PointIndex::new(&shapes);
        let cases = [
            ((1.0, 1.0), Some(0)),
            ((3.0, 0.25), Some(1)),
            ((2.6, 1.0), None),
            ((3.0, 1.0), Some(2)),
            ((2.0, 1.0), Some(0)),
            ((4.0, 2.0), Some(1)),
            ((2.5, 1.0), Some(1)),
            ((5.0, 1.0), None),
        ];
        for ((x, y), want) in cases {
            assert_eq!(index.locate(x, y), want, "({x}, {y})");
            assert_eq!(exact(&shapes, x, y), want, "geo at ({x}, {y})");
        }
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..20_000 {
            let (x, y) = (next() * 5.0 - 0.5, next() * 3.0 - 0.5);
            assert_eq!(index.locate(x, y), exact(&shapes, x, y), "({x}, {y})");
        }
        // On a grid of round coordinates: edges, vertices and cell sides all met exactly.
        for i in 0..=40 {
            for j in 0..=24 {
                let (x, y) = (i as f64 * 0.125 - 0.5, j as f64 * 0.125 - 0.5);
                assert_eq!(index.locate(x, y), exact(&shapes, x, y), "({x}, {y})");
            }
        }
    }

    #[test]
    fn no_shapes_place_nothing() {
        assert_eq!(PointIndex::new(&[]).locate(0.0, 0.0), None);
        assert_eq!(PointIndex::new(&[MultiPolygon(vec![])]).locate(0.0, 0.0), None);
    }
}
