//! The worker's answers to the page: a [`Response`] as JSON with its data, buffers handed over.

use wasm_bindgen::{JsCast, JsValue};

use crate::app::protocol::{message, Response};

/// Posts `resp` with its `data` to the page.
pub(super) fn post(resp: &Response, data: &JsValue) {
    let json = serde_json::to_string(resp).unwrap_or_default();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&message(&json, data));
}

/// Posts `resp` with `buffers`, handing the buffers over (not copying them).
pub(super) fn post_transfer(resp: &Response, buffers: &js_sys::Array) {
    let json = serde_json::to_string(resp).unwrap_or_default();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let transfer: js_sys::Array =
        buffers.iter().map(|b| js_sys::Reflect::get(&b, &"buffer".into()).unwrap_or(JsValue::UNDEFINED)).collect();
    let _ = scope.post_message_with_transfer(&message(&json, buffers), &transfer);
}

/// Posts a failure of `stage` (`read`, `analyze`, …) with its message.
pub(super) fn fail(seq: Option<u64>, stage: &str, message: String) {
    post(&Response::Failed { seq, stage: stage.into(), message }, &JsValue::UNDEFINED);
}
