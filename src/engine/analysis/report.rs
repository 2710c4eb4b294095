//! The parts of the analysis that explain it: unmatched values with suggestions, totals per group
//! of areas, flag columns of the file, and notes for the analyst.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::engine::analysis::measures;
use crate::engine::ingest::ingested::IngestReport;
use crate::engine::placement::matching::{Method, Unmatched, UnmatchedValue};
use crate::engine::region::Areas;
use crate::engine::table::{Column, Table};
use crate::engine::view::Supply;

use super::result::{AreaRow, FlagColumn, GroupRow, Summary};

/// Totals per group label of the area rows (areas without a group are left out).
pub(super) fn group_rows(rows: &[AreaRow]) -> Vec<GroupRow> {
    let mut by: BTreeMap<String, (usize, f64, f64)> = BTreeMap::new();
    for r in rows {
        if let Some(g) = &r.group {
            let e = by.entry(g.clone()).or_default();
            e.0 += 1;
            e.1 += r.supply;
            e.2 += r.denominator.unwrap_or(0.0);
        }
    }
    by.into_iter()
        .map(|(group, (areas, supply, denominator))| GroupRow {
            group,
            areas,
            supply,
            denominator,
            rate_per_1000: measures::rate_per_1000(supply, denominator),
        })
        .collect()
}

/// Text columns with two or three distinct values among matched rows, summarised per area.
pub(super) fn flag_columns(table: &Table, matched: &[(u32, u32)], codes: &[String], method: &Method) -> Vec<FlagColumn> {
    let schema = table.batch.schema();
    let mut out = Vec::new();
    for (c, f) in schema.fields().iter().enumerate() {
        if matches!(method, Method::Column(m) if m == f.name()) {
            continue;
        }
        let Some(col) = Column::of(table.batch.column(c)).filter(Column::is_text) else { continue };
        // Up to four distinct values (one more than a flag has), and per area a bit per value seen.
        let mut values: Vec<&str> = Vec::with_capacity(4);
        let mut seen_in = vec![0u8; codes.len()];
        for &(i, a) in matched {
            let Some(v) = col.str(i as usize) else { continue };
            let k = match values.iter().position(|x| *x == v) {
                Some(k) => k,
                None => {
                    values.push(v);
                    if values.len() > 3 {
                        break;
                    }
                    values.len() - 1
                }
            };
            seen_in[a as usize] |= 1 << k;
        }
        if !(2..=3).contains(&values.len()) {
            continue;
        }
        let mut flag = FlagColumn { column: f.name().clone(), consistent: BTreeMap::new(), inconsistent: vec![] };
        for (a, &bits) in seen_in.iter().enumerate() {
            match bits.count_ones() {
                0 => {}
                1 => {
                    flag.consistent.insert(codes[a].clone(), values[bits.trailing_zeros() as usize].to_string());
                }
                _ => flag.inconsistent.push(codes[a].clone()),
            }
        }
        out.push(flag);
    }
    out
}

/// Unmatched rows grouped by (value, reason), most rows first, with suggestions: the nearest
/// names for an unknown name, the candidates of an ambiguous one, the areas of the nearest valid
/// postcodes for an unknown postcode.
pub(super) fn unmatched_values(areas: &Areas, groups: HashMap<(String, Unmatched), usize>) -> Vec<UnmatchedValue> {
    let mut unmatched_values: Vec<UnmatchedValue> = groups
        .into_iter()
        .map(|((value, reason), rows)| {
            let nearest = if reason == Unmatched::UnknownPostcode { nearest_postcodes(areas, &value) } else { vec![] };
            UnmatchedValue {
                suggestions: match reason {
                    Unmatched::UnknownName => areas.suggest(&value),
                    Unmatched::AmbiguousName => areas.ambiguous(&value).cloned().unwrap_or_default(),
                    Unmatched::SpansAreas => areas.spans(&value).cloned().unwrap_or_default(),
                    Unmatched::OtherLevel => areas.within(&value).cloned().into_iter().collect(),
                    Unmatched::UnknownPostcode => postcode_areas(areas, &nearest),
                    _ => vec![],
                },
                nearest,
                value,
                reason,
                rows,
            }
        })
        .collect();
    unmatched_values.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.value.cmp(&b.value)));
    unmatched_values
}

/// The valid postcodes nearest to an unknown one.
fn nearest_postcodes(areas: &Areas, value: &str) -> Vec<String> {
    areas.postcodes.as_ref().map(|p| p.nearest(value)).unwrap_or_default()
}

/// The areas of postcodes (each once, in order).
fn postcode_areas(areas: &Areas, postcodes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in postcodes {
        if let Some(a) = areas.postcodes.as_ref().and_then(|t| t.area_of(p)) {
            if !out.contains(&areas.codes[a]) {
                out.push(areas.codes[a].clone());
            }
        }
    }
    out
}

