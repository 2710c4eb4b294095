//! Regions as data: every bundled region meets the region format (docs/region-format.md), a
//! broken copy of each kind fails with its message (all problems at once), a level written by
//! DuckDB works like ours, and England's figures for the Arts Council file equal a computation
//! made here from the raw files.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use equimap::engine::analysis::analyze;
use equimap::engine::region::check::{check_region, check_site, Report};
use equimap::engine::region::Manifest;
use equimap::engine::{Areas, View};

/// Every file of a region folder, by relative path.
fn folder(region: &str) -> HashMap<String, Vec<u8>> {
    fn walk(base: &std::path::Path, dir: &std::path::Path, out: &mut HashMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.insert(p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"), std::fs::read(&p).unwrap());
            }
        }
    }
    let base = common::data().join(region);
    let mut out = HashMap::new();
    walk(&base, &base, &mut out);
    out
}

fn check(files: &HashMap<String, Vec<u8>>) -> Report {
    check_region(&|p: &str| files.get(p).cloned())
}

/// The errors' text, one per line.
fn errors(r: &Report) -> String {
    r.problems
        .iter()
        .filter(|p| p.severity == equimap::engine::region::check::Severity::Error)
        .map(|p| format!("{}: {}\n", p.file, p.what))
        .collect()
}

#[test]
fn every_bundled_region_passes_the_check() {
    let data = common::data();
    let report = check_site(&|p: &str| std::fs::read(data.join(p)).ok());
    assert!(report.passed(), "{}", report.to_text());
    for region in ["chicago", "west-midlands", "england"] {
        assert!(report.checked.iter().any(|c| c.starts_with(&format!("{region}/manifest.json"))), "{region} not checked");
    }
    // Chicago's tracts and the West Midlands' MSOAs know their parents.
    for (region, level, parent) in [("chicago", "tract", "community_area"), ("west-midlands", "msoa", "lad")] {
        let m = Manifest::from_json(&String::from_utf8(folder(region)["manifest.json"].clone()).unwrap()).unwrap();
        assert_eq!(m.level(level).unwrap().parent.as_ref().unwrap().level, parent);
    }
}

/// `areas.parquet` of a level with column `column` replaced by `values`.
fn with_text_column(bytes: &[u8], column: &str, values: Vec<&str>) -> Vec<u8> {
    let t = equimap::engine::ingest::parquet::read_parquet("areas.parquet", bytes.to_vec()).unwrap().table;
    let schema = t.batch.schema();
    let cols: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| if f.name() == column { Arc::new(StringArray::from(values.clone())) as ArrayRef } else { t.batch.column(i).clone() })
        .collect();
    let fields: Vec<arrow_schema::Field> = schema
        .fields()
        .iter()
        .map(|f| if f.name() == column { arrow_schema::Field::new(column, arrow_schema::DataType::Utf8, true) } else { f.as_ref().clone() })
        .collect();
    let batch = RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), cols).unwrap();
    equimap::engine::ingest::parquet::write_parquet(&batch).unwrap()
}

fn boundaries(files: &HashMap<String, Vec<u8>>, path: &str) -> serde_json::Value {
    serde_json::from_slice(&files[path]).unwrap()
}

#[test]
fn broken_copies_fail_with_their_messages_all_at_once() {
    let good = folder("chicago");
    assert!(check(&good).passed());
    let ca = "community_area/boundaries.geojson";

    // Codes: one repeated, one blank.
    let mut f = good.clone();
    let t = equimap::engine::ingest::parquet::read_parquet("a", good["community_area/areas.parquet"].clone()).unwrap().table;
    let code = t.column("code").unwrap();
    let mut codes: Vec<String> = (0..t.num_rows()).map(|i| code.text(i).unwrap().into_owned()).collect();
    codes[1] = codes[0].clone();
    codes[2] = " ".into();
    f.insert(
        "community_area/areas.parquet".into(),
        with_text_column(&good["community_area/areas.parquet"], "code", codes.iter().map(String::as_str).collect()),
    );
    let e = errors(&check(&f));
    assert!(e.contains("area code 1 appears twice (rows 1 and 2)"), "{e}");
    assert!(e.contains("row 3: blank area code"), "{e}");

    // Boundaries: an area without a feature, a feature without an area, a projected feature and a
    // bow-tie ring; and a manifest indicator with no column. One report lists them all.
    let mut f = good.clone();
    let mut b = boundaries(&good, ca);
    let feats = b["features"].as_array_mut().unwrap();
    let gone = feats.remove(5);
    let gone_code = gone["properties"]["code"].as_str().unwrap().to_string();
    let mut stranger = feats[0].clone();
    stranger["properties"]["code"] = "999".into();
    feats.push(stranger);
    feats[1]["geometry"] = serde_json::json!({"type": "Polygon", "coordinates": [[[1150000.0, 1900000.0], [1160000.0, 1900000.0], [1160000.0, 1910000.0], [1150000.0, 1900000.0]]]});
    feats[2]["geometry"] = serde_json::json!({"type": "Polygon", "coordinates": [[[-87.7, 41.8], [-87.6, 41.9], [-87.6, 41.8], [-87.7, 41.9], [-87.7, 41.8]]]});
    let code2 = feats[2]["properties"]["code"].as_str().unwrap().to_string();
    f.insert(ca.into(), serde_json::to_vec(&b).unwrap());
    let mut m: serde_json::Value = serde_json::from_slice(&good["manifest.json"]).unwrap();
    let mut extra = m["levels"][0]["indicators"][0].clone();
    extra["id"] = "not_there".into();
    m["levels"][0]["indicators"].as_array_mut().unwrap().push(extra);
    f.insert("manifest.json".into(), serde_json::to_vec(&m).unwrap());
    let r = check(&f);
    let e = errors(&r);
    assert!(!r.passed());
    for want in [
        format!("area {gone_code} has no geometry"),
        "feature 77 (code 999): no such area".to_string(),
        "are not longitude/latitude (a projected system?)".to_string(),
        format!("area {code2}, polygon 1: exterior ring has a self-intersection"),
        "no column for indicator not_there".to_string(),
    ] {
        assert!(e.contains(&want), "missing \"{want}\" in:\n{e}");
    }

    // Placement boundaries: one area left out of the community areas', the tracts' file missing.
    let mut f = good.clone();
    let cp = "community_area/placement.geojson";
    let mut b = boundaries(&good, cp);
    let gone = b["features"].as_array_mut().unwrap().remove(3);
    f.insert(cp.into(), serde_json::to_vec(&b).unwrap());
    f.remove("tract/placement.geojson");
    let e = errors(&check(&f));
    for want in [
        format!("{cp}: area {} has no geometry", gone["properties"]["code"].as_str().unwrap()),
        "tract/placement.geojson: missing (placement boundaries of level tract)".to_string(),
    ] {
        assert!(e.contains(&want), "missing \"{want}\" in:\n{e}");
    }

    // Parents that do not resolve; a preset for another region; a sample that is not there.
    let mut f = good.clone();
    let t = equimap::engine::ingest::parquet::read_parquet("a", good["tract/areas.parquet"].clone()).unwrap().table;
    let parent = t.column("community_area_code").unwrap();
    let mut parents: Vec<String> = (0..t.num_rows()).map(|i| parent.text(i).unwrap().into_owned()).collect();
    parents[0] = "78".into();
    f.insert(
        "tract/areas.parquet".into(),
        with_text_column(&good["tract/areas.parquet"], "community_area_code", parents.iter().map(String::as_str).collect()),
    );
    let mut m: serde_json::Value = serde_json::from_slice(&good["manifest.json"]).unwrap();
    m["presets"][0]["query"] = "v=1&r=west-midlands&preset=chicago-youth".into();
    m["samples"][0]["path"] = "samples/gone.csv".into();
    f.insert("manifest.json".into(), serde_json::to_vec(&m).unwrap());
    let e = errors(&check(&f));
    assert!(e.contains("1 area(s) name a parent that is not an area of level community_area: 17031"), "{e}");
    assert!(e.contains("its query is for region \"west-midlands\", not \"chicago\""), "{e}");
    assert!(e.contains("file samples/gone.csv is missing"), "{e}");
}

