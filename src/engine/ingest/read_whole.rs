//! A delimited text file read from bytes held whole: encoding decided on every byte, delimiter
//! sniffed, every record read, the unusable ones rejected with line and reason, each column typed.

use std::io::Read;

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::checks::{check_size, check_text};
use crate::engine::ingest::ingested::Ingested;
use crate::engine::ingest::records::RecordSplitter;
use crate::engine::ingest::rows::{read_rows, ReaderState};
use crate::engine::ingest::sniff::sniff_delimiter;
use crate::engine::ingest::text::{decode, Encoding};

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

/// Reads every record of UTF-8 `text` (about `size` bytes), rejecting the unusable ones, and types
/// the columns while reading.
fn parse(file: &str, text: impl Read, size: u64, encoding: Encoding, delimiter: u8) -> Result<Ingested> {
    let mut rows = ReaderState::new(delimiter, size);
    read_rows(file, &mut rows, &mut RecordSplitter::new(text, delimiter), None)?;
    rows.finish(file, encoding, delimiter)
}
