//! `equimap region build SPEC`: a region folder from a spec ([`super::spec`]) and the raw
//! files it names. Generic: nothing here knows a place.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use geo::MultiPolygon;

use super::spec::{IndicatorSpec, LevelSpec, RegionSpec, TableRef};
use super::{input_err, level_entry, write, write_areas, write_boundaries, write_manifest, IndicatorColumn, Result};
use crate::engine::placement::names::normalize;
use crate::engine::region::{Indicator, Level, Manifest, Parent, Sample, ALIASES_COLUMN, MANIFEST_VERSION};
use crate::engine::table::Table;

/// Builds the region of the spec at `spec_path` from raw files under `from` into
/// `out/<region>/`, then writes `out/catalog.json` again. Returns the files written.
pub fn build(spec_path: &Path, from: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let spec = RegionSpec::read(spec_path)?;
    let dir = out.join(&spec.region);
    let mut tables = Tables { from: from.to_path_buf(), cache: HashMap::new() };
    let mut files = Vec::new();
    let mut selected: HashMap<String, AreaRows> = HashMap::new();
    for ls in &spec.levels {
        let at = tables.get(&ls.areas.table, &ls.areas.code)?.clone();
        selected.insert(ls.id.clone(), select_areas(ls, &at)?);
    }
    let mut built: HashMap<String, Built> = HashMap::new();
    let mut made: HashMap<String, Level> = HashMap::new();
    for ls in build_order(&spec.levels)? {
        let (level, written, this) = build_level(ls, &mut tables, &dir, &built, &selected)?;
        made.insert(ls.id.clone(), level);
        files.extend(written);
        built.insert(ls.id.clone(), this);
    }
    let mut levels: Vec<Level> = spec.levels.iter().filter_map(|ls| made.remove(&ls.id)).collect();
    inherit_from_parents(&mut levels, &spec.levels, &built);
    let postcodes = match &spec.postcodes {
        Some(ps) => {
            let (file, written) = postcode_table(ps, from, &dir, &spec.levels, &built)?;
            files.push(written);
            Some(file)
        }
        None => None,
    };
    let mut samples = Vec::new();
    for s in &spec.samples {
        let src = from.join(&s.from);
        let name = s.file.clone().unwrap_or_else(|| src.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        let bytes = std::fs::read(&src).map_err(|e| input_err(&src, e))?;
        let path = dir.join("samples").join(&name);
        write(&path, &bytes)?;
        files.push(path);
        samples.push(Sample { file: name.clone(), path: format!("samples/{name}"), source: s.source.clone() });
    }
    let manifest = Manifest {
        version: MANIFEST_VERSION,
        region: spec.region.clone(),
        name: spec.name.clone(),
        attribution: spec.attribution.clone(),
        default_level: spec.default_level.clone(),
        levels,
        postcodes,
        distance_unit: spec.distance_unit.clone(),
        currency: spec.currency.clone(),
        samples,
        presets: spec.presets.clone(),
    };
    write_manifest(&dir.join("manifest.json"), &manifest)?;
    files.insert(0, dir.join("manifest.json"));
    files.push(super::write_catalog(out)?);
    Ok(files)
}

/// `postcodes.parquet`: the lists' postcodes placed on the full-resolution areas of `ps.level`, and
/// through its parents (and theirs) in the levels above. Returns the manifest's entry and the file.
fn postcode_table(
    ps: &super::spec::PostcodesSpec,
    from: &Path,
    dir: &Path,
    specs: &[LevelSpec],
    built: &HashMap<String, Built>,
) -> Result<(crate::engine::region::PostcodeFile, PathBuf)> {
    let what = |m: String| input_err(Path::new("postcodes"), m);
    let finest = built.get(&ps.level).ok_or_else(|| what(format!("level {} is not a level of the spec", ps.level)))?;
    let mut parents: Vec<(String, Vec<String>)> = Vec::new();
    let (mut level, mut codes) = (ps.level.clone(), finest.codes.clone());
    while let Some(p) = specs.iter().find(|l| l.id == level).and_then(|l| l.areas.parent.as_ref()) {
        let this = &built[&level];
        let of: HashMap<&str, &str> = this.codes.iter().map(String::as_str).zip(this.parents.iter().map(String::as_str)).collect();
        codes = codes.iter().map(|c| of.get(c.as_str()).copied().unwrap_or_default().to_string()).collect();
        parents.push((p.level.clone(), codes.clone()));
        level = p.level.clone();
    }
    let table = super::postcodes::FinestLevel { id: ps.level.clone(), codes: finest.codes.clone(), parents, shapes: finest.shapes.clone() };
    let lists: Vec<PathBuf> = ps.files.iter().map(|f| from.join(f)).collect();
    let out = dir.join("postcodes.parquet");
    let count = super::postcodes::build(&lists, &table, &out)?;
    Ok((crate::engine::region::PostcodeFile { file: "postcodes.parquet".into(), count, source: ps.source.clone() }, out))
}

/// The levels in an order that builds every level after those it draws on (`from_level`,
/// `access_point.level`, `placement.from_level`); the manifest keeps the spec's order.
fn build_order(levels: &[LevelSpec]) -> Result<Vec<&LevelSpec>> {
    let needs = |ls: &LevelSpec| -> Vec<String> {
        ls.indicators
            .iter()
            .filter_map(|i| i.from_level.clone())
            .chain(ls.access_point.as_ref().map(|a| a.level.clone()))
            .chain(ls.placement.as_ref().and_then(|p| p.from_level.clone()))
            .collect()
    };
    let mut order: Vec<&LevelSpec> = Vec::new();
    while order.len() < levels.len() {
        let next = levels.iter().find(|ls| {
            !order.iter().any(|o| o.id == ls.id)
                && needs(ls).iter().all(|n| order.iter().any(|o| &o.id == n) || !levels.iter().any(|l| &l.id == n))
        });
        match next {
            Some(ls) => order.push(ls),
            None => {
                let left: Vec<&str> = levels.iter().filter(|l| !order.iter().any(|o| o.id == l.id)).map(|l| l.id.as_str()).collect();
                return Err(input_err(
                    Path::new("levels"),
                    format!("levels {left:?} draw on each other in a circle (from_level, access_point, placement)"),
                ));
            }
        }
    }
    Ok(order)
}

/// The raw tables, each read once.
struct Tables {
    from: PathBuf,
    cache: HashMap<(TableRef, String), Table>,
}

impl Tables {
    /// The table `t`, its header the first line with a cell equal to `key` (title rows above it are
    /// skipped; rows below whose key is not a code are simply never looked up).
    fn get(&mut self, t: &TableRef, key: &str) -> Result<&Table> {
        let key = template_fields(key).first().map_or(key.to_string(), |f| f.0.clone());
        let k = (t.clone(), key.clone());
        if !self.cache.contains_key(&k) {
            let table = read_table(&self.from.join(&t.file), t.sheet.as_deref(), &key)?;
            self.cache.insert(k.clone(), table);
        }
        Ok(&self.cache[&k])
    }
}

fn read_table(path: &Path, sheet: Option<&str>, key: &str) -> Result<Table> {
    let bytes = std::fs::read(path).map_err(|e| input_err(path, format!("{e} (the spec names it)")))?;
    let name = path.display().to_string();
    if crate::engine::region::own::looks_like_boundaries(&name, &bytes) {
        return feature_properties(path, &bytes);
    }
    let first = crate::engine::ingest::read_file(&name, bytes.clone(), sheet).map_err(|e| input_err(path, e))?;
    if find_column(&first.table, key).is_some() {
        return Ok(first.table);
    }
    // The header is further down (title rows above it): start at the first line holding `key`.
    let text = if crate::engine::ingest::workbook::is_workbook(&name, &bytes) {
        crate::engine::ingest::workbook::sheet_as_csv(&name, &bytes, sheet).map_err(|e| input_err(path, e))?.csv
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut found = false;
    for rec in reader.records() {
        let rec = rec.map_err(|e| input_err(path, e))?;
        found = found || rec.iter().any(|c| crate::engine::table::loose(&without_notes(c)) == crate::engine::table::loose(key));
        if found {
            out.write_record(&rec).map_err(|e| input_err(path, e))?;
        }
    }
    if !found {
        return Err(input_err(path, format!("no column {key} (columns: {})", first.table.column_names().join(", "))));
    }
    let csv_bytes = out.into_inner().map_err(|e| input_err(path, e))?;
    Ok(crate::engine::read_csv(&name, &csv_bytes).map_err(|e| input_err(path, e))?.table)
}

/// A GeoJSON FeatureCollection's properties as a table of text columns, a row per feature (line =
/// feature number), columns in order of first appearance.
fn feature_properties(path: &Path, bytes: &[u8]) -> Result<Table> {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    let v = crate::engine::geo::boundary_file::read_document(&path.display().to_string(), bytes).map_err(|e| input_err(path, e))?;
    let feats = v["features"].as_array().ok_or_else(|| input_err(path, "not a GeoJSON FeatureCollection (no \"features\")"))?;
    let mut keys: Vec<String> = Vec::new();
    for f in feats {
        for k in f["properties"].as_object().into_iter().flat_map(|o| o.keys()) {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let cell = |f: &serde_json::Value, k: &str| match &f["properties"][k] {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    };
    let fields: Vec<Field> = keys.iter().map(|k| Field::new(k, DataType::Utf8, true)).collect();
    let arrays: Vec<ArrayRef> = keys
        .iter()
        .map(|k| std::sync::Arc::new(StringArray::from(feats.iter().map(|f| cell(f, k)).collect::<Vec<_>>())) as ArrayRef)
        .collect();
    let batch = RecordBatch::try_new(std::sync::Arc::new(Schema::new(fields)), arrays).map_err(|e| input_err(path, e))?;
    Ok(Table::new(path.display().to_string(), batch, (1..=feats.len() as u64).collect::<Vec<u64>>()))
}

/// The fields of a key template (`{state:02}{county:03}`): each column and its zero-padded width
/// (0: as written); none when `key` is a plain column name.
fn template_fields(key: &str) -> Vec<(String, usize)> {
    if !key.contains('{') {
        return Vec::new();
    }
    key.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(f, _)| f))
        .map(|f| match f.split_once(':') {
            Some((col, width)) => (col.to_string(), width.trim_start_matches('0').parse().unwrap_or(0)),
            None => (f.to_string(), 0),
        })
        .collect()
}

/// A row's key: the column's text, or the template filled in (a number padded with zeros to the
/// field's width, a text left-padded with `0`). None when a cell is blank.
fn key_of(t: &Table, key: &str, cols: &[usize], i: usize) -> Option<String> {
    let fields = template_fields(key);
    if fields.is_empty() {
        return text_of(t, cols[0], i);
    }
    let mut out = String::new();
    let mut rest = key;
    for ((_, width), &c) in fields.iter().zip(cols) {
        let (before, after) = rest.split_once('{')?;
        out.push_str(before);
        rest = after.split_once('}')?.1;
        let col = crate::engine::table::Column::of(t.batch.column(c))?;
        let cell = match col.number(i) {
            Some(n) if n.fract() == 0.0 && n >= 0.0 => format!("{:0width$}", n as u64),
            _ => text_of(t, c, i)?,
        };
        out.push_str(&format!("{cell:0>width$}"));
    }
    out.push_str(rest);
    Some(out)
}

/// The key columns of `key` (a column or a template) in `t`.
fn key_columns(t: &Table, key: &str, path: &str) -> Result<Vec<usize>> {
    let fields = template_fields(key);
    if fields.is_empty() {
        return Ok(vec![column_index(t, key, path)?]);
    }
    fields.iter().map(|(c, _)| column_index(t, c, path)).collect()
}

/// A header without its bracketed notes (`Area code [note 2]` → `Area code`), as statistics
/// publishers mark footnotes.
fn without_notes(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut depth = 0usize;
    for ch in header.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Position of column `name` of `t`: the header's name (exact, then ignoring case and spaces,
/// then without bracketed notes), or `#N` for the N-th column.
fn find_column(t: &Table, name: &str) -> Option<usize> {
    if let Some(n) = name.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
        return (n >= 1 && n <= t.batch.num_columns()).then(|| n - 1);
    }
    t.find(name).or_else(|| {
        let bare: Vec<String> = t.column_names().iter().map(|c| without_notes(c)).collect();
        crate::engine::table::find_name(bare.iter().map(String::as_str), name)
    })
}

/// [`find_column`], or a message listing the columns.
fn column_index(t: &Table, name: &str, path: &str) -> Result<usize> {
    find_column(t, name).ok_or_else(|| input_err(Path::new(path), format!("no column {name} (columns: {})", t.column_names().join(", "))))
}

fn text_of(t: &Table, col: usize, i: usize) -> Option<String> {
    let c = crate::engine::table::Column::of(t.batch.column(col))?;
    c.text(i).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The level's areas: code, name and each row's index in the areas table, sorted by code.
struct AreaRows {
    codes: Vec<String>,
    names: Vec<String>,
    rows: Vec<usize>,
    /// The groups read from the areas table itself (a column or rules), by name.
    own_groups: HashMap<String, Vec<String>>,
}

/// What a built level gives the levels after it: each area's parent code, its indicators and
/// its full-resolution shape.
struct Built {
    codes: Vec<String>,
    names: Vec<String>,
    parent_level: Option<String>,
    names_within: bool,
    parents: Vec<String>,
    values: HashMap<String, Vec<Option<f64>>>,
    shapes: Vec<MultiPolygon<f64>>,
    /// Each area's other names in the manifest's aliases.
    aliases: Vec<Vec<String>>,
}

/// The level of `ls` written under `dir`: its manifest entry, the files written, and what later
/// levels draw on. `built`: the levels built so far; `selected`: every level's areas.
fn build_level(
    ls: &LevelSpec,
    tables: &mut Tables,
    dir: &Path,
    built: &HashMap<String, Built>,
    selected: &HashMap<String, AreaRows>,
) -> Result<(Level, Vec<PathBuf>, Built)> {
    let a = &ls.areas;
    let at = tables.get(&a.table, &a.code)?.clone();
    let areas = &selected[&ls.id];
    let n = areas.codes.len();
    let index: HashMap<&str, usize> = areas.codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();

    let (successor, former_names) = predecessors(ls, tables, &index)?;

    let (cols, notes) = indicator_columns(ls, tables, areas, built, &successor)?;
    let meta: Vec<_> = cols.iter().map(|c| c.meta.clone()).collect();
    let access = access_points(ls, built, &areas.codes)?;

    let level_dir = dir.join(&ls.id);
    let (full, bbox) = boundaries(ls, &tables.from, areas, &level_dir)?;
    let placement = placement_shapes(ls, built, &areas.codes, &full)?;
    // The level's box holds the placement boundaries too: a point is looked for in them only
    // when it is inside the box.
    let bbox = placement
        .as_ref()
        .and_then(|p| {
            p.iter().filter_map(geo::BoundingRect::bounding_rect).reduce(|a, r| {
                geo::Rect::new((a.min().x.min(r.min().x), a.min().y.min(r.min().y)), (a.max().x.max(r.max().x), a.max().y.max(r.max().y)))
            })
        })
        .map_or(bbox, |b| [bbox[0].min(b.min().x), bbox[1].min(b.min().y), bbox[2].max(b.max().x), bbox[3].max(b.max().y)]);

    // Names: aliases of the spec, other spellings, predecessors' codes and names, the name
    // patterns and the names spanning several areas.
    let mut level = level_entry(&ls.id, &ls.label, n, bbox, meta);
    let taken: HashMap<String, usize> = areas.names.iter().enumerate().map(|(i, nm)| (normalize(nm), i)).collect();
    add_names(&mut level, ls, tables, areas, (&index, &taken), (&successor, &former_names))?;
    let patterned = name_pattern_aliases(&ls.name_patterns, &at, areas, &taken)?;
    let groups = group_columns(ls, &at, areas, selected)?;
    let mut text_cols: Vec<(String, Vec<String>)> = groups.clone();
    let parents = match &a.parent {
        Some(p) => {
            let c = column_index(&at, &p.column, &a.table.file)?;
            areas.rows.iter().map(|&i| text_of(&at, c, i).unwrap_or_default()).collect()
        }
        None => vec![],
    };
    if let Some(p) = &a.parent {
        text_cols.push((format!("{}_code", p.level), parents.clone()));
        level.parent = Some(Parent { level: p.level.clone(), column: format!("{}_code", p.level) });
    }
    if patterned.iter().any(|p| !p.is_empty()) {
        text_cols.push((ALIASES_COLUMN.into(), patterned));
    }
    // The names later levels see (within, spans): the manifest's aliases, not the patterns' (a
    // pattern's names, "X Council", say nothing at another level).
    let mut other_names: Vec<Vec<String>> = vec![Vec::new(); n];
    for (alias, code) in &level.aliases {
        if let Some(&k) = index.get(code.as_str()) {
            other_names[k].push(alias.clone());
        }
    }
    let all: Vec<IndicatorColumn> = cols.iter().cloned().chain(access.clone().into_iter().flat_map(|(c, _)| c)).collect();
    write_areas(&level_dir.join("areas.parquet"), &areas.codes, &areas.names, &text_cols, &all)?;

    level.groups = groups.iter().map(|g| g.0.clone()).collect();
    level.outside = outside_places(ls, &at, areas, &successor)?;
    level.spans = spans(ls, &at, (&index, &taken), &successor)?;
    level.missing = notes;
    for c in &cols {
        let blank: Vec<&str> = c.values.iter().zip(&areas.codes).filter(|(v, _)| v.is_none()).map(|(_, k)| k.as_str()).collect();
        if !blank.is_empty() {
            level.missing.push(format!("{}: no value for {} area(s): {}", c.meta.id, blank.len(), blank.join(", ")));
        }
    }
    let mut written = vec![level_dir.join("areas.parquet"), level_dir.join("boundaries.geojson")];
    if let Some(shapes) = &placement {
        super::write_placement(&level_dir.join("placement.geojson"), &areas.codes, shapes)?;
        level.placement = Some(format!("{}/placement.geojson", ls.id));
        written.push(level_dir.join("placement.geojson"));
    }
    level.access_point = access.map(|(_, how)| how);
    level.catchment_km = ls.catchment_km;
    level.default_view = ls.default_view.clone();
    children_within(&mut level, built, &ls.id, &index, &taken);
    let this = Built {
        codes: areas.codes.clone(),
        names: areas.names.clone(),
        parent_level: a.parent.as_ref().map(|p| p.level.clone()),
        names_within: a.parent.as_ref().is_none_or(|p| p.names_within),
        parents,
        values: cols.into_iter().map(|c| (c.meta.id, c.values)).collect(),
        shapes: full,
        aliases: other_names,
    };
    Ok((level, written, this))
}

/// The level's placement shapes in area order (see [`PlacementSpec`](super::spec::PlacementSpec)): its own at full
/// resolution, or each area's children's; none without `placement`.
fn placement_shapes(
    ls: &LevelSpec,
    built: &HashMap<String, Built>,
    codes: &[String],
    full: &[MultiPolygon<f64>],
) -> Result<Option<Vec<MultiPolygon<f64>>>> {
    let Some(ps) = &ls.placement else { return Ok(None) };
    let Some(child) = &ps.from_level else { return Ok(Some(full.to_vec())) };
    let what = |m: String| input_err(Path::new(&format!("level {} placement", ls.id)), m);
    let c = built.get(child).ok_or_else(|| what(format!("{child} is not a level of the spec")))?;
    if c.parent_level.as_deref() != Some(ls.id.as_str()) {
        return Err(what(format!("level {child} does not name {} as its parent (areas.parent)", ls.id)));
    }
    let index: HashMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let mut shapes: Vec<MultiPolygon<f64>> = vec![MultiPolygon(vec![]); codes.len()];
    for (parent, shape) in c.parents.iter().zip(&c.shapes) {
        let i = *index.get(parent.as_str()).ok_or_else(|| what(format!("a {child} area's parent {parent} is not an area of {}", ls.id)))?;
        shapes[i].0.extend(shape.0.iter().cloned());
    }
    if let Some(i) = shapes.iter().position(|s| s.0.is_empty()) {
        return Err(what(format!("area {} has no {child} areas", codes[i])));
    }
    Ok(Some(shapes))
}

/// The level's indicator columns in spec order (a weight or rank refers to an earlier one), and
/// the notes of what was combined.
fn indicator_columns(
    ls: &LevelSpec,
    tables: &mut Tables,
    areas: &AreaRows,
    built: &HashMap<String, Built>,
    successor: &BTreeMap<String, usize>,
) -> Result<(Vec<IndicatorColumn>, Vec<String>)> {
    let mut cols: Vec<IndicatorColumn> = Vec::new();
    let mut raw_by_key: HashMap<String, HashMap<String, f64>> = HashMap::new();
    let mut notes: Vec<String> = Vec::new();
    for is in &ls.indicators {
        let values = if let Some(of) = &is.rank_of {
            let base = cols
                .iter()
                .find(|c| &c.meta.id == of)
                .ok_or_else(|| input_err(Path::new(&ls.id), format!("indicator {}: rank_of {of} is not an earlier indicator", is.id)))?;
            rank_desc(&base.values)
        } else if let Some(child) = &is.from_level {
            let (values, note) = from_children(is, &ls.id, child, built, &areas.codes)?;
            notes.push(note);
            values
        } else {
            let (values, raw, note) = indicator_values(is, tables, areas, successor, &raw_by_key)?;
            raw_by_key.insert(is.id.clone(), raw);
            notes.extend(note);
            values
        };
        cols.push(IndicatorColumn { meta: indicator_entry(is, &ls.id)?, values });
    }
    for c in &cols {
        if let Some(m) = c.meta.moe.as_ref().filter(|m| !cols.iter().any(|o| &o.meta.id == *m)) {
            return Err(input_err(Path::new(&ls.id), format!("indicator {}: moe {m} is not an indicator of the level", c.meta.id)));
        }
    }
    Ok((cols, notes))
}

/// The level's boundaries at full resolution in area order, written simplified as
/// `level_dir/boundaries.geojson`; and their bbox.
fn boundaries(ls: &LevelSpec, from: &Path, areas: &AreaRows, level_dir: &Path) -> Result<(Vec<MultiPolygon<f64>>, [f64; 4])> {
    let bpath = from.join(&ls.boundaries.file);
    let polygons = match &ls.boundaries.object {
        Some(object) => super::shapes::topojson_polygons(&bpath, object, &ls.boundaries.code)?,
        None if bpath.is_dir() => super::shapes::geojson_folder_polygons(&bpath, &ls.boundaries.code)?,
        None => super::shapes::geojson_polygons(&bpath, &ls.boundaries.code)?,
    };
    let full: Vec<MultiPolygon<f64>> = areas
        .codes
        .iter()
        .map(|c| polygons.get(c).cloned().ok_or_else(|| input_err(&bpath, format!("no boundary for area {c}"))))
        .collect::<Result<_>>()?;
    let shapes: Vec<_> = full.iter().map(super::shapes::grid_shape).collect();
    let bbox = write_boundaries(&level_dir.join("boundaries.geojson"), &areas.codes, &areas.names, &shapes, ls.tolerance.unwrap_or(10.0))?;

    Ok((full, bbox))
}

/// Puts the level's names into its entry: other spellings, the spec's aliases (by code or name),
/// names shared by two areas and the spec's ambiguous names, predecessors' codes and names.
fn add_names(
    level: &mut Level,
    ls: &LevelSpec,
    tables: &mut Tables,
    areas: &AreaRows,
    (index, taken): (&HashMap<&str, usize>, &HashMap<String, usize>),
    (successor, former_names): (&BTreeMap<String, usize>, &[(String, usize)]),
) -> Result<()> {
    let area_code = |what: &str, name_or_code: &str| -> Result<String> {
        index.get(name_or_code).or_else(|| taken.get(&normalize(name_or_code))).map(|&k| areas.codes[k].clone()).ok_or_else(|| {
            input_err(
                Path::new(&ls.id),
                format!("{what} names \"{name_or_code}\", which is neither a code nor a name of the level's areas"),
            )
        })
    };
    for (variant, k) in other_spellings(ls, tables, index)? {
        if normalize(&variant) != normalize(&areas.names[k]) {
            level.aliases.insert(normalize(&variant), areas.codes[k].clone());
        }
    }
    for al in &ls.aliases {
        let target = al.code.as_deref().or(al.area.as_deref()).unwrap_or_default();
        level.aliases.insert(normalize(&al.name), area_code(&format!("alias \"{}\"", al.name), target)?);
    }
    level.ambiguous = crate::engine::region::own::ambiguous_names(&areas.names, &areas.codes);
    for am in &ls.ambiguous {
        let codes = am.areas.iter().map(|x| area_code(&format!("ambiguous name \"{}\"", am.name), x)).collect::<Result<Vec<_>>>()?;
        level.ambiguous.insert(normalize(&am.name), codes);
    }
    for (old, &k) in successor {
        level.aliases.entry(normalize(old)).or_insert_with(|| areas.codes[k].clone());
    }
    for (name, k) in former_names {
        let nn = normalize(name);
        if taken.get(&nn).is_none_or(|&t| t == *k) && nn != normalize(&areas.names[*k]) {
            level.aliases.entry(nn).or_insert_with(|| areas.codes[*k].clone());
        }
    }
    Ok(())
}

/// The `access_lat`/`access_lon` columns from the child level of `ls.access_point` (weighted mean
/// of its areas' interior points), and what was weighed; none without `access_point`.
fn access_points(ls: &LevelSpec, built: &HashMap<String, Built>, codes: &[String]) -> Result<Option<(Vec<IndicatorColumn>, String)>> {
    let Some(ap) = &ls.access_point else { return Ok(None) };
    let what = |m: String| input_err(Path::new(&format!("level {} access_point", ls.id)), m);
    let c = built.get(&ap.level).ok_or_else(|| what(format!("{} is not a level of the spec", ap.level)))?;
    if c.parent_level.as_deref() != Some(ls.id.as_str()) {
        return Err(what(format!("level {} does not name {} as its parent (areas.parent)", ap.level, ls.id)));
    }
    let w = c.values.get(&ap.weight).ok_or_else(|| what(format!("level {} has no indicator {}", ap.level, ap.weight)))?;
    let children: Vec<super::access_points::Child> = (0..c.codes.len())
        .map(|i| super::access_points::Child { parent: c.parents[i].clone(), shape: c.shapes[i].clone(), weight: w[i].unwrap_or(0.0) })
        .collect();
    Ok(Some((super::access_points::weighted_points(codes, &children, &ap.how), ap.how.clone())))
}

/// Other spellings of the areas' names (`names` of the spec): each with its area.
fn other_spellings(ls: &LevelSpec, tables: &mut Tables, index: &HashMap<&str, usize>) -> Result<Vec<(String, usize)>> {
    let mut out = Vec::new();
    for ns in &ls.names {
        let t = tables.get(&ns.table, &ns.key)?;
        let (kc, nc) = (key_columns(t, &ns.key, &ns.table.file)?, column_index(t, &ns.name, &ns.table.file)?);
        for i in 0..t.num_rows() {
            if let (Some(k), Some(name)) = (key_of(t, &ns.key, &kc, i), text_of(t, nc, i)) {
                if let Some(&a) = index.get(k.as_str()) {
                    out.push((name, a));
                }
            }
        }
    }
    Ok(out)
}

/// An indicator of level `level` from the same indicator of its child level `child`: each area's
/// children's values summed, or their mean weighted by `weight` (children without a value left
/// out, and counted in the note).
fn from_children(
    is: &IndicatorSpec,
    level: &str,
    child: &str,
    built: &HashMap<String, Built>,
    codes: &[String],
) -> Result<(Vec<Option<f64>>, String)> {
    let what = |m: String| input_err(Path::new(&format!("indicator {}", is.id)), m);
    let c = built.get(child).ok_or_else(|| what(format!("from_level {child} is not an earlier level")))?;
    if c.parent_level.as_deref() != Some(level) {
        return Err(what(format!("level {child} does not name {level} as its parent (areas.parent)")));
    }
    let v = c.values.get(&is.id).ok_or_else(|| what(format!("level {child} has no indicator {}", is.id)))?;
    let rule = is.aggregate.as_deref().unwrap_or("sum");
    let w = match (rule, &is.weight) {
        ("weighted_mean", Some(w)) => Some(c.values.get(w).ok_or_else(|| what(format!("level {child} has no indicator {w}")))?),
        ("weighted_mean", None) => return Err(what("aggregate = \"weighted_mean\" needs weight".into())),
        ("sum", _) => None,
        (other, _) => return Err(what(format!("aggregate \"{other}\" (expected sum or weighted_mean)"))),
    };
    let mut blanks = 0;
    let values = codes
        .iter()
        .map(|code| {
            let kids: Vec<usize> = (0..c.parents.len()).filter(|&i| c.parents[i] == *code).collect();
            let with: Vec<usize> = kids.iter().copied().filter(|&i| v[i].is_some() && w.is_none_or(|w| w[i].is_some())).collect();
            blanks += kids.len() - with.len();
            if with.is_empty() {
                return None;
            }
            Some(match w {
                None => with.iter().map(|&i| v[i].unwrap_or(0.0)).sum(),
                Some(w) => {
                    let total: f64 = with.iter().map(|&i| w[i].unwrap_or(0.0)).sum();
                    with.iter().map(|&i| v[i].unwrap_or(0.0) * w[i].unwrap_or(0.0)).sum::<f64>() / total
                }
            })
        })
        .collect();
    let how = match &is.weight {
        Some(wt) if w.is_some() => format!("mean of its {child} areas' values weighted by {wt}"),
        _ => format!("sum of its {child} areas' values"),
    };
    let left = if blanks > 0 { format!(" ({blanks} {child} area(s) without a value left out)") } else { String::new() };
    Ok((values, format!("{}: {how}{left}", is.id)))
}

/// Old code → current area, and the old names with their current area.
type Predecessors = (BTreeMap<String, usize>, Vec<(String, usize)>);

/// Predecessors of the level's areas: old code → current area, and the old names.
fn predecessors(ls: &LevelSpec, tables: &mut Tables, index: &HashMap<&str, usize>) -> Result<Predecessors> {
    let mut successor: BTreeMap<String, usize> = BTreeMap::new();
    let mut former_names: Vec<(String, usize)> = Vec::new();
    if let Some(p) = &ls.predecessors {
        let pt = tables.get(&p.table, &p.code)?.clone();
        let (c, nm, s) = (
            column_index(&pt, &p.code, &p.table.file)?,
            column_index(&pt, &p.name, &p.table.file)?,
            column_index(&pt, &p.successor, &p.table.file)?,
        );
        for i in 0..pt.num_rows() {
            let (Some(old), Some(now)) = (text_of(&pt, c, i), text_of(&pt, s, i)) else { continue };
            let Some(&k) = index.get(now.as_str()) else { continue };
            if old != now {
                successor.insert(old, k);
                if let Some(name) = text_of(&pt, nm, i) {
                    former_names.push((name, k));
                }
            }
        }
    }

    Ok((successor, former_names))
}

/// The areas of a child level (built earlier) lie within this level's: a row naming one (code,
/// name or alias) is reported with its container (see `Level::within`). A name two children of
/// different parents share is left out.
fn children_within(
    level: &mut Level,
    built: &HashMap<String, Built>,
    id: &str,
    index: &HashMap<&str, usize>,
    taken: &HashMap<String, usize>,
) {
    let mut seen: BTreeMap<String, Option<String>> = BTreeMap::new();
    for child in built.values().filter(|b| b.parent_level.as_deref() == Some(id) && b.names_within) {
        for (i, parent) in child.parents.iter().enumerate() {
            if !index.contains_key(parent.as_str()) {
                continue;
            }
            for name in [&child.codes[i], &child.names[i]].into_iter().chain(&child.aliases[i]) {
                let nn = normalize(name);
                if !taken.contains_key(&nn) && !level.aliases.contains_key(&nn) {
                    let e = seen.entry(nn).or_insert_with(|| Some(parent.clone()));
                    if e.as_ref() != Some(parent) {
                        *e = None;
                    }
                }
            }
        }
    }
    level.within.extend(seen.into_iter().filter_map(|(n, p)| Some((n, p?))));
}

/// What a level with a parent takes from it, once every level is built: the parent's codes,
/// names and aliases span their children here (a row naming a district at MSOA level is reported
/// with its MSOAs), and the parent's places outside the region are outside here too.
fn inherit_from_parents(levels: &mut [Level], specs: &[LevelSpec], built: &HashMap<String, Built>) {
    for ls in specs {
        let Some(p) = ls.areas.parent.as_ref().filter(|p| p.spans) else { continue };
        let (Some(parent), Some(child)) = (levels.iter().find(|l| l.id == p.level).cloned(), built.get(&ls.id)) else { continue };
        let Some(pb) = built.get(&p.level) else { continue };
        let Some(level) = levels.iter_mut().find(|l| l.id == ls.id) else { continue };
        for (k, code) in pb.codes.iter().enumerate() {
            let kids: Vec<String> = child.parents.iter().zip(&child.codes).filter(|(pc, _)| *pc == code).map(|(_, c)| c.clone()).collect();
            if kids.len() < 2 {
                continue;
            }
            let names = [code.clone(), pb.names[k].clone()].into_iter().chain(pb.aliases[k].iter().cloned());
            for name in names {
                let nn = normalize(&name);
                if !level.aliases.contains_key(&nn) && !child.names.iter().any(|n| normalize(n) == nn) {
                    level.spans.entry(nn).or_insert_with(|| kids.clone());
                }
            }
        }
        for (name, place) in &parent.outside {
            level.outside.entry(name.clone()).or_insert_with(|| place.clone());
        }
    }
}

/// Whether a code is a whole number written without leading zeros (`7`, `42`; not `007`).
fn is_plain_number(code: &str) -> bool {
    !code.is_empty() && code.len() < 20 && code.bytes().all(|b| b.is_ascii_digit()) && (code == "0" || !code.starts_with('0'))
}

/// The rows of the areas table the level keeps (every condition holds), one per code, in code
/// order (as numbers when every code is a plain whole number, so area 2 comes before area 10).
fn select_areas(ls: &LevelSpec, t: &Table) -> Result<AreaRows> {
    let a = &ls.areas;
    let (c, nm) = (column_index(t, &a.code, &a.table.file)?, column_index(t, &a.name, &a.table.file)?);
    let conds: Vec<(usize, &super::spec::Condition)> =
        a.conditions.iter().map(|k| Ok((column_index(t, &k.column, &a.table.file)?, k))).collect::<Result<_>>()?;
    let mut rows: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for i in 0..t.num_rows() {
        let keep = conds.iter().all(|(col, k)| {
            let v = text_of(t, *col, i).unwrap_or_default();
            k.equals.as_ref().is_none_or(|e| v.eq_ignore_ascii_case(e.trim()))
                && k.prefix.as_ref().is_none_or(|p| v.starts_with(p.as_str()))
        });
        if !keep {
            continue;
        }
        let Some(code) = text_of(t, c, i) else {
            return Err(input_err(Path::new(&a.table.file), format!("line {}: blank {}", t.lines.get(i), a.code)));
        };
        let name = text_of(t, nm, i)
            .ok_or_else(|| input_err(Path::new(&a.table.file), format!("line {}: area {code} has no {}", t.lines.get(i), a.name)))?;
        rows.entry(code).or_insert((name, i));
    }
    if rows.is_empty() {
        return Err(input_err(Path::new(&a.table.file), format!("no row meets the conditions of level {}", ls.id)));
    }
    let mut rows: Vec<(String, (String, usize))> = rows.into_iter().collect();
    if rows.iter().all(|(c, _)| is_plain_number(c)) {
        rows.sort_by_key(|(c, _)| c.parse::<u64>().unwrap_or(u64::MAX));
    }
    let (codes, rest): (Vec<String>, Vec<(String, usize)>) = rows.into_iter().unzip();
    let (names, rows) = rest.into_iter().unzip();
    let mut areas = AreaRows { codes, names, rows, own_groups: HashMap::new() };
    areas.own_groups = own_groups(ls, t, &areas)?;
    Ok(areas)
}

/// An indicator's values in area order, the table's values by key, and a note of what was
/// aggregated.
type IndicatorRead = (Vec<Option<f64>>, HashMap<String, f64>, Option<String>);

/// An indicator's values in area order: an area's own row, else its predecessors' aggregated by
/// the spec's rule. Also the table's values by key (for weights) and a note of what was
/// aggregated.
fn indicator_values(
    is: &IndicatorSpec,
    tables: &mut Tables,
    areas: &AreaRows,
    successor: &BTreeMap<String, usize>,
    raw_by_key: &HashMap<String, HashMap<String, f64>>,
) -> Result<IndicatorRead> {
    let what = |m: &str| input_err(Path::new(&format!("indicator {}", is.id)), m);
    let (Some(tref), Some(key)) = (&is.table, &is.key) else {
        return Err(what("needs table, key and column (or rank_of, or from_level)"));
    };
    let names: Vec<&String> = match (&is.column, is.columns.is_empty()) {
        (Some(c), true) => vec![c],
        (None, false) => is.columns.iter().collect(),
        (Some(_), false) => return Err(what("give column or columns, not both")),
        (None, true) => return Err(what("needs column (or columns)")),
    };
    let t = tables.get(tref, key)?;
    let kc = key_columns(t, key, &tref.file)?;
    let column = |name: &str| -> Result<crate::engine::table::Column<'_>> {
        let c = column_index(t, name, &tref.file)?;
        crate::engine::table::Column::of(t.batch.column(c)).ok_or_else(|| what(&format!("column {name} cannot be read")))
    };
    let vcols: Vec<_> = names.iter().map(|n| column(n)).collect::<Result<_>>()?;
    let per = is.per.as_deref().map(column).transpose()?;
    let combine: fn(&[f64]) -> f64 = match is.combine.as_deref().unwrap_or("sum") {
        "sum" => |xs: &[f64]| xs.iter().sum::<f64>(),
        "root_sum_square" => |xs: &[f64]| xs.iter().map(|x| x * x).sum::<f64>().sqrt(),
        "difference" => |xs: &[f64]| xs[0] - xs[1..].iter().sum::<f64>(),
        other => return Err(what(&format!("combine \"{other}\" (expected sum, difference or root_sum_square)"))),
    };
    let mut raw: HashMap<String, f64> = HashMap::new();
    for i in 0..t.num_rows() {
        let Some(k) = key_of(t, key, &kc, i) else { continue };
        let Some(xs) = vcols.iter().map(|c| c.number(i)).collect::<Option<Vec<f64>>>() else { continue };
        let mut v = if xs.len() == 1 { xs[0] } else { combine(&xs) };
        if let Some(f) = is.scale {
            v *= f;
        }
        if let Some(p) = &per {
            match p.number(i) {
                Some(d) if d > 0.0 => v /= d,
                _ => continue,
            }
        }
        if let Some(d) = is.digits {
            let f = 10f64.powi(d as i32);
            v = (v * f).round() / f;
        }
        raw.entry(k).or_insert(v);
    }
    if is.rank_in_table {
        raw = rank_by_key(&raw);
    }
    let mut values: Vec<Option<f64>> = areas.codes.iter().map(|c| raw.get(c).copied()).collect();
    let hits = values.iter().filter(|v| v.is_some()).count();
    let mut from_old: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (old, &k) in successor {
        if (values[k].is_none() || from_old.contains_key(&k)) && raw.contains_key(old) {
            from_old.entry(k).or_default().push(old);
        }
    }
    if hits == 0 && from_old.is_empty() {
        let sample: Vec<&String> = raw.keys().take(3).collect();
        return Err(input_err(
            Path::new(&tref.file),
            format!(
                "indicator {}: no {key} of the table is a code of the level's areas (or their predecessors); first keys: {sample:?}",
                is.id
            ),
        ));
    }
    let rule = is.aggregate.as_deref().unwrap_or("");
    let weights = match (rule, &is.weight) {
        ("weighted_mean", Some(w)) => Some(raw_by_key.get(w).ok_or_else(|| what(&format!("weight {w} is not an earlier indicator")))?),
        ("weighted_mean", None) => return Err(what("aggregate = \"weighted_mean\" needs weight")),
        ("sum" | "", _) => None,
        (other, _) => return Err(what(&format!("aggregate \"{other}\" (expected sum or weighted_mean)"))),
    };
    let mut merged = Vec::new();
    for (&k, olds) in &from_old {
        if rule.is_empty() {
            return Err(what(&format!(
                "area {} has no row but its predecessors {olds:?} do: say how they combine (aggregate)",
                areas.codes[k]
            )));
        }
        let v = match weights {
            None => olds.iter().map(|o| raw[*o]).sum::<f64>(),
            Some(w) => {
                let ws: Vec<f64> =
                    olds.iter().map(|o| w.get(*o).copied()).collect::<Option<_>>().ok_or_else(|| {
                        what(&format!("a predecessor of {} has no {}", areas.codes[k], is.weight.as_deref().unwrap_or("")))
                    })?;
                let total: f64 = ws.iter().sum();
                olds.iter().zip(&ws).map(|(o, w)| raw[*o] * w).sum::<f64>() / total
            }
        };
        values[k] = Some(v);
        merged.push(format!("{} = {} of {}", areas.codes[k], if weights.is_some() { "weighted mean" } else { "sum" }, olds.join(" + ")));
    }
    let note = (!merged.is_empty()).then(|| {
        let how = match &is.weight {
            Some(w) if weights.is_some() => format!("mean weighted by {w}"),
            _ => "sum".into(),
        };
        format!("{}: from predecessors' values ({how}): {}", is.id, merged.join("; "))
    });
    Ok((values, raw, note))
}

/// Each key's rank among all of them, 1 = the highest value (ties by key).
fn rank_by_key(raw: &HashMap<String, f64>) -> HashMap<String, f64> {
    let mut order: Vec<(&String, f64)> = raw.iter().map(|(k, v)| (k, *v)).collect();
    order.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(b.0)));
    order.into_iter().enumerate().map(|(r, (k, _))| (k.clone(), (r + 1) as f64)).collect()
}