#[test]
fn region_check_exits_1_on_a_broken_folder_and_0_on_ours() {
    let tmp = std::env::temp_dir().join(format!("equimap-check-{}", std::process::id()));
    for (rel, bytes) in folder("west-midlands") {
        let p = tmp.join(&rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let run = |dir: &std::path::Path| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_equimap")).args(["region", "check"]).arg(dir).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, out) = run(&tmp);
    assert_eq!(code, Some(0), "{out}");
    std::fs::remove_file(tmp.join("msoa/boundaries.geojson")).unwrap();
    std::fs::write(tmp.join("postcodes.parquet"), b"not parquet").unwrap();
    let (code, out) = run(&tmp);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("error: msoa/boundaries.geojson: missing (boundaries of level msoa)"), "{out}");
    assert!(out.contains("error: postcodes.parquet:"), "{out}");
    std::fs::remove_dir_all(&tmp).ok();
}

/// A level's areas from the bytes of its files.
fn load(files: &HashMap<String, Vec<u8>>, level: &str, areas_parquet: Vec<u8>) -> Areas {
    let m = Manifest::from_json(&String::from_utf8(files["manifest.json"].clone()).unwrap()).unwrap();
    let lv = m.level(level).unwrap();
    Areas::load(lv, areas_parquet, Some(&String::from_utf8(files[&lv.boundaries].clone()).unwrap())).unwrap()
}

#[test]
fn a_level_written_by_duckdb_passes_and_gives_the_same_figures() {
    let ours = folder("chicago");
    let duck = std::fs::read(common::repo().join("tests/duckdb/community_area.parquet")).unwrap();
    let mut theirs = ours.clone();
    theirs.insert("community_area/areas.parquet".into(), duck.clone());
    let r = check(&theirs);
    assert!(r.passed(), "{}", r.to_text());

    let export = std::fs::read(common::shared().join("chicago/programs/mcmf_programs_2024.csv")).unwrap();
    let ing = equimap::engine::read_csv("mcmf_programs_2024.csv", &export).unwrap();
    let view = View::from_query("v=1&r=chicago&w=meeting_type~face_to_face&need=hardship_index").0;
    let a = analyze(&load(&ours, "community_area", ours["community_area/areas.parquet"].clone()), &ing, &view).unwrap();
    let b = analyze(&load(&theirs, "community_area", duck), &ing, &view).unwrap();
    common::assert_identity(&b);
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.areas.len(), 77);
    for (x, y) in a.areas.iter().zip(&b.areas) {
        assert_eq!(
            (&x.code, &x.name, x.supply, x.denominator, x.rate_per_1000),
            (&y.code, &y.name, y.supply, y.denominator, y.rate_per_1000)
        );
        assert_eq!((x.need, x.need_quintile, x.location_quotient), (y.need, y.need_quintile, y.location_quotient));
    }
    assert_eq!(a.summary.concentration_index, b.summary.concentration_index);
    assert_eq!(a.summary.gini, b.summary.gini);
}

/// The Arts Council funding column.
const FUNDING: &str = "2023-26 Annual Funding (Offered 4 Nov 2022)";

