//! "Your own areas": a level made from a boundaries file a person drops — GeoJSON (a
//! FeatureCollection or one Feature), TopoJSON, or a table with a WKT polygon column
//! ([`own_table`](super::own_table)), in longitude/latitude — its code and name
//! properties detected (or chosen), its numeric properties offered as indicators. Indicators from a
//! table keyed by the same codes join it as for any level ([`Areas::with_extra`]).

use std::collections::{BTreeMap, HashMap};

use geo::{BoundingRect, MultiPolygon};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::own_properties::{
    best_code, best_name, check_code_property, looks_like_population, numeric_properties, property_keys, property_text, unique_non_blank,
    Props,
};
use super::{shape_problems, Areas, DefaultView, Level, Manifest, MANIFEST_VERSION};
use crate::engine::error::{EngineError, Result};
use crate::engine::geo::geometry::{parse_geometry, Boundaries};

/// The id of the level (and region) made from a person's own boundaries.
pub const OWN_ID: &str = "own";

/// Largest boundaries file taken (refused before it is read).
pub const BOUNDARIES_LIMIT_BYTES: u64 = 64 * 1024 * 1024;

/// Which properties hold the code and the name (empty: detected).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnChoice {
    /// The code property.
    pub code: String,
    /// The name property.
    pub name: String,
}

/// A level made from a boundaries file, and what was found on the way.
#[derive(Debug, Clone)]
pub struct OwnLevel {
    /// The region it makes (one level; its name says which file).
    pub manifest: Manifest,
    /// The level's areas, with boundaries.
    pub areas: Areas,
    /// The properties used: code and name.
    pub used: OwnChoice,
    /// Properties whose values are unique and non-blank (candidates for the code).
    pub code_candidates: Vec<String>,
    /// Text properties (candidates for the name).
    pub name_candidates: Vec<String>,
    /// What was left out or is doubtful, one line each (features without a polygon, …).
    pub problems: Vec<String>,
}

/// Refuses a boundaries file larger than [`BOUNDARIES_LIMIT_BYTES`] before it is read.
pub fn check_boundaries_size(file: &str, size: u64) -> Result<()> {
    if size > BOUNDARIES_LIMIT_BYTES {
        return Err(EngineError::TooLarge {
            file: file.into(),
            reason: format!(
                "the boundaries file is {:.0} MB; Equimap takes boundaries up to {} MB. Simplify it first (mapshaper -simplify 10%, or ogr2ogr -simplify)",
                size as f64 / 1e6,
                BOUNDARIES_LIMIT_BYTES / (1024 * 1024)
            ),
        });
    }
    Ok(())
}

