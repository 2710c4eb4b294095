//! The whole analysis of one view: account for every row (rejected, excluded, unmatched,
//! matched), compute supply per area, join the denominator and need, and the equity measures.
//! Its JSON form is the output of `equimap analyze --format json` and `window.__equimap.analysis`.

pub mod export;
pub mod measures;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::engine::error::{EngineError, Result};
use crate::engine::fast_hash::FastSet;
use crate::engine::ingest::ingested::{Ingested, RejectedRow};
use crate::engine::ingest::typing::values::{parse_date, SlashOrder};
use crate::engine::placement::detect;
use crate::engine::placement::matching::{place_rows, Method, Placement, Unmatched, UnmatchedValue};
use crate::engine::region::Areas;
use crate::engine::table::{Column, Table};
use crate::engine::view::{Filter, Supply, View};
use measures::CurvePoint;

/// Below this denominator an area's rate is flagged as unreliable.
pub const SMALL_DENOMINATOR: f64 = 100.0;

/// The formulas, as shown in the app next to the figures.
pub const FORMULAS: &[(&str, &str)] = &[
    ("rate_per_1000", "Rate per 1,000 = 1000 × S ÷ P for an area; the region's rate is 1000 × ΣS ÷ ΣP (not a mean of rates)."),
    ("location_quotient", "Location quotient LQ = (S ÷ ΣS) ÷ (P ÷ ΣP): 1 is parity, above 1 more than the area's share of people."),
    ("disparity_pp", "Disparity (percentage points) = 100 × (S ÷ ΣS − P ÷ ΣP), the Urban Institute SEDT geographic disparity score."),
    ("dissimilarity", "Index of dissimilarity D = ½ × Σ |S ÷ ΣS − P ÷ ΣP|: the share of supply that would have to move to match where people live."),
    ("need_quintile", "Need quintile: areas sorted from most to least need; the area at position k (from 0) of n is in quintile ⌊5k ÷ n⌋ + 1 (1 = most need)."),
    ("concentration_index", "Concentration index C = Σ (p_t × L_{t−1} − p_{t−1} × L_t), areas sorted from most to least need, p and L the cumulative shares of people and supply. Positive: supply is concentrated where need is highest."),
    ("gini", "Gini of supply per head G = 1 − Σ (p_t − p_{t−1})(L_t + L_{t−1}), areas sorted by rate ascending. 0: every area has the same rate. Blind to need."),
    ("demographic_disparity", "Demographic disparity for a group with share g of each area = Σ (S ÷ ΣS) × g − Σ (P ÷ ΣP) × g (SEDT)."),
];

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
}

impl Analysis {
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

/// A file prepared for repeated analysis: its rows placed in areas once, so that changing a
/// filter or the supply recomputes without re-reading or re-matching.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// How rows were placed.
    pub method: Method,
    /// The area (or reason) of every row of the table.
    pub placement: Placement,
    /// The assignments the placement used.
    pub assignments: BTreeMap<String, String>,
}

/// Places the rows of `ing` for `view` (the slow step: name lookups or point-in-polygon).
pub fn prepare(areas: &Areas, ing: &Ingested, view: &View) -> Result<Prepared> {
    let method = detect::method(&ing.table, areas, &view.area_column, &view.lat_column, &view.lon_column).ok_or_else(|| {
        EngineError::BadOption(format!(
            "{}: no column of area names or codes that {} recognises, and no latitude/longitude columns; choose the area column (columns are: {})",
            ing.table.file,
            areas.level.label,
            ing.table.column_names().join(", ")
        ))
    })?;
    let placement = place_rows(&ing.table, areas, &method, &view.assignments)?;
    Ok(Prepared { method, placement, assignments: view.assignments.clone() })
}

/// Analyses `ing` in `areas` with the choices of `view`.
pub fn analyze(areas: &Areas, ing: &Ingested, view: &View) -> Result<Analysis> {
    let prepared = prepare(areas, ing, view)?;
    analyze_prepared(areas, ing, view, &prepared)
}

