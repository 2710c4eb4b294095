//! The check of a region folder against the published format (docs/region-format.md): every
//! problem at once, each naming the file, the area or line and what was expected.
//!
//! The folder is read through a function from a path relative to it to the file's bytes, so the
//! same check runs on a directory (`equimap region check DIR`) or on files held in memory.

use std::collections::{BTreeSet, HashMap, HashSet};

use geo::{BoundingRect, Validation};
use serde_json::Value;

use super::{Catalog, Level, Manifest, MANIFEST_VERSION};
use crate::engine::geo::geometry::parse_geometry;
use crate::engine::ingest::parquet::read_parquet;
use crate::engine::table::Table;

/// How serious a problem is: an error makes the folder unusable or its figures wrong; a warning
/// is advice (sizes, metadata that disagrees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The folder does not meet the format.
    Error,
    /// The folder works, but not as well as it should.
    Warning,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the folder checked.
    pub file: String,
    /// What is wrong, naming the area, column or line, and what was expected.
    pub what: String,
}

/// The outcome of a check: every problem, and one line per thing that was checked and passed.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every problem, in the order found.
    pub problems: Vec<Problem>,
    /// What was checked (one line per level, file or region), for the summary.
    pub checked: Vec<String>,
}

impl Report {
    /// True when no problem is an error.
    pub fn passed(&self) -> bool {
        !self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// The report as lines of text: problems first (`error: FILE: WHAT`), then what was checked.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for p in &self.problems {
            let tag = if p.severity == Severity::Error { "error" } else { "warning" };
            s.push_str(&format!("{tag}: {}: {}\n", p.file, p.what));
        }
        for c in &self.checked {
            s.push_str(&format!("ok: {c}\n"));
        }
        let errors = self.problems.iter().filter(|p| p.severity == Severity::Error).count();
        s.push_str(&format!("{errors} error(s), {} warning(s)\n", self.problems.len() - errors));
        s
    }

    fn error(&mut self, file: &str, what: impl Into<String>) {
        self.problems.push(Problem { severity: Severity::Error, file: file.into(), what: what.into() });
    }

    fn warn(&mut self, file: &str, what: impl Into<String>) {
        self.problems.push(Problem { severity: Severity::Warning, file: file.into(), what: what.into() });
    }
}

/// Size advice: a level's boundaries above this many bytes make the page slow to open it.
pub const BOUNDARIES_ADVICE_BYTES: usize = 1_500_000;
/// Size advice for a level's `areas.parquet`.
pub const AREAS_ADVICE_BYTES: usize = 300_000;
/// Size advice for a region's postcode table (fetched only for files with postcodes).
pub const POSTCODES_ADVICE_BYTES: usize = 8_000_000;
/// Distance in degrees within which the manifest's bbox must hold the boundaries' own.
const BBOX_SLACK_DEG: f64 = 1e-3;

/// A function giving the bytes of a file of the folder by its relative path (`None`: missing).
pub type ReadFile<'a> = &'a dyn Fn(&str) -> Option<Vec<u8>>;

/// Checks a site's data folder: `catalog.json`, and every region it lists (in its folder).
pub fn check_site(read: ReadFile) -> Report {
    let mut r = Report::default();
    let Some(bytes) = read("catalog.json") else {
        r.error("catalog.json", "missing (the site's list of regions)");
        return r;
    };
    let catalog = match Catalog::from_json(&String::from_utf8_lossy(&bytes)) {
        Ok(c) => c,
        Err(e) => {
            r.error("catalog.json", e.to_string());
            return r;
        }
    };
    if catalog.region(&catalog.default_region).is_none() {
        r.error("catalog.json", format!("default_region \"{}\" is not one of its regions", catalog.default_region));
    }
    let mut seen = HashSet::new();
    for entry in &catalog.regions {
        if !seen.insert(entry.id.clone()) {
            r.error("catalog.json", format!("region \"{}\" is listed twice", entry.id));
        }
        let folder = entry.folder().to_string();
        let inner = |p: &str| read(&format!("{folder}{p}"));
        let sub = check_region(&inner);
        r.problems.extend(sub.problems.into_iter().map(|p| Problem { file: format!("{folder}{}", p.file), ..p }));
        r.checked.extend(sub.checked.into_iter().map(|c| format!("{folder}{c}")));
        // The catalog is written from the manifests: it must say what they say.
        if let Some(m) = read(&entry.manifest).and_then(|b| Manifest::from_json(&String::from_utf8_lossy(&b)).ok()) {
            let again = Catalog::from_manifests(&[(entry.manifest.clone(), m)], &entry.id);
            if again.regions.first() != Some(entry) {
                r.error(
                    "catalog.json",
                    format!("the entry of \"{}\" differs from {} (write it again: equimap region catalog)", entry.id, entry.manifest),
                );
            }
        }
    }
    r
}

