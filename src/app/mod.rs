//! The Leptos web app: components only. All figures come from [`crate::engine`]; this layer reads
//! files, draws, and keeps the view in the URL.

pub mod browser;
pub mod input;
pub mod map;
pub mod report;
pub mod share;
pub mod state;
pub mod table;

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::region::{Areas, Manifest};
use crate::engine::View;
use state::{Ctx, LoadedFile, REGIONS, SAMPLES};

/// Mounts the app on the page's `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
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

/// Loads a region's manifest and one level (areas + boundaries) from the site.
async fn load_region(region: &str, level: &str) -> Result<(Manifest, Areas, Option<String>), String> {
    let base = format!("data/{region}");
    let manifest = Manifest::from_json(&browser::fetch_text(&format!("{base}/manifest.json")).await?).map_err(|e| e.to_string())?;
    let mut problem = None;
    let lv = match manifest.level(if level.is_empty() { &manifest.default_level } else { level }) {
        Ok(l) => l.clone(),
        Err(e) => {
            problem = Some(e.to_string());
            manifest.level(&manifest.default_level).map_err(|e| e.to_string())?.clone()
        }
    };
    let areas = browser::fetch_bytes(&format!("{base}/{}", lv.areas)).await?;
    let bounds = browser::fetch_text(&format!("{base}/{}", lv.boundaries)).await?;
    let areas = Areas::load(&lv, areas, Some(&bounds)).map_err(|e| e.to_string())?;
    Ok((manifest, areas, problem))
}

/// Reads bytes as the user's file and analyses it.
pub fn accept_file(ctx: Ctx, name: String, bytes: Vec<u8>, sample: bool) {
    ctx.status.set(format!("Reading {name} ({:.1} MB)…", bytes.len() as f64 / 1e6));
    let t = browser::now();
    match crate::engine::read_any(&name, bytes) {
        Ok(ingested) => {
            browser::measure("equimap:read", t);
            // A file of indicators keyed by area code joins the region's data instead.
            if let Some((more, extra)) = ctx.areas.get_untracked().and_then(|a| a.with_extra(&ingested.table)) {
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
                ctx.areas.set(Some(Arc::new(more)));
                ctx.t0.set_value(None);
                browser::set_state("done");
                return;
            }
            let n = ingested.report.rows_in;
            ctx.prepared.set_value(None);
            // Columns the link names that this file lacks are dropped, with a message.
            let mut dropped = Vec::new();
            ctx.view.update(|v| {
                v.file = name.clone();
                v.sample = sample;
                for c in [&mut v.area_column, &mut v.lat_column, &mut v.lon_column, &mut v.id_column, &mut v.capacity_column] {
                    if !c.is_empty() && ingested.table.find(c).is_none() {
                        dropped.push(c.clone());
                        c.clear();
                    }
                }
                v.filters.retain(|f| {
                    let ok = filter_columns(f).iter().all(|c| ingested.table.find(c).is_some());
                    if !ok {
                        dropped.push(crate::engine::analysis::describe_filter(f));
                    }
                    ok
                });
            });
            if !dropped.is_empty() {
                ctx.link_problems.update(|p| p.push(format!("{name} has no column for: {} (left out)", dropped.join("; "))));
            }
            ctx.file.set(Some(Arc::new(LoadedFile { ingested })));
            ctx.status.set(format!("Read {n} rows of {name}."));
        }
        Err(e) => {
            ctx.status.set(e.to_string());
            ctx.outcome.set(Some(state::Outcome { result: Err(e.to_string()) }));
            browser::set_state("error");
        }
    }
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
    ctx.busy.set(true);
    ctx.t0.set_value(Some(browser::now()));
    leptos::task::spawn_local(async move {
        match browser::fetch_bytes(path).await {
            Ok(bytes) => accept_file(ctx, file.to_string(), bytes, true),
            Err(e) => ctx.status.set(e),
        }
        ctx.busy.set(false);
    });
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let (view, problems) = initial_view();
    let ctx = Ctx::new(view, problems);
    provide_context(ctx);
    let ready_once = StoredValue::new(false);

    // Region/level data: reload when either changes.
    let region_key = Memo::new(move |_| ctx.view.with(|v| (v.region.clone(), v.level.clone())));
    Effect::new(move |_| {
        let (region, level) = region_key.get();
        ctx.areas.set(None);
        ctx.load_error.set(None);
        leptos::task::spawn_local(async move {
            match load_region(&region, &level).await {
                Ok((m, a, problem)) => {
                    if let Some(p) = problem {
                        ctx.link_problems.update(|v| v.push(p));
                        ctx.view.update(|v| v.level.clear());
                    }
                    ctx.manifest.set(Some(Arc::new(m)));
                    ctx.areas.set(Some(Arc::new(a)));
                    if !ready_once.get_value() {
                        ready_once.set_value(true);
                        browser::measure("equimap:ready", 0.0);
                        browser::set_state("ready");
                        // A link to a bundled sample renders at once.
                        let (file, sample) = ctx.view.with_untracked(|v| (v.file.clone(), v.sample));
                        if sample && SAMPLES.iter().any(|s| s.0 == file) {
                            load_sample(ctx, &file);
                        }
                    }
                }
                Err(e) => ctx.load_error.set(Some(e)),
            }
        });
    });

    // Keep the URL equal to the view.
    Effect::new(move |_| {
        let q = ctx.view.with(|v| v.to_query());
        browser::replace_query(&q);
    });

    // Recompute whenever the view, the file or the areas change.
    Effect::new(move |_| {
        ctx.view.track();
        ctx.file.track();
        ctx.areas.track();
        ctx.recompute();
    });

    // Publish the analysis and the timing once the table is drawn.
    Effect::new(move |_| {
        let Some(outcome) = ctx.outcome.get() else { return };
        match &outcome.result {
            Ok(a) => {
                let json = serde_json::to_string(a.as_ref()).unwrap_or_else(|_| "null".into());
                browser::expose("analysis", &json);
                if ctx.view.with_untracked(|v| v.preset == "peer-bench") {
                    // The benchmark harness's fixed workload, for its result check.
                    if let (Some(f), Some(areas)) = (ctx.file.get_untracked(), ctx.areas.get_untracked()) {
                        match crate::engine::peer_bench::peer_bench(&f.ingested.table, &areas) {
                            Ok(rows) => browser::expose("result", &serde_json::to_string(&rows).unwrap_or_default()),
                            Err(e) => browser::expose("error", &serde_json::to_string(&e.to_string()).unwrap_or_default()),
                        }
                    }
                }
                if let Some(t0) = ctx.t0.get_value() {
                    ctx.t0.set_value(None);
                    gloo::timers::callback::Timeout::new(0, move || {
                        browser::measure("equimap:total", t0);
                        browser::set_state("done");
                    })
                    .forget();
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
