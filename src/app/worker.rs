//! The engine's side of the Web Worker. The worker loads the page's own wasm module (nothing is
//! downloaded twice) and keeps one [`Session`]: the user's file is read there in chunks, placed and
//! analysed, so the page never holds the rows and never blocks while a large file is read.

use std::cell::RefCell;
use std::io::Read;

use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};

use super::browser::wasm_memory;
use super::file_stream::{read_file, read_part, Reading, Slices, Watch, SLICE_BYTES};
use super::protocol::{message, open, read_request, read_response, Ahead, PartMeta, PartShape, Request, Response, Split};
use super::wire;
use crate::engine::csv_ingest::HEAD_BYTES;
use crate::engine::region::{Areas, Manifest};
use crate::engine::session::{Loaded, Session};
use crate::engine::{
    is_parquet, read_any, read_csv_part, read_csv_until, ColumnPart, EngineError, FilePart, Ingested, Numbers, PausedRead,
};

/// Bytes read from the `File` at a time. The browser hands over a large slice faster per byte
/// (one worker: 121 MB in 213 ms in 32 MiB slices, 298 ms in 8 MiB ones), but each slice is held
/// in the worker's JS memory until collected; with two workers reading a 1M-row file, 8 MiB
/// slices lowered the page's peak from 367 to 338 MiB for 3 % more time (4 MiB: 5 MiB less, 8 %
/// slower).
const CHUNK_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

/// A file of up to this many bytes is read in one slice (one hand-over from the browser).
const WHOLE_FILE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;
// A file read in one slice is at most the CSV reader's head, so reading it whole at once (`read`)
// gives what the streamed read gives.
const _: () = assert!(WHOLE_FILE_BYTES as usize <= HEAD_BYTES);

/// Bytes read at a time past the point where another worker takes over (only the record that
/// straddles it is needed).
const TAIL_CHUNK_BYTES: f64 = 64.0 * 1024.0;

/// Bytes of text in each piece of a part read for another worker (sent on as soon as it is read,
/// so this worker's memory holds one piece at a time).
const PIECE_BYTES: u64 = 8 << 20;

/// A read paused at the split, waiting for the other worker's part.
struct Pending {
    id: u64,
    name: String,
    blob: web_sys::Blob,
    paused: PausedRead,
    then: Option<Ahead>,
    /// When the read began.
    t0: f64,
}

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::new());
    /// Milliseconds spent waiting for the browser to hand over file bytes, for the current read.
    static IO_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
    /// Whether a file is being read as a stream: messages wait in `WAITING`, in order, until it
    /// is read (as they wait in the worker's queue while a file is read at once).
    static STREAMING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static WAITING: RefCell<std::collections::VecDeque<JsValue>> = const { RefCell::new(std::collections::VecDeque::new()) };
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

/// Posts `resp` with `buffers`, handing the buffers over (not copying them).
fn post_transfer(resp: &Response, buffers: &js_sys::Array) {
    let json = serde_json::to_string(resp).unwrap_or_default();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let transfer: js_sys::Array =
        buffers.iter().map(|b| js_sys::Reflect::get(&b, &"buffer".into()).unwrap_or(JsValue::UNDEFINED)).collect();
    let _ = scope.post_message_with_transfer(&message(&json, buffers), &transfer);
}

fn fail(seq: Option<u64>, stage: &str, message: String) {
    post(&Response::Failed { seq, stage: stage.into(), message }, &JsValue::UNDEFINED);
}

/// Handles one message from the page (called by `worker.js`), after those before it.
pub fn handle(msg: JsValue) {
    console_error_panic_hook::set_once();
    if STREAMING.get() {
        WAITING.with_borrow_mut(|w| w.push_back(msg));
        return;
    }
    dispatch(msg);
}

/// Handles the messages that waited while a file was read as a stream.
fn streamed() {
    STREAMING.set(false);
    while !STREAMING.get() {
        let Some(msg) = WAITING.with_borrow_mut(|w| w.pop_front()) else { break };
        dispatch(msg);
    }
}

/// Runs `read` (a file read as a stream) with the messages that come meanwhile held back.
fn stream(read: impl std::future::Future<Output = ()> + 'static) {
    STREAMING.set(true);
    wasm_bindgen_futures::spawn_local(async move {
        read.await;
        streamed();
    });
}

