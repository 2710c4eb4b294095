//! The evidence a placement rests on, as the analysis reports it: the ways the file offered with
//! the rows each places, and the cross-check of the chosen way against the best other one
//! (weighed in [`super::weigh`]).

use serde::{Deserialize, Serialize};

/// Rows placed by each other way to weigh it and to cross-check: every row of a file up to this
/// size, else this many rows spread evenly over the file (every k-th row).
pub const SAMPLE_ROWS: usize = 20_000;

/// A cross-check disagreeing on more than this share of the rows it compares is a warning.
pub const DISAGREE_WARNING: f64 = 0.10;

/// A less precise way is chosen over a more precise one only when the precise one places fewer
/// than this share of the rows the best way places.
pub const PRECISE_ENOUGH: f64 = 0.9;

/// What a way of placing rows reads: coordinates, postcodes, area codes or area names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacedBy {
    /// Point in polygon, from a latitude/longitude pair or a column of coordinate text.
    Coordinates,
    /// A column of UK postcodes, looked up in the region's postcode table.
    Postcode,
    /// A column of the level's area codes.
    Code,
    /// A column of area names (aliases, ambiguous names and places outside the region known).
    Name,
}

impl PlacedBy {
    /// What it reads, in words (`coordinates`, `area codes`, `area names`).
    pub fn words(self) -> &'static str {
        match self {
            PlacedBy::Coordinates => "coordinates",
            PlacedBy::Postcode => "postcodes",
            PlacedBy::Code => "area codes",
            PlacedBy::Name => "area names",
        }
    }
}

/// One way of placing the file's rows, and how many it places.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    /// What it reads.
    pub by: PlacedBy,
    /// The columns it reads.
    pub columns: Vec<String>,
    /// Rows it places in an area (of the sample when the file is larger than [`SAMPLE_ROWS`]:
    /// see [`Placement::sampled_rows`]).
    pub placed: usize,
    /// The way itself (not in the JSON: an alternative read back from JSON has none, and is not
    /// cross-checked again).
    #[serde(skip, default)]
    pub method: Option<crate::engine::placement::matching::Method>,
}

/// How rows were placed (`resolved.placement`), and the other ways the file offered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// What the chosen way reads.
    pub by: PlacedBy,
    /// Its columns.
    pub columns: Vec<String>,
    /// Whether the person chose it (else auto-detection did, on the counts below).
    pub chosen_by_user: bool,
    /// Rows the chosen way places, of the sampled rows.
    pub placed: usize,
    /// The other ways, most precise first.
    pub alternatives: Vec<Alternative>,
    /// Rows the counts are of: every row, or the sample.
    pub sampled_rows: usize,
}

/// One row the two ways place in different areas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    /// Line of the file.
    pub line: u64,
    /// What the other way read in this row.
    pub value: String,
    /// Area code the chosen way gives.
    pub area: String,
    /// Area code the other way gives.
    pub other_area: String,
}

/// The chosen placement compared with the best other way, row by row (`cross_check`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossCheck {
    /// What the other way reads.
    pub by: PlacedBy,
    /// Its columns.
    pub columns: Vec<String>,
    /// Rows both ways place (of the sample).
    pub compared: usize,
    /// Of those, rows both put in the same area.
    pub agree: usize,
    /// Rows they put in different areas.
    pub disagree: usize,
    /// The first disagreeing rows (at most [`EXAMPLES`]).
    pub examples: Vec<Disagreement>,
    /// Every disagreeing row compared (for the download; not in the JSON).
    #[serde(skip, default)]
    pub rows: Vec<Disagreement>,
    /// Whether the disagreement is over [`DISAGREE_WARNING`] of the rows compared.
    pub warning: bool,
}

/// Disagreeing rows listed in a [`CrossCheck`].
pub const EXAMPLES: usize = 5;

/// The evidence for a placement: the ways the file offered, weighed, and the cross-check, with the
/// warning to add to the notes when the cross-check disagrees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// `resolved.placement`.
    pub placement: Placement,
    /// `cross_check`.
    pub cross_check: Option<CrossCheck>,
    /// The cross-check's warning, for the notes.
    pub warning: Option<String>,
}

/// The cross-check's finding in words, for the match report and the notes.
pub fn describe(placement: &Placement, check: &CrossCheck) -> String {
    let chosen = placement.columns.join(" + ");
    let other = check.columns.join(" + ");
    let what = PlacedBy::words;
    if check.warning {
        format!(
            "{other} ({}) disagrees with {chosen} ({}) for {} of {} rows both place: check which one is right before quoting these figures.",
            what(check.by),
            what(placement.by),
            check.disagree,
            check.compared
        )
    } else {
        format!("Cross-checked with {other} ({}): {} of {} rows both place agree.", what(check.by), check.agree, check.compared)
    }
}
