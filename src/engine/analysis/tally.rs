//! Each row's supply value, the largest rows excluded when asked, and the row accounting: every
//! row of the file counted once as rejected, excluded, unmatched or matched, with the supply per
//! area.

use std::collections::HashMap;

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::ingested::Ingested;
use crate::engine::placement::matching::{Method, Unmatched};
use crate::engine::table::{Column, Table};
use crate::engine::view::Supply;

use super::choices::Choices;
use super::distinct::DistinctIds;
use super::place::Prepared;
use super::result::{ExcludedBy, RowCounts, UnmatchedRow};

/// The columns a row's supply is read from.
pub struct SupplyColumns<'a> {
    /// Seats or the summed column: a row's value (blank = 0); `None`: every row counts 1.
    weight: Option<Column<'a>>,
    /// Programs: the id column whose distinct values are counted.
    ids: Option<Column<'a>>,
}

impl<'a> SupplyColumns<'a> {
    /// The columns `choices.supply` needs in `table`; fails when seats have no capacity column or
    /// programs no id column.
    pub fn of(table: &'a Table, choices: &Choices) -> Result<Self> {
        let no_column =
            |what: &str| EngineError::NeedsColumn { file: table.file.clone(), what: what.into(), columns: table.column_names().join(", ") };
        let weight = match &choices.supply {
            Supply::Seats => Some(table.column(
                choices.capacity_column.as_deref().ok_or_else(|| no_column("supply \"seats\" needs a capacity column; none was found"))?,
            )?),
            Supply::Sum(c) => Some(table.column(c)?),
            _ => None,
        };
        let ids = match (&choices.supply, &choices.id_column) {
            (Supply::Programs, Some(c)) => Some(table.column(c)?),
            (Supply::Programs, None) => {
                return Err(no_column("supply \"programs\" counts distinct ids, but no id column was found; choose one"))
            }
            _ => None,
        };
        Ok(SupplyColumns { weight, ids })
    }

    /// Row `i`'s supply value: 1, or its weight (blank = 0).
    pub fn row_value(&self, i: usize) -> f64 {
        self.weight.as_ref().map_or(1.0, |c| c.number(i).unwrap_or(0.0))
    }
}

/// Excludes the `n` largest rows by supply value among the matched rows not excluded yet (ties
/// by file order), and says so.
pub fn exclude_largest(excluded: &mut [bool], prepared: &Prepared, supply: &SupplyColumns, n: u32, what: &Supply) -> ExcludedBy {
    let row_value = |i: usize| supply.row_value(i);
    let mut cands: Vec<usize> = (0..excluded.len()).filter(|&i| !excluded[i] && prepared.placement[i].get().is_ok()).collect();
    cands.sort_by(|&a, &b| row_value(b).partial_cmp(&row_value(a)).unwrap_or(std::cmp::Ordering::Equal).then(a.cmp(&b)));
    let k = cands.len().min(n as usize);
    for &i in &cands[..k] {
        excluded[i] = true;
    }
    ExcludedBy { filter: format!("the {n} largest rows by {}", what.as_text()), rows: k }
}

/// Every row counted once, and supply summed per area.
pub struct Tally {
    /// Row accounting: `in = rejected + excluded + unmatched + matched`.
    pub counts: RowCounts,
    /// Supply S per area.
    pub supply_per: Vec<f64>,
    /// Matched rows per area.
    pub rows_per: Vec<usize>,
    /// The largest one row's supply per area.
    pub largest: Vec<f64>,
    /// Every unmatched row.
    pub unmatched_rows: Vec<UnmatchedRow>,
    /// Unmatched rows per (value, reason).
    pub unmatched_groups: HashMap<(String, Unmatched), usize>,
    /// Lines of the excluded rows.
    pub excluded_lines: Vec<u64>,
    /// Table row and area of every matched row.
    pub matched_rows: Vec<(u32, u32)>,
}

/// Counts every row of `ing` (rejected ones from the read; `excluded` as the filters left them;
/// the rest unmatched or matched by `prepared`) and sums the matched rows' supply per area: the
/// number of distinct ids for programs, else the sum of the row values.
pub fn tally(ing: &Ingested, prepared: &Prepared, excluded: &[bool], supply: SupplyColumns, n_areas: usize) -> Tally {
    let table = &ing.table;
    let mut counts = RowCounts { rows_in: ing.report.rows_in, rejected: ing.report.rejected.len(), ..Default::default() };
    let mut supply_per = vec![0.0f64; n_areas];
    let mut rows_per = vec![0usize; n_areas];
    let mut largest = vec![0.0f64; n_areas];
    // Sized once: at 1M rows these lists are megabytes, and growing one copies it.
    let n_excluded = excluded.iter().filter(|&&e| e).count();
    let mut ids = supply.ids.map(|c| DistinctIds::new(c, n_areas, excluded.len() - n_excluded));
    let mut unmatched_rows = Vec::new();
    let mut excluded_lines = Vec::with_capacity(n_excluded);
    let mut matched_rows = Vec::with_capacity(excluded.len() - n_excluded);
    let mut groups: HashMap<(String, Unmatched), usize> = HashMap::new();
    let weight = SupplyColumns { weight: supply.weight, ids: None };
    for (i, &is_excluded) in excluded.iter().enumerate() {
        if is_excluded {
            counts.excluded += 1;
            excluded_lines.push(table.lines.get(i));
            continue;
        }
        match prepared.placement[i].get() {
            Err(reason) => {
                counts.unmatched += 1;
                let value = area_text(table, &prepared.method, i);
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
                let v = weight.row_value(i);
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
    Tally { counts, supply_per, rows_per, largest, unmatched_rows, unmatched_groups: groups, excluded_lines, matched_rows }
}

/// The value row `i` was placed by, as text: its area column's cell, or `lat, lon`.
fn area_text(table: &Table, method: &Method, i: usize) -> String {
    let text = |c: &str| table.column(c).ok().and_then(|c| c.text(i).map(|s| s.into_owned())).unwrap_or_default();
    match method {
        Method::Column(c) | Method::Location { column: c } | Method::Postcode { column: c } => text(c),
        Method::Points { lat, lon } => format!("{}, {}", text(lat), text(lon)),
        Method::Projected { x, y, .. } => format!("{}, {}", text(x), text(y)),
    }
}
