//! A `File` read in slices with `FileReaderSync` (the path for files the browser cannot stream
//! into a given buffer, and for files of up to `WHOLE_FILE_BYTES`, read in one slice), and the
//! time spent waiting for the browser's bytes.

use std::io::Read;

use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};

use super::file_stream::{Reading, Slices, SLICE_BYTES};
use super::reply::post;
use crate::app::browser::{js_text, now};
use crate::app::protocol::{Response, Split};
use crate::engine::ingest::read_stream::{read_csv_until, HEAD_BYTES};
use crate::engine::ingest::{is_parquet, read_any};
use crate::engine::EngineError;

/// Bytes read from the `File` at a time. The browser hands over a large slice faster per byte
/// (one worker: 121 MB in 213 ms in 32 MiB slices, 298 ms in 8 MiB ones), but each slice is held
/// in the worker's JS memory until collected; with two workers reading a 1M-row file, 8 MiB
/// slices lowered the page's peak from 367 to 338 MiB for 3 % more time (4 MiB: 5 MiB less, 8 %
/// slower).
pub(super) const CHUNK_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

/// A file of up to this many bytes is read in one slice (one hand-over from the browser).
pub(super) const WHOLE_FILE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;
// A file read in one slice is at most the CSV reader's head, so reading it whole at once (`read`)
// gives what the streamed read gives.
const _: () = assert!(WHOLE_FILE_BYTES as usize <= HEAD_BYTES);

/// Bytes read at a time past the point where another worker takes over (only the record that
/// straddles it is needed).
pub(super) const TAIL_CHUNK_BYTES: f64 = 64.0 * 1024.0;

