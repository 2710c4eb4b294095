//! Spreadsheets (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) read with `calamine`: one sheet (the
//! first that has data, unless one is named) becomes CSV text with its header row found below the
//! title rows funders' workbooks have, then is read as any CSV file. Row numbers stay the sheet's:
//! the rows above the header are kept as blank lines, so "line 12" in a message is row 12 of the
//! sheet. Formulas give their cached values; dates are written `YYYY-MM-DD`.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use crate::engine::error::{EngineError, Result};

pub use crate::engine::ingest::checks::is_workbook;

/// A sheet turned into CSV text, and what was read.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetText {
    /// Every sheet of the workbook, in order.
    pub sheets: Vec<String>,
    /// The sheet read.
    pub sheet: String,
    /// Row of the sheet (1-based) taken as the header.
    pub header_row: usize,
    /// The sheet as CSV, rows above the header blank.
    pub csv: String,
}

/// Rows looked at to find the header.
const HEADER_SEARCH_ROWS: usize = 50;

/// Reads sheet `sheet` (else the first with data) of the workbook in `bytes` as CSV text.
pub fn sheet_as_csv(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<SheetText> {
    let unreadable = |reason: String| EngineError::Unreadable { file: file.into(), reason };
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("not a spreadsheet calamine can read (xlsx, xlsm, xlsb, xls, ods): {e}")))?;
    let sheets = book.sheet_names();
    if sheets.is_empty() {
        return Err(unreadable("the workbook has no sheets".into()));
    }
    let mut ranges = Vec::new();
    for name in &sheets {
        if sheet.is_some_and(|s| s != name) {
            continue;
        }
        let range = book.worksheet_range(name).map_err(|e| unreadable(format!("sheet \"{name}\": {e}")))?;
        if !range.is_empty() {
            ranges.push((name.clone(), range));
            break;
        }
    }
    let Some((name, range)) = ranges.pop() else {
        return Err(unreadable(match sheet {
            Some(s) if !sheets.iter().any(|n| n == s) => format!("no sheet \"{s}\" (sheets: {})", sheets.join(", ")),
            Some(s) => format!("sheet \"{s}\" is empty"),
            None => format!("every sheet is empty (sheets: {})", sheets.join(", ")),
        }));
    };
    let top = range.start().map_or(0, |(r, _)| r as usize);
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    let header = header_index(&rows);
    let mut csv_text = "\n".repeat(top + header);
    for r in &rows[header..] {
        // A row of empty cells stays a blank line (skipped and counted as such, as in a CSV).
        let mut out = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        let cells = trim_end(r);
        if !cells.is_empty() {
            out.write_record(cells).map_err(|e| unreadable(e.to_string()))?;
        }
        let line = out.into_inner().map_err(|e| unreadable(e.to_string()))?;
        csv_text.push_str(&String::from_utf8_lossy(&line));
        if cells.is_empty() {
            csv_text.push('\n');
        }
    }
    Ok(SheetText { sheets, sheet: name, header_row: top + header + 1, csv: csv_text })
}

/// A row without its trailing empty cells.
fn trim_end(r: &[String]) -> &[String] {
    let n = r.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |i| i + 1);
    &r[..n]
}

/// The header row among the first rows: the first with at least 60 % as many filled cells as the
/// fullest row near the top (a title row has one cell; a header names every column) and at least
/// two, unless every row has one.
///
/// ```
/// # use equimap::engine::ingest::workbook::header_index;
/// let rows = |r: &[&[&str]]| r.iter().map(|x| x.iter().map(|s| s.to_string()).collect()).collect::<Vec<Vec<String>>>();
/// assert_eq!(header_index(&rows(&[&["Grants 2023/24", "", ""], &["", "", ""], &["Name", "District", "Amount"], &["A", "B", "1"]])), 2);
/// assert_eq!(header_index(&rows(&[&["Name", "Amount"], &["A", "1"]])), 0);
/// ```
pub fn header_index(rows: &[Vec<String>]) -> usize {
    let filled = |r: &Vec<String>| r.iter().filter(|c| !c.trim().is_empty()).count();
    let near: Vec<usize> = rows.iter().take(HEADER_SEARCH_ROWS).map(filled).collect();
    let widest = near.iter().copied().max().unwrap_or(0);
    let need = ((widest as f64 * 0.6).ceil() as usize).max(if widest > 1 { 2 } else { 1 });
    near.iter().position(|&n| n >= need).unwrap_or(0)
}

/// A cell as text: numbers as written (whole numbers without `.0`), dates `YYYY-MM-DD` (with the
/// time when it has one), errors and empty cells blank.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty | Data::Error(_) => String::new(),
        // One CSV line per sheet row: line breaks inside a cell become spaces.
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) if s.contains(['\n', '\r']) => {
            s.replace("\r\n", " ").replace(['\n', '\r'], " ")
        }
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64(), d.is_datetime()),
    }
}

/// An Excel serial date (days since 1899-12-30, the 1900 system) as `YYYY-MM-DD[ HH:MM:SS]`.
fn excel_date(serial: f64, with_time: bool) -> String {
    // Serial 25,569 is 1970-01-01, the day the typing rules count from.
    let date = crate::engine::ingest::typing::values::format_date(serial.floor() as i32 - 25_569);
    let secs = ((serial - serial.floor()) * 86_400.0).round() as i64;
    if with_time && secs > 0 {
        format!("{date} {:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        date
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates_are_the_calendar_dates_excel_shows() {
        // Excel shows 45292 as 2024-01-01 and 25569 as 1970-01-01; 44985.5 is noon on 2023-02-28.
        assert_eq!(excel_date(45292.0, false), "2024-01-01");
        assert_eq!(excel_date(25569.0, false), "1970-01-01");
        assert_eq!(excel_date(44985.5, true), "2023-02-28 12:00:00");
        assert_eq!(excel_date(45351.0, false), "2024-02-29");
    }
}
