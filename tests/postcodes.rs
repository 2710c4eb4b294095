//! UK postcodes, checked against the raw NSPL lists in `../shared/data/west-midlands/postcodes`:
//! every expected area comes from an independent point in polygon with `geo` on the
//! full-resolution MSOA boundaries (the district from the file each MSOA comes from), never from
//! the published postcode table.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeMap;

use equimap::engine::analysis::evidence::PlacedBy;
use equimap::engine::placement::matching::{Method, Unmatched};
use equimap::engine::{analyze, read_csv, View};
use geo::{BoundingRect, Intersects};

/// One raw postcode: as written, its point (None: no grid reference).
struct Raw {
    postcode: String,
    point: Option<(f64, f64)>,
}

fn raw_postcodes() -> Vec<Raw> {
    let mut out = Vec::new();
    for area in ["B", "CV", "DY", "HR", "ST", "SY", "TF", "WR", "WS", "WV"] {
        let mut r = csv::Reader::from_path(common::shared().join(format!("west-midlands/postcodes/{area}.csv"))).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            let point = match (rec[1].trim().parse::<f64>(), rec[2].trim().parse::<f64>()) {
                (Ok(la), Ok(lo)) => Some((la, lo)),
                _ => None,
            };
            // NSPL writes 7-character postcodes without their space (`CV100AA`).
            let compact = rec[0].replace(' ', "");
            let postcode = format!("{} {}", &compact[..compact.len() - 3], &compact[compact.len() - 3..]);
            out.push(Raw { postcode, point });
        }
    }
    out
}

/// The region's MSOAs at full resolution: (MSOA code, district code, polygon, its box).
type Msoa = (String, String, geo::MultiPolygon<f64>, geo::Rect<f64>);