/// Analyses with rows already placed (see [`prepare`]).
pub fn analyze_prepared(areas: &Areas, ing: &Ingested, view: &View, prepared: &Prepared) -> Result<Analysis> {
    let table = &ing.table;
    let level = &areas.level;
    let id_column = if view.id_column.is_empty() { detect::id_column(table) } else { Some(view.id_column.clone()) };
    let capacity_column = if view.capacity_column.is_empty() { detect::capacity_column(table) } else { Some(view.capacity_column.clone()) };
    let supply = match &view.supply {
        Supply::Auto if id_column.is_some() => Supply::Programs,
        Supply::Auto => Supply::Rows,
        s => s.clone(),
    };
    let denominator = if view.denominator.is_empty() { level.default_view.denominator.clone() } else { view.denominator.clone() };
    let need = if view.need.is_empty() { level.default_view.need.clone() } else { view.need.clone() };
    let need_ind = level.indicator(&need)?;
    let higher_is_more_need = need_ind.higher_is_more_need.ok_or_else(|| {
        EngineError::BadOption(format!(
            "indicator \"{need}\" is not a need measure (its catalogue entry does not say which way is more need)"
        ))
    })?;
    let p_values = areas.indicator(&denominator)?.clone();
    let need_values = areas.indicator(&need)?.clone();

    // 1. Filters: each row dropped is counted once, by the first filter that drops it.
    let mut excluded: Vec<bool> = vec![false; table.num_rows()];
    let mut excluded_by = Vec::new();
    for f in &view.filters {
        let keep = filter_mask(table, f)?;
        let mut n = 0;
        for (i, k) in keep.iter().enumerate() {
            if !k && !excluded[i] {
                excluded[i] = true;
                n += 1;
            }
        }
        excluded_by.push(ExcludedBy { filter: describe_filter(f), rows: n });
    }

    // 2. Supply value of every row.
    let weight_col: Option<Column> = match &supply {
        Supply::Seats => Some(table.column(capacity_column.as_deref().ok_or_else(|| {
            EngineError::BadOption(format!(
                "{}: supply \"seats\" needs a capacity column; none was found (columns are: {})",
                table.file,
                table.column_names().join(", ")
            ))
        })?)?),
        Supply::Sum(c) => Some(table.column(c)?),
        _ => None,
    };
    let id_col: Option<Column> = match (&supply, &id_column) {
        (Supply::Programs, Some(c)) => Some(table.column(c)?),
        (Supply::Programs, None) => {
            return Err(EngineError::BadOption(format!(
                "{}: supply \"programs\" counts distinct ids, but no id column was found; choose one (columns are: {})",
                table.file,
                table.column_names().join(", ")
            )))
        }
        _ => None,
    };
    let row_value = |i: usize| -> f64 { weight_col.as_ref().map_or(1.0, |c| c.number(i).unwrap_or(0.0)) };

    // 3. Exclude the largest N rows by supply value among matched, kept rows.
    if view.exclude_top > 0 {
        let mut cands: Vec<usize> = (0..table.num_rows()).filter(|&i| !excluded[i] && prepared.placement[i].get().is_ok()).collect();
        cands.sort_by(|&a, &b| row_value(b).partial_cmp(&row_value(a)).unwrap_or(std::cmp::Ordering::Equal).then(a.cmp(&b)));
        let n = cands.len().min(view.exclude_top as usize);
        for &i in &cands[..n] {
            excluded[i] = true;
        }
        excluded_by.push(ExcludedBy { filter: format!("the {} largest rows by {}", view.exclude_top, supply.as_text()), rows: n });
    }

    // 4. Accounting and supply per area.
    let n_areas = areas.len();
    let mut counts = RowCounts { rows_in: ing.report.rows_in, rejected: ing.report.rejected.len(), ..Default::default() };
    let mut supply_per = vec![0.0f64; n_areas];
    let mut rows_per = vec![0usize; n_areas];
    let mut largest = vec![0.0f64; n_areas];
    // Sized once: at 1M rows these lists are megabytes, and growing one copies it.
    let n_excluded = excluded.iter().filter(|&&e| e).count();
    let mut ids = id_col.map(|c| DistinctIds::new(c, n_areas, excluded.len() - n_excluded));
    let mut unmatched_rows = Vec::new();
    let mut excluded_lines = Vec::with_capacity(n_excluded);
    let mut matched_rows = Vec::with_capacity(excluded.len() - n_excluded);
    let mut groups: HashMap<(String, Unmatched), usize> = HashMap::new();
    let area_text = |i: usize| -> String {
        match &prepared.method {
            Method::Column(c) => table.column(c).ok().and_then(|c| c.text(i).map(|s| s.into_owned())).unwrap_or_default(),
            Method::Points { lat, lon } => {
                let t = |c: &str| table.column(c).ok().and_then(|c| c.text(i).map(|s| s.into_owned())).unwrap_or_default();
                format!("{}, {}", t(lat), t(lon))
            }
        }
    };
    for (i, &is_excluded) in excluded.iter().enumerate() {
        if is_excluded {
            counts.excluded += 1;
            excluded_lines.push(table.lines.get(i));
            continue;
        }
        match prepared.placement[i].get() {
            Err(reason) => {
                counts.unmatched += 1;
                let value = area_text(i);
                *groups.entry((value.clone(), reason)).or_insert(0) += 1;
                unmatched_rows.push(UnmatchedRow { line: table.lines.get(i), value, reason });
            }
            Ok(a) => {
                let a = a as usize;
                counts.matched += 1;
                matched_rows.push((i as u32, a as u32));
                rows_per[a] += 1;
                if let Some(ids) = &mut ids {
                    ids.add(a, i);
                    continue;
                }
                let v = row_value(i);
                supply_per[a] += v;
                largest[a] = largest[a].max(v);
            }
        }
    }
    if let Some(ids) = ids {
        // Supply is the number of distinct programs; the largest one row adds is one program.
        for (a, n) in ids.counts().into_iter().enumerate() {
            supply_per[a] = n as f64;
            largest[a] = if n > 0 { 1.0 } else { 0.0 };
        }
    }
    debug_assert_eq!(counts.rows_in, counts.rejected + counts.excluded + counts.unmatched + counts.matched);

    // 5. Measures.
    let p: Vec<f64> = p_values.iter().map(|v| v.unwrap_or(0.0)).collect();
    let s_total: f64 = supply_per.iter().sum();
    let p_total: f64 = p.iter().sum();
    let order = measures::need_order(&need_values, higher_is_more_need);
    let mut quintile = vec![None; n_areas];
    for (k, &i) in order.iter().enumerate() {
        quintile[i] = Some(measures::quintile_of(k, order.len()));
    }
    let group_col = (!view.group.is_empty()).then(|| areas.labels.get(&view.group)).flatten();
    let rows: Vec<AreaRow> = (0..n_areas)
        .map(|i| AreaRow {
            code: areas.codes[i].clone(),
            name: areas.names[i].clone(),
            supply: supply_per[i],
            denominator: p_values[i],
            rate_per_1000: p_values[i].and_then(|pi| measures::rate_per_1000(supply_per[i], pi)),
            location_quotient: p_values[i].and_then(|pi| measures::location_quotient(supply_per[i], pi, s_total, p_total)),
            disparity_pp: p_values[i].and_then(|pi| measures::disparity_pp(supply_per[i], pi, s_total, p_total)),
            need: need_values[i],
            need_quintile: quintile[i],
            small_denominator: p_values[i].is_none_or(|pi| pi < SMALL_DENOMINATOR),
            rows: rows_per[i],
            largest_row_share: (supply_per[i] > 0.0).then(|| largest[i] / supply_per[i]),
            group: group_col.and_then(|g| g[i].clone()),
        })
        .collect();
    let q_s_total: f64 = order.iter().map(|&i| supply_per[i]).sum();
    let q_p_total: f64 = order.iter().map(|&i| p[i]).sum();
    let quintiles = (1..=5u8)
        .map(|q| {
            let members: Vec<usize> = order.iter().copied().filter(|&i| quintile[i] == Some(q)).collect();
            let s: f64 = members.iter().map(|&i| supply_per[i]).sum();
            let pp: f64 = members.iter().map(|&i| p[i]).sum();
            QuintileRow {
                quintile: q,
                areas: members.len(),
                population_share: if q_p_total > 0.0 { pp / q_p_total } else { 0.0 },
                supply_share: if q_s_total > 0.0 { s / q_s_total } else { 0.0 },
                rate_per_1000: measures::rate_per_1000(s, pp),
            }
        })
        .collect();
    let ci = measures::concentration_index(&supply_per, &p, &order);
    let gini = measures::gini(&supply_per, &p);
    let demographic_disparity = level
        .indicators
        .iter()
        .filter(|ind| ind.group_share)
        .map(|ind| GroupDisparity {
            indicator: ind.id.clone(),
            label: ind.label.clone(),
            value: measures::demographic_disparity(&supply_per, &p, &areas.values[&ind.id]),
        })
        .collect();
    let summary = Summary {
        supply_total: s_total,
        denominator_total: p_total,
        rate_per_1000: measures::rate_per_1000(s_total, p_total),
        concentration_index: ci.as_ref().map(|c| c.0),
        gini: gini.as_ref().map(|g| g.0),
        dissimilarity: measures::dissimilarity(&supply_per, &p),
        demographic_disparity,
        areas_without_need: (0..n_areas).filter(|&i| quintile[i].is_none()).map(|i| areas.codes[i].clone()).collect(),
        concentration_curve: ci.map(|c| c.1).unwrap_or_default(),
        lorenz_curve: gini.map(|g| g.1).unwrap_or_default(),
    };

    let mut unmatched_values: Vec<UnmatchedValue> = groups
        .into_iter()
        .map(|((value, reason), rows)| UnmatchedValue {
            suggestions: match reason {
                Unmatched::UnknownName => areas.suggest(&value),
                Unmatched::AmbiguousName => areas.ambiguous(&value).cloned().unwrap_or_default(),
                _ => vec![],
            },
            value,
            reason,
            rows,
        })
        .collect();
    unmatched_values.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.value.cmp(&b.value)));

    let groups = group_rows(&rows);
    let flags = flag_columns(table, &matched_rows, &areas.codes, &prepared.method);
    let mut notes = Vec::new();
    for f in &flags {
        if !f.inconsistent.is_empty() {
            let names: Vec<&str> = f.inconsistent.iter().filter_map(|c| areas.by_code(c).map(|i| areas.names[i].as_str())).collect();
            notes.push(format!("\"{}\" differs between rows of {} area(s): {}.", f.column, names.len(), names.join(", ")));
        }
    }
    for r in &rows {
        if r.largest_row_share.is_some_and(|s| s > 0.5) && r.rows > 1 && !matches!(supply, Supply::Rows | Supply::Programs) {
            notes.push(format!(
                "One row makes up {:.0}% of {}'s supply: consider excluding the largest rows.",
                100.0 * r.largest_row_share.unwrap_or(0.0),
                r.name
            ));
        }
    }
    if !summary.areas_without_need.is_empty() {
        notes.push(format!(
            "{} area(s) have no {} value and are left out of the quintiles and the concentration index.",
            summary.areas_without_need.len(),
            need_ind.label
        ));
    }

    Ok(Analysis {
        rows: counts,
        areas: rows,
        quintiles,
        summary,
        unmatched_rows,
        rejected_rows: ing.report.rejected.clone(),
        excluded_lines,
        matched_rows,
        unmatched_values,
        excluded_by,
        resolved: Resolved {
            method: prepared.method.clone(),
            id_column,
            capacity_column,
            supply: supply.as_text(),
            denominator,
            need,
            higher_is_more_need,
        },
        region: view.region.clone(),
        level: level.id.clone(),
        notes,
        groups,
        flags,
    })
}

