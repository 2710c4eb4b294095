//! The engine's side of the Web Worker. The worker loads the page's own wasm module (nothing is
//! downloaded twice) and keeps one engine [`Session`](crate::engine::session::Session): the
//! user's file is read there in chunks, placed and analysed, so the page never holds the rows and
//! never blocks while a large file is read. Each request is handled by one function of
//! [`requests`]; a file read as a stream holds later messages back until it is read, in order (as
//! they wait in the worker's queue while a file is read at once).

pub mod blob_reader;
pub mod file_stream;
pub mod reply;
pub mod requests;
pub mod state;
pub mod warm_up;
pub mod wire;

use std::cell::RefCell;
use std::collections::VecDeque;

use wasm_bindgen::JsValue;

use crate::app::browser::now;
use crate::app::protocol::{open, Request};
use reply::fail;
use requests::Streaming;
use state::STATE;

thread_local! {
    /// Messages that came while a file is read as a stream (`Some` while it is), in order.
    static WAITING: RefCell<Option<VecDeque<JsValue>>> = const { RefCell::new(None) };
}

/// Handles one message from the page (called by `worker.js`), after those before it.
pub fn handle(msg: JsValue) {
    console_error_panic_hook::set_once();
    let held = WAITING.with_borrow_mut(|w| w.as_mut().map(|w| w.push_back(msg.clone())).is_some());
    if !held {
        dispatch(msg);
    }
}

/// Handles one message from the page.
fn dispatch(msg: JsValue) {
    let (req, data) = match open::<Request>(&msg) {
        Ok(x) => x,
        Err(e) => return fail(None, "message", e),
    };
    let t0 = now();
    let streaming = STATE.with_borrow_mut(|st| match req {
        Request::SetAreas { manifest, folder, level, extras, warm_up, own } => {
            requests::set_areas(st, (&manifest, &folder, own.as_ref()), &level, &extras, warm_up, &data);
            None
        }
        Request::Read { name, then, split } => requests::read_request(st, name, then, split, &data, t0),
        Request::JoinPart { id, part } => requests::join_part(st, id, part, &data),
        Request::ReadPart { name, split } => requests::read_part_request(name, split, &data),
        Request::Analyze { seq, view, bench } => requests::analyze_request(st, seq, view, bench, t0),
        Request::Distinct { column } => {
            requests::distinct(&st.session, column);
            None
        }
        Request::Export { what } => {
            requests::export(&mut st.session, what);
            None
        }
        Request::Evidence { seq } => requests::evidence_request(st, seq),
    });
    if let Some(read) = streaming {
        hold_while(read);
    }
}

/// Runs `read` (a file read as a stream) with the messages that come meanwhile held back, then
/// handles them in order.
fn hold_while(read: Streaming) {
    WAITING.with_borrow_mut(|w| *w = Some(VecDeque::new()));
    wasm_bindgen_futures::spawn_local(async move {
        read.await;
        let mut waiting = WAITING.with_borrow_mut(|w| w.take()).unwrap_or_default();
        while let Some(msg) = waiting.pop_front() {
            dispatch(msg);
            // A message that started another read as a stream: the rest wait for it.
            let restarted = WAITING.with_borrow_mut(|w| match w {
                Some(held) => {
                    held.extend(waiting.drain(..));
                    true
                }
                None => false,
            });
            if restarted {
                return;
            }
        }
    });
}
