//! Auto-detection of the column mapping, shared by the app and `equimap analyze` so both give the
//! same answer for the same file: the area column is the one whose values the region recognises
//! most often; latitude/longitude, id and capacity columns are found by name.

use arrow_schema::DataType;

use crate::engine::placement::matching::Method;
use crate::engine::region::Areas;
use crate::engine::table::{loose, Table};

/// Rows sampled per column when looking for the area column.
const SAMPLE_ROWS: usize = 5000;
/// Share of non-blank sampled values an area column must resolve (to an area, an alias, an
/// ambiguous name or a known place outside the region).
pub const MIN_RECOGNISED: f64 = 0.5;

/// Share of the sampled non-blank values of column `col` that the region recognises.
pub fn recognised_share(table: &Table, col: usize, areas: &Areas) -> f64 {
    let Some(c) = crate::engine::table::Column::of(table.batch.column(col)) else { return 0.0 };
    let mut seen = 0usize;
    let mut hits = 0usize;
    let mut cache: std::collections::HashMap<String, bool> = Default::default();
    for i in 0..table.num_rows().min(SAMPLE_ROWS) {
        let Some(v) = c.text(i) else { continue };
        if v.trim().is_empty() {
            continue;
        }
        seen += 1;
        let known = *cache
            .entry(v.to_string())
            .or_insert_with(|| areas.lookup(&v).is_some() || areas.ambiguous(&v).is_some() || areas.outside(&v).is_some());
        hits += usize::from(known);
    }
    if seen == 0 {
        0.0
    } else {
        hits as f64 / seen as f64
    }
}

/// The column holding area names or codes, if any column is recognised often enough. Integer
/// columns are considered only when their name mentions an area, community, code or district (so a
/// capacity column of small numbers is never taken for community-area codes).
pub fn area_column(table: &Table, areas: &Areas) -> Option<String> {
    let schema = table.batch.schema();
    let mut best: Option<(f64, String)> = None;
    for (i, f) in schema.fields().iter().enumerate() {
        let name_hint =
            ["area", "community", "code", "district", "authority", "lad", "msoa", "neighbo"].iter().any(|h| loose(f.name()).contains(h));
        let ok_type = match f.data_type() {
            DataType::Utf8 | DataType::Dictionary(..) => true,
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => name_hint,
            _ => false,
        };
        if !ok_type {
            continue;
        }
        let share = recognised_share(table, i, areas) + if name_hint { 0.01 } else { 0.0 };
        if share >= MIN_RECOGNISED && best.as_ref().is_none_or(|(s, _)| share > *s) {
            best = Some((share, f.name().clone()));
        }
    }
    best.map(|(_, n)| n)
}

/// The first column whose loose name is one of `names` (in the order given).
pub fn by_names(table: &Table, names: &[&str]) -> Option<String> {
    let cols = table.column_names();
    names.iter().find_map(|want| cols.iter().find(|c| loose(c) == *want).cloned())
}

/// Latitude and longitude columns, when both are present.
pub fn lat_lon(table: &Table) -> Option<(String, String)> {
    let lat = by_names(table, &["latitude", "lat", "y"])?;
    let lon = by_names(table, &["longitude", "lon", "lng", "long", "x"])?;
    Some((lat, lon))
}

/// The column identifying a program or organisation (for distinct counts).
pub fn id_column(table: &Table) -> Option<String> {
    by_names(table, &["programid", "id", "applicantname", "organisationname", "organizationname", "orgid"])
}

/// The column of seats/places.
pub fn capacity_column(table: &Table) -> Option<String> {
    by_names(table, &["capacity", "seats", "places", "spaces"])
}

/// How rows will be placed: the view's choice, else the detected area column, else
/// latitude/longitude. `None` when nothing usable was found.
pub fn method(table: &Table, areas: &Areas, chosen: &str, lat: &str, lon: &str) -> Option<Method> {
    if !chosen.is_empty() {
        return Some(Method::Column(chosen.to_string()));
    }
    if !lat.is_empty() && !lon.is_empty() {
        return Some(Method::Points { lat: lat.to_string(), lon: lon.to_string() });
    }
    if let Some(c) = area_column(table, areas) {
        return Some(Method::Column(c));
    }
    lat_lon(table).filter(|_| areas.boundaries.is_some()).map(|(lat, lon)| Method::Points { lat, lon })
}
