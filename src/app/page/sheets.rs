//! Spreadsheets dropped on the page (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`): read by the
//! separate `equimap-sheets` module in a Web Worker of its own, started only for a workbook (it is
//! never part of the first visit), one sheet turned into CSV text that goes to the engine worker
//! as any CSV file. A workbook of several sheets offers a sheet picker ([`Workbook`]).

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::actions::send_file;
use super::state::{Ctx, Results, Workbook};
use crate::app::browser;
use crate::app::error::AppError;

/// The spreadsheet reader's worker script, copied next to `index.html` by Trunk.
const SHEETS_SCRIPT: &str = "./sheets-worker.js";

thread_local! {
    /// The workbook's bytes, to read another sheet of it.
    static BYTES: RefCell<Option<js_sys::Uint8Array>> = const { RefCell::new(None) };
}

/// Takes a file the person dropped or chose: a spreadsheet goes through the spreadsheet reader
/// first, anything else to the engine as it is.
pub fn give_file(ctx: Ctx, name: String, data: JsValue) {
    // By name: the page does not read a file's bytes before handing it over.
    if crate::engine::ingest::checks::is_workbook(&name, &[]) {
        return read_sheet(ctx, name, Some(data), None);
    }
    ctx.workbook.set(None);
    send_file(ctx, name, data, false);
}

/// Reads sheet `sheet` (else the first with data) of the workbook in `data` (a `File`, or `None`
/// for the one last dropped) and hands it to the engine.
pub fn read_sheet(ctx: Ctx, name: String, data: Option<JsValue>, sheet: Option<String>) {
    ctx.busy.set(true);
    browser::set_state("busy");
    ctx.status.set(format!("Reading the spreadsheet {name}…"));
    leptos::task::spawn_local(async move {
        let answer = async {
            let bytes = match data {
                Some(d) => bytes_of(d).await?,
                None => BYTES.with_borrow(|b| b.clone()).ok_or("the workbook is no longer in the page: drop it again")?,
            };
            BYTES.with_borrow_mut(|b| *b = Some(bytes.clone()));
            convert(&name, &bytes, sheet).await
        };
        match answer.await {
            Ok((csv, book)) => {
                let shown = if book.sheets.len() > 1 { format!("{name} [{}]", book.sheet) } else { name.clone() };
                ctx.workbook.set(Some(book));
                send_file(ctx, shown, js_sys::Uint8Array::from(csv.as_bytes()).into(), false);
            }
            Err(message) => {
                ctx.busy.set(false);
                ctx.status.set(message.clone());
                ctx.outcome.set(Some(Results { result: Err(AppError::Engine(message)) }));
                browser::set_state("error");
            }
        }
    });
}

/// The bytes of a dropped `File` (or of bytes given as such).
async fn bytes_of(data: JsValue) -> Result<js_sys::Uint8Array, String> {
    if let Some(u) = data.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(u.clone());
    }
    let blob: web_sys::Blob = data.dyn_into().map_err(|_| "not a file".to_string())?;
    let buf = wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await.map_err(|e| browser::js_text(&e))?;
    Ok(js_sys::Uint8Array::new(&buf))
}

/// The zipped shapefile `bytes` named `name` as GeoJSON text in longitude/latitude, converted by
/// the on-demand module (the shapefile reader is not part of the first visit), or a message.
pub async fn shapefile_as_geojson(name: &str, bytes: &[u8]) -> Result<String, String> {
    let msg = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&msg, &k.into(), v).map(|_| ()).map_err(|e| browser::js_text(&e));
    set("name", &name.into())?;
    set("shapefile", &js_sys::Uint8Array::from(bytes).into())?;
    geojson_answer(name, &msg).await
}

/// A shapefile given as loose parts (`(file name, bytes)`: the `.shp` named `name` and the parts
/// beside it) as GeoJSON text in longitude/latitude, converted by the on-demand module.
pub async fn shapefile_parts_as_geojson(name: &str, parts: &[(String, Vec<u8>)]) -> Result<String, String> {
    let msg = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&msg, &k.into(), v).map(|_| ()).map_err(|e| browser::js_text(&e));
    set("name", &name.into())?;
    set("names", &parts.iter().map(|(n, _)| JsValue::from_str(n)).collect::<js_sys::Array>().into())?;
    set("parts", &parts.iter().map(|(_, b)| JsValue::from(js_sys::Uint8Array::from(b.as_slice()))).collect::<js_sys::Array>().into())?;
    geojson_answer(name, &msg).await
}

