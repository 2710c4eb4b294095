//! "Use your own areas": a boundaries file (GeoJSON, TopoJSON, or a table with a WKT polygon
//! column such as a portal's `the_geom` CSV) dropped on the page becomes the
//! level everything works on — matching, measures, map, exports — built by the engine on the page
//! (for the map) and in the engine worker (for the analysis) from the same bytes. The file stays
//! in the page; the link names it (`ar=`), so a shared view says to drop it again.

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::backend::{self, AreaSource};
use super::fields::select_box;
use super::state::{Ctx, OwnInfo, Results};
use crate::app::browser;
use crate::app::error::AppError;
use crate::engine::region::own::{check_boundaries_size, own_level, OwnChoice, OwnLevel, OWN_ID};
use crate::engine::View;

thread_local! {
    /// The boundaries file last given (name, bytes), to choose other properties of it.
    static GIVEN: RefCell<Option<(String, Vec<u8>)>> = const { RefCell::new(None) };
    /// How many boundaries files have been given: a file read slowly (a shapefile converted by
    /// the on-demand module) is dropped if another was given meanwhile.
    static TURN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A new turn for a boundaries file being given.
fn next_turn() -> u64 {
    TURN.with(|t| {
        t.set(t.get() + 1);
        t.get()
    })
}

/// Ends turn `turn`: the level built from `read`, or its error shown — unless a later file was
/// given meanwhile, whose turn it now is.
fn finish(ctx: Ctx, turn: u64, read: Result<(String, Vec<u8>), AppError>) {
    if TURN.with(std::cell::Cell::get) != turn {
        return;
    }
    match read {
        Ok((name, bytes)) => take_bytes(ctx, name, bytes),
        Err(e) => show_error(ctx, e),
    }
}

/// Whether a dropped file is boundaries for one's own areas, by its name: `.geojson`,
/// `.topojson`, `.json`, feature sequences (`.geojsonl`, `.geojsons`; exports are never JSON), a
/// `.zip` (a zipped shapefile; any other archive is named as such there), or another boundary format (a shapefile's part, KML, …: refused there with how to convert it).
pub fn is_boundaries_name(name: &str) -> bool {
    let l = name.to_lowercase();
    [".geojson", ".topojson", ".json", ".geojsonl", ".geojsons", ".zip"].iter().any(|e| l.ends_with(e))
        || crate::engine::geo::boundary_file::foreign_format(name, b"").is_some()
}

/// Whether a boundaries file is a zipped shapefile, read by the on-demand module first.
fn is_zipped_shapefile(name: &str, bytes: &[u8]) -> bool {
    crate::engine::geo::boundary_file::foreign_format(name, bytes) == Some("a zipped shapefile")
        || (name.to_lowercase().ends_with(".zip") && bytes.starts_with(b"PK\x03\x04"))
}

/// Takes the boundaries files the person dropped or chose together: a shapefile's loose parts
/// (a `.shp` and the `.dbf`, `.prj`, `.cpg` of the same name) read as one, else the first file.
pub fn give_boundary_files(ctx: Ctx, files: Vec<web_sys::File>) {
    let shp = files.iter().position(|f| f.name().to_lowercase().ends_with(".shp"));
    let (Some(at), true) = (shp, files.len() > 1) else {
        if let Some(f) = files.into_iter().next() {
            give_boundaries(ctx, f);
        }
        return;
    };
    let name = files[at].name();
    let stem = name[..name.len() - 4].to_lowercase();
    let parts: Vec<web_sys::File> = files
        .into_iter()
        .filter(|f| {
            let n = f.name().to_lowercase();
            n.rsplit_once('.').is_some_and(|(s, e)| s == stem && ["shp", "dbf", "prj", "cpg"].contains(&e))
        })
        .collect();
    let total: f64 = parts.iter().map(|f| f.size()).sum();
    if let Err(e) = check_boundaries_size(&name, total as u64) {
        return show_error(ctx, AppError::from(e));
    }
    ctx.status.set(format!("Reading the shapefile {name}…"));
    let turn = next_turn();
    leptos::task::spawn_local(async move {
        let mut given = Vec::new();
        for f in parts {
            match wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await {
                Ok(buf) => given.push((f.name(), js_sys::Uint8Array::new(&buf).to_vec())),
                Err(e) => {
                    let e = AppError::Engine(format!("{}: could not be read: {}", f.name(), browser::js_text(&e)));
                    return finish(ctx, turn, Err(e));
                }
            }
        }
        let read = super::sheets::shapefile_parts_as_geojson(&name, &given).await;
        finish(ctx, turn, read.map(|text| (name, text.into_bytes())).map_err(AppError::Engine));
    });
}

/// Takes a boundaries file the person dropped or chose (`file`: a `File`), refusing one over the
/// size limit before reading it.
pub fn give_boundaries(ctx: Ctx, file: web_sys::File) {
    let name = file.name();
    if let Err(e) = check_boundaries_size(&name, file.size() as u64) {
        return show_error(ctx, AppError::from(e));
    }
    ctx.status.set(format!("Reading the boundaries {name}…"));
    let turn = next_turn();
    leptos::task::spawn_local(async move {
        let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
            Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
            Err(e) => return finish(ctx, turn, Err(AppError::Engine(format!("{name}: could not be read: {}", browser::js_text(&e))))),
        };
        if !is_zipped_shapefile(&name, &bytes) {
            return finish(ctx, turn, Ok((name, bytes)));
        }
        ctx.status.set(format!("Reading the shapefile {name}…"));
        let read = super::sheets::shapefile_as_geojson(&name, &bytes).await;
        finish(ctx, turn, read.map(|text| (name, text.into_bytes())).map_err(AppError::Engine));
    });
}