/// Checks one region folder (`manifest.json` and the files it names).
pub fn check_region(read: ReadFile) -> Report {
    let mut r = Report::default();
    let Some(bytes) = read("manifest.json") else {
        r.error("manifest.json", "missing");
        return r;
    };
    let text = String::from_utf8_lossy(&bytes);
    let manifest = match serde_json::from_str::<Manifest>(&text) {
        Ok(m) => m,
        Err(e) => {
            r.error("manifest.json", format!("not a manifest of the format: {e}"));
            return r;
        }
    };
    check_manifest_fields(&manifest, &mut r);
    let mut codes_of: HashMap<String, Vec<String>> = HashMap::new();
    let mut tables: Vec<(usize, Table)> = Vec::new();
    for (k, level) in manifest.levels.iter().enumerate() {
        if let Some((codes, table)) = check_level(level, read, &mut r) {
            codes_of.insert(level.id.clone(), codes);
            tables.push((k, table));
        }
    }
    for (k, table) in &tables {
        check_parent(&manifest.levels[*k], table, &codes_of, &manifest, &mut r);
    }
    check_postcodes(&manifest, read, &mut r);
    for s in &manifest.samples {
        if read(&s.path).is_none() {
            r.error("manifest.json", format!("sample {}: file {} is missing", s.file, s.path));
        }
    }
    for p in &manifest.presets {
        let (v, problems) = crate::engine::view::View::from_query(&p.query);
        for pr in problems {
            r.error("manifest.json", format!("preset {}: {pr}", p.id));
        }
        if v.region != manifest.region {
            r.error("manifest.json", format!("preset {}: its query is for region \"{}\", not \"{}\"", p.id, v.region, manifest.region));
        }
        if v.preset != p.id {
            r.error("manifest.json", format!("preset {}: its query should say preset={}", p.id, p.id));
        }
    }
    r.checked.push(format!("manifest.json: region {} ({}), {} level(s)", manifest.region, manifest.name, manifest.levels.len()));
    r
}

fn check_manifest_fields(m: &Manifest, r: &mut Report) {
    const F: &str = "manifest.json";
    if m.version != MANIFEST_VERSION {
        r.error(F, format!("version {} (the format is version {MANIFEST_VERSION})", m.version));
    }
    if m.region.is_empty() || !m.region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        r.error(F, format!("region id \"{}\" must be lower-case letters, digits and '-'", m.region));
    }
    if m.name.trim().is_empty() {
        r.error(F, "name is empty");
    }
    if m.levels.is_empty() {
        r.error(F, "no levels");
    }
    if !m.levels.iter().any(|l| l.id == m.default_level) {
        r.error(F, format!("default_level \"{}\" is not one of the levels", m.default_level));
    }
    let mut ids = HashSet::new();
    for l in &m.levels {
        if !ids.insert(l.id.as_str()) {
            r.error(F, format!("level \"{}\" appears twice", l.id));
        }
    }
    if let Some(u) = &m.distance_unit {
        if u != "km" && u != "mi" {
            r.error(F, format!("distance_unit \"{u}\" (expected km or mi)"));
        }
    }
    for l in &m.levels {
        for (what, col) in [("denominator", &l.default_view.denominator), ("need", &l.default_view.need), ("map", &l.default_view.map)] {
            if !l.indicators.iter().any(|i| &i.id == col) {
                r.error(F, format!("level {}: default_view.{what} \"{col}\" is not one of its indicators", l.id));
            }
        }
        if let Some(d) = l.indicators.iter().find(|i| i.id == l.default_view.denominator) {
            if !d.population {
                r.error(F, format!("level {}: the default denominator {} is not marked population", l.id, d.id));
            }
        }
        if l.catchment_km.is_some_and(|c| !(c > 0.0 && c <= 200.0)) {
            r.error(F, format!("level {}: catchment_km must be between 0 and 200", l.id));
        }
    }
}

