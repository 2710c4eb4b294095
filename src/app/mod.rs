//! The Leptos web app: components only. All figures come from [`crate::engine`]; this layer reads
//! files, draws, and keeps the view in the URL.

pub mod backend;
pub mod browser;
pub mod file_stream;
pub mod input;
pub mod map;
pub mod markup;
pub mod protocol;
pub mod rehearsal;
pub mod report;
pub mod share;
pub mod state;
pub mod table;
pub mod wire;
pub mod worker;

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::region::{Areas, Manifest};
use crate::engine::session::FileSummary;
use crate::engine::{Analysis, View};
use backend::AreaSource;
use protocol::Response;
use state::{Ctx, REGIONS, SAMPLES};

/// Milliseconds the address bar waits for the view to settle.
const URL_DELAY_MS: u32 = 200;

/// Mounts the app on the page's `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    browser::watch_long_tasks();
    leptos::mount::mount_to_body(App);
}

/// Reads the view from the current URL, checking the region against the ones the site serves.
pub fn initial_view() -> (View, Vec<String>) {
    let (mut v, mut problems) = View::from_query(&browser::location_search());
    if !v.region.is_empty() && !REGIONS.iter().any(|(id, _)| *id == v.region) {
        problems.push(format!("unknown region \"{}\"; showing Chicago", v.region.chars().take(40).collect::<String>()));
        v = View { file: v.file, ..View::default() };
    }
    // `?preset=ID` alone opens the preset's whole view.
    if let Some((_, _, q)) = state::PRESETS.iter().find(|p| p.0 == v.preset) {
        if v == (View { preset: v.preset.clone(), region: v.region.clone(), ..View::default() }) {
            v = View::from_query(q).0;
        }
    }
    if v.region.is_empty() {
        v.region = "chicago".into();
    }
    (v, problems)
}

/// Loads a region's manifest and one level (areas + boundaries) from the site; also returns the
/// bytes for the engine worker.
async fn load_region(region: &str, level: &str) -> Result<(Manifest, Areas, Option<String>, AreaSource), String> {
    let base = format!("data/{region}");
    let manifest_text = browser::fetch_text(&format!("{base}/manifest.json")).await?;
    let manifest = Manifest::from_json(&manifest_text).map_err(|e| e.to_string())?;
    let mut problem = None;
    let lv = match manifest.level(if level.is_empty() { &manifest.default_level } else { level }) {
        Ok(l) => l.clone(),
        Err(e) => {
            problem = Some(e.to_string());
            manifest.level(&manifest.default_level).map_err(|e| e.to_string())?.clone()
        }
    };
    let areas_bytes = browser::fetch_bytes(&format!("{base}/{}", lv.areas)).await?;
    let bounds = browser::fetch_text(&format!("{base}/{}", lv.boundaries)).await?;
    let areas = Areas::load(&lv, areas_bytes.clone(), Some(&bounds)).map_err(|e| e.to_string())?;
    let source =
        AreaSource { manifest: manifest_text, level: lv.id.clone(), areas: areas_bytes, boundaries: bounds.into_bytes(), extras: vec![] };
    Ok((manifest, areas, problem, source))
}

thread_local! {
    /// The file (a `File` or its bytes) last handed to the engine, kept to join it here too when
    /// the engine finds it is a file of area indicators.
    static LAST_FILE: std::cell::RefCell<JsValue> = const { std::cell::RefCell::new(JsValue::UNDEFINED) };
    /// A [`Response::Read`] whose analysis comes next, held to be drawn with it.
    static HELD_READ: std::cell::Cell<Option<Response>> = const { std::cell::Cell::new(None) };
}

