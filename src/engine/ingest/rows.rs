//! The reader's state while it takes records: the header, each column's builder, line numbers,
//! blank and rejected rows; what makes a record unusable; header names made unique.

use std::io::Read;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::ingested::{ColumnInfo, IngestReport, Ingested, RejectedRow, ShortRows};
use crate::engine::ingest::line_numbers::Lines;
use crate::engine::ingest::records::RecordSplitter;
use crate::engine::ingest::sniff::delimiter_name;
use crate::engine::ingest::text::Encoding;
use crate::engine::ingest::typing::column_builder::ColumnBuilder;
use crate::engine::table::Table;

/// ReaderState read before the column buffers are sized for the whole file.
const SIZING_ROWS: usize = 1000;

/// Takes records from `rec` into `rows` until the text ends, or (with `stop`) until a data record
/// that starts at or after that text offset (the header is always taken); that record is not
/// taken and its offset and line are returned.
pub(super) fn read_rows<R: Read>(
    file: &str,
    rows: &mut ReaderState,
    rec: &mut RecordSplitter<R>,
    stop: Option<u64>,
) -> Result<Option<(u64, u64)>> {
    match take_rows(file, rows, rec, stop)? {
        Halt::End => Ok(None),
        Halt::AtRecord(offset, line) => Ok(Some((offset, line))),
        Halt::OutOfBytes => Err(EngineError::Unreadable { file: file.into(), reason: "the file's bytes stopped coming".into() }),
    }
}

/// Why [`take_rows`] stopped taking records.
pub(super) enum Halt {
    /// At the end of the text.
    End,
    /// At the data record at this text offset and line (not taken): the stop asked for.
    AtRecord(u64, u64),
    /// Every byte pushed so far is read (see [`crate::engine::ingest::feed`]): push more and call again.
    OutOfBytes,
}

/// [`read_rows`] over a source that may run out of pushed bytes for now.
pub(super) fn take_rows<R: Read>(file: &str, rows: &mut ReaderState, rec: &mut RecordSplitter<R>, stop: Option<u64>) -> Result<Halt> {
    let stop = stop.unwrap_or(u64::MAX);
    loop {
        match rec.next_record() {
            Ok(true) => {}
            Ok(false) => return Ok(Halt::End),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Ok(Halt::OutOfBytes),
            Err(e) => return Err(EngineError::Unreadable { file: file.into(), reason: e.to_string() }),
        }
        if rec.offset() >= stop && rows.header.is_some() {
            return Ok(Halt::AtRecord(rec.offset(), rec.line()));
        }
        rows.take(rec);
    }
}

/// What the reader has gathered so far.
#[derive(Default)]
pub(super) struct ReaderState {
    pub(super) decimal_comma: bool,
    /// The text's size in bytes (sizes the buffers).
    pub(super) size: u64,
    pub(super) header: Option<Vec<String>>,
    pub(super) cells: Vec<ColumnBuilder>,
    /// File line of each accepted row.
    pub(super) lines: Lines,
    pub(super) rejected: Vec<RejectedRow>,
    /// Rows with fewer fields than the header, their missing last fields read as blank.
    pub(super) short: ShortRows,
    pub(super) blank_rows: usize,
    pub(super) rows_in: usize,
    /// Added to the reader's line numbers (the text starts at line `line_shift + 1` of the file).
    pub(super) line_shift: u64,
}

impl ReaderState {
    /// Nothing read yet of a text of `size` bytes whose first record is the header.
    pub(super) fn new(delimiter: u8, size: u64) -> Self {
        ReaderState { decimal_comma: delimiter == b';', size, ..ReaderState::default() }
    }

    /// Nothing read yet of a text of `size` bytes from the middle of a file of `width` columns:
    /// every record is data.
    pub(super) fn headless(delimiter: u8, size: u64, width: usize) -> Self {
        let decimal_comma = delimiter == b';';
        ReaderState {
            decimal_comma,
            size,
            header: Some(vec![String::new(); width]),
            cells: (0..width).map(|_| ColumnBuilder::new(decimal_comma)).collect(),
            ..ReaderState::default()
        }
    }