/// Checks a level's `areas.parquet` and boundaries; returns its codes and table when they read.
fn check_level(level: &Level, read: ReadFile, r: &mut Report) -> Option<(Vec<String>, Table)> {
    let af = level.areas.as_str();
    let Some(bytes) = read(af) else {
        r.error(af, format!("missing (areas of level {})", level.id));
        return None;
    };
    if bytes.len() > AREAS_ADVICE_BYTES {
        r.warn(af, format!("{} bytes (advice: at most {AREAS_ADVICE_BYTES})", bytes.len()));
    }
    let table = match read_parquet(af, bytes) {
        Ok(i) => i.table,
        Err(e) => {
            r.error(af, format!("not a readable Parquet file: {e}"));
            return None;
        }
    };
    let codes = text_column(&table, &level.key_column, af, r, "key_column")?;
    let names = text_column(&table, &level.name_column, af, r, "name_column").unwrap_or_default();
    check_codes(&codes, &names, af, r);
    if codes.len() != level.count {
        r.error(af, format!("{} rows, but the manifest's count for level {} is {}", codes.len(), level.id, level.count));
    }
    check_columns(level, &table, &codes, af, r);
    check_boundaries(level, &codes, read, r);
    r.checked.push(format!("{af}: {} areas, {} indicators", codes.len(), level.indicators.len()));
    Some((codes, table))
}

fn text_column(t: &Table, name: &str, file: &str, r: &mut Report, what: &str) -> Option<Vec<String>> {
    match t.column(name) {
        Ok(c) if c.is_text() => Some((0..t.num_rows()).map(|i| c.text(i).map(|s| s.into_owned()).unwrap_or_default()).collect()),
        Ok(_) => {
            r.error(file, format!("column {name} ({what}) must be text, found {:?}", t.data_type(name)));
            None
        }
        Err(_) => {
            r.error(file, format!("no column {name} ({what}); columns: {}", t.column_names().join(", ")));
            None
        }
    }
}

fn check_codes(codes: &[String], names: &[String], file: &str, r: &mut Report) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, c) in codes.iter().enumerate() {
        if c.trim().is_empty() {
            r.error(file, format!("row {}: blank area code", i + 1));
        } else if let Some(first) = seen.insert(c.as_str(), i) {
            r.error(file, format!("area code {c} appears twice (rows {} and {})", first + 1, i + 1));
        }
    }
    for (i, n) in names.iter().enumerate() {
        if n.trim().is_empty() {
            r.error(file, format!("row {} (area {}): blank name", i + 1, codes.get(i).map(String::as_str).unwrap_or("?")));
        }
    }
}

fn is_numeric(t: &Table, name: &str) -> bool {
    use arrow_schema::DataType as D;
    matches!(
        t.data_type(name),
        Some(D::Float64 | D::Float32 | D::Int8 | D::Int16 | D::Int32 | D::Int64 | D::UInt8 | D::UInt16 | D::UInt32 | D::UInt64)
    )
}