/// Whether a file looks like boundaries (GeoJSON or TopoJSON) rather than an export: by its name
/// (`.geojson`, `.topojson`) or, for `.json`, by its first bytes.
pub fn looks_like_boundaries(file: &str, head: &[u8]) -> bool {
    let lower = file.to_lowercase();
    if [".geojson", ".topojson", ".geojsonl", ".geojsons"].iter().any(|e| lower.ends_with(e)) {
        return true;
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    lower.ends_with(".json") && (text.contains("FeatureCollection") || text.contains("\"Topology\"") || text.contains("\"Feature\""))
}

/// A level from the boundaries file `file` (its bytes), with the code and name properties of
/// `choice` (empty: detected). Fails, naming the file and feature or property, when the file is
/// not GeoJSON/TopoJSON, is in a projected system, has no property that can be a code, or a chosen
/// code is blank or repeated.
pub fn own_level(file: &str, bytes: &[u8], choice: &OwnChoice) -> Result<OwnLevel> {
    let fail = |reason: String| EngineError::Boundaries { file: file.into(), reason };
    check_boundaries_size(file, bytes.len() as u64)?;
    let FileFeatures { crs, mut features, mut problems } = read_features(file, bytes).map_err(fail)?;
    if features.is_empty() {
        return Err(fail("no polygon features (a boundaries file has Polygon or MultiPolygon geometries)".into()));
    }
    problems.extend(swap_latitude_first(&mut features));
    let mut shapes: Vec<&mut MultiPolygon<f64>> = features.iter_mut().map(|f| &mut f.1).collect();
    problems.extend(crate::engine::geo::crs::to_lon_lat_as_said(crs.as_deref(), &mut shapes).map_err(fail)?);
    refuse_projected(crs.as_deref(), &features).map_err(fail)?;
    let props: Vec<&Props> = features.iter().map(|f| &f.0).collect();
    let keys = property_keys(&props);
    let text_of = |key: &str| -> Vec<String> { props.iter().map(|p| property_text(p, key)).collect() };
    let code_candidates: Vec<String> = keys.iter().filter(|k| unique_non_blank(&text_of(k))).cloned().collect();
    let name_candidates: Vec<String> =
        keys.iter().filter(|k| text_of(k).iter().any(|v| v.chars().any(char::is_alphabetic))).cloned().collect();
    let code = if choice.code.is_empty() {
        best_code(&code_candidates, &text_of).ok_or_else(|| {
            fail(format!(
                "no property has a different, non-blank value for every feature, so none can be the area code (properties: {})",
                keys.join(", ")
            ))
        })?
    } else {
        check_code_property(&choice.code, &keys, &text_of(&choice.code)).map_err(fail)?;
        choice.code.clone()
    };
    let name = if choice.name.is_empty() {
        best_name(&name_candidates, &code).unwrap_or_else(|| code.clone())
    } else if keys.contains(&choice.name) {
        choice.name.clone()
    } else {
        return Err(fail(format!("no property \"{}\" (properties: {})", choice.name, keys.join(", "))));
    };
    let codes = text_of(&code);
    let names: Vec<String> = text_of(&name).into_iter().zip(&codes).map(|(n, c)| if n.is_empty() { c.clone() } else { n }).collect();
    problems.extend(ring_problems(&features, &codes));
    let (indicators, values) = numeric_properties(&props, &keys, &code, file);
    let shapes: Vec<MultiPolygon<f64>> = features.into_iter().map(|(_, s, _)| s).collect();
    problems.extend(overlap_problems(&shapes, &codes));
    let bbox = bbox_of(&shapes);
    let denominator = indicators.iter().find(|i| looks_like_population(&i.id)).map(|i| i.id.clone()).unwrap_or_default();
    let level = Level {
        id: OWN_ID.into(),
        label: format!("Your areas ({file})"),
        count: codes.len(),
        key_column: "code".into(),
        name_column: "name".into(),
        areas: file.into(),
        boundaries: file.into(),
        placement: None,
        bbox,
        indicators,
        aliases: BTreeMap::new(),
        ambiguous: ambiguous_names(&names, &codes),
        outside: BTreeMap::new(),
        spans: BTreeMap::new(),
        within: BTreeMap::new(),
        groups: vec![],
        missing: vec![],
        default_view: DefaultView { denominator: denominator.clone(), need: String::new(), map: denominator },
        access_point: None,
        catchment_km: None,
        parent: None,
    };
    if !level.ambiguous.is_empty() {
        problems.push(format!("{} name(s) belong to more than one area and match none (use the codes)", level.ambiguous.len()));
    }
    let manifest = Manifest {
        version: MANIFEST_VERSION,
        region: OWN_ID.into(),
        name: format!("Your areas ({file})"),
        attribution: format!("Boundaries: {file}, given in this page."),
        default_level: OWN_ID.into(),
        levels: vec![level.clone()],
        postcodes: None,
        distance_unit: None,
        currency: None,
        samples: vec![],
        presets: vec![],
    };
    let areas = Areas::from_parts(level, codes, names, values, HashMap::new(), Some(Boundaries::new(shapes)), &[])?;
    Ok(OwnLevel { manifest, areas, used: OwnChoice { code, name }, code_candidates, name_candidates, problems })
}

/// A feature's properties, its polygons, and what is wrong with its rings as the file wrote them.
type Feature = (Props, MultiPolygon<f64>, Vec<String>);

/// What a boundaries file holds: the coordinate system it names, if any, its features, and a
/// line for each feature left out.
struct FileFeatures {
    crs: Option<String>,
    features: Vec<Feature>,
    problems: Vec<String>,
}

/// The features of a boundaries file — a JSON document (GeoJSON, TopoJSON) or a table with a WKT
/// polygon column ([`own_table`](super::own_table)).
fn read_features(file: &str, bytes: &[u8]) -> std::result::Result<FileFeatures, String> {
    #[cfg(feature = "shapefiles")]
    if bytes.starts_with(b"PK\x03\x04") && crate::engine::geo::shapefile::is_zipped_shapefile(bytes) {
        let read = crate::engine::geo::shapefile::read_zip(bytes)?;
        return Ok(FileFeatures { crs: read.prj, features: with_faults(read.features), problems: read.problems });
    }
    let foreign = crate::engine::geo::boundary_file::foreign_format(file, bytes).is_some();
    let first = crate::engine::geo::boundary_file::first_byte(bytes);
    if foreign || matches!(first, Some(b'{' | b'[' | 0x1E) | None) {
        let v = crate::engine::geo::boundary_file::read_document(file, bytes)?;
        let crs = v.pointer("/crs/properties/name").and_then(Value::as_str).map(str::to_string);
        let (features, mut problems) = features_of(&v)?;
        // What the page's shapefile reader left out or converted (geo::shapefile::as_geojson).
        let notes = v["equimap_notes"].as_array().into_iter().flatten().filter_map(Value::as_str);
        problems.extend(notes.map(str::to_string));
        return Ok(FileFeatures { crs, features, problems });
    }
    let table = super::own_table::table_features(file, bytes)?;
    Ok(FileFeatures { crs: None, features: with_faults(table.features), problems: table.problems })
}

/// Features read without their rings checked (a table's, a shapefile's), with their rings' faults.
fn with_faults(features: Vec<(Props, MultiPolygon<f64>)>) -> Vec<Feature> {
    features
        .into_iter()
        .map(|(p, s)| {
            let faults = shape_problems::shape_ring_faults(&s);
            (p, s, faults)
        })
        .collect()
}

/// The polygon features of a GeoJSON or TopoJSON document, and a line for each one left out.
fn features_of(v: &Value) -> std::result::Result<(Vec<Feature>, Vec<String>), String> {
    let mut problems = Vec::new();
    let props = |p: Option<&Value>| p.and_then(Value::as_object).cloned().unwrap_or_default();
    let with_id = |f: &Value| {
        let mut p = props(f.get("properties"));
        if let Some(id) = f.get("id").filter(|id| id.is_string() || id.is_number()) {
            p.entry("id").or_insert_with(|| id.clone());
        }
        p
    };
    if crate::engine::geo::topojson::is_topology(v) {
        let feats = crate::engine::geo::topojson::features(v, None)?;
        let faults = shape_problems::shape_ring_faults;
        return Ok((
            feats
                .into_iter()
                .map(|(p, s)| {
                    let f = faults(&s);
                    (props(Some(&p)), s, f)
                })
                .collect(),
            problems,
        ));
    }
    let list: Vec<&Value> = match v.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            v.get("features").and_then(Value::as_array).ok_or("a FeatureCollection without \"features\"")?.iter().collect()
        }
        Some("Feature") => vec![v],
        other => return Err(format!("not GeoJSON or TopoJSON (type {other:?}; expected FeatureCollection, Feature or Topology)")),
    };
    let mut out = Vec::with_capacity(list.len());
    for (k, f) in list.into_iter().enumerate() {
        match f.get("geometry").filter(|g| !g.is_null()).map(parse_geometry) {
            Some(Ok(shape)) if !shape.0.is_empty() => out.push((with_id(f), shape, shape_problems::raw_ring_faults(&f["geometry"]))),
            Some(Ok(_)) | None => problems.push(format!("feature {}: no geometry, left out", k + 1)),
            Some(Err(e)) => problems.push(format!("feature {}: {e}, left out", k + 1)),
        }
    }
    Ok((out, problems))
}