/// Hands a file (a `File`, or the bytes of a bundled sample) to the engine worker. A read in
/// progress is cancelled first (the worker is restarted).
pub fn send_file(ctx: Ctx, name: String, data: JsValue, sample: bool) {
    // A summary held for its analysis belongs to the file before.
    HELD_READ.set(None);
    if ctx.reading.get_untracked().is_some() {
        // The new file's timing started at its drop; stopping the old read must not clear it.
        let t0 = ctx.t0.get_value();
        cancel(ctx);
        ctx.t0.set_value(t0);
    }
    LAST_FILE.with_borrow_mut(|f| *f = data.clone());
    // The worker starts reading first; the page then says it is reading.
    let then = ctx.ask_ahead();
    backend::send_read(name.clone(), then, &data);
    ctx.reading.set(Some(name.clone()));
    ctx.reading_sample.set_value(sample);
    ctx.progress.set(None);
    ctx.busy.set(true);
    browser::set_state("busy");
    ctx.status.set(format!("Reading {name}…"));
}

/// Stops reading the current file: the worker is restarted, so the previous file is gone too.
pub fn cancel(ctx: Ctx) {
    backend::restart();
    HELD_READ.set(None);
    let name = ctx.reading.get_untracked().unwrap_or_default();
    finish_reading(ctx);
    ctx.file.set(None);
    ctx.outcome.set(None);
    ctx.t0.set_value(None);
    ctx.status.set(format!("Stopped reading {name}."));
    browser::set_state("ready");
}

fn finish_reading(ctx: Ctx) {
    ctx.reading.set(None);
    ctx.progress.set(None);
    ctx.busy.set(false);
}

/// Applies an answer of the engine worker to the page.
fn on_response(ctx: Ctx, resp: Response, data: JsValue) {
    if matches!(resp, Response::Analyzed { .. } | Response::Failed { .. }) {
        if let Some(Response::Read { name, summary, ms, io_ms, memory, how, analysed_ms }) = HELD_READ.take() {
            let end = browser::now() - analysed_ms.unwrap_or(0.0);
            took_read(ctx, name, summary, ReadTimes { ms, io_ms, memory, end }, how);
        }
    }
    match resp {
        Response::AreasSet { rehearsal } => {
            if !ctx.ready.get_value() {
                ctx.ready.set_value(true);
                if let Some(summary) = rehearsal {
                    let t = browser::now();
                    rehearsal::rehearse(ctx, summary, &data.as_string().unwrap_or_default());
                    browser::measure("equimap:ready:rehearsal", t);
                }
                browser::measure("equimap:ready", 0.0);
                browser::set_state("ready");
                // The second worker for large files starts once the page is ready.
                backend::spawn_helper();
                // A link to a bundled sample renders at once.
                let (file, sample) = ctx.view.with_untracked(|v| (v.file.clone(), v.sample));
                if sample && SAMPLES.iter().any(|s| s.0 == file) {
                    load_sample(ctx, &file);
                }
            }
        }
        Response::Progress { name, read, total } => {
            if ctx.reading.get_untracked().as_deref() == Some(name.as_str()) {
                ctx.progress.set(Some((read, total)));
                ctx.status.set(format!("Reading {name}: {:.0} of {:.0} MB…", read / 1e6, total / 1e6));
            }
        }
        Response::Read { analysed_ms: Some(_), .. } => {
            // Its analysis comes next: both are drawn at once.
            HELD_READ.set(Some(resp));
        }
        Response::Read { name, summary, ms, io_ms, memory, how, analysed_ms: None } => {
            took_read(ctx, name, summary, ReadTimes { ms, io_ms, memory, end: browser::now() }, how);
        }
        Response::Indicators { name } => {
            finish_reading(ctx);
            leptos::task::spawn_local(join_indicators(ctx, name));
        }
        Response::Analyzed { seq, points, bench, ms, memory } => {
            if seq != ctx.seq.get_value() {
                return;
            }
            browser::expose_info("worker_memory_after_analysis", &memory.to_string());
            if ctx.t0.get_value().is_some() {
                browser::measure("equimap:analyze:worker", browser::now() - ms);
                ctx.t_render.set_value(browser::now());
            }
            let json = data.as_string().unwrap_or_default();
            let result =
                serde_json::from_str::<Analysis>(&json).map(Arc::new).map_err(|e| format!("the engine's answer could not be read: {e}"));
            if result.is_ok() {
                browser::expose("analysis", &json);
            }
            if let Some(b) = bench {
                browser::expose("result", &b);
            }
            ctx.points.set(Arc::new(points));
            ctx.outcome.set(Some(state::Outcome { result }));
        }
        Response::Failed { seq, stage, message } => {
            if seq.is_some_and(|s| s != ctx.seq.get_value()) {
                return;
            }
            if stage == "read" {
                finish_reading(ctx);
            }
            ctx.status.set(message.clone());
            if stage == "read" || stage == "analyze" {
                ctx.outcome.set(Some(state::Outcome { result: Err(message) }));
            }
            browser::set_state("error");
        }
        // Handled by the backend (the helper's part goes to the engine worker).
        Response::PartRead { .. } | Response::PartRefused => {}
        Response::Distinct { column, values } => ctx.distinct.update(|d| {
            d.insert(column, values);
        }),
        Response::Export { name } => browser::download(&name, "text/csv", &js_sys::Uint8Array::new(&data).to_vec()),
    }
}

