//! A dropped file read as a stream, in the worker: each slice lands in one reused buffer (a BYOB
//! stream reader), so reading makes no garbage. (Each `FileReaderSync` slice is a new buffer the
//! browser frees only at a full collection: with two workers reading a 1M-row file, 7 or 8 slices
//! of 8 MiB were held at once.) The bytes go to the engine's pushed readers ([`CsvFeed`],
//! [`PartFeed`]), which read exactly what the pulling readers read.

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::app::browser::{js_text, now};

use crate::engine::ingest::feed::{CsvFeed, PartFeed, ReadOrPaused};
use crate::engine::ingest::part::{FilePart, PausedRead};
use crate::engine::ingest::{is_parquet, read_any};
use crate::engine::{EngineError, Ingested};

/// A `Blob`'s bytes from one offset to another, a slice at a time into one reused buffer.
pub struct Slices {
    reader: web_sys::ReadableStreamByobReader,
    buffer: Option<ArrayBuffer>,
    done: bool,
}

impl Slices {
    /// `blob`'s bytes from `from` to `to`, `slice` bytes at a time; `None` where the browser
    /// cannot read a file's stream into a given buffer (the caller then reads it otherwise).
    pub fn open(blob: &web_sys::Blob, from: f64, to: f64, slice: u32) -> Option<Self> {
        let part = blob.slice_with_f64_and_f64(from, to).ok()?;
        let reader = web_sys::ReadableStreamByobReader::new(&part.stream()).ok()?;
        Some(Slices { reader, buffer: Some(ArrayBuffer::new(slice)), done: false })
    }

    /// The next slice (full unless the bytes end), or `None` at their end, the wait for it told to
    /// `watch`. The slice is valid until the next call.
    pub async fn next(&mut self, watch: &mut impl Watch) -> Result<Option<Uint8Array>, JsValue> {
        let t = now();
        let slice = self.fill().await;
        watch.waited(now() - t);
        slice
    }

    /// [`Slices::next`] but the timing.
    async fn fill(&mut self) -> Result<Option<Uint8Array>, JsValue> {
        let Some(mut buffer) = self.buffer.take().filter(|_| !self.done) else { return Ok(None) };
        let room = buffer.byte_length();
        let mut filled = 0;
        while filled < room {
            let view = Uint8Array::new_with_byte_offset_and_length(&buffer, filled, room - filled);
            let result = JsFuture::from(self.reader.read_with_array_buffer_view(&view)).await?;
            // The buffer handed over comes back (as a new `ArrayBuffer`) with the bytes read.
            if let Ok(value) = Reflect::get(&result, &"value".into()).and_then(|v| v.dyn_into::<Uint8Array>()) {
                buffer = value.buffer();
                filled += value.length();
            }
            if Reflect::get(&result, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
                self.done = true;
                break;
            }
        }
        let slice = Uint8Array::new_with_byte_offset_and_length(&buffer, 0, filled);
        self.buffer = Some(buffer);
        Ok((filled > 0).then_some(slice))
    }
}

/// Bytes of a file read as a stream at a time, into one buffer that is reused (no garbage: the
/// size only sets how often the reader waits for the browser).
pub const SLICE_BYTES: u32 = 1 << 20;

/// What a worker's read gives.
pub enum Reading {
    /// The whole file, read.
    Whole(Ingested),
    /// Paused at the split for the other worker's part.
    Paused(PausedRead),
}

impl From<ReadOrPaused> for Reading {
    fn from(outcome: ReadOrPaused) -> Self {
        match outcome {
            Ok(ingested) => Reading::Whole(ingested),
            Err(paused) => Reading::Paused(paused),
        }
    }
}

/// What a read reports as it goes: time spent waiting for bytes, and progress.
pub trait Watch {
    /// Milliseconds waited for the browser's bytes (added up by the caller).
    fn waited(&mut self, ms: f64);
    /// `read` bytes of the file read so far.
    fn progress(&mut self, read: f64);
}

