//! What an analysis gives: the row accounting, one row per area, the need quintiles, the
//! region-wide figures, the unmatched values, what auto-detection chose; and the page's share of it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::analysis::evidence::{CrossCheck, Placement};
use crate::engine::analysis::measures::CurvePoint;
use crate::engine::ingest::ingested::RejectedRow;
use crate::engine::placement::matching::{Method, Unmatched, UnmatchedValue};

/// Row accounting: `in = rejected + excluded + unmatched + matched`, always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RowCounts {
    /// Data rows in the file (blank lines not counted).
    #[serde(rename = "in")]
    pub rows_in: usize,
    /// Rows that could not be read.
    pub rejected: usize,
    /// Rows dropped by a filter the user chose.
    pub excluded: usize,
    /// Rows with no area.
    pub unmatched: usize,
    /// Rows placed in an area and counted.
    pub matched: usize,
}

/// One area's line of the equity table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AreaRow {
    /// Area code.
    pub code: String,
    /// Area name.
    pub name: String,
    /// Supply S (0 when no program: never missing).
    pub supply: f64,
    /// Denominator P.
    pub denominator: Option<f64>,
    /// 1000·S/P.
    pub rate_per_1000: Option<f64>,
    /// (S/ΣS)/(P/ΣP).
    pub location_quotient: Option<f64>,
    /// 100·(S/ΣS − P/ΣP).
    pub disparity_pp: Option<f64>,
    /// Need indicator value.
    pub need: Option<f64>,
    /// 1 (most need) to 5.
    pub need_quintile: Option<u8>,
    /// P below 100: read the rate with care.
    pub small_denominator: bool,
    /// Matched rows in the area.
    pub rows: usize,
    /// Share of the area's supply that its single largest row makes up (0–1).
    pub largest_row_share: Option<f64>,
    /// The area's group (e.g. WMCA constituent), when the view groups areas.
    pub group: Option<String>,
    /// Exact (Garwood) 95 % interval of the supply, when it is a count of rows or programs (see
    /// [`super::intervals`]); `None` for sums of money or seats.
    #[serde(default)]
    pub supply_ci95: Option<[f64; 2]>,
    /// That interval as a rate per 1,000: `1000·[lo, hi]/P`.
    #[serde(default)]
    pub rate_per_1000_ci95: Option<[f64; 2]>,
    /// `(S/P)/((ΣS−S)/(ΣP−P))`: the area's rate over the rest of the region's.
    #[serde(default)]
    pub rate_ratio_rest: Option<f64>,
    /// Its exact conditional 95 % interval (Clopper–Pearson on the area's share of the two counts).
    #[serde(default)]
    pub rate_ratio_rest_ci95: Option<[f64; 2]>,
    /// Above / below the rest when that interval excludes 1, else not distinguishable.
    #[serde(default)]
    pub significance: Option<super::intervals::Significance>,
    /// The 90 % margin of error of the rate from its denominator's margin, `r·MOE(P)/P`, when the
    /// denominator carries one (ACS estimates; see [`super::intervals::rate_moe90`]).
    #[serde(default)]
    pub rate_moe90: Option<f64>,
    /// The denominator's coefficient of variation exceeds 30 % (the ACS guidance): read its rate
    /// with care. False when the denominator has no margin of error.
    #[serde(default)]
    pub unreliable_denominator: bool,
    /// The area's representative point for the distance measures, `[lon, lat]` (see
    /// [`crate::engine::region::Areas::access_points`]).
    #[serde(default)]
    pub access_point: Option<[f64; 2]>,
    /// Great-circle km from that point to the nearest program with a point (see
    /// [`super::access`]); `None` when no counted row has a point.
    #[serde(default)]
    pub nearest_km: Option<f64>,
    /// Two-step floating catchment score per 1,000 people within the summary's `catchment_km`.
    #[serde(default)]
    pub access_2sfca: Option<f64>,
}

/// One need quintile's line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuintileRow {
    /// 1 (most need) to 5.
    pub quintile: u8,
    /// Areas in it.
    pub areas: usize,
    /// Its share of ΣP (areas with a need value).
    pub population_share: f64,
    /// Its share of ΣS.
    pub supply_share: f64,
    /// 1000·S/P over its areas.
    pub rate_per_1000: Option<f64>,
    /// The bootstrap 95 % interval of its share of supply (counts only; see
    /// [`super::bootstrap`]).
    #[serde(default)]
    pub supply_share_ci95: Option<[f64; 2]>,
    /// The population-weighted mean distance to the nearest program over its areas, km.
    #[serde(default)]
    pub nearest_km: Option<f64>,
    /// The population-weighted mean 2SFCA score over its areas, per 1,000 people.
    #[serde(default)]
    pub access_2sfca: Option<f64>,
}