/// A program file was read: the view drops the columns the file lacks (with a message).
fn take_summary(ctx: Ctx, name: String, summary: FileSummary) {
    let n = summary.report.rows_in;
    let has = |c: &str| summary.has_column(c);
    let mut dropped = Vec::new();
    let sample = ctx.reading_sample.get_value();
    ctx.view.update(|v| {
        v.file = name.clone();
        v.sample = sample;
        for c in [&mut v.area_column, &mut v.lat_column, &mut v.lon_column, &mut v.id_column, &mut v.capacity_column] {
            if !c.is_empty() && !has(c) {
                dropped.push(c.clone());
                c.clear();
            }
        }
        v.filters.retain(|f| {
            let ok = filter_columns(f).iter().all(|c| has(c));
            if !ok {
                dropped.push(crate::engine::analysis::describe_filter(f));
            }
            ok
        });
    });
    if !dropped.is_empty() {
        ctx.link_problems.update(|p| p.push(format!("{name} has no column for: {} (left out)", dropped.join("; "))));
    }
    ctx.distinct.set(Default::default());
    ctx.file.set(Some(Arc::new(summary)));
    ctx.status.set(format!("Read {} rows of {name}.", table::fmt(n as f64, 0)));
}

/// How long the worker took to read a file, and its memory afterwards (see [`Response::Read`]).
struct ReadTimes {
    ms: f64,
    io_ms: f64,
    memory: f64,
    /// When the reading ended, on the page's clock.
    end: f64,
}

/// Shows that the program file `name` was read (its summary), and asks for the analysis of a view
/// that changed with the file's columns.
fn took_read(ctx: Ctx, name: String, summary: FileSummary, t: ReadTimes, how: String) {
    browser::expose_info("worker_memory_after_read", &t.memory.to_string());
    browser::expose_info("read_by", &serde_json::Value::String(how).to_string());
    if let Some(t0) = ctx.t0.get_value() {
        browser::measure_between("equimap:read", t0, t.end);
        browser::measure_between("equimap:read:worker", t.end - t.ms, t.end);
        browser::measure_between("equimap:read:io", t.end - t.io_ms, t.end);
    }
    finish_reading(ctx);
    take_summary(ctx, name, summary);
    // The worker is analysing the file for the view it was read under (or has); a view that
    // changed with the file's columns is asked for now.
    ctx.recompute_after_read();
}

