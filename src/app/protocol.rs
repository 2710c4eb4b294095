//! The messages between the page and the engine's Web Worker. Each message is a JS object
//! `{json, data}`: `json` is a [`Request`] or [`Response`] as JSON, `data` what cannot travel as
//! JSON (a `File`, bytes, or a long JSON text sent as is).

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::engine::analysis::evidence::Evidence;
use crate::engine::ingest::wire::PartMeta;
use crate::engine::region::{AddedIndicators, ExtraIndicators};
use crate::engine::session::FileSummary;
use crate::engine::View;

/// From the page to the worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    /// Use this level of a region. `data`: an array of the level's `areas.parquet` bytes and its
    /// boundaries GeoJSON bytes.
    SetAreas {
        /// The region's `manifest.json` text.
        manifest: String,
        /// The region's folder, relative to the page, with a trailing `/`.
        folder: String,
        /// Level id.
        level: String,
        /// Indicators joined to the level from files, in order (see [`Response::Indicators`]).
        extras: Vec<AddedIndicators>,
        /// The person's own areas: the properties to use; the data's second buffer is their
        /// boundaries file (see [`crate::engine::region::own`]).
        #[serde(default)]
        own: Option<crate::engine::region::own::OwnChoice>,
        /// Warm the engine up first (only the first worker of the page: a worker restarted to
        /// cancel a read runs the module the first one has already compiled).
        warm_up: bool,
    },
    /// Read a file. `data`: the `File` (read in chunks) or its bytes.
    Read {
        /// The file's name.
        name: String,
        /// Then, if it is a program file, analyse it for this view (saving the page a round
        /// trip when the view it settles on after the read is the same).
        then: Option<AnalysisWithRead>,
        /// Another worker reads the file from the first line at or after this offset
        /// ([`Request::ReadPart`]): pause there and wait for its part ([`Request::JoinPart`]).
        split: Option<Split>,
    },
    /// Read a file's rows from the first line at or after `from` to its end, for another worker
    /// to join to its own reading of the start ([`Response::PartRead`]). `data`: the `File`.
    ReadPart {
        /// The file's name.
        name: String,
        /// Where the split is.
        split: Split,
    },
    /// A piece of the part read by the other worker (`None` when it failed: read the rest
    /// yourself). `data`: its buffers, as [`Response::PartRead`].
    JoinPart {
        /// The split it belongs to.
        id: u64,
        /// What travels as JSON.
        part: Option<PartMeta>,
    },
    /// Analyse the file for a view.
    Analyze {
        /// Answers carry it back; the page ignores answers to requests it has superseded.
        seq: u64,
        /// The view.
        view: View,
        /// Also run the benchmark harness's fixed workload.
        bench: bool,
    },
    /// Distinct values of a column, for the filter picker.
    Distinct {
        /// Column name.
        column: String,
    },
    /// A download the page cannot build (it needs the rows): `matched`, `unmatched`, `rejected`
    /// or `excluded`.
    Export {
        /// Which rows.
        what: String,
    },
    /// The evidence for the placement of analysis `seq` (the other ways the file offers, weighed,
    /// and the cross-check): asked once its figures are drawn, as it places rows by every other way.
    Evidence {
        /// The analysis request's number.
        seq: u64,
    },
}

/// A file read by two workers at once (see [`crate::engine::ingest::part`]).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Split {
    /// Numbers the split, so a part is only joined to the read it was made for.
    pub id: u64,
    /// File offset from which the second worker reads.
    pub from: f64,
}

/// An analysis asked for together with a read (see [`Request::Read`]).
#[derive(Debug, Serialize, Deserialize)]
pub struct AnalysisWithRead {
    /// As in [`Request::Analyze`].
    pub seq: u64,
    /// The view.
    pub view: View,
    /// Also run the benchmark harness's fixed workload.
    pub bench: bool,
}

