//! The browser boundary, for the page and the workers alike: the clock, JS errors as text, wasm
//! memory; and on the page, fetching the site's own files, reading dropped files, downloads, the
//! URL, User Timing measures and the `window.__equimap` hook.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::app::error::AppError;

/// Fetches a file of the site itself (a path relative to the page, so the site works under any
/// sub-path). Never another origin.
pub async fn fetch_bytes(path: &str) -> Result<Vec<u8>, AppError> {
    let failed = |reason: String| AppError::Fetch { path: path.into(), reason };
    let resp = gloo::net::http::Request::get(path).send().await.map_err(|e| failed(e.to_string()))?;
    if !resp.ok() {
        return Err(failed(format!("HTTP {}", resp.status())));
    }
    resp.binary().await.map_err(|e| failed(e.to_string()))
}

/// Fetches a text file of the site.
pub async fn fetch_text(path: &str) -> Result<String, AppError> {
    let b = fetch_bytes(path).await?;
    String::from_utf8(b).map_err(|e| AppError::Fetch { path: path.into(), reason: e.to_string() })
}

/// Offers `content` as a download named `name`.
pub fn download(name: &str, mime: &str, content: &[u8]) {
    let arr = js_sys::Uint8Array::from(content);
    let parts = js_sys::Array::of1(&arr);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let doc = gloo::utils::document();
    if let Ok(a) = doc.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The page's query string (with `?`).
pub fn location_search() -> String {
    gloo::utils::window().location().search().unwrap_or_default()
}

/// The page's URL without query or fragment.
pub fn location_base() -> String {
    let l = gloo::utils::window().location();
    format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
}

/// Replaces the address bar's query without reloading.
pub fn replace_query(query: &str) {
    let w = gloo::utils::window();
    // Replacing the address costs the browser a same-document navigation: only when it changes.
    if w.location().search().is_ok_and(|s| s.strip_prefix('?').unwrap_or(&s) == query) {
        return;
    }
    let path = w.location().pathname().unwrap_or_default();
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}?{query}")));
    }
}

/// Renders an SVG document to a PNG (`scale` × its size) and offers it as a download.
pub fn download_svg_as_png(name: &'static str, svg: &str, width: f64, height: f64, scale: f64) {
    let doc = gloo::utils::document();
    let Ok(img) = web_sys::HtmlImageElement::new() else { return };
    let Ok(canvas) = doc.create_element("canvas") else { return };
    let canvas: web_sys::HtmlCanvasElement = canvas.unchecked_into();
    canvas.set_width((width * scale) as u32);
    canvas.set_height((height * scale) as u32);
    let img2 = img.clone();
    let onload = Closure::once_into_js(move || {
        let Ok(Some(ctx)) = canvas.get_context("2d") else { return };
        let ctx: web_sys::CanvasRenderingContext2d = ctx.unchecked_into();
        let _ = ctx.draw_image_with_html_image_element_and_dw_and_dh(&img2, 0.0, 0.0, width * scale, height * scale);
        if let Ok(url) = canvas.to_data_url_with_type("image/png") {
            if let Ok(a) = gloo::utils::document().create_element("a") {
                let a: web_sys::HtmlAnchorElement = a.unchecked_into();
                a.set_href(&url);
                a.set_download(name);
                a.click();
            }
        }
    });
    img.set_onload(Some(onload.unchecked_ref()));
    let encoded = js_sys::encode_uri_component(svg);
    img.set_src(&format!("data:image/svg+xml;charset=utf-8,{}", String::from(encoded)));
}

/// `performance.now()`, on the page or in a worker (each has its own clock: its time origin).
pub fn now() -> f64 {
    thread_local! {
        static PERFORMANCE: Option<web_sys::Performance> = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| p.dyn_into::<web_sys::Performance>().ok());
    }
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, |p| p.now()))
}

/// A JS error as text (`NotReadableError: …`).
pub fn js_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| format!("{}: {}", String::from(e.name()), String::from(e.message())))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Whether this code runs in a worker (there is no `window`).
pub fn in_worker() -> bool {
    js_sys::global().dyn_into::<web_sys::Window>().is_err()
}

/// Resolves once the page's reactive updates have finished changing the document: after two
/// turns of the async executor in a row that changed nothing in it (at most 64 turns). It
/// resolves before the browser lays out and paints the new content, as a page that sets
/// `innerHTML` and returns has finished before that.
pub async fn dom_settled() {
    let noop = Closure::<dyn FnMut()>::new(|| {});
    let observer = web_sys::MutationObserver::new(noop.as_ref().unchecked_ref());
    let Ok(observer) = observer else { return };
    let opts = web_sys::MutationObserverInit::new();
    opts.set_subtree(true);
    opts.set_child_list(true);
    opts.set_attributes(true);
    opts.set_character_data(true);
    let _ = observer.observe_with_options(&gloo::utils::document(), &opts);
    let mut quiet = 0;
    for _ in 0..64 {
        leptos::task::tick().await;
        quiet = if observer.take_records().length() == 0 { quiet + 1 } else { 0 };
        if quiet == 2 {
            break;
        }
    }
    observer.disconnect();
}