/// Ranks, 1 = the highest value; areas without a value get none.
fn rank_desc(values: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<(usize, f64)> = values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
    order.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(&b.0)));
    let mut out = vec![None; values.len()];
    for (r, (i, _)) in order.into_iter().enumerate() {
        out[i] = Some((r + 1) as f64);
    }
    out
}

fn indicator_entry(is: &IndicatorSpec, level: &str) -> Result<Indicator> {
    let (need, population, group_share) = match is.role.as_str() {
        "population" => (None, true, false),
        "group_share" => (None, false, true),
        "need" => (Some(true), false, false),
        "need_low" => (Some(false), false, false),
        "context" => (None, false, false),
        other => {
            return Err(input_err(
                Path::new(level),
                format!("indicator {}: role \"{other}\" (expected population, group_share, need, need_low or context)", is.id),
            ))
        }
    };
    Ok(Indicator {
        id: is.id.clone(),
        label: is.label.clone(),
        unit: is.unit.clone(),
        source: is.source.clone(),
        vintage: is.vintage.clone(),
        higher_is_more_need: need,
        population,
        group_share,
        moe: is.moe.clone(),
    })
}

/// Each area's names from the patterns (`|`-separated): `{name}` is the area's name, `{COLUMN}`
/// that column of the areas table; a name that names another area or that two areas would share
/// is left out.
fn name_pattern_aliases(patterns: &[String], t: &Table, areas: &AreaRows, taken: &HashMap<String, usize>) -> Result<Vec<String>> {
    let mut fields: Vec<(String, Option<usize>)> = Vec::new();
    for p in patterns {
        for (f, _) in template_fields(p) {
            if !fields.iter().any(|x| x.0 == f) {
                let col = if f == "name" { None } else { Some(column_index(t, &f, &t.file)?) };
                fields.push((f, col));
            }
        }
    }
    let mut made: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, n) in areas.names.iter().enumerate() {
        'pattern: for p in patterns {
            let mut alias = p.clone();
            for (f, col) in &fields {
                let value = match col {
                    None => n.clone(),
                    Some(c) => match text_of(t, *c, areas.rows[i]) {
                        Some(v) => v,
                        None if alias.contains(&format!("{{{f}}}")) => continue 'pattern,
                        None => continue,
                    },
                };
                alias = alias.replace(&format!("{{{f}}}"), &value);
            }
            made.entry(alias).or_default().push(i);
        }
    }
    let mut out = vec![Vec::new(); areas.names.len()];
    for (alias, who) in made {
        let nn = normalize(&alias);
        if who.len() == 1 && taken.get(&nn).is_none_or(|&t| t == who[0]) {
            out[who[0]].push(alias);
        }
    }
    Ok(out
        .into_iter()
        .map(|mut v| {
            v.sort();
            v.join("|")
        })
        .collect())
}

