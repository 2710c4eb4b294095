//! CSV files read as their bytes are pushed in, for readers that cannot wait for bytes (a
//! browser's stream hands them over asynchronously, into one buffer that is reused: no garbage
//! per slice). [`CsvFeed`] is the whole-file read (what [`crate::engine::ingest::read_stream::read_csv_until`] pulls through),
//! [`PartFeed`] the second reader's part (what [`crate::engine::ingest::read_stream::read_csv_part`] pulls through); both give
//! exactly what the pulling readers give on the same bytes, however the bytes are cut.

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::checks::{check_size, check_text};
use crate::engine::ingest::ingested::Ingested;
use crate::engine::ingest::part::{FilePart, PartHead, PausedRead};
use crate::engine::ingest::read_whole::read_csv;
use crate::engine::ingest::records::RecordSplitter;
use crate::engine::ingest::rows::{take_rows, Halt, ReaderState};
use crate::engine::ingest::sniff::{sniff, sniff_delimiter};
use crate::engine::ingest::source::{append_with, HeadThenRest, PushedBytes};
use crate::engine::ingest::text::{decode, Encoding};

/// What a whole-file read gives: the file's table, or the read paused at a split (see
/// [`crate::engine::ingest::part`]).
pub type ReadOrPaused = std::result::Result<Ingested, PausedRead>;

/// A CSV file read from its start as its bytes are pushed in: [`crate::engine::ingest::read_stream::read_csv_until`] for a
/// reader that is handed the bytes. The first `head` bytes decide the encoding and delimiter; a
/// file not in UTF-8 is gathered whole and then read.
pub struct CsvFeed {
    file: String,
    size: u64,
    head: usize,
    stop: Option<u64>,
    stage: Stage,
}

// One per read: its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Stage {
    /// The first bytes, gathered (every byte when `whole`: the file is not in UTF-8).
    Head { bytes: Vec<u8>, whole: bool },
    /// Records read as bytes come; `skip` is the byte-order mark's length.
    Body { rows: ReaderState, rec: RecordSplitter<HeadThenRest<PushedBytes>>, skip: u64, encoding: Encoding, delimiter: u8 },
    /// The outcome was given.
    Done,
}

impl CsvFeed {
    /// A read of `file` (`size` bytes: it sizes buffers and is checked against the limit), which
    /// pauses at the first data record at or after file offset `stop` when one is given.
    pub fn new(file: &str, size: u64, head: usize, stop: Option<u64>) -> Result<Self> {
        check_size(file, size)?;
        let head = head.max(1);
        let bytes = Vec::with_capacity((size as usize).min(head));
        Ok(CsvFeed { file: file.into(), size, head, stop, stage: Stage::Head { bytes, whole: false } })
    }

    /// Takes the next bytes of the file: `fill` writes them into the room it is given (`n` bytes)
    /// and says how many it wrote. Gives the outcome once it is known (a read with a stop pauses
    /// before the file ends; after the outcome, bytes are ignored).
    pub fn push_with(&mut self, n: usize, fill: impl FnOnce(&mut [u8]) -> usize) -> Result<Option<ReadOrPaused>> {
        match &mut self.stage {
            Stage::Head { bytes, whole } => {
                append_with(bytes, n, fill);
                if !*whole && bytes.len() >= self.head {
                    let rest = bytes.split_off(self.head);
                    let head = std::mem::take(bytes);
                    return self.begin(head, rest);
                }
                Ok(None)
            }
            Stage::Body { rec, .. } => {
                rec.source_mut().rest.push_with(n, fill);
                self.run()
            }
            Stage::Done => Ok(None),
        }
    }

    /// The file ended: its outcome.
    pub fn end(mut self) -> Result<ReadOrPaused> {
        match std::mem::replace(&mut self.stage, Stage::Done) {
            // A file shorter than the head, or not in UTF-8: read whole.
            Stage::Head { bytes, .. } => read_csv(&self.file, &bytes).map(Ok),
            Stage::Body { mut rows, mut rec, skip, encoding, delimiter } => {
                rec.source_mut().rest.end();
                self.stage = Stage::Body { rows: std::mem::take(&mut rows), rec, skip, encoding, delimiter };
                match self.run()? {
                    Some(outcome) => Ok(outcome),
                    None => Err(EngineError::Unreadable { file: self.file.clone(), reason: "the read did not end with the file".into() }),
                }
            }
            Stage::Done => Err(EngineError::Unreadable { file: self.file.clone(), reason: "the file was read already".into() }),
        }
    }

