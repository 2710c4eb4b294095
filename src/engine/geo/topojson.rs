//! TopoJSON (the format of d3 and ONS's boundary files): an object's polygons decoded from the
//! topology's shared, optionally quantised and delta-encoded arcs.
//!
//! ```
//! let topo = r#"{"type":"Topology","arcs":[[[0,0],[1,0],[1,1],[0,1],[0,0]]],
//!   "objects":{"areas":{"type":"GeometryCollection","geometries":[
//!     {"type":"Polygon","arcs":[[0]],"properties":{"code":"A"}}]}}}"#;
//! let v: serde_json::Value = serde_json::from_str(topo).unwrap();
//! let feats = equimap::engine::geo::topojson::features(&v, None).unwrap();
//! assert_eq!(feats.len(), 1);
//! assert_eq!(feats[0].0["code"], "A");
//! assert_eq!(feats[0].1 .0[0].exterior().0.len(), 5);
//! ```

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::Value;

/// Whether a parsed JSON document is a TopoJSON topology.
pub fn is_topology(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("Topology")
}

/// The name of the object with the most polygon geometries (the one a boundaries file is for).
pub fn main_object(v: &Value) -> Option<String> {
    let objects = v.get("objects")?.as_object()?;
    objects
        .iter()
        .map(|(name, o)| {
            let polys = o["geometries"]
                .as_array()
                .map(|g| g.iter().filter(|g| matches!(g["type"].as_str(), Some("Polygon" | "MultiPolygon"))).count())
                .unwrap_or(0);
            (polys, name.clone())
        })
        .filter(|(n, _)| *n > 0)
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, name)| name)
}

/// Every polygon geometry of object `object` (default: [`main_object`]) with its properties, in
/// the object's order. Fails naming what is missing.
pub fn features(v: &Value, object: Option<&str>) -> Result<Vec<(Value, MultiPolygon<f64>)>, String> {
    let name = match object {
        Some(o) => o.to_string(),
        None => main_object(v).ok_or("the topology has no object with polygons")?,
    };
    let arcs = decoded_arcs(v)?;
    let geometries = v["objects"][&name]["geometries"].as_array().ok_or_else(|| format!("the topology has no object \"{name}\""))?;
    let mut out = Vec::with_capacity(geometries.len());
    for g in geometries {
        let polys: Vec<&Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["arcs"]],
            Some("MultiPolygon") => g["arcs"].as_array().map(|a| a.iter().collect()).unwrap_or_default(),
            _ => continue,
        };
        let mut shape = Vec::with_capacity(polys.len());
        for p in polys {
            let mut rings = p.as_array().into_iter().flatten().map(|r| ring(r, &arcs));
            let Some(exterior) = rings.next() else { continue };
            shape.push(Polygon::new(exterior?, rings.collect::<Result<_, _>>()?));
        }
        out.push((properties_with_id(g), MultiPolygon(shape)));
    }
    Ok(out)
}

/// A geometry's properties, its `id` (as us-atlas and many topologies carry the code) among them
/// as `id` unless a property has that name.
fn properties_with_id(g: &Value) -> Value {
    let mut props = g.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    if let Some(id) = g.get("id").filter(|id| id.is_string() || id.is_number()) {
        props.entry("id").or_insert_with(|| id.clone());
    }
    Value::Object(props)
}

/// The topology's arcs in coordinates: delta-decoded and transformed when quantised.
fn decoded_arcs(v: &Value) -> Result<Vec<Vec<Coord<f64>>>, String> {
    let t = v.get("transform");
    let num = |x: &Value, k: usize, d: f64| x.get(k).and_then(Value::as_f64).unwrap_or(d);
    let (scale, translate) = match t {
        Some(t) => ((num(&t["scale"], 0, 1.0), num(&t["scale"], 1, 1.0)), (num(&t["translate"], 0, 0.0), num(&t["translate"], 1, 0.0))),
        None => ((1.0, 1.0), (0.0, 0.0)),
    };
    let quantised = t.is_some();
    v["arcs"]
        .as_array()
        .ok_or("the topology has no arcs")?
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0.0, 0.0);
            arc.as_array()
                .ok_or("an arc is not a list of points")?
                .iter()
                .map(|p| {
                    let (dx, dy) = (num(p, 0, f64::NAN), num(p, 1, f64::NAN));
                    if quantised {
                        x += dx;
                        y += dy;
                        Ok(Coord { x: x * scale.0 + translate.0, y: y * scale.1 + translate.1 })
                    } else {
                        Ok(Coord { x: dx, y: dy })
                    }
                })
                .collect()
        })
        .collect()
}

/// A ring from arc indexes (a negative index `!i` is arc `i` reversed), points where arcs meet
/// kept once.
fn ring(indexes: &Value, arcs: &[Vec<Coord<f64>>]) -> Result<LineString<f64>, String> {
    let mut out: Vec<Coord<f64>> = Vec::new();
    for a in indexes.as_array().ok_or("a ring is not a list of arcs")? {
        let a = a.as_i64().ok_or("an arc index is not a number")?;
        let (i, reversed) = if a >= 0 { (a as usize, false) } else { ((!a) as usize, true) };
        let arc = arcs.get(i).ok_or_else(|| format!("arc {i} does not exist"))?;
        let skip = usize::from(!out.is_empty());
        if reversed {
            out.extend(arc.iter().rev().skip(skip));
        } else {
            out.extend(arc.iter().skip(skip));
        }
    }
    Ok(LineString(out))
}
