//! The slow step, done once per file and choice of area column: every row placed in an area (or
//! given the reason it has none), so that changing a filter or the supply recomputes without
//! re-reading or re-matching.

use std::collections::BTreeMap;

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::ingested::Ingested;
use crate::engine::placement::detect;
use crate::engine::placement::matching::{place_rows, Method, Placement};
use crate::engine::region::Areas;
use crate::engine::view::View;

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
        EngineError::NeedsColumn {
            file: ing.table.file.clone(),
            what: format!(
                "no column of area names or codes that {} recognises, and no latitude/longitude columns; choose the area column",
                areas.level.label
            ),
            columns: ing.table.column_names().join(", "),
        }
    })?;
    let placement = place_rows(&ing.table, areas, &method, &view.assignments)?;
    Ok(Prepared { method, placement, assignments: view.assignments.clone() })
}