thread_local! {
    /// Milliseconds spent waiting for the browser to hand over file bytes, for the current read.
    pub(super) static IO_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// Runs `f`, adding its duration to [`IO_MS`].
fn timed_io<T>(f: impl FnOnce() -> T) -> T {
    let t = now();
    let out = f();
    IO_MS.with(|x| x.set(x.get() + now() - t));
    out
}

/// The file in `data` and its bytes from `from` to `to` (its end if `None`) as a stream, when it
/// is a `File` over [`WHOLE_FILE_BYTES`] and the browser can stream it into a given buffer.
pub(super) fn stream_of(data: &JsValue, from: f64, to: Option<f64>) -> Option<(web_sys::Blob, Slices)> {
    let blob = data.dyn_ref::<web_sys::Blob>().filter(|b| b.size() > WHOLE_FILE_BYTES)?;
    let slices = Slices::open(blob, from, to.unwrap_or(blob.size()), SLICE_BYTES)?;
    Some((blob.clone(), slices))
}

/// Reads the file in `data`: a `File` in chunks (Parquet whole: its footer comes last; a file of
/// at most [`WHOLE_FILE_BYTES`] in one slice, read whole), or bytes. With `split`, a CSV read as
/// it streams pauses at the first record at or after the split.
pub(super) fn read(name: &str, data: &JsValue, split: Option<Split>) -> Result<Reading, EngineError> {
    let unreadable_io = |e: std::io::Error| EngineError::Unreadable { file: name.into(), reason: e.to_string() };
    let Some(blob) = data.dyn_ref::<web_sys::Blob>() else {
        return read_any(name, Uint8Array::new(data).to_vec()).map(Reading::Whole);
    };
    let size = blob.size();
    let stop = split.map(|x| x.from);
    let mut source = BlobReader::new(blob, name, 0.0, stop.unwrap_or(f64::INFINITY))?;
    // A file that came in one slice (at most `HEAD_BYTES`) is read whole as it is, with the same
    // result as the streamed read: no copying through a pull buffer.
    if stop.is_none() && f64::from(source.chunk.length()) == size {
        let bytes = timed_io(|| source.chunk.to_vec());
        return read_any(name, bytes).map(Reading::Whole);
    }
    // The first chunk tells a Parquet file (read whole: its footer comes last) from a CSV.
    let head = source.chunk.subarray(0, source.chunk.length().min(4)).to_vec();
    if is_parquet(name, &head) {
        let mut bytes = Vec::with_capacity(size as usize);
        source.read_to_end(&mut bytes).map_err(unreadable_io)?;
        return read_any(name, bytes).map(Reading::Whole);
    }
    Ok(match read_csv_until(name, size as u64, source, HEAD_BYTES, stop.map(|s| s as u64))? {
        Ok(ing) => Reading::Whole(ing),
        Err(paused) => Reading::Paused(paused),
    })
}

/// `Read` over a `Blob`, one [`CHUNK_BYTES`] slice at a time (a blob of at most
/// [`WHOLE_FILE_BYTES`] in one), posting progress after each.
pub(super) struct BlobReader {
    blob: web_sys::Blob,
    name: String,
    sync: web_sys::FileReaderSync,
    /// Where the reader started, where the next slice starts, and the blob's size.
    from: f64,
    pos: f64,
    size: f64,
    /// Past this offset, slices of [`TAIL_CHUNK_BYTES`].
    slow_after: f64,
    /// The slice read last, and how much of it was handed out.
    chunk: Uint8Array,
    at: u32,
}

impl BlobReader {
    /// A reader of `blob` from offset `from`, with its first slice read.
    pub(super) fn new(blob: &web_sys::Blob, name: &str, from: f64, slow_after: f64) -> Result<Self, EngineError> {
        let sync = web_sys::FileReaderSync::new().map_err(|e| EngineError::Unreadable { file: name.into(), reason: js_text(&e) })?;
        let mut r = BlobReader {
            blob: blob.clone(),
            name: name.into(),
            sync,
            from,
            pos: from,
            size: blob.size(),
            slow_after,
            chunk: Uint8Array::new_with_length(0),
            at: 0,
        };
        r.next_chunk().map_err(|e| EngineError::Unreadable { file: name.into(), reason: e.to_string() })?;
        Ok(r)
    }

    /// Reads the next slice of the file (posting progress).
    fn next_chunk(&mut self) -> std::io::Result<()> {
        let step = if self.pos >= self.slow_after {
            TAIL_CHUNK_BYTES
        } else if self.size <= WHOLE_FILE_BYTES {
            WHOLE_FILE_BYTES
        } else {
            CHUNK_BYTES
        };
        if self.chunk.length() > 0 {
            // The slice before, copied into wasm memory, is garbage now (a file read in one slice
            // makes none: no nudge on a small file's path). The browser frees it only at a full
            // collection: a large file is streamed instead where the browser can (file_stream.rs).
            self.chunk = Uint8Array::new_with_length(0);
            nudge_collector();
        }
        let end = (self.pos + step).min(self.size);
        let part = timed_io(|| self.blob.slice_with_f64_and_f64(self.pos, end).and_then(|b| self.sync.read_as_array_buffer(&b)))
            .map_err(|e| std::io::Error::other(js_text(&e)))?;
        // A file read in one slice is read at once: no progress to show.
        let whole = self.pos == 0.0 && end >= self.size;
        self.chunk = Uint8Array::new(&part);
        self.at = 0;
        self.pos = end;
        if whole {
            return Ok(());
        }
        post(&Response::Progress { name: self.name.clone(), read: self.pos - self.from, total: self.size }, &JsValue::UNDEFINED);
        Ok(())
    }
}

/// Makes about 2 MB of short-lived JS garbage, so that the worker's young-generation collector
/// runs and frees the file slices already copied into wasm memory. Each slice is a large buffer
/// held by a small JS object; the worker makes almost no other JS garbage, so without this the
/// slices pile up until their total triggers a full collection (measured: 96 MiB read in 16 MiB
/// slices left the process 49–53 MiB larger without, 18 MiB with; BENCHMARKS.md, session 7: the
/// 1M peak rose to 401–412 MiB without it). A performance ritual: keep it.
pub(super) fn nudge_collector() {
    for _ in 0..64 {
        let _ = js_sys::Array::new_with_length(4096);
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.chunk.length() {
            if self.pos >= self.size {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        // Straight from the slice into the reader's buffer: one copy.
        let n = (buf.len() as u32).min(self.chunk.length() - self.at);
        timed_io(|| self.chunk.subarray(self.at, self.at + n).copy_to(&mut buf[..n as usize]));
        self.at += n;
        Ok(n as usize)
    }
}
