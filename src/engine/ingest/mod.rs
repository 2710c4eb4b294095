//! Reading a dropped file into typed Arrow columns: CSV/TSV (encoding and delimiter sniffed,
//! records split, rows taken, columns typed while read; whole, streamed, or as two parts read at
//! once) and Parquet. Every row read is accepted or rejected with its line and reason.
//!
//! The CSV path, from the bytes up: [`text`] (encodings) → `records` (fields of one record) →
//! `rows` (the reader's state: header, [`typing`] column builders, rejected rows) → the
//! readers: [`read_whole`] (bytes held whole), [`feed`] (bytes pushed in, as a browser's stream
//! hands them over), [`read_stream`] (bytes pulled from a `Read`, through a feed) and [`part`]
//! (a large file read as two parts and joined).

pub mod checks;
pub mod feed;
pub mod ingested;
pub mod line_numbers;
pub mod parquet;
pub mod part;
pub mod read_stream;
pub mod read_whole;
mod records;
mod rows;
pub mod sniff;
mod source;
pub mod text;
pub mod typing;
pub mod wire;
/// Spreadsheets: natively (the command line), and in the browser's separate `equimap-sheets`
/// module (feature `sheets`); see the module.
#[cfg(any(not(target_arch = "wasm32"), feature = "sheets"))]
pub mod workbook;

pub use records::split_count;

use crate::engine::error::Result;
use ingested::Ingested;

/// Reads a dropped file: Parquet when it starts with `PAR1` or is named `.parquet`, else CSV/TSV.
pub fn read_any(file: &str, bytes: Vec<u8>) -> Result<Ingested> {
    if is_parquet(file, &bytes) {
        parquet::read_parquet(file, bytes)
    } else {
        read_whole::read_csv(file, &bytes)
    }
}

/// Reads a file given to the command line: a spreadsheet (sheet `sheet`, else the first with
/// data: see [`workbook`]) as its sheet's rows, else as [`read_any`] does.
#[cfg(not(target_arch = "wasm32"))]
pub fn read_file(file: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Ingested> {
    checks::refuse_boundaries(file, &bytes)?;
    if !workbook::is_workbook(file, &bytes) || is_parquet(file, &bytes) {
        return read_any(file, bytes);
    }
    let text = workbook::sheet_as_csv(file, &bytes, sheet)?;
    let name = if text.sheets.len() > 1 { format!("{file} [{}]", text.sheet) } else { file.to_string() };
    read_whole::read_csv(&name, text.csv.as_bytes())
}

/// Whether a file is read as Parquet: its first bytes are `PAR1` or its name ends in `.parquet`.
pub fn is_parquet(file: &str, head: &[u8]) -> bool {
    head.starts_with(b"PAR1") || file.to_lowercase().ends_with(".parquet")
}
