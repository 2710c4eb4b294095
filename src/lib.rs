//! Equimap: do programs reach the places that need them most?
//!
//! - [`engine`]: pure Rust on Arrow arrays (ingest, matching, filters, aggregation, equity measures,
//!   view ↔ URL), compiled natively and for wasm32.
//! - `app` (wasm32 only): the Leptos web app.
//! - `cli` and `prep` (native only): the `equimap` command line and the step that builds the public
//!   region data.

pub mod engine;

#[cfg(target_arch = "wasm32")]
pub mod app;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

#[cfg(not(target_arch = "wasm32"))]
pub mod prep;
