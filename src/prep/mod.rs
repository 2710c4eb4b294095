//! `equimap prep`: builds a region's public data (`manifest.json`, `areas.parquet` per level,
//! simplified `boundaries.geojson` per level) from the publishers' raw files. Native only. The same
//! inputs always give byte-identical outputs.

pub mod access_points;
pub mod build;
pub mod postcodes;
pub mod shapes;
pub mod simplify;
pub mod spec;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};

use crate::engine::ingest::parquet;
use crate::engine::ingest::read_whole::read_csv;
use crate::engine::region::{Indicator, Level, Manifest};
use crate::engine::Ingested;
use geo::MultiPolygon;
use simplify::{simplify, Shape};

/// Grid of the rounded coordinates: 1e-5 degree (about 1 m).
pub const GRID: f64 = 1e5;

/// Errors of the prep step, each naming the file.
#[derive(Debug, thiserror::Error)]
pub enum PrepError {
    /// A raw file could not be read.
    #[error("{path}: {reason}")]
    Input {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// An output could not be written.
    #[error("cannot write {path}: {reason}")]
    Output {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
}

/// Shorthand.
pub type Result<T> = std::result::Result<T, PrepError>;

pub(crate) fn input_err(path: &Path, reason: impl ToString) -> PrepError {
    PrepError::Input { path: path.display().to_string(), reason: reason.to_string() }
}

/// Reads a raw CSV with the engine's reader (encoding and delimiter sniffing included).
pub(crate) fn read_raw_csv(path: &Path) -> Result<Ingested> {
    let bytes = std::fs::read(path).map_err(|e| input_err(path, e))?;
    read_csv(&path.display().to_string(), &bytes).map_err(|e| input_err(path, e))
}

/// Builds the region `region` from its spec `regions/<region>.toml` and raw files under `from`
/// into `out/<region>/`, then writes `out/catalog.json` again. Returns the files written.
pub fn run(region: &str, from: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let spec = spec_path(region).ok_or_else(|| PrepError::Input {
        path: "--region".into(),
        reason: format!("unknown region \"{region}\" (no spec regions/{region}.toml)"),
    })?;
    build::build(&spec, from, out)
}

/// The spec of region `id` in the repository's `regions/` folder (here, else the crate's own).
fn spec_path(id: &str) -> Option<PathBuf> {
    let name = format!("regions/{id}.toml");
    [PathBuf::from(&name), Path::new(env!("CARGO_MANIFEST_DIR")).join(&name)].into_iter().find(|p| p.exists())
}

/// The region opened first when `catalog.json` is written from the folders.
const DEFAULT_REGION: &str = "chicago";

/// Writes `dir/catalog.json` from the manifests of `dir`'s region folders (in name order).
pub fn write_catalog(dir: &Path) -> Result<PathBuf> {
    let mut entries = std::fs::read_dir(dir).map_err(|e| input_err(dir, e))?.filter_map(|e| e.ok()).collect::<Vec<_>>();
    entries.sort_by_key(|e| e.file_name());
    let mut manifests = Vec::new();
    for e in entries {
        let path = e.path().join("manifest.json");
        if !path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| input_err(&path, e))?;
        let m = Manifest::from_json(&text).map_err(|e| input_err(&path, e))?;
        manifests.push((format!("{}/manifest.json", e.file_name().to_string_lossy()), m));
    }
    if manifests.is_empty() {
        return Err(input_err(dir, "no region folders (DIR/REGION/manifest.json) to list"));
    }
    let catalog = crate::engine::region::Catalog::from_manifests(&manifests, DEFAULT_REGION);
    let mut s = serde_json::to_string_pretty(&catalog).expect("catalog serialises");
    s.push('\n');
    let path = dir.join("catalog.json");
    write(&path, s.as_bytes())?;
    Ok(path)
}

/// One indicator column ready to write: catalogue entry and values in area order.
#[derive(Clone)]
pub(crate) struct IndicatorColumn {
    pub meta: Indicator,
    pub values: Vec<Option<f64>>,
}

/// Writes `areas.parquet`: `code`, `name`, group columns, then indicators with their catalogue
/// entry as Arrow field metadata.
pub(crate) fn write_areas(
    path: &Path,
    codes: &[String],
    names: &[String],
    groups: &[(String, Vec<String>)],
    cols: &[IndicatorColumn],
) -> Result<()> {
    let mut fields = vec![Field::new("code", DataType::Utf8, false), Field::new("name", DataType::Utf8, false)];
    let mut arrays: Vec<ArrayRef> = vec![Arc::new(StringArray::from(codes.to_vec())), Arc::new(StringArray::from(names.to_vec()))];
    for (g, vals) in groups {
        fields.push(Field::new(g, DataType::Utf8, true));
        arrays.push(Arc::new(StringArray::from(vals.clone())));
    }
    for c in cols {
        let m = &c.meta;
        let meta: HashMap<String, String> = [
            ("label", m.label.clone()),
            ("unit", m.unit.clone()),
            ("source", m.source.clone()),
            ("vintage", m.vintage.clone()),
            ("higher_is_more_need", m.higher_is_more_need.map_or("none".into(), |b| b.to_string())),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        fields.push(Field::new(&m.id, DataType::Float64, true).with_metadata(meta));
        arrays.push(Arc::new(Float64Array::from(c.values.clone())));
    }
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| PrepError::Output { path: path.display().to_string(), reason: e.to_string() })?;
    let bytes =
        parquet::write_parquet(&batch).map_err(|e| PrepError::Output { path: path.display().to_string(), reason: e.to_string() })?;
    write(path, &bytes)
}

pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| PrepError::Output { path: dir.display().to_string(), reason: e.to_string() })?;
    }
    std::fs::write(path, bytes).map_err(|e| PrepError::Output { path: path.display().to_string(), reason: e.to_string() })
}