/// Keeps the boundaries `bytes` (GeoJSON, TopoJSON or a WKT table) given as `name` and builds the
/// level, with the properties the view chose when it names the same file.
fn take_bytes(ctx: Ctx, name: String, bytes: Vec<u8>) {
    GIVEN.with_borrow_mut(|g| *g = Some((name.clone(), bytes)));
    let choice = ctx.view.with_untracked(|v| {
        if v.areas_file == name {
            OwnChoice { code: v.areas_code.clone(), name: v.areas_name.clone() }
        } else {
            OwnChoice::default()
        }
    });
    build(ctx, choice);
}

/// Builds the level from the file last given with the properties of `choice`, and uses it.
fn build(ctx: Ctx, choice: OwnChoice) {
    let Some((name, bytes)) = GIVEN.with_borrow(|g| g.clone()) else { return };
    let t = browser::now();
    match own_level(&name, &bytes, &choice) {
        Ok(own) => {
            browser::measure("equimap:own-areas", t);
            use_level(ctx, &name, own, bytes);
        }
        Err(e) => show_error(ctx, AppError::from(e)),
    }
}

fn use_level(ctx: Ctx, name: &str, own: OwnLevel, bytes: Vec<u8>) {
    let info = OwnInfo {
        file: name.to_string(),
        used: own.used.clone(),
        code_candidates: own.code_candidates.clone(),
        name_candidates: own.name_candidates.clone(),
        problems: own.problems.clone(),
        count: own.areas.len(),
    };
    let manifest = serde_json::to_string(&own.manifest).unwrap_or_default();
    backend::set_areas(AreaSource {
        manifest,
        folder: String::new(),
        level: OWN_ID.into(),
        areas: vec![],
        boundaries: bytes,
        extras: vec![],
        own: Some(own.used.clone()),
    });
    ctx.status.set(format!("{name}: {} areas (code from \"{}\", name from \"{}\").", info.count, info.used.code, info.used.name));
    ctx.own.set(Some(Arc::new(info)));
    ctx.load_error.set(None);
    ctx.manifest.set(Some(Arc::new(own.manifest)));
    ctx.areas.set(Some(Arc::new(own.areas)));
    let used = own.used;
    ctx.edit(|v| {
        if v.areas_file != name {
            // Other areas: the region's choices of indicators no longer apply.
            *v = View { file: v.file.clone(), sample: false, ..View::default() };
        }
        v.region = OWN_ID.into();
        v.level.clear();
        v.areas_file = name.to_string();
        v.areas_code = used.code;
        v.areas_name = used.name;
    });
}

