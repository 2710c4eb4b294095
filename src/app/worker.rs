//! The engine's side of the Web Worker. The worker loads the page's own wasm module (nothing is
//! downloaded twice) and keeps one [`Session`]: the user's file is read there in chunks, placed and
//! analysed, so the page never holds the rows and never blocks while a large file is read.

use std::cell::RefCell;
use std::io::Read;

use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};

use super::browser::wasm_memory;
use super::protocol::{message, open, Ahead, Request, Response};
use crate::engine::csv_ingest::HEAD_BYTES;
use crate::engine::region::{Areas, Manifest};
use crate::engine::session::{Loaded, Session};
use crate::engine::{is_parquet, read_any, read_csv_stream, EngineError, Ingested};

/// Bytes read from the `File` at a time.
const CHUNK_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::new());
    /// Milliseconds spent waiting for the browser to hand over file bytes, for the current read.
    static IO_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// Runs `f`, adding its duration to [`IO_MS`].
fn timed_io<T>(f: impl FnOnce() -> T) -> T {
    let t = now();
    let out = f();
    IO_MS.with(|x| x.set(x.get() + now() - t));
    out
}

/// Whether this code runs in a worker (there is no `window`).
pub fn in_worker() -> bool {
    js_sys::global().dyn_into::<web_sys::Window>().is_err()
}

fn post(resp: &Response, data: &JsValue) {
    let json = serde_json::to_string(resp).unwrap_or_default();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&message(&json, data));
}

fn fail(seq: Option<u64>, stage: &str, message: String) {
    post(&Response::Failed { seq, stage: stage.into(), message }, &JsValue::UNDEFINED);
}

/// Handles one message from the page (called by `worker.js`).
pub fn handle(msg: JsValue) {
    console_error_panic_hook::set_once();
    let (req, data) = match open::<Request>(&msg) {
        Ok(x) => x,
        Err(e) => return fail(None, "message", e),
    };
    let t0 = now();
    SESSION.with_borrow_mut(|s| match req {
        Request::SetAreas { manifest, level, extras, warm_up: warm } => match set_areas(s, &manifest, &level, &extras, &data) {
            Ok(()) => {
                let rehearsal = if warm { s.areas().and_then(|a| warm_up(a)) } else { None };
                match rehearsal {
                    Some((summary, json)) => post(&Response::AreasSet { rehearsal: Some(summary) }, &JsValue::from_str(&json)),
                    None => post(&Response::AreasSet { rehearsal: None }, &JsValue::UNDEFINED),
                }
            }
            Err(e) => fail(None, "areas", e.to_string()),
        },
        Request::Read { name, then } => match read(&name, &data) {
            Ok(ing) => match s.load(ing) {
                Loaded::Programs(summary) => {
                    let io_ms = IO_MS.with(|t| t.replace(0.0));
                    post(&Response::Read { name, summary, ms: now() - t0, io_ms, memory: wasm_memory() }, &JsValue::UNDEFINED);
                    if let Some(Ahead { seq, view, bench }) = then {
                        analyze(s, seq, &view, bench, now());
                    }
                }
                Loaded::Indicators(_) => post(&Response::Indicators { name }, &JsValue::UNDEFINED),
            },
            Err(e) => fail(None, "read", e.to_string()),
        },
        Request::Analyze { seq, view, bench } => analyze(s, seq, &view, bench, t0),
        Request::Distinct { column } => {
            let values = s.distinct(&column, 30);
            post(&Response::Distinct { column, values }, &JsValue::UNDEFINED);
        }
        Request::Export { what } => {
            let out = match what.as_str() {
                "matched" => s.matched_csv(),
                _ => s.excluded_csv(),
            };
            match out {
                Ok(text) => post(&Response::Export { name: format!("{what}.csv") }, &Uint8Array::from(text.as_bytes()).into()),
                Err(e) => fail(None, "export", e.to_string()),
            }
        }
    });
}

/// Analyses the loaded file for `view` and posts the result (`t0`: when the request began).
fn analyze(s: &mut Session, seq: u64, view: &crate::engine::View, bench: bool, t0: f64) {
    match s.analyze(view) {
        Ok(a) => {
            let json = serde_json::to_string(a.as_ref()).unwrap_or_else(|_| "null".into());
            let bench = bench.then(|| match s.peer_bench() {
                Ok(rows) => serde_json::to_string(&rows).unwrap_or_default(),
                Err(e) => serde_json::to_string(&serde_json::json!({ "error": e.to_string() })).unwrap_or_default(),
            });
            let memory = wasm_memory();
            post(&Response::Analyzed { seq, points: s.points(), bench, ms: now() - t0, memory }, &JsValue::from_str(&json));
        }
        Err(e) => fail(Some(seq), "analyze", e.to_string()),
    }
}

/// Rows of the warm-up export (about 0.6 MB).
const WARM_UP_ROWS: usize = 8_000;

/// The warm-up export's column of area names.
pub(crate) const WARM_UP_AREA_COLUMN: &str = "community_name";

