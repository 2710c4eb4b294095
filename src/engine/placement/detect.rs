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
        let known = *cache.entry(v.to_string()).or_insert_with(|| {
            areas.lookup(&v).is_some()
                || areas.ambiguous(&v).is_some()
                || areas.spans(&v).is_some()
                || areas.within(&v).is_some()
                || areas.outside(&v).is_some()
        });
        hits += usize::from(known);
    }
    if seen == 0 {
        0.0
    } else {
        hits as f64 / seen as f64
    }
}

/// Whether a column's header names another geography or an identifier, so that its values are
/// never taken as this region's area codes or names because they happen to be in range: ZIP and
/// postal codes, wards, tracts, precincts, beats, blocks, phone numbers, ids of other things, and
/// the computed-region columns of Socrata portals (`Boundaries - ZIP Codes`,
/// `:@computed_region_…`), whose values are the portal's own region numbers. A header that also
/// names this kind of area (`community_area_id`, `District code`) is not excluded for its id.
///
/// ```
/// use equimap::engine::placement::detect::names_other_geography;
/// assert!(names_other_geography("Boundaries - ZIP Codes"));
/// assert!(names_other_geography(":@computed_region_vrxf_vc4k"));
/// assert!(names_other_geography("Ward"));
/// assert!(names_other_geography("program_id"));
/// assert!(!names_other_geography("community_area_id"));
/// assert!(!names_other_geography("Local authority"));
/// ```
pub fn names_other_geography(header: &str) -> bool {
    let h = header.trim().to_lowercase();
    if h.starts_with(":@computed_region") || h.starts_with("boundaries -") || h.starts_with("boundaries-") {
        return true;
    }
    let words = crate::engine::placement::coordinates::words(header);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let other = |w: &str| {
        w.starts_with("zip")
            || w.starts_with("postcode")
            || matches!(
                w,
                "postal"
                    | "ward"
                    | "wards"
                    | "tract"
                    | "tracts"
                    | "precinct"
                    | "precincts"
                    | "beat"
                    | "beats"
                    | "block"
                    | "blocks"
                    | "phone"
                    | "telephone"
                    | "fax"
                    | "ein"
                    | "fips"
                    | "uprn"
                    | "urn"
                    | "ukprn"
            )
    };
    let this_kind = words.iter().any(|w| AREA_WORDS.iter().any(|a| w.starts_with(a)));
    let an_id = words.iter().any(|w| matches!(*w, "id" | "ids" | "number" | "no" | "num"));
    words.iter().any(|w| other(w)) || (an_id && !this_kind)
}

/// Whether a header names only an identifier (`program_id`, `No.`), no geography.
pub fn names_an_id(header: &str) -> bool {
    let words = crate::engine::placement::coordinates::words(header);
    words.iter().any(|w| matches!(w.as_str(), "id" | "ids" | "number" | "no" | "num"))
        && !words.iter().any(|w| w.starts_with("zip") || w.starts_with("postcode") || w == "ward" || w == "tract" || w == "postal")
}

/// Words of a header that name the kinds of area regions are made of.
const AREA_WORDS: &[&str] = &["area", "community", "district", "authority", "lad", "msoa", "neighbo", "borough", "county", "ward"];

/// The column holding area names or codes, if any column is recognised often enough. Integer
/// columns are considered only when their name mentions an area, community, code or district (so a
/// capacity column of small numbers is never taken for community-area codes), and no column whose
/// header names another geography or an id ([`names_other_geography`]).
pub fn area_column(table: &Table, areas: &Areas) -> Option<String> {
    let schema = table.batch.schema();
    let mut best: Option<(f64, String)> = None;
    for (i, f) in schema.fields().iter().enumerate() {
        if names_other_geography(f.name()) {
            continue;
        }
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

/// Latitude and longitude columns, when both are present (see
/// [`crate::engine::placement::coordinates::lat_lon_columns`]).
pub fn lat_lon(table: &Table) -> Option<(String, String)> {
    crate::engine::placement::coordinates::lat_lon_columns(table)
}

/// Whether rows placed by `column` are placed by area code (most of its recognised values are
/// codes) rather than by name.
pub fn column_holds_codes(table: &Table, column: &str, areas: &Areas) -> bool {
    let Ok(c) = table.column(column) else { return false };
    let (mut codes, mut known) = (0usize, 0usize);
    for i in 0..table.num_rows().min(SAMPLE_ROWS) {
        let Some(v) = c.text(i) else { continue };
        if areas.lookup(&v).is_some() {
            known += 1;
            codes += usize::from(areas.by_code(v.trim()).is_some());
        }
    }
    known > 0 && codes * 2 > known
}

/// Every way the file could place its rows, most precise first: coordinates (projected x/y of a
/// certain system, a latitude/longitude pair, or one column of coordinate text, when the level
/// has boundaries), then a column of postcodes (when the region's postcode table is attached),
/// then the column of area codes or names the region recognises most often.
pub fn candidates(table: &Table, areas: &Areas) -> Vec<Method> {
    let mut out = Vec::new();
    if areas.boundaries.is_some() {
        if let Some((x, y, crs)) = crate::engine::placement::projected::projected_columns(table, areas) {
            out.push(Method::Projected { x, y, crs });
        } else if let Some((lat, lon)) = lat_lon(table) {
            out.push(Method::Points { lat, lon });
        } else if let Some(column) = crate::engine::placement::coordinates::location_column(table) {
            out.push(Method::Location { column });
        }
    }
    if areas.postcodes.is_some() {
        if let Some(column) = crate::engine::placement::postcode::postcode_column(table) {
            out.push(Method::Postcode { column });
        }
    }
    if let Some(c) = area_column(table, areas) {
        out.push(Method::Column(c));
    }
    out
}

/// The column identifying a program or organisation (for distinct counts).
pub fn id_column(table: &Table) -> Option<String> {
    by_names(table, &["programid", "id", "applicantname", "organisationname", "organizationname", "orgid"])
}

/// The column of seats/places.
pub fn capacity_column(table: &Table) -> Option<String> {
    by_names(table, &["capacity", "seats", "places", "spaces"])
}
