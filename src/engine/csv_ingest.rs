//! CSV/TSV ingest: sniffs the encoding and delimiter, reads every record, rejects the ones that
//! cannot be used (with line and reason), and types each column.

use std::io::Read;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use serde::{Deserialize, Serialize};

use super::column_builder::ColumnBuilder;
use super::csv_feed::CsvFeed;
use super::csv_records::RecordSplitter;
use super::csv_split::PausedRead;
use super::error::{EngineError, Result};
use super::infer::ColumnKind;
use super::line_numbers::Lines;
use super::table::Table;
use super::text::{decode, Encoding};

/// The largest file the engine will read at once. Bigger files are refused with a message instead
/// of exhausting the browser tab's memory (a 32-bit wasm page has 4 GiB in all).
pub const MAX_INPUT_BYTES: usize = 1_000_000_000;

/// A row that could not be read, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedRow {
    /// 1-based line of the file where the record starts.
    pub line: u64,
    /// Why it was rejected, in words.
    pub reason: String,
}

/// What the reader detected and how many rows it saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// The file's name.
    pub file: String,
    /// Detected encoding, as shown to users.
    pub encoding: String,
    /// Detected delimiter, as shown to users (`comma`, `tab`, `semicolon`, `pipe`).
    pub delimiter: String,
    /// Whether numbers were read with decimal commas (files delimited by `;`).
    pub decimal_comma: bool,
    /// Data rows in the file (blank lines not counted): accepted + rejected.
    pub rows_in: usize,
    /// Lines that were blank or held only empty fields; they are not data and not counted.
    pub blank_rows: usize,
    /// Rows that could not be read.
    pub rejected: Vec<RejectedRow>,
    /// Every column with its detected type.
    pub columns: Vec<ColumnInfo>,
}

/// One column as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    /// The name used in the engine (trimmed, made unique).
    pub name: String,
    /// The type detected.
    pub kind: ColumnKind,
}

/// A read file: its typed rows and what happened while reading.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// The accepted rows.
    pub table: Table,
    /// Detection and rejection report.
    pub report: IngestReport,
}

/// Files up to this size are read whole before parsing (the encoding is decided on every byte);
/// bigger ones stream through [`read_csv_stream`], the encoding decided on this many first bytes.
pub const HEAD_BYTES: usize = 16 << 20;

/// Reads a delimited text file given as bytes. `file` is its name for messages.
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<Ingested> {
    check_size(file, bytes.len() as u64)?;
    check_text(file, bytes)?;
    let (text, encoding) = decode(bytes);
    let text: &[u8] = &text;
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(EngineError::EmptyInput { file: file.into(), what: "the file is empty".into() });
    }
    let delimiter = sniff_delimiter(text);
    parse(file, text, text.len() as u64, encoding, delimiter)
}

/// Reads a delimited text file of `size` bytes from `source` without holding the whole file: the
/// rows go straight into Arrow column buffers. The first `head` bytes (use [`HEAD_BYTES`]) decide
/// the encoding and delimiter. The result is exactly what [`read_csv`] gives on the same bytes
/// when the file is at most `head` bytes long or UTF-8; a longer file whose head is not UTF-8
/// (UTF-16, Windows-1252) is read whole and then parsed. `size` only sizes buffers and enforces
/// [`MAX_INPUT_BYTES`].
pub fn read_csv_stream(file: &str, size: u64, source: impl Read, head: usize) -> Result<Ingested> {
    match read_csv_until(file, size, source, head, None)? {
        Ok(ingested) => Ok(ingested),
        Err(_) => unreachable!("a read without a stop runs to the end"),
    }
}

/// [`read_csv_stream`], pausing (when `stop` is given and the file is read as it streams: UTF-8,
/// longer than `head`) at the first data record that starts at or after file offset `stop`, for
/// the rest to be read by another reader (see [`crate::engine::csv_split`]).
pub fn read_csv_until(
    file: &str,
    size: u64,
    mut source: impl Read,
    head: usize,
    stop: Option<u64>,
) -> Result<std::result::Result<Ingested, PausedRead>> {
    let io = |e: std::io::Error| EngineError::Unreadable { file: file.into(), reason: e.to_string() };
    let mut feed = CsvFeed::new(file, size, head, stop)?;
    loop {
        let mut got = Ok(0);
        let taken = feed.push_with(PULL_BYTES, |room| {
            got = fill_from(&mut source, room);
            *got.as_ref().unwrap_or(&0)
        })?;
        if got.map_err(io)? == 0 {
            return feed.end();
        }
        if let Some(outcome) = taken {
            return Ok(outcome);
        }
    }
}

