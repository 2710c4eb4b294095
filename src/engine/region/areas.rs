//! A level's areas loaded for analysis ([`Areas`]): codes, names, indicator values, boundaries, the
//! name index used for matching, and indicators joined from a user's file.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Indicator, Level};
use crate::engine::error::{EngineError, Result};
use crate::engine::geo::geometry::Boundaries;
use crate::engine::ingest::parquet::read_parquet;
use crate::engine::placement::names::normalize;

/// A level's areas loaded for analysis: codes, names, indicator values, boundaries and the name
/// index used for matching.
#[derive(Debug, Clone)]
pub struct Areas {
    /// The level's manifest entry.
    pub level: Level,
    /// Area codes, in the order of `areas.parquet`.
    pub codes: Vec<String>,
    /// Area names, same order.
    pub names: Vec<String>,
    /// Indicator values by column name (`None` = not published for that area).
    pub values: HashMap<String, Vec<Option<f64>>>,
    /// Text attributes by column name (group columns).
    pub labels: HashMap<String, Vec<Option<String>>>,
    /// Polygons per area, same order, when boundaries were loaded.
    pub boundaries: Option<Boundaries>,
    /// Finer polygons per area, same order, that rows given by coordinates are placed on, once
    /// the level's placement boundaries are attached ([`Areas::with_placement`]); shared, as they
    /// are large.
    pub placement: Option<std::sync::Arc<Boundaries>>,
    /// The region's postcodes placed at this level, once its postcode table is attached
    /// ([`Areas::with_postcodes`]).
    pub postcodes: Option<crate::engine::placement::postcode::PostcodePlaces>,
    /// Each area's representative point (lat, lon) for distance-based access: the level's own
    /// (`access_lat`, `access_lon` of `areas.parquet`, see [`Level::access_point`]), else a point
    /// inside its polygon ([`crate::engine::geo::geometry::point_inside`]), else `None`.
    pub access_points: Vec<Option<(f64, f64)>>,
    /// Normalised code, name and alias → area index.
    index: HashMap<String, usize>,
    /// The forms of the areas' codes (`code_shape`).
    code_shapes: std::collections::HashSet<String>,
}

/// The form of a code: each digit as `9`, each letter as `A`, other characters as they are
/// (`E08000025` → `A99999999`, `17031842400` → `99999999999`); `None` without a digit (a name).
pub fn code_shape(code: &str) -> Option<String> {
    let code = code.trim();
    code.chars().any(|c| c.is_ascii_digit()).then(|| {
        code.chars()
            .map(|c| match c {
                '0'..='9' => '9',
                c if c.is_ascii_alphabetic() => 'A',
                c => c,
            })
            .collect()
    })
}

/// The optional text column of `areas.parquet` holding more names of each area, `|`-separated
/// (tract numbers, for instance): indexed like the manifest's aliases, but fetched only with the
/// level.
pub const ALIASES_COLUMN: &str = "aliases";

/// The columns of `areas.parquet` holding each area's representative point.
pub const ACCESS_COLUMNS: [&str; 2] = ["access_lat", "access_lon"];

/// Each area's representative point: from `areas.parquet`'s [`ACCESS_COLUMNS`] where it has
/// them, else a point inside the area's polygon.
fn access_points(t: &crate::engine::table::Table, boundaries: Option<&Boundaries>, n: usize) -> Vec<Option<(f64, f64)>> {
    let own = match (t.column(ACCESS_COLUMNS[0]), t.column(ACCESS_COLUMNS[1])) {
        (Ok(lat), Ok(lon)) => (0..n).map(|i| Some((lat.number(i)?, lon.number(i)?))).collect(),
        _ => vec![None; n],
    };
    let inside = |i: usize| crate::engine::geo::geometry::point_inside(boundaries?.shapes.get(i)?).map(|(x, y)| (y, x));
    own.into_iter().enumerate().map(|(i, p)| p.or_else(|| inside(i))).collect()
}