/// From the worker to the page.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    /// The areas of [`Request::SetAreas`] are in use. When asked to warm up, the worker has read
    /// and analysed a small made-up export; `rehearsal` is its summary and `data` its
    /// analysis as JSON, for the page to draw once out of sight.
    AreasSet {
        /// The made-up export's summary.
        rehearsal: Option<FileSummary>,
    },
    /// Bytes of the file read so far.
    Progress {
        /// The file's name.
        name: String,
        /// Bytes read.
        read: f64,
        /// The file's size.
        total: f64,
    },
    /// A program file was read.
    Read {
        /// The file's name.
        name: String,
        /// What the page shows about it.
        summary: FileSummary,
        /// Milliseconds the worker spent reading and typing it.
        ms: f64,
        /// Of which waiting for the browser to hand over the file's bytes.
        io_ms: f64,
        /// The worker's wasm memory afterwards, in bytes (it never shrinks: the peak so far).
        memory: f64,
        /// Which workers read it: `one worker`, `two workers`, or two and then one (with why).
        how: String,
        /// When the worker analysed the file before sending this (a small file), the milliseconds
        /// that took: the analysis answer comes next, and the page draws both at once.
        analysed_ms: Option<f64>,
    },
    /// A piece of the part of [`Request::ReadPart`] (the last has no `next`). `data`: an array of
    /// its buffers (see [`PartMeta`]).
    PartRead {
        /// The split it belongs to.
        id: u64,
        /// What travels as JSON.
        part: PartMeta,
    },
    /// A piece of the helper's part did not fit (or the helper failed): the engine worker reads
    /// the rest of the file alone, so the helper can stop.
    PartRefused,
    /// The file is area indicators (one row per area code): the worker joined them to its areas;
    /// the page joins the same indicators to its own.
    Indicators {
        /// The file's name.
        name: String,
        /// What was joined, on which column, and the rows that are not areas of the level.
        extra: ExtraIndicators,
        /// The joined indicators' entries and values.
        added: AddedIndicators,
    },
    /// An analysis. `data`: its JSON text (the CLI's `analyze` output without the unmatched rows
    /// and with the first 50 rejected rows: see `PageAnalysis`).
    Analyzed {
        /// The request's number.
        seq: u64,
        /// Longitude, latitude of program points placed by coordinates (for the map).
        points: Vec<(f64, f64)>,
        /// The benchmark workload's result rows as JSON, when asked.
        bench: Option<String>,
        /// Milliseconds the worker spent (analysis, benchmark workload, JSON).
        ms: f64,
        /// The worker's wasm memory afterwards, in bytes (the peak so far).
        memory: f64,
    },
    /// Distinct values of a column, most common first.
    Distinct {
        /// Column name.
        column: String,
        /// Values.
        values: Vec<String>,
    },
    /// A download. `data`: its bytes.
    Export {
        /// File name to save as.
        name: String,
    },
    /// The evidence for the placement of analysis `seq`.
    Evidence {
        /// The analysis request's number.
        seq: u64,
        /// The ways weighed, the cross-check and its warning.
        evidence: Evidence,
        /// The bootstrap intervals of the analysis's indices (counts only).
        uncertainty: Option<crate::engine::analysis::bootstrap::Uncertainty>,
    },
    /// A request failed.
    Failed {
        /// The analysis request's number, when it was one.
        seq: Option<u64>,
        /// What was being done (`read`, `analyze`, `areas`, `export`).
        stage: String,
        /// The message for people.
        message: String,
    },
}

/// A [`Request::Read`] of a made-up file with an analysis of `view` asked ahead, for warming up
/// the code that writes and reads one before a person's first file.
pub fn read_request(view: View) -> Request {
    Request::Read { name: "warm-up.csv".into(), then: Some(AnalysisWithRead { seq: 0, view, bench: true }), split: None }
}

/// A [`Response::Read`] of `summary` with made-up timings, for warming up the code that writes
/// and reads one before a person's first file.
pub fn read_response(summary: FileSummary) -> Response {
    Response::Read {
        name: "warm-up.csv".into(),
        summary,
        ms: 1.0,
        io_ms: 1.0,
        memory: 1.0,
        how: "one worker".into(),
        analysed_ms: Some(1.0),
    }
}

/// Builds the JS object `{json, data}`.
pub fn message(json: &str, data: &JsValue) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"json".into(), &JsValue::from_str(json));
    let _ = js_sys::Reflect::set(&o, &"data".into(), data);
    o.into()
}

/// Splits a `{json, data}` object into the decoded message and its data.
pub fn open<T: for<'de> Deserialize<'de>>(msg: &JsValue) -> Result<(T, JsValue), String> {
    let json = js_sys::Reflect::get(msg, &"json".into()).ok().and_then(|j| j.as_string()).ok_or("a message without json")?;
    let data = js_sys::Reflect::get(msg, &"data".into()).unwrap_or(JsValue::UNDEFINED);
    let value = serde_json::from_str(&json).map_err(|e| format!("a malformed message: {e}"))?;
    Ok((value, data))
}

/// The warm-up export's column of area names: the worker writes the export, the page rehearses
/// drawing its results with the same view.
pub const WARM_UP_AREA_COLUMN: &str = "community_name";
