//! Placement as a decision on evidence: every way the file could place its rows (coordinates, area
//! code, area name) is placed on a sample of rows and counted; the chosen way is compared row by
//! row with the best other one (the cross-check), so a column that only looks like area codes —
//! a portal's internal region numbers, ZIP codes — is caught, never trusted silently.

use crate::engine::ingest::ingested::Ingested;
use crate::engine::placement::detect;
use crate::engine::placement::matching::{place_rows_at, Method, Placed};
use crate::engine::region::Areas;
use crate::engine::table::Table;

use super::evidence::{
    describe, Alternative, CrossCheck, Disagreement, Evidence, PlacedBy, Placement, DISAGREE_WARNING, EXAMPLES, PRECISE_ENOUGH, SAMPLE_ROWS,
};

/// What kind of way `method` is for this file.
pub fn placed_by(table: &Table, areas: &Areas, method: &Method) -> PlacedBy {
    match method {
        Method::Column(c) if detect::column_holds_codes(table, c, areas) => PlacedBy::Code,
        Method::Column(_) => PlacedBy::Name,
        Method::Postcode { .. } => PlacedBy::Postcode,
        Method::Points { .. } | Method::Location { .. } | Method::Projected { .. } => PlacedBy::Coordinates,
    }
}

/// The rows the evidence is weighed on: every row, or [`SAMPLE_ROWS`] spread evenly.
pub fn sample_rows(n: usize) -> Vec<usize> {
    if n <= SAMPLE_ROWS {
        return (0..n).collect();
    }
    (0..SAMPLE_ROWS).map(|k| (k as u128 * n as u128 / SAMPLE_ROWS as u128) as usize).collect()
}

/// Places the sample by `method`.
fn place_sample(ing: &Ingested, areas: &Areas, method: &Method, rows: &[usize]) -> Vec<Placed> {
    place_rows_at(&ing.table, areas, method, &Default::default(), rows.iter().copied())
        .unwrap_or_else(|_| vec![Placed::from(Err(crate::engine::placement::matching::Unmatched::Blank,)); rows.len()])
}

/// Whether two placements of the same rows put most of the rows both place in different areas.
fn mostly_disagree(a: &[Placed], b: &[Placed]) -> bool {
    let (mut both, mut differ) = (0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        if let (Ok(x), Ok(y)) = (x.get(), y.get()) {
            both += 1;
            differ += usize::from(x != y);
        }
    }
    both > 0 && differ * 2 > both
}

fn count_placed(placed: &[Placed]) -> usize {
    placed.iter().filter(|p| p.get().is_ok()).count()
}

/// The way auto-detection places the file's rows, weighed on the evidence: each candidate
/// ([`detect::candidates`], most precise first) is placed on the sample; the most precise one
/// that places at least [`PRECISE_ENOUGH`] of what the best one places is chosen — or the
/// coordinates, when they place at least half as many rows and the chosen way puts most of the
/// rows both place in other areas than they do. `None` when the file offers no way.
///
/// With the chosen way, its placement of every row when the sample was the whole file (so the
/// rows are not placed twice).
pub fn choose(ing: &Ingested, areas: &Areas) -> Option<(Method, Placement, Option<Vec<Placed>>)> {
    let candidates = detect::candidates(&ing.table, areas);
    let rows = sample_rows(ing.table.num_rows());
    let mut placed: Vec<Vec<Placed>> = candidates.iter().map(|m| place_sample(ing, areas, m, &rows)).collect();
    let counts: Vec<usize> = placed.iter().map(|p| count_placed(p)).collect();
    let best = counts.iter().copied().max()?;
    let mut pick = counts.iter().position(|&c| c as f64 >= PRECISE_ENOUGH * best as f64)?;
    // A less precise way that places more rows but puts most of the rows both place in other areas
    // than the coordinates do is not trusted over them (a portal's region numbers, say).
    if pick > 0 && candidates[0].by_coordinates() && counts[0] * 2 >= best && mostly_disagree(&placed[0], &placed[pick]) {
        pick = 0;
    }
    let alternatives = candidates
        .iter()
        .zip(&counts)
        .enumerate()
        .filter(|(i, _)| *i != pick)
        .map(|(_, (m, &placed))| Alternative { by: placed_by(&ing.table, areas, m), columns: m.columns(), placed, method: Some(m.clone()) })
        .collect();
    let method = candidates[pick].clone();
    let whole = (rows.len() == ing.table.num_rows()).then(|| placed.swap_remove(pick));
    let placement = Placement {
        by: placed_by(&ing.table, areas, &method),
        columns: method.columns(),
        chosen_by_user: false,
        placed: counts[pick],
        alternatives,
        sampled_rows: rows.len(),
    };
    Some((method, placement, whole))
}

