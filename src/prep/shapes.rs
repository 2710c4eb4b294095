//! Boundaries as publishers give them — GeoJSON and TopoJSON in longitude/latitude — read into
//! grid shapes ([`Shape`]) keyed by a property, ready to simplify.

use std::collections::BTreeMap;
use std::path::Path;

use super::simplify::{to_grid, Shape};
use super::{input_err, Result, GRID};

/// Reads GeoJSON polygons (lon/lat) as grid shapes, keyed by the property `key`.
pub fn geojson_shapes(path: &Path, key: &str) -> Result<BTreeMap<String, Shape>> {
    let text = std::fs::read_to_string(path).map_err(|e| input_err(path, e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| input_err(path, e))?;
    let feats = v["features"].as_array().ok_or_else(|| input_err(path, "no features"))?;
    let mut out = BTreeMap::new();
    for f in feats {
        let code = match &f["properties"][key] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(input_err(path, format!("a feature has no property {key}"))),
        };
        let mp = crate::engine::geo::geometry::parse_geometry(&f["geometry"]).map_err(|e| input_err(path, e))?;
        out.insert(code, grid_shape(&mp));
    }
    Ok(out)
}

/// The polygons of TopoJSON object `object` as grid shapes keyed by the property `key`.
pub fn topojson_shapes(path: &Path, object: &str, key: &str) -> Result<BTreeMap<String, Shape>> {
    let text = std::fs::read_to_string(path).map_err(|e| input_err(path, e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| input_err(path, e))?;
    let mut shapes = BTreeMap::new();
    for (props, mp) in crate::engine::geo::topojson::features(&v, Some(object)).map_err(|e| input_err(path, e))? {
        let code = match &props[key] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(input_err(path, format!("a geometry of object {object} has no property {key}"))),
        };
        shapes.insert(code, grid_shape(&mp));
    }
    Ok(shapes)
}

/// A shape on the grid, each ring's repeated points once.
fn grid_shape(mp: &geo::MultiPolygon<f64>) -> Shape {
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