/// Refuses coordinates that are not longitude/latitude, with the reason.
fn refuse_projected(crs: Option<&str>, features: &[Feature]) -> std::result::Result<(), String> {
    let shapes: Vec<MultiPolygon<f64>> = features.iter().map(|f| f.1.clone()).collect();
    let [w, s, e, n] = bbox_of(&shapes);
    if w >= -180.0 && e <= 180.0 && s >= -90.0 && n <= 90.0 {
        return Ok(());
    }
    // A .prj's WKT is named by its first quoted name, not quoted whole.
    let crs =
        crs.map(|c| format!(" (the file says {})", if c.contains('[') { c.split('"').nth(1).unwrap_or(c) } else { c })).unwrap_or_default();
    Err(format!(
        "coordinates run from ({w:.0}, {s:.0}) to ({e:.0}, {n:.0}): a projected system such as eastings/northings or US feet{crs}, not longitude/latitude. Reproject it to WGS 84 first (ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson, or mapshaper -proj wgs84)"
    ))
}

/// Coordinates written latitude first: every area lies beyond 85° of latitude (beside a pole, where
/// nobody's service areas are) and read the other way round they are longitude/latitude. Swapped
/// to longitude first, with a line saying so; anything else is left as it is.
fn swap_latitude_first(features: &mut [Feature]) -> Option<String> {
    use geo::MapCoordsInPlace;
    let shapes: Vec<MultiPolygon<f64>> = features.iter().map(|f| f.1.clone()).collect();
    let [w, s, e, n] = bbox_of(&shapes);
    let beside_a_pole = s > 85.0 || n < -85.0;
    let swapped_fits =
        (-90.0..=90.0).contains(&w) && (-90.0..=90.0).contains(&e) && (-180.0..=180.0).contains(&s) && (-180.0..=180.0).contains(&n);
    if !(beside_a_pole && swapped_fits) {
        return None;
    }
    for f in features.iter_mut() {
        f.1.map_coords_in_place(|c| geo::Coord { x: c.y, y: c.x });
    }
    Some(format!(
        "the coordinates are latitude first (read as longitude, latitude every area lay at latitude {s:.1} to {n:.1}, beside a pole): read as latitude, longitude instead — GeoJSON puts longitude first; check the map"
    ))
}

