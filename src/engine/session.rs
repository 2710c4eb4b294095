//! One user's working set, kept between requests: the areas of the chosen level, the file as read,
//! its rows placed in areas (once per choice of area column or assignments) and the last analysis.
//! The web app keeps it inside a Web Worker, so the page holds only what it draws; tests drive it
//! directly.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::engine::analysis::evidence::Evidence;
use crate::engine::analysis::export::{excluded_csv, matched_csv, rejected_csv, unmatched_csv};
use crate::engine::analysis::{analyze_prepared, prepare, Analysis, Prepared};
use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::ingested::{IngestReport, Ingested};
use crate::engine::peer_bench::{peer_bench, BenchRow};
use crate::engine::placement::detect;
use crate::engine::region::{Areas, ExtraIndicators};
use crate::engine::table::{find_name, Column};
use crate::engine::view::View;

/// Rows and columns of the preview shown beside the column mapping.
pub const PREVIEW_ROWS: usize = 5;
/// Columns of the preview.
pub const PREVIEW_COLUMNS: usize = 12;
/// Rejected rows listed in a [`FileSummary`] (all of them are in the analysis).
pub const SUMMARY_REJECTED: usize = 100;
/// Program points sent for the map.
pub const MAX_POINTS: usize = 5000;

/// What the page needs to know about a file it does not hold: the reading report, a preview and
/// the columns the filters offer by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSummary {
    /// Detection report; `rejected` lists at most [`SUMMARY_REJECTED`] rows.
    pub report: IngestReport,
    /// The first [`PREVIEW_ROWS`] rows of the first [`PREVIEW_COLUMNS`] columns, as text.
    pub preview: Vec<Vec<String>>,
    /// A price column, found by name (`price`, `cost`, `fee`…).
    pub price_column: Option<String>,
    /// Minimum and maximum age columns, found by name.
    pub age_columns: Option<(String, String)>,
}

impl FileSummary {
    /// Whether the file has a column called `name` (as [`Table::find`](crate::engine::table::Table::find)
    /// finds columns).
    pub fn has_column(&self, name: &str) -> bool {
        find_name(self.report.columns.iter().map(|c| c.name.as_str()), name).is_some()
    }
}

/// What [`Session::load`] made of a file.
#[derive(Debug, Clone)]
pub enum Loaded {
    /// A program export: it replaced the session's file.
    Programs(FileSummary),
    /// One row per area code with numeric columns: indicators to join to the areas (the session's
    /// program file is kept).
    Indicators(ExtraIndicators),
}

/// The working set. See the module documentation.
#[derive(Default)]
pub struct Session {
    areas: Option<Arc<Areas>>,
    /// Bumped on every change of areas, so placements made on other areas are never reused.
    areas_version: u64,
    file: Option<Ingested>,
    /// Whether the file has a column of postcodes (looked for once per file, when asked).
    has_postcodes: std::cell::OnceCell<bool>,
    /// Whether the file has columns of coordinates (looked for once per file, when asked).
    has_coordinates: std::cell::OnceCell<bool>,
    /// Placement cache: key (areas version, area/lat/lon columns, assignments) → placed rows.
    prepared: Option<(String, Arc<Prepared>)>,
    /// The evidence weighed for the cached placement (same key).
    evidence: Option<(String, Evidence)>,
    last: Option<Arc<Analysis>>,
}

impl Session {
    /// An empty session.
    pub fn new() -> Self {
        Session::default()
    }

    /// Replaces the areas (a new region or level); placements are redone on the next analysis.
    pub fn set_areas(&mut self, areas: Areas) {
        self.areas = Some(Arc::new(areas));
        self.areas_version += 1;
        self.prepared = None;
        self.evidence = None;
        self.last = None;
    }

    /// Attaches the region's postcode table to the areas (placements are redone).
    pub fn attach_postcodes(&mut self, table: &Arc<crate::engine::placement::postcode::PostcodeTable>) {
        if let Some(a) = self.areas.clone() {
            self.set_areas(a.with_postcodes(table));
        }
    }

    /// Whether the program file has a column of postcodes, or `view` names one.
    pub fn wants_postcodes(&self, view: Option<&View>) -> bool {
        view.is_some_and(|v| !v.postcode_column.is_empty())
            || *self
                .has_postcodes
                .get_or_init(|| self.file.as_ref().is_some_and(|f| crate::engine::placement::postcode::postcode_column(&f.table).is_some()))
    }