#[test]
fn england_arts_council_figures_equal_a_computation_from_the_raw_files() {
    // Today's district of every district name there has been (the ONS lookup), read here.
    let mut lookup = csv::Reader::from_path(common::shared().join("west-midlands/lookups/la_all_codes.csv")).unwrap();
    let h = lookup.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (nm, active, country, current) = (col("LADNM"), col("LADCD_ACTIVE"), col("CTRYNM"), col("Current"));
    let mut district_of: HashMap<String, String> = HashMap::new();
    let mut wales: Vec<String> = Vec::new();
    let mut current_english = 0;
    for rec in lookup.records().map(Result::unwrap) {
        let name = rec[nm].to_lowercase();
        if &rec[country] == "England" {
            district_of.insert(name, rec[active].to_string());
            current_english += usize::from(&rec[current] == "TRUE");
        } else {
            wales.push(name);
        }
    }
    assert_eq!(current_english, 296);

    // Funding per district, every English organisation: "Somerset Council " is Somerset.
    let path = common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv");
    let mut r = csv::Reader::from_path(&path).unwrap();
    let h = r.headers().unwrap().clone();
    let (la, fund) = (h.iter().position(|x| x == "Local authority").unwrap(), h.iter().position(|x| x == FUNDING).unwrap());
    let mut expected: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    let (mut organisations, mut outside) = (0, 0);
    for rec in r.records().map(Result::unwrap) {
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        organisations += 1;
        let name = rec[la].trim().to_lowercase();
        let name = name.strip_suffix(" council").unwrap_or(&name).to_string();
        match district_of.get(&name) {
            Some(code) => {
                let e = expected.entry(code.clone()).or_default();
                e.0 += rec[fund].parse::<f64>().unwrap();
                e.1 += 1;
            }
            None => {
                assert!(wales.contains(&name), "{name} is neither English nor elsewhere");
                outside += 1;
            }
        }
    }
    assert_eq!((organisations, outside), (985, 5));

    let areas = equimap::cli::load_areas(&common::data(), "england", "lad").unwrap();
    assert_eq!(areas.len(), 296);
    let ing = equimap::engine::read_csv("arts-council-investment-programme.csv", &std::fs::read(&path).unwrap()).unwrap();
    let view = View::from_query(&format!("v=1&r=england&ac=Local+authority&sup=sum%3A{}&grp=region", FUNDING.replace(' ', "+"))).0;
    let a = analyze(&areas, &ing, &view).unwrap();
    common::assert_identity(&a);
    assert_eq!((a.rows.rows_in, a.rows.matched, a.rows.unmatched), (985, 980, 5));
    for row in &a.areas {
        let (sum, n) = expected.get(&row.code).copied().unwrap_or_default();
        assert_eq!((row.supply, row.rows), (sum, n), "{} {}", row.code, row.name);
    }
    // The merged districts' population is their predecessors' sum; their IMD score the
    // population-weighted mean of the predecessors' (the ONS workbook and the IMD file, read here).
    let pop = census_population();
    let imd = imd_scores();
    for (new, olds) in [
        ("E06000066", &["E07000187", "E07000188", "E07000189", "E07000246"][..]),
        ("E06000065", &["E07000163", "E07000164", "E07000165", "E07000166", "E07000167", "E07000168", "E07000169"][..]),
        ("E06000063", &["E07000026", "E07000028", "E07000029"][..]),
    ] {
        let i = areas.by_code(new).unwrap();
        let p: f64 = olds.iter().map(|o| pop[*o]).sum();
        let s: f64 = olds.iter().map(|o| pop[*o] * imd[*o]).sum::<f64>() / p;
        assert_eq!(areas.values["population"][i], Some(p), "{new}");
        assert!((areas.values["imd_score"][i].unwrap() - s).abs() < 1e-9, "{new}");
    }
    // An unchanged district keeps its own figures.
    let b = areas.by_code("E08000025").unwrap();
    assert_eq!(areas.values["population"][b], Some(pop["E08000025"]));
    assert_eq!(areas.values["imd_score"][b], Some(imd["E08000025"]));
    // Group totals by region add up to the whole.
    let total: f64 = a.groups.iter().map(|g| g.supply).sum();
    assert!((total - a.summary.supply_total).abs() < 1e-6);
    assert_eq!(a.groups.len(), 9);
}

/// LAD 2022 code → usual residents 2021, from the ONS workbook (sheet "Population change").
fn census_population() -> HashMap<String, f64> {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(common::shared().join("west-midlands/census/datadownload.xlsx")).unwrap();
    let range = wb.worksheet_range("Population change").unwrap();
    let mut out = HashMap::new();
    let mut col = None;
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(Data::to_string).collect();
        match col {
            None => col = cells.iter().position(|c| c == "All persons, 2021"),
            Some(k) => {
                if let Some(Data::Float(v)) = row.get(k) {
                    out.insert(cells[0].clone(), *v);
                }
            }
        }
    }
    out
}

/// LAD 2022 code → IMD 2019 average score.
fn imd_scores() -> HashMap<String, f64> {
    let mut r = csv::Reader::from_path(common::shared().join("west-midlands/imd/imd2019_england_ltla22.csv")).unwrap();
    r.records().map(Result::unwrap).map(|rec| (rec[0].to_string(), rec[1].parse().unwrap())).collect()
}