/// What is missing when the level has no population figures or no need measure (a person's own
/// areas before indicators join them): which measures are empty and what to drop.
pub(super) fn missing_indicators_note(areas: &Areas, denominator: &str, need: &str) -> Option<String> {
    let missing = match (denominator.is_empty(), need.is_empty()) {
        (false, false) => return None,
        (true, true) => "no population figures and no need measure: rates, location quotients, quintiles and the indices are empty",
        (true, false) => "no population figures: rates, location quotients and the indices are empty",
        (false, true) => "no need measure: need quintiles and the concentration index are empty",
    };
    Some(format!(
        "{} have {missing}. Supply per area is counted; drop a table of indicators with one row per area code (a population column and a need measure) to get them.",
        areas.level.label
    ))
}

/// When most rows that name a place name larger areas that span several of this level's (a file
/// of districts opened at MSOA level), a note that says so and what to do.
pub(super) fn larger_areas_note(areas: &Areas, unmatched: &[UnmatchedValue], placed: usize) -> Option<String> {
    let spans: Vec<&UnmatchedValue> = unmatched.iter().filter(|u| u.reason == Unmatched::SpansAreas).collect();
    let rows: usize = spans.iter().map(|u| u.rows).sum();
    // Rows that name a place in the region (placed, or not placed for a reason of the region's).
    let named: usize = placed
        + unmatched.iter().filter(|u| !matches!(u.reason, Unmatched::Blank | Unmatched::OutsideRegion)).map(|u| u.rows).sum::<usize>();
    let smaller: Vec<&UnmatchedValue> = unmatched.iter().filter(|u| u.reason == Unmatched::OtherLevel).collect();
    let smaller_rows: usize = smaller.iter().map(|u| u.rows).sum();
    if smaller_rows * 2 > named {
        let examples: Vec<&str> = smaller.iter().take(3).map(|u| u.value.as_str()).collect();
        return Some(format!(
            "Most rows ({smaller_rows} of {named}) name areas smaller than {} ({}): view the file at the level of those areas.",
            areas.level.label.to_lowercase(),
            examples.join(", ")
        ));
    }
    (rows * 2 > named).then(|| {
        let examples: Vec<&str> = spans.iter().take(3).map(|u| u.value.as_str()).collect();
        format!(
            "Most rows ({rows} of {named}) name areas larger than {} ({}): view the file at the level of those areas.",
            areas.level.label.to_lowercase(),
            examples.join(", ")
        )
    })
}

/// When rows have postcodes of postcode areas the region's table does not cover, a note that
/// names them: such rows may lie inside the region (a region's edge can be served by a
/// neighbouring postcode area), so they are unknown, never outside.
pub(super) fn uncovered_postcodes_note(areas: &Areas, unmatched: &[UnmatchedValue]) -> Option<String> {
    let places = areas.postcodes.as_ref()?;
    let mut uncovered: BTreeMap<String, usize> = BTreeMap::new();
    for u in unmatched.iter().filter(|u| u.reason == Unmatched::UnknownPostcode) {
        if let Some(area) = places.uncovered_area(&u.value) {
            *uncovered.entry(area).or_default() += u.rows;
        }
    }
    let rows: usize = uncovered.values().sum();
    (rows > 0).then(|| {
        let names: Vec<&str> = uncovered.keys().take(NOTE_NAMES).map(String::as_str).collect();
        format!(
            "{rows} rows have postcodes of postcode areas the region's postcode table does not cover ({}{}): they are counted as unknown postcodes, though some may lie inside the region; place them by another column or assign them.",
            names.join(", "),
            if uncovered.len() > NOTE_NAMES { format!(" and {} more", uncovered.len() - NOTE_NAMES) } else { String::new() }
        )
    })
}

/// Areas a note names at most.
const NOTE_NAMES: usize = 5;

/// Whether a flag column's disagreement is worth a note: it behaves like a per-area attribute
/// (`Priority Place`: one value per area in at least four in five of the areas with more than one
/// row — an area of one row agrees with itself and proves nothing), yet some areas' rows
/// disagree. A column that varies within most areas (meeting type, paid or not, opening hours)
/// is a property of the rows, not of the areas: no note.
fn looks_like_area_attribute(f: &FlagColumn, several_rows: &HashSet<&str>) -> bool {
    let agreeing = f.consistent.keys().filter(|c| several_rows.contains(c.as_str())).count();
    !f.inconsistent.is_empty() && f.inconsistent.len() * 5 <= agreeing + f.inconsistent.len()
}