/// The group columns in the spec's order: the areas table's own, or the parent's name or group.
fn group_columns(ls: &LevelSpec, t: &Table, areas: &AreaRows, selected: &HashMap<String, AreaRows>) -> Result<Vec<(String, Vec<String>)>> {
    let what = |m: String| input_err(Path::new(&format!("level {} groups", ls.id)), m);
    let mut out = Vec::new();
    for g in &ls.areas.groups {
        if !g.parent_name && g.parent_group.is_none() {
            out.push((g.name.clone(), areas.own_groups[&g.name].clone()));
            continue;
        }
        let p = ls.areas.parent.as_ref().ok_or_else(|| what(format!("{}: a parent's name or group needs areas.parent", g.name)))?;
        let parent = selected.get(&p.level).ok_or_else(|| what(format!("parent level {} is not in the spec", p.level)))?;
        let values: &Vec<String> = match &g.parent_group {
            Some(pg) => {
                parent.own_groups.get(pg).ok_or_else(|| what(format!("{}: level {} has no group {pg} of its own", g.name, p.level)))?
            }
            None => &parent.names,
        };
        let pc = column_index(t, &p.column, &ls.areas.table.file)?;
        let of = |code: &str| parent.codes.iter().position(|c| c == code).map(|k| values[k].clone());
        out.push((g.name.clone(), areas.rows.iter().map(|&i| text_of(t, pc, i).and_then(|c| of(&c)).unwrap_or_default()).collect()));
    }
    Ok(out)
}