/// Writes the manifest as pretty JSON.
pub(crate) fn write_manifest(path: &Path, m: &Manifest) -> Result<()> {
    let mut s = serde_json::to_string_pretty(m).expect("manifest serialises");
    s.push('\n');
    write(path, s.as_bytes())
}

/// Simplifies shapes (grid units) with tolerance `tol`, writes them as a compact GeoJSON
/// FeatureCollection with `properties.code` and `properties.name`, and returns the bbox
/// `[west, south, east, north]`.
pub(crate) fn write_boundaries(path: &Path, codes: &[String], names: &[String], shapes: &[Shape], tol: f64) -> Result<[f64; 4]> {
    let simple = simplify(shapes, tol);
    let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (k, ((code, name), shape)) in codes.iter().zip(names).zip(&simple).enumerate() {
        if k > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"code\":{},\"name\":{}}},\"geometry\":{{\"type\":\"MultiPolygon\",\"coordinates\":[",
            serde_json::to_string(code).expect("string"),
            serde_json::to_string(name).expect("string")
        ));
        for (pi, poly) in shape.iter().enumerate() {
            s.push_str(if pi > 0 { ",[" } else { "[" });
            for (ri, ring) in poly.iter().enumerate() {
                s.push_str(if ri > 0 { ",[" } else { "[" });
                for (i, (x, y)) in ring.iter().enumerate() {
                    let (fx, fy) = (*x as f64 / GRID, *y as f64 / GRID);
                    bbox = [bbox[0].min(fx), bbox[1].min(fy), bbox[2].max(fx), bbox[3].max(fy)];
                    s.push_str(&format!("{}[{fx},{fy}]", if i > 0 { "," } else { "" }));
                }
                s.push(']');
            }
            s.push(']');
        }
        s.push_str("]}}");
    }
    s.push_str("\n]}\n");
    write(path, s.as_bytes())?;
    Ok(bbox)
}

/// Writes a level's placement boundaries: the shapes as given (full resolution), coordinates to
/// six decimals (about 0.1 m), as a GeoJSON FeatureCollection with `properties.code` alone.
pub(crate) fn write_placement(path: &Path, codes: &[String], shapes: &[MultiPolygon<f64>]) -> Result<()> {
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (k, (code, shape)) in codes.iter().zip(shapes).enumerate() {
        if k > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"code\":{}}},\"geometry\":{{\"type\":\"MultiPolygon\",\"coordinates\":[",
            serde_json::to_string(code).expect("string")
        ));
        for (pi, poly) in shape.0.iter().enumerate() {
            s.push_str(if pi > 0 { ",[" } else { "[" });
            for (ri, ring) in std::iter::once(poly.exterior()).chain(poly.interiors()).enumerate() {
                s.push_str(if ri > 0 { ",[" } else { "[" });
                for (i, c) in ring.0.iter().enumerate() {
                    s.push_str(&format!("{}[{},{}]", if i > 0 { "," } else { "" }, six_decimals(c.x), six_decimals(c.y)));
                }
                s.push(']');
            }
            s.push(']');
        }
        s.push_str("]}}");
    }
    s.push_str("\n]}\n");
    write(path, s.as_bytes())
}

/// A coordinate to six decimals, without trailing zeros (`-87.6`, `41.881234`).
fn six_decimals(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Shorthand for a catalogue entry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn indicator(
    id: &str,
    label: &str,
    unit: &str,
    source: &str,
    vintage: &str,
    need: Option<bool>,
    population: bool,
    group_share: bool,
) -> Indicator {
    Indicator {
        id: id.into(),
        label: label.into(),
        unit: unit.into(),
        source: source.into(),
        vintage: vintage.into(),
        higher_is_more_need: need,
        population,
        group_share,
        moe: None,
    }
}

/// A level entry of the manifest.
pub(crate) fn level_entry(id: &str, label: &str, codes: usize, bbox: [f64; 4], indicators: Vec<Indicator>) -> Level {
    Level {
        id: id.into(),
        label: label.into(),
        count: codes,
        key_column: "code".into(),
        name_column: "name".into(),
        areas: format!("{id}/areas.parquet"),
        boundaries: format!("{id}/boundaries.geojson"),
        placement: None,
        bbox: [(bbox[0] * 1e4).floor() / 1e4, (bbox[1] * 1e4).floor() / 1e4, (bbox[2] * 1e4).ceil() / 1e4, (bbox[3] * 1e4).ceil() / 1e4],
        indicators,
        aliases: BTreeMap::new(),
        ambiguous: BTreeMap::new(),
        outside: BTreeMap::new(),
        spans: BTreeMap::new(),
        within: BTreeMap::new(),
        groups: vec![],
        missing: vec![],
        access_point: None,
        catchment_km: None,
        parent: None,
        default_view: crate::engine::region::DefaultView { denominator: String::new(), need: String::new(), map: String::new() },
    }
}
