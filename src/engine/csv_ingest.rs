//! CSV/TSV ingest: sniffs the encoding and delimiter, reads every record, rejects the ones that
//! cannot be used (with line and reason), and types each column.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use serde::Serialize;

use super::error::{EngineError, Result};
use super::infer::{infer_column, ColumnKind};
use super::table::Table;
use super::text::{decode, Encoding};

/// The largest file the engine will read at once. Bigger files are refused with a message instead
/// of exhausting the browser tab's memory (a 32-bit wasm page has 4 GiB in all).
pub const MAX_INPUT_BYTES: usize = 1_000_000_000;

/// A row that could not be read, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RejectedRow {
    /// 1-based line of the file where the record starts.
    pub line: u64,
    /// Why it was rejected, in words.
    pub reason: String,
}

/// What the reader detected and how many rows it saw.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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

/// Reads a delimited text file given as bytes. `file` is its name for messages.
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<Ingested> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(EngineError::TooLarge {
            file: file.into(),
            reason: format!(
                "the file is {:.1} GB; Equimap reads files up to {:.1} GB in the browser. Split it, or use `equimap analyze` natively",
                bytes.len() as f64 / 1e9,
                MAX_INPUT_BYTES as f64 / 1e9
            ),
        });
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(EngineError::EmptyInput {
            file: file.into(),
            what: format!("this is {kind}, not a text table; export it as CSV (or Parquet) and drop that"),
        });
    }
    let (text, encoding) = decode(bytes);
    let text: &[u8] = &text;
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(EngineError::EmptyInput { file: file.into(), what: "the file is empty".into() });
    }
    let delimiter = sniff_delimiter(text);
    let decimal_comma = delimiter == b';';
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text);

    let mut header: Option<Vec<String>> = None;
    let mut cells: Vec<TextColumn> = Vec::new();
    let mut lines = Vec::new();
    let mut rejected = Vec::new();
    let mut blank_rows = 0usize;
    let mut rows_in = 0usize;
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // The csv reader only fails on I/O from a byte slice, which cannot happen; keep going.
                rejected.push(RejectedRow { line, reason: e.to_string() });
                rows_in += 1;
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            blank_rows += 1;
            continue;
        }
        let Some(h) = &header else {
            header = Some(make_header(&record));
            cells = (0..header.as_ref().map_or(0, Vec::len)).map(|_| TextColumn::default()).collect();
            continue;
        };
        rows_in += 1;
        if let Some(reason) = check_record(&record, h.len()) {
            rejected.push(RejectedRow { line, reason });
            continue;
        }
        for (c, col) in cells.iter_mut().enumerate() {
            // check_record proved every field is UTF-8; trimming ASCII spaces keeps it so.
            col.push(record.get(c).unwrap_or_default().trim_ascii());
        }
        lines.push(line);
    }
    let Some(header) = header else {
        return Err(EngineError::EmptyInput { file: file.into(), what: "the file holds no header row".into() });
    };
    if rows_in == 0 {
        return Err(EngineError::EmptyInput {
            file: file.into(),
            what: format!("only a header row ({} columns), no data rows", header.len()),
        });
    }
    if ends_inside_quotes(text) {
        // The last record swallowed everything after an opening quote: never use it as data.
        let note = "a quoted field opened on this line is never closed before the end of the file";
        let last_accepted = lines.last().copied().unwrap_or(0);
        match rejected.last_mut() {
            Some(r) if r.line > last_accepted => r.reason = format!("{note} ({})", r.reason),
            _ => {
                if let Some(line) = lines.pop() {
                    cells.iter_mut().for_each(TextColumn::pop);
                    rejected.push(RejectedRow { line, reason: note.into() });
                }
            }
        }
    }
    let mut fields = Vec::with_capacity(header.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(header.len());
    let mut columns = Vec::with_capacity(header.len());
    for (name, values) in header.into_iter().zip(cells) {
        let (array, kind) = infer_column(&values.finish(), decimal_comma);
        fields.push(Field::new(&name, array.data_type().clone(), true));
        arrays.push(array);
        columns.push(ColumnInfo { name, kind });
    }
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| EngineError::BadOption(format!("{file}: {e}")))?;
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

