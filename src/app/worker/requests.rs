//! One function per request of the page ([`Request`](crate::app::protocol::Request)): each takes the worker's state and the
//! request's inputs, posts its answers, and returns the read still to come when it streams a file
//! (the caller holds other messages back until it is done).

use std::future::Future;
use std::pin::Pin;

use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};

use super::blob_reader::{nudge_collector, read, stream_of, BlobReader, CHUNK_BYTES, IO_MS, TAIL_CHUNK_BYTES};
use super::file_stream::{read_file, read_part, Reading, Watch};
use super::reply::{fail, post, post_transfer};
use super::state::{Fetch, Pending, WorkerState, STATE};
use super::warm_up::warm_up;
use super::wire::{columns_from_js, lines_from_js, part_to_js};
use crate::app::browser::{now, wasm_memory};
use crate::app::protocol::{AnalysisWithRead, Response, Split};
use crate::engine::geo::geometry::Boundaries;
use crate::engine::ingest::ingested::Ingested;
use crate::engine::ingest::part::FilePart;
use crate::engine::ingest::read_stream::{read_csv_part, HEAD_BYTES};
use crate::engine::ingest::wire::PartMeta;
use crate::engine::placement::postcode::PostcodeTable;
use crate::engine::region::{AddedIndicators, Areas, Manifest};
use crate::engine::session::{Loaded, Session};
use crate::engine::EngineError;
use std::sync::Arc;

/// A file still being read as a stream.
pub(super) type Streaming = Pin<Box<dyn Future<Output = ()>>>;

/// Bytes of text in each piece of a part read for another worker (sent on as soon as it is read,
/// so this worker's memory holds one piece at a time).
const PIECE_BYTES: u64 = 8 << 20;

/// [`Request::SetAreas`]: use the level (then, the first time, warm up: see [`warm_up`]).
/// `region`: the manifest's text, the region's folder, and for one's own areas the properties.
pub(super) fn set_areas(st: &mut WorkerState, region: Region, level: &str, extras: &[AddedIndicators], warm: bool, data: &JsValue) {
    match load_areas(st, region, level, extras, data) {
        Ok(()) => {
            let s = &mut st.session;
            let rehearsal = if warm { s.areas().and_then(|a| warm_up(a)) } else { None };
            match rehearsal {
                Some((summary, json)) => post(&Response::AreasSet { rehearsal: Some(summary) }, &JsValue::from_str(&json)),
                None => post(&Response::AreasSet { rehearsal: None }, &JsValue::UNDEFINED),
            }
        }
        Err(e) => fail(None, "areas", e.to_string()),
    }
}

/// [`Request::Read`]: reads the file in `data` (streamed when it is large and the browser can),
/// then keeps it ([`loaded`]), or pauses at the split for the other worker's part.
pub(super) fn read_request(
    st: &mut WorkerState,
    name: String,
    then: Option<AnalysisWithRead>,
    split: Option<Split>,
    data: &JsValue,
    t0: f64,
) -> Option<Streaming> {
    st.pending = None;
    IO_MS.with(|t| t.set(0.0));
    let stop = split.map(|x| x.from);
    let id = split.map_or(0, |x| x.id);
    if let Some((blob, slices)) = stream_of(data, 0.0, stop) {
        return Some(Box::pin(async move {
            let mut watch = Progress { name: name.clone(), from: 0.0, total: blob.size(), posted: 0.0 };
            let read = read_file(&name, &blob, slices, stop, TAIL_CHUNK_BYTES as u32, HEAD_BYTES, &mut watch).await;
            // Messages are held until this future ends: the postcode fetch, if any, is part of it.
            if let Some(more) = STATE.with_borrow_mut(|st| read_done(st, read, ReadOf { id, name, blob, then, t0 })) {
                more.await;
            }
        }));
    }
    let read = read(&name, data, split);
    let blob: web_sys::Blob = data.clone().unchecked_into();
    read_done(st, read, ReadOf { id, name, blob, then, t0 })
}

