//! The engine's one error type: every message names the file, row and column where it can, and says
//! what was expected, so a person can fix the input.

use thiserror::Error;

/// What went wrong in the engine, worded for the person who gave the input.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum EngineError {
    /// The file has no header row or no data at all.
    #[error("{file}: {what}")]
    EmptyInput {
        /// The file's name as the user gave it.
        file: String,
        /// What is missing ("the file is empty", "only a header row, no data rows").
        what: String,
    },
    /// A column the view names is not in the file.
    #[error("{file}: no column named \"{column}\" (columns are: {available})")]
    MissingColumn {
        /// The file's name.
        file: String,
        /// The column asked for.
        column: String,
        /// The columns there are, comma-separated.
        available: String,
    },
    /// A Parquet file that cannot be read (truncated, not Parquet, unsupported codec).
    #[error("{file}: cannot read as Parquet: {reason}")]
    Parquet {
        /// The file's name.
        file: String,
        /// The reader's reason, in words.
        reason: String,
    },
    /// The region's own data (manifest, areas, boundaries) is malformed.
    #[error("region data {file}: {reason}")]
    RegionData {
        /// Which of the region's files.
        file: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An option of the view is not one the engine knows (unknown level or indicator, an
    /// indicator that is not a need measure, a filter date that is not a date).
    #[error("{0}")]
    BadOption(String),
    /// The file has no column the view needs: none that places rows, no id column for counting
    /// programs, no capacity column for seats.
    #[error("{file}: {what} (columns are: {columns})")]
    NeedsColumn {
        /// The file's name.
        file: String,
        /// What was looked for and not found, and what to do.
        what: String,
        /// The file's columns, comma-separated.
        columns: String,
    },
    /// Not the user's doing: the engine asked in the wrong order, or a library failed on data the
    /// engine built. The message says what failed.
    #[error("{0}")]
    Internal(String),
    /// The file could not be read to the end (the browser or the disk failed while reading).
    #[error("{file}: could not be read: {reason}")]
    Unreadable {
        /// The file's name.
        file: String,
        /// The reader's reason.
        reason: String,
    },
    /// A boundaries file a user gave for their own areas cannot make a level.
    #[error("{file}: {reason}")]
    Boundaries {
        /// The boundaries file.
        file: String,
        /// What is wrong, naming the feature or property, and what was expected.
        reason: String,
    },
    /// The input is larger than the engine will take.
    #[error("{file}: {reason}")]
    TooLarge {
        /// The file's name.
        file: String,
        /// The size and the limit.
        reason: String,
    },
}

/// Shorthand for results of the engine.
pub type Result<T> = std::result::Result<T, EngineError>;

impl From<arrow_schema::ArrowError> for EngineError {
    fn from(e: arrow_schema::ArrowError) -> Self {
        EngineError::Internal(e.to_string())
    }
}

impl From<parquet::errors::ParquetError> for EngineError {
    fn from(e: parquet::errors::ParquetError) -> Self {
        EngineError::Internal(format!("cannot write Parquet: {e}"))
    }
}
