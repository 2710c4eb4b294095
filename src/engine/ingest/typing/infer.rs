//! Column typing: each column becomes the narrowest type every non-blank value fits (integer,
//! decimal, boolean, date), or stays text as written when any value does not fit.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray};
use serde::{Deserialize, Serialize};

use crate::engine::ingest::typing::values::{
    leading_zero_code, parse_bool, parse_date, parse_number, slash_first_part, whole_value, SlashOrder,
};

/// The type detected for a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Whole numbers (thousands separators and currency signs allowed).
    Integer,
    /// Decimal numbers (also percentages, in percent units).
    Decimal,
    /// true/false, yes/no.
    Boolean,
    /// Dates (ISO, m/d/Y or d/m/Y, d.m.Y).
    Date,
    /// Anything else, kept exactly as written (trimmed).
    Text,
}

/// Types one column of trimmed cells (null = blank). Returns the Arrow array and its kind (text
/// columns come back as the same array, not copied).
///
/// A column whose every value is blank stays text. Numbers read with decimal commas when
/// `decimal_comma`. Slash dates are read day-first for the whole column if any first part is above 12.
pub fn infer_column(values: &StringArray, decimal_comma: bool) -> (ArrayRef, ColumnKind) {
    let present = || values.iter().flatten();
    let text = || (Arc::new(values.clone()) as ArrayRef, ColumnKind::Text);
    // The first value decides which type to try: most text columns stop here.
    let Some(first) = present().next() else { return text() };
    if parse_number(first, decimal_comma).is_some() {
        // Codes with leading zeros (ZIP codes, `007`) stay text as written.
        if present().any(|v| leading_zero_code(v.as_bytes())) {
            return text();
        }
        let whole = |v: &str| -> Option<i64> { whole_value(parse_number(v, decimal_comma)?, v) };
        // One pass each: build while checking, give up at the first value that does not fit.
        let ints: Option<Int64Array> = values
            .iter()
            .map(|v| match v {
                None => Some(None),
                Some(s) => whole(s).map(Some),
            })
            .collect();
        if let Some(a) = ints {
            return (crate::engine::ingest::typing::whole_numbers::narrowest(a), ColumnKind::Integer);
        }
        let floats: Option<Float64Array> = values
            .iter()
            .map(|v| match v {
                None => Some(None),
                Some(s) => parse_number(s, decimal_comma).map(Some),
            })
            .collect();
        if let Some(a) = floats {
            return (Arc::new(a), ColumnKind::Decimal);
        }
        return text();
    }
    if parse_bool(first).is_some() {
        if present().all(|v| parse_bool(v).is_some()) {
            let a: BooleanArray = values.iter().map(|v| v.and_then(parse_bool)).collect();
            return (Arc::new(a), ColumnKind::Boolean);
        }
        return text();
    }
    if parse_date(first, SlashOrder::MonthFirst).is_some() || parse_date(first, SlashOrder::DayFirst).is_some() {
        let order =
            if present().any(|v| slash_first_part(v).is_some_and(|d| d > 12)) { SlashOrder::DayFirst } else { SlashOrder::MonthFirst };
        if present().all(|v| parse_date(v, order).is_some()) {
            let a: Date32Array = values.iter().map(|v| v.and_then(|s| parse_date(s, order))).collect();
            return (Arc::new(a), ColumnKind::Date);
        }
    }
    text()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(vals: &[&str]) -> ColumnKind {
        let v: StringArray = vals.iter().map(|s| (!s.is_empty()).then_some(*s)).collect();
        infer_column(&v, false).1
    }

    #[test]
    fn kinds() {
        assert_eq!(kind(&["1", "4,568", ""]), ColumnKind::Integer);
        assert_eq!(kind(&["1", "2.5"]), ColumnKind::Decimal);
        assert_eq!(kind(&["$32,298 ", "6.40%"]), ColumnKind::Decimal);
        assert_eq!(kind(&["YES", "no", "True"]), ColumnKind::Boolean);
        assert_eq!(kind(&["2021-05-01", "5/1/2021"]), ColumnKind::Date);
        assert_eq!(kind(&["60601", "00601"]), ColumnKind::Text);
        assert_eq!(kind(&["1", "x"]), ColumnKind::Text);
        assert_eq!(kind(&["", ""]), ColumnKind::Text);
    }
}