fn msoas() -> Vec<Msoa> {
    let dir = common::shared().join("west-midlands/boundaries/msoa21-by-lad");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let lad = path.file_stem().unwrap().to_string_lossy().to_string();
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for f in v["features"].as_array().unwrap() {
            let code = f["properties"]["MSOA21CD"].as_str().unwrap().to_string();
            let mp = multipolygon(&f["geometry"]);
            let bbox = mp.bounding_rect().unwrap();
            out.push((code, lad.clone(), mp, bbox));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A GeoJSON Polygon or MultiPolygon, read here (not with the engine's reader).
fn multipolygon(g: &serde_json::Value) -> geo::MultiPolygon<f64> {
    let ring = |r: &serde_json::Value| -> geo::LineString<f64> {
        r.as_array().unwrap().iter().map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())).collect::<Vec<_>>().into()
    };
    let polygon = |p: &serde_json::Value| {
        let rings = p.as_array().unwrap();
        geo::Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
    };
    match g["type"].as_str().unwrap() {
        "Polygon" => geo::MultiPolygon(vec![polygon(&g["coordinates"])]),
        "MultiPolygon" => geo::MultiPolygon(g["coordinates"].as_array().unwrap().iter().map(polygon).collect()),
        t => panic!("unexpected geometry {t}"),
    }
}

/// (MSOA, district) of a point, independently; None outside the region.
fn true_area(msoas: &[Msoa], lat: f64, lon: f64) -> Option<(String, String)> {
    let p = geo::Point::new(lon, lat);
    msoas.iter().find(|m| m.3.intersects(&p) && m.2.intersects(&p)).map(|m| (m.0.clone(), m.1.clone()))
}

#[test]
fn the_postcode_table_places_every_sampled_postcode_where_its_grid_reference_is() {
    let raw = raw_postcodes();
    assert_eq!(raw.len(), 207_427);
    let polys = msoas();
    let (lad, msoa) = (common::west_midlands(), equimap::cli::load_areas(&common::data(), "west-midlands", "msoa").unwrap());
    let (pl, pm) = (lad.postcodes.as_ref().unwrap(), msoa.postcodes.as_ref().unwrap());
    let size = std::fs::metadata(common::data().join("west-midlands/postcodes.parquet")).unwrap().len();
    assert!(size <= 1 << 20, "the postcode table is {size} bytes");
    let mut outside = 0;
    for r in raw.iter().step_by(61) {
        let (at_lad, at_msoa) = (pl.place(&r.postcode).map_err(Unmatched::from), pm.place(&r.postcode).map_err(Unmatched::from));
        match r.point.and_then(|(la, lo)| true_area(&polys, la, lo)) {
            Some((m, l)) => {
                assert_eq!(at_msoa.map(|i| msoa.codes[i as usize].clone()), Ok(m), "{}", r.postcode);
                assert_eq!(at_lad.map(|i| lad.codes[i as usize].clone()), Ok(l), "{}", r.postcode);
            }
            None if r.point.is_some() => {
                outside += 1;
                assert_eq!(
                    (at_lad, at_msoa),
                    (Err(Unmatched::PostcodeOutsideRegion), Err(Unmatched::PostcodeOutsideRegion)),
                    "{}",
                    r.postcode
                );
            }
            None => assert_eq!(at_lad, Err(Unmatched::UnlocatedPostcode), "{}", r.postcode),
        }
    }
    assert!(outside > 50, "the lists reach beyond the region (Wales, Cheshire): {outside} sampled");
    // Every postcode without a grid reference is unlocated, never placed at (0, 0).
    let unlocated: Vec<&Raw> = raw.iter().filter(|r| r.point.is_none()).collect();
    assert_eq!(unlocated.len(), 417);
    assert!(unlocated.iter().all(|r| pl.place(&r.postcode).map_err(Unmatched::from) == Err(Unmatched::UnlocatedPostcode)));
}

/// Points given by coordinates are placed on the level's placement boundaries: every 29th
/// located postcode's point, as a venue list with latitude and longitude, counted per MSOA and
/// per district, equals the independent point in polygon on the full-resolution MSOAs; on the
/// map's simplified boundaries alone, points near a border (on the roads that MSOA borders
/// follow) land in the neighbouring area.
#[test]
fn points_are_placed_on_full_resolution_boundaries_not_the_maps_simplified_ones() {
    let polys = msoas();
    let mut csv = String::from("venue,latitude,longitude\n");
    let (mut by_msoa, mut by_lad): (BTreeMap<String, f64>, BTreeMap<String, f64>) = Default::default();
    let mut inside = 0;
    for (i, r) in raw_postcodes().iter().step_by(29).enumerate() {
        let Some((la, lo)) = r.point else { continue };
        csv.push_str(&format!("venue {i},{la},{lo}\n"));
        if let Some((m, l)) = true_area(&polys, la, lo) {
            *by_msoa.entry(m).or_default() += 1.0;
            *by_lad.entry(l).or_default() += 1.0;
            inside += 1;
        }
    }
    assert!(inside > 5000, "{inside}");
    let ing = read_csv("venues.csv", csv.as_bytes()).unwrap();
    for (level, expected) in [("msoa", &by_msoa), ("lad", &by_lad)] {
        let areas = equimap::cli::load_areas(&common::data(), "west-midlands", level).unwrap();
        assert!(areas.placement.is_some(), "{level} has placement boundaries");
        let a = analyze(&areas, &ing, &View::default()).unwrap();
        common::assert_identity(&a);
        assert_eq!(a.resolved.placement.as_ref().map(|p| p.by), Some(PlacedBy::Coordinates));
        for row in &a.areas {
            assert_eq!(row.supply, expected.get(&row.code).copied().unwrap_or(0.0), "{level} {}", row.code);
        }
        assert_eq!(a.rows.matched, inside, "{level}");
    }
    // The same points on the MSOAs the map draws (simplified): some land next door.
    let dir = common::data().join("west-midlands");
    let manifest = equimap::engine::region::Manifest::from_json(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let lv = manifest.level("msoa").unwrap();
    let bounds = std::fs::read_to_string(dir.join(&lv.boundaries)).unwrap();
    let drawn = equimap::engine::Areas::load(lv, std::fs::read(dir.join(&lv.areas)).unwrap(), Some(&bounds)).unwrap();
    let a = analyze(&drawn, &ing, &View::default()).unwrap();
    let moved: f64 = a.areas.iter().map(|r| (r.supply - by_msoa.get(&r.code).copied().unwrap_or(0.0)).abs()).sum::<f64>() / 2.0;
    assert!(moved > 0.005 * inside as f64, "only {moved} of {inside} points moved by simplification");
}

/// A spelling of a postcode as people write them, chosen by row.
fn spell(p: &str, i: usize) -> String {
    let (out, inw) = p.split_once(' ').unwrap();
    match i % 6 {
        0 => p.to_string(),
        1 => p.to_lowercase(),
        2 => format!("{out}{inw}"),
        3 => format!("{out:<4} {inw}"),
        4 => format!("{p}."),
        _ => format!("{}  {inw} ", out.to_lowercase()),
    }
}

#[test]
fn a_venue_list_is_placed_by_postcode_in_every_spelling_and_bad_postcodes_get_reasons() {
    let raw = raw_postcodes();
    let polys = msoas();
    let lad = common::west_midlands();
    // Districts' upper-tier counties as a venue list names them (Staffordshire spans eight).
    let county = |code: &str| match &code[..3] {
        "E07" => "Staffordshire".to_string(),
        _ => lad.names[lad.by_code(code).unwrap()].clone(),
    };
    let known: std::collections::HashSet<&str> = raw.iter().map(|r| r.postcode.as_str()).collect();
    let mut csv = String::from("Venue,Local authority,Postcode\n");
    let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
    let mut truth: Vec<Option<String>> = Vec::new();
    let mut i = 0;
    for r in raw.iter().step_by(97).filter(|r| r.point.is_some()) {
        let area = true_area(&polys, r.point.unwrap().0, r.point.unwrap().1);
        let la = area.as_ref().map_or("Powys".to_string(), |(_, l)| county(l));
        csv.push_str(&format!("Venue {i},\"{la}\",\"{}\"\n", spell(&r.postcode, i)));
        *expected.entry(if area.is_some() { "placed" } else { "postcode_outside_region" }).or_default() += 1;
        truth.push(area.map(|a| a.1));
        i += 1;
    }
    // Bad postcodes, each kind a few times.
    let mistyped: Vec<String> = raw
        .iter()
        .filter(|r| r.postcode.split_once(' ').unwrap().1.starts_with('1'))
        .take(4)
        .map(|r| r.postcode.replacen(" 1", " I", 1))
        .collect();
    let unknown: Vec<String> = ["B1 9CC", "CV1 9CC", "WS1 9CC"].iter().filter(|p| !known.contains(*p)).map(|p| p.to_string()).collect();
    assert_eq!(unknown.len(), 3);
    for (values, reason) in [
        (vec!["N/A".to_string(), "TBC".into(), "Overseas".into(), String::new(), "B1".into()], "not_a_postcode"),
        (mistyped, "unknown_postcode"),
        (unknown, "unknown_postcode"),
    ] {
        for v in values {
            csv.push_str(&format!("Venue {i},Birmingham,{v}\n"));
            *expected.entry(reason).or_default() += 1;
            truth.push(None);
            i += 1;
        }
    }
    let ing = read_csv("venues.csv", csv.as_bytes()).unwrap();
    let a = analyze(&lad, &ing, &View::default()).unwrap();
    common::assert_identity(&a);
    assert_eq!(a.resolved.method, Method::Postcode { column: "Postcode".into() });
    let p = a.resolved.placement.as_ref().unwrap();
    assert_eq!(p.by, PlacedBy::Postcode);
    assert_eq!(
        p.alternatives.iter().map(|x| (x.by, x.columns.clone())).collect::<Vec<_>>(),
        [(PlacedBy::Name, vec!["Local authority".to_string()])]
    );
    // Every postcode of the region is placed, in its true district.
    assert_eq!(a.rows.matched, expected["placed"]);
    for &(row, area) in &a.matched_rows {
        assert_eq!(truth[row as usize].as_deref(), Some(lad.codes[area as usize].as_str()), "row {row}");
    }
    let mut got: BTreeMap<&str, usize> = BTreeMap::new();
    for u in &a.unmatched_values {
        let reason = serde_json::to_value(u.reason).unwrap().as_str().unwrap().to_string();
        *got.entry(Box::leak(reason.into_boxed_str())).or_default() += u.rows;
    }
    got.insert("placed", a.rows.matched);
    assert_eq!(got, expected);
    // A mistyped postcode is never corrected silently: it is unknown, the right one suggested.
    let typo = a.unmatched_values.iter().find(|u| u.value.contains(" I")).unwrap();
    assert_eq!(typo.nearest[0], typo.value.replacen(" I", " 1", 1));
    // The cross-check with the county names: rows of unitary and metropolitan districts agree;
    // Staffordshire spans its districts, so those rows are not compared.
    let c = a.cross_check.as_ref().unwrap();
    assert_eq!(c.by, PlacedBy::Name);
    assert_eq!(c.disagree, 0, "{c:?}");
    assert!(c.compared > 0 && !c.warning);
}

#[test]
fn the_command_line_takes_a_postcode_column() {
    let dir = std::env::temp_dir().join(format!("equimap-pc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("grants.csv");
    // Placed by name on auto (postcodes place fewer rows here), by postcode when asked.
    std::fs::write(&file, "Recipient,District,Post code\nA,Birmingham,B1 1AA\nB,Coventry,TBC\nC,Dudley,\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_equimap"))
        .args(["analyze", "--region", "west-midlands", "--programs", file.to_str().unwrap(), "--postcode-column", "Post code"])
        .current_dir(common::repo())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["resolved"]["placement"]["by"], "postcode");
    assert_eq!(v["rows"]["matched"], 1);
    assert_eq!(v["cross_check"]["by"], "name");
    let reasons: Vec<&str> = v["unmatched_values"].as_array().unwrap().iter().map(|u| u["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["not_a_postcode", "not_a_postcode"]);
    std::fs::remove_dir_all(&dir).ok();
}
