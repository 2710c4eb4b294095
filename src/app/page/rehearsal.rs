//! Draws the results once, out of sight, before the person's first file: the engine worker's
//! warm-up analysis is parsed and rendered into a detached element, then dropped. A wasm function
//! runs in the browser's baseline compiler the first time it is called (there is no switch to
//! optimised code in the middle of a call), so without this the first real results take several
//! times longer to draw than the next ones. The messages of a drop are written and read once
//! here too (a `Read` request; `Read` and `Analyzed` answers), for the same reason. Measured
//! (BENCHMARKS.md, session 6): without the rehearsal the first 10k file was drawn 8 ms slower
//! (render 37 vs 29 ms); it costs 10 MiB at 1M rows. Keep it unless a harness A/B says otherwise.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::{Ctx, Results};
use super::{input, map, report, table};
use crate::app::protocol::{read_request, read_response, Response};
use crate::engine::session::FileSummary;
use crate::engine::Analysis;

/// Renders the result panels for `summary` and its analysis `json` (the worker's warm-up file)
/// on `ctx`'s areas, into an element that is never attached to the page, and removes them; first
/// writes a `Read` request and reads a `Read` and an `Analyzed` answer, as a drop does.
pub fn rehearse(ctx: Ctx, summary: FileSummary, json: &str) {
    let Ok(analysis) = serde_json::from_str::<Analysis>(json) else { return };
    // A drop's request is written, and its answers decoded, by the same code (a function's first
    // call compiles it).
    let _ = serde_json::to_string(&read_request(ctx.view.get_untracked()));
    let answers = [
        read_response(summary.clone()),
        Response::Analyzed { seq: 0, points: vec![(1.0, 1.0)], bench: Some("[]".into()), ms: 1.0, memory: 1.0 },
    ];
    for answer in answers {
        let _ = serde_json::to_string(&answer).map(|j| serde_json::from_str::<Response>(&j));
    }
    let Ok(parent) = gloo::utils::document().create_element("div") else { return };
    let (manifest, areas) = (ctx.manifest.get_untracked(), ctx.areas.get_untracked());
    let mut view = ctx.view.get_untracked();
    view.area_column = crate::app::protocol::WARM_UP_AREA_COLUMN.into();
    let handle = leptos::mount::mount_to(parent.unchecked_into(), move || {
        // A state of its own, disposed with the rehearsal: the page's state is not touched.
        let stage = Ctx::new(view, vec![]);
        stage.manifest.set(manifest);
        stage.areas.set(areas);
        stage.file.set(Some(Arc::new(summary)));
        stage.outcome.set(Some(Results { result: Ok(Arc::new(analysis)) }));
        provide_context(stage);
        view! {
            <input::Mapping/>
            <input::Filters/>
            <input::Measures/>
            <report::MatchReport/>
            <map::MapPanel/>
            <table::Summary/>
            <table::QuintileTable/>
            <table::EquityTable/>
        }
    });
    drop(handle);
}