fn show_error(ctx: Ctx, e: AppError) {
    ctx.status.set(e.to_string());
    ctx.outcome.set(Some(Results { result: Err(e) }));
    browser::set_state("error");
}

/// Back to the site's regions.
fn leave(ctx: Ctx) {
    next_turn();
    GIVEN.with_borrow_mut(|g| *g = None);
    ctx.own.set(None);
    ctx.file.set(None);
    ctx.outcome.set(None);
    let region = ctx.catalog.with_untracked(|c| c.as_ref().map(|c| c.default_region.clone()).unwrap_or_default());
    ctx.edit(|v| *v = View { region, ..View::default() });
}

/// The panel: a file input for boundaries, then the properties used, what was left out and the
/// way back to the regions.
#[component]
pub fn OwnAreas() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().expect("input").unchecked_into();
        if let Some(list) = input.files() {
            give_boundary_files(ctx, (0..list.length()).filter_map(|i| list.get(i)).collect());
        }
    };
    let options = move |pick: fn(&OwnInfo) -> &Vec<String>| {
        Signal::derive(move || {
            ctx.own.with(|o| o.as_ref().map(|o| pick(o).iter().map(|p| (p.clone(), p.clone())).collect()).unwrap_or_default())
        })
    };
    let current = move |pick: fn(&OwnChoice) -> &String| {
        Signal::derive(move || ctx.own.with(|o| o.as_ref().map(|o| pick(&o.used).clone()).unwrap_or_default()))
    };
    let rechoose = move |code: Option<String>, name: Option<String>| {
        let Some(used) = ctx.own.with_untracked(|o| o.as_ref().map(|o| o.used.clone())) else { return };
        build(ctx, OwnChoice { code: code.unwrap_or(used.code), name: name.unwrap_or(used.name) });
    };
    view! {
        <details class="panel own-areas" open=move || ctx.own.with(Option::is_some)>
            <summary>"Use your own areas"</summary>
            <p class="hint">"Choose a boundaries file (GeoJSON or TopoJSON; a shapefile — the .zip as downloaded, or its .shp, .dbf and .prj chosen together — in the system its .prj names; or a CSV with one row per area and its polygon as WKT, as data portals export the_geom) here, or drop a GeoJSON/TopoJSON on the drop zone: wards, school districts, your service areas. Then drop your export, and a table of indicators keyed by the same codes for rates and need."</p>
            <label class="file-label">
                <span>"Choose boundaries"</span>
                <input type="file" multiple data-testid="areas-input" accept=".geojson,.topojson,.json,.geojsonl,.geojsons,.zip,.shp,.dbf,.prj,.cpg,.csv,.tsv,.txt,application/geo+json,application/json,application/zip,text/csv" on:change=on_change/>
            </label>
            {move || ctx.own.get().map(|o| view! {
                <div data-testid="own-areas">
                    <p><strong>{format!("{}: {} areas", o.file, o.count)}</strong></p>
                    <div class="fields">
                        {select_box("Code property", "areas-code", options(|o| &o.code_candidates), current(|c| &c.code), move |c| rechoose(Some(c), None))}
                        {select_box("Name property", "areas-name", options(|o| &o.name_candidates), current(|c| &c.name), move |n| rechoose(None, Some(n)))}
                    </div>
                    {(!o.problems.is_empty()).then(|| view! {
                        <ul class="problems" data-testid="areas-problems">{o.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect::<Vec<_>>()}</ul>
                    })}
                    <button type="button" class="secondary" data-testid="leave-own" on:click=move |_| leave(ctx)>"Back to the site's regions"</button>
                </div>
            })}
        </details>
    }
}
