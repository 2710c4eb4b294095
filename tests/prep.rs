//! `equimap prep`: outputs checked against the raw files read independently here, byte-identical
//! re-runs, and a test that fails when the committed `static/data` is stale.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::HashMap;

use equimap::engine::geo::geometry::PointFate;
use equimap::engine::placement::names::normalize;

/// Every file prep writes under `dir` (the regions' folders and the catalog), by relative path;
/// the sample exports (copied byte for byte) left out.
fn read_dir_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            if p.is_dir() {
                if !rel.ends_with("samples") {
                    walk(base, &p, out);
                }
            } else if !rel.ends_with(".md") {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

/// The regions prep builds, each from its spec in `regions/`.
const REGIONS: [&str; 3] = ["chicago", "west-midlands", "england"];

#[test]
fn committed_outputs_are_fresh_and_reproducible() {
    let tmp = std::env::temp_dir().join(format!("equimap-prep-{}", std::process::id()));
    for run in 0..2 {
        let out = tmp.join(format!("run{run}"));
        for region in REGIONS {
            equimap::prep::run(region, &common::shared(), &out).unwrap();
        }
    }
    let (a, b) = (read_dir_files(&tmp.join("run0")), read_dir_files(&tmp.join("run1")));
    let names: Vec<&str> = a.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(a.len(), 23, "{names:?}");
    assert_eq!(a, b, "two prep runs differ");
    let committed = read_dir_files(&common::data());
    assert_eq!(names, committed.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), "static/data has other files than prep writes");
    for ((name, fresh), (_, old)) in a.iter().zip(&committed) {
        assert!(fresh == old, "static/data/{name} is stale: run `./x prep` and commit");
    }
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn chicago_areas_match_the_raw_files() {
    let areas = common::chicago();
    assert_eq!(areas.len(), 77);
    let mut r = csv::Reader::from_path(common::shared().join("chicago/indicators/cmap_cds_2016_2020.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let (ci, cp, cm) = (
        h.iter().position(|x| x == "community_id").unwrap(),
        h.iter().position(|x| x == "TOT_POP").unwrap(),
        h.iter().position(|x| x == "MEDINC").unwrap(),
    );
    let mut total = 0.0;
    let mut medinc = HashMap::new();
    for rec in r.records().map(Result::unwrap) {
        total += rec[cp].parse::<f64>().unwrap();
        medinc.insert(rec[ci].to_string(), rec[cm].parse::<f64>().unwrap());
    }
    let pop: f64 = areas.values["population"].iter().map(|v| v.unwrap()).sum();
    assert!((pop - total).abs() < 1e-6, "{pop} vs {total}");
    assert!(pop.fract() != 0.0, "CMAP's apportioned estimates stay fractional");
    for (i, code) in areas.codes.iter().enumerate() {
        assert_eq!(areas.values["median_household_income"][i], Some(medinc[code]));
    }
    let hardship = &areas.values["hardship_index"];
    assert!(hardship.iter().all(Option::is_some));
    // Field metadata travels in the Parquet file.
    let ing = equimap::engine::ingest::parquet::read_parquet(
        "areas.parquet",
        std::fs::read(common::data().join("chicago/community_area/areas.parquet")).unwrap(),
    )
    .unwrap();
    let schema = ing.table.batch.schema();
    let f = schema.field_with_name("median_household_income").unwrap();
    assert_eq!(f.metadata().get("higher_is_more_need").map(String::as_str), Some("false"));
    assert_eq!(f.metadata().get("vintage").map(String::as_str), Some("2016-2020"));
}

#[test]
fn every_published_name_resolves() {
    let areas = common::chicago();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::shared().join("chicago/boundaries/community_areas.geojson")).unwrap())
            .unwrap();
    for f in v["features"].as_array().unwrap() {
        let (name, code) = (f["properties"]["community"].as_str().unwrap(), f["properties"]["area_numbe"].as_str().unwrap());
        assert_eq!(areas.lookup(name).map(|i| areas.codes[i].as_str()), Some(code), "{name}");
    }
    for file in ["chicago/indicators/cmap_cds_2016_2020.csv", "chicago/indicators/socioeconomic_2008_2012.csv"] {
        let mut r = csv::Reader::from_path(common::shared().join(file)).unwrap();
        for rec in r.records().map(Result::unwrap) {
            if &rec[0] == "0" {
                continue;
            }
            assert_eq!(areas.lookup(&rec[1]).map(|i| areas.codes[i].as_str()), Some(&rec[0]), "{file}: {}", &rec[1]);
        }
    }
    for (name, want) in
        [("Back of the Yards", "New City"), ("Little Village", "South Lawndale"), ("the loop", "The Loop"), ("O’Hare", "O'Hare")]
    {
        assert_eq!(areas.lookup(name).map(|i| areas.names[i].as_str()), Some(want));
    }
    assert_eq!(areas.ambiguous("Garfield Park").unwrap(), &vec!["26".to_string(), "27".to_string()]);
    assert!(areas.lookup("Garfield Park").is_none());
}

