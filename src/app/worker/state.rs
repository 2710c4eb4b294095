//! What the worker keeps between messages: the engine's [`Session`] and a read paused at a
//! split, waiting for the other worker's part.

use std::cell::RefCell;

use crate::app::protocol::AnalysisWithRead;
use crate::engine::ingest::part::PausedRead;
use crate::engine::placement::postcode::PostcodeTable;
use crate::engine::session::Session;
use std::sync::Arc;

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
    /// The current region's postcode table: where the site serves it, when the region has one.
    pub(super) postcode_path: Option<String>,
    /// Postcode tables fetched (by path), kept across levels.
    pub(super) postcodes: Option<(String, Arc<PostcodeTable>)>,
}

impl WorkerState {
    /// Where to fetch the region's postcode table, when the region has one, it is not attached
    /// yet, and the file has a postcode column or `view` names one (looked for only then).
    pub(super) fn postcodes_to_fetch(&self, view: Option<&crate::engine::View>) -> Option<String> {
        let path = self.postcode_path.as_ref()?;
        let attached = self.session.areas().is_some_and(|a| a.postcodes.is_some());
        (!attached && self.session.wants_postcodes(view)).then(|| path.clone())
    }

    /// Attaches a postcode table fetched from `path` to the areas (and keeps it for other levels).
    pub(super) fn attach_postcodes(&mut self, path: String, table: Arc<PostcodeTable>) {
        self.session.attach_postcodes(&table);
        self.postcodes = Some((path, table));
    }

    /// Attaches the kept table when it is the current region's.
    pub(super) fn reattach_postcodes(&mut self) {
        if let Some((path, table)) = self.postcodes.clone() {
            if self.postcode_path.as_deref() == Some(path.as_str()) {
                self.session.attach_postcodes(&table);
            }
        }
    }
}

thread_local! {
    /// The one state of this worker.
    pub(super) static STATE: RefCell<WorkerState> = RefCell::new(WorkerState { session: Session::new(), pending: None, postcode_path: None, postcodes: None });
}