    /// Decides the encoding and delimiter from the head, then reads on (`rest`: the bytes pushed
    /// past the head).
    fn begin(&mut self, head: Vec<u8>, rest: Vec<u8>) -> Result<Option<ReadOrPaused>> {
        check_text(&self.file, &head)?;
        let encoding = decode(&head).1;
        let skip = match encoding {
            Encoding::Utf8 => 0,
            Encoding::Utf8Bom => 3,
            _ => {
                let mut bytes = head;
                bytes.extend_from_slice(&rest);
                self.stage = Stage::Head { bytes, whole: true };
                return Ok(None);
            }
        };
        let delimiter = sniff_delimiter(&head[skip..]);
        let rows = ReaderState::new(delimiter, self.size);
        let rec = RecordSplitter::new(HeadThenRest { head, at: skip, rest: PushedBytes::holding(rest) }, delimiter);
        self.stage = Stage::Body { rows, rec, skip: skip as u64, encoding, delimiter };
        self.run()
    }

    /// Reads the records of the bytes pushed so far.
    fn run(&mut self) -> Result<Option<ReadOrPaused>> {
        let Stage::Body { rows, rec, skip, .. } = &mut self.stage else { return Ok(None) };
        // Offsets in the text are file offsets less the byte-order mark.
        let stop = self.stop.map(|s| s.saturating_sub(*skip));
        let taken = take_rows(&self.file, rows, rec, stop)?;
        if matches!(taken, Halt::OutOfBytes) {
            return Ok(None);
        }
        let Stage::Body { rows, skip, encoding, delimiter, .. } = std::mem::replace(&mut self.stage, Stage::Done) else {
            unreachable!("matched above")
        };
        let file = self.file.clone();
        match taken {
            Halt::AtRecord(offset, line) => Ok(Some(Err(PausedRead { file, encoding, delimiter, rows, offset: offset + skip, line }))),
            _ => rows.finish(&file, encoding, delimiter).map(|ingested| Some(Ok(ingested))),
        }
    }
}

/// A file's part read as its bytes are pushed in: [`crate::engine::ingest::read_stream::read_csv_part`] for a reader that is
/// handed the bytes, which start at file offset `from - 1`. Each piece is given to the caller as
/// soon as it is read.
pub struct PartFeed {
    file: String,
    size: u64,
    piece_bytes: u64,
    /// File offset of the part's first line, once the line end before it is found.
    start: u64,
    phase: Phase,
}

#[allow(clippy::large_enum_variant)]
enum Phase {
    /// Looking for the end of the line the part's first byte is in.
    Seek,
    /// The bytes after it, gathered to guess the delimiter and the number of columns.
    Sniff(Vec<u8>),
    /// Records read as bytes come; `first` is the current piece's first record, once found.
    Body { rows: ReaderState, rec: RecordSplitter<HeadThenRest<PushedBytes>>, delimiter: u8, width: usize, first: Option<(u64, u64)> },
    /// The last piece was given.
    Done,
}

impl PartFeed {
    /// A read of `file` (`size` bytes) from the first line that starts at or after offset `from`
    /// (at least 1), in pieces of about `piece_bytes` bytes of text.
    pub fn new(file: &str, from: u64, size: u64, piece_bytes: u64) -> Self {
        PartFeed { file: file.into(), size, piece_bytes: piece_bytes.max(1), start: from.saturating_sub(1), phase: Phase::Seek }
    }

    /// Takes the next bytes (as [`CsvFeed::push_with`]), giving each piece read to `on_piece`;
    /// `true` once the last piece was given.
    pub fn push_with(
        &mut self,
        n: usize,
        fill: impl FnOnce(&mut [u8]) -> usize,
        on_piece: impl FnMut(FilePart) -> Result<()>,
    ) -> Result<bool> {
        match &mut self.phase {
            Phase::Seek => {
                let mut bytes = Vec::new();
                append_with(&mut bytes, n, fill);
                self.seek(bytes, on_piece)
            }
            Phase::Sniff(head) => {
                append_with(head, n, fill);
                self.sniffed(false, on_piece)
            }
            Phase::Body { rec, .. } => {
                rec.source_mut().rest.push_with(n, fill);
                self.run(on_piece)
            }
            Phase::Done => Ok(true),
        }
    }

