//! The page: the root component [`App`] and the components it is made of. All figures come from
//! the engine worker ([`crate::app::worker`]); the page hands it files, draws its answers
//! ([`controller`]) and keeps the view in the URL.

pub mod access;
pub mod actions;
pub mod backend;
pub mod controller;
pub mod error_note;
pub mod fields;
pub mod input;
pub mod map;
pub mod markup;
pub mod own_areas;
pub mod rehearsal;
pub mod report;
pub mod share;
pub mod sheets;
pub mod state;
pub mod table;

use std::sync::Arc;

use leptos::prelude::*;

use crate::app::browser;
use crate::app::error::AppError;
use crate::engine::region::Catalog;
use crate::engine::region::{Areas, Manifest};
use crate::engine::View;
use backend::AreaSource;
use controller::{on_crash, on_response};
use state::Ctx;

/// Milliseconds the address bar waits for the view to settle.
const URL_DELAY_MS: u32 = 200;

/// Mounts the app on the page's `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    browser::watch_long_tasks();
    leptos::mount::mount_to_body(App);
}

/// The view a link asks for, settled against the regions the site serves: an unknown region is
/// reported and the default shown; `?preset=ID` alone opens the preset's whole view.
pub fn settle_view(mut v: View, catalog: &Catalog, problems: &mut Vec<String>) -> View {
    if !v.areas_file.is_empty() {
        // A view on the person's own areas: nothing to settle until they drop the file.
        v.region = crate::engine::region::own::OWN_ID.into();
        return v;
    }
    if !v.region.is_empty() && catalog.region(&v.region).is_none() {
        let default = catalog.region(&catalog.default_region).map(|r| r.name.clone()).unwrap_or_default();
        problems.push(format!("unknown region \"{}\"; showing {default}", v.region.chars().take(40).collect::<String>()));
        v = View { file: v.file, ..View::default() };
    }
    if let Some(p) = catalog.preset(&v.preset) {
        if v == (View { preset: v.preset.clone(), region: v.region.clone(), ..View::default() }) {
            v = View::from_query(&p.query).0;
        }
    }
    if v.region.is_empty() {
        v.region = catalog.default_region.clone();
    }
    v
}

/// Fetches the site's list of regions.
async fn load_catalog() -> Result<Catalog, AppError> {
    Ok(Catalog::from_json(&browser::fetch_text("data/catalog.json").await?)?)
}

/// Loads a region's manifest and one level (areas + boundaries) from the site; also returns the
/// bytes for the engine worker.
async fn load_region(folder: &str, level: &str) -> Result<(Manifest, Areas, Option<String>, AreaSource), AppError> {
    let base = format!("data/{folder}");
    let manifest_text = browser::fetch_text(&format!("{base}manifest.json")).await?;
    let manifest = Manifest::from_json(&manifest_text)?;
    let mut problem = None;
    let lv = match manifest.level(if level.is_empty() { &manifest.default_level } else { level }) {
        Ok(l) => l.clone(),
        Err(e) => {
            problem = Some(e.to_string());
            manifest.level(&manifest.default_level)?.clone()
        }
    };
    let areas_bytes = browser::fetch_bytes(&format!("{base}{}", lv.areas)).await?;
    let bounds = browser::fetch_text(&format!("{base}{}", lv.boundaries)).await?;
    let areas = Areas::load(&lv, areas_bytes.clone(), Some(&bounds))?;
    let source = AreaSource {
        manifest: manifest_text,
        folder: base,
        level: lv.id.clone(),
        areas: areas_bytes,
        boundaries: bounds.into_bytes(),
        extras: vec![],
        own: None,
    };
    Ok((manifest, areas, problem, source))
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let (view, problems) = View::from_query(&browser::location_search());
    let ctx = Ctx::new(view, problems);
    provide_context(ctx);
    leptos::task::spawn_local(async move {
        match load_catalog().await {
            Ok(c) => {
                let mut problems = ctx.link_problems.get_untracked();
                let v = settle_view(ctx.view.get_untracked(), &c, &mut problems);
                ctx.link_problems.set(problems);
                ctx.view.set(v);
                ctx.catalog.set(Some(Arc::new(c)));
                controller::open_linked_sample(ctx);
            }
            Err(e) => ctx.load_error.set(Some(e)),
        }
    });
    if let Err(e) = backend::start(move |resp, data| on_response(ctx, resp, data), move |msg| on_crash(ctx, msg)) {
        ctx.load_error.set(Some(AppError::WorkerStart(e)));
    }

    // Region/level data: reload when either changes.
    let region_key = Memo::new(move |_| {
        // The person's own areas are loaded from their file, not the site.
        if ctx.view.with(|v| !v.areas_file.is_empty()) {
            return None;
        }
        let folder = ctx.catalog.with(|c| c.as_ref().and_then(|c| ctx.view.with(|v| c.region(&v.region)).map(|r| r.folder().to_string())));
        folder.map(|f| (f, ctx.view.with(|v| v.level.clone())))
    });
    Effect::new(move |_| {
        // Nothing to load until the catalog says where the region is.
        let Some((folder, level)) = region_key.get() else { return };
        // A region of the site replaces the person's own areas.
        ctx.own.set(None);
        ctx.areas.set(None);
        ctx.load_error.set(None);
        leptos::task::spawn_local(async move {
            match load_region(&folder, &level).await {
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
                if let Some(t0) = ctx.timing.t0.get_value() {
                    ctx.timing.t0.set_value(None);
                    leptos::task::spawn_local(async move {
                        browser::dom_settled().await;
                        browser::measure("equimap:render", ctx.timing.t_render.get_value());
                        browser::measure("equimap:total", t0);
                        browser::expose_info("page_memory", &browser::wasm_memory().to_string());
                        let drawn = browser::now();
                        browser::after_next_paint(move || browser::measure("equimap:paint", drawn));
                        controller::weigh_or_done(ctx);
                    });
                } else {
                    controller::weigh_or_done(ctx);
                }
            }
            Err(e) => {
                browser::expose("error", &serde_json::to_string(&e.to_string()).unwrap_or_default());
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
                <own_areas::OwnAreas/>
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
                <access::AccessPanel/>
                <table::EquityTable/>
                <share::SharePanel/>
            </section>
        </main>
        <footer class="credits">
            <p>{move || ctx.manifest.get().map(|m| m.attribution.clone()).unwrap_or_default()}</p>
            <p>{move || {
                let mut sources: Vec<String> = ctx.catalog.with(|c| c.iter().flat_map(|c| &c.regions).flat_map(|r| &r.samples).map(|s| s.source.clone()).collect());
                sources.sort();
                sources.dedup();
                format!("Sample exports: {}. Equimap computes everything in your browser.", sources.join("; "))
            }}</p>
        </footer>
    }
}
