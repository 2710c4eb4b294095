//! A region spec: the TOML file `equimap region build SPEC` builds a region folder from (see
//! docs/region-format.md, "Building a region from a spec"). Every path is relative to the folder
//! of raw files (`--from`, default `../shared/data`).

use std::path::Path;

use serde::Deserialize;

use super::{input_err, Result};
use crate::engine::region::Preset;

/// The spec format version this program reads.
pub const SPEC_FORMAT: u32 = 1;

/// A whole region.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    /// Spec format version (1).
    pub format: u32,
    /// Region id (lower-case letters, digits and `-`): the output folder and `r=` of links.
    pub region: String,
    /// Name shown to people.
    pub name: String,
    /// Credit line for the data.
    pub attribution: String,
    /// The level shown first.
    pub default_level: String,
    /// `km` (default) or `mi`.
    #[serde(default)]
    pub distance_unit: Option<String>,
    /// Sign of sums of money (`$`, `£`, `€`).
    #[serde(default)]
    pub currency: Option<String>,
    /// Real exports copied into the region's `samples/` folder.
    #[serde(default)]
    pub samples: Vec<SampleSpec>,
    /// Preset views.
    #[serde(default)]
    pub presets: Vec<Preset>,
    /// A postcode table placed on one level's full-resolution boundaries.
    #[serde(default)]
    pub postcodes: Option<PostcodesSpec>,
    /// The levels, in the order the picker lists them.
    pub levels: Vec<LevelSpec>,
}

/// The region's postcode table (`postcodes.parquet`): every postcode of the lists, placed by point
/// in polygon on the full-resolution boundaries of `level`, and so in that level's parents.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostcodesSpec {
    /// Postcode lists (CSV with postcode and grid reference or lat/lon columns, NSPL-style).
    pub files: Vec<String>,
    /// The finest level (its areas' boundaries place the postcodes).
    pub level: String,
    /// Publisher, edition and licence, said in the manifest.
    pub source: String,
}

/// A sample export to copy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleSpec {
    /// The raw file.
    pub from: String,
    /// Its name in `samples/` (default: the raw file's name).
    #[serde(default)]
    pub file: Option<String>,
    /// Publisher, edition and licence.
    pub source: String,
}

/// A table of the raw files: CSV/TSV (any encoding the engine reads), a spreadsheet, Parquet, or a
/// GeoJSON FeatureCollection (its features' properties, as text, a row per feature).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct TableRef {
    /// The file.
    pub file: String,
    /// The sheet of a spreadsheet (default: the first with data).
    #[serde(default)]
    pub sheet: Option<String>,
}

/// One level of areas.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelSpec {
    /// Level id (`lad`, `tract`).
    pub id: String,
    /// Name shown to people.
    pub label: String,
    /// The list of areas: a table with a row per area (more rows may be filtered out).
    pub areas: AreasSpec,
    /// The boundaries.
    pub boundaries: BoundariesSpec,
    /// Indicators, each from a table keyed by area code.
    pub indicators: Vec<IndicatorSpec>,
    /// Older areas that are now one of this level's (mergers, new codes): their codes and names
    /// become aliases of their successor, and indicator tables keyed by them are aggregated.
    #[serde(default)]
    pub predecessors: Option<PredecessorSpec>,
    /// Rows of the areas table that are not areas of the region, recognised as elsewhere.
    #[serde(default)]
    pub outside: Option<OutsideSpec>,
    /// Larger areas (counties) spanning several of this level's, from columns of the areas table.
    #[serde(default)]
    pub spans: Vec<SpanSpec>,
    /// More names of areas, one each.
    #[serde(default)]
    pub aliases: Vec<AliasSpec>,
    /// Name patterns exports use, `{name}` standing for the area's name (`"{name} Council"`) and
    /// `{COLUMN}` for that column of the areas table (`"Tract {name10}"`): each area gets those
    /// names as aliases, unless one names two areas.
    #[serde(default)]
    pub name_patterns: Vec<String>,
    /// Other spellings of the areas' names, from tables keyed by area code (an indicator table's
    /// name column, the boundaries' name property): each that differs from the area's name is an
    /// alias.
    #[serde(default)]
    pub names: Vec<NamesSpec>,
    /// Names that span several areas (a neighbourhood over two): a row naming one is reported with
    /// its candidates, never guessed.
    #[serde(default)]
    pub ambiguous: Vec<AmbiguousSpec>,
    /// Each area's point for distance-based access: the weighted mean of the interior points of
    /// its areas at a child level (without it, a point inside the area's polygon).
    #[serde(default)]
    pub access_point: Option<AccessPointSpec>,
    /// What the level shows first.
    pub default_view: crate::engine::region::DefaultView,
    /// Default catchment of the access score, km.
    #[serde(default)]
    pub catchment_km: Option<f64>,
    /// Simplification tolerance in grid units (1e-5 degree, about 1 m); default 10.
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// Finer boundaries to place rows given by coordinates on (`placement.geojson`), so that a
    /// point near a border is not placed by the map's simplified line.
    #[serde(default)]
    pub placement: Option<PlacementSpec>,
}

