//! The filters a person chose: which rows each keeps, in words, and the rows each drops (a row
//! dropped by several is counted once, by the first).

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::typing::values::{parse_date, SlashOrder};
use crate::engine::table::{Column, Table};
use crate::engine::view::Filter;

use super::result::ExcludedBy;

/// Applies `filters` in order: for each row whether it is excluded, and per filter the rows it
/// dropped (each row counted once, by the first filter that drops it).
pub fn apply_filters(table: &Table, filters: &[Filter]) -> Result<(Vec<bool>, Vec<ExcludedBy>)> {
    let mut excluded: Vec<bool> = vec![false; table.num_rows()];
    let mut excluded_by = Vec::new();
    for f in filters {
        let keep = filter_mask(table, f)?;
        let mut n = 0;
        for (i, k) in keep.iter().enumerate() {
            if !k && !excluded[i] {
                excluded[i] = true;
                n += 1;
            }
        }
        excluded_by.push(ExcludedBy { filter: describe_filter(f), rows: n });
    }
    Ok((excluded, excluded_by))
}

/// Which rows a filter keeps.
pub fn filter_mask(table: &Table, f: &Filter) -> Result<Vec<bool>> {
    let n = table.num_rows();
    Ok(match f {
        Filter::Equals { column, values } => {
            let c = table.column(column)?;
            let want: Vec<String> = values.iter().map(|v| v.trim().to_lowercase()).collect();
            let keep = |t: &str| {
                let t = t.trim();
                want.iter().any(|w| t == w || t.eq_ignore_ascii_case(w))
            };
            // Each distinct value of a dictionary column is compared once.
            if let Some((keys, keep_value)) = c.per_value(|t| t.is_some_and(keep)) {
                return Ok(keys.lookup(&keep_value, false));
            }
            match c {
                Column::Text(a) => a.iter().map(|t| t.is_some_and(keep)).collect(),
                _ => (0..n).map(|i| c.text(i).is_some_and(|t| keep(&t))).collect(),
            }
        }
        Filter::Since { column, date } | Filter::Until { column, date } => {
            let c = table.column(column)?;
            let d = parse_date(date, SlashOrder::MonthFirst)
                .ok_or_else(|| EngineError::BadOption(format!("filter date \"{date}\" is not a date (expected YYYY-MM-DD)")))?;
            let since = matches!(f, Filter::Since { .. });
            (0..n).map(|i| c.date(i).is_some_and(|x| if since { x >= d } else { x <= d })).collect()
        }
        Filter::Price { column, free } => {
            let c = table.column(column)?;
            (0..n)
                .map(|i| {
                    let is_free = match c.text(i) {
                        None => return false,
                        Some(t) => t.trim().eq_ignore_ascii_case("free") || c.number(i) == Some(0.0),
                    };
                    is_free == *free
                })
                .collect()
        }
        Filter::Ages { min_column, max_column, lo, hi } => {
            let a = table.column(min_column)?;
            let b = table.column(max_column)?;
            (0..n)
                .map(|i| {
                    let min = a.number(i).unwrap_or(0.0);
                    let max = b.number(i).unwrap_or(f64::INFINITY);
                    min <= f64::from(*hi) && max >= f64::from(*lo)
                })
                .collect()
        }
    })
}

/// A filter in words, as listed in the match report.
pub fn describe_filter(f: &Filter) -> String {
    match f {
        Filter::Equals { column, values } => format!("{column} is {}", values.join(" or ")),
        Filter::Since { column, date } => format!("{column} on or after {date}"),
        Filter::Until { column, date } => format!("{column} on or before {date}"),
        Filter::Price { column, free } => format!("{column} is {}", if *free { "free" } else { "paid" }),
        Filter::Ages { lo, hi, .. } => format!("ages overlap {lo}–{hi}"),
    }
}
