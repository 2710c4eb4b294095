//! Reading one cell of text as a typed value: numbers as people write them (`4,568`, `$32,298 `,
//! `6.40%`, `(500)`, `1.2e3`, `1,5` with decimal commas), booleans, and dates in four layouts.

/// How slash-separated dates are read: `m/d/Y` (US, the default) or `d/m/Y` (chosen for a whole
/// column when some first part is above 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlashOrder {
    /// Month first, as US exports write it.
    MonthFirst,
    /// Day first, as UK and European exports write it.
    DayFirst,
}

/// Currency codes read around a number (a space between them).
const CURRENCY_CODES: [&str; 5] = ["GBP", "USD", "EUR", "CAD", "AUD"];

/// A number written as a person would: optional sign or accounting parentheses, an optional
/// currency sign (`$ £ €`) or code before or after it (`GBP 5,000`, `5000 USD`; GBP, USD, EUR,
/// CAD, AUD), thousands separators in groups of three, a decimal point (or a decimal
/// comma when `decimal_comma`), an optional exponent, an optional trailing `%` (kept in percent
/// units: `6.40%` is 6.4). Surrounding spaces are ignored. Returns `None` for anything else.
///
/// ```
/// use equimap::engine::ingest::typing::values::parse_number;
/// assert_eq!(parse_number("$32,298 ", false), Some(32298.0));
/// assert_eq!(parse_number("6.40%", false), Some(6.4));
/// assert_eq!(parse_number("(500)", false), Some(-500.0));
/// assert_eq!(parse_number("1.234,5", true), Some(1234.5));
/// assert_eq!(parse_number("12,34", false), None);
/// assert_eq!(parse_number("5,000 GBP", false), Some(5000.0));
/// assert_eq!(parse_number("USD 1,200.50", false), Some(1200.5));
/// ```
pub fn parse_number(text: &str, decimal_comma: bool) -> Option<f64> {
    // Fast path: plain digits with an optional sign and (for point decimals) one point.
    let b = text.as_bytes();
    let body = b.strip_prefix(b"-").unwrap_or(b);
    if !body.is_empty() && body.len() < 16 && body.iter().all(u8::is_ascii_digit) {
        return text.parse::<i64>().ok().map(|v| v as f64);
    }
    if !decimal_comma
        && !body.is_empty()
        && body[0] != b'.'
        && body.iter().filter(|&&c| c == b'.').count() == 1
        && body.iter().all(|&c| c.is_ascii_digit() || c == b'.')
    {
        return text.parse::<f64>().ok();
    }
    let mut s = text.trim();
    if s.is_empty() {
        return None;
    }
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') {
        negative = true;
        s = s[1..s.len() - 1].trim();
    }
    if let Some(rest) = s.strip_prefix('-') {
        negative = !negative;
        s = rest.trim_start();
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest.trim_start();
    }
    for sign in ['$', '£', '€'] {
        if let Some(rest) = s.strip_prefix(sign) {
            s = rest.trim_start();
            break;
        }
    }
    for code in CURRENCY_CODES {
        if let Some(rest) = s.strip_prefix(code).filter(|r| r.starts_with(' ')) {
            s = rest.trim_start();
            break;
        }
        if let Some(rest) = s.strip_suffix(code).filter(|r| r.ends_with(' ')) {
            s = rest.trim_end();
            break;
        }
    }
    if let Some(rest) = s.strip_prefix('-') {
        // "$-5" and "-$5" are both seen in exports.
        negative = !negative;
        s = rest;
    }
    let s = s.strip_suffix('%').map(str::trim_end).unwrap_or(s);
    if s.is_empty() {
        return None;
    }
    let (group, point) = if decimal_comma { ('.', ',') } else { (',', '.') };
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int_part, frac_part) = match mantissa.find(point) {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
        return None;
    }
    let mut digits = String::with_capacity(s.len());
    if int_part.contains(group) {
        let groups: Vec<&str> = int_part.split(group).collect();
        let first_ok = !groups[0].is_empty() && groups[0].len() <= 3;
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
        for g in groups {
            digits.push_str(g);
        }
    } else {
        digits.push_str(int_part);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac_part {
        if !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push('.');
        digits.push_str(f);
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix('+').unwrap_or(e);
        let body = e.strip_prefix('-').unwrap_or(e);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push('e');
        digits.push_str(e);
    }
    let v: f64 = digits.parse().ok()?;
    v.is_finite().then_some(if negative { -v } else { v })
}