/// Which rows a filter keeps.
pub fn filter_mask(table: &Table, f: &Filter) -> Result<Vec<bool>> {
    let n = table.num_rows();
    Ok(match f {
        Filter::Equals { column, values } => {
            let c = table.column(column)?;
            let want: Vec<String> = values.iter().map(|v| v.trim().to_lowercase()).collect();
            let keep = |t: &str| {
                let t = t.trim();
                want.iter().any(|w| t == w || t.eq_ignore_ascii_case(w))
            };
            // Each distinct value of a dictionary column is compared once.
            if let Some((keys, keep_value)) = c.per_value(|t| t.is_some_and(keep)) {
                return Ok(keys.lookup(&keep_value, false));
            }
            match c {
                Column::Text(a) => a.iter().map(|t| t.is_some_and(keep)).collect(),
                _ => (0..n).map(|i| c.text(i).is_some_and(|t| keep(&t))).collect(),
            }
        }
        Filter::Since { column, date } | Filter::Until { column, date } => {
            let c = table.column(column)?;
            let d = parse_date(date, SlashOrder::MonthFirst)
                .ok_or_else(|| EngineError::BadOption(format!("filter date \"{date}\" is not a date (expected YYYY-MM-DD)")))?;
            let since = matches!(f, Filter::Since { .. });
            (0..n).map(|i| c.date(i).is_some_and(|x| if since { x >= d } else { x <= d })).collect()
        }
        Filter::Price { column, free } => {
            let c = table.column(column)?;
            (0..n)
                .map(|i| {
                    let is_free = match c.text(i) {
                        None => return false,
                        Some(t) => t.trim().eq_ignore_ascii_case("free") || c.number(i) == Some(0.0),
                    };
                    is_free == *free
                })
                .collect()
        }
        Filter::Ages { min_column, max_column, lo, hi } => {
            let a = table.column(min_column)?;
            let b = table.column(max_column)?;
            (0..n)
                .map(|i| {
                    let min = a.number(i).unwrap_or(0.0);
                    let max = b.number(i).unwrap_or(f64::INFINITY);
                    min <= f64::from(*hi) && max >= f64::from(*lo)
                })
                .collect()
        }
    })
}

