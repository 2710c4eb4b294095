//! The grid point index against `geo`'s own point-in-polygon, on real boundaries at full
//! resolution: the same area (the first, in code order, whose polygons contain or touch the point)
//! for random points, every vertex and the middle of every edge.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use equimap::engine::geo::point_index::PointIndex;
use equimap::prep::shapes::{geojson_folder_polygons, geojson_polygons};
use geo::{BoundingRect, Intersects, MultiPolygon, Point};

/// `geo`'s answer: the first shape that intersects the point (`boxes`: the shapes' boxes).
fn by_geo(shapes: &[MultiPolygon<f64>], boxes: &[Option<geo::Rect<f64>>], x: f64, y: f64) -> Option<usize> {
    let p = Point::new(x, y);
    (0..shapes.len()).find(|&i| boxes[i].is_some_and(|b| b.intersects(&p)) && shapes[i].intersects(&p))
}

fn check(name: &str, shapes: &[MultiPolygon<f64>], random: usize) {
    let index = PointIndex::new(shapes);
    let boxes: Vec<_> = shapes.iter().map(|s| s.bounding_rect()).collect();
    let bb = shapes.iter().filter_map(|s| s.bounding_rect()).reduce(|a, r| {
        geo::Rect::new((a.min().x.min(r.min().x), a.min().y.min(r.min().y)), (a.max().x.max(r.max().x), a.max().y.max(r.max().y)))
    });
    let bb = bb.unwrap();
    let mut seed = 2021u64;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut points: Vec<(f64, f64)> = (0..random)
        .map(|_| (bb.min().x - 0.01 + next() * (bb.width() + 0.02), bb.min().y - 0.01 + next() * (bb.height() + 0.02)))
        .collect();
    for s in shapes {
        for poly in &s.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()).take(3) {
                for w in ring.0.windows(2).step_by(5) {
                    points.push((w[0].x, w[0].y));
                    points.push(((w[0].x + w[1].x) / 2.0, (w[0].y + w[1].y) / 2.0));
                }
            }
        }
    }
    let mut inside = 0;
    for &(x, y) in &points {
        let want = by_geo(shapes, &boxes, x, y);
        inside += usize::from(want.is_some());
        assert_eq!(index.locate(x, y), want, "{name}: ({x}, {y})");
    }
    assert!(inside > points.len() / 4, "{name}: the points test the areas ({inside} of {})", points.len());
}

#[test]
fn chicagos_full_resolution_tracts_and_community_areas() {
    let tracts: Vec<MultiPolygon<f64>> =
        geojson_polygons(&common::shared().join("chicago/tracts/tracts_2010.geojson"), "geoid10").unwrap().into_values().collect();
    check("tracts", &tracts, 40_000);
    let areas: Vec<MultiPolygon<f64>> = common::chicago_full_resolution().into_iter().map(|(_, s)| s).collect();
    check("community areas", &areas, 20_000);
}

#[test]
fn west_midlands_full_resolution_msoas_and_the_bundled_simplified_ones() {
    let msoas: Vec<MultiPolygon<f64>> =
        geojson_folder_polygons(&common::shared().join("west-midlands/boundaries/msoa21-by-lad"), "MSOA21CD")
            .unwrap()
            .into_values()
            .collect();
    check("msoas", &msoas, 40_000);
    let bundled = common::west_midlands();
    check("districts", &bundled.boundaries.as_ref().unwrap().shapes, 20_000);
}
