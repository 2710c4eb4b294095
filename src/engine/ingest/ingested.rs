//! What reading a file gives: its typed rows and the report of the reading (encoding, delimiter,
//! rows in, rejected rows with line and reason, every column's type).

use serde::{Deserialize, Serialize};

use crate::engine::ingest::typing::infer::ColumnKind;
use crate::engine::table::Table;

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
    /// Rows that could not be read, with line and reason.
    pub rejected: Vec<RejectedRow>,
    /// Rows with fewer fields than the header, read with their missing last fields blank.
    #[serde(default)]
    pub short_rows: ShortRows,
    /// Every column with its detected type.
    pub columns: Vec<ColumnInfo>,
}

/// Rows read with fewer fields than the header: how many, and the lines of the first few.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortRows {
    /// How many rows were short.
    pub count: usize,
    /// The lines of the first [`ShortRows::SHOWN`] of them.
    pub first_lines: Vec<u64>,
}

impl ShortRows {
    /// Lines kept.
    pub const SHOWN: usize = 5;

    /// Counts a short row on `line`.
    pub fn add(&mut self, line: u64) {
        self.count += 1;
        if self.first_lines.len() < Self::SHOWN {
            self.first_lines.push(line);
        }
    }

    /// Counts the short rows of a later part of the file, whose lines are `shift` lower.
    pub fn append(&mut self, later: &ShortRows, shift: u64) {
        self.count += later.count;
        let room = Self::SHOWN.saturating_sub(self.first_lines.len());
        self.first_lines.extend(later.first_lines.iter().take(room).map(|l| l + shift));
    }
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