impl Areas {
    /// Loads a level from the bytes of its `areas.parquet` and (optionally) its boundaries GeoJSON.
    pub fn load(level: &Level, areas_parquet: Vec<u8>, boundaries_geojson: Option<&str>) -> Result<Self> {
        let ing = read_parquet(&level.areas, areas_parquet)?;
        let t = &ing.table;
        let col_text = |name: &str| -> Result<Vec<String>> {
            let c = t.column(name).map_err(|e| EngineError::RegionData { file: level.areas.clone(), reason: e.to_string() })?;
            Ok((0..t.num_rows()).map(|i| c.text(i).map(|s| s.into_owned()).unwrap_or_default()).collect())
        };
        let codes = col_text(&level.key_column)?;
        let names = col_text(&level.name_column)?;
        let mut values = HashMap::new();
        for ind in &level.indicators {
            let c = t.column(&ind.id).map_err(|e| EngineError::RegionData { file: level.areas.clone(), reason: e.to_string() })?;
            values.insert(ind.id.clone(), (0..t.num_rows()).map(|i| c.number(i)).collect());
        }
        let mut labels = HashMap::new();
        for g in level.groups.iter().chain(level.parent.as_ref().map(|p| &p.column)) {
            labels.insert(g.clone(), col_text(g)?.into_iter().map(|s| (!s.is_empty()).then_some(s)).collect());
        }
        let boundaries = match boundaries_geojson {
            Some(text) => Some(
                Boundaries::from_geojson(text, &codes)
                    .map_err(|reason| EngineError::RegionData { file: level.boundaries.clone(), reason })?,
            ),
            None => None,
        };
        let more: Vec<Vec<String>> = match t.column(ALIASES_COLUMN) {
            Ok(more) => (0..t.num_rows())
                .map(|i| more.text(i).unwrap_or_default().split('|').filter(|a| !a.trim().is_empty()).map(str::to_string).collect())
                .collect(),
            Err(_) => vec![],
        };
        let mut areas = Areas::from_parts(level.clone(), codes, names, values, labels, boundaries, &more)?;
        areas.access_points = access_points(t, areas.boundaries.as_ref(), areas.codes.len());
        Ok(areas)
    }

    /// A level from its parts: codes, names, indicator values and group labels in area order,
    /// polygons (same order), and more names of each area (`more[i]`, may be empty). Builds the
    /// name index (codes, names, the level's aliases); each area's access point is a point inside
    /// its polygon.
    pub fn from_parts(
        level: Level,
        codes: Vec<String>,
        names: Vec<String>,
        values: HashMap<String, Vec<Option<f64>>>,
        labels: HashMap<String, Vec<Option<String>>>,
        boundaries: Option<Boundaries>,
        more: &[Vec<String>],
    ) -> Result<Self> {
        let mut index = HashMap::new();
        for (i, (code, name)) in codes.iter().zip(&names).enumerate() {
            index.insert(code.to_lowercase(), i);
            let n = normalize(name);
            // A name several areas share is never a match (it is listed as ambiguous).
            if !level.ambiguous.contains_key(&n) {
                index.insert(n, i);
            }
        }
        for (i, aliases) in more.iter().enumerate() {
            for alias in aliases {
                index.entry(normalize(alias)).or_insert(i);
            }
        }
        let by_code: HashMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
        for (alias, code) in &level.aliases {
            let i = *by_code.get(code.as_str()).ok_or_else(|| EngineError::RegionData {
                file: "manifest.json".into(),
                reason: format!("alias \"{alias}\" points to unknown area code {code}"),
            })?;
            index.entry(normalize(alias)).or_insert(i);
        }
        let inside = |i: usize| crate::engine::geo::geometry::point_inside(boundaries.as_ref()?.shapes.get(i)?).map(|(x, y)| (y, x));
        let access_points = (0..codes.len()).map(inside).collect();
        let code_shapes = codes.iter().filter_map(|c| code_shape(c)).collect();
        Ok(Areas { level, codes, names, values, labels, boundaries, placement: None, postcodes: None, access_points, index, code_shapes })
    }