fn check_columns(level: &Level, t: &Table, codes: &[String], file: &str, r: &mut Report) {
    let schema = t.batch.schema();
    for ind in &level.indicators {
        if t.find(&ind.id).is_none() {
            r.error(file, format!("no column for indicator {} of level {}", ind.id, level.id));
            continue;
        }
        if !is_numeric(t, &ind.id) {
            r.error(file, format!("indicator {} must be numeric, found {:?}", ind.id, t.data_type(&ind.id)));
            continue;
        }
        if let Ok(f) = schema.field_with_name(&ind.id) {
            if let Some(label) = f.metadata().get("label").filter(|l| **l != ind.label) {
                r.warn(
                    file,
                    format!("indicator {}: field metadata label \"{label}\" differs from the manifest's \"{}\"", ind.id, ind.label),
                );
            }
        }
        let c = t.column(&ind.id).expect("found");
        let negative = (0..t.num_rows()).filter(|&i| c.number(i).is_some_and(|v| v < 0.0)).count();
        if ind.population && negative > 0 {
            r.error(file, format!("population indicator {} has {negative} negative value(s)", ind.id));
        }
        if let Some(m) = &ind.moe {
            if !is_numeric(t, m) {
                r.error(file, format!("indicator {}: its margin-of-error column {m} is missing or not numeric", ind.id));
            }
        }
    }
    for g in &level.groups {
        if !t.column(g).is_ok_and(|c| c.is_text()) {
            r.error(file, format!("group column {g} is missing or not text"));
        }
    }
    let [lat, lon] = super::ACCESS_COLUMNS;
    match (t.column(lat), t.column(lon)) {
        (Ok(la), Ok(lo)) => {
            for (i, code) in codes.iter().enumerate() {
                match (la.number(i), lo.number(i)) {
                    (Some(y), Some(x)) if (-90.0..=90.0).contains(&y) && (-180.0..=180.0).contains(&x) => {}
                    (None, None) => {}
                    (y, x) => r.error(file, format!("area {code}: access point ({y:?}, {x:?}) is not a latitude and longitude")),
                }
            }
        }
        (Err(_), Err(_)) => {}
        _ => r.error(file, format!("{lat} and {lon} come together (one is missing)")),
    }
}

/// Checks a level's boundaries, and its placement boundaries when it names them: the same rules
/// (a feature for every area and none other, polygons in longitude/latitude, valid rings, within
/// the level's bbox), the size advice only for the boundaries the map draws.
fn check_boundaries(level: &Level, codes: &[String], read: ReadFile, r: &mut Report) {
    check_shapes_file(level, &level.boundaries, "boundaries", codes, read, r);
    if let Some(p) = &level.placement {
        check_shapes_file(level, p, "placement boundaries", codes, read, r);
    }
}

