//! The app's state: the view (mirrored in the URL), the loaded region level, the user's file, and
//! the current analysis. Components read and change it through [`Ctx`].

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;

use crate::app::error::AppError;
use crate::engine::region::{Areas, Catalog, Manifest};
use crate::engine::session::FileSummary;
use crate::engine::{Analysis, View};

use crate::app::protocol::AnalysisWithRead;

/// The workbook last dropped: its sheets, the one read and where its header was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    /// The file's name.
    pub name: String,
    /// Every sheet, in order.
    pub sheets: Vec<String>,
    /// The sheet read.
    pub sheet: String,
    /// Row of the sheet taken as the header (1-based).
    pub header_row: usize,
}

/// What the page shows of the person's own areas.
#[derive(Clone, Debug)]
pub struct OwnInfo {
    /// The boundaries file's name.
    pub file: String,
    /// The properties in use.
    pub used: crate::engine::region::own::OwnChoice,
    /// Properties that can be the code.
    pub code_candidates: Vec<String>,
    /// Properties that can be the name.
    pub name_candidates: Vec<String>,
    /// What was left out or is doubtful.
    pub problems: Vec<String>,
    /// Number of areas.
    pub count: usize,
}

/// The analysis result, or the message of why there is none.
#[derive(Clone)]
pub struct Results {
    /// The analysis (or the message of why there is none).
    pub result: Result<Arc<Analysis>, AppError>,
}

/// Shared state, copied into every component.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The view, mirrored in the URL.
    pub view: RwSignal<View>,
    /// The regions the site serves (`data/catalog.json`), once fetched.
    pub catalog: RwSignal<Option<Arc<Catalog>>>,
    /// The person's own areas, when the view is on them.
    pub own: RwSignal<Option<Arc<OwnInfo>>>,
    /// The current region's manifest.
    pub manifest: RwSignal<Option<Arc<Manifest>>>,
    /// The current level's areas (with boundaries).
    pub areas: RwSignal<Option<Arc<Areas>>>,
    /// The areas the analysis and the map show: the level's, or those within the view's parent
    /// area ([`View::within`]), in the analysis' order.
    pub shown: Memo<Option<Arc<Areas>>>,
    /// Region data loading error.
    pub load_error: RwSignal<Option<AppError>>,
    /// The user's file, as the engine worker summarised it (the rows stay in the worker).
    pub file: RwSignal<Option<Arc<FileSummary>>>,
    /// The file being read (name), while it is.
    pub reading: RwSignal<Option<String>>,
    /// Bytes read of the file being read, and its size.
    pub progress: RwSignal<Option<(f64, f64)>>,
    /// Whether the file being read is a bundled sample.
    pub reading_sample: StoredValue<bool>,
    /// What could not be restored from the link.
    pub link_problems: RwSignal<Vec<String>>,
    /// A file-reading error or progress message.
    pub status: RwSignal<String>,
    /// Busy reading/analysing.
    pub busy: RwSignal<bool>,
    /// The current analysis.
    pub outcome: RwSignal<Option<Results>>,
    /// Program points placed by coordinates (longitude, latitude), for the map.
    pub points: RwSignal<Arc<Vec<(f64, f64)>>>,
    /// Distinct values per column, as the worker sent them (for the filter picker).
    pub distinct: RwSignal<HashMap<String, Vec<String>>>,
    /// The spreadsheet the file came from, when it did (its sheets, for the picker).
    pub workbook: RwSignal<Option<Workbook>>,
    /// What was asked of the engine worker.
    pub asks: Asks,
    /// When the file being shown was given, for the User Timing measures.
    pub timing: Timing,
}

/// What the page has asked of the engine worker (not drawn: no signals).
#[derive(Clone, Copy)]
pub struct Asks {
    /// Number of the last analysis asked of the worker (older answers are dropped).
    pub seq: StoredValue<u64>,
    /// What the last analysis was asked for (view, file, areas), so it is not asked twice.
    pub asked: StoredValue<Option<(View, usize, usize)>>,
    /// The analysis asked for together with the read in progress (view, seq, areas), taken when
    /// the read's answer arrives.
    pub ahead: StoredValue<Option<(View, u64, usize)>>,
    /// Whether the engine has said it is ready once.
    pub ready: StoredValue<bool>,
    /// The analysis whose placement evidence was asked for, and the one whose evidence is shown.
    pub evidence: StoredValue<(u64, u64)>,
    /// Whether the bundled sample a link names was opened (once the catalog and the engine are
    /// both ready).
    pub linked_sample: StoredValue<bool>,
}

/// The clock of the file being shown, for the benchmark's measures (`equimap:total` and its parts).
#[derive(Clone, Copy)]
pub struct Timing {
    /// `performance.now()` at the file input's change event (`None` once measured).
    pub t0: StoredValue<Option<f64>>,
    /// `performance.now()` when the analysis for the file arrived (rendering starts).
    pub t_render: StoredValue<f64>,
}

