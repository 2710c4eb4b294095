//! A boundaries file as a JSON document, read the way files come from other tools: GeoJSON (a
//! FeatureCollection, one Feature, or features one per line — GeoJSON Text Sequences, RFC 8142,
//! and newline-delimited GeoJSON) or TopoJSON, a UTF-8 byte-order mark ignored. Boundary formats
//! Equimap does not read (KML/KMZ, GeoPackage, FlatGeobuf, GML, Esri JSON; a shapefile's part
//! alone) are named, with how to turn them into GeoJSON; zipped shapefiles are read by
//! `geo::shapefile` where that feature is built (the command line, the page's on-demand module).

use serde_json::Value;

/// How to turn boundaries of another format into GeoJSON in longitude/latitude.
pub const CONVERT: &str = "Equimap reads boundaries as GeoJSON, TopoJSON, a zipped shapefile (.shp, .dbf and .prj together) or a CSV of WKT polygons: convert it with mapshaper (mapshaper.org: drop the .shp, .dbf and .prj together, or the .zip; Export → GeoJSON) or GDAL (ogr2ogr -f GeoJSON -t_srs EPSG:4326 areas.geojson INPUT)";

/// First bytes of a ZIP archive.
const ZIP: &[u8] = b"PK\x03\x04";

/// The boundary format of a file Equimap does not read, by its name or first bytes (`head`):
/// "a shapefile", "a zipped shapefile", "KML", …; `None` for anything else.
///
/// ```
/// use equimap::engine::geo::boundary_file::foreign_format;
/// assert_eq!(foreign_format("wards.shp", b""), Some("a shapefile"));
/// assert_eq!(foreign_format("x.bin", b"<?xml version=\"1.0\"?><kml>"), Some("KML"));
/// assert_eq!(foreign_format("programs.csv", b"id,name\n"), None);
/// ```
pub fn foreign_format(file: &str, head: &[u8]) -> Option<&'static str> {
    let name = file.to_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let by_name = match ext {
        "shp" | "shx" | "dbf" | "prj" | "cpg" => Some("a shapefile"),
        "kml" => Some("KML"),
        "kmz" => Some("KMZ (zipped KML)"),
        "gpkg" => Some("a GeoPackage"),
        "fgb" => Some("FlatGeobuf"),
        "gml" => Some("GML"),
        _ => None,
    };
    by_name.or_else(|| by_content(head))
}

/// A format told by its first bytes: a shapefile's file code 9994, a ZIP archive whose first
/// entry is a shapefile part or KML, KML text, a GeoPackage (SQLite), FlatGeobuf's magic.
fn by_content(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0x00, 0x00, 0x27, 0x0A]) {
        return Some("a shapefile");
    }
    if head.starts_with(b"SQLite format 3\0") {
        return Some("a GeoPackage (or another SQLite database)");
    }
    if head.starts_with(b"fgb\x03") {
        return Some("FlatGeobuf");
    }
    if let Some(entry) = first_zip_entry(head) {
        let entry = entry.to_lowercase();
        if [".shp", ".shx", ".dbf", ".prj", ".cpg"].iter().any(|e| entry.ends_with(e)) {
            return Some("a zipped shapefile");
        }
        if entry.ends_with(".kml") {
            return Some("KMZ (zipped KML)");
        }
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    (text.starts_with('<') && text.contains("<kml")).then_some("KML")
}

/// The name of the first file in a ZIP archive (its local header: name length at byte 26, the
/// name from byte 30).
fn first_zip_entry(head: &[u8]) -> Option<String> {
    if !head.starts_with(ZIP) || head.len() < 30 {
        return None;
    }
    let len = u16::from_le_bytes([head[26], head[27]]) as usize;
    head.get(30..30 + len).map(|n| String::from_utf8_lossy(n).into_owned())
}

/// The first byte of `bytes` after a UTF-8 byte-order mark and white space (`{` for a JSON
/// object, 0x1E for a GeoJSON text sequence); `None` for a blank file.
pub fn first_byte(bytes: &[u8]) -> Option<u8> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    body.iter().find(|b| !b.is_ascii_whitespace()).copied()
}