/// The typing rules every column reader shares (`infer_column` for a whole column,
/// `ColumnBuilder` as cells come): a number `x` read from `text` is a whole number when it has no
/// fraction, is below 9·10^15 (exact in a double) and is written as an integer ([`looks_integer`]).
#[inline]
pub fn whole_value(x: f64, text: &str) -> Option<i64> {
    (x.fract() == 0.0 && x.abs() < 9.0e15 && looks_integer(text)).then_some(x as i64)
}

/// A code written with leading zeros (`007`, `02134`): all digits, more than one, the first `0`.
/// A column holding one stays text as written (ZIP codes, GSS-style codes keep their zeros).
#[inline]
pub fn leading_zero_code(cell: &[u8]) -> bool {
    cell.len() > 1 && cell[0] == b'0' && cell.iter().all(u8::is_ascii_digit)
}

/// True when `text` is a whole number written without decimals, exponent or percent sign (so the
/// column can be typed as an integer). Leading zeros (`007`, ZIP codes) are not integers: that text
/// is kept as written.
pub fn looks_integer(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
        return digits.len() == 1 || digits[0] != b'0';
    }
    let s = text.trim();
    let body = s.trim_start_matches(['-', '+', '(', '$', '£', '€', ' ']);
    let body = body.trim_end_matches(')');
    if body.len() > 1 && body.starts_with('0') && !body.starts_with("0.") && !body.starts_with("0,") {
        return false;
    }
    !s.contains(['.', 'e', 'E', '%']) || (s.contains('.') && !s.contains(['e', 'E', '%']) && is_dot_grouped(s))
}

