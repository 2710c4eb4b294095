//! A region's public data as the site serves it: `manifest.json` (levels, indicator catalogue,
//! aliases, samples, preset views, default view), `areas.parquet` (one row per area) and simplified
//! boundaries; the site's list of regions (`catalog.json`); the check of a region folder against
//! the published format (docs/region-format.md).

mod areas;
pub mod catalog;
pub mod check;
pub mod own;
pub mod own_properties;
pub mod own_table;
pub mod shape_problems;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::error::{EngineError, Result};

pub use areas::{AddedIndicators, Areas, ExtraIndicators, ACCESS_COLUMNS, ALIASES_COLUMN};
pub use catalog::Catalog;

/// The manifest format version this program writes and reads.
pub const MANIFEST_VERSION: u32 = 1;

/// `manifest.json`: everything the site and `analyze` need to know about a region.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Format version of this manifest (1).
    pub version: u32,
    /// Identifier used in URLs and on the command line (`chicago`, `west-midlands`).
    pub region: String,
    /// Name shown to people.
    pub name: String,
    /// Credit line for the data, shown in the app.
    pub attribution: String,
    /// The level shown first.
    pub default_level: String,
    /// Area levels (community areas; local authorities and MSOAs).
    pub levels: Vec<Level>,
    /// The region's postcode table, when it publishes one (fetched only for a file with a
    /// postcode column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcodes: Option<PostcodeFile>,
    /// The unit distances are shown in: `km` (the default) or `mi`. Figures are in km either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_unit: Option<String>,
    /// The sign shown before sums of money in this region's files (`$`, `£`, `€`); none: sums
    /// are shown as plain numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Real exports served with the region, offered as samples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<Sample>,
    /// Preset views listed on the landing page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub presets: Vec<Preset>,
}

/// A real export served with a region.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Sample {
    /// The file's name, as a link names it (`file=` of the view).
    pub file: String,
    /// Path relative to the manifest.
    pub path: String,
    /// Publisher, edition and licence, shown in the page's credits.
    pub source: String,
}

/// A preset view: a title and the view's link query (see [`crate::engine::view::View`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Preset {
    /// Identifier (`preset=` of the link); `?preset=ID` alone opens the whole view.
    pub id: String,
    /// Title shown to people.
    pub title: String,
    /// The view's link query (`v=1&r=…`).
    pub query: String,
}

/// A level's parent level: every area of this level lies in one area of the parent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Parent {
    /// The parent level's id (a level of the same region).
    pub level: String,
    /// The text column of `areas.parquet` holding each area's parent code.
    pub column: String,
}

/// A region's postcode table (`postcodes.parquet`, see
/// [`crate::engine::placement::postcode::PostcodeTable`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PostcodeFile {
    /// Path relative to the manifest.
    pub file: String,
    /// Number of postcodes.
    pub count: usize,
    /// Publisher, edition and licence.
    pub source: String,
}