/// One demographic group's disparity.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupDisparity {
    /// Indicator holding the group's share.
    pub indicator: String,
    /// Its label.
    pub label: String,
    /// Σ (S/ΣS)·g − Σ (P/ΣP)·g, in share units (0.05 = 5 points).
    pub value: Option<f64>,
}

/// Region-wide figures.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// ΣS.
    pub supply_total: f64,
    /// ΣP.
    pub denominator_total: f64,
    /// 1000·ΣS/ΣP.
    pub rate_per_1000: Option<f64>,
    /// Concentration index by need (positive: supply reaches need).
    pub concentration_index: Option<f64>,
    /// Gini of supply per head.
    pub gini: Option<f64>,
    /// Index of dissimilarity.
    pub dissimilarity: Option<f64>,
    /// Demographic disparity per group indicator of the level.
    pub demographic_disparity: Vec<GroupDisparity>,
    /// Areas left out of the quintiles and concentration index for want of a need value.
    pub areas_without_need: Vec<String>,
    /// Concentration curve points (most need first).
    pub concentration_curve: Vec<CurvePoint>,
    /// Lorenz curve points of supply per head.
    pub lorenz_curve: Vec<CurvePoint>,
    /// Bootstrap 95 % interval of the concentration index (counts only; see [`super::bootstrap`]).
    #[serde(default)]
    pub concentration_index_ci95: Option<[f64; 2]>,
    /// Bootstrap 95 % interval of the Gini.
    #[serde(default)]
    pub gini_ci95: Option<[f64; 2]>,
    /// Bootstrap 95 % interval of the dissimilarity.
    #[serde(default)]
    pub dissimilarity_ci95: Option<[f64; 2]>,
    /// The most Gini chance gives: its 97.5th percentile when supply follows population exactly.
    #[serde(default)]
    pub gini_chance: Option<f64>,
    /// The most dissimilarity chance gives, likewise.
    #[serde(default)]
    pub dissimilarity_chance: Option<f64>,
    /// How the bootstrap intervals were drawn (`null` for sums, which get none).
    #[serde(default)]
    pub bootstrap: Option<super::bootstrap::Settings>,
    /// The 2SFCA catchment, km (`null` when no counted row has a point).
    #[serde(default)]
    pub catchment_km: Option<f64>,
    /// Counted rows with a point: the rows the distance measures use.
    #[serde(default)]
    pub distance_rows: usize,
    /// The population-weighted mean distance to the nearest program over all areas, km.
    #[serde(default)]
    pub nearest_km: Option<f64>,
}

/// A row with no area, for the match report and its download.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UnmatchedRow {
    /// Line of the file.
    pub line: u64,
    /// The value it carried (area text or "lat, lon").
    pub value: String,
    /// Why it has no area.
    pub reason: Unmatched,
}

/// Rows dropped by one filter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExcludedBy {
    /// The filter, in words.
    pub filter: String,
    /// Rows it dropped (each row counted once, by the first filter that drops it).
    pub rows: usize,
}

/// Everything resolved about the view: what auto-detection chose.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Resolved {
    /// How rows were placed.
    pub method: Method,
    /// Id column for distinct programs.
    pub id_column: Option<String>,
    /// Capacity column.
    pub capacity_column: Option<String>,
    /// What was counted (never `auto`).
    pub supply: String,
    /// Denominator indicator.
    pub denominator: String,
    /// Need indicator.
    pub need: String,
    /// Whether higher need values mean more need.
    pub higher_is_more_need: bool,
    /// The way rows were placed and the other ways the file offered, with the rows each places
    /// (`null` until weighed: see `analysis::with_evidence`).
    pub placement: Option<Placement>,
    /// The parent area the analysis is within (`Birmingham (E08000025)`), when the view chose one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
}

/// The analysis of a view.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Analysis {
    /// Row accounting.
    pub rows: RowCounts,
    /// One row per area, in the region's order.
    pub areas: Vec<AreaRow>,
    /// Need quintiles 1–5.
    pub quintiles: Vec<QuintileRow>,
    /// Region-wide figures.
    pub summary: Summary,
    /// Every unmatched row.
    pub unmatched_rows: Vec<UnmatchedRow>,
    /// Every rejected row.
    pub rejected_rows: Vec<RejectedRow>,
    /// Lines of the rows excluded by a filter (for the excluded-rows download; not in the JSON).
    #[serde(skip, default)]
    pub excluded_lines: Vec<u64>,
    /// Table row index and area index of every matched row (for the matched-rows download; not in the JSON).
    #[serde(skip, default)]
    pub matched_rows: Vec<(u32, u32)>,
    /// Unmatched rows grouped by value, with suggestions.
    pub unmatched_values: Vec<UnmatchedValue>,
    /// Excluded rows per filter.
    pub excluded_by: Vec<ExcludedBy>,
    /// What auto-detection chose.
    pub resolved: Resolved,
    /// Region and level.
    pub region: String,
    /// Level id.
    pub level: String,
    /// Things the analyst should know (e.g. one row dominates an area).
    pub notes: Vec<String>,
    /// Totals per group of areas (e.g. WMCA constituent / non-constituent / rest of region), when
    /// the view groups areas.
    pub groups: Vec<GroupRow>,
    /// Flag columns of the file (two or three distinct values, such as `Priority Place`): per area,
    /// the value when every matched row agrees, and the areas where rows disagree.
    pub flags: Vec<FlagColumn>,
    /// The placement compared row by row with the best other way the file offers (`null` when
    /// there is none, or until weighed: see `analysis::with_evidence`).
    #[serde(default)]
    pub cross_check: Option<CrossCheck>,
}