    /// The rows as a table and the report of their reading.
    pub(super) fn finish(self, file: &str, encoding: Encoding, delimiter: u8) -> Result<Ingested> {
        let ReaderState { header, cells, lines, rejected, short, blank_rows, rows_in, decimal_comma, .. } = self;
        let Some(header) = header else {
            return Err(EngineError::EmptyInput { file: file.into(), what: "the file holds no header row".into() });
        };
        if rows_in == 0 {
            return Err(EngineError::EmptyInput {
                file: file.into(),
                what: format!("only a header row ({} columns), no data rows", header.len()),
            });
        }
        let mut fields = Vec::with_capacity(header.len());
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(header.len());
        let mut columns = Vec::with_capacity(header.len());
        for (name, values) in header.into_iter().zip(cells) {
            let (array, kind) = values.finish();
            fields.push(Field::new(&name, array.data_type().clone(), true));
            arrays.push(array);
            columns.push(ColumnInfo { name, kind });
        }
        let batch =
            RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| EngineError::Internal(format!("{file}: {e}")))?;
        Ok(Ingested {
            table: Table::new(file, batch, lines),
            report: IngestReport {
                file: file.into(),
                encoding: Encoding::label(encoding).into(),
                delimiter: delimiter_name(delimiter).into(),
                decimal_comma,
                rows_in,
                blank_rows,
                rejected,
                short_rows: short,
                columns,
            },
        })
    }

    /// Takes one record: the header, a blank line, a rejected row or a row of cells.
    ///
    /// Kept out of line on purpose: a browser runs a long-running WebAssembly function in its
    /// baseline tier until it returns (there is no on-stack replacement), so the per-record work
    /// must be a function that is called, and so optimised, many times (ARCHITECTURE.md, "Speed in
    /// the browser"; `index.html` tells wasm-opt not to inline it back).
    #[inline(never)]
    pub(super) fn take<R: Read>(&mut self, rec: &RecordSplitter<R>) {
        let line = rec.line() + self.line_shift;
        if rec.fields().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            self.blank_rows += 1;
            return;
        }
        let Some(h) = &self.header else {
            let names = make_header(rec.fields());
            self.cells = names.iter().map(|_| ColumnBuilder::new(self.decimal_comma)).collect();
            self.header = Some(names);
            return;
        };
        self.rows_in += 1;
        let problem = check_record(rec, h.len());
        if rec.unclosed_quote() {
            // The record swallowed everything after an opening quote: never use it as data.
            let note = "a quoted field opened on this line is never closed before the end of the file";
            self.rejected.push(RejectedRow { line, reason: problem.map_or_else(|| note.to_string(), |p| format!("{note} ({p})")) });
            return;
        }
        if let Some(reason) = problem {
            self.rejected.push(RejectedRow { line, reason });
            return;
        }
        // check_record proved every field is UTF-8 and that there are at least as many as columns;
        // trimming ASCII spaces keeps them UTF-8.
        for (col, (cell, tail)) in self.cells.iter_mut().zip(rec.fields_with_tails()) {
            let start = cell.len() - cell.trim_ascii_start().len();
            col.push(cell.trim_ascii(), &tail[start..]);
        }
        if rec.len() < self.cells.len() {
            self.cells[rec.len()..].iter_mut().for_each(|col| col.push(b"", b""));
            self.short.add(line);
        }
        self.lines.push(line);
        if self.lines.len() == SIZING_ROWS {
            // Size every buffer once for the whole file, so a large file is not copied on each
            // doubling and does not end with up to twice the memory it needs.
            let seen = rec.position().max(1) as f64;
            let expected_rows = (SIZING_ROWS as f64 * self.size as f64 / seen * 1.02) as usize;
            if expected_rows > 2 * SIZING_ROWS {
                self.cells.iter_mut().for_each(|c| c.reserve(expected_rows));
            }
        }
    }
}

/// Why a record cannot be used, or `None` when it can.
///
/// A record with more fields than the header is refused unless the extra ones are blank. One
/// with fewer is taken, its missing last fields blank (as pandas, R and spreadsheet programs
/// read a file whose writer leaves out empty last fields), when it has at least two fields and
/// at least half the header's: a one-field line under a wide header (a footnote, `Source: …`,
/// `Total`) or a record cut short by a stray line break is refused.
fn check_record<R: Read>(record: &RecordSplitter<R>, width: usize) -> Option<String> {
    let n = record.len();
    let extra_blank = n > width && record.fields().skip(width).all(|f| f.iter().all(u8::is_ascii_whitespace));
    let short_but_whole = n < width && n >= 2 && n * 2 >= width;
    if n != width && !extra_blank && !short_but_whole {
        return Some(format!("has {n} fields, expected {width} (as in the header)"));
    }
    // The common case, checked on the whole record at once: plain ASCII without NUL bytes. (A
    // whole-record UTF-8 check is not enough: a field boundary can split a multi-byte character —
    // found by the property test, kept in tests/corpus.rs.)
    if plain_ascii(record.bytes()) {
        return None;
    }
    for (c, f) in record.fields().enumerate().take(width) {
        if let Err(e) = std::str::from_utf8(f) {
            return Some(format!("column {}: not valid UTF-8 at byte {} of the field", c + 1, e.valid_up_to()));
        }
        if f.contains(&0) {
            return Some(format!("column {}: contains a NUL byte (binary data, not text)", c + 1));
        }
    }
    None
}

/// Whether `bytes` are all ASCII and none is NUL, eight at a time.
fn plain_ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().expect("eight bytes"));
        // A high bit set: not ASCII. Else `(w - 1…) & !w` has a high bit exactly where a byte is 0.
        if w & HIGH != 0 || w.wrapping_sub(ONES) & !w & HIGH != 0 {
            return false;
        }
    }
    words.remainder().iter().all(|&b| b != 0 && b.is_ascii())
}

/// Header names: whitespace (including newlines in quoted headers) collapsed, blanks named
/// `column_N`, duplicates suffixed `_2`, `_3`…
fn make_header<'a>(fields: impl Iterator<Item = &'a [u8]>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, f) in fields.enumerate() {
        let s = String::from_utf8_lossy(f);
        let mut name = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            name = format!("column_{}", i + 1);
        }
        let base = name.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}