fn check_shapes_file(level: &Level, bf: &str, what: &str, codes: &[String], read: ReadFile, r: &mut Report) {
    let Some(bytes) = read(bf) else {
        r.error(bf, format!("missing ({what} of level {})", level.id));
        return;
    };
    if what == "boundaries" && bytes.len() > BOUNDARIES_ADVICE_BYTES {
        r.warn(bf, format!("{} bytes (advice: at most {BOUNDARIES_ADVICE_BYTES}; simplify the polygons)", bytes.len()));
    }
    let v: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            r.error(bf, format!("not valid JSON: {e}"));
            return;
        }
    };
    let Some(features) = v.get("features").and_then(Value::as_array) else {
        r.error(bf, "no \"features\" array (a GeoJSON FeatureCollection is expected)");
        return;
    };
    let known: HashSet<&str> = codes.iter().map(String::as_str).collect();
    let mut drawn: BTreeSet<String> = BTreeSet::new();
    let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for (k, f) in features.iter().enumerate() {
        let code = match f.pointer("/properties/code") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                r.error(bf, format!("feature {}: no properties.code", k + 1));
                continue;
            }
        };
        if !known.contains(code.as_str()) {
            r.error(bf, format!("feature {} (code {code}): no such area in {}", k + 1, level.areas));
        }
        if !drawn.insert(code.clone()) {
            r.error(bf, format!("area {code} has two features"));
        }
        let shape = match f.get("geometry").ok_or_else(|| "no geometry".to_string()).and_then(parse_geometry) {
            Ok(s) => s,
            Err(e) => {
                r.error(bf, format!("area {code}: {e}"));
                continue;
            }
        };
        if shape.0.is_empty() {
            r.error(bf, format!("area {code}: empty geometry"));
            continue;
        }
        if let Some(b) = shape.bounding_rect() {
            let (lo, hi) = (b.min(), b.max());
            if lo.x < -180.0 || hi.x > 180.0 || lo.y < -90.0 || hi.y > 90.0 {
                r.error(
                    bf,
                    format!("area {code}: coordinates ({:.0}, {:.0}) are not longitude/latitude (a projected system?)", lo.x, lo.y),
                );
            }
            bbox = [bbox[0].min(lo.x), bbox[1].min(lo.y), bbox[2].max(hi.x), bbox[3].max(hi.y)];
        }
        for (pi, poly) in shape.0.iter().enumerate() {
            for e in poly.validation_errors() {
                // Full-resolution boundaries as published often have a ring that touches or
                // crosses itself somewhere; a point is still placed (by the even-odd rule), so
                // that is advice there, and an error only in the boundaries the map draws.
                let line = format!("area {code}, polygon {}: {e}", pi + 1);
                if what == "boundaries" {
                    r.error(bf, line);
                } else {
                    r.warn(bf, format!("{line} (points in the loop it makes are placed by the even-odd rule)"));
                }
            }
        }
    }
    for c in codes {
        if !drawn.contains(c) {
            r.error(bf, format!("area {c} has no geometry"));
        }
    }
    let m = level.bbox;
    if bbox[0].is_finite()
        && (bbox[0] < m[0] - BBOX_SLACK_DEG
            || bbox[1] < m[1] - BBOX_SLACK_DEG
            || bbox[2] > m[2] + BBOX_SLACK_DEG
            || bbox[3] > m[3] + BBOX_SLACK_DEG)
    {
        r.error("manifest.json", format!("level {}: bbox {m:?} does not hold the {what}' {bbox:?}", level.id));
    }
    r.checked.push(format!("{bf}: {} features", features.len()));
}

fn check_parent(level: &Level, t: &Table, codes_of: &HashMap<String, Vec<String>>, m: &Manifest, r: &mut Report) {
    let Some(p) = &level.parent else { return };
    let af = level.areas.as_str();
    if !m.levels.iter().any(|l| l.id == p.level) {
        r.error("manifest.json", format!("level {}: parent level \"{}\" is not a level of the region", level.id, p.level));
        return;
    }
    if p.level == level.id {
        r.error("manifest.json", format!("level {} is its own parent", level.id));
        return;
    }
    let Some(parents) = codes_of.get(&p.level) else { return };
    let parents: HashSet<&str> = parents.iter().map(String::as_str).collect();
    let Some(col) = text_column(t, &p.column, af, r, "parent column") else { return };
    let own = t.column(&level.key_column).ok();
    let mut bad = Vec::new();
    for (i, c) in col.iter().enumerate() {
        if !parents.contains(c.as_str()) {
            let area = own.and_then(|o| o.text(i)).unwrap_or_default();
            bad.push(format!("{area} → \"{c}\""));
        }
    }
    if !bad.is_empty() {
        let shown: Vec<&str> = bad.iter().take(10).map(String::as_str).collect();
        r.error(af, format!("{} area(s) name a parent that is not an area of level {}: {}", bad.len(), p.level, shown.join(", ")));
    }
}

fn check_postcodes(m: &Manifest, read: ReadFile, r: &mut Report) {
    let Some(p) = &m.postcodes else { return };
    let Some(bytes) = read(&p.file) else {
        r.error(&p.file, "missing (the manifest names it as the postcode table)");
        return;
    };
    if bytes.len() > POSTCODES_ADVICE_BYTES {
        r.warn(&p.file, format!("{} bytes (advice: at most {POSTCODES_ADVICE_BYTES})", bytes.len()));
    }
    match crate::engine::placement::postcode::PostcodeTable::from_parquet(&p.file, bytes) {
        Ok(t) if t.len() != p.count => r.error(&p.file, format!("{} postcodes, the manifest says {}", t.len(), p.count)),
        Ok(_) => r.checked.push(format!("{}: {} postcodes", p.file, p.count)),
        Err(e) => r.error(&p.file, e.to_string()),
    }
}