/// The file in `data` and its bytes from `from` to `to` (its end if `None`) as a stream, when it
/// is a `File` over [`WHOLE_FILE_BYTES`] and the browser can stream it into a given buffer.
fn stream_of(data: &JsValue, from: f64, to: Option<f64>) -> Option<(web_sys::Blob, Slices)> {
    let blob = data.dyn_ref::<web_sys::Blob>().filter(|b| b.size() > WHOLE_FILE_BYTES)?;
    let slices = Slices::open(blob, from, to.unwrap_or(blob.size()), SLICE_BYTES)?;
    Some((blob.clone(), slices))
}

/// Adds the wait for bytes to [`IO_MS`] and posts progress (`read` bytes from `from`) every
/// [`CHUNK_BYTES`].
struct Progress {
    name: String,
    from: f64,
    total: f64,
    posted: f64,
}

impl Watch for Progress {
    fn waited(&mut self, ms: f64) {
        IO_MS.with(|x| x.set(x.get() + ms));
    }

    fn progress(&mut self, read: f64) {
        if read - self.posted < CHUNK_BYTES {
            return;
        }
        self.posted = read;
        let read = (self.from + read).min(self.total) - self.from;
        post(&Response::Progress { name: self.name.clone(), read, total: self.total }, &JsValue::UNDEFINED);
    }
}

/// Handles one message from the page.
fn dispatch(msg: JsValue) {
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
        Request::Read { name, then, split } => {
            PENDING.with_borrow_mut(|p| *p = None);
            IO_MS.with(|t| t.set(0.0));
            let stop = split.map(|x| x.from);
            if let Some((blob, slices)) = stream_of(&data, 0.0, stop) {
                return stream(async move {
                    let mut watch = Progress { name: name.clone(), from: 0.0, total: blob.size(), posted: 0.0 };
                    let read = read_file(&name, &blob, slices, stop, TAIL_CHUNK_BYTES as u32, HEAD_BYTES, &mut watch).await;
                    SESSION.with_borrow_mut(|s| match read {
                        Ok(Reading::Whole(ing)) => loaded(s, name, ing, then, t0, "one worker".into()),
                        Ok(Reading::Paused(paused)) => {
                            let id = split.map_or(0, |x| x.id);
                            PENDING.with_borrow_mut(|p| *p = Some(Pending { id, name, blob, paused, then, t0 }));
                        }
                        Err(e) => fail(None, "read", e.to_string()),
                    });
                });
            }
            match read(&name, &data, split) {
                Ok(Reading::Whole(ing)) => loaded(s, name, ing, then, t0, "one worker".into()),
                Ok(Reading::Paused(paused)) => {
                    let blob: web_sys::Blob = data.unchecked_into();
                    let id = split.map_or(0, |x| x.id);
                    PENDING.with_borrow_mut(|p| *p = Some(Pending { id, name, blob, paused, then, t0 }));
                }
                Err(e) => fail(None, "read", e.to_string()),
            }
        }
        Request::JoinPart { id, part } => {
            let Some(mut p) = PENDING.with_borrow_mut(|p| p.take_if(|p| p.id == id)) else { return };
            // The previous piece's buffers, copied into wasm memory, are garbage now.
            nudge_collector();
            let misfit = match &part {
                Some(meta) => p.paused.misfit(&meta.head),
                None => Some("the other worker failed".into()),
            };
            let (read, how) = match (part, misfit) {
                (Some(PartMeta { head, columns }), None) => {
                    let lines = lines_from_js(&data, line_base(&head));
                    let part = FilePart { head, lines, columns: vec![] };
                    match p.paused.append(part, columns_from_js(&columns, &data)) {
                        Ok(true) => (p.paused.finish(), "two workers".to_string()),
                        Ok(false) => return PENDING.with_borrow_mut(|slot| *slot = Some(p)),
                        Err(e) => (Err(e), String::new()),
                    }
                }
                // The part does not fit, or the other worker failed: read the rest here.
                (_, why) => {
                    post(&Response::PartRefused, &JsValue::UNDEFINED);
                    let from = p.paused.offset() as f64;
                    let read = BlobReader::new(&p.blob, &p.name, from, f64::INFINITY).and_then(|r| p.paused.resume(r));
                    (read, format!("two workers, then one from byte {from}: {}", why.unwrap_or_default()))
                }
            };
            match read {
                Ok(ing) => loaded(s, p.name, ing, p.then, p.t0, how),
                Err(e) => fail(None, "read", e.to_string()),
            }
        }
        Request::ReadPart { name, split } => {
            let from = split.from.max(1.0);
            if let Some((blob, slices)) = stream_of(&data, from - 1.0, None) {
                return stream(async move {
                    let mut watch = Progress { name: name.clone(), from: from - 1.0, total: blob.size(), posted: 0.0 };
                    let send = |piece| {
                        let (meta, buffers) = part_to_js(piece);
                        post_transfer(&Response::PartRead { id: split.id, part: meta }, &buffers);
                        Ok(())
                    };
                    if let Err(e) = read_part(&name, &blob, from, slices, PIECE_BYTES, &mut watch, send).await {
                        fail(None, "part", e.to_string());
                    }
                });
            }
            let part = data
                .dyn_ref::<web_sys::Blob>()
                .ok_or_else(|| EngineError::Unreadable { file: name.clone(), reason: "not a file".into() })
                .and_then(|blob| {
                    let from = split.from.max(1.0);
                    let reader = BlobReader::new(blob, &name, from - 1.0, f64::INFINITY)?;
                    read_csv_part(&name, from as u64, blob.size() as u64, reader, PIECE_BYTES, |piece| {
                        let (meta, buffers) = part_to_js(piece);
                        post_transfer(&Response::PartRead { id: split.id, part: meta }, &buffers);
                        Ok(())
                    })
                });
            if let Err(e) = part {
                fail(None, "part", e.to_string());
            }
        }
        Request::Analyze { seq, view, bench } => analyze(s, seq, &view, bench, t0),
        Request::Distinct { column } => {
            let values = s.distinct(&column, 30);
            post(&Response::Distinct { column, values }, &JsValue::UNDEFINED);
        }
        Request::Export { what } => {
            let out = match what.as_str() {
                "matched" => s.matched_csv(),
                "unmatched" => s.unmatched_csv(),
                "rejected" => s.rejected_csv(),
                _ => s.excluded_csv(),
            };
            match out {
                Ok(text) => post(&Response::Export { name: format!("{what}.csv") }, &Uint8Array::from(text.as_bytes()).into()),
                Err(e) => fail(None, "export", e.to_string()),
            }
        }
    });
}