/// The on-demand module's answer to shapefile request `msg` for `name`: its GeoJSON, or a message.
async fn geojson_answer(name: &str, msg: &js_sys::Object) -> Result<String, String> {
    let reply = ask_module(msg).await.map_err(|e| format!("{name}: the shapefile reader failed: {e}"))?;
    let get = |k: &str| js_sys::Reflect::get(&reply, &k.into()).unwrap_or(JsValue::UNDEFINED);
    if get("ok").as_bool() != Some(true) {
        return Err(get("error").as_string().unwrap_or_else(|| format!("{name}: the shapefile could not be read")));
    }
    get("geojson").as_string().ok_or_else(|| format!("{name}: the shapefile reader gave nothing"))
}

/// Runs the on-demand module's worker on `msg` and waits for its one answer (an object with `ok`).
async fn ask_module(msg: &js_sys::Object) -> Result<JsValue, String> {
    let opts = web_sys::WorkerOptions::new();
    opts.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(SHEETS_SCRIPT, &opts).map_err(|e| browser::js_text(&e))?;
    let answer = js_sys::Promise::new(&mut |resolve, reject| {
        let on_message = Closure::once_into_js(move |ev: web_sys::MessageEvent| resolve.call1(&JsValue::NULL, &ev.data()));
        // A script that fails to load fires a plain Event (no message): rejected all the same, so
        // the page never waits for an answer that will not come.
        let on_error = Closure::once_into_js(move |ev: web_sys::Event| {
            let message = js_sys::Reflect::get(&ev, &"message".into()).ok().and_then(|m| m.as_string());
            let text = message.unwrap_or_else(|| "the module could not be loaded".into());
            reject.call1(&JsValue::NULL, &JsValue::from_str(&text))
        });
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        worker.set_onerror(Some(on_error.unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.unchecked_ref()));
    });
    worker.post_message(msg).map_err(|e| browser::js_text(&e))?;
    let reply = wasm_bindgen_futures::JsFuture::from(answer).await;
    worker.terminate();
    reply.map_err(|e| browser::js_text(&e))
}

/// Downloads the equity table of the analysis `json` as Parquet, written by the on-demand module
/// (the Parquet writer stays out of the first visit's module).
pub fn download_table_parquet(ctx: Ctx, json: String) {
    leptos::task::spawn_local(async move {
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"parquet".into(), &json.into());
        let reply = ask_module(&msg).await;
        let get = |r: &JsValue, k: &str| js_sys::Reflect::get(r, &k.into()).unwrap_or(JsValue::UNDEFINED);
        match reply {
            Ok(r) if get(&r, "ok").as_bool() == Some(true) => {
                let bytes = js_sys::Uint8Array::new(&get(&r, "bytes")).to_vec();
                browser::download("equimap-table.parquet", "application/vnd.apache.parquet", &bytes);
            }
            Ok(r) => {
                ctx.status.set(format!("The table could not be written as Parquet: {}", get(&r, "error").as_string().unwrap_or_default()))
            }
            Err(e) => ctx.status.set(format!("The table could not be written as Parquet: {e}")),
        }
    });
}

/// Runs the spreadsheet reader on `bytes`: the sheet as CSV text, and what was read.
async fn convert(name: &str, bytes: &js_sys::Uint8Array, sheet: Option<String>) -> Result<(String, Workbook), String> {
    let msg = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&msg, &k.into(), v).map(|_| ()).map_err(|e| browser::js_text(&e));
    set("name", &name.into())?;
    // Copied once, by the structured clone.
    set("bytes", bytes)?;
    set("sheet", &sheet.map_or(JsValue::UNDEFINED, |s| s.into()))?;
    let reply = ask_module(&msg).await.map_err(|e| format!("{name}: the spreadsheet reader failed: {e}"))?;
    let get = |k: &str| js_sys::Reflect::get(&reply, &k.into()).unwrap_or(JsValue::UNDEFINED);
    if get("ok").as_bool() != Some(true) {
        return Err(get("error").as_string().unwrap_or_else(|| format!("{name}: the spreadsheet could not be read")));
    }
    let sheets = js_sys::Array::from(&get("sheets")).iter().filter_map(|s| s.as_string()).collect();
    let book = Workbook {
        name: name.to_string(),
        sheets,
        sheet: get("sheet").as_string().unwrap_or_default(),
        header_row: get("header_row").as_f64().unwrap_or(1.0) as usize,
    };
    Ok((get("csv").as_string().unwrap_or_default(), book))
}