    /// Attaches the level's placement boundaries to the areas. A placement by coordinates is
    /// redone; one by names, codes or postcodes is kept with the analysis made with it (only its
    /// evidence, which may place rows by coordinates, is weighed again).
    pub fn attach_placement(&mut self, shapes: &Arc<crate::engine::geo::geometry::Boundaries>) {
        let Some(a) = self.areas.clone() else { return };
        let with = a.with_placement_shapes(shapes.clone());
        if self.prepared.as_ref().is_some_and(|(_, p)| !p.method.places_points()) {
            self.areas = Some(Arc::new(with));
            self.evidence = None;
        } else {
            self.set_areas(with);
        }
    }

    /// Whether the figures for `view` need the level's placement boundaries, not attached yet:
    /// `view` names coordinate columns, or leaves the way to place rows to the engine and the
    /// program file has coordinates (see [`Session::has_coordinates`]).
    pub fn wants_placement(&self, view: Option<&View>) -> bool {
        let auto = view.is_none_or(|v| v.area_column.is_empty() && v.postcode_column.is_empty());
        self.areas.as_ref().is_some_and(|a| a.wants_placement())
            && (view.is_some_and(|v| !v.lat_column.is_empty() || !v.location_column.is_empty()) || (auto && self.has_coordinates()))
    }

    /// Whether the evidence for the last analysis needs the level's placement boundaries, not
    /// attached yet: the program file has coordinates, a way its rows may be placed by.
    pub fn evidence_wants_placement(&self) -> bool {
        self.areas.as_ref().is_some_and(|a| a.wants_placement()) && self.has_coordinates()
    }

    /// Whether the program file has columns of coordinates: a latitude/longitude pair, coordinate
    /// text, or projected x/y (looked for once per file).
    pub fn has_coordinates(&self) -> bool {
        use crate::engine::placement::{coordinates, projected};
        *self.has_coordinates.get_or_init(|| {
            self.file.as_ref().is_some_and(|f| {
                let t = &f.table;
                coordinates::lat_lon_columns(t).is_some()
                    || coordinates::location_column(t).is_some()
                    || projected::projected_names(t).is_some()
            })
        })
    }

    /// The current areas.
    pub fn areas(&self) -> Option<&Arc<Areas>> {
        self.areas.as_ref()
    }

    /// Takes a file just read. A file of indicators keyed by area code (see [`Areas::with_extra`])
    /// is joined to the areas and the program file is kept; anything else becomes the program file.
    pub fn load(&mut self, ingested: Ingested) -> Loaded {
        if let Some((more, extra)) = self.areas.as_ref().and_then(|a| a.with_extra(&ingested.table)) {
            self.set_areas(more);
            return Loaded::Indicators(extra);
        }
        let summary = summarise(&ingested);
        self.file = Some(ingested);
        self.has_postcodes = Default::default();
        self.has_coordinates = Default::default();
        self.prepared = None;
        self.evidence = None;
        self.last = None;
        Loaded::Programs(summary)
    }

    /// Whether a program file is loaded.
    pub fn has_file(&self) -> bool {
        self.file.is_some()
    }

    /// Analyses the program file for `view`, placing rows only when the areas, the area columns or
    /// the assignments changed since the last call.
    pub fn analyze(&mut self, view: &View) -> Result<Arc<Analysis>> {
        let (Some(areas), Some(file)) = (&self.areas, &self.file) else {
            return Err(EngineError::Internal("no file or no areas loaded yet".into()));
        };
        let key = format!(
            "{}|{}|{}|{}|{}|{}|{:?}",
            self.areas_version,
            view.area_column,
            view.lat_column,
            view.lon_column,
            view.location_column,
            view.postcode_column,
            view.assignments
        );
        let prepared = match &self.prepared {
            Some((k, p)) if *k == key => p.clone(),
            _ => {
                let p = Arc::new(prepare(areas, file, view)?);
                self.prepared = Some((key, p.clone()));
                self.evidence = None;
                p
            }
        };
        let analysis = Arc::new(analyze_prepared(areas, file, view, &prepared)?);
        self.last = Some(analysis.clone());
        Ok(analysis)
    }

    /// The evidence for the last analysis's placement (the other ways the file offers, weighed,
    /// and the cross-check: [`crate::engine::analysis::weigh::weigh`]). The slow part of a first
    /// analysis, asked for once its figures are drawn; weighed once per placement.
    pub fn evidence(&mut self) -> Result<Evidence> {
        let (Some(areas), Some(file), Some((key, prepared))) = (&self.areas, &self.file, &self.prepared) else {
            return Err(EngineError::Internal("nothing analysed yet".into()));
        };
        if let Some((k, e)) = &self.evidence {
            if k == key {
                return Ok(e.clone());
            }
        }
        let e = crate::engine::analysis::weigh::weigh(areas, file, &prepared.method, &prepared.placement, prepared.chosen.as_ref());
        self.evidence = Some((key.clone(), e.clone()));
        Ok(e)
    }