/// Bytes asked of a source at a time by the readers that pull (the text is pushed on to a
/// [`CsvFeed`], as a browser's stream pushes it).
pub(super) const PULL_BYTES: usize = 1 << 20;

/// Reads from `source` until `room` is full or the source ends; the number of bytes read.
pub(super) fn fill_from(source: &mut impl Read, room: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < room.len() {
        match source.read(&mut room[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The first bytes of a file, already read, then the rest; the first bytes are let go as soon as
/// they are read (they are [`HEAD_BYTES`] long).
pub(super) struct HeadThenRest<R> {
    pub(super) head: Vec<u8>,
    pub(super) at: usize,
    pub(super) rest: R,
}

impl<R: Read> Read for HeadThenRest<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at < self.head.len() {
            let n = buf.len().min(self.head.len() - self.at);
            buf[..n].copy_from_slice(&self.head[self.at..self.at + n]);
            self.at += n;
            if self.at == self.head.len() {
                self.head = Vec::new();
                self.at = 0;
            }
            return Ok(n);
        }
        self.rest.read(buf)
    }
}

/// Refuses inputs over [`MAX_INPUT_BYTES`] before reading them.
pub(super) fn check_size(file: &str, size: u64) -> Result<()> {
    if size > MAX_INPUT_BYTES as u64 {
        return Err(EngineError::TooLarge {
            file: file.into(),
            reason: format!(
                "the file is {:.1} GB; Equimap reads files up to {:.1} GB in the browser. Split it, or use `equimap analyze` natively",
                size as f64 / 1e9,
                MAX_INPUT_BYTES as f64 / 1e9
            ),
        });
    }
    Ok(())
}

/// Refuses binary files (workbooks, images, archives) by their first bytes.
pub(super) fn check_text(file: &str, head: &[u8]) -> Result<()> {
    match binary_kind(head) {
        Some(kind) => Err(EngineError::EmptyInput {
            file: file.into(),
            what: format!("this is {kind}, not a text table; export it as CSV (or Parquet) and drop that"),
        }),
        None => Ok(()),
    }
}

/// Rows read before the column buffers are sized for the whole file.
const SIZING_ROWS: usize = 1000;

/// Reads every record of UTF-8 `text` (about `size` bytes), rejecting the unusable ones, and types
/// the columns while reading.
fn parse(file: &str, text: impl Read, size: u64, encoding: Encoding, delimiter: u8) -> Result<Ingested> {
    let mut rows = Rows::new(delimiter, size);
    read_rows(file, &mut rows, &mut RecordSplitter::new(text, delimiter), None)?;
    rows.finish(file, encoding, delimiter)
}

/// Takes records from `rec` into `rows` until the text ends, or (with `stop`) until a data record
/// that starts at or after that text offset (the header is always taken); that record is not
/// taken and its offset and line are returned.
pub(super) fn read_rows<R: Read>(
    file: &str,
    rows: &mut Rows,
    rec: &mut RecordSplitter<R>,
    stop: Option<u64>,
) -> Result<Option<(u64, u64)>> {
    match take_rows(file, rows, rec, stop)? {
        Taken::End => Ok(None),
        Taken::Stopped(offset, line) => Ok(Some((offset, line))),
        Taken::Blocked => Err(EngineError::Unreadable { file: file.into(), reason: "the file's bytes stopped coming".into() }),
    }
}

/// Where [`take_rows`] stopped.
pub(super) enum Taken {
    /// At the end of the text.
    End,
    /// At the data record at this text offset and line (not taken).
    Stopped(u64, u64),
    /// Every byte pushed so far is read (see [`super::csv_feed`]): push more and call again.
    Blocked,
}

/// [`read_rows`] over a source that may run out of pushed bytes for now.
pub(super) fn take_rows<R: Read>(file: &str, rows: &mut Rows, rec: &mut RecordSplitter<R>, stop: Option<u64>) -> Result<Taken> {
    let stop = stop.unwrap_or(u64::MAX);
    loop {
        match rec.next_record() {
            Ok(true) => {}
            Ok(false) => return Ok(Taken::End),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Ok(Taken::Blocked),
            Err(e) => return Err(EngineError::Unreadable { file: file.into(), reason: e.to_string() }),
        }
        if rec.offset() >= stop && rows.header.is_some() {
            return Ok(Taken::Stopped(rec.offset(), rec.line()));
        }
        rows.take(rec);
    }
}

/// What the reader has gathered so far.
#[derive(Default)]
pub(super) struct Rows {
    pub(super) decimal_comma: bool,
    /// The text's size in bytes (sizes the buffers).
    pub(super) size: u64,
    pub(super) header: Option<Vec<String>>,
    pub(super) cells: Vec<ColumnBuilder>,
    /// File line of each accepted row.
    pub(super) lines: Lines,
    pub(super) rejected: Vec<RejectedRow>,
    pub(super) blank_rows: usize,
    pub(super) rows_in: usize,
    /// Added to the reader's line numbers (the text starts at line `line_shift + 1` of the file).
    pub(super) line_shift: u64,
}

impl Rows {
    /// Nothing read yet of a text of `size` bytes whose first record is the header.
    pub(super) fn new(delimiter: u8, size: u64) -> Self {
        Rows { decimal_comma: delimiter == b';', size, ..Rows::default() }
    }

    /// Nothing read yet of a text of `size` bytes from the middle of a file of `width` columns:
    /// every record is data.
    pub(super) fn headless(delimiter: u8, size: u64, width: usize) -> Self {
        let decimal_comma = delimiter == b';';
        Rows {
            decimal_comma,
            size,
            header: Some(vec![String::new(); width]),
            cells: (0..width).map(|_| ColumnBuilder::new(decimal_comma)).collect(),
            ..Rows::default()
        }
    }

    /// The rows as a table and the report of their reading.
    pub(super) fn finish(self, file: &str, encoding: Encoding, delimiter: u8) -> Result<Ingested> {
        let Rows { header, cells, lines, rejected, blank_rows, rows_in, decimal_comma, .. } = self;
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
            RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| EngineError::BadOption(format!("{file}: {e}")))?;
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
                columns,
            },
        })
    }

    /// Takes one record: the header, a blank line, a rejected row or a row of cells.
    ///
    /// Kept out of line on purpose: a browser runs a long-running WebAssembly function in its
    /// baseline tier until it returns (there is no on-stack replacement), so the per-record work
    /// must be a function that is called, and so optimised, many times.
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
fn check_record<R: Read>(record: &RecordSplitter<R>, width: usize) -> Option<String> {
    let n = record.len();
    let extra_blank = n > width && record.fields().skip(width).all(|f| f.iter().all(u8::is_ascii_whitespace));
    if n != width && !extra_blank {
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

/// Picks the delimiter among `, \t ; |` that splits the first records into the most consistent,
/// widest rows.
pub fn sniff_delimiter(text: &[u8]) -> u8 {
    sniff(text).0
}

/// [`sniff_delimiter`], with the number of fields of most of the first records it splits (0 when
/// no delimiter splits them into two or more).
pub(super) fn sniff(text: &[u8]) -> (u8, usize) {
    let sample_len = text.len().min(64 * 1024);
    let truncated = sample_len < text.len();
    let sample = &text[..sample_len];
    let mut best = (b',', 0usize, 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        // A buffer the sample's size, not the reader's default megabyte (four readers per file).
        let mut r = RecordSplitter::with_buffer(sample, d, sample.len() + 1);
        let mut counts: Vec<usize> = Vec::new();
        while counts.len() < 50 && r.next_record().unwrap_or(false) {
            counts.push(r.len());
        }
        if truncated && counts.len() > 1 {
            counts.pop();
        }
        if counts.is_empty() {
            continue;
        }
        let mut freq = std::collections::BTreeMap::new();
        for c in &counts {
            *freq.entry(*c).or_insert(0usize) += 1;
        }
        let (&width, &agree) = freq.iter().max_by_key(|(w, n)| (**n, **w)).expect("non-empty");
        if width < 2 {
            continue;
        }
        if (agree, width) > (best.1, best.2) {
            best = (d, agree, width);
        }
    }
    (best.0, best.2)
}

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b'\t' => "tab",
        b';' => "semicolon",
        b'|' => "pipe",
        _ => "comma",
    }
}

/// Recognises common binary formats by their first bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx or .ods workbook?)"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "an old Excel .xls workbook"),
        (b"\x89PNG", "a PNG image"),
        (b"GIF8", "a GIF image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"%PDF", "a PDF document"),
        (b"\x1F\x8B", "a gzip-compressed file (decompress it first)"),
        (b"PAR1", "a Parquet file named like a text file (rename it .parquet)"),
    ];
    SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)).map(|(_, k)| *k)
}