/// One level of areas of a region.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Level {
    /// Identifier (`community_area`, `lad`, `msoa`).
    pub id: String,
    /// Name shown to people ("Community areas").
    pub label: String,
    /// Number of areas.
    pub count: usize,
    /// Column of `areas.parquet` holding the area code.
    pub key_column: String,
    /// Column of `areas.parquet` holding the area name.
    pub name_column: String,
    /// Path of the areas table, relative to the manifest.
    pub areas: String,
    /// Path of the boundaries (GeoJSON), relative to the manifest: the map draws them, and rows
    /// given by coordinates are placed on them unless `placement` names finer ones.
    pub boundaries: String,
    /// Path of finer boundaries rows given by coordinates are placed on (GeoJSON, relative to the
    /// manifest; the same codes as `boundaries`, at full resolution), when the map's are
    /// simplified: a point near a border is then placed in the area it truly lies in. The page
    /// fetches it only for a file placed by coordinates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<String>,
    /// Bounding box of the boundaries, `[west, south, east, north]` in degrees.
    pub bbox: [f64; 4],
    /// Numeric columns of `areas.parquet` that can serve as denominator, need or map layer.
    pub indicators: Vec<Indicator>,
    /// Other names for areas (neighbourhoods, old spellings), normalised name → area code.
    pub aliases: BTreeMap<String, String>,
    /// Names that span several areas, normalised name → candidate codes. Never guessed.
    pub ambiguous: BTreeMap<String, Vec<String>>,
    /// Names of places outside this region (normalised), with where they are, so rows naming them
    /// are reported as "outside the region" rather than unknown.
    #[serde(default)]
    pub outside: BTreeMap<String, String>,
    /// Names and codes of larger areas of another level that span several of this level's areas
    /// (an upper-tier county over its districts), normalised → the areas' codes. A row naming one
    /// cannot be placed in one area: it is reported with its candidates, never guessed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub spans: BTreeMap<String, Vec<String>>,
    /// Codes and names of smaller areas of another level of the region (MSOAs at district level),
    /// normalised → the code of this level's area that contains each. A row naming one is
    /// reported as of another level, with that area suggested, never placed silently.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub within: BTreeMap<String, String>,
    /// Text columns of `areas.parquet` that group areas (e.g. combined-authority membership).
    #[serde(default)]
    pub groups: Vec<String>,
    /// Gaps in the published data, one line each (e.g. areas with no value for an indicator).
    #[serde(default)]
    pub missing: Vec<String>,
    /// What the level shows first.
    pub default_view: DefaultView,
    /// Each area's representative point for distance-based access, when `areas.parquet` carries
    /// one (columns `access_lat`, `access_lon`): how it was made. Without it, a point inside each
    /// area's polygon is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_point: Option<String>,
    /// The default catchment of the two-step floating catchment, in km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catchment_km: Option<f64>,
    /// The level each area lies in (MSOA → district, tract → community area), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Parent>,
}

/// An indicator's catalogue entry (also stored as Arrow field metadata in `areas.parquet`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Indicator {
    /// Column name.
    pub id: String,
    /// Label shown to people.
    pub label: String,
    /// Unit: `people`, `households`, `share`, `percent`, `dollars`, `score`, `rank`, `index`.
    pub unit: String,
    /// Publisher and table.
    pub source: String,
    /// Years the figures describe.
    pub vintage: String,
    /// Whether a higher value means more need (`None`: not a need measure).
    pub higher_is_more_need: Option<bool>,
    /// Whether the indicator counts people (usable as a denominator).
    #[serde(default)]
    pub population: bool,
    /// Whether the indicator is a share of the population of a group (for demographic disparity).
    #[serde(default)]
    pub group_share: bool,
    /// The column holding this estimate's 90 % margin of error (the ACS publishes one with every
    /// estimate), when the level has it: carried into rates per head (see
    /// [`crate::engine::analysis::intervals::rate_moe90`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moe: Option<String>,
}

/// The default denominator, need indicator and map layer of a level.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DefaultView {
    /// Denominator population column.
    pub denominator: String,
    /// Need indicator column.
    pub need: String,
    /// Column mapped on first visit.
    pub map: String,
}

impl Manifest {
    /// Parses `manifest.json`.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| EngineError::RegionData { file: "manifest.json".into(), reason: e.to_string() })
    }

    /// The level with id `id`.
    pub fn level(&self, id: &str) -> Result<&Level> {
        self.levels.iter().find(|l| l.id == id).ok_or_else(|| {
            let ids: Vec<&str> = self.levels.iter().map(|l| l.id.as_str()).collect();
            EngineError::BadOption(format!("region {} has no level \"{id}\" (levels: {})", self.region, ids.join(", ")))
        })
    }
}

impl Level {
    /// The catalogue entry of indicator `id`.
    pub fn indicator(&self, id: &str) -> Result<&Indicator> {
        self.indicators.iter().find(|i| i.id == id).ok_or_else(|| {
            let ids: Vec<&str> = self.indicators.iter().map(|i| i.id.as_str()).collect();
            EngineError::BadOption(format!("no indicator \"{id}\" at level {} (indicators: {})", self.id, ids.join(", ")))
        })
    }
}
