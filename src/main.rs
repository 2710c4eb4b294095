//! The `equimap` binary: natively the command line (`prep`, `analyze`); on wasm32 it only mounts
//! the web app.

#[cfg(target_arch = "wasm32")]
fn main() {
    equimap::app::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(equimap::cli::run(std::env::args().skip(1).collect()));
}
