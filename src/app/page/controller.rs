//! The page's side of the conversation with the engine worker: each answer applied to the page's
//! state (a file read, its analysis, progress, failures, a worker that stopped).

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::actions::{finish_reading, load_sample, HELD_READ};
use super::state::{self, Ctx};
use super::{backend, rehearsal, table};
use crate::app::browser;
use crate::app::error::AppError;
use crate::app::protocol::Response;
use crate::engine::region::{AddedIndicators, ExtraIndicators};
use crate::engine::session::FileSummary;
use crate::engine::Analysis;

/// Applies an answer of the engine worker to the page.
pub fn on_response(ctx: Ctx, resp: Response, data: JsValue) {
    if matches!(resp, Response::Analyzed { .. } | Response::Failed { .. }) {
        if let Some(Response::Read { name, summary, ms, io_ms, memory, how, analysed_ms }) = HELD_READ.take() {
            let end = browser::now() - analysed_ms.unwrap_or(0.0);
            took_read(ctx, name, summary, ReadTimes { ms, io_ms, memory, end }, how);
        }
    }
    match resp {
        Response::AreasSet { rehearsal } => {
            if !ctx.asks.ready.get_value() {
                ctx.asks.ready.set_value(true);
                if let Some(summary) = rehearsal {
                    let t = browser::now();
                    rehearsal::rehearse(ctx, summary, &data.as_string().unwrap_or_default());
                    browser::measure("equimap:ready:rehearsal", t);
                }
                browser::measure("equimap:ready", 0.0);
                browser::set_state("ready");
                // The second worker for large files starts once the page is ready.
                backend::spawn_helper();
                open_linked_sample(ctx);
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
        Response::Indicators { name, extra, added } => {
            finish_reading(ctx);
            join_indicators(ctx, name, extra, added);
        }
        Response::Analyzed { seq, points, bench, ms, memory } => {
            if seq != ctx.asks.seq.get_value() {
                return;
            }
            browser::expose_info("worker_memory_after_analysis", &memory.to_string());
            if ctx.timing.t0.get_value().is_some() {
                browser::measure("equimap:analyze:worker", browser::now() - ms);
                ctx.timing.t_render.set_value(browser::now());
            }
            let json = data.as_string().unwrap_or_default();
            let result = serde_json::from_str::<Analysis>(&json).map(Arc::new).map_err(|e| AppError::Message(e.to_string()));
            if result.is_ok() {
                browser::expose("analysis", &json);
            }
            if let Some(b) = bench {
                browser::expose("result", &b);
            }
            ctx.points.set(Arc::new(points));
            ctx.outcome.set(Some(state::Results { result }));
        }
        Response::Evidence { seq, evidence, uncertainty } => show_evidence(ctx, seq, evidence, uncertainty),
        Response::Failed { seq, stage, message } => {
            if seq.is_some_and(|s| s != ctx.asks.seq.get_value()) {
                return;
            }
            if stage == "evidence" {
                // The figures stand without it: say so, and the page is done.
                ctx.status.set(format!("The placement could not be cross-checked: {message}"));
                ctx.asks.evidence.update_value(|e| e.1 = seq.unwrap_or_default());
                browser::set_state("done");
                return;
            }
            if stage == "read" {
                finish_reading(ctx);
            }
            ctx.status.set(message.clone());
            if stage == "read" || stage == "analyze" {
                ctx.outcome.set(Some(state::Results { result: Err(AppError::Engine(message)) }));
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

/// Opens the bundled sample a link names, once: when both the catalog and the engine are ready
/// (called when either becomes so).
pub fn open_linked_sample(ctx: Ctx) {
    if !ctx.asks.ready.get_value() || ctx.catalog.with_untracked(Option::is_none) || ctx.asks.linked_sample.get_value() {
        return;
    }
    ctx.asks.linked_sample.set_value(true);
    let (file, sample) = ctx.view.with_untracked(|v| (v.file.clone(), v.sample));
    if sample && ctx.is_sample(&file) {
        load_sample(ctx, &file);
    }
}

/// Once an analysis is drawn: asks for the evidence for its placement (the page is done when it
/// is shown), or says the page is done when it is.
pub fn weigh_or_done(ctx: Ctx) {
    let seq = ctx.asks.seq.get_value();
    let (asked, shown) = ctx.asks.evidence.get_value();
    if shown == seq {
        browser::set_state("done");
    } else if asked != seq {
        ctx.asks.evidence.set_value((seq, shown));
        backend::send(&crate::app::protocol::Request::Evidence { seq }, &JsValue::UNDEFINED);
    }
}

/// Adds the evidence for the placement of analysis `seq` and its bootstrap intervals to the
/// analysis shown.
fn show_evidence(
    ctx: Ctx,
    seq: u64,
    evidence: crate::engine::analysis::evidence::Evidence,
    uncertainty: Option<crate::engine::analysis::bootstrap::Uncertainty>,
) {
    if seq != ctx.asks.seq.get_value() {
        return;
    }
    let Some(Ok(a)) = ctx.outcome.get_untracked().map(|o| o.result) else { return };
    let mut a = (*a).clone();
    a.add_evidence(evidence);
    if let Some(u) = uncertainty {
        a.add_uncertainty(u);
    }
    if let Ok(json) = serde_json::to_string(&a) {
        browser::expose("analysis", &json);
    }
    ctx.asks.evidence.update_value(|e| e.1 = seq);
    ctx.outcome.set(Some(state::Results { result: Ok(Arc::new(a)) }));
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
        for c in [
            &mut v.area_column,
            &mut v.lat_column,
            &mut v.lon_column,
            &mut v.location_column,
            &mut v.postcode_column,
            &mut v.id_column,
            &mut v.capacity_column,
        ] {
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
    if let Some(t0) = ctx.timing.t0.get_value() {
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

/// The engine found the file is area indicators keyed by code and joined them to its areas:
/// join the same indicators to the page's areas.
fn join_indicators(ctx: Ctx, name: String, extra: ExtraIndicators, added: AddedIndicators) {
    let Some(areas) = ctx.areas.get_untracked() else { return };
    let unknown = if extra.unknown_keys.is_empty() {
        String::new()
    } else {
        format!(
            " {} rows are not areas of this level: {}.",
            extra.unknown_keys.len(),
            extra.unknown_keys.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        )
    };
    let n = extra.added.len();
    let shown = extra.added.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
    let listed = if n > 8 { format!("{n} area indicators ({shown}, …)") } else { format!("area indicators {shown}") };
    ctx.status.set(format!(
        "{name}: added {listed} (joined on \"{}\"). Choose them as denominator, need or map layer.{unknown}",
        extra.key_column
    ));
    ctx.areas.set(Some(Arc::new(areas.with_added(&added))));
    backend::add_extra(added);
    ctx.edit(|v| v.indicators_file = name.clone());
    ctx.timing.t0.set_value(None);
    browser::set_state("done");
}

/// The engine worker stopped (out of memory, most likely): say so; it was restarted.
pub fn on_crash(ctx: Ctx, message: String) {
    let during = ctx.reading.get_untracked().map(|n| format!(" while reading {n}")).unwrap_or_default();
    finish_reading(ctx);
    ctx.file.set(None);
    ctx.timing.t0.set_value(None);
    let error = AppError::WorkerStopped { during, reason: message };
    ctx.status.set(error.to_string());
    ctx.outcome.set(Some(state::Results { result: Err(error) }));
    browser::set_state("error");
}

fn filter_columns(f: &crate::engine::view::Filter) -> Vec<String> {
    use crate::engine::view::Filter::*;
    match f {
        Equals { column, .. } | Since { column, .. } | Until { column, .. } | Price { column, .. } => vec![column.clone()],
        Ages { min_column, max_column, .. } => vec![min_column.clone(), max_column.clone()],
    }
}