    /// The bootstrap intervals of the last analysis (see
    /// [`crate::engine::analysis::uncertainty_of`]).
    pub fn uncertainty(&self) -> Option<crate::engine::analysis::bootstrap::Uncertainty> {
        crate::engine::analysis::uncertainty_of(self.last.as_deref()?)
    }

    /// Distinct values of `column` (at most `limit`), most common first, ties in text order.
    pub fn distinct(&self, column: &str, limit: usize) -> Vec<String> {
        let Some(f) = &self.file else { return vec![] };
        let Ok(c) = f.table.column(column) else { return vec![] };
        let mut counts: HashMap<String, usize> = HashMap::new();
        for i in 0..f.table.num_rows() {
            if let Some(s) = c.text(i) {
                match counts.get_mut(s.as_ref()) {
                    Some(n) => *n += 1,
                    None => {
                        counts.insert(s.into_owned(), 1);
                    }
                }
            }
        }
        let mut v: Vec<(String, usize)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.into_iter().take(limit).map(|x| x.0).collect()
    }

    /// Longitude and latitude of the first [`MAX_POINTS`] rows the last analysis placed by point.
    pub fn points(&self) -> Vec<(f64, f64)> {
        let (Some(a), Some(f)) = (&self.last, &self.file) else { return vec![] };
        let Ok(Some(point)) = crate::engine::placement::matching::point_reader(&f.table, &a.resolved.method) else { return vec![] };
        a.matched_rows.iter().filter_map(|&(i, _)| point(i as usize).map(|(lat, lon)| (lon, lat))).take(MAX_POINTS).collect()
    }

    /// The matched rows of the last analysis as CSV (line, area code and name, every column).
    pub fn matched_csv(&self) -> Result<String> {
        let (Some(a), Some(f), Some(areas)) = (&self.last, &self.file, &self.areas) else {
            return Err(EngineError::Internal("nothing analysed yet".into()));
        };
        Ok(matched_csv(a, &f.table, &areas.codes, &areas.names))
    }

    /// The rows the cross-check of the last placement found in different areas, as CSV (empty of
    /// rows when there was no cross-check).
    pub fn disagreeing_csv(&mut self) -> Result<String> {
        let e = self.evidence()?;
        Ok(e.cross_check
            .as_ref()
            .map(crate::engine::analysis::export::disagreeing_csv)
            .unwrap_or_else(|| "line,other_value,area_code,other_area_code\n".into()))
    }

    /// The lines of the rows the last analysis's filters excluded, as CSV.
    pub fn excluded_csv(&self) -> Result<String> {
        self.last.as_ref().map(|a| excluded_csv(a)).ok_or_else(|| EngineError::Internal("nothing analysed yet".into()))
    }

    /// The last analysis's unmatched rows (line, value, reason), as CSV.
    pub fn unmatched_csv(&self) -> Result<String> {
        self.last.as_ref().map(|a| unmatched_csv(a)).ok_or_else(|| EngineError::Internal("nothing analysed yet".into()))
    }

    /// The last analysis's rejected rows (line, reason), as CSV.
    pub fn rejected_csv(&self) -> Result<String> {
        self.last.as_ref().map(|a| rejected_csv(a)).ok_or_else(|| EngineError::Internal("nothing analysed yet".into()))
    }

    /// The benchmark harness's fixed workload on the program file (see [`peer_bench`]).
    pub fn peer_bench(&self) -> Result<Vec<BenchRow>> {
        let (Some(areas), Some(f)) = (&self.areas, &self.file) else {
            return Err(EngineError::Internal("no file or no areas loaded yet".into()));
        };
        peer_bench(&f.table, areas)
    }
}

/// The summary of a read file sent to the page.
pub fn summarise(ing: &Ingested) -> FileSummary {
    let t = &ing.table;
    let columns: Vec<Option<Column>> = (0..t.batch.num_columns().min(PREVIEW_COLUMNS)).map(|c| Column::of(t.batch.column(c))).collect();
    let preview = (0..t.num_rows().min(PREVIEW_ROWS))
        .map(|i| columns.iter().map(|c| c.as_ref().and_then(|c| c.text(i)).map(|s| s.into_owned()).unwrap_or_default()).collect())
        .collect();
    let mut report = ing.report.clone();
    report.rejected.truncate(SUMMARY_REJECTED);
    FileSummary {
        report,
        preview,
        price_column: detect::by_names(t, &["programprice", "price", "cost", "fee"]),
        age_columns: detect::by_names(t, &["minage", "agemin", "minimumage"]).zip(detect::by_names(t, &["maxage", "agemax", "maximumage"])),
    }
}
