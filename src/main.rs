//! The `equimap` binary: natively the command line (`prep`, `analyze`); on wasm32 it only mounts
//! the web app (and, in the engine's Web Worker, exports its message handler).

#[cfg(target_arch = "wasm32")]
fn main() {
    // The same module runs the engine's Web Worker, where there is no page to mount.
    if !equimap::app::browser::in_worker() {
        equimap::app::mount();
    }
}

/// Entry point of the engine worker (`static/worker.js` calls it with every message).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn worker_message(msg: wasm_bindgen::JsValue) {
    equimap::app::worker::handle(msg);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(equimap::cli::run(std::env::args().skip(1).collect()));
}
