//! What the worker keeps between messages: the engine's [`Session`] and a read paused at a
//! split, waiting for the other worker's part.

use std::cell::RefCell;

use crate::app::protocol::AnalysisWithRead;
use crate::engine::geo::geometry::Boundaries;
use crate::engine::ingest::part::PausedRead;
use crate::engine::placement::postcode::PostcodeTable;
use crate::engine::session::Session;
use std::collections::HashMap;
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

/// What the worker fetches from the site before it answers, when the file needs it.
pub(super) enum Fetch {
    /// The region's postcode table (for a file with a postcode column), at this path.
    Postcodes(String),
    /// The level's placement boundaries (for a file with coordinates), at this path.
    Placement(String),
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
    /// The current level's placement boundaries: where the site serves them, when it has them.
    pub(super) placement_path: Option<String>,
    /// Placement boundaries fetched, by path, kept across levels.
    pub(super) placements: HashMap<String, Arc<Boundaries>>,
}

impl WorkerState {
    /// What to fetch before answering about `view` (or the file just read): the region's postcode
    /// table when the file has a postcode column or `view` names one, the level's placement
    /// boundaries when it has coordinates or `view` names them — each when the site has it and it
    /// is not attached yet.
    pub(super) fn to_fetch(&self, view: Option<&crate::engine::View>) -> Vec<Fetch> {
        let mut out = Vec::new();
        if let Some(path) = &self.postcode_path {
            let attached = self.session.areas().is_some_and(|a| a.postcodes.is_some());
            if !attached && self.session.wants_postcodes(view) {
                out.push(Fetch::Postcodes(path.clone()));
            }
        }
        if let Some(path) = &self.placement_path {
            if self.session.wants_placement(view) {
                out.push(Fetch::Placement(path.clone()));
            }
        }
        out
    }

    /// What to fetch before weighing the evidence for the last analysis: the level's placement
    /// boundaries, when the file has coordinates and they are not attached yet.
    pub(super) fn to_fetch_for_evidence(&self) -> Vec<Fetch> {
        match &self.placement_path {
            Some(path) if self.session.evidence_wants_placement() => vec![Fetch::Placement(path.clone())],
            _ => vec![],
        }
    }

    /// Attaches a postcode table fetched from `path` to the areas (and keeps it for other levels).
    pub(super) fn attach_postcodes(&mut self, path: String, table: Arc<PostcodeTable>) {
        self.session.attach_postcodes(&table);
        self.postcodes = Some((path, table));
    }

    /// Attaches placement boundaries fetched from `path` to the areas (and keeps them).
    pub(super) fn attach_placement(&mut self, path: String, shapes: Arc<Boundaries>) {
        self.session.attach_placement(&shapes);
        self.placements.insert(path, shapes);
    }

    /// Attaches the kept postcode table and placement boundaries that are the current level's.
    pub(super) fn reattach(&mut self) {
        if let Some((path, table)) = self.postcodes.clone() {
            if self.postcode_path.as_deref() == Some(path.as_str()) {
                self.session.attach_postcodes(&table);
            }
        }
        if let Some(shapes) = self.placement_path.as_ref().and_then(|p| self.placements.get(p)).cloned() {
            self.session.attach_placement(&shapes);
        }
    }
}

thread_local! {
    /// The one state of this worker.
    pub(super) static STATE: RefCell<WorkerState> = RefCell::new(WorkerState {
        session: Session::new(),
        pending: None,
        postcode_path: None,
        postcodes: None,
        placement_path: None,
        placements: HashMap::new(),
    });
}
