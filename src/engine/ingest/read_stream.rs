//! The readers that pull a file's bytes from a `Read` (natively, and in the browser where a file
//! is read in slices): the whole file, the file up to a split, and the part after a split. Each
//! pushes the bytes on to a feed ([`crate::engine::ingest::feed`]), so there is one reading path.

use std::io::Read;

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::feed::{CsvFeed, PartFeed};
use crate::engine::ingest::ingested::Ingested;
use crate::engine::ingest::part::{FilePart, PausedRead};
use crate::engine::ingest::source::{fill_from, PULL_BYTES};

/// Files up to this size are read whole before parsing (the encoding is decided on every byte);
/// bigger ones stream through [`read_csv_stream`], the encoding decided on this many first bytes.
pub const HEAD_BYTES: usize = 16 << 20;

/// Reads a delimited text file of `size` bytes from `source` without holding the whole file: the
/// rows go straight into Arrow column buffers. The first `head` bytes (use [`HEAD_BYTES`]) decide
/// the encoding and delimiter. The result is exactly what [`crate::engine::ingest::read_whole::read_csv`] gives on the same bytes
/// when the file is at most `head` bytes long or UTF-8; a longer file whose head is not UTF-8
/// (UTF-16, Windows-1252) is read whole and then parsed. `size` only sizes buffers and enforces
/// [`crate::engine::ingest::checks::MAX_INPUT_BYTES`].
pub fn read_csv_stream(file: &str, size: u64, source: impl Read, head: usize) -> Result<Ingested> {
    match read_csv_until(file, size, source, head, None)? {
        Ok(ingested) => Ok(ingested),
        Err(_) => unreachable!("a read without a stop runs to the end"),
    }
}

/// [`read_csv_stream`], pausing (when `stop` is given and the file is read as it streams: UTF-8,
/// longer than `head`) at the first data record that starts at or after file offset `stop`, for
/// the rest to be read by another reader (see [`crate::engine::ingest::part`]).
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

/// Reads a file's rows from the first line that starts at or after file offset `from` (at least 1)
/// to its end, handing them to `on_piece` in pieces of about `piece_bytes` bytes of text each (so
/// that a piece can be sent on while the next is read, and the reader's memory is reused);
/// `source` yields the file's bytes from offset `from - 1`, and `size` is the file's size (it sizes
/// buffers). The delimiter and number of columns are guessed from the first records; every record
/// is data. A part without any record is one piece whose `first` is `None`.
pub fn read_csv_part(
    file: &str,
    from: u64,
    size: u64,
    mut source: impl Read,
    piece_bytes: u64,
    mut on_piece: impl FnMut(FilePart) -> Result<()>,
) -> Result<()> {
    let io = |e: std::io::Error| EngineError::Unreadable { file: file.into(), reason: e.to_string() };
    let mut feed = PartFeed::new(file, from, size, piece_bytes);
    loop {
        let mut got = Ok(0);
        let done = feed.push_with(
            PULL_BYTES,
            |room| {
                got = fill_from(&mut source, room);
                *got.as_ref().unwrap_or(&0)
            },
            &mut on_piece,
        )?;
        let n = got.map_err(io)?;
        if done {
            return Ok(());
        }
        if n == 0 {
            return feed.end(&mut on_piece);
        }
    }
}