/// The evidence for a way the person chose: the other candidates, each placed on the sample.
pub fn weigh_choice(ing: &Ingested, areas: &Areas, method: &Method) -> Placement {
    let rows = sample_rows(ing.table.num_rows());
    let alternatives = detect::candidates(&ing.table, areas)
        .into_iter()
        .filter(|m| m != method && m.columns() != method.columns())
        .map(|m| Alternative {
            by: placed_by(&ing.table, areas, &m),
            columns: m.columns(),
            placed: count_placed(&place_sample(ing, areas, &m, &rows)),
            method: Some(m),
        })
        .collect();
    Placement {
        by: placed_by(&ing.table, areas, method),
        columns: method.columns(),
        chosen_by_user: true,
        placed: count_placed(&place_sample(ing, areas, method, &rows)),
        alternatives,
        sampled_rows: rows.len(),
    }
}

/// Compares `placed` (every row's area by the chosen way) with the best other way of
/// `placement` (the one that places most rows), on the sample: how many rows both place, how
/// many they put in the same area, the first disagreeing rows. `None` when there is no other way.
pub fn cross_check(ing: &Ingested, areas: &Areas, placed: &[Placed], placement: &Placement) -> Option<CrossCheck> {
    let other = placement.alternatives.iter().max_by_key(|a| a.placed)?;
    let method = other.method.clone()?;
    let rows = sample_rows(ing.table.num_rows());
    let theirs = place_sample(ing, areas, &method, &rows);
    let (mut compared, mut agree) = (0usize, 0usize);
    let mut all = Vec::new();
    for (&i, t) in rows.iter().zip(&theirs) {
        let (Ok(a), Ok(b)) = (placed[i].get(), t.get()) else { continue };
        compared += 1;
        if a == b {
            agree += 1;
            continue;
        }
        let line = ing.table.lines.get(i);
        let value =
            other.columns.iter().filter_map(|c| ing.table.column(c).ok()?.text(i).map(|t| t.into_owned())).collect::<Vec<_>>().join(", ");
        all.push(Disagreement { line, value, area: areas.codes[a as usize].clone(), other_area: areas.codes[b as usize].clone() });
    }
    let examples = all.iter().take(EXAMPLES).cloned().collect();
    let disagree = compared - agree;
    Some(CrossCheck {
        by: other.by,
        columns: other.columns.clone(),
        compared,
        agree,
        disagree,
        examples,
        rows: all,
        warning: compared > 0 && disagree as f64 > DISAGREE_WARNING * compared as f64,
    })
}

/// The evidence for rows `placed` by `method`: auto-detection's counts when it `chosen` the way
/// (else, for a way the person chose, the other ways weighed now) and the cross-check with the
/// best other way.
pub fn weigh(areas: &Areas, ing: &Ingested, method: &Method, placed: &[Placed], chosen: Option<&Placement>) -> Evidence {
    let placement = chosen.cloned().unwrap_or_else(|| weigh_choice(ing, areas, method));
    let cross_check = cross_check(ing, areas, placed, &placement);
    let warning = cross_check.as_ref().filter(|c| c.warning).map(|c| describe(&placement, c));
    Evidence { placement, cross_check, warning }
}
