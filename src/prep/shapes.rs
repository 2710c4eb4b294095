//! Boundaries as publishers give them — GeoJSON and TopoJSON in longitude/latitude — read into
//! grid shapes ([`Shape`]) keyed by a property, ready to simplify.

use std::collections::BTreeMap;
use std::path::Path;

use geo::MultiPolygon;

use super::simplify::{to_grid, Shape};
use super::{input_err, Result, GRID};

/// Reads GeoJSON polygons (lon/lat) as grid shapes, keyed by the property `key`.
pub fn geojson_shapes(path: &Path, key: &str) -> Result<BTreeMap<String, Shape>> {
    Ok(geojson_polygons(path, key)?.iter().map(|(k, mp)| (k.clone(), grid_shape(mp))).collect())
}

/// Reads GeoJSON polygons (lon/lat) at full resolution, keyed by the property `key`.
pub fn geojson_polygons(path: &Path, key: &str) -> Result<BTreeMap<String, MultiPolygon<f64>>> {
    let text = std::fs::read_to_string(path).map_err(|e| input_err(path, e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| input_err(path, e))?;
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

/// The polygons of TopoJSON object `object` as grid shapes keyed by the property `key`.
pub fn topojson_shapes(path: &Path, object: &str, key: &str) -> Result<BTreeMap<String, Shape>> {
    Ok(topojson_polygons(path, object, key)?.iter().map(|(k, mp)| (k.clone(), grid_shape(mp))).collect())
}

/// The polygons of TopoJSON object `object` at full resolution, keyed by the property `key`.
pub fn topojson_polygons(path: &Path, object: &str, key: &str) -> Result<BTreeMap<String, MultiPolygon<f64>>> {
    let text = std::fs::read_to_string(path).map_err(|e| input_err(path, e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| input_err(path, e))?;
    let mut shapes = BTreeMap::new();
    for (props, mp) in crate::engine::geo::topojson::features(&v, Some(object)).map_err(|e| input_err(path, e))? {
        let code =
            code_property(&props, key).ok_or_else(|| input_err(path, format!("a geometry of object {object} has no property {key}")))?;
        shapes.insert(code, mp);
    }
    Ok(shapes)
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
