//! What the worker keeps between messages: the engine's [`Session`] and a read paused at a
//! split, waiting for the other worker's part.

use std::cell::RefCell;

use crate::app::protocol::AnalysisWithRead;
use crate::engine::ingest::part::PausedRead;
use crate::engine::session::Session;

/// A read paused at the split, waiting for the other worker's part.
pub(super) struct Pending {
    /// The split's number (a part made for another split is not joined).
    pub(super) id: u64,
    /// The file's name.
    pub(super) name: String,
    /// The file, to read the rest of it here if the part does not fit.
    pub(super) blob: web_sys::Blob,
    /// The read so far.
    pub(super) paused: PausedRead,
    /// The analysis asked for with the read.
    pub(super) then: Option<AnalysisWithRead>,
    /// When the read began.
    pub(super) t0: f64,
}

/// The worker's state.
pub(super) struct WorkerState {
    /// Areas, the file read, its placement and last analysis.
    pub(super) session: Session,
    /// A read waiting for the other worker's part.
    pub(super) pending: Option<Pending>,
}

thread_local! {
    /// The one state of this worker.
    pub(super) static STATE: RefCell<WorkerState> = RefCell::new(WorkerState { session: Session::new(), pending: None });
}