#[test]
fn tracts_within_one_community_area_exclude_the_rest_and_keep_their_figures() {
    let export = std::fs::read(common::shared().join("chicago/programs/mcmf_programs_2024.csv")).unwrap();
    let ing = equimap::engine::read_csv("mcmf_programs_2024.csv", &export).unwrap();
    let tracts = equimap::cli::load_areas(&common::data(), "chicago", "tract").unwrap();
    let community = equimap::cli::load_areas(&common::data(), "chicago", "community_area").unwrap();
    let all = analyze(&tracts, &ing, &View::from_query("v=1&r=chicago&l=tract").0).unwrap();
    let by_ca = analyze(&community, &ing, &View::from_query("v=1&r=chicago").0).unwrap();
    let near_north = analyze(&tracts, &ing, &View::from_query("v=1&r=chicago&l=tract&in=8").0).unwrap();
    common::assert_identity(&near_north);
    // The tracts whose parent is community area 8, by the tract file's own `commarea_n`.
    let raw: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::shared().join("chicago/tracts/tracts_2010.geojson")).unwrap()).unwrap();
    let mut inside: Vec<String> = raw["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["commarea_n"].as_str().map(|c| c.trim_end_matches(".0")) == Some("8"))
        .map(|f| f["properties"]["geoid10"].as_str().unwrap().to_string())
        .collect();
    inside.sort();
    let mut got: Vec<String> = near_north.areas.iter().map(|r| r.code.clone()).collect();
    got.sort();
    assert_eq!(got, inside);
    assert_eq!(near_north.resolved.within.as_deref(), Some("Near North Side (8)"));
    // Rows elsewhere are excluded by the choice, not unmatched; the unmatched are the same rows.
    assert_eq!(near_north.rows.unmatched, all.rows.unmatched);
    assert_eq!(near_north.excluded_by.last().unwrap().rows, all.rows.matched - near_north.rows.matched);
    // The tracts keep their counts and rates, and together hold the community area's rows.
    for r in &near_north.areas {
        let whole = all.areas.iter().find(|x| x.code == r.code).unwrap();
        assert_eq!((r.rows, r.supply, r.rate_per_1000), (whole.rows, whole.supply, whole.rate_per_1000), "{}", r.code);
    }
    let ca8 = by_ca.areas.iter().find(|r| r.code == "8").unwrap();
    let tract_rows: usize = near_north.areas.iter().map(|r| r.rows).sum();
    assert!((tract_rows as f64 - ca8.rows as f64).abs() <= 0.02 * ca8.rows as f64, "{tract_rows} vs {}", ca8.rows);
    // A parent that does not exist, or a level without parents, is refused with the reason.
    let e = analyze(&tracts, &ing, &View::from_query("v=1&r=chicago&l=tract&in=99").0).unwrap_err().to_string();
    assert!(e.contains("no area of census tracts (2010) lies in community_area \"99\""), "{e}");
    let e = analyze(&community, &ing, &View::from_query("v=1&r=chicago&in=8").0).unwrap_err().to_string();
    assert!(e.contains("have no parent level"), "{e}");
}

/// A tiny region's raw files: three current areas (one, `C`, merged from two older ones, `X` and
/// `Y`), a lookup with the old codes, boundaries, and indicators published for the older areas.
fn tiny_raw(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("areas.csv"), "code,name,now,current,group\nA,Alpha,A,true,North\nB,Beta,B,true,North\nC,Gamma,C,true,South\nX,Old X,C,false,South\nY,Old Y,C,false,South\n").unwrap();
    let sq = |code: &str, x: f64| {
        format!("{{\"type\":\"Feature\",\"properties\":{{\"id\":\"{code}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{x},50],[{},50],[{},51],[{x},51],[{x},50]]]}}}}", x + 1.0, x + 1.0)
    };
    std::fs::write(
        dir.join("bounds.geojson"),
        format!("{{\"type\":\"FeatureCollection\",\"features\":[{},{},{}]}}", sq("A", 0.0), sq("B", 1.0), sq("C", 2.0)),
    )
    .unwrap();
    // Title rows above the header, a footnote below: as statistics publishers write them.
    std::fs::write(dir.join("people.csv"), "Population by area\nSource: a census\n\nArea code [note 1],People,Score\nA,100,10\nB,300,20\nX,200,30\nY,600,50\n\nNote 1: codes of the time\n").unwrap();
}

fn tiny_spec(dir: &std::path::Path, people: &str) -> std::path::PathBuf {
    let spec = format!(
        r#"format = 1
region = "tiny"
name = "Tiny"
attribution = "made up"
default_level = "area"
[[levels]]
id = "area"
label = "Areas"
default_view = {{ denominator = "people", need = "score", map = "score" }}
name_patterns = ["{{name}} Council"]
[levels.areas]
file = "areas.csv"
code = "code"
name = "name"
where = [{{ column = "current", equals = "true" }}]
groups = [{{ column = "group", as = "side" }}]
[levels.boundaries]
file = "bounds.geojson"
code = "id"
[levels.predecessors]
file = "areas.csv"
code = "code"
name = "name"
successor = "now"
[[levels.indicators]]
id = "people"
label = "People"
unit = "people"
source = "a census"
vintage = "2021"
role = "population"
table = {{ file = "{people}" }}
key = "Area code"
column = "People"
aggregate = "sum"
[[levels.indicators]]
id = "score"
label = "Score"
unit = "score"
source = "an index"
vintage = "2019"
role = "need"
table = {{ file = "{people}" }}
key = "Area code"
column = "Score"
aggregate = "weighted_mean"
weight = "people"
"#
    );
    let p = dir.join("tiny.toml");
    std::fs::write(&p, spec).unwrap();
    p
}

