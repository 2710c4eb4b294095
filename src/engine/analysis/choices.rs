//! The first step of an analysis: what the view's `auto` choices resolve to for this file and
//! level (id and capacity columns detected, supply, the level's default denominator and need).

use crate::engine::error::{EngineError, Result};
use crate::engine::placement::detect;
use crate::engine::region::{Areas, Indicator};
use crate::engine::table::Table;
use crate::engine::view::{Supply, View};

/// Every choice of a view, resolved: nothing left `auto` or empty.
pub struct Choices<'a> {
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
    /// The need indicator's catalogue entry.
    pub need_indicator: &'a Indicator,
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
/// first population indicator, and its first need measure other than the denominator). Fails
/// when the need indicator does not say which way is more need, or an indicator is not the level's.
pub fn resolve<'a>(areas: &'a Areas, table: &Table, view: &View) -> Result<Choices<'a>> {
    let level = &areas.level;
    let id_column = if view.id_column.is_empty() { detect::id_column(table) } else { Some(view.id_column.clone()) };
    let capacity_column = if view.capacity_column.is_empty() { detect::capacity_column(table) } else { Some(view.capacity_column.clone()) };
    let supply = match &view.supply {
        Supply::Auto if id_column.is_some() => Supply::Programs,
        Supply::Auto => Supply::Rows,
        s => s.clone(),
    };
    let denominator = first_of([&view.denominator, &level.default_view.denominator])
        .or_else(|| level.indicators.iter().find(|i| i.population).map(|i| i.id.clone()))
        .ok_or_else(|| {
            EngineError::BadOption(format!(
                "{} have no population figures to divide by: drop a table of indicators with one row per area code (a population column and a need measure)",
                level.label
            ))
        })?;
    let need = first_of([&view.need, &level.default_view.need])
        .or_else(|| {
            let need_capable = || level.indicators.iter().filter(|i| i.higher_is_more_need.is_some());
            need_capable().find(|i| i.id != denominator).or_else(|| need_capable().next()).map(|i| i.id.clone())
        })
        .ok_or_else(|| {
            EngineError::BadOption(format!("{} have no need measure: drop a table of indicators keyed by area code", level.label))
        })?;
    let need_indicator = level.indicator(&need)?;
    let chosen = match view.need_direction.as_str() {
        "high" => Some(true),
        "low" => Some(false),
        _ => None,
    };
    let higher_is_more_need = chosen.or(need_indicator.higher_is_more_need).ok_or_else(|| {
        EngineError::BadOption(format!(
            "indicator \"{need}\" is not a need measure (its catalogue entry does not say which way is more need)"
        ))
    })?;
    let p_values = areas.indicator(&denominator)?.clone();
    let need_values = areas.indicator(&need)?.clone();
    Ok(Choices { id_column, capacity_column, supply, denominator, need, need_indicator, higher_is_more_need, p_values, need_values })
}
