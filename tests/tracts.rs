//! Chicago's census-tract level: the 2023 export counted per tract equals point in polygon on
//! the full-resolution tracts (with `geo`, here; the level places points on its placement
//! boundaries, not the map's simplified ones), and the rates' margins of error come from the ACS margins by the Census Bureau's
//! formulas, recomputed here from the raw table.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeMap;

use equimap::engine::view::Supply;
use equimap::engine::{analyze, read_csv, View};
use geo::{Contains, MultiPolygon, Point};

fn tracts() -> equimap::engine::Areas {
    equimap::cli::load_areas(&common::data(), "chicago", "tract").unwrap()
}

/// GEOID → full-resolution shape, from the City's file.
fn full_resolution() -> Vec<(String, MultiPolygon<f64>)> {
    let text = std::fs::read_to_string(common::shared().join("chicago/tracts/tracts_2010.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let code = f["properties"]["geoid10"].as_str().unwrap().to_string();
            // Read as it is (no simplification): the full-resolution rings.
            let mp = equimap::engine::geo::geometry::parse_geometry(&f["geometry"]).unwrap();
            (code, mp)
        })
        .collect()
}

#[test]
fn tract_counts_equal_point_in_polygon_on_full_resolution_tracts() {
    let areas = tracts();
    assert_eq!(areas.len(), 801);
    let path = common::shared().join("chicago/programs/mcmf_programs_2023.csv");
    let ing = read_csv("mcmf_2023.csv", &std::fs::read(path).unwrap()).unwrap();
    let a = analyze(
        &areas,
        &ing,
        &View { supply: Supply::Rows, lat_column: "latitude".into(), lon_column: "longitude".into(), ..View::default() },
    )
    .unwrap();
    common::assert_identity(&a);
    assert_eq!(a.level, "tract");
    // Every row with a point, placed here in the full-resolution tract that contains it.
    let shapes = full_resolution();
    let boxes: Vec<geo::Rect<f64>> = shapes.iter().map(|(_, s)| geo::BoundingRect::bounding_rect(s).unwrap()).collect();
    let (lat, lon) = (ing.table.column("latitude").unwrap(), ing.table.column("longitude").unwrap());
    let mut expected: BTreeMap<String, f64> = BTreeMap::new();
    for i in 0..ing.table.num_rows() {
        let (Some(y), Some(x)) = (lat.number(i), lon.number(i)) else { continue };
        let at = Point::new(x, y);
        if let Some((code, _)) = shapes.iter().zip(&boxes).find(|((_, s), b)| b.contains(&at) && s.contains(&at)).map(|(s, _)| s) {
            *expected.entry(code.clone()).or_default() += 1.0;
        }
    }
    let placed_here: f64 = expected.values().sum();
    assert!(placed_here > 1000.0, "{placed_here}");
    for r in &a.areas {
        assert_eq!(r.supply, expected.get(&r.code).copied().unwrap_or(0.0), "tract {}", r.code);
    }
    assert_eq!(a.rows.matched as f64, placed_here);
    assert!(areas.placement.is_some(), "the level places points on its placement boundaries");
}

#[test]
fn tract_rates_carry_the_acs_margins_of_error() {
    let areas = tracts();
    let path = common::shared().join("chicago/programs/mcmf_programs_2023.csv");
    let ing = read_csv("mcmf_2023.csv", &std::fs::read(path).unwrap()).unwrap();
    let a = analyze(&areas, &ing, &View { supply: Supply::Rows, ..View::default() }).unwrap();
    assert_eq!(a.resolved.denominator, "youth_0_17");
    // The raw ACS table: 0–17 is the sum of 8 cells, its margin √Σ MOE².
    let mut rdr = csv::Reader::from_path(common::shared().join("chicago/tracts/pop_by_tract_acs2018.csv")).unwrap();
    let head = rdr.headers().unwrap().clone();
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let cells = ["003", "004", "005", "006", "027", "028", "029", "030"];
    let mut acs: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let geoid = format!("{}{:0>3}{:0>6}", &rec[at("state")], &rec[at("county")], &rec[at("tract")]);
        let e: f64 = cells.iter().map(|c| rec[at(&format!("B01001_{c}E"))].parse::<f64>().unwrap()).sum();
        let m: f64 = cells.iter().map(|c| rec[at(&format!("B01001_{c}M"))].parse::<f64>().unwrap().powi(2)).sum::<f64>().sqrt();
        acs.insert(geoid, (e, m));
    }
    let (mut flagged, mut checked) = (0, 0);
    for r in &a.areas {
        let (p, moe) = acs[&r.code];
        assert_eq!(r.denominator, Some(p), "{}", r.code);
        let cv = (moe / 1.645) / p;
        assert_eq!(r.unreliable_denominator, p == 0.0 || cv > 0.30, "{}: CV {cv}", r.code);
        flagged += usize::from(r.unreliable_denominator);
        if p > 0.0 {
            let want = 1000.0 * r.supply / p * moe / p;
            // The margin is stored to 0.1 person.
            assert!((r.rate_moe90.unwrap() - want).abs() <= 1e-3 * want.max(1e-9) + 0.06 * 1000.0 * r.supply / p / p, "{}", r.code);
            checked += 1;
        }
    }
    assert!(flagged > 0 && checked > 700, "{flagged} flagged, {checked} checked");
    // Community areas (CMAP figures, no margins) get none.
    let ca = analyze(&common::chicago(), &ing, &View { supply: Supply::Rows, ..View::default() }).unwrap();
    assert!(ca.areas.iter().all(|r| r.rate_moe90.is_none() && !r.unreliable_denominator));
}
