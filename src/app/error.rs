//! The app's one error type: what went wrong on the page or between the page and the workers,
//! with a message for people. Engine errors arrive as the engine's own message; JS errors are
//! turned into text at the browser boundary ([`crate::app::browser::js_text`]).

use crate::engine::EngineError;

/// Something the page could not do, in words a person can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AppError {
    /// A file of the site (region data, a bundled sample) could not be fetched or read.
    #[error("{path}: {reason}")]
    Fetch {
        /// The path relative to the page.
        path: String,
        /// What failed (HTTP status, network error, not UTF-8).
        reason: String,
    },
    /// The engine refused a file or a view: its message names the file, row or column.
    #[error("{0}")]
    Engine(String),
    /// The engine's Web Worker could not be started.
    #[error("Equimap's engine could not start in this browser (it needs module Web Workers): {0}")]
    WorkerStart(String),
    /// The engine's Web Worker stopped (it was restarted; the file is gone).
    #[error(
        "Equimap's engine stopped{during} ({reason}). This usually means the file needs more memory than this browser tab has: split it, or run `equimap analyze` on it natively. The page and your other choices are intact."
    )]
    WorkerStopped {
        /// ` while reading NAME`, or empty.
        during: String,
        /// The browser's message.
        reason: String,
    },
    /// A message between the page and a worker could not be read (a bug, not the user's doing).
    #[error("the engine's answer could not be read: {0}")]
    Message(String),
}

impl From<EngineError> for AppError {
    fn from(e: EngineError) -> Self {
        AppError::Engine(e.to_string())
    }
}