/// The engine found the file is area indicators keyed by code: join the same file to the page's
/// areas (the worker has joined it to its own).
async fn join_indicators(ctx: Ctx, name: String) {
    let data = LAST_FILE.with_borrow(|f| f.clone());
    let bytes = match data.dyn_ref::<web_sys::File>() {
        Some(f) => browser::read_file(f).await,
        None => Ok(js_sys::Uint8Array::new(&data).to_vec()),
    };
    let joined = bytes.map_err(|e| e.to_string()).and_then(|b| {
        let ing = crate::engine::read_any(&name, b.clone()).map_err(|e| e.to_string())?;
        let areas = ctx.areas.get_untracked().ok_or("no areas")?;
        let (more, extra) = areas.with_extra(&ing.table).ok_or("not an indicator file")?;
        Ok((more, extra, b))
    });
    match joined {
        Ok((more, extra, bytes)) => {
            let unknown = if extra.unknown_keys.is_empty() {
                String::new()
            } else {
                format!(
                    " {} rows are not areas of this level: {}.",
                    extra.unknown_keys.len(),
                    extra.unknown_keys.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
                )
            };
            ctx.status.set(format!(
                "{name}: added area indicators {} (joined on \"{}\"). Choose them as denominator, need or map layer.{unknown}",
                extra.added.join(", "),
                extra.key_column
            ));
            backend::add_extra(name, bytes);
            ctx.areas.set(Some(Arc::new(more)));
            ctx.t0.set_value(None);
            browser::set_state("done");
        }
        Err(e) => {
            ctx.status.set(format!("{name}: {e}"));
            browser::set_state("error");
        }
    }
}

/// The engine worker stopped (out of memory, most likely): say so; it was restarted.
fn on_crash(ctx: Ctx, message: String) {
    let during = ctx.reading.get_untracked().map(|n| format!(" while reading {n}")).unwrap_or_default();
    finish_reading(ctx);
    ctx.file.set(None);
    ctx.t0.set_value(None);
    let msg = format!(
        "Equimap's engine stopped{during} ({message}). This usually means the file needs more memory than this browser tab has: split it, or run `equimap analyze` on it natively. The page and your other choices are intact."
    );
    ctx.status.set(msg.clone());
    ctx.outcome.set(Some(state::Outcome { result: Err(msg) }));
    browser::set_state("error");
}

fn filter_columns(f: &crate::engine::view::Filter) -> Vec<String> {
    use crate::engine::view::Filter::*;
    match f {
        Equals { column, .. } | Since { column, .. } | Until { column, .. } | Price { column, .. } => vec![column.clone()],
        Ages { min_column, max_column, .. } => vec![min_column.clone(), max_column.clone()],
    }
}

