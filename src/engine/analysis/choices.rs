//! The first step of an analysis: what the view's `auto` choices resolve to for this file and
//! level (id and capacity columns detected, supply, the level's default denominator and need).

use crate::engine::error::{EngineError, Result};
use crate::engine::placement::detect;
use crate::engine::region::Areas;
use crate::engine::table::Table;
use crate::engine::view::{Supply, View};

/// Every choice of a view, resolved: nothing left `auto` or empty.
pub struct Choices {
    /// Id column for distinct programs.
    pub id_column: Option<String>,
    /// Capacity column.
    pub capacity_column: Option<String>,
    /// What is counted (never `auto`).
    pub supply: Supply,
    /// Denominator indicator id.
    pub denominator: String,
    /// Need indicator id.
    pub need: String,
    /// The need indicator's label (empty: the level has none).
    pub need_label: String,
    /// Whether higher need values mean more need.
    pub higher_is_more_need: bool,
    /// The denominator's value per area.
    pub p_values: Vec<Option<f64>>,
    /// The need indicator's value per area.
    pub need_values: Vec<Option<f64>>,
}

/// The first of `choices` that is not empty.
fn first_of<const N: usize>(choices: [&String; N]) -> Option<String> {
    choices.into_iter().find(|c| !c.is_empty()).cloned()
}

/// Resolves `view`'s choices for `table` in `areas`: `auto` supply counts programs when the file
/// has an id column, rows otherwise; an empty denominator or need is the level's default (else its
/// first population indicator, and its first need measure other than the denominator; empty when
/// it has none, the measures that need them then empty). Fails
/// when the need indicator does not say which way is more need, or an indicator is not the level's.
pub fn resolve(areas: &Areas, table: &Table, view: &View) -> Result<Choices> {
    let level = &areas.level;
    let id_column = if view.id_column.is_empty() { detect::id_column(table) } else { Some(view.id_column.clone()) };
    let capacity_column = if view.capacity_column.is_empty() { detect::capacity_column(table) } else { Some(view.capacity_column.clone()) };
    let supply = match &view.supply {
        Supply::Auto if id_column.is_some() => Supply::Programs,
        Supply::Auto => Supply::Rows,
        s => s.clone(),
    };
    // A level without population figures or need measure (a person's own areas before a table of
    // indicators joins them) still counts supply per area: the measures that need them are empty.
    let denominator = first_of([&view.denominator, &level.default_view.denominator])
        .or_else(|| level.indicators.iter().find(|i| i.population).map(|i| i.id.clone()))
        .unwrap_or_default();
    let need = first_of([&view.need, &level.default_view.need])
        .or_else(|| {
            let need_capable = || level.indicators.iter().filter(|i| i.higher_is_more_need.is_some());
            need_capable().find(|i| i.id != denominator).map(|i| i.id.clone())
        })
        .unwrap_or_default();
    let chosen = match view.need_direction.as_str() {
        "high" => Some(true),
        "low" => Some(false),
        _ => None,
    };
    let (need_label, higher_is_more_need, need_values) = if need.is_empty() {
        (String::new(), chosen.unwrap_or(true), vec![None; areas.len()])
    } else {
        let need_indicator = level.indicator(&need)?;
        let higher = chosen.or(need_indicator.higher_is_more_need).ok_or_else(|| {
            EngineError::BadOption(format!(
                "indicator \"{need}\" is not a need measure (its catalogue entry does not say which way is more need)"
            ))
        })?;
        (need_indicator.label.clone(), higher, areas.indicator(&need)?.clone())
    };
    let p_values = if denominator.is_empty() { vec![None; areas.len()] } else { areas.indicator(&denominator)?.clone() };
    Ok(Choices { id_column, capacity_column, supply, denominator, need, need_label, higher_is_more_need, p_values, need_values })
}