/// Calls `f` once the browser has laid out and painted the document as it is now (in a task
/// after the next animation frame).
pub fn after_next_paint(f: impl FnOnce() + 'static) {
    let frame = Closure::once_into_js(move || gloo::timers::callback::Timeout::new(0, f).forget());
    let _ = gloo::utils::window().request_animation_frame(frame.unchecked_ref());
}

/// Records a User Timing measure `name` from `start` to now (page clock, ms).
pub fn measure(name: &str, start: f64) {
    measure_between(name, start, now());
}

/// Records a User Timing measure `name` from `start` to `end` (page clock, ms).
pub fn measure_between(name: &str, start: f64, end: f64) {
    let Some(p) = gloo::utils::window().performance() else { return };
    // performance.measure(name, {start, end}) — the options form is not in stable web-sys.
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &JsValue::from_str("start"), &JsValue::from_f64(start));
    let _ = js_sys::Reflect::set(&opts, &JsValue::from_str("end"), &JsValue::from_f64(end));
    if let Ok(f) = js_sys::Reflect::get(&p, &JsValue::from_str("measure")) {
        let f: js_sys::Function = f.unchecked_into();
        let _ = f.call2(&p, &JsValue::from_str(name), &opts);
    }
}

/// The object at `parent[key]`, created empty the first time.
fn object_at(parent: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(parent, &JsValue::from_str(key)).ok().filter(|v| v.is_object()).unwrap_or_else(|| {
        let o: JsValue = js_sys::Object::new().into();
        let _ = js_sys::Reflect::set(parent, &JsValue::from_str(key), &o);
        o
    })
}

/// `window.__equimap`.
fn hook() -> JsValue {
    object_at(&gloo::utils::window(), "__equimap")
}

/// Sets `window.__equimap[key]` to the JSON value `json`.
pub fn expose(key: &str, json: &str) {
    let value = js_sys::JSON::parse(json).unwrap_or(JsValue::NULL);
    let _ = js_sys::Reflect::set(&hook(), &JsValue::from_str(key), &value);
}

/// Sets `document.body.dataset.state` (`ready`, `busy`, `done`, `error`) for scripts and tests.
pub fn set_state(state: &str) {
    if let Some(b) = gloo::utils::document().body() {
        let _ = b.set_attribute("data-state", state);
    }
}

/// Copies text to the clipboard (best effort).
pub fn copy(text: &str) {
    let nav = gloo::utils::window().navigator();
    let _ = nav.clipboard().write_text(text);
}

/// Watches the main thread for long tasks (over 50 ms, as the browser reports them) and keeps
/// their count and the longest in `window.__equimap.info.long_tasks` (read by the benchmark
/// harness; the page must stay responsive while the worker reads a large file).
pub fn watch_long_tasks() {
    let stats = std::rc::Rc::new(std::cell::Cell::new((0u32, 0f64)));
    let cb = Closure::<dyn FnMut(web_sys::PerformanceObserverEntryList)>::new(move |list: web_sys::PerformanceObserverEntryList| {
        let (mut n, mut longest) = stats.get();
        for e in list.get_entries() {
            let e: web_sys::PerformanceEntry = e.unchecked_into();
            n += 1;
            longest = longest.max(e.duration());
        }
        stats.set((n, longest));
        expose_info("long_tasks", &format!(r#"{{"count":{n},"longest_ms":{longest:.0}}}"#));
    });
    let Ok(observer) = web_sys::PerformanceObserver::new(cb.as_ref().unchecked_ref()) else { return };
    let types = js_sys::Array::of1(&JsValue::from_str("longtask"));
    observer.observe(&web_sys::PerformanceObserverInit::new(&types));
    cb.forget();
}

/// Bytes of this wasm instance's memory (the page's or the worker's; it never shrinks).
pub fn wasm_memory() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}

/// Sets `window.__equimap.info[key]` to the JSON value `json`.
pub fn expose_info(key: &str, json: &str) {
    let info = object_at(&hook(), "info");
    let _ = js_sys::Reflect::set(&info, &JsValue::from_str(key), &js_sys::JSON::parse(json).unwrap_or(JsValue::NULL));
}