#[test]
fn a_region_built_from_a_spec_combines_predecessors_by_the_stated_rule() {
    let tmp = std::env::temp_dir().join(format!("equimap-spec-{}", std::process::id()));
    let (raw, out) = (tmp.join("raw"), tmp.join("out"));
    tiny_raw(&raw);
    let spec = tiny_spec(&raw, "people.csv");
    equimap::prep::build::build(&spec, &raw, &out).unwrap();
    let read = |p: &str| std::fs::read(out.join(p)).ok();
    let report = check_site(&read);
    assert!(report.passed(), "{}", report.to_text());
    let areas = equimap::cli::load_areas(&out, "tiny", "area").unwrap();
    assert_eq!(areas.codes, ["A", "B", "C"]);
    // Gamma = Old X + Old Y: people 200 + 600; score (200·30 + 600·50) / 800 = 45.
    assert_eq!(areas.values["people"], [Some(100.0), Some(300.0), Some(800.0)]);
    assert_eq!(areas.values["score"], [Some(10.0), Some(20.0), Some(45.0)]);
    // Old names and codes, and the name pattern, find today's area; the rule is stated.
    assert_eq!(areas.lookup("Old X"), Some(2));
    assert_eq!(areas.lookup("y"), Some(2));
    assert_eq!(areas.lookup("Beta Council"), Some(1));
    assert!(areas.level.missing.iter().any(|m| m.contains("C = weighted mean of X + Y")), "{:?}", areas.level.missing);
    assert_eq!(areas.labels["side"], [Some("North".to_string()), Some("North".to_string()), Some("South".to_string())]);

    // A spec naming a missing file, a missing column, or a table whose codes are no area's.
    let e = equimap::prep::build::build(&tiny_spec(&raw, "nope.csv"), &raw, &out).unwrap_err().to_string();
    assert!(e.contains("nope.csv") && e.contains("the spec names it"), "{e}");
    std::fs::write(raw.join("other.csv"), "Area code,People,Score\nQ1,5,1\nQ2,6,2\n").unwrap();
    let e = equimap::prep::build::build(&tiny_spec(&raw, "other.csv"), &raw, &out).unwrap_err().to_string();
    assert!(e.contains("other.csv") && e.contains("no Area code of the table is a code of the level's areas"), "{e}");
    std::fs::write(raw.join("cols.csv"), "Area code,Persons,Score\nA,5,1\n").unwrap();
    let e = equimap::prep::build::build(&tiny_spec(&raw, "cols.csv"), &raw, &out).unwrap_err().to_string();
    assert!(e.contains("no column People (columns: Area code, Persons, Score)"), "{e}");
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn own_areas_from_the_raw_boundaries_give_the_bundled_levels_figures() {
    use equimap::engine::region::own::{own_level, OwnChoice};
    let bytes = std::fs::read(common::shared().join("chicago/boundaries/community_areas.geojson")).unwrap();
    let own = own_level("community_areas.geojson", &bytes, &OwnChoice::default()).unwrap();
    assert_eq!((own.used.code.as_str(), own.used.name.as_str(), own.areas.len()), ("area_num_1", "community", 77));
    let export = std::fs::read(common::shared().join("chicago/programs/mcmf_programs_2024.csv")).unwrap();
    let ing = equimap::engine::read_csv("mcmf_programs_2024.csv", &export).unwrap();
    let bundled = common::chicago();
    let ours = analyze(&bundled, &ing, &View::from_query("v=1&r=chicago").0).unwrap();

    // Boundaries alone: supply per area, no rates, and a note of what to drop.
    let bare = analyze(&own.areas, &ing, &View::default()).unwrap();
    common::assert_identity(&bare);
    assert_eq!(bare.rows, ours.rows);
    assert!(bare.areas.iter().all(|r| r.rate_per_1000.is_none()));
    assert!(bare.notes.iter().any(|n| n.contains("have no population figures and no need measure")), "{:?}", bare.notes);

    // With the CMAP table joined by its community numbers: the bundled level's figures.
    let cmap =
        equimap::engine::read_csv("cmap.csv", &std::fs::read(common::shared().join("chicago/indicators/cmap_cds_2016_2020.csv")).unwrap())
            .unwrap();
    let (joined, extra) = own.areas.with_extra(&cmap.table).unwrap();
    assert_eq!(extra.key_column, "community_id");
    let with = analyze(&joined, &ing, &View::from_query("den=A5_19&need=MEDINC&nd=low").0).unwrap();
    assert!(!with.resolved.higher_is_more_need);
    for r in &with.areas {
        let b = ours.areas.iter().find(|x| x.code == r.code).unwrap();
        assert_eq!(
            (r.supply, r.denominator, r.rate_per_1000, r.need_quintile),
            (b.supply, b.denominator, b.rate_per_1000, b.need_quintile),
            "{}",
            r.name
        );
    }
    let (c1, c2) = (with.summary.concentration_index.unwrap(), ours.summary.concentration_index.unwrap());
    assert!((c1 - c2).abs() < 1e-12, "{c1} vs {c2}");
}

/// Boundaries as a portal's CSV export (the City of Chicago's `CommAreas.csv`: `the_geom` as
/// WKT MULTIPOLYGON, upper-case columns, numbers as numbers), written here from the GeoJSON: the
/// same level, and the same counts per area, as the GeoJSON gives. Dropped as an export, the
/// same file gets a note saying it is boundaries.
#[test]
fn boundaries_as_a_csv_with_wkt_polygons_give_the_geojsons_level() {
    use equimap::engine::region::own::{own_level, OwnChoice};
    let bytes = std::fs::read(common::shared().join("chicago/boundaries/community_areas.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let ring = |r: &serde_json::Value| {
        let pts: Vec<String> = r.as_array().unwrap().iter().map(|p| format!("{} {}", p[0], p[1])).collect();
        format!("({})", pts.join(", "))
    };
    let mut csv = String::from("the_geom,AREA_NUMBE,COMMUNITY,SHAPE_AREA,PERIMETER\n");
    for f in v["features"].as_array().unwrap() {
        let polys: Vec<String> = f["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| format!("({})", p.as_array().unwrap().iter().map(ring).collect::<Vec<_>>().join(", ")))
            .collect();
        let p = &f["properties"];
        let field = |k: &str| p[k].as_str().unwrap().to_string();
        csv.push_str(&format!(
            "\"MULTIPOLYGON ({})\",{},{},{},{}\n",
            polys.join(", "),
            field("area_numbe"),
            field("community"),
            field("shape_area"),
            field("perimeter")
        ));
    }
    let table = own_level("CommAreas.csv", csv.as_bytes(), &OwnChoice::default()).unwrap();
    let geojson = own_level("community_areas.geojson", &bytes, &OwnChoice::default()).unwrap();
    assert_eq!((table.used.code.as_str(), table.used.name.as_str()), ("AREA_NUMBE", "COMMUNITY"));
    assert!(table.areas.level.indicators.is_empty(), "shape area and perimeter are not indicators");
    assert!(table.problems.is_empty(), "{:?}", table.problems);
    let export = std::fs::read(common::shared().join("chicago/programs/mcmf_programs_2023.csv")).unwrap();
    let ing = equimap::engine::read_csv("mcmf_programs_2023.csv", &export).unwrap();
    let by_table = analyze(&table.areas, &ing, &View::default()).unwrap();
    let by_geojson = analyze(&geojson.areas, &ing, &View::default()).unwrap();
    common::assert_identity(&by_table);
    assert_eq!(by_table.resolved.placement.as_ref().map(|p| p.by), Some(equimap::engine::analysis::evidence::PlacedBy::Coordinates));
    assert_eq!(by_table.rows, by_geojson.rows);
    let supply = |a: &equimap::engine::Analysis| -> BTreeMap<String, f64> { a.areas.iter().map(|r| (r.code.clone(), r.supply)).collect() };
    assert_eq!(supply(&by_table), supply(&by_geojson));

    let as_export = equimap::engine::read_csv("CommAreas.csv", csv.as_bytes()).unwrap();
    let counted = analyze(&common::chicago(), &as_export, &View::default()).unwrap();
    assert!(
        counted.notes.iter().any(|n| n.starts_with("Column \"the_geom\" holds polygons (WKT): this file looks like boundaries")),
        "{:?}",
        counted.notes
    );
}

#[test]
fn rows_naming_msoas_are_summed_up_to_their_districts_when_the_person_chooses() {
    // Every West Midlands MSOA (2021) by code, and its district, from the ONS lookup read here.
    let mut r = csv::Reader::from_path(common::shared().join("west-midlands/lookups/msoa_la.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (code, lad, rgn) = (col("MSOA21CD"), col("LADCD_ACTIVE"), col("RGNCD"));
    let mut district_of: BTreeMap<String, String> = BTreeMap::new();
    for rec in r.records().map(Result::unwrap) {
        if &rec[rgn] == "E12000005" && !rec[code].is_empty() {
            district_of.insert(rec[code].to_string(), rec[lad].to_string());
        }
    }
    assert_eq!(district_of.len(), 736);
    // A file of one row per MSOA, and one row per district.
    let mut csv_text = String::from("area,amount\n");
    for c in district_of.keys() {
        csv_text.push_str(&format!("{c},1\n"));
    }
    csv_text.push_str("Birmingham,1\n");
    let ing = equimap::engine::read_csv("msoas.csv", csv_text.as_bytes()).unwrap();
    let areas = common::west_midlands();
    let plain = analyze(&areas, &ing, &View::from_query("v=1&r=west-midlands&ac=area").0).unwrap();
    assert_eq!((plain.rows.matched, plain.rows.unmatched), (1, 736));
    let up = analyze(&areas, &ing, &View::from_query("v=1&r=west-midlands&ac=area&as=*~within").0).unwrap();
    common::assert_identity(&up);
    assert_eq!((up.rows.matched, up.rows.unmatched), (737, 0));
    let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
    for d in district_of.values() {
        *expected.entry(d.as_str()).or_default() += 1;
    }
    *expected.get_mut("E08000025").unwrap() += 1;
    for row in &up.areas {
        assert_eq!(row.rows, expected[row.code.as_str()], "{}", row.name);
    }
    assert!(up.notes.iter().any(|n| n.contains("counted in the area containing it (local authority districts")), "{:?}", up.notes);
}

#[test]
fn englands_regions_are_their_districts_combined_and_its_west_midlands_is_the_regions_own() {
    let path = common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv");
    let ing = equimap::engine::read_csv("arts-council-investment-programme.csv", &std::fs::read(&path).unwrap()).unwrap();
    let sup = format!("sup=sum%3A{}", FUNDING.replace(' ', "+"));
    let lad = equimap::cli::load_areas(&common::data(), "england", "lad").unwrap();
    let rgn = equimap::cli::load_areas(&common::data(), "england", "rgn").unwrap();
    assert_eq!(rgn.len(), 9);
    // Each region's population is the sum of its districts', its IMD score their
    // population-weighted mean (the districts' parent codes, read from the level).
    let parent = &lad.labels["rgn_code"];
    for (j, code) in rgn.codes.iter().enumerate() {
        let kids: Vec<usize> = (0..lad.len()).filter(|&i| parent[i].as_deref() == Some(code.as_str())).collect();
        let pop: f64 = kids.iter().map(|&i| lad.values["population"][i].unwrap()).sum();
        let score: f64 =
            kids.iter().map(|&i| lad.values["population"][i].unwrap() * lad.values["imd_score"][i].unwrap()).sum::<f64>() / pop;
        assert_eq!(rgn.values["population"][j], Some(pop), "{code}");
        assert!((rgn.values["imd_score"][j].unwrap() - score).abs() < 1e-9, "{code}");
    }
    // Funding by the file's own region column equals the sum of its districts' funding.
    let by_region = analyze(&rgn, &ing, &View::from_query(&format!("v=1&r=england&l=rgn&ac=ONS+region&{sup}")).0).unwrap();
    let by_district = analyze(&lad, &ing, &View::from_query(&format!("v=1&r=england&ac=Local+authority&{sup}")).0).unwrap();
    for (j, r) in by_region.areas.iter().enumerate() {
        let sum: f64 =
            (0..lad.len()).filter(|&i| parent[i].as_deref() == Some(rgn.codes[j].as_str())).map(|i| by_district.areas[i].supply).sum();
        assert_eq!(r.supply, sum, "{}", r.name);
    }
    // England's districts within the West Midlands give the West Midlands region's figures.
    let within = analyze(&lad, &ing, &View::from_query(&format!("v=1&r=england&in=E12000005&ac=Local+authority&{sup}")).0).unwrap();
    let wm =
        analyze(&common::west_midlands(), &ing, &View::from_query(&format!("v=1&r=west-midlands&ac=Local+authority&{sup}")).0).unwrap();
    common::assert_identity(&within);
    assert_eq!(within.areas.len(), 30);
    for r in &within.areas {
        let w = wm.areas.iter().find(|x| x.code == r.code).unwrap();
        assert_eq!((r.supply, r.rows, r.denominator), (w.supply, w.rows, w.denominator), "{}", r.name);
    }
    assert_eq!(within.summary.supply_total, 56_112_217.0);
}

/// Raw files of a two-level place: parents `1`, `2`, `10` (a CSV) and their children (a GeoJSON
/// whose properties are the areas table), with child figures keyed by a state + county code split
/// over two number columns, as the US Census API writes them.
fn nested_raw(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("parents.csv"), "num,title,kind\n2,Two,z\n10,Ten,y\n1,One,X\n").unwrap();
    let sq = |props: String, x: f64| {
        format!("{{\"type\":\"Feature\",\"properties\":{{{props}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{x},50],[{},50],[{},51],[{x},51],[{x},50]]]}}}}", x + 1.0, x + 1.0)
    };
    let fc = |f: Vec<String>| format!("{{\"type\":\"FeatureCollection\",\"features\":[{}]}}", f.join(","));
    let parent = |n: &str, upper: &str, x: f64| sq(format!("\"num\":\"{n}\",\"upper\":\"{upper}\""), x);
    std::fs::write(dir.join("parents.geojson"), fc(vec![parent("1", "UNO", 0.0), parent("2", "TWO", 4.0), parent("10", "TEN", 8.0)]))
        .unwrap();
    let kid = |id: &str, p: &str, short: &str, x: f64| {
        sq(format!("\"geoid\":\"{id}\",\"label\":\"Kid {short}\",\"short\":\"{short}\",\"in\":\"{p}\""), x)
    };
    let kids = [kid("01001", "1", "k1", 0.0), kid("01002", "1", "k2", 2.0), kid("01003", "2", "k3", 4.0)];
    std::fs::write(dir.join("kids.geojson"), fc(kids.to_vec())).unwrap();
    // The kids' boundaries as a folder of files, one per parent.
    std::fs::create_dir_all(dir.join("kid-shapes")).unwrap();
    std::fs::write(dir.join("kid-shapes/1.geojson"), fc(kids[..2].to_vec())).unwrap();
    std::fs::write(dir.join("kid-shapes/2.geojson"), fc(kids[2..].to_vec())).unwrap();
    // A fourth row (01009) is no kid's: it counts in the table's ranks only.
    std::fs::write(
        dir.join("kids.csv"),
        "st,cty,n_a,n_b,m_a,m_b,total\n1,1,1,2,3,4,4\n1,2,1,0,0.3,0.4,0\n1,3,5,5,1,1,20\n1,9,1,1,1,1,100\n",
    )
    .unwrap();
}

fn nested_spec(dir: &std::path::Path) -> std::path::PathBuf {
    let ind = |id: &str, role: &str, rest: &str| {
        format!("[[levels.indicators]]\nid = \"{id}\"\nlabel = \"{id}\"\nunit = \"people\"\nsource = \"s\"\nvintage = \"v\"\nrole = \"{role}\"\n{rest}\n")
    };
    let kids_table = "table = { file = \"kids.csv\" }\nkey = \"{st:02}{cty:03}\"";
    let spec = format!(
        r#"format = 1
region = "nested"
name = "Nested"
attribution = "made up"
default_level = "parent"
[[levels]]
id = "parent"
label = "Parents"
default_view = {{ denominator = "people", need = "people", map = "people" }}
access_point = {{ level = "kid", weight = "people", how = "people-weighted kids" }}
[levels.areas]
file = "parents.csv"
code = "num"
name = "title"
[[levels.areas.groups]]
as = "sort"
fill = "Other"
rules = [{{ column = "kind", equals = "x", value = "Ex" }}, {{ areas = ["Ten"], value = "Listed" }}]
[levels.boundaries]
file = "parents.geojson"
code = "num"
[[levels.names]]
file = "parents.geojson"
key = "num"
name = "upper"
[[levels.aliases]]
name = "Uno"
area = "One"
[[levels.ambiguous]]
name = "Both"
areas = ["One", "2"]
{}
[[levels]]
id = "kid"
label = "Kids"
default_view = {{ denominator = "people", need = "people", map = "people" }}
name_patterns = ["{{short}}", "Area {{short}}"]
[levels.areas]
file = "kids.geojson"
code = "geoid"
name = "label"
groups = [{{ parent_name = true, as = "parent_name" }}, {{ parent_group = "sort", as = "sort" }}]
parent = {{ level = "parent", column = "in", names_within = false }}
[levels.boundaries]
file = "kid-shapes"
code = "geoid"
{}{}{}{}{}"#,
        ind("people", "population", "from_level = \"kid\"\naggregate = \"sum\""),
        ind("people", "population", &format!("moe = \"people_moe\"\n{kids_table}\ncolumns = [\"n_a\", \"n_b\"]")),
        ind("people_moe", "context", &format!("{kids_table}\ncolumns = [\"m_a\", \"m_b\"]\ncombine = \"root_sum_square\"\ndigits = 1")),
        ind("a_share", "group_share", &format!("{kids_table}\ncolumn = \"n_a\"\nper = \"total\"")),
        ind(
            "rest_pct",
            "need",
            &format!("{kids_table}\ncolumns = [\"total\", \"n_a\"]\ncombine = \"difference\"\nscale = 100.0\nper = \"total\"")
        ),
        ind("total_rank", "need_low", &format!("{kids_table}\ncolumn = \"total\"\nrank_in_table = true")),
    );
    let p = dir.join("nested.toml");
    std::fs::write(&p, spec).unwrap();
    p
}

#[test]
fn a_spec_reads_keys_made_of_columns_combined_columns_and_access_points_from_a_child_level() {
    let tmp = std::env::temp_dir().join(format!("equimap-nested-{}", std::process::id()));
    let (raw, out) = (tmp.join("raw"), tmp.join("out"));
    nested_raw(&raw);
    equimap::prep::build::build(&nested_spec(&raw), &raw, &out).unwrap();
    let read = |p: &str| std::fs::read(out.join(p)).ok();
    let report = check_site(&read);
    assert!(report.passed(), "{}", report.to_text());
    let manifest =
        equimap::engine::region::Manifest::from_json(&String::from_utf8(read("nested/manifest.json").unwrap()).unwrap()).unwrap();
    // The spec's order, though the kids are built first.
    assert_eq!(manifest.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["parent", "kid"]);

    let kids = equimap::cli::load_areas(&out, "nested", "kid").unwrap();
    assert_eq!(kids.codes, ["01001", "01002", "01003"]);
    // "{st:02}{cty:03}" of (1, 1) is "01001"; n_a + n_b; √(3² + 4²) = 5, √(0.3² + 0.4²) = 0.5,
    // √2 = 1.414… → 1.4; n_a / total, none where the total is 0.
    assert_eq!(kids.values["people"], [Some(3.0), Some(1.0), Some(10.0)]);
    assert_eq!(kids.values["people_moe"], [Some(5.0), Some(0.5), Some(1.4)]);
    assert_eq!(kids.values["a_share"], [Some(0.25), None, Some(0.25)]);
    assert_eq!(kids.level.indicators.iter().find(|i| i.id == "people").unwrap().moe.as_deref(), Some("people_moe"));
    assert_eq!(kids.labels["parent_name"], [Some("One".to_string()), Some("One".to_string()), Some("Two".to_string())]);
    assert_eq!((kids.lookup("k2"), kids.lookup("Area k3")), (Some(1), Some(2)));
    // 100 × (total − n_a) ÷ total: 100 × 3 / 4, none (total 0), 100 × 15 / 20.
    assert_eq!(kids.values["rest_pct"], [Some(75.0), None, Some(75.0)]);
    // Totals 4, 0, 20 ranked among the table's 4, 0, 20 and 100.
    assert_eq!(kids.values["total_rank"], [Some(3.0), Some(4.0), Some(2.0)]);
    // Parent "1" (kind "X", matched without case) is Ex, "2" meets no rule, "10" is listed.
    assert_eq!(kids.labels["sort"], [Some("Ex".to_string()), Some("Ex".to_string()), Some("Other".to_string())]);
    // Parent 1's code, name and alias span its two kids; parent 2 has one kid, so none.
    let both = vec!["01001".to_string(), "01002".to_string()];
    assert_eq!(
        (kids.level.spans.get("1"), kids.level.spans.get("one"), kids.level.spans.get("uno")),
        (Some(&both), Some(&both), Some(&both))
    );
    assert!(!kids.level.spans.contains_key("two"));

    let parents = equimap::cli::load_areas(&out, "nested", "parent").unwrap();
    // Plain whole-number codes in number order; sums of the kids (10 has none).
    assert_eq!(parents.codes, ["1", "2", "10"]);
    assert_eq!(parents.values["people"], [Some(4.0), Some(10.0), None]);
    assert_eq!(parents.labels["sort"], [Some("Ex".to_string()), Some("Other".to_string()), Some("Listed".to_string())]);
    // Parent 1: kids' interior points (0.5, 50.5) weight 3 and (2.5, 50.5) weight 1 → lon 1.0.
    assert_eq!(parents.access_points[0], Some((50.5, 1.0)));
    assert_eq!(parents.level.access_point.as_deref(), Some("people-weighted kids"));
    assert_eq!((parents.lookup("UNO"), parents.lookup("uno"), parents.lookup("ten")), (Some(0), Some(0), Some(2)));
    assert_eq!(parents.level.ambiguous.get("both"), Some(&vec!["1".to_string(), "2".to_string()]));
    assert!(parents.level.within.is_empty(), "names_within = false: {:?}", parents.level.within);

    // A name of no area, and levels drawing on each other, are refused with the reason.
    let text = std::fs::read_to_string(nested_spec(&raw)).unwrap();
    let bad = raw.join("bad.toml");
    std::fs::write(&bad, text.replace("area = \"One\"", "area = \"Eleven\"")).unwrap();
    let e = equimap::prep::build::build(&bad, &raw, &out).unwrap_err().to_string();
    assert!(e.contains("alias \"Uno\" names \"Eleven\", which is neither a code nor a name"), "{e}");
    std::fs::write(
        &bad,
        text.replace("name_patterns", "access_point = { level = \"parent\", weight = \"people\", how = \"x\" }\nname_patterns"),
    )
    .unwrap();
    let e = equimap::prep::build::build(&bad, &raw, &out).unwrap_err().to_string();
    assert!(e.contains("draw on each other in a circle"), "{e}");
    std::fs::remove_dir_all(&tmp).ok();
}

/// The sweep finds the same faults as geo's own pair-by-pair validation on every polygon of
/// Chicago's 2010 tracts (full resolution) and the ONS UK districts (pinched rings among them).
#[test]
fn polygon_validity_by_sweep_equals_geos_on_real_boundaries() {
    use equimap::engine::geo::{geometry::parse_geometry, topojson, validity::polygon_errors};
    use geo::Validation;
    let read = |path: &str| -> serde_json::Value { serde_json::from_slice(&std::fs::read(common::shared().join(path)).unwrap()).unwrap() };
    let tracts = read("chicago/tracts/tracts_2010.geojson");
    let mut shapes: Vec<_> = tracts["features"].as_array().unwrap().iter().map(|f| parse_geometry(&f["geometry"]).unwrap()).collect();
    shapes.extend(topojson::features(&read("west-midlands/boundaries/uk_lad_topo.json"), None).unwrap().into_iter().map(|(_, s)| s));
    let (mut polygons, mut invalid) = (0, 0);
    for p in shapes.iter().flat_map(|s| &s.0) {
        let geos: Vec<String> = p.validation_errors().iter().map(ToString::to_string).collect();
        let ours: Vec<String> = polygon_errors(p).iter().map(ToString::to_string).collect();
        assert_eq!(ours, geos, "a polygon of {} points", p.exterior().0.len());
        polygons += 1;
        invalid += usize::from(!geos.is_empty());
    }
    assert!(polygons > 1000 && invalid > 0, "{polygons} polygons, {invalid} invalid");
}
