//! Coordinates as exports write them: a pair of latitude/longitude columns under the names people
//! use (decided by names *and* value ranges), or one column of coordinate text.

use crate::engine::table::{loose, Column, Table};

/// Rows sampled when judging a column's values.
const SAMPLE_ROWS: usize = 2000;

/// Share of sampled non-blank values that must read as coordinates.
const MIN_SHARE: f64 = 0.5;

/// A point written as text, as `(latitude, longitude)`: `(41.97, -87.71)`, `41.97, -87.71`,
/// `41.97 -87.71`, WKT `POINT (-87.71 41.97)` (longitude first) or a Socrata location (address
/// lines, then `(41.97, -87.71)` on the last line). Both numbers must be degrees (latitude within
/// ±90, longitude within ±180); `None` for anything else.
///
/// ```
/// use equimap::engine::placement::coordinates::parse_point_text;
/// assert_eq!(parse_point_text("(41.97, -87.71)"), Some((41.97, -87.71)));
/// assert_eq!(parse_point_text("POINT (-87.71 41.97)"), Some((41.97, -87.71)));
/// assert_eq!(parse_point_text("1 N State St\nChicago, IL\n(41.88, -87.63)"), Some((41.88, -87.63)));
/// assert_eq!(parse_point_text("Chicago"), None);
/// ```
pub fn parse_point_text(text: &str) -> Option<(f64, f64)> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let upper = t.get(..5).map(str::to_ascii_uppercase);
    if upper.as_deref() == Some("POINT") {
        let inner = t[5..].trim().strip_prefix('(')?.strip_suffix(')')?;
        let (lon, lat) = two_numbers(inner)?;
        return degrees(lat, lon);
    }
    // A Socrata location: the coordinates are the last parenthesised part.
    let last = match (t.rfind('('), t.ends_with(')')) {
        (Some(open), true) => &t[open + 1..t.len() - 1],
        _ => t,
    };
    let (lat, lon) = two_numbers(last)?;
    degrees(lat, lon)
}

/// Two numbers separated by a comma and/or white space, nothing else.
fn two_numbers(s: &str) -> Option<(f64, f64)> {
    let mut parts = s.split(|c: char| c == ',' || c.is_whitespace()).filter(|p| !p.is_empty());
    let a = parts.next()?.parse::<f64>().ok()?;
    let b = parts.next()?.parse::<f64>().ok()?;
    parts.next().is_none().then_some((a, b))
}

fn degrees(lat: f64, lon: f64) -> Option<(f64, f64)> {
    (lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0).then_some((lat, lon))
}

/// The words of a column name, lower case (`School_Latitude` → `school`, `latitude`).
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut last_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            last_lower = false;
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            continue;
        }
        // camelCase: a capital after a small letter starts a word (`schoolLat`).
        if c.is_uppercase() && last_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        last_lower = c.is_lowercase();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// How strongly a column name says latitude (2: it is the whole name, 1: one of its words; 0: no).
fn latitude_name(name: &str) -> u8 {
    name_score(name, &["latitude", "lat"], &["y"])
}

/// As [`latitude_name`], for longitude.
fn longitude_name(name: &str) -> u8 {
    name_score(name, &["longitude", "lon", "lng", "long"], &["x"])
}

fn name_score(name: &str, words_for: &[&str], whole_only: &[&str]) -> u8 {
    let l = loose(name);
    if words_for.contains(&l.as_str()) || whole_only.contains(&l.as_str()) {
        return 2;
    }
    let w = words(name);
    u8::from(w.iter().any(|x| words_for.contains(&x.as_str())))
}

/// Share of the sampled non-blank values of `c` that are numbers within `±limit`.
fn share_within(c: &Column, rows: usize, limit: f64) -> f64 {
    let (mut seen, mut ok) = (0usize, 0usize);
    for i in 0..rows.min(SAMPLE_ROWS) {
        if c.is_null(i) {
            continue;
        }
        seen += 1;
        ok += usize::from(c.number(i).is_some_and(|x| x.abs() <= limit));
    }
    if seen == 0 {
        0.0
    } else {
        ok as f64 / seen as f64
    }
}