/// Loads a bundled sample export by file name.
pub fn load_sample(ctx: Ctx, name: &str) {
    let Some((file, path, region)) = SAMPLES.iter().find(|s| s.0 == name).copied() else { return };
    if ctx.view.get_untracked().region != region {
        ctx.edit(|v| {
            *v = View { region: region.into(), ..View::default() };
        });
    }
    ctx.t0.set_value(Some(browser::now()));
    ctx.busy.set(true);
    leptos::task::spawn_local(async move {
        match browser::fetch_bytes(path).await {
            Ok(bytes) => send_file(ctx, file.to_string(), js_sys::Uint8Array::from(bytes.as_slice()).into(), true),
            Err(e) => {
                ctx.busy.set(false);
                ctx.status.set(e);
            }
        }
    });
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let (view, problems) = initial_view();
    let ctx = Ctx::new(view, problems);
    provide_context(ctx);
    if let Err(e) = backend::start(move |resp, data| on_response(ctx, resp, data), move |msg| on_crash(ctx, msg)) {
        ctx.load_error.set(Some(format!("Equimap's engine could not start in this browser (it needs module Web Workers): {e}")));
    }

    // Region/level data: reload when either changes.
    let region_key = Memo::new(move |_| ctx.view.with(|v| (v.region.clone(), v.level.clone())));
    Effect::new(move |_| {
        let (region, level) = region_key.get();
        ctx.areas.set(None);
        ctx.load_error.set(None);
        leptos::task::spawn_local(async move {
            match load_region(&region, &level).await {
                Ok((m, a, problem, source)) => {
                    if let Some(p) = problem {
                        ctx.link_problems.update(|v| v.push(p));
                        ctx.view.update(|v| v.level.clear());
                    }
                    // The worker gets the level before any analysis of it is asked for.
                    backend::set_areas(source);
                    ctx.manifest.set(Some(Arc::new(m)));
                    ctx.areas.set(Some(Arc::new(a)));
                }
                Err(e) => ctx.load_error.set(Some(e)),
            }
        });
    });

    // Keep the URL equal to the view, a moment after it settles: replacing the address is a
    // same-document navigation that costs the browser several milliseconds, so a burst of changes
    // (a file read, then its analysis) makes one replacement, after the results are drawn.
    let pending = StoredValue::new_local(None::<gloo::timers::callback::Timeout>);
    Effect::new(move |_| {
        let q = ctx.view.with(|v| v.to_query());
        pending.set_value(Some(gloo::timers::callback::Timeout::new(URL_DELAY_MS, move || browser::replace_query(&q))));
    });

    // Ask for a new analysis whenever what it depends on changes (not for map styling).
    let analysis_view = Memo::new(move |_| ctx.view.with(View::analysis_part));
    Effect::new(move |_| {
        analysis_view.with(|_| ());
        ctx.file.track();
        ctx.areas.track();
        ctx.recompute();
    });

    // Publish the timing once the results are in the document (as the benchmark's peers do: their
    // measure follows setting the table's HTML), then how long the browser took to lay out and
    // paint them.
    Effect::new(move |_| {
        let Some(outcome) = ctx.outcome.get() else { return };
        match &outcome.result {
            Ok(_) => {
                if let Some(t0) = ctx.t0.get_value() {
                    ctx.t0.set_value(None);
                    leptos::task::spawn_local(async move {
                        browser::dom_settled().await;
                        browser::measure("equimap:render", ctx.t_render.get_value());
                        browser::measure("equimap:total", t0);
                        browser::expose_info("page_memory", &browser::wasm_memory().to_string());
                        browser::set_state("done");
                        let drawn = browser::now();
                        browser::after_next_paint(move || browser::measure("equimap:paint", drawn));
                    });
                } else {
                    browser::set_state("done");
                }
            }
            Err(e) => {
                browser::expose("error", &serde_json::to_string(e).unwrap_or_default());
                browser::set_state("error");
            }
        }
    });

    view! {
        <a class="skip" href="#results">"Skip to results"</a>
        <header class="top">
            <div class="brand">
                <h1>"Equimap"</h1>
                <p class="lede">
                    "Do programs reach the places that need them most? Drop a program export (CSV or Parquet) and Equimap matches every row to its area, "
                    "joins public indicators and shows equity tables and maps. Your file never leaves this page: the link you share holds only your choices."
                </p>
            </div>
            <input::RegionPicker/>
        </header>
        <div class="status" role="status" aria-live="polite">{move || ctx.status.get()}</div>
        <share::LinkNotice/>
        <main class="layout">
            <section class="controls" aria-label="Data and choices">
                <input::DropZone/>
                <input::Presets/>
                <input::Mapping/>
                <input::Filters/>
                <input::Measures/>
                <report::MatchReport/>
            </section>
            <section class="results" id="results" aria-label="Results">
                <map::MapPanel/>
                <table::Summary/>
                <table::QuintileTable/>
                <table::EquityTable/>
                <share::SharePanel/>
            </section>
        </main>
        <footer class="credits">
            <p>{move || ctx.manifest.get().map(|m| m.attribution.clone()).unwrap_or_default()}</p>
            <p>"Program exports: City of Chicago / My CHI. My Future. public catalog; Arts Council England open data. Equimap computes everything in your browser."</p>
        </footer>
    }
}
