//! The app's state: the view (mirrored in the URL), the loaded region level, the user's file, and
//! the current analysis. Components read and change it through [`Ctx`].

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::analysis::{analyze_prepared, prepare, Prepared};
use crate::engine::region::{Areas, Manifest};
use crate::engine::{Analysis, Ingested, View};

/// Regions the site serves.
pub const REGIONS: &[(&str, &str)] = &[("chicago", "Chicago"), ("west-midlands", "West Midlands")];

/// Real exports bundled with the site, by file name → path and region.
pub const SAMPLES: &[(&str, &str, &str)] = &[
    ("mcmf_programs_2024.csv", "data/chicago/samples/mcmf_programs_2024.csv", "chicago"),
    ("arts-council-investment-programme.csv", "data/west-midlands/samples/arts-council-investment-programme.csv", "west-midlands"),
];

/// Preset views listed on the landing page: (id, title, query).
pub const PRESETS: &[(&str, &str, &str)] = &[
    (
        "chicago-youth",
        "Youth programs per 1,000 youth vs median income, Chicago (My CHI. My Future. 2024)",
        "v=1&r=chicago&preset=chicago-youth&file=mcmf_programs_2024.csv&s=1&w=meeting_type~face_to_face&map=rate",
    ),
    (
        "chicago-hardship",
        "Free in-person programs vs the hardship index, Chicago",
        "v=1&r=chicago&preset=chicago-hardship&file=mcmf_programs_2024.csv&s=1&w=meeting_type~face_to_face&price=program_price~free&need=hardship_index&map=bivariate",
    ),
    (
        "wm-arts",
        "Arts Council funding per head vs deprivation, West Midlands",
        "v=1&r=west-midlands&preset=wm-arts&file=arts-council-investment-programme.csv&s=1&ac=Local+authority&w=ONS+region~West+Midlands&sup=sum%3A2023-26+Annual+Funding+%28Offered+4+Nov+2022%29&map=rate&grp=wmca_group",
    ),
    (
        "peer-bench",
        "Benchmark workload (shared/bench): in-person programs since May 2021 per 1,000 youth",
        "v=1&r=chicago&preset=peer-bench&ac=community_name&w=meeting_type~face_to_face&since=start_date~2021-05-01&sup=programs",
    ),
];

/// A user's file, read and typed once.
pub struct LoadedFile {
    /// The rows.
    pub ingested: Ingested,
}

/// The analysis result and how long it took.
#[derive(Clone)]
pub struct Outcome {
    /// The analysis (or the message of why there is none).
    pub result: Result<Arc<Analysis>, String>,
}

/// Shared state, copied into every component.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The view, mirrored in the URL.
    pub view: RwSignal<View>,
    /// The current region's manifest.
    pub manifest: RwSignal<Option<Arc<Manifest>>>,
    /// The current level's areas (with boundaries).
    pub areas: RwSignal<Option<Arc<Areas>>>,
    /// Region data loading error.
    pub load_error: RwSignal<Option<String>>,
    /// The user's file.
    pub file: RwSignal<Option<Arc<LoadedFile>>>,
    /// What could not be restored from the link.
    pub link_problems: RwSignal<Vec<String>>,
    /// A file-reading error or progress message.
    pub status: RwSignal<String>,
    /// Busy reading/analysing.
    pub busy: RwSignal<bool>,
    /// The current analysis.
    pub outcome: RwSignal<Option<Outcome>>,
    /// Placement cache: rows placed once per file, method and assignments.
    pub prepared: StoredValue<Option<(String, Arc<Prepared>)>>,
    /// `performance.now()` at the file input's change event.
    pub t0: StoredValue<Option<f64>>,
}

impl Ctx {
    /// Fresh state with the view from the link.
    pub fn new(view: View, problems: Vec<String>) -> Self {
        Ctx {
            view: RwSignal::new(view),
            manifest: RwSignal::new(None),
            areas: RwSignal::new(None),
            load_error: RwSignal::new(None),
            file: RwSignal::new(None),
            link_problems: RwSignal::new(problems),
            status: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
            outcome: RwSignal::new(None),
            prepared: StoredValue::new(None),
            t0: StoredValue::new(None),
        }
    }

    /// Recomputes the analysis for the current view, file and areas (placement reused when only
    /// filters or measures changed).
    pub fn recompute(&self) {
        let (Some(areas), Some(file)) = (self.areas.get_untracked(), self.file.get_untracked()) else {
            self.outcome.set(None);
            return;
        };
        let view = self.view.get_untracked();
        let key = format!(
            "{:p}|{}|{}|{}|{}|{:?}",
            Arc::as_ptr(&file),
            areas.level.id,
            view.area_column,
            view.lat_column,
            view.lon_column,
            view.assignments
        );
        let cached = self.prepared.with_value(|p| p.as_ref().filter(|(k, _)| *k == key).map(|(_, p)| p.clone()));
        let prepared = match cached {
            Some(p) => Ok(p),
            None => prepare(&areas, &file.ingested, &view).map(Arc::new).inspect(|p| self.prepared.set_value(Some((key, p.clone())))),
        };
        let result = prepared.and_then(|p| analyze_prepared(&areas, &file.ingested, &view, &p)).map(Arc::new).map_err(|e| e.to_string());
        self.outcome.set(Some(Outcome { result }));
    }

    /// The current analysis, if any.
    pub fn analysis(&self) -> Option<Arc<Analysis>> {
        self.outcome.get().and_then(|o| o.result.ok())
    }

    /// Changes the view with `f`.
    pub fn edit(&self, f: impl FnOnce(&mut View)) {
        self.view.update(f);
    }
}
