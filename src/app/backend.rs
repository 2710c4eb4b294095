//! The page's side of the engine worker: starts it (handing it the page's own compiled wasm
//! module), sends requests, routes answers to the app, and restarts it to cancel a read or after
//! a failure (a worker that runs out of memory dies alone; the page stays).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::protocol::{message, open, Request, Response};

/// The worker script, copied next to `index.html` by Trunk.
const WORKER_SCRIPT: &str = "./worker.js";

/// A level's data as fetched, kept so a restarted worker gets the same areas.
#[derive(Clone, Default)]
pub struct AreaSource {
    /// The region's `manifest.json` text.
    pub manifest: String,
    /// Level id.
    pub level: String,
    /// `areas.parquet` bytes.
    pub areas: Vec<u8>,
    /// Boundaries GeoJSON bytes.
    pub boundaries: Vec<u8>,
    /// Indicator files joined to the level: (name, bytes).
    pub extras: Vec<(String, Vec<u8>)>,
}

type Handler = Rc<dyn Fn(Response, JsValue)>;
type CrashHandler = Rc<dyn Fn(String)>;

struct Engine {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
    static HANDLER: RefCell<Option<Handler>> = const { RefCell::new(None) };
    static ON_CRASH: RefCell<Option<CrashHandler>> = const { RefCell::new(None) };
    static SOURCE: RefCell<Option<AreaSource>> = const { RefCell::new(None) };
    /// Whether a worker was asked to warm up already.
    static WARMED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Starts the worker. `on_response` gets every answer; `on_crash` the message of a worker that
/// died (it is restarted with the current areas; its file is gone).
pub fn start(on_response: impl Fn(Response, JsValue) + 'static, on_crash: impl Fn(String) + 'static) -> Result<(), String> {
    HANDLER.with_borrow_mut(|h| *h = Some(Rc::new(on_response)));
    ON_CRASH.with_borrow_mut(|h| *h = Some(Rc::new(on_crash)));
    spawn()
}

fn spawn() -> Result<(), String> {
    let opts = web_sys::WorkerOptions::new();
    opts.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(WORKER_SCRIPT, &opts).map_err(|e| super::worker::js_text(&e))?;
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let Some(handler) = HANDLER.with_borrow(|h| h.clone()) else { return };
        match open::<Response>(&ev.data()) {
            Ok((resp, data)) => handler(resp, data),
            Err(e) => gloo::console::error!(e),
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |ev: web_sys::ErrorEvent| {
        ev.prevent_default();
        let msg = ev.message();
        restart();
        if let Some(f) = ON_CRASH.with_borrow(|h| h.clone()) {
            f(msg);
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // Boot: the glue script's URL and the compiled module, so the worker downloads nothing.
    let boot = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&boot, &"glue".into(), &glue_url().into());
    let _ = js_sys::Reflect::set(&boot, &"module".into(), &wasm_bindgen::module());
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"boot".into(), &boot);
    worker.post_message(&msg).map_err(|e| super::worker::js_text(&e))?;
    ENGINE.with_borrow_mut(|e| *e = Some(Engine { worker, _on_message: on_message, _on_error: on_error }));
    if let Some(src) = SOURCE.with_borrow(|s| s.clone()) {
        send_areas(&src);
    }
    Ok(())
}

/// Stops the worker (whatever it was doing) and starts a fresh one with the current areas.
pub fn restart() {
    if let Some(e) = ENGINE.with_borrow_mut(|e| e.take()) {
        e.worker.terminate();
    }
    if let Err(e) = spawn() {
        gloo::console::error!(e);
    }
}

/// The URL of the wasm-bindgen glue script the page was started with (Trunk preloads it).
fn glue_url() -> String {
    let doc = gloo::utils::document();
    doc.query_selector("link[rel=modulepreload]")
        .ok()
        .flatten()
        .and_then(|l| l.dyn_into::<web_sys::HtmlLinkElement>().ok())
        .map(|l| l.href())
        .unwrap_or_default()
}

/// Sends a request with its data.
pub fn send(req: &Request, data: &JsValue) {
    let json = serde_json::to_string(req).unwrap_or_default();
    ENGINE.with_borrow(|e| {
        if let Some(e) = e {
            let _ = e.worker.post_message(&message(&json, data));
        }
    });
}

fn send_areas(src: &AreaSource) {
    let data = js_sys::Array::new();
    data.push(&js_sys::Uint8Array::from(src.areas.as_slice()));
    data.push(&js_sys::Uint8Array::from(src.boundaries.as_slice()));
    for (_, b) in &src.extras {
        data.push(&js_sys::Uint8Array::from(b.as_slice()));
    }
    let extras = src.extras.iter().map(|(n, _)| n.clone()).collect();
    let warm_up = !WARMED.replace(true);
    send(&Request::SetAreas { manifest: src.manifest.clone(), level: src.level.clone(), extras, warm_up }, &data);
}

/// Gives the worker a level's areas (and remembers them for a restart).
pub fn set_areas(src: AreaSource) {
    send_areas(&src);
    SOURCE.with_borrow_mut(|s| *s = Some(src));
}

/// Records an indicator file the worker has already joined (for a restart).
pub fn add_extra(name: String, bytes: Vec<u8>) {
    SOURCE.with_borrow_mut(|s| {
        if let Some(s) = s {
            s.extras.push((name, bytes));
        }
    });
}