/// Keeps a read file in the session and says so (then analyses it for the view asked with it).
/// `how`: which workers read it. A file of up to [`DRAW_TOGETHER_ROWS`] rows is analysed before
/// the page is told it was read, and both answers are sent one after the other, so the page draws
/// the file's summary and its results at once (one layout instead of two).
fn loaded(s: &mut Session, name: String, ing: Ingested, then: Option<Ahead>, t0: f64, how: String) {
    match s.load(ing) {
        Loaded::Programs(summary) => {
            let io_ms = IO_MS.with(|t| t.replace(0.0));
            let together = then.is_some() && summary.report.rows_in <= DRAW_TOGETHER_ROWS;
            let (read_at, memory) = (now(), wasm_memory());
            let read =
                |analysed: Option<f64>| Response::Read { name, summary, ms: read_at - t0, io_ms, memory, how, analysed_ms: analysed };
            match then {
                Some(Ahead { seq, view, bench }) if together => {
                    let (answer, data) = analysis(s, seq, &view, bench, read_at);
                    post(&read(Some(now() - read_at)), &JsValue::UNDEFINED);
                    post(&answer, &data);
                }
                Some(Ahead { seq, view, bench }) => {
                    post(&read(None), &JsValue::UNDEFINED);
                    let (answer, data) = analysis(s, seq, &view, bench, now());
                    post(&answer, &data);
                }
                None => post(&read(None), &JsValue::UNDEFINED),
            }
        }
        Loaded::Indicators(_) => post(&Response::Indicators { name }, &JsValue::UNDEFINED),
    }
}

/// Files of up to this many rows are analysed before the page is told they were read (about
/// 40 ms of analysis on a laptop: the summary of a larger file is shown while it is analysed).
const DRAW_TOGETHER_ROWS: usize = 200_000;