/// A note when the export is itself boundaries: a column whose first cells (up to 20 non-blank,
/// among the first 1,000 rows) are all WKT polygons (a portal's `the_geom`). Its rows are counted as any rows; the note says
/// how to use them as areas instead.
pub(super) fn boundaries_note(table: &Table) -> Option<String> {
    let names = table.column_names();
    names.iter().find_map(|name| {
        let column = table.column(name).ok().filter(Column::is_text)?;
        let cells: Vec<_> = (0..table.num_rows().min(1000)).filter_map(|r| column.text(r)).filter(|t| !t.trim().is_empty()).take(20).collect();
        let polygons = !cells.is_empty() && cells.iter().all(|c| crate::engine::region::own_table::is_wkt_polygon(c));
        polygons.then(|| {
            format!(
                "Column \"{name}\" holds polygons (WKT): this file looks like boundaries, one row per area, and each row is counted here as one. To map these areas, drop the file under \"Use your own areas\" instead."
            )
        })
    })
}

/// A note when supply sums a column (seats, or a sum of money) and some counted rows have no
/// number in it: how many are blank, how many hold text that is not a number (the first few, with
/// their lines and values), each counting 0 in the sum. Rows are never dropped for it: the note
/// says what the sum leaves out.
pub(super) fn unreadable_supply_note(table: &Table, column: Option<&str>, matched: &[(u32, u32)]) -> Option<String> {
    let name = column?;
    let c = table.column(name).ok()?;
    let (mut blank, mut unreadable) = (0usize, Vec::new());
    let mut examples = Vec::new();
    for &(i, _) in matched {
        let i = i as usize;
        if c.is_null(i) {
            blank += 1;
        } else if c.number(i).is_none() {
            if examples.len() < 3 {
                examples.push(format!("line {}: \"{}\"", table.lines.get(i), c.text(i).unwrap_or_default()));
            }
            unreadable.push(i);
        }
    }
    if blank == 0 && unreadable.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !unreadable.is_empty() {
        parts.push(format!(
            "{} hold text that is not a number ({}{})",
            unreadable.len(),
            examples.join(", "),
            if unreadable.len() > examples.len() { ", …" } else { "" }
        ));
    }
    if blank > 0 {
        parts.push(format!("{blank} are blank"));
    }
    Some(format!(
        "\"{name}\": of the {} counted rows, {}: each counts 0 in the sum (fix them in the file, or exclude them with a filter, to change that).",
        matched.len(),
        parts.join(", and ")
    ))
}

/// A note when rows had fewer fields than the header (a writer that leaves out empty last
/// fields): how many, their first lines, and that the missing fields were read as blank.
pub(super) fn short_rows_note(report: &IngestReport) -> Option<String> {
    let short = &report.short_rows;
    (short.count > 0).then(|| {
        let shown: Vec<String> = short.first_lines.iter().map(u64::to_string).collect();
        let more = short.count.saturating_sub(shown.len());
        format!(
            "{} row(s) of {} have fewer fields than the header (line {}{}): their missing last fields were read as blank.",
            short.count,
            report.file,
            shown.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        )
    })
}

/// Notes for the analyst: flag columns whose rows disagree within an area, areas where one row
/// makes up most of a summed supply, areas left out for want of a need value.
pub(super) fn notes(
    areas: &Areas,
    flags: &[FlagColumn],
    rows: &[AreaRow],
    supply: &Supply,
    summary: &Summary,
    need_label: &str,
) -> Vec<String> {
    let mut notes = Vec::new();
    let several_rows: HashSet<&str> = rows.iter().filter(|r| r.rows > 1).map(|r| r.code.as_str()).collect();
    for f in flags.iter().filter(|f| looks_like_area_attribute(f, &several_rows)) {
        let names: Vec<&str> = f.inconsistent.iter().filter_map(|c| areas.by_code(c).map(|i| areas.names[i].as_str())).collect();
        let more = names.len().saturating_sub(NOTE_NAMES);
        let listed = names[..names.len().min(NOTE_NAMES)].join(", ");
        let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
        notes.push(format!("\"{}\" differs between rows of {} area(s): {listed}{tail}.", f.column, names.len()));
    }
    for r in rows {
        if r.largest_row_share.is_some_and(|s| s > 0.5) && r.rows > 1 && !matches!(supply, Supply::Rows | Supply::Programs) {
            notes.push(format!(
                "One row makes up {:.0}% of {}'s supply: consider excluding the largest rows.",
                100.0 * r.largest_row_share.unwrap_or(0.0),
                r.name
            ));
        }
    }
    if !summary.areas_without_need.is_empty() && !need_label.is_empty() {
        notes.push(format!(
            "{} area(s) have no {} value and are left out of the quintiles and the concentration index.",
            summary.areas_without_need.len(),
            need_label
        ));
    }
    notes
}