/// The groups a level reads from its own areas table: a column (with `blank` and `fill`), or the
/// value of the first rule each area meets.
fn own_groups(ls: &LevelSpec, t: &Table, areas: &AreaRows) -> Result<HashMap<String, Vec<String>>> {
    let file = &ls.areas.table.file;
    let mut out = HashMap::new();
    for g in ls.areas.groups.iter().filter(|g| !g.parent_name && g.parent_group.is_none()) {
        let vals = if !g.rules.is_empty() {
            let cols: Vec<Option<usize>> =
                g.rules.iter().map(|r| r.column.as_deref().map(|c| column_index(t, c, file)).transpose()).collect::<Result<_>>()?;
            (0..areas.codes.len())
                .map(|k| {
                    let meets = |(r, c): (&super::spec::GroupRule, &Option<usize>)| match c {
                        Some(c) => text_of(t, *c, areas.rows[k])
                            .is_some_and(|v| r.equals.as_deref().is_some_and(|e| v.eq_ignore_ascii_case(e.trim()))),
                        None => r.areas.iter().any(|a| *a == areas.codes[k] || normalize(a) == normalize(&areas.names[k])),
                    };
                    g.rules
                        .iter()
                        .zip(&cols)
                        .find(|rc| meets(*rc))
                        .map(|(r, _)| r.value.clone())
                        .or_else(|| g.fill.clone())
                        .unwrap_or_default()
                })
                .collect()
        } else {
            let c = column_index(t, &g.column, file)?;
            areas
                .rows
                .iter()
                .map(|&i| {
                    let v = text_of(t, c, i).filter(|v| g.blank.as_deref() != Some(v.as_str()));
                    v.or_else(|| g.fill.clone()).unwrap_or_default()
                })
                .collect()
        };
        out.insert(g.name.clone(), vals);
    }
    Ok(out)
}

