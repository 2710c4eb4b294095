//! Shapefiles as boundaries: zipped as GIS offices publish them, in the projected system their
//! `.prj` names, read into the same level as the GeoJSON they were written from. The fixtures were
//! written from the bundled boundaries by pyshp after PROJ (pyproj) projected them
//! (`scripts/shapefile_fixture.py`), so the expected shapes and figures come from outside the
//! engine's shapefile reader and projection code.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeMap;

use equimap::engine::analysis::analyze;
use equimap::engine::region::own::{own_level, OwnChoice, OwnLevel};
use equimap::engine::View;
use geo::BoundingRect;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn bundled(path: &str) -> OwnLevel {
    let bytes = std::fs::read(format!("{}/static/data/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    own_level("boundaries.geojson", &bytes, &OwnChoice::default()).unwrap()
}

/// Each area's bounding box, by code.
fn boxes(own: &OwnLevel) -> BTreeMap<String, [f64; 4]> {
    let shapes = own.areas.boundaries.as_ref().unwrap();
    (0..own.areas.len())
        .map(|i| {
            let r = shapes.shapes[i].bounding_rect().unwrap();
            (own.areas.codes[i].clone(), [r.min().x, r.min().y, r.max().x, r.max().y])
        })
        .collect()
}

fn assert_same_boxes(a: &OwnLevel, b: &OwnLevel, tolerance: f64) {
    let (a, b) = (boxes(a), boxes(b));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (code, x) in &a {
        let y = &b[code];
        let worst = x.iter().zip(y).map(|(p, q)| (p - q).abs()).fold(0.0, f64::max);
        assert!(worst < tolerance, "{code}: {x:?} vs {y:?}");
    }
}

/// Parts `(file name, bytes)` as one ZIP archive (stored), as a person might zip them.
fn zipped(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), stored).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn supply(a: &equimap::engine::Analysis) -> BTreeMap<String, f64> {
    a.areas.iter().map(|r| (r.code.clone(), r.supply)).collect()
}

/// Chicago's community areas as the City's GIS writes them (Illinois East, US feet; an ArcGIS
/// .prj without a datum shift; cp1252 text, no .cpg): converted back to longitude/latitude, every
/// area's box within 1e-6° (about 10 cm) of the GeoJSON it was written from, and the 2023 export's
/// programs, placed by their coordinates, counted in the same areas.
#[test]
fn a_zipped_shapefile_in_state_plane_feet_gives_the_geojsons_level_and_counts() {
    let shp = own_level("CommAreas.zip", &fixture("chicago_community_areas_il_east_ft.zip"), &OwnChoice::default()).unwrap();
    let geojson = bundled("chicago/community_area/boundaries.geojson");
    assert_eq!((shp.used.code.as_str(), shp.used.name.as_str(), shp.areas.len()), ("AREA_NUMBE", "COMMUNITY", 77));
    assert!(
        shp.problems.iter().any(|p| p.contains("converted from NAD_1983_StatePlane_Illinois_East_FIPS_1201_Feet")),
        "{:?}",
        shp.problems
    );
    assert!(shp.areas.level.indicators.is_empty(), "shape measures are not indicators: {:?}", shp.areas.level.indicators);
    assert_same_boxes(&shp, &geojson, 1e-6);

    let export = std::fs::read(common::shared().join("chicago/programs/mcmf_programs_2023.csv")).unwrap();
    let ing = equimap::engine::read_csv("mcmf_programs_2023.csv", &export).unwrap();
    let by_shp = analyze(&shp.areas, &ing, &View::default()).unwrap();
    let by_geojson = analyze(&geojson.areas, &ing, &View::default()).unwrap();
    common::assert_identity(&by_shp);
    assert_eq!(by_shp.rows, by_geojson.rows);
    assert!(by_shp.rows.matched > 1000, "{:?}", by_shp.rows);
    assert_eq!(supply(&by_shp), supply(&by_geojson));
}

/// The West Midlands' districts as ONS publishes them (British National Grid, its .prj, a UTF-8
/// .cpg, the shapefile inside a folder of the archive; label points and a GlobalID beside the code
/// and name): the bundled district level's areas, and the Arts Council file's sums per district
/// equal to the bundled level's.
#[test]
fn an_ons_style_shapefile_in_british_national_grid_gives_the_district_level() {
    let shp = own_level("LAD_MAY_2023.zip", &fixture("west_midlands_districts_bng.zip"), &OwnChoice::default()).unwrap();
    let geojson = bundled("west-midlands/lad/boundaries.geojson");
    assert_eq!((shp.used.code.as_str(), shp.used.name.as_str(), shp.areas.len()), ("LAD23CD", "LAD23NM", 30));
    assert!(shp.areas.level.indicators.is_empty(), "label points are not indicators: {:?}", shp.areas.level.indicators);
    assert!(shp.problems.iter().any(|p| p.contains("converted from British_National_Grid")), "{:?}", shp.problems);
    assert_same_boxes(&shp, &geojson, 1e-6);

    let grants = std::fs::read(common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv")).unwrap();
    let ing = equimap::engine::read_csv("arts-council-investment-programme.csv", &grants).unwrap();
    let view = View::from_query("ac=Local+authority").0;
    let ours = analyze(&shp.areas, &ing, &view).unwrap();
    let theirs = analyze(&geojson.areas, &ing, &view).unwrap();
    common::assert_identity(&ours);
    assert_eq!(ours.rows, theirs.rows);
    assert!(ours.rows.matched >= 90, "{:?}", ours.rows);
    assert_eq!(supply(&ours), supply(&theirs));
}

#[test]
fn a_shapefile_of_points_or_without_its_dbf_is_refused_with_what_to_do() {
    let e = own_level("libraries.zip", &fixture("chicago_libraries_points.zip"), &OwnChoice::default()).unwrap_err().to_string();
    assert!(e.contains("holds points") && e.contains("not areas"), "{e}");

    // The same archive without its .dbf.
    let bytes = fixture("chicago_community_areas_il_east_ft.zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut out).unwrap();
        if !f.name().ends_with(".dbf") {
            parts.push((f.name().to_string(), out));
        }
    }
    let no_dbf = zipped(&parts);
    let e = own_level("CommAreas.zip", &no_dbf, &OwnChoice::default()).unwrap_err().to_string();
    assert!(e.contains("the .dbf beside the .shp is missing"), "{e}");

    // Without its .prj, feet are not longitude/latitude: refused with the reason, never guessed.
    let no_prj: Vec<(String, Vec<u8>)> = parts.iter().filter(|(n, _)| !n.ends_with(".prj")).cloned().collect();
    let mut with_dbf = no_prj.clone();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let name = archive.file_names().find(|n| n.ends_with(".dbf")).unwrap().to_string();
    let mut dbf = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name(&name).unwrap(), &mut dbf).unwrap();
    with_dbf.push((name, dbf));
    let e = own_level("CommAreas.zip", &zipped(&with_dbf), &OwnChoice::default()).unwrap_err().to_string();
    assert!(e.contains("projected system") && e.contains("Reproject"), "{e}");
}

/// The page hands a dropped shapefile to its on-demand module, which gives the first visit's
/// module GeoJSON in longitude/latitude: the level built from that text is the one the command
/// line builds from the archive (same codes, names, shapes and notes).
#[test]
fn the_pages_geojson_of_a_shapefile_builds_the_same_level() {
    let bytes = fixture("west_midlands_districts_bng.zip");
    let direct = own_level("LAD_MAY_2023.zip", &bytes, &OwnChoice::default()).unwrap();
    let text = equimap::engine::geo::shapefile::as_geojson("LAD_MAY_2023.zip", &bytes).unwrap();
    let via = own_level("LAD_MAY_2023.zip", text.as_bytes(), &OwnChoice::default()).unwrap();
    assert_eq!((&via.areas.codes, &via.areas.names, &via.used), (&direct.areas.codes, &direct.areas.names, &direct.used));
    assert_eq!(via.areas.boundaries.as_ref().unwrap().shapes, direct.areas.boundaries.as_ref().unwrap().shapes);
    assert_eq!(via.problems, direct.problems);

    // The same parts given loose (as chosen together in the page), names in another case.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let loose: Vec<(String, Vec<u8>)> = (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut out).unwrap();
            (f.name().rsplit('/').next().unwrap().to_uppercase(), out)
        })
        .collect();
    let text = equimap::engine::geo::shapefile::loose_as_geojson("LAD_MAY_2023.SHP", &loose).unwrap();
    let parts = own_level("LAD_MAY_2023.SHP", text.as_bytes(), &OwnChoice::default()).unwrap();
    assert_eq!(parts.areas.boundaries.as_ref().unwrap().shapes, direct.areas.boundaries.as_ref().unwrap().shapes);
    assert_eq!((&parts.areas.codes, &parts.problems), (&direct.areas.codes, &direct.problems));
}