/// Where a level's placement boundaries come from: its own boundaries at full resolution, or each
/// area as the union of its areas at a finer level that nests in it exactly (a district as its
/// MSOAs, when the MSOAs' boundaries are finer than the districts' own).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementSpec {
    /// The finer level (its areas name this level as their parent); omit for the level's own.
    #[serde(default)]
    pub from_level: Option<String>,
}

/// Where the level's areas come from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreasSpec {
    /// The table.
    #[serde(flatten)]
    pub table: TableRef,
    /// Column of area codes.
    pub code: String,
    /// Column of area names.
    pub name: String,
    /// Rows kept (all conditions hold); default every row.
    #[serde(default, rename = "where")]
    pub conditions: Vec<Condition>,
    /// Text columns kept as groups (`{ column = "RGNNM", as = "region" }`).
    #[serde(default)]
    pub groups: Vec<GroupSpec>,
    /// The parent level and the column of the parent's code.
    #[serde(default)]
    pub parent: Option<ParentSpec>,
}

/// A condition on a row of a table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The column.
    pub column: String,
    /// The value equals this (compared case-insensitively, trimmed).
    #[serde(default)]
    pub equals: Option<String>,
    /// The value starts with this.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// A group column: a column of the areas table, or the name of each area's parent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// The areas table's column (empty with `parent_name`).
    #[serde(default)]
    pub column: String,
    /// The group is the name of the area's parent (`areas.parent`).
    #[serde(default)]
    pub parent_name: bool,
    /// The group is this group of the area's parent (`"wmca_group"`).
    #[serde(default)]
    pub parent_group: Option<String>,
    /// The group is the value of the first rule an area meets (else `fill`).
    #[serde(default)]
    pub rules: Vec<GroupRule>,
    /// Its name in `areas.parquet`.
    #[serde(rename = "as")]
    pub name: String,
    /// A value that means "none" (`"None"`), kept as blank.
    #[serde(default)]
    pub blank: Option<String>,
    /// Value for a blank cell (`"No combined authority"`).
    #[serde(default)]
    pub fill: Option<String>,
}

/// One rule of a group: areas meeting a condition on the areas table, or listed by name or code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRule {
    /// The column of the condition.
    #[serde(default)]
    pub column: Option<String>,
    /// The column's value (compared case-insensitively, trimmed).
    #[serde(default)]
    pub equals: Option<String>,
    /// Instead of a condition: the areas, by name or code.
    #[serde(default)]
    pub areas: Vec<String>,
    /// The group of the areas meeting it.
    pub value: String,
}

/// The parent level of a level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParentSpec {
    /// The parent level's id.
    pub level: String,
    /// The areas table's column holding the parent's code.
    pub column: String,
    /// Whether a row of the parent level naming one of this level's areas (code or name) is
    /// recognised as lying within its parent (`Level::within`, in the manifest); default true.
    /// Set false when the names are many and never used at the parent level.
    #[serde(default = "yes")]
    pub names_within: bool,
    /// Whether the parents' codes, names and aliases are recognised at this level as spanning
    /// their children (`Level::spans`), and places outside the region at the parent level are
    /// outside here too; default true.
    #[serde(default = "yes")]
    pub spans: bool,
}

fn yes() -> bool {
    true
}

/// Boundaries: a GeoJSON FeatureCollection or a TopoJSON object, in longitude/latitude.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundariesSpec {
    /// The file, or a folder of GeoJSON files (every `*.geojson` in it, one per district say).
    pub file: String,
    /// The TopoJSON object (omit for GeoJSON).
    #[serde(default)]
    pub object: Option<String>,
    /// The property holding the area code.
    pub code: String,
}

