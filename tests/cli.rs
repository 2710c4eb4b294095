//! The `equimap` binary as a script would call it.

#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

mod common;

fn equimap(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_equimap")).args(args).current_dir(common::repo()).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn analyze_reproduces_the_arts_council_case() {
    let (code, out, err) = equimap(&[
        "analyze",
        "--region",
        "west-midlands",
        "--programs",
        "../shared/data/west-midlands/uploads/arts-council-investment-programme.csv",
        "--area-column",
        "Local authority",
        "--supply",
        "sum:2023-26 Annual Funding (Offered 4 Nov 2022)",
        "--where",
        "ONS region=West Midlands",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"]["in"], 985);
    assert_eq!(v["rows"]["matched"], 93);
    assert_eq!(v["rows"]["excluded"], 892);
    assert_eq!(v["summary"]["supply_total"], 56112217.0);
    let areas = v["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 30);
    assert_eq!(areas.iter().filter(|a| a["supply"] == 0.0).count(), 13);
    for key in [
        "code",
        "name",
        "supply",
        "denominator",
        "rate_per_1000",
        "location_quotient",
        "disparity_pp",
        "need",
        "need_quintile",
        "small_denominator",
    ] {
        assert!(areas[0].get(key).is_some(), "areas[].{key}");
    }
    for key in ["supply_total", "denominator_total", "rate_per_1000", "concentration_index", "gini", "dissimilarity"] {
        assert!(v["summary"].get(key).is_some(), "summary.{key}");
    }
    assert_eq!(v["quintiles"].as_array().unwrap().len(), 5);
}

#[test]
fn a_share_link_and_options_give_the_same_view() {
    let file = "../shared/data/chicago/programs/mcmf_programs_2024.csv";
    let (c1, a, e1) =
        equimap(&["analyze", "--region", "chicago", "--programs", file, "--where", "meeting_type=online", "--format", "json"]);
    let (c2, b, e2) =
        equimap(&["analyze", "--programs", file, "--view", "https://example.org/equimap/?v=1&r=chicago&w=meeting_type~online&zzz=ignored"]);
    assert_eq!((c1, c2), (0, 0), "{e1}{e2}");
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["rows"]["excluded"], 11814);
    let (_, csv_out, _) = equimap(&["analyze", "--region", "chicago", "--programs", file, "--format", "csv"]);
    assert_eq!(csv_out.lines().count(), 78);
    assert!(csv_out.starts_with("code,name,supply,denominator,rate_per_1000"));
}

#[test]
fn bad_input_gets_a_specific_message_and_exit_code() {
    let (code, _, err) = equimap(&["analyze", "--region", "chicago", "--programs", "tests/no-such-file.csv"]);
    assert_eq!(code, 1);
    assert!(err.contains("tests/no-such-file.csv"), "{err}");
    let (code, _, err) = equimap(&["analyze", "--region", "chicago"]);
    assert_eq!(code, 2);
    assert!(err.contains("--programs"), "{err}");
    let (code, _, err) = equimap(&["analyze", "--region", "atlantis", "--programs", "Cargo.toml"]);
    assert_eq!(code, 1);
    assert!(err.contains("atlantis"), "{err}");
    let (code, _, err) = equimap(&[
        "analyze",
        "--region",
        "chicago",
        "--programs",
        "../shared/data/chicago/programs/mcmf_programs_2024.csv",
        "--supply",
        "sum:nope",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("no column named \"nope\""), "{err}");
    let (code, _, _) = equimap(&["frobnicate"]);
    assert_eq!(code, 2);
}

#[test]
fn a_category_dummy_filters_like_an_independent_count() {
    let file = "../shared/data/chicago/programs/mcmf_programs_2024.csv";
    let (code, out, err) = equimap(&["analyze", "--region", "chicago", "--programs", file, "--where", "leisure_arts_dum=1"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut r = csv::Reader::from_path(common::repo().join(file)).unwrap();
    let col = r.headers().unwrap().iter().position(|h| h == "leisure_arts_dum").unwrap();
    let kept = r.records().map(Result::unwrap).filter(|rec| rec[col].parse::<f64>().ok() == Some(1.0)).count();
    assert!(kept > 1000);
    assert_eq!(v["rows"]["excluded"], 12_376 - kept as u64);
}

/// `--areas wards.shp` reads the `.dbf` and `.prj` beside it (the zipped fixture unpacked into a
/// folder): the same counts per area as `--areas` on the GeoJSON the shapefile was written from.
#[test]
fn analyze_takes_a_shapefile_with_its_parts_beside_it() {
    let tmp = std::env::temp_dir().join(format!("equimap-shp-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let bytes = std::fs::read(common::repo().join("tests/fixtures/chicago_community_areas_il_east_ft.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    archive.extract(&tmp).unwrap();
    let shp = tmp.join("geo_export_community_areas.shp");
    let programs = "../shared/data/chicago/programs/mcmf_programs_2023.csv";
    let run = |areas: &str| {
        let (code, out, err) = equimap(&["analyze", "--areas", areas, "--programs", programs]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let supply: std::collections::BTreeMap<String, f64> = v["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["code"].as_str().unwrap().to_string(), a["supply"].as_f64().unwrap()))
            .collect();
        (v["region"].clone(), v["rows"].clone(), supply, err)
    };
    let (region, rows, by_shp, err) = run(shp.to_str().unwrap());
    let (_, geo_rows, by_geojson, _) = run("static/data/chicago/community_area/boundaries.geojson");
    assert_eq!(region, "own");
    assert!(
        err.contains("77 areas, code from \"AREA_NUMBE\"") && err.contains("converted from NAD_1983_StatePlane_Illinois_East"),
        "{err}"
    );
    assert_eq!((rows, by_shp.len()), (geo_rows, 77));
    assert_eq!(by_shp, by_geojson);
    std::fs::remove_dir_all(&tmp).ok();
}