/// A filter in words, as listed in the match report.
pub fn describe_filter(f: &Filter) -> String {
    match f {
        Filter::Equals { column, values } => format!("{column} is {}", values.join(" or ")),
        Filter::Since { column, date } => format!("{column} on or after {date}"),
        Filter::Until { column, date } => format!("{column} on or before {date}"),
        Filter::Price { column, free } => format!("{column} is {}", if *free { "free" } else { "paid" }),
        Filter::Ages { lo, hi, .. } => format!("ages overlap {lo}–{hi}"),
    }
}

/// Totals per group label of the area rows (areas without a group are left out).
fn group_rows(rows: &[AreaRow]) -> Vec<GroupRow> {
    let mut by: BTreeMap<String, (usize, f64, f64)> = BTreeMap::new();
    for r in rows {
        if let Some(g) = &r.group {
            let e = by.entry(g.clone()).or_default();
            e.0 += 1;
            e.1 += r.supply;
            e.2 += r.denominator.unwrap_or(0.0);
        }
    }
    by.into_iter()
        .map(|(group, (areas, supply, denominator))| GroupRow {
            group,
            areas,
            supply,
            denominator,
            rate_per_1000: measures::rate_per_1000(supply, denominator),
        })
        .collect()
}

/// Text columns with two or three distinct values among matched rows, summarised per area.
fn flag_columns(table: &Table, matched: &[(u32, u32)], codes: &[String], method: &Method) -> Vec<FlagColumn> {
    let schema = table.batch.schema();
    let mut out = Vec::new();
    for (c, f) in schema.fields().iter().enumerate() {
        if matches!(method, Method::Column(m) if m == f.name()) {
            continue;
        }
        let Some(col) = Column::of(table.batch.column(c)).filter(Column::is_text) else { continue };
        // Up to four distinct values (one more than a flag has), and per area a bit per value seen.
        let mut values: Vec<&str> = Vec::with_capacity(4);
        let mut seen_in = vec![0u8; codes.len()];
        for &(i, a) in matched {
            let Some(v) = col.str(i as usize) else { continue };
            let k = match values.iter().position(|x| *x == v) {
                Some(k) => k,
                None => {
                    values.push(v);
                    if values.len() > 3 {
                        break;
                    }
                    values.len() - 1
                }
            };
            seen_in[a as usize] |= 1 << k;
        }
        if !(2..=3).contains(&values.len()) {
            continue;
        }
        let mut flag = FlagColumn { column: f.name().clone(), consistent: BTreeMap::new(), inconsistent: vec![] };
        for (a, &bits) in seen_in.iter().enumerate() {
            match bits.count_ones() {
                0 => {}
                1 => {
                    flag.consistent.insert(codes[a].clone(), values[bits.trailing_zeros() as usize].to_string());
                }
                _ => flag.inconsistent.push(codes[a].clone()),
            }
        }
        out.push(flag);
    }
    out
}