    /// The areas lying in area `parent` of the level's parent level (see [`Level::parent`]), and
    /// their positions in this level; a label naming the parent (its code, and its name where a
    /// group column names it). Fails when the level has no parent or no area lies in `parent`.
    pub fn in_parent(&self, parent: &str) -> Result<(Areas, Vec<usize>, String)> {
        let p = self
            .level
            .parent
            .as_ref()
            .ok_or_else(|| EngineError::BadOption(format!("{} have no parent level to choose from", self.level.label)))?;
        let of = self.labels.get(&p.column).ok_or_else(|| EngineError::Internal(format!("parent column {} not loaded", p.column)))?;
        let keep: Vec<usize> = (0..self.len()).filter(|&i| of[i].as_deref() == Some(parent)).collect();
        if keep.is_empty() {
            let mut some: Vec<&str> = of.iter().flatten().map(String::as_str).collect();
            some.sort_unstable();
            some.dedup();
            return Err(EngineError::BadOption(format!(
                "no area of {} lies in {} \"{parent}\" (codes: {})",
                self.level.label.to_lowercase(),
                p.level,
                some.iter().take(8).copied().collect::<Vec<_>>().join(", ")
            )));
        }
        let label = self.parent_names().into_iter().find(|(c, _)| c == parent).map_or(parent.to_string(), |(c, n)| format!("{n} ({c})"));
        Ok((self.subset(&keep), keep, label))
    }

    /// The parent areas of this level's areas: code and name (from a group column whose value is
    /// the same for every area of a parent, else the code), in code order.
    pub fn parent_names(&self) -> Vec<(String, String)> {
        let Some(of) = self.level.parent.as_ref().and_then(|p| self.labels.get(&p.column)) else { return vec![] };
        let mut codes: Vec<&str> = of.iter().flatten().map(String::as_str).collect();
        codes.sort_unstable();
        codes.dedup();
        let naming = self.level.groups.iter().find(|g| {
            let col = &self.labels[*g];
            let mut seen: HashMap<&str, &Option<String>> = HashMap::new();
            of.iter().zip(col).all(|(p, n)| p.as_deref().is_none_or(|p| **seen.entry(p).or_insert(n) == *n))
        });
        codes
            .into_iter()
            .map(|c| {
                let name = naming.and_then(|g| of.iter().position(|p| p.as_deref() == Some(c)).and_then(|i| self.labels[g][i].clone()));
                (c.to_string(), name.unwrap_or_else(|| c.to_string()))
            })
            .collect()
    }

    /// The areas at positions `keep` (in that order) as a level of their own: values, labels,
    /// polygons, points and names follow; the bounding box is theirs.
    fn subset(&self, keep: &[usize]) -> Areas {
        let pick = |v: &Vec<Option<f64>>| keep.iter().map(|&i| v[i]).collect::<Vec<_>>();
        let pos: HashMap<usize, usize> = keep.iter().enumerate().map(|(j, &i)| (i, j)).collect();
        let pick_shapes = |b: &Boundaries| Boundaries::new(keep.iter().map(|&i| b.shapes[i].clone()).collect());
        let boundaries = self.boundaries.as_ref().map(pick_shapes);
        let placement = self.placement.as_deref().map(pick_shapes).map(std::sync::Arc::new);
        let mut level = self.level.clone();
        level.count = keep.len();
        if let Some(bb) = boundaries.as_ref().and_then(|b| {
            use geo::BoundingRect;
            b.shapes.iter().filter_map(|s| s.bounding_rect()).reduce(|a, r| {
                geo::Rect::new((a.min().x.min(r.min().x), a.min().y.min(r.min().y)), (a.max().x.max(r.max().x), a.max().y.max(r.max().y)))
            })
        }) {
            level.bbox = [bb.min().x, bb.min().y, bb.max().x, bb.max().y];
        }
        Areas {
            level,
            codes: keep.iter().map(|&i| self.codes[i].clone()).collect(),
            names: keep.iter().map(|&i| self.names[i].clone()).collect(),
            values: self.values.iter().map(|(k, v)| (k.clone(), pick(v))).collect(),
            labels: self.labels.iter().map(|(k, v)| (k.clone(), keep.iter().map(|&i| v[i].clone()).collect())).collect(),
            boundaries,
            placement,
            postcodes: None,
            access_points: keep.iter().map(|&i| self.access_points[i]).collect(),
            index: self.index.iter().filter_map(|(k, i)| pos.get(i).map(|&j| (k.clone(), j))).collect(),
            code_shapes: self.code_shapes.clone(),
        }
    }

    /// Number of areas.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when the level has no areas.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The area whose code, name or alias is `text` (codes compared case-insensitively, names
    /// normalised), if exactly one.
    pub fn lookup(&self, text: &str) -> Option<usize> {
        let t = text.trim();
        self.index.get(&t.to_lowercase()).or_else(|| self.index.get(&normalize(t))).copied()
    }

