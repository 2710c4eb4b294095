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

/// Resolves `view`'s choices for `table` in `areas`: `auto` supply counts programs when the file
/// has an id column, rows otherwise; an empty denominator or need is the level's default. Fails
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
    let denominator = if view.denominator.is_empty() { level.default_view.denominator.clone() } else { view.denominator.clone() };
    let need = if view.need.is_empty() { level.default_view.need.clone() } else { view.need.clone() };
    let need_indicator = level.indicator(&need)?;
    let higher_is_more_need = need_indicator.higher_is_more_need.ok_or_else(|| {
        EngineError::BadOption(format!(
            "indicator \"{need}\" is not a need measure (its catalogue entry does not say which way is more need)"
        ))
    })?;
    let p_values = areas.indicator(&denominator)?.clone();
    let need_values = areas.indicator(&need)?.clone();
    Ok(Choices { id_column, capacity_column, supply, denominator, need, need_indicator, higher_is_more_need, p_values, need_values })
}