impl Ctx {
    /// Fresh state with the view from the link.
    pub fn new(view: View, problems: Vec<String>) -> Self {
        let view = RwSignal::new(view);
        let areas: RwSignal<Option<Arc<Areas>>> = RwSignal::new(None);
        let within = Memo::new(move |_| view.with(|v| v.within.clone()));
        let shown = Memo::new_with_compare(
            move |_| {
                let a = areas.get()?;
                let within = within.get();
                if within.is_empty() {
                    return Some(a);
                }
                Some(a.in_parent(&within).map(|(sub, _, _)| Arc::new(sub)).unwrap_or(a))
            },
            // The same areas when the same `Arc` (a level is never changed in place).
            |a, b| match (a, b) {
                (Some(Some(a)), Some(Some(b))) => !Arc::ptr_eq(a, b),
                (Some(None), Some(None)) => false,
                _ => true,
            },
        );
        Ctx {
            view,
            shown,
            catalog: RwSignal::new(None),
            own: RwSignal::new(None),
            manifest: RwSignal::new(None),
            areas,
            load_error: RwSignal::new(None),
            file: RwSignal::new(None),
            reading: RwSignal::new(None),
            progress: RwSignal::new(None),
            reading_sample: StoredValue::new(false),
            link_problems: RwSignal::new(problems),
            status: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
            outcome: RwSignal::new(None),
            points: RwSignal::new(Arc::new(Vec::new())),
            distinct: RwSignal::new(HashMap::new()),
            workbook: RwSignal::new(None),
            asks: Asks {
                seq: StoredValue::new(0),
                asked: StoredValue::new(None),
                ahead: StoredValue::new(None),
                ready: StoredValue::new(false),
                evidence: StoredValue::new((0, 0)),
                linked_sample: StoredValue::new(false),
            },
            timing: Timing { t0: StoredValue::new(None), t_render: StoredValue::new(0.0) },
        }
    }

    /// The current region's currency sign (from its manifest), empty when it has none.
    pub fn currency(&self) -> String {
        self.manifest.with(|m| m.as_ref().and_then(|m| m.currency.clone()).unwrap_or_default())
    }

    /// Whether `file` is a sample the site serves.
    pub fn is_sample(&self, file: &str) -> bool {
        let region = self.view.with(|v| v.region.clone());
        self.catalog.with(|c| c.as_ref().is_some_and(|c| c.sample(&region, file).is_some()))
    }

    /// Asks the engine worker to analyse the file for the current view (the answer sets
    /// [`Ctx::outcome`]); with no file or no areas, clears the outcome.
    /// Asking again for what was asked last does nothing (a file that was just read is analysed
    /// at once, before the page draws its summary, and the effect that follows finds it asked).
    pub fn recompute(&self) {
        let (Some(areas), Some(file)) = (self.areas.get_untracked(), self.file.get_untracked()) else {
            self.asks.asked.set_value(None);
            // A message of why there is no file (the engine stopped) stays on screen.
            if self.outcome.with_untracked(|o| o.as_ref().is_some_and(|o| o.result.is_ok())) {
                self.outcome.set(None);
            }
            return;
        };
        let view = self.view.get_untracked();
        let key = Some((view.analysis_part(), Arc::as_ptr(&file) as usize, Arc::as_ptr(&areas) as usize));
        if self.asks.asked.with_value(|a| *a == key) {
            return;
        }
        self.asks.asked.set_value(key);
        let AnalysisWithRead { seq, view, bench } = self.next_request(&view);
        super::backend::send(&crate::app::protocol::Request::Analyze { seq, view, bench }, &wasm_bindgen::JsValue::UNDEFINED);
    }

    /// An analysis request for `view` under a new number (answers to older requests are dropped
    /// from now on).
    fn next_request(&self, view: &View) -> AnalysisWithRead {
        let seq = self.asks.seq.get_value() + 1;
        self.asks.seq.set_value(seq);
        AnalysisWithRead { seq, view: view.analysis_part(), bench: view.preset == crate::engine::peer_bench::PRESET_ID }
    }

    /// The analysis to ask for together with reading a file: the current view's.
    pub fn ask_ahead(&self) -> Option<AnalysisWithRead> {
        let areas = self.areas.get_untracked()?;
        let ahead = self.next_request(&self.view.get_untracked());
        self.asks.ahead.set_value(Some((ahead.view.clone(), ahead.seq, Arc::as_ptr(&areas) as usize)));
        Some(ahead)
    }

    /// After a file was read: the analysis asked for with the read stands if the view, the
    /// areas and the number are still the ones it was asked for; otherwise one is asked now.
    pub fn recompute_after_read(&self) {
        if let (Some((view, seq, areas_ptr)), Some(areas), Some(file)) =
            (self.asks.ahead.try_update_value(Option::take).flatten(), self.areas.get_untracked(), self.file.get_untracked())
        {
            let current = self.view.with_untracked(View::analysis_part);
            if view == current && seq == self.asks.seq.get_value() && areas_ptr == Arc::as_ptr(&areas) as usize {
                self.asks.asked.set_value(Some((current, Arc::as_ptr(&file) as usize, areas_ptr)));
                return;
            }
        }
        self.recompute();
    }

    /// The current analysis, if any.
    pub fn analysis(&self) -> Option<Arc<Analysis>> {
        self.outcome.get().and_then(|o| o.result.ok())
    }

    /// Selects the area `code`, or clears the selection if it is the one selected (a click on a
    /// map area or a table row).
    pub fn toggle_selected(&self, code: String) {
        self.edit(|v| v.selected = if v.selected == code { String::new() } else { code });
    }

    /// Changes the view with `f`.
    pub fn edit(&self, f: impl FnOnce(&mut View)) {
        self.view.update(f);
    }
}
