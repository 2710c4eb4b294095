//! Drawing boundaries: an equirectangular projection scaled by the cosine of the middle latitude
//! (true shape at city and county scale), to SVG path strings in a fixed-width viewBox.

use geo::MultiPolygon;

/// SVG paths of every area and the viewBox size.
#[derive(Debug, Clone, PartialEq)]
pub struct SvgShapes {
    /// One `d` attribute per area.
    pub paths: Vec<String>,
    /// viewBox width.
    pub width: f64,
    /// viewBox height.
    pub height: f64,
    bbox: [f64; 4],
    kx: f64,
}

impl SvgShapes {
    /// Projects `shapes` (lon/lat degrees) into a viewBox `width` wide, keeping aspect.
    pub fn new(shapes: &[MultiPolygon<f64>], width: f64) -> Self {
        let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for s in shapes {
            for p in &s.0 {
                for c in p.exterior().coords() {
                    b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
                }
            }
        }
        if !b[0].is_finite() {
            b = [0.0, 0.0, 1.0, 1.0];
        }
        let kx = ((b[1] + b[3]) / 2.0).to_radians().cos();
        let scale = width / ((b[2] - b[0]) * kx).max(1e-9);
        let height = (b[3] - b[1]) * scale;
        let mut me = SvgShapes { paths: vec![], width, height, bbox: b, kx: kx * scale };
        me.paths = shapes.iter().map(|s| me.path(s)).collect();
        me
    }

    /// The viewBox position of (`lon`, `lat`).
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let scale = self.kx / ((self.bbox[1] + self.bbox[3]) / 2.0).to_radians().cos();
        ((lon - self.bbox[0]) * self.kx, (self.bbox[3] - lat) * scale)
    }

    fn path(&self, s: &MultiPolygon<f64>) -> String {
        let mut d = String::new();
        for p in &s.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                for (i, c) in ring.coords().enumerate() {
                    let (x, y) = self.project(c.x, c.y);
                    d.push_str(&format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x, y));
                }
                d.push('Z');
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn projects_into_the_box() {
        let sq = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 0.0, y: 1.0)]]);
        let s = SvgShapes::new(&[sq], 200.0);
        assert_eq!(s.width, 200.0);
        // At latitude 0.5° the cosine is ~1: the box is 2 wide, 1 high → 200 × ~100.
        assert!((s.height - 100.0).abs() < 0.1, "{}", s.height);
        assert!(s.paths[0].starts_with("M0.0,"), "{}", s.paths[0]);
        let (x, y) = s.project(2.0, 1.0);
        assert!((x - 200.0).abs() < 1e-9 && y.abs() < 1e-9);
    }
}
