//! The engine: pure Rust on Arrow arrays, shared by the web app and the `equimap` command. It reads
//! exports (CSV/TSV, Parquet), places rows in areas, filters, aggregates supply and computes the
//! equity measures. No browser API is used here; it compiles natively and for wasm32.
//!
//! - [`ingest`]: a file's bytes → typed columns ([`table::Table`]), every row accepted or rejected.
//! - [`region`]: a region's level: its areas, indicators, name index and boundaries.
//! - [`placement`]: each row → its area, or the reason it has none.
//! - [`analysis`]: filters, supply per area, the equity measures, the report; downloads.
//! - [`geo`]: boundaries, point in polygon, projection to SVG, map classes.
//! - [`view`]: every choice of a view ↔ its URL query.
//! - [`session`]: the working set the engine worker keeps between requests.

pub mod analysis;
pub mod error;
pub mod fast_hash;
pub mod geo;
pub mod ingest;
pub mod peer_bench;
pub mod placement;
pub mod region;
pub mod session;
pub mod table;
pub mod view;

pub use analysis::{analyze, Analysis};
pub use error::{EngineError, Result};
pub use ingest::ingested::Ingested;
pub use ingest::read_any;
pub use ingest::read_whole::read_csv;
pub use region::{Areas, Manifest};
pub use view::View;
