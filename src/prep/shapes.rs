//! Boundaries as publishers give them — GeoJSON (a file or a folder of them) and TopoJSON in
//! longitude/latitude — read at full resolution keyed by a property, and as grid shapes
//! ([`Shape`]) ready to simplify.

use std::collections::BTreeMap;
use std::path::Path;

use geo::MultiPolygon;

use super::simplify::{to_grid, Shape};
use super::{input_err, Result, GRID};

/// Reads GeoJSON polygons (lon/lat) at full resolution, keyed by the property `key`.
pub fn geojson_polygons(path: &Path, key: &str) -> Result<BTreeMap<String, MultiPolygon<f64>>> {
    let v = document(path)?;
    let feats = v["features"].as_array().ok_or_else(|| input_err(path, "no features"))?;
    let mut out = BTreeMap::new();
    for f in feats {
        let code = code_property(&f["properties"], key).ok_or_else(|| input_err(path, format!("a feature has no property {key}")))?;
        let mp =
            crate::engine::geo::geometry::parse_geometry(&f["geometry"]).map_err(|e| input_err(path, format!("feature {code}: {e}")))?;
        out.insert(code, mp);
    }
    Ok(out)
}

/// The polygons of every `*.geojson` file in the folder `dir` (in name order), keyed by the
/// property `key`.
pub fn geojson_folder_polygons(dir: &Path, key: &str) -> Result<BTreeMap<String, MultiPolygon<f64>>> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| input_err(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("geojson")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(input_err(dir, "a folder without .geojson files"));
    }
    let mut out = BTreeMap::new();
    for f in files {
        out.extend(geojson_polygons(&f, key)?);
    }
    Ok(out)
}

/// The polygons of TopoJSON object `object` at full resolution, keyed by the property `key`.
pub fn topojson_polygons(path: &Path, object: &str, key: &str) -> Result<BTreeMap<String, MultiPolygon<f64>>> {
    let v = document(path)?;
    let mut shapes = BTreeMap::new();
    for (props, mp) in crate::engine::geo::topojson::features(&v, Some(object)).map_err(|e| input_err(path, e))? {
        let code =
            code_property(&props, key).ok_or_else(|| input_err(path, format!("a geometry of object {object} has no property {key}")))?;
        shapes.insert(code, mp);
    }
    Ok(shapes)
}

/// The JSON of a boundaries file (a byte-order mark and feature sequences allowed).
fn document(path: &Path) -> Result<serde_json::Value> {
    let bytes = std::fs::read(path).map_err(|e| input_err(path, e))?;
    crate::engine::geo::boundary_file::read_document(&path.display().to_string(), &bytes).map_err(|e| input_err(path, e))
}

/// A property as a code: a string as written, a number in JSON's form.
fn code_property(props: &serde_json::Value, key: &str) -> Option<String> {
    match &props[key] {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A shape on the grid, each ring's repeated points once.
pub fn grid_shape(mp: &MultiPolygon<f64>) -> Shape {
    mp.0.iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|r| {
                    let mut ring: Vec<(i64, i64)> = r.coords().map(|c| (to_grid(c.x, GRID), to_grid(c.y, GRID))).collect();
                    ring.dedup();
                    ring
                })
                .collect()
        })
        .collect()
}
