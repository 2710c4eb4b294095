//! The web app (wasm32 only). Code that runs on the page ([`page`]: Leptos components and the
//! page's side of the workers) is apart from code that runs in the engine's Web Worker
//! ([`worker`]); [`protocol`] is what they say to each other, [`browser`] the browser helpers
//! both use. All figures come from [`crate::engine`].

pub mod browser;
pub mod error;
pub mod page;
pub mod protocol;
pub mod worker;

pub use page::mount;