/// Rejected rows the page lists (the rest are downloaded from the engine).
pub const PAGE_REJECTED_ROWS: usize = 50;

/// An [`Analysis`] as the page gets it from the engine worker: every figure, without the per-row
/// lists it does not draw — no unmatched rows and the first [`PAGE_REJECTED_ROWS`] rejected rows
/// (both are downloaded from the engine, which keeps them). Its JSON reads back as an `Analysis`.
#[derive(Debug, Serialize)]
pub struct PageAnalysis<'a> {
    rows: &'a RowCounts,
    areas: &'a [AreaRow],
    quintiles: &'a [QuintileRow],
    summary: &'a Summary,
    unmatched_rows: &'a [UnmatchedRow],
    rejected_rows: &'a [RejectedRow],
    unmatched_values: &'a [UnmatchedValue],
    excluded_by: &'a [ExcludedBy],
    resolved: &'a Resolved,
    region: &'a str,
    level: &'a str,
    notes: &'a [String],
    groups: &'a [GroupRow],
    flags: &'a [FlagColumn],
    cross_check: &'a Option<CrossCheck>,
}

impl Analysis {
    /// Adds the evidence for the placement: `resolved.placement`, `cross_check`, and the
    /// cross-check's warning first among the notes.
    pub fn add_evidence(&mut self, evidence: crate::engine::analysis::evidence::Evidence) {
        if let Some(w) = evidence.warning {
            if !self.notes.contains(&w) {
                self.notes.insert(0, w);
            }
        }
        self.resolved.placement = Some(evidence.placement);
        self.cross_check = evidence.cross_check;
    }

    /// Adds the bootstrap's intervals to the summary and the quintiles (see
    /// [`super::bootstrap`]).
    pub fn add_uncertainty(&mut self, u: super::bootstrap::Uncertainty) {
        let s = &mut self.summary;
        s.concentration_index_ci95 = u.concentration_index_ci95;
        s.gini_ci95 = u.gini_ci95;
        s.dissimilarity_ci95 = u.dissimilarity_ci95;
        s.gini_chance = u.gini_chance;
        s.dissimilarity_chance = u.dissimilarity_chance;
        s.bootstrap = Some(u.settings);
        for (q, ci) in self.quintiles.iter_mut().zip(u.quintile_shares) {
            q.supply_share_ci95 = ci;
        }
    }

    /// The analysis without the row lists the page does not draw (see [`PageAnalysis`]).
    pub fn for_page(&self) -> PageAnalysis<'_> {
        // Every field named, so a new field of `Analysis` cannot be left out unnoticed.
        let Analysis {
            rows,
            areas,
            quintiles,
            summary,
            unmatched_rows: _,
            rejected_rows,
            excluded_lines: _,
            matched_rows: _,
            unmatched_values,
            excluded_by,
            resolved,
            region,
            level,
            notes,
            groups,
            flags,
            cross_check,
        } = self;
        PageAnalysis {
            rows,
            areas,
            quintiles,
            summary,
            unmatched_rows: &[],
            rejected_rows: &rejected_rows[..rejected_rows.len().min(PAGE_REJECTED_ROWS)],
            unmatched_values,
            excluded_by,
            resolved,
            region,
            level,
            notes,
            groups,
            flags,
            cross_check,
        }
    }
}

/// Totals of one group of areas.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupRow {
    /// Group label.
    pub group: String,
    /// Areas in it.
    pub areas: usize,
    /// ΣS over its areas.
    pub supply: f64,
    /// ΣP over its areas.
    pub denominator: f64,
    /// 1000·ΣS/ΣP.
    pub rate_per_1000: Option<f64>,
}

/// A flag column carried by the upload, summarised per area.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FlagColumn {
    /// Column name.
    pub column: String,
    /// Area code → the one value all its matched rows carry.
    pub consistent: BTreeMap<String, String>,
    /// Area codes whose rows carry different values (reported, never resolved).
    pub inconsistent: Vec<String>,
}