/// Reads the CSV (or Parquet) file `blob` from its start, pausing at the first data record at or
/// after `stop` when one is given: from `slices` (the file's bytes up to `stop`, opened), then
/// `tail` bytes at a time (only the record that straddles `stop` is needed). `head`: bytes that
/// decide the encoding and delimiter (see [`CsvFeed`]).
pub async fn read_file(
    name: &str,
    blob: &web_sys::Blob,
    mut slices: Slices,
    stop: Option<f64>,
    tail: u32,
    head: usize,
    watch: &mut impl Watch,
) -> Result<Reading, EngineError> {
    let size = blob.size();
    let unreadable = |e: JsValue| EngineError::Unreadable { file: name.into(), reason: js_text(&e) };
    let mut feed = CsvFeed::new(name, size as u64, head, stop.map(|s| s as u64))?;
    let (mut read, mut first, mut in_tail) = (0.0, true, false);
    loop {
        let Some(slice) = slices.next(watch).await.map_err(unreadable)? else {
            match stop {
                Some(stop) if !in_tail && stop < size => {
                    in_tail = true;
                    slices = Slices::open(blob, stop, size, tail).ok_or_else(|| unreadable("the file cannot be read on".into()))?;
                    continue;
                }
                _ => return feed.end().map(Reading::from),
            }
        };
        if first && is_parquet(name, &slice.subarray(0, slice.length().min(4)).to_vec()) {
            // A Parquet file is read whole: its footer comes last.
            let mut bytes = Vec::with_capacity(size as usize);
            let append = |bytes: &mut Vec<u8>, s: Uint8Array| {
                let from = bytes.len();
                bytes.resize(from + s.length() as usize, 0);
                s.copy_to(&mut bytes[from..]);
            };
            append(&mut bytes, slice);
            while let Some(s) = slices.next(watch).await.map_err(unreadable)? {
                append(&mut bytes, s);
            }
            if (bytes.len() as f64) < size {
                // A split was planned from the name: the bytes past it are read here too.
                let mut rest = Slices::open(blob, bytes.len() as f64, size, SLICE_BYTES)
                    .ok_or_else(|| unreadable("the file cannot be read on".into()))?;
                while let Some(s) = rest.next(watch).await.map_err(unreadable)? {
                    append(&mut bytes, s);
                }
            }
            return read_any(name, bytes).map(Reading::Whole);
        }
        first = false;
        let n = slice.length() as usize;
        read += n as f64;
        let taken = feed.push_with(n, |room| {
            slice.copy_to(room);
            n
        })?;
        if let Some(outcome) = taken {
            return Ok(outcome.into());
        }
        watch.progress(read);
    }
}

/// Reads a file's part from the first line at or after `from` (at least 1) to its end, handing
/// each piece of about `piece_bytes` bytes of text to `on_piece` as soon as it is read.
pub async fn read_part(
    name: &str,
    blob: &web_sys::Blob,
    from: f64,
    mut slices: Slices,
    piece_bytes: u64,
    watch: &mut impl Watch,
    mut on_piece: impl FnMut(FilePart) -> Result<(), EngineError>,
) -> Result<(), EngineError> {
    let unreadable = |e: JsValue| EngineError::Unreadable { file: name.into(), reason: js_text(&e) };
    let mut feed = PartFeed::new(name, from as u64, blob.size() as u64, piece_bytes);
    let mut read = 0.0;
    loop {
        let Some(slice) = slices.next(watch).await.map_err(unreadable)? else { return feed.end(&mut on_piece) };
        let n = slice.length() as usize;
        read += n as f64;
        let fill = |room: &mut [u8]| {
            slice.copy_to(room);
            n
        };
        if feed.push_with(n, fill, &mut on_piece)? {
            return Ok(());
        }
        watch.progress(read);
    }
}
