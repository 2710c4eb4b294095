//! The slow step, done once per file and choice of placement: every row placed in an area (or
//! given the reason it has none), so that changing a filter or the supply recomputes without
//! re-reading or re-matching. With no choice made, the way is decided on evidence
//! ([`super::weigh::choose`]).

use std::collections::BTreeMap;

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::ingested::Ingested;
use crate::engine::placement::matching::{place_rows, Method, Placement};
use crate::engine::region::Areas;
use crate::engine::view::View;

use super::evidence;
use super::weigh;

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
    /// The evidence auto-detection chose on (`None` when the view chose the way: its evidence
    /// is weighed later, [`super::with_evidence`]).
    pub chosen: Option<evidence::Placement>,
}

/// The way the view chose to place rows, if it chose one: an area column, a latitude/longitude
/// pair, a column of postcodes or a column of coordinate text.
pub fn chosen_method(view: &View) -> Option<Method> {
    if !view.area_column.is_empty() {
        return Some(Method::Column(view.area_column.clone()));
    }
    if !view.lat_column.is_empty() && !view.lon_column.is_empty() {
        return Some(Method::Points { lat: view.lat_column.clone(), lon: view.lon_column.clone() });
    }
    if !view.postcode_column.is_empty() {
        return Some(Method::Postcode { column: view.postcode_column.clone() });
    }
    (!view.location_column.is_empty()).then(|| Method::Location { column: view.location_column.clone() })
}

/// Why a file offers no way to place its rows, and what to do.
fn no_way_to_place(areas: &Areas, ing: &Ingested) -> EngineError {
    let projected = crate::engine::placement::projected::projected_names(&ing.table)
        .filter(|_| !crate::engine::placement::projected::CONVERTS)
        .map(|(x, y)| {
            format!(
                "; {x} and {y} look like projected coordinates (eastings and northings), which this build does not convert (it was built without the `projected` feature): run `equimap analyze` on the file, or export latitude and longitude"
            )
        })
        .unwrap_or_default();
    // Columns of another geography (ZIP codes, wards, tracts…) are never taken as area codes: a
    // ZIP code spans several community areas, so it cannot place a row in one.
    let other: Vec<String> = ing
        .table
        .column_names()
        .into_iter()
        .filter(|c| crate::engine::placement::detect::names_other_geography(c) && !crate::engine::placement::detect::names_an_id(c))
        .collect();
    let other = if other.is_empty() {
        String::new()
    } else {
        format!(
            "; {} name another geography (ZIP or postal codes, wards, tracts…), whose areas do not nest in {}: they cannot place rows, so add latitude/longitude or an area column",
            other.join(", "),
            areas.level.label.to_lowercase()
        )
    };
    EngineError::NeedsColumn {
        file: ing.table.file.clone(),
        what: format!(
            "no column of area names or codes that {} recognises, and no latitude/longitude columns{projected}{other}; choose the area column",
            areas.level.label
        ),
        columns: ing.table.column_names().join(", "),
    }
}

/// Places the rows of `ing` for `view` (the slow step: name lookups or point-in-polygon): by the
/// view's choice, else by the way the evidence favours.
pub fn prepare(areas: &Areas, ing: &Ingested, view: &View) -> Result<Prepared> {
    let (method, chosen, whole) = match chosen_method(view) {
        Some(m) => (m, None, None),
        None => {
            let (m, p, whole) = weigh::choose(ing, areas).ok_or_else(|| no_way_to_place(areas, ing))?;
            (m, Some(p), whole)
        }
    };
    // The evidence placed every row already (a file no larger than its sample), without the
    // person's assignments: that placement serves when there are none.
    let placement = match whole {
        Some(p) if view.assignments.is_empty() => p,
        _ => place_rows(&ing.table, areas, &method, &view.assignments)?,
    };
    Ok(Prepared { method, placement, assignments: view.assignments.clone(), chosen })
}