/// Distinct program ids per group (area): whole-number ids are counted by sorting (group, id)
/// pairs once, other ids by hashing; a blank id is its own program (see [`IdKey`]).
pub(crate) struct DistinctIds<'a> {
    column: Column<'a>,
    /// `group << 40 | id` for ids in `0..2^40` (the common case: sorted by [`radix_sort`]).
    packed: Vec<u64>,
    /// Other whole-number ids.
    pairs: Vec<(u32, i64)>,
    sets: Vec<FastSet<IdKey<'a>>>,
}

/// Ids below this are packed with their group into one `u64`.
const PACKED_ID: i64 = 1 << 40;

impl<'a> DistinctIds<'a> {
    /// Counting the ids of `column` in `groups` groups, for at most `rows` rows.
    pub(crate) fn new(column: Column<'a>, groups: usize, rows: usize) -> Self {
        let packed = if matches!(column, Column::Int(_)) && groups < 1 << 24 { Vec::with_capacity(rows) } else { Vec::new() };
        DistinctIds { column, packed, pairs: Vec::new(), sets: vec![FastSet::default(); groups] }
    }

    /// Counts row `row`'s id in `group`.
    #[inline]
    pub(crate) fn add(&mut self, group: usize, row: usize) {
        match self.column {
            Column::Int(a) if a.is_valid(row) => {
                let id = a.value(row);
                if (0..PACKED_ID).contains(&id) && group < 1 << 24 {
                    self.packed.push((group as u64) << 40 | id as u64);
                } else {
                    self.pairs.push((group as u32, id));
                }
            }
            c => {
                self.sets[group].insert(id_key(&c, row));
            }
        }
    }

