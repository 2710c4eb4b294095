//! What the person's inputs do with files: hand one to the engine worker, stop reading it, or
//! fetch a bundled sample and hand it over. The answers are applied by [`super::controller`].

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::backend;
use super::state::Ctx;
use crate::app::browser;
use crate::app::protocol::Response;
use crate::engine::View;

thread_local! {
    /// A [`Response::Read`] whose analysis comes next, held to be drawn with it.
    pub(super) static HELD_READ: std::cell::Cell<Option<Response>> = const { std::cell::Cell::new(None) };
}

/// Hands a file (a `File`, or the bytes of a bundled sample or of a sheet read as CSV) to the
/// engine worker. A read in progress is cancelled first (the worker is restarted).
pub fn send_file(ctx: Ctx, name: String, data: JsValue, sample: bool) {
    // A summary held for its analysis belongs to the file before.
    HELD_READ.set(None);
    if ctx.reading.get_untracked().is_some() {
        // The new file's timing started at its drop; stopping the old read must not clear it.
        let t0 = ctx.timing.t0.get_value();
        cancel(ctx);
        ctx.timing.t0.set_value(t0);
    }
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
    ctx.timing.t0.set_value(None);
    ctx.status.set(format!("Stopped reading {name}."));
    browser::set_state("ready");
}

pub(super) fn finish_reading(ctx: Ctx) {
    ctx.reading.set(None);
    ctx.progress.set(None);
    ctx.busy.set(false);
}

/// Loads a bundled sample export by file name.
pub fn load_sample(ctx: Ctx, name: &str) {
    let region = ctx.view.with_untracked(|v| v.region.clone());
    let found = ctx.catalog.with_untracked(|c| {
        let (r, s) = c.as_ref()?.sample(&region, name)?;
        Some((s.file.clone(), format!("data/{}", s.path), r.id.clone()))
    });
    let Some((file, path, region)) = found else { return };
    if ctx.view.get_untracked().region != region {
        ctx.edit(|v| {
            *v = View { region, ..View::default() };
        });
    }
    ctx.timing.t0.set_value(Some(browser::now()));
    ctx.busy.set(true);
    ctx.workbook.set(None);
    leptos::task::spawn_local(async move {
        match browser::fetch_bytes(&path).await {
            Ok(bytes) => send_file(ctx, file, js_sys::Uint8Array::from(bytes.as_slice()).into(), true),
            Err(e) => {
                ctx.busy.set(false);
                ctx.status.set(e.to_string());
            }
        }
    });
}
