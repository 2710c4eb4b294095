//! The page's side of the engine worker: starts it (handing it the page's own compiled wasm
//! module), sends requests, routes answers to the app, and restarts it to cancel a read or after
//! a failure (a worker that runs out of memory dies alone; the page stays). A second, helper
//! worker reads the second half of a large CSV file at the same time (on another core); its part
//! is handed to the engine worker to join, and the helper is replaced by a fresh one (so the
//! memory it used is given back).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::app::protocol::{message, open, AnalysisWithRead, Request, Response, Split};
use crate::engine::ingest::part::split_point;
use crate::engine::region::AddedIndicators;

/// The worker script, copied next to `index.html` by Trunk.
const WORKER_SCRIPT: &str = "./worker.js";

/// Milliseconds after a helper's part is handed over before a fresh helper is started (a starting
/// worker takes a core and memory; a large file starts one at once).
const HELPER_START_MS: u32 = 2000;

/// A level's data as fetched, kept so a restarted worker gets the same areas.
#[derive(Clone, Default)]
pub struct AreaSource {
    /// The region's `manifest.json` text.
    pub manifest: String,
    /// The region's folder, relative to the page, with a trailing `/` (its postcode table is there).
    pub folder: String,
    /// Level id.
    pub level: String,
    /// `areas.parquet` bytes.
    pub areas: Vec<u8>,
    /// Boundaries GeoJSON bytes.
    pub boundaries: Vec<u8>,
    /// Indicators joined to the level from files, in order.
    pub extras: Vec<AddedIndicators>,
    /// For the person's own areas: the properties used (`boundaries` holds their file, `areas`
    /// is empty).
    pub own: Option<crate::engine::region::own::OwnChoice>,
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
    /// The helper worker, when started.
    static HELPER: RefCell<Option<Engine>> = const { RefCell::new(None) };
    /// The current split's number and bytes read so far by the engine worker and the helper.
    static SPLIT: std::cell::Cell<(u64, f64, f64)> = const { std::cell::Cell::new((0, 0.0, 0.0)) };
}

/// Starts the worker. `on_response` gets every answer; `on_crash` the message of a worker that
/// died (it is restarted with the current areas; its file is gone).
pub fn start(on_response: impl Fn(Response, JsValue) + 'static, on_crash: impl Fn(String) + 'static) -> Result<(), String> {
    HANDLER.with_borrow_mut(|h| *h = Some(Rc::new(on_response)));
    ON_CRASH.with_borrow_mut(|h| *h = Some(Rc::new(on_crash)));
    spawn()
}

/// Starts a worker of the page's module; `on_message` gets its answers, `on_error` the message of
/// its crash.
fn new_worker(mut on_message: impl FnMut(Response, JsValue) + 'static, on_error: impl Fn(String) + 'static) -> Result<Engine, String> {
    let opts = web_sys::WorkerOptions::new();
    opts.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(WORKER_SCRIPT, &opts).map_err(|e| crate::app::browser::js_text(&e))?;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| match open::<Response>(&ev.data()) {
            Ok((resp, data)) => on_message(resp, data),
            Err(e) => gloo::console::error!(e),
        });
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |ev: web_sys::ErrorEvent| {
        ev.prevent_default();
        on_error(ev.message());
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // Boot: the glue script's URL and the compiled module, so the worker downloads nothing.
    let boot = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&boot, &"glue".into(), &glue_url().into());
    let _ = js_sys::Reflect::set(&boot, &"module".into(), &wasm_bindgen::module());
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"boot".into(), &boot);
    worker.post_message(&msg).map_err(|e| crate::app::browser::js_text(&e))?;
    Ok(Engine { worker, _on_message: on_message, _on_error: on_error })
}

fn spawn() -> Result<(), String> {
    let engine = new_worker(
        |resp, data| {
            let Some(handler) = HANDLER.with_borrow(|h| h.clone()) else { return };
            match resp {
                Response::Progress { name, read, total } => {
                    let (id, _, theirs) = SPLIT.get();
                    SPLIT.set((id, read, theirs));
                    handler(Response::Progress { name, read: (read + theirs).min(total), total }, data)
                }
                Response::PartRefused => replace_helper_later(),
                Response::Failed { seq, stage, message } => {
                    if stage == "read" {
                        // The helper may be reading the second half of the file for nothing.
                        replace_helper_later();
                    }
                    handler(Response::Failed { seq, stage, message }, data)
                }
                resp => handler(resp, data),
            }
        },
        |msg| {
            restart();
            if let Some(f) = ON_CRASH.with_borrow(|h| h.clone()) {
                f(msg);
            }
        },
    )?;
    ENGINE.with_borrow_mut(|e| *e = Some(engine));
    if let Some(src) = SOURCE.with_borrow(|s| s.clone()) {
        send_areas(&src);
    }
    Ok(())
}