/// What is wrong with each area's rings, by area: rings that cannot bound an area (too short, not
/// closed) or, when there are none, rings that cross themselves or each other. Reported; the area
/// is kept (point in polygon closes rings itself).
fn ring_problems(features: &[Feature], codes: &[String]) -> Vec<String> {
    let lines = features
        .iter()
        .zip(codes)
        .flat_map(|((_, shape, faults), code)| {
            let faults = if faults.is_empty() { shape_problems::invalid_polygons(shape) } else { faults.clone() };
            faults.into_iter().map(move |f| format!("area {code}, {f}"))
        })
        .collect();
    shape_problems::listed(lines, "ring problems")
}

/// Areas overlapping another, a line per pair (a point there is placed in the first).
fn overlap_problems(shapes: &[MultiPolygon<f64>], codes: &[String]) -> Vec<String> {
    let lines = shape_problems::overlapping(shapes, codes)
        .into_iter()
        .map(|(i, j)| {
            format!(
                "areas {} and {} overlap (a point inside {} is inside {} too): a row there is placed in {}, the first in the file; the file may hold two editions of the same boundaries",
                codes[i], codes[j], codes[i], codes[j], codes[i]
            )
        })
        .collect();
    shape_problems::listed(lines, "overlapping pairs")
}

/// Names (normalised) that two or more areas share, with those areas' codes: never placed by the
/// name alone.
pub fn ambiguous_names(names: &[String], codes: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (n, c) in names.iter().zip(codes) {
        by.entry(crate::engine::placement::names::normalize(n)).or_default().push(c.clone());
    }
    by.retain(|_, v| v.len() > 1);
    by
}