    /// Index of the area with code `code`.
    pub fn by_code(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c == code)
    }

    /// Candidate codes when `text` names several areas.
    pub fn ambiguous(&self, text: &str) -> Option<&Vec<String>> {
        self.level.ambiguous.get(&normalize(text))
    }

    /// The areas a larger area named (or coded) `text` spans, when it is one (see [`Level::spans`]).
    pub fn spans(&self, text: &str) -> Option<&Vec<String>> {
        self.level.spans.get(&normalize(text))
    }

    /// The area of this level containing the smaller area of another level named (or coded)
    /// `text`, when it is one (see [`Level::within`]).
    pub fn within(&self, text: &str) -> Option<&String> {
        self.level.within.get(&normalize(text))
    }

    /// Whether `text` is written like the level's area codes (the same form: each digit as `9`, each letter as `A`).
    pub fn shaped_like_a_code(&self, text: &str) -> bool {
        code_shape(text).is_some_and(|s| self.code_shapes.contains(&s))
    }

    /// Where a place named `text` is, when it is known to lie outside the region.
    pub fn outside(&self, text: &str) -> Option<&String> {
        self.level.outside.get(&normalize(text))
    }

    /// Up to three area codes whose names or aliases are closest to `text`.
    pub fn suggest(&self, text: &str) -> Vec<String> {
        let n = normalize(text);
        // Names and aliases, each with its area; the closest six, then the first three areas.
        let normed: Vec<(String, usize)> = self.names.iter().enumerate().map(|(i, s)| (normalize(s), i)).collect();
        let aliases = self.level.aliases.iter().filter_map(|(a, c)| self.by_code(c).map(|i| (normalize(a), i)));
        let cands: Vec<(String, usize)> = normed.into_iter().chain(aliases).collect();
        let out: Vec<usize> = crate::engine::placement::names::closest(&n, cands.iter().map(|(s, i)| (s.as_str(), *i)), 6);
        let mut seen = Vec::new();
        for i in out {
            if !seen.contains(&i) {
                seen.push(i);
            }
        }
        seen.into_iter().take(3).map(|i| self.codes[i].clone()).collect()
    }

    /// These areas with the level's placement boundaries (the text of its `placement` GeoJSON:
    /// a feature with `properties.code` for every area) attached, so rows given by coordinates are
    /// placed on them. Fails, naming the file, when an area has none or the file is not GeoJSON.
    pub fn with_placement(&self, geojson: &str) -> Result<Areas> {
        let file = self.level.placement.clone().unwrap_or_else(|| "placement boundaries".into());
        let shapes = Boundaries::from_geojson(geojson, &self.codes).map_err(|reason| EngineError::RegionData { file, reason })?;
        Ok(self.with_placement_shapes(std::sync::Arc::new(shapes)))
    }

    /// These areas with placement polygons already read (one per area, in code order).
    pub fn with_placement_shapes(&self, shapes: std::sync::Arc<Boundaries>) -> Areas {
        Areas { placement: Some(shapes), ..self.clone() }
    }

    /// The polygons rows given by coordinates are placed on: the placement boundaries once
    /// attached, else those the map draws.
    pub fn point_boundaries(&self) -> Option<&Boundaries> {
        self.placement.as_deref().or(self.boundaries.as_ref())
    }

    /// Whether the level publishes placement boundaries that are not attached yet.
    pub fn wants_placement(&self) -> bool {
        self.level.placement.is_some() && self.placement.is_none()
    }

    /// These areas with the region's postcode table attached: postcodes place rows at this level
    /// (unchanged when the table has no column for this level).
    pub fn with_postcodes(&self, table: &std::sync::Arc<crate::engine::placement::postcode::PostcodeTable>) -> Areas {
        let index: HashMap<&str, usize> = self.codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
        let postcodes = table.at_level(&self.level.id, |c| index.get(c).copied());
        Areas { postcodes, ..self.clone() }
    }

    /// Values of indicator `id` (an error naming the available indicators when unknown).
    pub fn indicator(&self, id: &str) -> Result<&Vec<Option<f64>>> {
        self.level.indicator(id)?;
        Ok(&self.values[id])
    }
}