/// What a read was asked for: the file, the split's number, the view to analyse and when.
struct ReadOf {
    id: u64,
    name: String,
    blob: web_sys::Blob,
    then: Option<AnalysisWithRead>,
    t0: f64,
}

/// A read ended (the file is kept: [`loaded`]), or paused at the split. Returns what is still to
/// do ([`loaded`]).
fn read_done(st: &mut WorkerState, read: Result<Reading, EngineError>, of: ReadOf) -> Option<Streaming> {
    let ReadOf { id, name, blob, then, t0 } = of;
    match read {
        Ok(Reading::Whole(ing)) => return loaded(st, name, ing, then, t0, "one worker".into()),
        Ok(Reading::Paused(paused)) => st.pending = Some(Pending { id, name, blob, paused, then, t0 }),
        Err(e) => fail(None, "read", e.to_string()),
    }
    None
}

/// [`Request::JoinPart`]: joins the other worker's piece to the paused read (`part`: `None` when
/// the other worker failed), or reads the rest here when it does not fit.
pub(super) fn join_part(st: &mut WorkerState, id: u64, part: Option<PartMeta>, data: &JsValue) -> Option<Streaming> {
    let mut p = st.pending.take_if(|p| p.id == id)?;
    // The previous piece's buffers, copied into wasm memory, are garbage now.
    nudge_collector();
    let misfit = match &part {
        Some(meta) => p.paused.misfit(&meta.head),
        None => Some("the other worker failed".into()),
    };
    let (read, how) = match (part, misfit) {
        (Some(PartMeta { head, columns }), None) => {
            let lines = lines_from_js(data, &head);
            let part = FilePart { head, lines, columns: vec![] };
            match p.paused.append(part, columns_from_js(&columns, data)) {
                Ok(true) => (p.paused.finish(), "two workers".to_string()),
                Ok(false) => {
                    st.pending = Some(p);
                    return None;
                }
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
        Ok(ing) => loaded(st, p.name, ing, p.then, p.t0, how),
        Err(e) => {
            fail(None, "read", e.to_string());
            None
        }
    }
}

/// [`Request::ReadPart`]: reads the file from the split to its end for the other worker, sending
/// each piece as soon as it is read.
pub(super) fn read_part_request(name: String, split: Split, data: &JsValue) -> Option<Streaming> {
    let from = split.from.max(1.0);
    let send = move |piece| {
        let (meta, buffers) = part_to_js(piece);
        post_transfer(&Response::PartRead { id: split.id, part: meta }, &buffers);
        Ok(())
    };
    if let Some((blob, slices)) = stream_of(data, from - 1.0, None) {
        return Some(Box::pin(async move {
            let mut watch = Progress { name: name.clone(), from: from - 1.0, total: blob.size(), posted: 0.0 };
            if let Err(e) = read_part(&name, &blob, from, slices, PIECE_BYTES, &mut watch, send).await {
                fail(None, "part", e.to_string());
            }
        }));
    }
    let part = data
        .dyn_ref::<web_sys::Blob>()
        .ok_or_else(|| EngineError::Unreadable { file: name.clone(), reason: "not a file".into() })
        .and_then(|blob| {
            let reader = BlobReader::new(blob, &name, from - 1.0, f64::INFINITY)?;
            read_csv_part(&name, from as u64, blob.size() as u64, reader, PIECE_BYTES, send)
        });
    if let Err(e) = part {
        fail(None, "part", e.to_string());
    }
    None
}

/// [`Request::Distinct`]: a column's most common values, for the filter picker.
pub(super) fn distinct(s: &Session, column: String) {
    let values = s.distinct(&column, 30);
    post(&Response::Distinct { column, values }, &JsValue::UNDEFINED);
}

/// [`Request::Evidence`], after the level's placement boundaries are fetched when the file has
/// coordinates (the figures may have been placed by names without them).
pub(super) fn evidence_request(st: &mut WorkerState, seq: u64) -> Option<Streaming> {
    let fetches = st.to_fetch_for_evidence();
    if fetches.is_empty() {
        evidence(&mut st.session, seq);
        return None;
    }
    Some(with_fetched(fetches, move |st| evidence(&mut st.session, seq)))
}

/// The evidence for the last analysis's placement, and its bootstrap intervals (both sent after
/// the figures, so the figures never wait for them).
fn evidence(s: &mut Session, seq: u64) {
    match s.evidence() {
        Ok(evidence) => post(&Response::Evidence { seq, evidence, uncertainty: s.uncertainty() }, &JsValue::UNDEFINED),
        Err(e) => fail(Some(seq), "evidence", e.to_string()),
    }
}

/// [`Request::Export`]: a download of rows (`matched`, `unmatched`, `rejected`, `excluded` or
/// `disagreeing`: the rows the cross-check found in different areas).
pub(super) fn export(s: &mut Session, what: String) {
    let out = match what.as_str() {
        "disagreeing" => s.disagreeing_csv(),
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

/// Keeps a read file in the session and says so (then analyses it for the view asked with it).
/// `how`: which workers read it. A file of up to [`DRAW_TOGETHER_ROWS`] rows is analysed before
/// the page is told it was read, and both answers are sent one after the other, so the page draws
/// the file's summary and its results at once (one layout instead of two). A file with a postcode
/// column is answered once the region's postcode table is fetched: the returned future does it.
fn loaded(st: &mut WorkerState, name: String, ing: Ingested, then: Option<AnalysisWithRead>, t0: f64, how: String) -> Option<Streaming> {
    match st.session.load(ing) {
        Loaded::Programs(summary) => {
            let view = then.as_ref().map(|t| &t.view);
            let fetches = st.to_fetch(view);
            if !fetches.is_empty() {
                return Some(with_fetched(fetches, move |st| answer_read(&mut st.session, name, summary, then, t0, how)));
            }
            answer_read(&mut st.session, name, summary, then, t0, how);
        }
        Loaded::Indicators(extra) => {
            let added = st.session.areas().map(|a| a.added(&extra)).unwrap_or_default();
            post(&Response::Indicators { name, extra, added }, &JsValue::UNDEFINED)
        }
    }
    None
}

/// Says a program file was read (then analyses it for the view asked with it: see [`loaded`]).
fn answer_read(
    s: &mut Session,
    name: String,
    summary: crate::engine::session::FileSummary,
    then: Option<AnalysisWithRead>,
    t0: f64,
    how: String,
) {
    {
        {
            let io_ms = IO_MS.with(|t| t.replace(0.0));
            let together = then.is_some() && summary.report.rows_in <= DRAW_TOGETHER_ROWS;
            let (read_at, memory) = (now(), wasm_memory());
            let read =
                |analysed: Option<f64>| Response::Read { name, summary, ms: read_at - t0, io_ms, memory, how, analysed_ms: analysed };
            match then {
                Some(AnalysisWithRead { seq, view, bench }) if together => {
                    let (answer, data) = analysis(s, seq, &view, bench, read_at);
                    post(&read(Some(now() - read_at)), &JsValue::UNDEFINED);
                    post(&answer, &data);
                }
                Some(AnalysisWithRead { seq, view, bench }) => {
                    post(&read(None), &JsValue::UNDEFINED);
                    let (answer, data) = analysis(s, seq, &view, bench, now());
                    post(&answer, &data);
                }
                None => post(&read(None), &JsValue::UNDEFINED),
            }
        }
    }
}

/// Files of up to this many rows are analysed before the page is told they were read (about
/// 40 ms of analysis on a laptop: the summary of a larger file is shown while it is analysed).
const DRAW_TOGETHER_ROWS: usize = 200_000;

/// [`Request::Analyze`]: analyses the loaded file for `view` and posts the result (`t0`: when the request began).
pub(super) fn analyze(s: &mut Session, seq: u64, view: &crate::engine::View, bench: bool, t0: f64) {
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

fn bytes_at(data: &JsValue, i: u32) -> Vec<u8> {
    js_sys::Reflect::get_u32(data, i).map(|b| Uint8Array::new(&b).to_vec()).unwrap_or_default()
}

/// What [`Request::SetAreas`] names: the manifest's text, the region's folder, and for one's own
/// areas the properties to use.
pub(super) type Region<'a> = (&'a str, &'a str, Option<&'a crate::engine::region::own::OwnChoice>);

fn load_areas(
    st: &mut WorkerState,
    (manifest, folder, own): Region,
    level: &str,
    extras: &[AddedIndicators],
    data: &JsValue,
) -> Result<(), EngineError> {
    let s = &mut st.session;
    let manifest = Manifest::from_json(manifest)?;
    let lv = manifest.level(level)?;
    let mut areas = match own {
        // The same bytes and properties as the page's: the same level.
        Some(choice) => crate::engine::region::own::own_level(&lv.boundaries, &bytes_at(data, 1), choice)?.areas,
        None => {
            let bounds = String::from_utf8_lossy(&bytes_at(data, 1)).into_owned();
            Areas::load(lv, bytes_at(data, 0), Some(&bounds))?
        }
    };
    for added in extras {
        areas = areas.with_added(added);
    }
    s.set_areas(areas);
    // The worker script sits beside index.html: the region's folder is the page's.
    st.postcode_path = manifest.postcodes.as_ref().map(|p| format!("{folder}{}", p.file));
    st.placement_path = lv.placement.as_ref().map(|p| format!("{folder}{p}"));
    st.reattach();
    Ok(())
}

/// Fetches the region's postcode table (only ever for a file with a postcode column).
async fn fetch_postcodes(path: &str) -> Result<Arc<PostcodeTable>, String> {
    let bytes = crate::app::browser::fetch_bytes(path).await.map_err(|e| e.to_string())?;
    PostcodeTable::from_parquet(path, bytes).map(Arc::new).map_err(|e| e.to_string())
}

/// Fetches what `fetches` names and attaches each, then runs `then` on the state. A failed fetch
/// is reported and `then` runs without it (postcodes then place no rows; coordinates are placed
/// on the map's boundaries).
fn with_fetched(fetches: Vec<Fetch>, then: impl FnOnce(&mut WorkerState) + 'static) -> Streaming {
    Box::pin(async move {
        for fetch in fetches {
            match fetch {
                Fetch::Postcodes(path) => {
                    let table = fetch_postcodes(&path).await;
                    STATE.with_borrow_mut(|st| match table {
                        Ok(t) => st.attach_postcodes(path, t),
                        Err(e) => fail(None, "postcodes", format!("the region's postcode table could not be loaded: {e}")),
                    });
                }
                Fetch::Placement(path) => {
                    let text = crate::app::browser::fetch_text(&path).await.map_err(|e| e.to_string());
                    STATE.with_borrow_mut(|st| {
                        let codes = st.session.areas().map(|a| a.codes.clone()).unwrap_or_default();
                        match text.and_then(|t| Boundaries::from_geojson(&t, &codes)) {
                            Ok(shapes) => st.attach_placement(path, Arc::new(shapes)),
                            Err(e) => fail(
                                None,
                                "placement",
                                format!("the level's placement boundaries could not be loaded ({e}): rows given by coordinates are placed on the map's simplified boundaries"),
                            ),
                        }
                    });
                }
            }
        }
        STATE.with_borrow_mut(then)
    })
}

/// [`Request::Analyze`], after the region's postcode table and the level's placement boundaries
/// are fetched when the view or the file needs them.
pub(super) fn analyze_request(st: &mut WorkerState, seq: u64, view: crate::engine::View, bench: bool, t0: f64) -> Option<Streaming> {
    let fetches = st.to_fetch(Some(&view));
    if fetches.is_empty() {
        analyze(&mut st.session, seq, &view, bench, t0);
        return None;
    }
    Some(with_fetched(fetches, move |st| analyze(&mut st.session, seq, &view, bench, t0)))
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