fn bbox_of(shapes: &[MultiPolygon<f64>]) -> [f64; 4] {
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for r in shapes.iter().filter_map(|s| s.bounding_rect()) {
        b = [b[0].min(r.min().x), b[1].min(r.min().y), b[2].max(r.max().x), b[3].max(r.max().y)];
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64) -> String {
        format!(
            "{{\"type\":\"Polygon\",\"coordinates\":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}",
            x + 1.0,
            x + 1.0,
            y + 1.0,
            y + 1.0
        )
    }

    fn collection(features: &[(&str, String)]) -> Vec<u8> {
        let f: Vec<String> =
            features.iter().map(|(p, g)| format!("{{\"type\":\"Feature\",\"properties\":{p},\"geometry\":{g}}}")).collect();
        format!("{{\"type\":\"FeatureCollection\",\"features\":[{}]}}", f.join(",")).into_bytes()
    }

    #[test]
    fn code_and_name_are_detected_and_numbers_become_indicators() {
        let bytes = collection(&[
            (r#"{"OBJECTID":1,"ward_code":"W01","ward_name":"North","pop":1200,"Shape__Area":1.5,"LAT":50.5}"#, square(0.0, 50.0)),
            (r#"{"OBJECTID":2,"ward_code":"W02","ward_name":"South","pop":800,"Shape__Area":1.0,"LAT":50.5}"#, square(1.0, 50.0)),
            (r#"{"OBJECTID":3,"ward_code":"W03","ward_name":"East","pop":null,"Shape__Area":2.0,"LAT":50.5}"#, square(2.0, 50.0)),
        ]);
        let own = own_level("wards.geojson", &bytes, &OwnChoice::default()).unwrap();
        assert_eq!(own.used, OwnChoice { code: "ward_code".into(), name: "ward_name".into() });
        assert_eq!(own.areas.codes, ["W01", "W02", "W03"]);
        assert_eq!(own.areas.lookup("south"), Some(1));
        assert_eq!(own.areas.values["pop"], [Some(1200.0), Some(800.0), None]);
        assert_eq!(own.areas.level.default_view.denominator, "pop");
        assert_eq!(own.areas.level.bbox, [0.0, 50.0, 3.0, 51.0]);
        assert!(own.code_candidates.contains(&"OBJECTID".to_string()));
        let offered: Vec<&str> = own.areas.level.indicators.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(offered, ["pop"], "a GIS's ids, shape areas and label points are not indicators");
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let msg = |b: &[u8], c: &OwnChoice| own_level("x.geojson", b, c).unwrap_err().to_string();
        let projected = collection(&[(r#"{"c":"A"}"#, square(450000.0, 280000.0))]);
        assert!(msg(&projected, &OwnChoice::default()).contains("projected system"), "{}", msg(&projected, &OwnChoice::default()));
        let twice = collection(&[(r#"{"c":"A","n":"x"}"#, square(0.0, 0.0)), (r#"{"c":"A","n":"x"}"#, square(1.0, 0.0))]);
        assert!(msg(&twice, &OwnChoice::default()).contains("no property has a different, non-blank value"));
        let chosen = OwnChoice { code: "c".into(), name: String::new() };
        assert!(msg(&twice, &chosen).contains("features 1 and 2 share c \"A\""));
        assert!(msg(b"{\"type\": \"Feature", &OwnChoice::default()).contains("not valid JSON"));
        let table = msg(b"name,lat\nA,1\n", &OwnChoice::default());
        assert!(table.contains("no column holds polygons as WKT"), "{table}");
        assert!(check_boundaries_size("big.geojson", 100_000_000).unwrap_err().to_string().contains("up to 64 MB"));
        let open = collection(&[(r#"{"c":"A"}"#, r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#.into())]);
        let own = own_level("x.geojson", &open, &OwnChoice::default()).unwrap();
        assert_eq!(own.problems, ["area A, polygon 1: a ring that is not closed"]);
        let empty = collection(&[(r#"{"c":"A"}"#, "null".into())]);
        assert!(msg(&empty, &OwnChoice::default()).contains("no polygon features"));
    }

    #[test]
    fn crossing_rings_and_overlapping_areas_are_reported_by_area() {
        // A bow tie (its ring crosses itself at (0.5, 0.5)); B and C side by side share a border;
        // D is C drawn again, a second edition of the same area.
        let bowtie = r#"{"type":"Polygon","coordinates":[[[0,10],[1,11],[1,10],[0,11],[0,10]]]}"#.to_string();
        let file = collection(&[
            (r#"{"c":"A"}"#, bowtie),
            (r#"{"c":"B"}"#, square(0.0, 0.0)),
            (r#"{"c":"C"}"#, square(1.0, 0.0)),
            (r#"{"c":"D"}"#, square(1.0, 0.0)),
        ]);
        let own = own_level("x.geojson", &file, &OwnChoice::default()).unwrap();
        assert_eq!(own.areas.codes, ["A", "B", "C", "D"], "every area is kept");
        assert!(own.problems.iter().any(|p| p.starts_with("area A, polygon 1:")), "{:?}", own.problems);
        assert!(!own.problems.iter().any(|p| p.starts_with("area B") || p.starts_with("area C,")), "{:?}", own.problems);
        let overlaps: Vec<&String> = own.problems.iter().filter(|p| p.contains("overlap")).collect();
        assert_eq!(overlaps.len(), 1, "{:?}", own.problems);
        assert!(overlaps[0].starts_with("areas C and D overlap"), "{}", overlaps[0]);
    }

    #[test]
    fn files_as_other_tools_write_them_are_read() {
        // A byte-order mark (Windows tools), codes as feature ids, a GeometryCollection holding
        // a polygon and a point (the point left out).
        let collection_of =
            format!(r#"{{"type":"GeometryCollection","geometries":[{},{{"type":"Point","coordinates":[5,5]}}]}}"#, square(1.0, 0.0));
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"W1","properties":{{"label":"North"}},"geometry":{}}},{{"type":"Feature","id":"W2","properties":{{"label":"South"}},"geometry":{collection_of}}}]}}"#,
            square(0.0, 0.0)
        );
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(text.as_bytes());
        let own = own_level("wards.geojson", &bytes, &OwnChoice::default()).unwrap();
        assert_eq!(own.used, OwnChoice { code: "id".into(), name: "label".into() });
        assert_eq!(own.areas.codes, ["W1", "W2"]);
        assert_eq!(own.areas.boundaries.as_ref().unwrap().shapes[1].0.len(), 1, "the point is left out");
        // A topology whose geometries carry the code as their id (us-atlas's counties).
        let topo = r#"{"type":"Topology","arcs":[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[1,0],[2,0],[2,1],[1,1],[1,0]]],
            "objects":{"counties":{"type":"GeometryCollection","geometries":[
              {"type":"Polygon","arcs":[[0]],"id":"17031","properties":{"name":"Cook"}},
              {"type":"Polygon","arcs":[[1]],"id":"17043","properties":{"name":"DuPage"}}]}}}"#;
        let own = own_level("counties-10m.json", topo.as_bytes(), &OwnChoice::default()).unwrap();
        assert_eq!((own.used.code.as_str(), own.areas.codes.clone()), ("id", vec!["17031".to_string(), "17043".into()]));
        // Another format: refused with how to convert it.
        // Latitude written first: swapped back, and said.
        let swapped = collection(&[(r#"{"c":"A"}"#, square(41.8, -87.7)), (r#"{"c":"B"}"#, square(41.8, -86.7))]);
        let own = own_level("x.geojson", &swapped, &OwnChoice::default()).unwrap();
        assert_eq!(own.areas.level.bbox, [-87.7, 41.8, -85.7, 42.8]);
        assert!(own.problems.iter().any(|p| p.starts_with("the coordinates are latitude first")), "{:?}", own.problems);
        let e = own_level("wards.kml", b"<?xml version=\"1.0\"?><kml>", &OwnChoice::default()).unwrap_err().to_string();
        assert!(e.contains("this is KML, not GeoJSON") && e.contains("mapshaper"), "{e}");
    }
}
