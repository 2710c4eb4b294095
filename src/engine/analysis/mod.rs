//! The whole analysis of one view, as named steps: resolve the view's choices, apply the filters,
//! read each row's supply, exclude the largest rows when asked, account for every row (rejected,
//! excluded, unmatched, matched) with the supply per area, compute the equity figures, and report
//! what the analyst should know. Its JSON form is the output of `equimap analyze --format json` and
//! `window.__equimap.analysis`.

pub mod access;
pub mod bootstrap;
pub mod choices;
pub mod distinct;
pub mod evidence;
pub mod export;
pub mod figures;
pub mod filter;
pub mod in_parent;
pub mod intervals;
pub mod measures;
pub mod place;
pub mod report;
pub mod result;
pub mod tally;
pub mod weigh;

pub use figures::SMALL_DENOMINATOR;
pub use filter::{describe_filter, filter_mask};
pub use measures::FORMULAS;
pub use place::{prepare, Prepared};
pub use result::*;

use crate::engine::error::Result;
use crate::engine::ingest::ingested::Ingested;
use crate::engine::placement::matching::SUM_UP;
use crate::engine::region::Areas;
use crate::engine::view::{Supply, View};

/// Analyses `ing` in `areas` with the choices of `view`, with the evidence for the placement and
/// its cross-check ([`with_evidence`]) and the bootstrap intervals ([`with_uncertainty`]).
pub fn analyze(areas: &Areas, ing: &Ingested, view: &View) -> Result<Analysis> {
    let prepared = prepare(areas, ing, view)?;
    let mut analysis = analyze_prepared(areas, ing, view, &prepared)?;
    with_evidence(&mut analysis, areas, ing, &prepared);
    with_uncertainty(&mut analysis);
    Ok(analysis)
}

/// The bootstrap intervals of the indices and the quintiles' shares, added to `analysis` (counts
/// only; see [`bootstrap`]). Like the evidence, the engine worker sends them after the figures.
pub fn with_uncertainty(analysis: &mut Analysis) {
    if let Some(u) = uncertainty_of(analysis) {
        analysis.add_uncertainty(u);
    }
}

/// The evidence for the placement, added to `analysis`: the other ways the file offered with the
/// rows each places (`resolved.placement`), the chosen placement compared row by row with the
/// best other way (`cross_check`), and a note when they disagree on more than
/// [`evidence::DISAGREE_WARNING`] of the rows both place. The slow part of an analysis the first
/// time (it places rows by every other way): the engine worker sends it after the figures.
pub fn with_evidence(analysis: &mut Analysis, areas: &Areas, ing: &Ingested, prepared: &Prepared) {
    analysis.add_evidence(weigh::weigh(areas, ing, &prepared.method, &prepared.placement, prepared.chosen.as_ref()));
}

/// The bootstrap's figures for `a`, from its own areas (counts, populations, need order and
/// quintiles); `None` when its supply is not a count of rows or programs.
pub fn uncertainty_of(a: &Analysis) -> Option<bootstrap::Uncertainty> {
    if !matches!(a.resolved.supply.as_str(), "rows" | "programs") {
        return None;
    }
    let settings = bootstrap::Settings { replicates: bootstrap::REPLICATES, seed: bootstrap::SEED };
    let s: Vec<f64> = a.areas.iter().map(|r| r.supply).collect();
    let p: Vec<f64> = a.areas.iter().map(|r| r.denominator.unwrap_or(0.0)).collect();
    let need: Vec<Option<f64>> = a.areas.iter().map(|r| r.need).collect();
    let order = measures::need_order(&need, a.resolved.higher_is_more_need);
    let quintile: Vec<Option<u8>> = a.areas.iter().map(|r| r.need_quintile).collect();
    let iv = bootstrap::index_intervals(&s, &p, &order, &quintile, settings);
    let counted: f64 = s.iter().zip(&p).filter(|(_, &p)| p > 0.0).map(|(s, _)| s).sum();
    let chance = bootstrap::chance_bands(counted, &p, settings);
    Some(bootstrap::Uncertainty {
        concentration_index_ci95: iv.concentration_index,
        gini_ci95: iv.gini,
        dissimilarity_ci95: iv.dissimilarity,
        gini_chance: chance.gini,
        dissimilarity_chance: chance.dissimilarity,
        quintile_shares: iv.quintile_shares,
        settings,
    })
}

/// Analyses with rows already placed (see [`prepare`]).
pub fn analyze_prepared(areas: &Areas, ing: &Ingested, view: &View, prepared: &Prepared) -> Result<Analysis> {
    let table = &ing.table;
    let restricted = in_parent::restrict(areas, prepared, &view.within)?;
    let (areas, prepared) = match &restricted {
        Some(r) => (&r.areas, &r.prepared),
        None => (areas, prepared),
    };
    let choices = choices::resolve(areas, table, view)?;
    let (mut excluded, mut excluded_by) = filter::apply_filters(table, &view.filters)?;
    if let Some(r) = &restricted {
        excluded_by.push(r.exclude(&mut excluded));
    }
    let supply = tally::SupplyColumns::of(table, &choices)?;
    if view.exclude_top > 0 {
        excluded_by.push(tally::exclude_largest(&mut excluded, prepared, &supply, view.exclude_top, &choices.supply));
    }
    let tally = tally::tally(ing, prepared, &excluded, supply, areas.len());
    let mut figures = figures::figures(areas, view, &choices, &tally);
    let supply = tally::SupplyColumns::of(table, &choices)?;
    if let Some(a) = access::access(areas, view, table, &prepared.method, &tally.matched_rows, &choices, &supply)? {
        figures::with_access(&mut figures, a);
    }
    let figures::Figures { areas: rows, quintiles, summary } = figures;
    let tally::Tally { counts, unmatched_rows, unmatched_groups, excluded_lines, matched_rows, .. } = tally;
    let unmatched_values = report::unmatched_values(areas, unmatched_groups);
    let groups = report::group_rows(&rows);
    let flags = report::flag_columns(table, &matched_rows, &areas.codes, &prepared.method);
    let mut notes = report::notes(areas, &flags, &rows, &choices.supply, &summary, &choices.need_label);
    notes.extend(report::missing_indicators_note(areas, &choices.denominator, &choices.need));
    if view.assignments.get(SUM_UP.0).is_some_and(|v| v == SUM_UP.1) {
        notes.push(format!(
            "Rows naming a smaller area of another level are counted in the area containing it ({}; your choice, which the match report undoes).",
            areas.level.label.to_lowercase()
        ));
    }
    notes.extend(report::larger_areas_note(areas, &unmatched_values, counts.matched));
    notes.extend(report::uncovered_postcodes_note(areas, &unmatched_values));
    notes.extend(report::boundaries_note(table));
    notes.extend(report::short_rows_note(&ing.report));
    let summed = match &choices.supply {
        Supply::Seats => choices.capacity_column.as_deref(),
        Supply::Sum(c) => Some(c.as_str()),
        _ => None,
    };
    notes.extend(report::unreadable_supply_note(table, summed, &matched_rows));
    let choices::Choices { id_column, capacity_column, supply, denominator, need, higher_is_more_need, .. } = choices;
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
            placement: prepared.chosen.clone(),
            within: restricted.as_ref().map(|r| r.label.clone()),
        },
        cross_check: None,
        region: view.region.clone(),
        level: areas.level.id.clone(),
        notes,
        groups,
        flags,
    })
}