/// A part's buffers as JS typed arrays (copied out of wasm memory, so they can be transferred).
fn part_to_js(part: FilePart) -> (PartMeta, js_sys::Array) {
    let out = js_sys::Array::new();
    out.push(&wire::lines_to_js(&part.lines, line_base(&part.head)));
    let blanks = |b: &[u32]| js_sys::Uint32Array::from(b);
    let mut shapes = Vec::with_capacity(part.columns.len());
    for column in &part.columns {
        let shape = match column {
            ColumnPart::Blank(n) => PartShape::Blank(*n),
            ColumnPart::Int(v, b) => {
                out.push(&wire::ints_to_js(v));
                out.push(&blanks(b));
                PartShape::Int
            }
            ColumnPart::Float(v, b) => {
                out.push(&wire::decimals_to_js(v));
                out.push(&blanks(b));
                PartShape::Float
            }
            ColumnPart::Date(v, b) => {
                out.push(&wire::days_to_js(v));
                out.push(&blanks(b));
                PartShape::Date
            }
            ColumnPart::Dict { keys, values, ends, blanks: b } => {
                out.push(&wire::keys_to_js(keys, ends.len()));
                out.push(&Uint8Array::from(values.as_slice()));
                out.push(&js_sys::Int32Array::from(ends.as_slice()));
                out.push(&blanks(b));
                PartShape::Dict
            }
            ColumnPart::Text { data, offsets, blanks: b, numbers } => {
                out.push(&Uint8Array::from(data.as_slice()));
                out.push(&js_sys::Int32Array::from(offsets.as_slice()));
                out.push(&blanks(b));
                match numbers {
                    None => PartShape::Text,
                    Some(Numbers::Int(v)) => {
                        out.push(&wire::ints_to_js(v));
                        PartShape::IntText
                    }
                    Some(Numbers::Float(v)) => {
                        out.push(&wire::decimals_to_js(v));
                        PartShape::FloatText
                    }
                }
            }
        };
        shapes.push(shape);
    }
    let meta = PartMeta { head: part.head, columns: shapes };
    (meta, out)
}

/// The line a piece's line numbers are sent from: its first record's (its rows' lines count from
/// the start of the whole part, so the first step from 0 would need 4 bytes a row after the first
/// piece).
fn line_base(head: &crate::engine::PartHead) -> u64 {
    head.first.map_or(0, |(_, line)| line)
}

/// The lines of the part sent as [`part_to_js`] sends it (its columns: [`columns_from_js`]).
fn lines_from_js(data: &JsValue, base: u64) -> Vec<u64> {
    let lines = js_sys::Reflect::get_u32(data, 0).map(|l| wire::lines_from_js(&l, base)).unwrap_or_default();
    let _ = js_sys::Reflect::set_u32(data, 0, &JsValue::UNDEFINED);
    lines
}

/// The part's columns as [`part_to_js`] sends them, each copied into wasm memory only when it is
/// asked for.
fn columns_from_js<'a>(shapes: &'a [PartShape], data: &'a JsValue) -> impl ExactSizeIterator<Item = ColumnPart> + 'a {
    let data: js_sys::Array = data.clone().unchecked_into();
    let mut at = 1;
    // Each buffer is let go as soon as it is copied, so the piece is not held twice.
    let mut next = move || {
        at += 1;
        let buffer = data.get(at - 1);
        data.set(at - 1, JsValue::UNDEFINED);
        buffer
    };
    shapes.iter().map(move |shape| column_from_js(shape, &mut next))
}

/// One column of a part, its buffers taken from `next`.
fn column_from_js(shape: &PartShape, mut next: impl FnMut() -> JsValue) -> ColumnPart {
    let u32s = |v: JsValue| js_sys::Uint32Array::new(&v).to_vec();
    match shape {
        PartShape::Blank(n) => ColumnPart::Blank(*n),
        PartShape::Int => ColumnPart::Int(wire::ints_from_js(&next()), u32s(next())),
        PartShape::Float => ColumnPart::Float(wire::decimals_from_js(&next()), u32s(next())),
        PartShape::Date => ColumnPart::Date(wire::days_from_js(&next()), u32s(next())),
        PartShape::Dict => ColumnPart::Dict {
            keys: wire::keys_from_js(&next()),
            values: Uint8Array::new(&next()).to_vec(),
            ends: js_sys::Int32Array::new(&next()).to_vec(),
            blanks: u32s(next()),
        },
        PartShape::Text | PartShape::IntText | PartShape::FloatText => {
            let (data, offsets, blanks) = (Uint8Array::new(&next()).to_vec(), js_sys::Int32Array::new(&next()).to_vec(), u32s(next()));
            let numbers = match shape {
                PartShape::IntText => Some(Numbers::Int(wire::ints_from_js(&next()))),
                PartShape::FloatText => Some(Numbers::Float(wire::decimals_from_js(&next()))),
                _ => None,
            };
            ColumnPart::Text { data, offsets, blanks, numbers }
        }
    }
}

/// Analyses the loaded file for `view` and posts the result (`t0`: when the request began).
fn analyze(s: &mut Session, seq: u64, view: &crate::engine::View, bench: bool, t0: f64) {
    let (answer, data) = analysis(s, seq, view, bench, t0);
    post(&answer, &data);
}

