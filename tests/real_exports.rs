//! The real exports of `../shared/data`, with every figure checked against an independent
//! computation written here with the `csv` crate and `geo` directly (not the engine's matching):
//! the name path (2024), the point-in-polygon path (2023) and the Arts Council funding case.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};

use equimap::engine::placement::matching::Method;
use equimap::engine::view::{Filter, Supply};
use equimap::engine::{analyze, read_csv, View};
use geo::Intersects;

fn rows(path: &std::path::Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().iter().map(str::to_string).collect();
    (h, r.records().map(Result::unwrap).collect())
}

/// UPPER community name → area number, from the full-resolution boundary file.
fn boundary_names() -> HashMap<String, String> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::shared().join("chicago/boundaries/community_areas.geojson")).unwrap())
            .unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["properties"]["community"].as_str().unwrap().to_string(), f["properties"]["area_numbe"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn chicago_2024_by_name_matches_an_independent_count() {
    let path = common::shared().join("chicago/programs/mcmf_programs_2024.csv");
    // Independent: distinct program_id per community, names compared upper-case to the boundary
    // file's names, face-to-face only.
    let (h, recs) = rows(&path);
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (cn, pid, mt) = (col("community_name"), col("program_id"), col("meeting_type"));
    let names = boundary_names();
    let mut want: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    let mut blank = 0;
    for r in &recs {
        if &r[mt] != "face_to_face" {
            continue;
        }
        match names.get(&r[cn].trim().to_uppercase()) {
            Some(code) => {
                want.entry(code.clone()).or_default().insert(r[pid].to_string());
            }
            None => {
                assert_eq!(r[cn].trim(), "", "every non-blank 2024 name is an upper-case boundary name");
                blank += 1;
            }
        }
    }
    let areas = common::chicago();
    let ing = read_csv("mcmf_programs_2024.csv", &std::fs::read(&path).unwrap()).unwrap();
    // The name path, chosen (the file also has coordinates, which auto-detection prefers: see
    // chicago_2024_on_auto_is_placed_by_its_coordinates_and_cross_checked).
    let view = View {
        area_column: "community_name".into(),
        filters: vec![Filter::Equals { column: "meeting_type".into(), values: vec!["face_to_face".into()] }],
        ..View::default()
    };
    let a = analyze(&areas, &ing, &view).unwrap();
    assert_eq!(a.resolved.supply, "programs");
    assert_eq!(a.resolved.method, Method::Column("community_name".into()));
    for r in &a.areas {
        assert_eq!(r.supply, want.get(&r.code).map_or(0, HashSet::len) as f64, "area {} {}", r.code, r.name);
    }
    assert_eq!(a.rows.rows_in, recs.len());
    assert_eq!(a.rows.excluded, recs.iter().filter(|r| &r[mt] != "face_to_face").count());
    assert_eq!(a.rows.unmatched, blank);
    common::assert_identity(&a);
    // Rates against the CMAP youth counts read here from the raw file.
    let (ch, crecs) = rows(&common::shared().join("chicago/indicators/cmap_cds_2016_2020.csv"));
    let (ci, cy) = (ch.iter().position(|x| x == "community_id").unwrap(), ch.iter().position(|x| x == "A5_19").unwrap());
    let youth: HashMap<String, f64> = crecs.iter().map(|r| (r[ci].to_string(), r[cy].parse().unwrap())).collect();
    let s_total: f64 = a.areas.iter().map(|r| r.supply).sum();
    let p_total: f64 = youth.values().sum();
    for r in &a.areas {
        let p = youth[&r.code];
        assert!((r.rate_per_1000.unwrap() - 1000.0 * r.supply / p).abs() < 1e-9);
        assert!((r.location_quotient.unwrap() - (r.supply / s_total) / (p / p_total)).abs() < 1e-9);
    }
    assert!((a.summary.rate_per_1000.unwrap() - 1000.0 * s_total / p_total).abs() < 1e-9);
}

#[test]
fn chicago_2023_by_point_agrees_with_full_resolution_boundaries_and_names() {
    let path = common::shared().join("chicago/programs/mcmf_programs_2023.csv");
    let (h, recs) = rows(&path);
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (lat, lon, cn) = (col("latitude"), col("longitude"), col("community_name"));
    // Independent: point in the full-resolution polygons with geo, first area in file order wins.
    let polys = common::chicago_full_resolution();
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for r in &recs {
        let (Ok(y), Ok(x)) = (r[lat].parse::<f64>(), r[lon].parse::<f64>()) else { continue };
        if let Some((code, _)) = polys.iter().find(|(_, p)| p.intersects(&geo::Point::new(x, y))) {
            *want.entry(code.clone()).or_default() += 1;
        }
    }
    let areas = common::chicago();
    let ing = read_csv("mcmf_programs_2023.csv", &std::fs::read(&path).unwrap()).unwrap();
    let view = View { lat_column: "latitude".into(), lon_column: "longitude".into(), supply: Supply::Rows, ..View::default() };
    let a = analyze(&areas, &ing, &view).unwrap();
    common::assert_identity(&a);
    let got: usize = a.rows.matched;
    let expect: usize = want.values().sum();
    // The simplified boundaries (1e-5° grid, ~8 m tolerance) may move points that sit on a border.
    let moved: usize = a.areas.iter().map(|r| (r.supply as i64 - *want.get(&r.code).unwrap_or(&0) as i64).unsigned_abs() as usize).sum();
    assert!(got.abs_diff(expect) <= expect / 200, "matched {got} vs {expect}");
    assert!(moved <= expect / 100, "{moved} of {expect} rows land in another area than with full-resolution boundaries");
    eprintln!("2023 point path: {got} matched (full resolution: {expect}); {moved} area assignments differ");

    // Name path on the same file, compared row by row with the point path.
    let by_name = analyze(&areas, &ing, &View { area_column: h[cn].clone(), supply: Supply::Rows, ..View::default() }).unwrap();
    common::assert_identity(&by_name);
    eprintln!("2023 name path: {} matched, {} unmatched", by_name.rows.matched, by_name.rows.unmatched);
    assert!(by_name.rows.matched > 16_000);
    // Row by row: where both paths place a row, how often do they disagree?
    let names = equimap::engine::analysis::prepare(&areas, &ing, &View { area_column: h[cn].clone(), ..View::default() }).unwrap();
    let points = equimap::engine::analysis::prepare(&areas, &ing, &view).unwrap();
    let both: Vec<(u32, u32)> =
        names.placement.iter().zip(&points.placement).filter_map(|(a, b)| Some((a.get().ok()?, b.get().ok()?))).collect();
    let differ = both.iter().filter(|(a, b)| a != b).count();
    let only_points = names.placement.iter().zip(&points.placement).filter(|(a, b)| a.get().is_err() && b.get().is_ok()).count();
    let only_names = names.placement.iter().zip(&points.placement).filter(|(a, b)| a.get().is_ok() && b.get().is_err()).count();
    eprintln!(
        "2023 rows placed by both paths: {}; in different areas: {differ}; only by point: {only_points}; only by name: {only_names}",
        both.len()
    );
    assert!(differ * 20 < both.len(), "the two paths agree on at least 95% of rows they both place");
}

#[test]
fn arts_council_west_midlands_totals() {
    let path = common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv");
    let funding = "2023-26 Annual Funding (Offered 4 Nov 2022)";
    let areas = common::west_midlands();
    let ing = read_csv("ac.csv", &std::fs::read(&path).unwrap()).unwrap();
    let view = View {
        area_column: "Local authority".into(),
        supply: Supply::Sum(funding.into()),
        filters: vec![Filter::Equals { column: "ONS region".into(), values: vec!["West Midlands".into()] }],
        ..View::default()
    };
    let a = analyze(&areas, &ing, &view).unwrap();
    common::assert_identity(&a);
    assert_eq!(a.summary.supply_total, 56_112_217.0);
    assert_eq!(a.rows.matched, 93);
    assert_eq!(a.areas.iter().filter(|r| r.supply > 0.0).count(), 17);
    assert_eq!(a.areas.iter().filter(|r| r.supply == 0.0).count(), 13);
    // Independent per-LAD sums with the csv crate (a header holds a newline; names trimmed).
    let mut r = csv::ReaderBuilder::new().flexible(true).from_path(&path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    let (f, la, reg) = (
        h.iter().position(|x| x == funding).unwrap(),
        h.iter().position(|x| x == "Local authority").unwrap(),
        h.iter().position(|x| x == "ONS region").unwrap(),
    );
    let mut sums: HashMap<String, f64> = HashMap::new();
    for rec in r.records().map(Result::unwrap) {
        if rec.get(reg) == Some("West Midlands") {
            *sums.entry(rec[la].trim().to_string()).or_default() += rec[f].parse::<f64>().unwrap();
        }
    }
    for row in &a.areas {
        assert_eq!(row.supply, *sums.get(&row.name).unwrap_or(&0.0), "{}", row.name);
    }
    // Per head with Census 2021 populations read by hand from the ONS workbook (rounded to 100).
    let per_head = |name: &str, pop: f64| {
        let row = a.areas.iter().find(|r| r.name == name).unwrap();
        assert_eq!(row.denominator, Some(pop), "{name}");
        assert!((row.rate_per_1000.unwrap() - 1000.0 * sums[name] / pop).abs() < 1e-9);
        row.rate_per_1000.unwrap() / 1000.0
    };
    let stratford = per_head("Stratford-on-Avon", 134_700.0);
    let birmingham = per_head("Birmingham", 1_144_900.0);
    per_head("Herefordshire, County of", 187_100.0);
    let top = a.areas.iter().max_by(|x, y| x.rate_per_1000.partial_cmp(&y.rate_per_1000).unwrap()).unwrap();
    assert_eq!(top.name, "Stratford-on-Avon", "the RSC makes Stratford the top district per head");
    assert!(stratford > 100.0 && birmingham < stratford, "£{stratford:.2} vs £{birmingham:.2} per head");
    assert!(a.notes.iter().any(|n| n.contains("Stratford-on-Avon")), "{:?}", a.notes);
    // Excluding the largest recipient moves the RSC out.
    let a2 = analyze(&areas, &ing, &View { exclude_top: 1, ..view }).unwrap();
    common::assert_identity(&a2);
    assert_eq!(a2.rows.matched, 92);
    assert!(a2.summary.supply_total < 56_112_217.0 - 10_000_000.0);
}

#[test]
fn arts_council_groups_and_flags() {
    let path = common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv");
    let areas = common::west_midlands();
    let ing = read_csv("ac.csv", &std::fs::read(&path).unwrap()).unwrap();
    let view = View {
        area_column: "Local authority".into(),
        supply: Supply::Sum("2023-26 Annual Funding (Offered 4 Nov 2022)".into()),
        filters: vec![Filter::Equals { column: "ONS region".into(), values: vec!["West Midlands".into()] }],
        group: "wmca_group".into(),
        ..View::default()
    };
    let a = analyze(&areas, &ing, &view).unwrap();
    let g: Vec<(&str, usize)> = a.groups.iter().map(|g| (g.group.as_str(), g.areas)).collect();
    assert_eq!(g, vec![("Rest of region", 13), ("WMCA constituent", 7), ("WMCA non-constituent", 10)]);
    assert_eq!(a.groups.iter().map(|g| g.supply).sum::<f64>(), 56_112_217.0);
    // Independently: the Priority Place values per district among West Midlands rows.
    let mut r = csv::ReaderBuilder::new().from_path(&path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    let (la, reg, pp) = (
        h.iter().position(|x| x == "Local authority").unwrap(),
        h.iter().position(|x| x == "ONS region").unwrap(),
        h.iter().position(|x| x == "Priority Place").unwrap(),
    );
    let mut want: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for rec in r.records().map(Result::unwrap) {
        if rec.get(reg) == Some("West Midlands") {
            want.entry(rec[la].trim().to_string()).or_default().insert(rec[pp].to_string());
        }
    }
    let flag = a.flags.iter().find(|f| f.column == "Priority Place").expect("Priority Place is a flag column");
    for (name, vals) in &want {
        let code = &areas.codes[areas.lookup(name).unwrap()];
        if vals.len() == 1 {
            assert_eq!(flag.consistent.get(code), vals.iter().next(), "{name}");
        } else {
            assert!(flag.inconsistent.contains(code), "{name}");
        }
    }
    assert!(a.flags.iter().any(|f| f.column == "Levelling Up For Culture Place"));
}