/// Rows of the areas table that are not the level's areas nor their predecessors: by name and
/// code → where they are.
fn outside_places(ls: &LevelSpec, t: &Table, areas: &AreaRows, successor: &BTreeMap<String, usize>) -> Result<BTreeMap<String, String>> {
    let Some(o) = &ls.outside else { return Ok(BTreeMap::new()) };
    let a = &ls.areas;
    let (c, nm) = (column_index(t, &a.code, &a.table.file)?, column_index(t, &a.name, &a.table.file)?);
    let place: Vec<usize> = o.place.iter().map(|p| column_index(t, p, &a.table.file)).collect::<Result<_>>()?;
    let ours: std::collections::HashSet<String> =
        areas.codes.iter().chain(successor.keys()).map(|s| normalize(s)).chain(areas.names.iter().map(|s| normalize(s))).collect();
    let mut out = BTreeMap::new();
    for i in 0..t.num_rows() {
        let Some(code) = text_of(t, c, i) else { continue };
        if ours.contains(&normalize(&code)) {
            continue;
        }
        let Some(where_) = place.iter().find_map(|&p| text_of(t, p, i)) else { continue };
        out.insert(normalize(&code), where_.clone());
        if let Some(name) = text_of(t, nm, i).filter(|n| !ours.contains(&normalize(n))) {
            out.insert(normalize(&name), where_);
        }
    }
    Ok(out)
}

