//! The engine: pure Rust on Arrow arrays, shared by the web app and the `equimap` command. It reads
//! exports (CSV/TSV, Parquet), places rows in areas, filters, aggregates supply and computes the
//! equity measures. No browser API is used here; it compiles natively and for wasm32.

pub mod analysis;
pub mod classify;
mod column_builder;
pub mod csv_feed;
pub mod csv_ingest;
mod csv_records;
pub mod csv_split;
pub mod detect;
pub mod error;
pub mod export;
pub mod fast_hash;
pub mod geometry;
pub mod infer;
pub mod line_numbers;
pub mod matching;
pub mod measures;
pub mod names;
pub mod parquet_io;
pub mod peer_bench;
pub mod projection;
pub mod region;
pub mod session;
pub mod table;
pub mod text;
mod text_dictionary;
pub mod values;
pub mod view;
pub mod whole_numbers;

pub use analysis::{analyze, Analysis};
pub use column_builder::{ColumnPart, Numbers};
pub use csv_feed::{CsvFeed, Outcome, PartFeed};
pub use csv_ingest::{read_csv, read_csv_stream, read_csv_until, Ingested};
pub use csv_split::{read_csv_part, FilePart, PartHead, PausedRead};
pub use error::{EngineError, Result};
pub use region::{Areas, Manifest};
pub use view::View;

/// Reads a dropped file: Parquet when it starts with `PAR1` or is named `.parquet`, else CSV/TSV.
pub fn read_any(file: &str, bytes: Vec<u8>) -> Result<Ingested> {
    if is_parquet(file, &bytes) {
        parquet_io::read_parquet(file, bytes)
    } else {
        read_csv(file, &bytes)
    }
}

/// Whether a file is read as Parquet: its first bytes are `PAR1` or its name ends in `.parquet`.
pub fn is_parquet(file: &str, head: &[u8]) -> bool {
    head.starts_with(b"PAR1") || file.to_lowercase().ends_with(".parquet")
}