/// The answer to an analysis request and its `data` (the page's analysis as JSON).
fn analysis(s: &mut Session, seq: u64, view: &crate::engine::View, bench: bool, t0: f64) -> (Response, JsValue) {
    match s.analyze(view) {
        Ok(a) => {
            // The page draws figures; the row lists stay here for the downloads.
            let json = serde_json::to_string(&a.for_page()).unwrap_or_else(|_| "null".into());
            let bench = bench.then(|| match s.peer_bench() {
                Ok(rows) => serde_json::to_string(&rows).unwrap_or_default(),
                Err(e) => serde_json::to_string(&serde_json::json!({ "error": e.to_string() })).unwrap_or_default(),
            });
            let memory = wasm_memory();
            (Response::Analyzed { seq, points: s.points(), bench, ms: now() - t0, memory }, JsValue::from_str(&json))
        }
        Err(e) => (Response::Failed { seq: Some(seq), stage: "analyze".into(), message: e.to_string() }, JsValue::UNDEFINED),
    }
}

/// Rows of the warm-up export (about 0.6 MB).
const WARM_UP_ROWS: usize = 30_000;

/// The warm-up export's column of area names.
pub(crate) const WARM_UP_AREA_COLUMN: &str = "community_name";

/// Runs the reader and the analysis once on a small made-up export (asked by the page once), so
/// the browser has compiled their hot loops to optimised code before the person's first file: a
/// fresh wasm function starts in the browser's baseline compiler, several times slower. Returns
/// the export's summary and its analysis as JSON, for the page to rehearse drawing them.
fn warm_up(areas: &Areas) -> Option<(crate::engine::session::FileSummary, String)> {
    // Columns of each kind and width a real export brings, so their code is compiled before the
    // first file: ids past 16 bits, 3,000 names and 231 spellings of the areas (dictionaries of
    // 16-bit keys), a few kinds and ages (8 bits), capacities past 8 bits, unique notes (plain text).
    let mut csv =
        String::from("program_id,program_name,meeting_type,price,capacity,min_age,start_date,community_name,latitude,longitude,notes\n");
    for i in 0..WARM_UP_ROWS {
        let area = areas.names.get(i % areas.len().max(1)).map_or("", String::as_str);
        let area = match i % 3 {
            0 => area.to_string(),
            1 => area.to_uppercase(),
            _ => area.to_lowercase(),
        };
        let kind = ["face_to_face", "online", "hybrid"][i % 3];
        csv.push_str(&format!(
            "{},\"Program {}, {kind}\",{kind},${},{},{},2024-{:02}-{:02},{},{:.5},{:.5},Note {i}\n",
            i * 7919 % 1_000_000,
            i % 3000,
            i % 60,
            i % 250,
            i % 18,
            i % 12 + 1,
            i % 28 + 1,
            if i % 10 == 0 { "Nowhere" } else { &area },
            41.8 + (i % 100) as f64 * 1e-3,
            -87.7 + (i % 100) as f64 * 1e-3
        ));
    }
    // Through a Blob, as a dropped file goes: the same reader code, not a copy made for byte slices.
    let parts = js_sys::Array::of1(&Uint8Array::from(csv.as_bytes()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    let Ok(Reading::Whole(ing)) = read("warm-up.csv", &blob.into(), None) else { return None };
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
    let summary = crate::engine::session::summarise(&ing);
    // A drop's messages through the same (de)serialisers: a function is compiled when it is first
    // called (decoding the first `Read` request took 2.6–4.3 ms without this).
    let _ = serde_json::to_string(&read_request(view)).map(|j| serde_json::from_str::<Request>(&j));
    let _ = serde_json::to_string(&read_response(summary.clone()));
    Some((summary, serde_json::to_string(&a).ok()?))
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

/// Reads the file in `data`: a `File` in chunks (Parquet whole: its footer comes last; a file of
/// at most [`WHOLE_FILE_BYTES`] in one slice, read whole), or bytes. With `split`, a CSV read as
/// it streams pauses at the first record at or after the split.
fn read(name: &str, data: &JsValue, split: Option<Split>) -> Result<Reading, EngineError> {
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
struct BlobReader {
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
    fn new(blob: &web_sys::Blob, name: &str, from: f64, slow_after: f64) -> Result<Self, EngineError> {
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
/// slices left the process 49–53 MiB larger without, 18 MiB with).
fn nudge_collector() {
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

/// The worker's `performance.now()`.
pub(crate) fn now() -> f64 {
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