    /// The file ended: gives the pieces not given yet.
    pub fn end(mut self, mut on_piece: impl FnMut(FilePart) -> Result<()>) -> Result<()> {
        match &mut self.phase {
            Phase::Seek => on_piece(FilePart::empty(self.start)),
            Phase::Sniff(_) => {
                self.sniffed(true, &mut on_piece)?;
                self.end(on_piece)
            }
            Phase::Body { rec, .. } => {
                rec.source_mut().rest.end();
                match self.run(on_piece)? {
                    true => Ok(()),
                    false => Err(EngineError::Unreadable { file: self.file.clone(), reason: "the read did not end with the file".into() }),
                }
            }
            Phase::Done => Ok(()),
        }
    }

    /// Bytes while the line end is looked for.
    fn seek(&mut self, bytes: Vec<u8>, on_piece: impl FnMut(FilePart) -> Result<()>) -> Result<bool> {
        match bytes.iter().position(|&b| b == b'\n') {
            Some(i) => {
                self.start += i as u64 + 1;
                self.phase = Phase::Sniff(bytes[i + 1..].to_vec());
                self.sniffed(false, on_piece)
            }
            None => {
                self.start += bytes.len() as u64;
                Ok(false)
            }
        }
    }

    /// Starts reading records once enough bytes are gathered to sniff (or the file `ended`).
    fn sniffed(&mut self, ended: bool, on_piece: impl FnMut(FilePart) -> Result<()>) -> Result<bool> {
        let Phase::Sniff(head) = &mut self.phase else { return Ok(false) };
        if !ended && (head.len() as u64) < SNIFF_BYTES {
            return Ok(false);
        }
        let mut head = std::mem::take(head);
        let rest = head.split_off((SNIFF_BYTES as usize).min(head.len()));
        let (delimiter, width) = sniff(&head);
        let rows = ReaderState::headless(delimiter, self.piece_bytes.min(self.size.saturating_sub(self.start)), width);
        let rec = RecordSplitter::new(HeadThenRest { head, at: 0, rest: PushedBytes::holding(rest) }, delimiter).without_bom();
        self.phase = Phase::Body { rows, rec, delimiter, width, first: None };
        self.run(on_piece)
    }

    /// Reads the records of the bytes pushed so far, giving each piece read; `true` after the last.
    fn run(&mut self, mut on_piece: impl FnMut(FilePart) -> Result<()>) -> Result<bool> {
        let (start, piece_bytes, rest) = (self.start, self.piece_bytes, self.size.saturating_sub(self.start));
        let Phase::Body { rows, rec, delimiter, width, first } = &mut self.phase else { return Ok(matches!(self.phase, Phase::Done)) };
        let (delimiter, width) = (*delimiter, *width);
        loop {
            let Some(at) = *first else {
                // The part's first record: the first piece starts with it.
                match take_rows(&self.file, rows, rec, Some(0))? {
                    Halt::OutOfBytes => return Ok(false),
                    Halt::End => {
                        let mut empty = FilePart::empty(start);
                        (empty.head.delimiter, empty.head.width) = (delimiter, width);
                        self.phase = Phase::Done;
                        on_piece(empty)?;
                        return Ok(true);
                    }
                    Halt::AtRecord(offset, line) => {
                        *first = Some((offset, line));
                        rows.take(rec);
                        continue;
                    }
                }
            };
            let next = match take_rows(&self.file, rows, rec, Some(at.0.saturating_add(piece_bytes)))? {
                Halt::OutOfBytes => return Ok(false),
                Halt::End => None,
                Halt::AtRecord(offset, line) => Some((offset, line)),
            };
            let fresh = ReaderState::headless(delimiter, piece_bytes.min(rest), width);
            let ReaderState { cells, lines, rejected, short, blank_rows, rows_in, .. } = std::mem::replace(rows, fresh);
            on_piece(FilePart {
                head: PartHead { start, first: Some(at), next, delimiter, width, rows_in, blank_rows, rejected, short },
                lines: lines.iter().collect(),
                columns: cells.into_iter().map(|c| c.into_part()).collect(),
            })?;
            match next {
                Some(at) => {
                    // The next piece's first record is the splitter's current one.
                    *first = Some(at);
                    rows.take(rec);
                }
                None => {
                    self.phase = Phase::Done;
                    return Ok(true);
                }
            }
        }
    }
}

/// Bytes after the split point read to guess the delimiter and the number of columns.
pub(super) const SNIFF_BYTES: u64 = 64 * 1024;