/// The latitude and longitude columns, when the file has a pair: columns named for them (a whole
/// name such as `latitude`, `LAT`, `y`, or a word of one such as `School_Latitude`, `lat_wgs84`),
/// whose values are mostly numbers in degrees. A pair whose names share the rest of their words
/// (`School_Latitude` and `School_Longitude`) is preferred. Columns named exactly `x` and `y` are
/// taken whatever their values (projected coordinates are then explained row by row).
pub fn lat_lon_columns(table: &Table) -> Option<(String, String)> {
    let names = table.column_names();
    let column = |n: &str| table.column(n).ok();
    let rows = table.num_rows();
    let fits = |n: &str, limit: f64, score: u8| {
        score == 2 && matches!(loose(n).as_str(), "x" | "y") || column(n).is_some_and(|c| share_within(&c, rows, limit) >= MIN_SHARE)
    };
    let lats: Vec<(&String, u8)> = names.iter().map(|n| (n, latitude_name(n))).filter(|(n, s)| *s > 0 && fits(n, 90.0, *s)).collect();
    let lons: Vec<(&String, u8)> = names.iter().map(|n| (n, longitude_name(n))).filter(|(n, s)| *s > 0 && fits(n, 180.0, *s)).collect();
    let rest = |n: &str| -> Vec<String> {
        words(n).into_iter().filter(|w| !["latitude", "lat", "longitude", "lon", "lng", "long", "x", "y"].contains(&w.as_str())).collect()
    };
    let mut best: Option<(u8, &String, &String)> = None;
    for (la, ls) in &lats {
        for (lo, os) in &lons {
            if la == lo {
                continue;
            }
            let score = ls + os + if rest(la) == rest(lo) { 2 } else { 0 };
            if best.is_none_or(|(s, ..)| score > s) {
                best = Some((score, la, lo));
            }
        }
    }
    best.map(|(_, la, lo)| (la.clone(), lo.clone()))
}

/// The column of coordinate text ([`parse_point_text`]), when one holds mostly points: a text
/// column such as Socrata's `Location` or a `LOCATION` of `(41.97, -87.71)`.
pub fn location_column(table: &Table) -> Option<String> {
    let rows = table.num_rows();
    let mut best: Option<(f64, String)> = None;
    for name in table.column_names() {
        let Ok(c) = table.column(&name) else { continue };
        if !c.is_text() {
            continue;
        }
        let (mut seen, mut ok) = (0usize, 0usize);
        for i in 0..rows.min(SAMPLE_ROWS) {
            let Some(v) = c.text(i) else { continue };
            if v.trim().is_empty() {
                continue;
            }
            seen += 1;
            ok += usize::from(parse_point_text(&v).is_some());
        }
        let share = if seen == 0 { 0.0 } else { ok as f64 / seen as f64 };
        if share >= MIN_SHARE && best.as_ref().is_none_or(|(s, _)| share > *s) {
            best = Some((share, name));
        }
    }
    best.map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_in_every_written_form() {
        assert_eq!(parse_point_text("(41.97, -87.71)"), Some((41.97, -87.71)));
        assert_eq!(parse_point_text(" 41.97,-87.71 "), Some((41.97, -87.71)));
        assert_eq!(parse_point_text("41.97 -87.71"), Some((41.97, -87.71)));
        assert_eq!(parse_point_text("point(-1.89 52.48)"), Some((52.48, -1.89)));
        assert_eq!(parse_point_text("4800 S Lake Park Ave\nChicago, IL 60615\n(41.807, -87.588)"), Some((41.807, -87.588)));
        for not in ["", "Chicago", "(41.97)", "41.97, -87.71, 3", "(1000, 2000)", "POINT EMPTY", "(41.97; -87.71)"] {
            assert_eq!(parse_point_text(not), None, "{not:?}");
        }
    }

    #[test]
    fn words_of_column_names() {
        assert_eq!(words("School_Latitude"), ["school", "latitude"]);
        assert_eq!(words("lat_wgs84"), ["lat", "wgs84"]);
        assert_eq!(words("schoolLng"), ["school", "lng"]);
        assert_eq!(latitude_name("Y"), 2);
        assert_eq!(latitude_name("Y Coordinate"), 0, "a projected Y is not latitude");
        assert_eq!(longitude_name("Longitude (WGS84)"), 1);
        assert_eq!(latitude_name("Population"), 0);
        assert_eq!(latitude_name("Translation"), 0);
    }
}