    /// Distinct ids in each group.
    pub(crate) fn counts(mut self) -> Vec<u64> {
        let mut counts: Vec<u64> = self.sets.iter().map(|s| s.len() as u64).collect();
        radix_sort(&mut self.packed);
        self.packed.dedup();
        for &x in &self.packed {
            counts[(x >> 40) as usize] += 1;
        }
        self.pairs.sort_unstable();
        self.pairs.dedup();
        for &(group, _) in &self.pairs {
            counts[group as usize] += 1;
        }
        counts
    }
}

/// Sorts `v` ascending: a least-significant-digit radix sort on bytes, skipping the bytes that every
/// value shares (for `group << 40 | id` pairs, usually four passes of two linear scans; 256 places
/// to write to at a time stay in cache, where 65,536 did not).
pub(crate) fn radix_sort(v: &mut Vec<u64>) {
    if v.len() < 1024 {
        v.sort_unstable();
        return;
    }
    let (any, all) = v.iter().fold((0u64, !0u64), |(any, all), &x| (any | x, all & x));
    let varying = any ^ all;
    let mut out = vec![0u64; v.len()];
    let mut at = [0usize; 256];
    for shift in (0..64).step_by(8) {
        if (varying >> shift) & 0xFF == 0 {
            continue;
        }
        at.fill(0);
        for &x in v.iter() {
            at[((x >> shift) & 0xFF) as usize] += 1;
        }
        let mut sum = 0;
        for slot in at.iter_mut() {
            let n = *slot;
            *slot = sum;
            sum += n;
        }
        for &x in v.iter() {
            let d = ((x >> shift) & 0xFF) as usize;
            out[at[d]] = x;
            at[d] += 1;
        }
        std::mem::swap(v, &mut out);
    }
}

/// A program id without copying it: text borrowed from the column, whole numbers as numbers, and a
/// blank id as the row itself (a row without an id is its own program).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum IdKey<'a> {
    Text(&'a str),
    Int(i64),
    Other(String),
    Row(usize),
}

pub(crate) fn id_key<'a>(c: &Column<'a>, i: usize) -> IdKey<'a> {
    if c.is_null(i) {
        return IdKey::Row(i);
    }
    match c {
        Column::Text(_) | Column::Dict(..) => IdKey::Text(c.str(i).unwrap_or_default()),
        Column::Int(a) => IdKey::Int(a.value(i)),
        other => IdKey::Other(other.text(i).map(|s| s.into_owned()).unwrap_or_default()),
    }
}

#[cfg(test)]
mod radix_tests {
    use super::radix_sort;

    #[test]
    fn radix_sort_orders_as_the_standard_sort() {
        // A simple deterministic generator: values spread over all digits, others differing
        // only in a few bits, and repeats.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for shape in 0..4 {
            let mut v: Vec<u64> = (0..5000)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    match shape {
                        0 => x,
                        1 => ((x % 78) << 40) | ((x >> 20) % 1_000_000),
                        2 => x % 10,
                        _ => (i % 3) << 48,
                    }
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            radix_sort(&mut v);
            assert_eq!(v, expected, "shape {shape}");
        }
    }
}