/// One indicator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Column name in `areas.parquet`.
    pub id: String,
    /// Label shown to people.
    pub label: String,
    /// `people`, `households`, `share`, `percent`, `dollars`, `pounds`, `score`, `rank`, `index`.
    pub unit: String,
    /// Publisher and table.
    pub source: String,
    /// Years the figures describe.
    pub vintage: String,
    /// `population` (a denominator), `group_share`, `need` (higher = more need), `need_low`
    /// (lower = more need) or `context` (shown, not a need measure).
    pub role: String,
    /// The table, keyed by area (or predecessor) code.
    #[serde(default)]
    pub table: Option<TableRef>,
    /// Its key column (the header is the first line with a cell equal to it), or a template of
    /// columns making the key (`"{state:02}{county:03}{tract:06}"`: `:0N` pads to N digits, for
    /// codes split over columns or stored as numbers that lost their leading zeros).
    #[serde(default)]
    pub key: Option<String>,
    /// Its value column: the header's name, or `#N` for the N-th column (duplicate headers).
    #[serde(default)]
    pub column: Option<String>,
    /// Instead of `column`: several columns combined by `combine` (a row missing one has no value).
    #[serde(default)]
    pub columns: Vec<String>,
    /// How `columns` combine: `sum` (default), `difference` (the first minus the others) or
    /// `root_sum_square` (√Σx², the margin of error of a sum of estimates).
    #[serde(default)]
    pub combine: Option<String>,
    /// Multiply the value by this (100 for a percentage of `per`): value × scale ÷ per.
    #[serde(default)]
    pub scale: Option<f64>,
    /// Instead of the value: its rank among every row of the table (1 = highest), so a level of
    /// 30 districts can carry their national rank.
    #[serde(default)]
    pub rank_in_table: bool,
    /// Divide the value by this column of the same row (a share of a total); no value when it is
    /// not positive.
    #[serde(default)]
    pub per: Option<String>,
    /// Round the value to this many decimal places.
    #[serde(default)]
    pub digits: Option<u32>,
    /// The indicator (of this level) holding this one's 90 % margin of error.
    #[serde(default)]
    pub moe: Option<String>,
    /// How predecessors' values combine into their successor's: `sum` (counts) or
    /// `weighted_mean` (rates and scores, weighted by `weight`).
    #[serde(default)]
    pub aggregate: Option<String>,
    /// The indicator (of this level, read for the predecessors too) weighting the mean.
    #[serde(default)]
    pub weight: Option<String>,
    /// Instead of a table: the rank of another indicator (`rank_of = "imd_score"`, 1 = highest).
    #[serde(default)]
    pub rank_of: Option<String>,
    /// Instead of a table: the indicator of the same id of an earlier level whose parent is this
    /// level, combined over each area's children by `aggregate` (`from_level = "lad"`).
    #[serde(default)]
    pub from_level: Option<String>,
}

/// Predecessors of the level's areas, from a table of old code → current code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PredecessorSpec {
    /// The table.
    #[serde(flatten)]
    pub table: TableRef,
    /// Column of the old code.
    pub code: String,
    /// Column of the old name.
    pub name: String,
    /// Column of the current code.
    pub successor: String,
}

/// Rows of the areas table outside the region: by name and code, with where they are.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutsideSpec {
    /// Columns saying where a row is, the first non-blank one used (`["RGNNM", "CTRYNM"]`).
    pub place: Vec<String>,
}

/// Larger areas from two columns of the areas table (code, name): each one spanning two or more of
/// the level's areas is reported with its candidates, never guessed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanSpec {
    /// Column of the larger area's code.
    pub code: String,
    /// Column of its name.
    pub name: String,
    /// Column of the level's area code on the same row (default: the areas' code column).
    #[serde(default)]
    pub member: Option<String>,
}

/// One more name of an area.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasSpec {
    /// The name.
    pub name: String,
    /// The area's code (or give `area`).
    #[serde(default)]
    pub code: Option<String>,
    /// The area's name (instead of `code`).
    #[serde(default)]
    pub area: Option<String>,
}

/// Other spellings of area names: a table's name column keyed by area code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamesSpec {
    /// The table (a GeoJSON file's properties too).
    #[serde(flatten)]
    pub table: TableRef,
    /// Its column of area codes.
    pub key: String,
    /// Its column of names.
    pub name: String,
}

/// A name spanning several areas.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmbiguousSpec {
    /// The name.
    pub name: String,
    /// The areas it may mean, by name or code.
    pub areas: Vec<String>,
}

/// Access points from a child level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessPointSpec {
    /// The child level (its `areas.parent` names this level).
    pub level: String,
    /// The child level's indicator weighting the mean (its population).
    pub weight: String,
    /// What was weighed, said in the manifest (`Level::access_point`).
    pub how: String,
}

impl RegionSpec {
    /// Reads a spec file.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| input_err(path, e))?;
        let spec: RegionSpec = toml::from_str(&text).map_err(|e| input_err(path, e.to_string().trim_end()))?;
        if spec.format != SPEC_FORMAT {
            return Err(input_err(path, format!("format {} (this program reads format {SPEC_FORMAT})", spec.format)));
        }
        if !spec.levels.iter().any(|l| l.id == spec.default_level) {
            return Err(input_err(path, format!("default_level \"{}\" is not one of the levels", spec.default_level)));
        }
        Ok(spec)
    }
}