/// Extra indicators from a user's file keyed by area code (one row per area).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtraIndicators {
    /// The column holding the area codes.
    pub key_column: String,
    /// Indicator columns added.
    pub added: Vec<String>,
    /// Rows whose key is not an area of the level (listed, not used).
    pub unknown_keys: Vec<String>,
}

/// Indicators joined to a level from a file: each one's catalogue entry and its values in the
/// level's area order. What the engine worker tells the page after joining a file, and what the
/// page hands a restarted worker, so neither reads the file again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AddedIndicators {
    /// Each added indicator with its values.
    pub indicators: Vec<(Indicator, Vec<Option<f64>>)>,
}

impl Areas {
    /// The indicators that `extra` says were joined, read from these areas (the level that
    /// [`Areas::with_extra`] gave).
    pub fn added(&self, extra: &ExtraIndicators) -> AddedIndicators {
        let indicators = extra
            .added
            .iter()
            .filter_map(|id| {
                let entry = self.level.indicators.iter().find(|i| &i.id == id)?;
                Some((entry.clone(), self.values.get(id)?.clone()))
            })
            .collect();
        AddedIndicators { indicators }
    }

    /// These areas with `added` joined, as [`Areas::with_extra`] joined them (indicators whose
    /// values do not cover every area are left out).
    pub fn with_added(&self, added: &AddedIndicators) -> Areas {
        let mut out = self.clone();
        for (entry, values) in &added.indicators {
            if values.len() == self.len() {
                out.level.indicators.push(entry.clone());
                out.values.insert(entry.id.clone(), values.clone());
            }
        }
        out
    }

    /// When `table` is a file of area indicators — a column of this level's codes (or names) with
    /// each area at most once, and at least one numeric column — returns the level with those
    /// columns added as indicators (label = column name, source = the file; usable as denominator,
    /// need with higher = more need, or map layer), and what was added. `None` for anything else
    /// (e.g. a program export, where areas repeat).
    pub fn with_extra(&self, table: &crate::engine::table::Table) -> Option<(Areas, ExtraIndicators)> {
        use crate::engine::table::Column;
        if table.num_rows() == 0 || table.num_rows() > self.len() * 2 {
            return None;
        }
        let schema = table.batch.schema();
        let key = (0..schema.fields().len()).find(|&c| {
            let Some(col) = Column::of(table.batch.column(c)) else { return false };
            let mut seen = std::collections::HashSet::new();
            let mut hits = 0;
            for i in 0..table.num_rows() {
                if let Some(a) = col.text(i).and_then(|v| self.lookup(&v)) {
                    if !seen.insert(a) {
                        return false;
                    }
                    hits += 1;
                }
            }
            hits * 5 >= table.num_rows() * 4
        })?;
        let key_col = Column::of(table.batch.column(key))?;
        let mut out = self.clone();
        let mut added = Vec::new();
        for (c, f) in schema.fields().iter().enumerate() {
            if c == key
                || !matches!(
                    f.data_type(),
                    arrow_schema::DataType::Int8
                        | arrow_schema::DataType::Int16
                        | arrow_schema::DataType::Int32
                        | arrow_schema::DataType::Int64
                        | arrow_schema::DataType::Float64
                )
            {
                continue;
            }
            let col = Column::of(table.batch.column(c))?;
            let mut values = vec![None; self.len()];
            for i in 0..table.num_rows() {
                if let Some(a) = key_col.text(i).and_then(|v| self.lookup(&v)) {
                    values[a] = col.number(i);
                }
            }
            let id = if self.values.contains_key(f.name()) { format!("{} ({})", f.name(), table.file) } else { f.name().clone() };
            out.level.indicators.push(Indicator {
                id: id.clone(),
                label: format!("{} (from {})", f.name(), table.file),
                unit: String::new(),
                source: table.file.clone(),
                vintage: String::new(),
                higher_is_more_need: Some(true),
                population: true,
                group_share: false,
                moe: None,
            });
            out.values.insert(id.clone(), values);
            added.push(id);
        }
        if added.is_empty() {
            return None;
        }
        let unknown_keys =
            (0..table.num_rows()).filter_map(|i| key_col.text(i).filter(|v| self.lookup(v).is_none()).map(|v| v.into_owned())).collect();
        Some((out, ExtraIndicators { key_column: schema.field(key).name().clone(), added, unknown_keys }))
    }
}