/// Larger areas spanning two or more of the level's areas, by normalised code and name.
/// `index`: area code → position; `names`: normalised area name → position.
fn spans(
    ls: &LevelSpec,
    t: &Table,
    (index, names): (&HashMap<&str, usize>, &HashMap<String, usize>),
    successor: &BTreeMap<String, usize>,
) -> Result<BTreeMap<String, Vec<String>>> {
    let a = &ls.areas;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let codes: Vec<&str> = {
        let mut v: Vec<(&str, usize)> = index.iter().map(|(c, i)| (*c, *i)).collect();
        v.sort_by_key(|x| x.1);
        v.into_iter().map(|x| x.0).collect()
    };
    for s in &ls.spans {
        let (c, nm) = (column_index(t, &s.code, &a.table.file)?, column_index(t, &s.name, &a.table.file)?);
        let m = column_index(t, s.member.as_deref().unwrap_or(&a.code), &a.table.file)?;
        let mut members: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
        for i in 0..t.num_rows() {
            let (Some(big), Some(member)) = (text_of(t, c, i), text_of(t, m, i)) else { continue };
            let k = index.get(member.as_str()).copied().or_else(|| successor.get(&member).copied());
            let Some(k) = k else { continue };
            if big == codes[k] {
                continue;
            }
            let e = members.entry(big).or_insert_with(|| (text_of(t, nm, i).unwrap_or_default(), Vec::new()));
            if !e.1.contains(&codes[k].to_string()) {
                e.1.push(codes[k].to_string());
            }
        }
        for (big, (name, mut list)) in members {
            if list.len() > 1 {
                list.sort();
                out.insert(normalize(&big), list.clone());
                if !name.is_empty() && !names.contains_key(&normalize(&name)) {
                    out.entry(normalize(&name)).or_insert(list);
                }
            }
        }
    }
    Ok(out)
}