#[test]
fn known_points_land_in_their_areas() {
    let areas = common::chicago();
    let b = areas.boundaries.as_ref().unwrap();
    let code = |lat: f64, lon: f64| match b.locate(lon, lat) {
        PointFate::Inside(i) => areas.codes[i].clone(),
        PointFate::NoArea => "none".into(),
    };
    assert_eq!(code(41.8819, -87.6278), "32", "Loop (State & Madison)");
    assert_eq!(code(41.9786, -87.9048), "76", "O'Hare airport");
    assert_eq!(code(41.7943, -87.5907), "41", "Hyde Park (University of Chicago)");
    assert_eq!(code(41.9484, -87.6553), "6", "Lake View (Wrigley Field)");
    assert_eq!(code(41.8, -87.4), "none", "Lake Michigan");
    let wm = common::west_midlands();
    let b = wm.boundaries.as_ref().unwrap();
    let lad = |lat: f64, lon: f64| match b.locate(lon, lat) {
        PointFate::Inside(i) => wm.names[i].clone(),
        PointFate::NoArea => "none".into(),
    };
    assert_eq!(lad(52.4797, -1.9026), "Birmingham");
    assert_eq!(lad(52.1917, -1.7073), "Stratford-on-Avon");
}

#[test]
fn west_midlands_districts_match_the_raw_files() {
    let wm = common::west_midlands();
    assert_eq!(wm.len(), 30);
    let mut r = csv::Reader::from_path(common::shared().join("west-midlands/lookups/la_all_codes.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let (cd, rg) = (h.iter().position(|x| x == "LADCD").unwrap(), h.iter().position(|x| x == "RGNCD").unwrap());
    let mut want: Vec<String> = r.records().map(Result::unwrap).filter(|x| &x[rg] == "E12000005").map(|x| x[cd].to_string()).collect();
    want.sort();
    assert_eq!(wm.codes, want);
    let mut r = csv::Reader::from_path(common::shared().join("west-midlands/imd/imd2019_england_ltla22.csv")).unwrap();
    let scores: HashMap<String, f64> = r.records().map(Result::unwrap).map(|x| (x[0].to_string(), x[1].parse().unwrap())).collect();
    for (i, c) in wm.codes.iter().enumerate() {
        assert_eq!(wm.values["imd_score"][i], Some(scores[c]), "{c}");
        assert!(wm.values["population"][i].unwrap() > 50_000.0, "{c}");
    }
    // Rank 1 = most deprived in England: Birmingham is among the most deprived districts.
    let b = wm.codes.iter().position(|c| c == "E08000025").unwrap();
    let better = scores.iter().filter(|(c, s)| c.starts_with('E') && **s > scores["E08000025"]).count();
    assert_eq!(wm.values["imd_rank"][b], Some((better + 1) as f64));
    assert_eq!(wm.labels["wmca_group"].iter().filter(|g| g.as_deref() == Some("WMCA constituent")).count(), 7);
    for name in ["Herefordshire, County of", "HEREFORDSHIRE", "Stratford-on-Avon ", "stoke on trent"] {
        assert!(wm.lookup(name).is_some(), "{name}");
    }
    assert_eq!(wm.outside("Somerset").map(String::as_str), Some("South West"));
    assert!(wm.outside(&normalize("Birmingham")).is_none());
}

#[test]
fn west_midlands_msoas_keep_their_gaps() {
    let areas = equimap::cli::load_areas(&common::data(), "west-midlands", "msoa").unwrap();
    assert_eq!(areas.len(), 736);
    // Independently: MSOA 2021 codes of the region in the lookup, and which of them the 2011-based
    // IMD file covers.
    let mut r = csv::Reader::from_path(common::shared().join("west-midlands/lookups/msoa_la.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let (c21, rg) = (h.iter().position(|x| x == "MSOA21CD").unwrap(), h.iter().position(|x| x == "RGNCD").unwrap());
    let mut codes: Vec<String> =
        r.records().map(Result::unwrap).filter(|x| &x[rg] == "E12000005" && !x[c21].is_empty()).map(|x| x[c21].to_string()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(areas.codes, codes);
    let mut r = csv::Reader::from_path(common::shared().join("west-midlands/imd/imd_england_msoa.csv")).unwrap();
    let imd: std::collections::HashSet<String> = r.records().map(Result::unwrap).map(|x| x[0].to_string()).collect();
    let lacking: Vec<&String> = codes.iter().filter(|c| !imd.contains(*c)).collect();
    assert_eq!(lacking.len(), 11);
    for (i, c) in areas.codes.iter().enumerate() {
        assert_eq!(areas.values["imd_score"][i].is_none(), lacking.contains(&c), "{c}: never filled silently");
        assert!(areas.values["households"][i].unwrap() > 1000.0, "{c}");
        let pct = areas.values["households_deprived_pct"][i].unwrap();
        assert!((0.0..=100.0).contains(&pct));
    }
    // The manifest says which areas lack the score, every one of them.
    let note = areas.level.missing.iter().find(|m| m.starts_with("imd_score:")).expect("a note on imd_score");
    assert!(note.contains("no value for 11 area(s)") && lacking.iter().all(|c| note.contains(c.as_str())), "{note}");
    assert!(areas.lookup("Birmingham 001").is_some(), "official MSOA names are aliases");
    let size = std::fs::metadata(common::data().join("west-midlands/msoa/boundaries.geojson")).unwrap().len();
    assert!(size < 1_000_000, "{size} bytes");
}