/// `1.234.567` style (dots as thousands separators, used with decimal commas).
fn is_dot_grouped(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() > 1 && parts[1..].iter().all(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `true/false/yes/no` in any case (what exports write for flags).
pub fn parse_bool(text: &str) -> Option<bool> {
    let s = text.trim();
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

/// A date as days since 1970-01-01. Layouts: `YYYY-MM-DD` and `YYYY/MM/DD` (optionally followed by a
/// time after `T` or a space, which is ignored), `m/d/YYYY` or `d/m/YYYY` (by `order`), and
/// `d.m.YYYY`. Impossible dates (`2021-02-30`) give `None`.
///
/// ```
/// use equimap::engine::ingest::typing::values::{parse_date, SlashOrder};
/// assert_eq!(parse_date("1970-01-02", SlashOrder::MonthFirst), Some(1));
/// assert_eq!(parse_date("5/1/2021", SlashOrder::MonthFirst), parse_date("2021-05-01", SlashOrder::MonthFirst));
/// assert_eq!(parse_date("1/5/2021", SlashOrder::DayFirst), parse_date("2021-05-01", SlashOrder::DayFirst));
/// ```
pub fn parse_date(text: &str, order: SlashOrder) -> Option<i32> {
    // Fast path: exactly `YYYY-MM-DD` (an impossible date falls through and fails below too).
    if let Some(d) = iso_date(text.as_bytes()) {
        return Some(d);
    }
    let s = text.trim();
    let s = match s.bytes().position(|b| b == b'T' || b == b' ') {
        Some(i) => &s[..i],
        None => s,
    };
    let (y, m, d) = if let Some((y, m, d)) = split3(s, '-') {
        (y, m, d)
    } else if let Some((a, b, c)) = split3(s, '/') {
        if a.len() == 4 {
            (a, b, c)
        } else if order == SlashOrder::MonthFirst {
            (c, a, b)
        } else {
            (c, b, a)
        }
    } else if let Some((a, b, c)) = split3(s, '.') {
        (c, b, a)
    } else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    days_from_civil(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Exactly `YYYY-MM-DD` (the layout every column-order reading agrees on), as days since
/// 1970-01-01; `None` for anything else or an impossible date.
#[inline(always)]
pub fn iso_date(cell: &[u8]) -> Option<i32> {
    let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = cell else { return None };
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |a: u8, b: u8| u32::from(a - b'0') * 10 + u32::from(b - b'0');
    days_from_civil((n(y0, y1) * 100 + n(y2, y3)) as i32, n(m0, m1), n(d0, d1))
}

/// The first number of a slash date (`13` in `13/5/2021`), used to decide the column's order.
pub fn slash_first_part(text: &str) -> Option<u32> {
    let (a, _, c) = split3(text.trim().split(['T', ' ']).next()?, '/')?;
    if a.len() == 4 || c.len() != 4 {
        return None;
    }
    a.parse().ok()
}

fn split3(s: &str, sep: char) -> Option<(&str, &str, &str)> {
    if s.len() > 10 || !s.contains(sep) {
        return None;
    }
    let mut it = s.split(sep);
    let (a, b, c) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || ![a, b, c].iter().all(|p| p.bytes().all(|x| x.is_ascii_digit())) {
        return None;
    }
    Some((a, b, c))
}

/// Days since 1970-01-01 of a proleptic Gregorian date, `None` when the date does not exist.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Option<i32> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146097 + doe - 719468)
}

/// `YYYY-MM-DD` for days since 1970-01-01.
pub fn format_date(days: i32) -> String {
    let z = days + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_write_them() {
        assert_eq!(parse_number("4,568", false), Some(4568.0));
        assert_eq!(parse_number(" 1,234,567.89 ", false), Some(1234567.89));
        assert_eq!(parse_number("£1,234", false), Some(1234.0));
        assert_eq!(parse_number("-$5", false), Some(-5.0));
        assert_eq!(parse_number("1.2e3", false), Some(1200.0));
        assert_eq!(parse_number("1,5", true), Some(1.5));
        assert_eq!(parse_number("", false), None);
        assert_eq!(parse_number("abc", false), None);
        assert_eq!(parse_number("1,23", false), None);
        assert_eq!(parse_number("12-3", false), None);
        assert_eq!(parse_number("1e", false), None);
        assert_eq!(parse_number("%", false), None);
        assert_eq!(parse_number(".5", false), Some(0.5));
    }

    #[test]
    fn integers_keep_leading_zeros_as_text() {
        assert!(looks_integer("4,568"));
        assert!(looks_integer("0"));
        assert!(!looks_integer("007"));
        assert!(!looks_integer("1.5"));
        assert!(!looks_integer("6%"));
    }

    #[test]
    fn dates_round_trip() {
        for s in ["1970-01-01", "2000-02-29", "2021-05-01", "1969-12-31", "2400-12-31"] {
            let d = parse_date(s, SlashOrder::MonthFirst).unwrap();
            assert_eq!(format_date(d), s);
        }
        assert_eq!(parse_date("2021-05-01", SlashOrder::MonthFirst), Some(18748));
        assert_eq!(parse_date("2021-02-30", SlashOrder::MonthFirst), None);
        assert_eq!(parse_date("1.5.2021", SlashOrder::MonthFirst), Some(18748));
        assert_eq!(parse_date("2021/05/01 10:00", SlashOrder::MonthFirst), Some(18748));
        assert_eq!(parse_date("2021-05-01T10:00:00", SlashOrder::MonthFirst), Some(18748));
        assert_eq!(parse_date("May 1 2021", SlashOrder::MonthFirst), None);
    }
}