/// Runs the reader and the analysis once on a small made-up export (asked by the page once), so
/// the browser has compiled their hot loops to optimised code before the person's first file: a
/// fresh wasm function starts in the browser's baseline compiler, several times slower. Returns
/// the export's summary and its analysis as JSON, for the page to rehearse drawing them.
fn warm_up(areas: &Areas) -> Option<(crate::engine::session::FileSummary, String)> {
    let mut csv =
        String::from("program_id,program_name,meeting_type,price,capacity,min_age,start_date,community_name,latitude,longitude\n");
    for i in 0..WARM_UP_ROWS {
        let area = areas.names.get(i % areas.len().max(1)).map_or("", String::as_str);
        let kind = ["face_to_face", "online", "hybrid"][i % 3];
        csv.push_str(&format!(
            "{},\"Program {i}, {kind}\",{kind},${},{},{},2024-{:02}-{:02},{},{:.5},{:.5}\n",
            i % 997,
            i % 60,
            i % 90,
            i % 18,
            i % 12 + 1,
            i % 28 + 1,
            if i % 50 == 0 { "Nowhere" } else { area },
            41.8 + (i % 100) as f64 * 1e-3,
            -87.7 + (i % 100) as f64 * 1e-3
        ));
    }
    // Through a Blob, as a dropped file goes: the same reader code, not a copy made for byte slices.
    let parts = js_sys::Array::of1(&Uint8Array::from(csv.as_bytes()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    let ing = read("warm-up.csv", &blob.into()).ok()?;
    let view = crate::engine::View {
        area_column: WARM_UP_AREA_COLUMN.into(),
        filters: vec![
            crate::engine::view::Filter::Equals { column: "meeting_type".into(), values: vec!["face_to_face".into()] },
            crate::engine::view::Filter::Since { column: "start_date".into(), date: "2024-03-01".into() },
        ],
        ..Default::default()
    };
    let a = crate::engine::analyze(areas, &ing, &view).ok()?;
    // The benchmark preset's fixed workload too (see `peer_bench`; it fails on other regions' areas).
    let _ = crate::engine::peer_bench::peer_bench(&ing.table, areas);
    Some((crate::engine::session::summarise(&ing), serde_json::to_string(&a).ok()?))
}

fn bytes_at(data: &JsValue, i: u32) -> Vec<u8> {
    js_sys::Reflect::get_u32(data, i).map(|b| Uint8Array::new(&b).to_vec()).unwrap_or_default()
}

fn set_areas(s: &mut Session, manifest: &str, level: &str, extras: &[String], data: &JsValue) -> Result<(), EngineError> {
    let manifest = Manifest::from_json(manifest)?;
    let lv = manifest.level(level)?;
    let bounds = String::from_utf8_lossy(&bytes_at(data, 1)).into_owned();
    let mut areas = Areas::load(lv, bytes_at(data, 0), Some(&bounds))?;
    for (i, name) in extras.iter().enumerate() {
        let ing = read_any(name, bytes_at(data, 2 + i as u32))?;
        if let Some((more, _)) = areas.with_extra(&ing.table) {
            areas = more;
        }
    }
    s.set_areas(areas);
    Ok(())
}

/// Reads the file in `data`: a `File` in chunks (Parquet whole: its footer comes last), or bytes.
fn read(name: &str, data: &JsValue) -> Result<Ingested, EngineError> {
    let unreadable = |e: JsValue| EngineError::Unreadable { file: name.into(), reason: js_text(&e) };
    let unreadable_io = |e: std::io::Error| EngineError::Unreadable { file: name.into(), reason: e.to_string() };
    let Some(blob) = data.dyn_ref::<web_sys::Blob>() else {
        return read_any(name, Uint8Array::new(data).to_vec());
    };
    let size = blob.size();
    let sync = web_sys::FileReaderSync::new().map_err(unreadable)?;
    let mut source =
        BlobReader { blob: blob.clone(), name: name.into(), sync, pos: 0.0, size, chunk: Uint8Array::new_with_length(0), at: 0 };
    // The first chunk tells a Parquet file (read whole: its footer comes last) from a CSV.
    source.next_chunk().map_err(unreadable_io)?;
    let head = source.chunk.subarray(0, source.chunk.length().min(4)).to_vec();
    if is_parquet(name, &head) {
        let mut bytes = Vec::with_capacity(size as usize);
        source.read_to_end(&mut bytes).map_err(unreadable_io)?;
        return read_any(name, bytes);
    }
    read_csv_stream(name, size as u64, source, HEAD_BYTES)
}

/// `Read` over a `Blob`, one [`CHUNK_BYTES`] slice at a time, posting progress after each.
struct BlobReader {
    blob: web_sys::Blob,
    name: String,
    sync: web_sys::FileReaderSync,
    pos: f64,
    size: f64,
    /// The slice read last, and how much of it was handed out.
    chunk: Uint8Array,
    at: u32,
}

impl BlobReader {
    /// Reads the next slice of the file (posting progress).
    fn next_chunk(&mut self) -> std::io::Result<()> {
        let end = (self.pos + CHUNK_BYTES).min(self.size);
        let part = timed_io(|| self.blob.slice_with_f64_and_f64(self.pos, end).and_then(|b| self.sync.read_as_array_buffer(&b)))
            .map_err(|e| std::io::Error::other(js_text(&e)))?;
        self.chunk = Uint8Array::new(&part);
        self.at = 0;
        self.pos = end;
        post(&Response::Progress { name: self.name.clone(), read: self.pos, total: self.size }, &JsValue::UNDEFINED);
        Ok(())
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

/// The worker's `performance.now()`.
fn now() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

/// A JS error as text (`NotReadableError: …`).
pub fn js_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| format!("{}: {}", String::from(e.name()), String::from(e.message())))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}