/// Why a record cannot be used, or `None` when it can.
fn check_record(record: &csv::ByteRecord, width: usize) -> Option<String> {
    let n = record.len();
    let extra_blank = n > width && record.iter().skip(width).all(|f| f.iter().all(u8::is_ascii_whitespace));
    if n != width && !extra_blank {
        return Some(format!("has {n} fields, expected {width} (as in the header)"));
    }
    // The common case, checked on the whole record at once: plain ASCII without NUL bytes. (A
    // whole-record UTF-8 check is not enough: a field boundary can split a multi-byte character —
    // found by the property test, kept in tests/corpus.rs.)
    let all = record.as_slice();
    if all.is_ascii() && !all.contains(&0) {
        return None;
    }
    for (c, f) in record.iter().enumerate().take(width) {
        if let Err(e) = std::str::from_utf8(f) {
            return Some(format!("column {}: not valid UTF-8 at byte {} of the field", c + 1, e.valid_up_to()));
        }
        if f.contains(&0) {
            return Some(format!("column {}: contains a NUL byte (binary data, not text)", c + 1));
        }
    }
    None
}

/// Header names: whitespace (including newlines in quoted headers) collapsed, blanks named
/// `column_N`, duplicates suffixed `_2`, `_3`…
fn make_header(record: &csv::ByteRecord) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(record.len());
    for (i, f) in record.iter().enumerate() {
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
    let sample_len = text.len().min(64 * 1024);
    let truncated = sample_len < text.len();
    let sample = &text[..sample_len];
    let mut best = (b',', 0usize, 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        let mut r = csv::ReaderBuilder::new().delimiter(d).has_headers(false).flexible(true).from_reader(sample);
        let mut counts: Vec<usize> = r.byte_records().take(50).filter_map(|x| x.ok()).map(|x| x.len()).collect();
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
    best.0
}

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b'\t' => "tab",
        b';' => "semicolon",
        b'|' => "pipe",
        _ => "comma",
    }
}

/// True when the text ends inside a quoted field (an odd number of quote characters overall).
fn ends_inside_quotes(text: &[u8]) -> bool {
    text.iter().filter(|&&b| b == b'"').count() % 2 == 1
}

/// One column's cells as they are read: UTF-8 bytes back to back, offsets and validity, turned into
/// an Arrow `StringArray` without copying each cell into its own allocation.
#[derive(Default)]
struct TextColumn {
    data: Vec<u8>,
    offsets: Vec<i32>,
    valid: Vec<bool>,
}

impl TextColumn {
    /// Appends a trimmed cell; an empty one is null.
    fn push(&mut self, cell: &[u8]) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.data.extend_from_slice(cell);
        self.offsets.push(self.data.len() as i32);
        self.valid.push(!cell.is_empty());
    }

    /// Drops the last cell.
    fn pop(&mut self) {
        if self.valid.pop().is_some() {
            self.offsets.pop();
            let end = self.offsets.last().copied().unwrap_or(0) as usize;
            self.data.truncate(end);
        }
    }

    fn finish(self) -> arrow_array::StringArray {
        let offsets = if self.offsets.is_empty() { vec![0] } else { self.offsets };
        let offsets = arrow_buffer::OffsetBuffer::new(arrow_buffer::ScalarBuffer::from(offsets));
        let nulls = arrow_buffer::NullBuffer::from(self.valid);
        // Every cell was checked to be UTF-8 and trimmed of ASCII spaces only.
        arrow_array::StringArray::try_new(offsets, arrow_buffer::Buffer::from_vec(self.data), Some(nulls)).expect("valid UTF-8 and offsets")
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