/// Starts a fresh helper worker (replacing one that is running).
pub fn spawn_helper() {
    if let Some(old) = HELPER.with_borrow_mut(|h| h.take()) {
        old.worker.terminate();
    }
    let helper = new_worker(
        |resp, data| match resp {
            Response::PartRead { id, part } => {
                // The engine worker joins each piece; after the last, the helper's memory is given
                // back at once.
                let last = part.head.next.is_none();
                let buffers: js_sys::Array = data.clone().unchecked_into();
                send_transfer(&Request::JoinPart { id, part: Some(part) }, &data, &buffers);
                if last {
                    replace_helper_later();
                }
            }
            Response::Progress { name, read, total } => {
                let (id, ours, _) = SPLIT.get();
                SPLIT.set((id, ours, read));
                if let Some(handler) = HANDLER.with_borrow(|h| h.clone()) {
                    handler(Response::Progress { name, read: (ours + read).min(total), total }, JsValue::UNDEFINED);
                }
            }
            _ => {
                // It failed: the engine worker reads the rest itself.
                send(&Request::JoinPart { id: SPLIT.get().0, part: None }, &JsValue::UNDEFINED);
                replace_helper_later();
            }
        },
        |_| {
            send(&Request::JoinPart { id: SPLIT.get().0, part: None }, &JsValue::UNDEFINED);
            replace_helper_later();
        },
    );
    match helper {
        Ok(h) => HELPER.with_borrow_mut(|slot| *slot = Some(h)),
        Err(e) => gloo::console::error!(e),
    }
}

/// Stops the helper now (its memory is given back) and starts a fresh one a little later, once
/// the engine worker has joined the part and analysed the file (a new worker takes memory too).
fn replace_helper_later() {
    if let Some(old) = HELPER.with_borrow_mut(|h| h.take()) {
        old.worker.terminate();
    }
    spawn_helper_later();
}

/// Starts a helper in [`HELPER_START_MS`], unless one is running by then.
fn spawn_helper_later() {
    gloo::timers::callback::Timeout::new(HELPER_START_MS, || {
        if HELPER.with_borrow(Option::is_none) {
            spawn_helper();
        }
    })
    .forget();
}

/// Hands a file to the engine worker to read (then to analyse for `then`); a large CSV file is
/// read by the helper worker from its middle at the same time.
pub fn send_read(name: String, then: Option<AnalysisWithRead>, data: &JsValue) {
    let size = data.dyn_ref::<web_sys::Blob>().map_or(0.0, |b| b.size());
    let id = SPLIT.get().0 + 1;
    let split = split_point(&name, size as u64).map(|from| Split { id, from: from as f64 });
    if split.is_some() && HELPER.with_borrow(Option::is_none) {
        // Its messages wait in order while it starts.
        spawn_helper();
    }
    SPLIT.set((id, 0.0, 0.0));
    if let Some(split) = split {
        let json = serde_json::to_string(&Request::ReadPart { name: name.clone(), split }).unwrap_or_default();
        HELPER.with_borrow(|h| {
            if let Some(h) = h {
                let _ = h.worker.post_message(&message(&json, data));
            }
        });
    }
    send(&Request::Read { name, then, split }, data);
}

/// Stops the worker (whatever it was doing) and starts a fresh one with the current areas; the
/// helper is replaced too (it may be reading part of the file).
pub fn restart() {
    if let Some(e) = ENGINE.with_borrow_mut(|e| e.take()) {
        e.worker.terminate();
    }
    if let Err(e) = spawn() {
        gloo::console::error!(e);
    }
    if HELPER.with_borrow(Option::is_some) {
        spawn_helper();
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

/// Sends a request with its data, handing over (not copying) the buffers in `transfer`.
fn send_transfer(req: &Request, data: &JsValue, buffers: &js_sys::Array) {
    let json = serde_json::to_string(req).unwrap_or_default();
    let transfer: js_sys::Array =
        buffers.iter().map(|b| js_sys::Reflect::get(&b, &"buffer".into()).unwrap_or(JsValue::UNDEFINED)).collect();
    ENGINE.with_borrow(|e| {
        if let Some(e) = e {
            let _ = e.worker.post_message_with_transfer(&message(&json, data), &transfer);
        }
    });
}

fn send_areas(src: &AreaSource) {
    let data = js_sys::Array::new();
    data.push(&js_sys::Uint8Array::from(src.areas.as_slice()));
    data.push(&js_sys::Uint8Array::from(src.boundaries.as_slice()));
    let extras = src.extras.clone();
    let warm_up = !WARMED.replace(true);
    let (manifest, folder, level, own) = (src.manifest.clone(), src.folder.clone(), src.level.clone(), src.own.clone());
    send(&Request::SetAreas { manifest, folder, level, extras, warm_up, own }, &data);
}

/// Gives the worker a level's areas (and remembers them for a restart).
pub fn set_areas(src: AreaSource) {
    send_areas(&src);
    SOURCE.with_borrow_mut(|s| *s = Some(src));
}

/// Records indicators the worker has already joined (for a restart).
pub fn add_extra(added: AddedIndicators) {
    SOURCE.with_borrow_mut(|s| {
        if let Some(s) = s {
            s.extras.push(added);
        }
    });
}