/// A GeoJSON whose `crs` names its projected system (as ogr2ogr writes one not in WGS 84):
/// converted, every area's centre where PROJ puts the point it was drawn around
/// (`tests/fixtures/projected_points.csv`, PROJ's own figures), in both systems converted.
#[test]
fn a_geojson_naming_its_projected_system_is_converted() {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/projected_points.csv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for (crs, name) in [("EPSG:27700", "urn:ogc:def:crs:EPSG::27700"), ("EPSG:3435", "EPSG:3435")] {
        let points: Vec<Vec<f64>> = text
            .lines()
            .skip(1)
            .filter(|l| l.starts_with(crs))
            .step_by(7)
            .map(|l| l.split(',').skip(1).map(|v| v.parse().unwrap()).collect())
            .collect();
        let features: Vec<serde_json::Value> = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (x, y) = (p[0], p[1]);
                let ring = serde_json::json!([[x - 1.0, y - 1.0], [x + 1.0, y - 1.0], [x + 1.0, y + 1.0], [x - 1.0, y + 1.0], [x - 1.0, y - 1.0]]);
                serde_json::json!({"type": "Feature", "properties": {"code": format!("P{i}")}, "geometry": {"type": "Polygon", "coordinates": [ring]}})
            })
            .collect();
        let doc =
            serde_json::json!({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": name}}, "features": features});
        let own = own_level("points.geojson", doc.to_string().as_bytes(), &OwnChoice::default()).unwrap();
        assert!(own.problems.iter().any(|p| p.contains(&format!("converted from EPSG:{}", &crs[5..]))), "{:?}", own.problems);
        for (i, p) in points.iter().enumerate() {
            let r = own.areas.boundaries.as_ref().unwrap().shapes[i].bounding_rect().unwrap();
            let (lon, lat) = ((r.min().x + r.max().x) / 2.0, (r.min().y + r.max().y) / 2.0);
            assert!((lat - p[2]).abs() < 2e-6 && (lon - p[3]).abs() < 2e-6, "{crs} point {i}: {lat},{lon} vs PROJ {},{}", p[2], p[3]);
        }
    }
}
