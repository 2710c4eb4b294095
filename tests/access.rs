//! Distance-based access on the bundled exports, against an independent computation: the
//! haversine written out here, the nearest program by scanning every program, and the two-step
//! floating catchment by its definition's double loop (Luo & Wang 2003), from the rows the
//! analysis counted and the points parsed here from the file's own text.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use equimap::engine::view::Supply;
use equimap::engine::{analyze, read_csv, View};

/// Great-circle km on a sphere of radius 6,371.0088 km (the haversine formula, written out).
fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6371.0088;
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let (dp, dl) = ((b.0 - a.0).to_radians(), (b.1 - a.1).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// `POINT (lon lat)` → (lat, lon).
fn wkt_point(text: &str) -> Option<(f64, f64)> {
    let inner = text.trim().strip_prefix("POINT")?.trim().strip_prefix('(')?.strip_suffix(')')?;
    let mut it = inner.split_whitespace().map(|v| v.parse::<f64>());
    let (lon, lat) = (it.next()?.ok()?, it.next()?.ok()?);
    Some((lat, lon))
}

#[test]
fn chicago_2024_nearest_and_2sfca_equal_a_direct_computation() {
    let path = common::shared().join("chicago/programs/mcmf_programs_2024.csv");
    let bytes = std::fs::read(&path).unwrap();
    let ing = read_csv("mcmf.csv", &bytes).unwrap();
    let view = View { supply: Supply::Rows, ..View::default() };
    let a = analyze(&common::chicago(), &ing, &view).unwrap();
    // The program points: the counted rows' `location` cells, parsed here.
    let location = ing.table.column("location").unwrap();
    let sites: Vec<(f64, f64)> = a.matched_rows.iter().map(|&(i, _)| wkt_point(&location.text(i as usize).unwrap()).unwrap()).collect();
    assert_eq!(a.summary.distance_rows, sites.len());
    assert_eq!(a.summary.distance_rows, a.rows.matched, "every counted row of this export has a point");
    let d0 = a.summary.catchment_km.unwrap();
    assert!((d0 - 1.609344).abs() < 1e-12, "Chicago's default catchment is a mile");
    let points: Vec<(f64, f64)> = a.areas.iter().map(|r| r.access_point.map(|[lon, lat]| (lat, lon)).unwrap()).collect();
    let people: Vec<f64> = a.areas.iter().map(|r| r.denominator.unwrap_or(0.0)).collect();
    // Step 1: people within reach of each site; step 2: each area sums its reachable sites' ratios.
    let reached: Vec<f64> =
        sites.iter().map(|&s| points.iter().zip(&people).filter(|(p, _)| haversine_km(**p, s) <= d0).map(|(_, n)| n).sum()).collect();
    for (k, r) in a.areas.iter().enumerate() {
        let nearest = sites.iter().map(|&s| haversine_km(points[k], s)).fold(f64::INFINITY, f64::min);
        assert!((r.nearest_km.unwrap() - nearest).abs() < 1e-9, "{}: {:?} vs {nearest}", r.name, r.nearest_km);
        let score: f64 =
            1000.0 * sites.iter().zip(&reached).filter(|(s, _)| haversine_km(points[k], **s) <= d0).map(|(_, n)| 1.0 / n).sum::<f64>();
        let got = r.access_2sfca.unwrap();
        assert!((got - score).abs() <= 1e-5 * score.max(1e-3), "{}: 2SFCA {got} vs {score}", r.name);
    }
    // The access point of each community area (a population-weighted mean of its tracts' points)
    // lies in the area it stands for, or, where people live in one arm of an odd shape (O'Hare),
    // within a kilometre of it.
    let areas = common::chicago();
    let b = areas.boundaries.as_ref().unwrap();
    let mut outside = vec![];
    for (k, p) in points.iter().enumerate() {
        use geo::{Distance, Euclidean, Intersects};
        let at = geo::Point::new(p.1, p.0);
        if !b.shapes[k].intersects(&at) {
            let km = Euclidean.distance(&b.shapes[k], &at) * 111.0;
            assert!(km < 1.0, "{}'s access point is {km:.2} km outside it", a.areas[k].name);
            outside.push(a.areas[k].name.clone());
        }
    }
    assert!(outside.len() <= 2, "{outside:?}");
    // The quintiles' mean distances are the population-weighted means of their areas'.
    for q in &a.quintiles {
        let members: Vec<usize> = (0..a.areas.len()).filter(|&i| a.areas[i].need_quintile == Some(q.quintile)).collect();
        let w: f64 = members.iter().map(|&i| people[i]).sum();
        let mean = members.iter().map(|&i| people[i] * a.areas[i].nearest_km.unwrap()).sum::<f64>() / w;
        assert!((q.nearest_km.unwrap() - mean).abs() < 1e-9);
    }
    // The catchment is the view's when it sets one, and a wider one reaches more people.
    let wide = analyze(&common::chicago(), &ing, &View { catchment_m: 5000, ..view.clone() }).unwrap();
    assert_eq!(wide.summary.catchment_km, Some(5.0));
    assert_ne!(wide.areas[0].access_2sfca, a.areas[0].access_2sfca);
}

#[test]
fn rows_placed_by_name_have_no_point() {
    let path = common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv");
    let ing = read_csv("ac.csv", &std::fs::read(path).unwrap()).unwrap();
    let a = analyze(&common::west_midlands(), &ing, &View::default()).unwrap();
    assert!(a.rows.matched > 0);
    assert_eq!(a.summary.distance_rows, 0);
    assert!(a.summary.catchment_km.is_none() && a.areas.iter().all(|r| r.nearest_km.is_none() && r.access_2sfca.is_none()));
    // The districts still have their household-weighted access points.
    assert!(a.areas.iter().all(|r| r.access_point.is_some()));
}
