//! Reading one large CSV file as two parts at once (in the browser: two workers, one core each).
//!
//! The first reader reads from the start and pauses at the first record that starts at or after a
//! split offset ([`crate::engine::ingest::read_stream::read_csv_until`]: a [`PausedRead`]). The second reads from the
//! first line after that offset to the end ([`crate::engine::ingest::read_stream::read_csv_part`]), not knowing the header, in pieces.
//! Each piece is joined ([`PausedRead::append`]) only when it fits ([`PausedRead::misfit`]): its
//! first record is the very record the first reader stopped at (so the split did not fall inside a
//! quoted field) and both split records alike (same delimiter and number of columns). Otherwise
//! the first reader reads the rest itself ([`PausedRead::resume`]), also when the second reader
//! fails part of the way. Either way the result has the values, rows, line numbers, rejected rows
//! and column types of reading the file in one pass (a text column may be kept as a dictionary
//! where one pass writes it out as plain text, or the other way round).

use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::checks::MAX_INPUT_BYTES;
use crate::engine::ingest::ingested::{Ingested, RejectedRow, ShortRows};
use crate::engine::ingest::is_parquet;
use crate::engine::ingest::records::RecordSplitter;
use crate::engine::ingest::rows::{read_rows, ReaderState};
use crate::engine::ingest::text::Encoding;
use crate::engine::ingest::typing::column_builder::ColumnPart;

/// CSV files at least this big are read as two parts at once.
pub const SPLIT_BYTES: u64 = 24 << 20;

/// Share of the file the first reader reads itself: a little less than half, because it also
/// joins the second reader's pieces (about a fifth of the time it takes to read them), and can do
/// so as they arrive once its own share is read.
pub const SPLIT_AT: f64 = 0.45;

/// Where a file of `size` bytes named `file` is split to be read as two parts (the second reader
/// starts at the first line at or after this offset), or `None` when it is read in one: a file
/// named `.parquet`, under [`SPLIT_BYTES`], or too large to read at all (refused by the reader).
pub fn split_point(file: &str, size: u64) -> Option<u64> {
    let csv = !is_parquet(file, &[]);
    let fits = size <= MAX_INPUT_BYTES as u64;
    (csv && fits && size >= SPLIT_BYTES).then(|| (size as f64 * SPLIT_AT).floor() as u64)
}

/// A read of a file's first part, paused at a record boundary so that the rest can come from
/// another reader.
pub struct PausedRead {
    pub(super) file: String,
    pub(super) encoding: Encoding,
    pub(super) delimiter: u8,
    pub(super) rows: ReaderState,
    /// File offset and line of the first record not taken.
    pub(super) offset: u64,
    pub(super) line: u64,
}

/// ReaderState of a file from a line start to its end (or to the start of the next piece), read without
/// its header by another reader.
#[derive(Debug, Clone, PartialEq)]
pub struct FilePart {
    /// Where the part is and what was counted (all but the rows' buffers).
    pub head: PartHead,
    /// Line of each accepted row, counted from the part's start.
    pub lines: Vec<u64>,
    /// Each column's cells.
    pub columns: Vec<ColumnPart>,
}

/// A [`FilePart`] but its buffers: what travels as JSON between workers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartHead {
    /// File offset where the part starts (just after a `\n`).
    pub start: u64,
    /// Offset from `start` and line (1 for the line at `start`) of the part's first record, if it
    /// has one.
    pub first: Option<(u64, u64)>,
    /// The same for the record that follows the part, when the part is a piece that does not
    /// reach the end of the file.
    pub next: Option<(u64, u64)>,
    /// The delimiter the part was split with (guessed from its first records).
    pub delimiter: u8,
    /// Number of columns the part's records were checked against.
    pub width: usize,
    /// Data rows (accepted and rejected; blank lines not counted).
    pub rows_in: usize,
    /// Lines that held only empty fields.
    pub blank_rows: usize,
    /// Rows that could not be read, lines counted from the part's start.
    pub rejected: Vec<RejectedRow>,
    /// Rows read with blank missing last fields, lines counted from the part's start.
    #[serde(default)]
    pub short: ShortRows,
}

impl FilePart {
    /// A part without records, starting at `start`.
    pub(super) fn empty(start: u64) -> Self {
        FilePart {
            head: PartHead {
                start,
                first: None,
                next: None,
                delimiter: b',',
                width: 0,
                rows_in: 0,
                blank_rows: 0,
                rejected: vec![],
                short: ShortRows::default(),
            },
            lines: vec![],
            columns: vec![],
        }
    }
}

impl PausedRead {
    /// File offset of the first record not taken: the rest of the file is read from here.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Why the part of `part` does not continue this read exactly, or `None` when it does.
    pub fn misfit(&self, part: &PartHead) -> Option<String> {
        let width = self.rows.header.as_ref().map_or(0, Vec::len);
        match part.first {
            None => Some("the second part holds no record".into()),
            Some((at, _)) if part.start + at != self.offset => Some(format!(
                "the second part's first record starts at byte {} and the first part stopped at a record starting at byte {} (the split fell inside a quoted field)",
                part.start + at,
                self.offset
            )),
            Some(_) if part.delimiter != self.delimiter => Some("the second part guessed another delimiter".into()),
            Some(_) if part.width != width => {
                Some(format!("the second part guessed {} columns, the header has {width}", part.width))
            }
            Some(_) => None,
        }
    }

    /// Appends `part` (which must fit: see [`Self::misfit`]), its columns given one at a time (each
    /// can be made just before it is appended, so only one column is held twice; `part.columns` is
    /// not used). `true` when the part reaches the end of the file: the read can be finished.
    pub fn append(&mut self, part: FilePart, columns: impl IntoIterator<Item = ColumnPart>) -> Result<bool> {
        let columns = columns.into_iter();
        let FilePart { head: part, lines, .. } = part;
        let why = self.misfit(&part).or_else(|| (columns.size_hint().0 != part.width).then(|| "a column is missing".into()));
        let (Some((_, first_line)), None) = (part.first, why.as_ref()) else {
            let why = why.unwrap_or_default();
            return Err(EngineError::Internal(format!("{}: the two parts of the file cannot be joined: {why}", self.file)));
        };
        // Lines of the part count from 1 at its start; its first record is on line `self.line`.
        let shift = self.line - first_line;
        let rows = &mut self.rows;
        rows.rows_in += part.rows_in;
        rows.blank_rows += part.blank_rows;
        rows.rejected.extend(part.rejected.into_iter().map(|r| RejectedRow { line: r.line + shift, ..r }));
        rows.short.append(&part.short, shift);
        rows.lines.extend(lines.iter().map(|l| l + shift));
        for (cells, more) in rows.cells.iter_mut().zip(columns) {
            cells.append_part(more);
        }
        match part.next {
            Some((at, line)) => {
                self.offset = part.start + at;
                self.line = line + shift;
                Ok(false)
            }
            None => Ok(true),
        }
    }

    /// The rows read and joined so far, as a table.
    pub fn finish(self) -> Result<Ingested> {
        self.rows.finish(&self.file, self.encoding, self.delimiter)
    }

    /// Reads the rest of the file itself from `source`, which yields the file's bytes from
    /// [`Self::offset`] on, and finishes the read.
    pub fn resume(mut self, source: impl Read) -> Result<Ingested> {
        self.rows.line_shift = self.line - 1;
        let mut rec = RecordSplitter::new(source, self.delimiter).without_bom();
        read_rows(&self.file, &mut self.rows, &mut rec, None)?;
        self.rows.finish(&self.file, self.encoding, self.delimiter)
    }
}