/// The JSON of boundaries file `file`: one document, or a sequence of GeoJSON features (one per
/// line, or each after an RS character) gathered into a FeatureCollection. Fails saying which
/// format it is when it is another boundary format, or where the JSON is broken.
pub fn read_document(file: &str, bytes: &[u8]) -> Result<Value, String> {
    // JSON content is read whatever the name says (the page's GeoJSON of a shapefile keeps the
    // .shp's name for the link).
    let json = matches!(first_byte(bytes), Some(b'{' | b'[' | 0x1E));
    if let Some(kind) = foreign_format(if json { "" } else { file }, bytes) {
        if kind == "a shapefile" {
            return Err("this is one part of a shapefile: give the .zip as downloaded, or choose the .shp, .dbf and .prj together (the .dbf holds the areas' codes and names, the .prj their coordinate system)".into());
        }
        return Err(format!("this is {kind}, not GeoJSON. {CONVERT}"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let v = match serde_json::from_slice::<Value>(bytes) {
        Ok(v) => v,
        Err(e) => feature_sequence(bytes).ok_or_else(|| format!("not GeoJSON or TopoJSON (not valid JSON: {e})"))?,
    };
    if is_esri_json(&v) {
        return Err(format!(
            "this is Esri JSON (an ArcGIS answer with f=json), not GeoJSON: ask the service for f=geojson, or convert it. {CONVERT}"
        ));
    }
    Ok(v)
}

/// Features one per line or record (RFC 8142's RS separators allowed) as a FeatureCollection;
/// `None` unless every non-blank record is a GeoJSON Feature and there are at least two.
fn feature_sequence(bytes: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(bytes).ok()?;
    let features: Vec<Value> = text
        .split(['\n', '\u{1e}'])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| serde_json::from_str::<Value>(r).ok().filter(|f| f["type"] == "Feature"))
        .collect::<Option<_>>()?;
    (features.len() >= 2).then(|| serde_json::json!({ "type": "FeatureCollection", "features": features }))
}

/// An ArcGIS REST answer in Esri's own JSON: features with `attributes`, or a `geometryType`.
fn is_esri_json(v: &Value) -> bool {
    v.get("geometryType").is_some_and(Value::is_string) || v["features"].get(0).is_some_and(|f| f.get("attributes").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_formats_are_named_with_how_to_convert() {
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend([0u8; 22]);
        zipped.extend([9, 0, 0, 0]);
        zipped.extend(b"wards.dbf");
        assert_eq!(foreign_format("download.zip", &zipped), Some("a zipped shapefile"));
        let as_rows = crate::engine::ingest::checks::check_text("download.zip", &zipped).unwrap_err().to_string();
        assert!(
            as_rows.contains("a zipped shapefile: boundaries, not a table of rows") && as_rows.contains("Use your own areas"),
            "{as_rows}"
        );
        let mut workbook = zipped[..26].to_vec();
        workbook.extend([19, 0, 0, 0]);
        workbook.extend(b"[Content_Types].xml");
        assert_eq!(foreign_format("book.zip", &workbook), None, "a workbook is not boundaries");
        assert_eq!(foreign_format("x", &[0, 0, 0x27, 0x0A, 0, 0]), Some("a shapefile"));
        assert_eq!(foreign_format("x.gpkg", b""), Some("a GeoPackage"));
        let e = read_document("wards.kml", b"<kml/>").unwrap_err();
        assert!(e.starts_with("this is KML, not GeoJSON.") && e.contains("ogr2ogr"), "{e}");
        let esri = br#"{"geometryType":"esriGeometryPolygon","features":[{"attributes":{"id":1},"geometry":{"rings":[]}}]}"#;
        assert!(read_document("q.json", esri).unwrap_err().contains("f=geojson"));
    }

    #[test]
    fn a_byte_order_mark_and_feature_sequences_are_read() {
        let v = read_document("a.geojson", b"\xEF\xBB\xBF{\"type\":\"FeatureCollection\",\"features\":[]}").unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        let f = r#"{"type":"Feature","properties":{"c":"A"},"geometry":null}"#;
        let lines = format!("{f}\n{f}\r\n\n");
        assert_eq!(read_document("a.geojsonl", lines.as_bytes()).unwrap()["features"].as_array().unwrap().len(), 2);
        let rs = format!("\u{1e}{f}\n\u{1e}{f}\n\u{1e}{f}\n");
        assert_eq!(read_document("a.geojsons", rs.as_bytes()).unwrap()["features"].as_array().unwrap().len(), 3);
        let broken = format!("{f}\n{{\"type\":\"Feature\"");
        assert!(read_document("a.geojsonl", broken.as_bytes()).unwrap_err().contains("not valid JSON"));
    }
}
