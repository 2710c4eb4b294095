//! Placing each row of an export in an area: by area code, by name (normalised, aliases, user
//! assignments), or by point in polygon from latitude/longitude. Rows that cannot be placed keep
//! the reason.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::error::Result;
use crate::engine::geo::geometry::PointFate;
use crate::engine::region::Areas;
use crate::engine::table::{Column, Table};

/// Why a row has no area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unmatched {
    /// The area column is empty in this row.
    Blank,
    /// The name or code is not one of the region's areas or aliases.
    UnknownName,
    /// The name spans several areas (e.g. Garfield Park); assign it to one to count it.
    AmbiguousName,
    /// The name or code is of a larger area of another level that spans several of this level's
    /// areas (an upper-tier county over its districts); assign it to one to count it.
    SpansAreas,
    /// The code or name is of a smaller area of another level of the region (an MSOA in a view
    /// by district): view the file at that level; the area containing it is suggested.
    OtherLevel,
    /// The name is a place known to lie outside the region.
    OutsideRegion,
    /// Latitude or longitude is empty.
    NoCoordinates,
    /// Latitude or longitude is not a number, or out of range.
    BadCoordinates,
    /// Latitude and longitude are exactly 0,0 (a placeholder, not a place).
    NullIsland,
    /// Values beyond ±180: coordinates in a projected system (metres), not degrees.
    ProjectedCoordinates,
    /// The point falls in the region when latitude and longitude are swapped.
    SwappedCoordinates,
    /// The point lies outside the region's bounding box.
    OutsideBoundingBox,
    /// The point is inside the bounding box but in no area.
    OutsideBoundaries,
    /// A real postcode of a place outside the region (Wales, Cheshire…).
    PostcodeOutsideRegion,
    /// A postcode with no grid reference in the postcode table (never placed at 0,0).
    UnlocatedPostcode,
    /// Of a postcode's format (or mistyped, `B1 IAA`) but not in the postcode table: terminated or
    /// mistyped; the nearest valid postcodes are suggested.
    UnknownPostcode,
    /// Not a postcode: blank, `N/A`, `TBC`, `Overseas`, a partial postcode.
    NotAPostcode,
    /// Written like the level's area codes (`E09000007` beside `E08000025`) but the code of none of
    /// its areas, nor of a place it knows: most likely an area outside them (a national file on a
    /// person's own areas), else a mistyped or retired code.
    UnknownCode,
}

impl Unmatched {
    /// The reason in words, as shown in the match report.
    pub fn describe(self) -> &'static str {
        match self {
            Unmatched::Blank => "area is blank",
            Unmatched::UnknownName => "unknown area name",
            Unmatched::AmbiguousName => "name spans several areas (ambiguous)",
            Unmatched::SpansAreas => "a larger area (e.g. a county) that spans several of these areas",
            Unmatched::OtherLevel => "a smaller area of another level (view the file at that level)",
            Unmatched::OutsideRegion => "outside the region",
            Unmatched::NoCoordinates => "no coordinates",
            Unmatched::BadCoordinates => "coordinates are not valid degrees",
            Unmatched::NullIsland => "coordinates are 0,0 (a placeholder)",
            Unmatched::ProjectedCoordinates => "coordinates look projected (metres), not latitude/longitude degrees",
            Unmatched::SwappedCoordinates => "latitude and longitude look swapped",
            Unmatched::OutsideBoundingBox => "outside the region's bounding box",
            Unmatched::OutsideBoundaries => "inside the region's box but in no area",
            Unmatched::PostcodeOutsideRegion => "postcode outside the region",
            Unmatched::UnlocatedPostcode => "postcode with no grid reference (unlocated)",
            Unmatched::UnknownPostcode => {
                "postcode not in the region's postcode table (terminated, mistyped, or of a postcode area it does not cover)"
            }
            Unmatched::NotAPostcode => "not a postcode",
            Unmatched::UnknownCode => "a code like the areas' codes, but of none of them (an area outside them?)",
        }
    }
}

impl From<crate::engine::placement::postcode::PostcodeMiss> for Unmatched {
    fn from(m: crate::engine::placement::postcode::PostcodeMiss) -> Self {
        use crate::engine::placement::postcode::PostcodeMiss;
        match m {
            PostcodeMiss::OutsideRegion => Unmatched::PostcodeOutsideRegion,
            PostcodeMiss::Unlocated => Unmatched::UnlocatedPostcode,
            PostcodeMiss::Unknown => Unmatched::UnknownPostcode,
            PostcodeMiss::NotAPostcode => Unmatched::NotAPostcode,
        }
    }
}

/// How rows are placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// By the codes or names in a column.
    Column(String),
    /// By point in polygon from a latitude and a longitude column.
    Points {
        /// Latitude column.
        lat: String,
        /// Longitude column.
        lon: String,
    },
    /// By point in polygon from one column of coordinate text (`(41.97, -87.71)`, `POINT (lon
    /// lat)`, a Socrata location: see [`crate::engine::placement::coordinates::parse_point_text`]).
    Location {
        /// The column.
        column: String,
    },
    /// By the UK postcodes in a column, looked up in the region's postcode table (see
    /// [`crate::engine::placement::postcode`]).
    Postcode {
        /// The column.
        column: String,
    },
    /// By point in polygon from projected coordinates (x/easting and y/northing columns) of a
    /// system converted with certainty (see [`crate::engine::placement::projected`]).
    Projected {
        /// The x (easting) column.
        x: String,
        /// The y (northing) column.
        y: String,
        /// The coordinate system.
        crs: crate::engine::placement::projected::Crs,
    },
}

impl Method {
    /// Whether the method places rows by point in polygon (coordinates of any kind).
    pub fn places_points(&self) -> bool {
        matches!(self, Method::Points { .. } | Method::Location { .. } | Method::Projected { .. })
    }

    /// The file's columns this method reads.
    pub fn columns(&self) -> Vec<String> {
        match self {
            Method::Column(c) | Method::Location { column: c } | Method::Postcode { column: c } => vec![c.clone()],
            Method::Points { lat, lon } => vec![lat.clone(), lon.clone()],
            Method::Projected { x, y, .. } => vec![x.clone(), y.clone()],
        }
    }

    /// Whether rows are placed by coordinates (point in polygon).
    pub fn by_coordinates(&self) -> bool {
        !matches!(self, Method::Column(_) | Method::Postcode { .. })
    }
}

/// The area of every row (see [`Placed`]).
pub type Placement = Vec<Placed>;

/// One row's place in 4 bytes (a `Result<u32, Unmatched>` takes 8: at 1M rows the placement kept
/// for filter changes is 4 MB smaller): an area index, or the reason the row has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed(u32);

/// Every reason, in declaration order (a [`Placed`] holds a reason as its place here).
const REASONS: [Unmatched; 18] = [
    Unmatched::Blank,
    Unmatched::UnknownName,
    Unmatched::AmbiguousName,
    Unmatched::SpansAreas,
    Unmatched::OtherLevel,
    Unmatched::OutsideRegion,
    Unmatched::NoCoordinates,
    Unmatched::BadCoordinates,
    Unmatched::NullIsland,
    Unmatched::ProjectedCoordinates,
    Unmatched::SwappedCoordinates,
    Unmatched::OutsideBoundingBox,
    Unmatched::OutsideBoundaries,
    Unmatched::PostcodeOutsideRegion,
    Unmatched::UnlocatedPostcode,
    Unmatched::UnknownPostcode,
    Unmatched::NotAPostcode,
    Unmatched::UnknownCode,
];

/// A [`Placed`] from here up holds a reason; below, an area index.
const FIRST_REASON: u32 = u32::MAX - REASONS.len() as u32 + 1;

impl Placed {
    /// The area index, or why the row has none.
    #[inline]
    pub fn get(self) -> std::result::Result<u32, Unmatched> {
        match self.0.checked_sub(FIRST_REASON) {
            Some(r) => Err(REASONS[r as usize]),
            None => Ok(self.0),
        }
    }
}

impl From<std::result::Result<u32, Unmatched>> for Placed {
    #[inline]
    fn from(place: std::result::Result<u32, Unmatched>) -> Self {
        match place {
            Ok(area) => {
                debug_assert!(area < FIRST_REASON, "far fewer areas than 2^32");
                Placed(area)
            }
            Err(why) => Placed(FIRST_REASON + REASONS.iter().position(|&r| r == why).expect("every reason is listed") as u32),
        }
    }
}

/// Places every row of `table` in an area of `areas` by `method`. `assignments` (normalised name
/// → area code) are the user's own decisions for unknown or ambiguous names; they win over
/// everything else.
pub fn place_rows(table: &Table, areas: &Areas, method: &Method, assignments: &BTreeMap<String, String>) -> Result<Placement> {
    match method {
        Method::Column(col) => {
            let c = table.column(col)?;
            let assigned = assigned_areas(areas, assignments);
            let place = |v: &str| if v.trim().is_empty() { Err(Unmatched::Blank) } else { place_name(v, areas, &assigned) };
            // Each distinct name of a dictionary column is placed once.
            if let Some((keys, placed)) = c.per_value(|v| Placed::from(place(v.unwrap_or_default()))) {
                return Ok(keys.lookup(&placed, Placed::from(Err(Unmatched::Blank))));
            }
            let mut cache: crate::engine::fast_hash::FastMap<String, Placed> = Default::default();
            Ok((0..table.num_rows())
                .map(|i| match c.text(i) {
                    None => Placed::from(Err(Unmatched::Blank)),
                    Some(v) => {
                        if let Some(hit) = cache.get(v.as_ref()) {
                            return *hit;
                        }
                        let hit = Placed::from(place(&v));
                        cache.insert(v.into_owned(), hit);
                        hit
                    }
                })
                .collect())
        }
        // Points are placed one row at a time either way.
        Method::Points { .. } | Method::Location { .. } | Method::Projected { .. } | Method::Postcode { .. } => {
            place_rows_at(table, areas, method, assignments, 0..table.num_rows())
        }
    }
}

/// [`place_rows`] for the given rows only (in their order): what a sample of rows gets.
pub fn place_rows_at(
    table: &Table,
    areas: &Areas,
    method: &Method,
    assignments: &BTreeMap<String, String>,
    rows: impl IntoIterator<Item = usize>,
) -> Result<Vec<Placed>> {
    let rows = rows.into_iter();
    match method {
        Method::Column(col) => {
            let c = table.column(col)?;
            let assigned = assigned_areas(areas, assignments);
            let mut cache: crate::engine::fast_hash::FastMap<String, Placed> = Default::default();
            Ok(rows
                .map(|i| match c.text(i).filter(|v| !v.trim().is_empty()) {
                    None => Placed::from(Err(Unmatched::Blank)),
                    Some(v) => *cache.entry(v.into_owned()).or_insert_with_key(|v| Placed::from(place_name(v, areas, &assigned))),
                })
                .collect())
        }
        Method::Points { lat, lon } => {
            let (la, lo) = (table.column(lat)?, table.column(lon)?);
            Ok(rows.map(|i| Placed::from(place_point(la, lo, i, areas))).collect())
        }
        Method::Location { column } => {
            let c = table.column(column)?;
            Ok(rows.map(|i| Placed::from(place_location(&c, i, areas))).collect())
        }
        Method::Postcode { column } => {
            let c = table.column(column)?;
            let places = areas.postcodes.as_ref().ok_or_else(|| {
                crate::engine::error::EngineError::BadOption(format!(
                    "{} has no postcode table: postcodes cannot place rows here",
                    areas.level.label
                ))
            })?;
            let assigned = assigned_areas(areas, assignments);
            // A postcode is looked up without allocating (no cache needed); the person's
            // assignments, if any, first.
            let by_postcode = |v: &str| places.place(v).map_err(Unmatched::from);
            let place = |v: &str| match assigned.is_empty() {
                true => by_postcode(v),
                false => assigned.get(&crate::engine::placement::names::normalize(v)).map_or_else(|| by_postcode(v), |&a| Ok(a as u32)),
            };
            Ok(rows.map(|i| Placed::from(c.text(i).map_or(Err(Unmatched::NotAPostcode), |v| place(&v)))).collect())
        }
        Method::Projected { x, y, crs } => {
            let (xc, yc) = (table.column(x)?, table.column(y)?);
            let converter = crate::engine::placement::projected::Converter::new(*crs)
                .ok_or_else(|| crate::engine::error::EngineError::Internal(format!("no converter for {}", crs.code())))?;
            Ok(rows.map(|i| Placed::from(place_projected(&xc, &yc, i, &converter, areas))).collect())
        }
    }
}

/// A row's point (lat, lon) as `method` reads it, when it places rows by coordinates; `None` for
/// a method that carries no point (a name, code or postcode). The distance measures' program
/// points and the map's dots.
pub type PointOf<'a> = Box<dyn Fn(usize) -> Option<(f64, f64)> + 'a>;

/// How to read each row's point by `method` in `table` (see [`PointOf`]); `None` when `method`
/// places rows by name, code or postcode.
pub fn point_reader<'a>(table: &'a Table, method: &Method) -> Result<Option<PointOf<'a>>> {
    Ok(Some(match method {
        Method::Column(_) | Method::Postcode { .. } => return Ok(None),
        Method::Points { lat, lon } => {
            let (la, lo) = (table.column(lat)?, table.column(lon)?);
            Box::new(move |i| Some((la.number(i)?, lo.number(i)?)))
        }
        Method::Location { column } => {
            let c = table.column(column)?;
            Box::new(move |i| crate::engine::placement::coordinates::parse_point_text(&c.text(i)?))
        }
        Method::Projected { x, y, crs } => {
            let (xc, yc) = (table.column(x)?, table.column(y)?);
            let Some(converter) = crate::engine::placement::projected::Converter::new(*crs) else { return Ok(None) };
            Box::new(move |i| converter.to_lat_lon(xc.number(i)?, yc.number(i)?))
        }
    }))
}

/// Row `i`'s point from projected coordinates.
fn place_projected(
    x: &Column,
    y: &Column,
    i: usize,
    converter: &crate::engine::placement::projected::Converter,
    areas: &Areas,
) -> std::result::Result<u32, Unmatched> {
    let (a, b) = match (x.text(i), y.text(i)) {
        (None, _) | (_, None) => return Err(Unmatched::NoCoordinates),
        _ => match (x.number(i), y.number(i)) {
            (Some(a), Some(b)) => (a, b),
            _ => return Err(Unmatched::BadCoordinates),
        },
    };
    if a == 0.0 && b == 0.0 {
        return Err(Unmatched::NullIsland);
    }
    match converter.to_lat_lon(a, b) {
        Some((lat, lon)) => place_lat_lon(lat, lon, areas),
        None => Err(Unmatched::BadCoordinates),
    }
}

/// Row `i`'s point from a column of coordinate text.
fn place_location(c: &Column, i: usize, areas: &Areas) -> std::result::Result<u32, Unmatched> {
    let Some(text) = c.text(i).filter(|t| !t.trim().is_empty()) else { return Err(Unmatched::NoCoordinates) };
    match crate::engine::placement::coordinates::parse_point_text(&text) {
        Some((lat, lon)) => place_lat_lon(lat, lon, areas),
        None => Err(Unmatched::BadCoordinates),
    }
}

/// The assignment that counts every row naming a smaller area of another level (an MSOA at
/// district level, see [`crate::engine::region::Level::within`]) in the area containing it: the
/// person's choice, made once for all of them (link `as=*~within`).
pub const SUM_UP: (&str, &str) = ("*", "within");

/// The user's assignments as normalised name → area index (codes that are not areas dropped),
/// with every smaller area's container when they chose [`SUM_UP`].
fn assigned_areas(areas: &Areas, assignments: &BTreeMap<String, String>) -> BTreeMap<String, usize> {
    let mut out: BTreeMap<String, usize> =
        assignments.iter().filter_map(|(k, v)| areas.by_code(v).map(|i| (crate::engine::placement::names::normalize(k), i))).collect();
    if assignments.get(SUM_UP.0).is_some_and(|v| v == SUM_UP.1) {
        let index: std::collections::HashMap<&str, usize> = areas.codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
        for (name, code) in &areas.level.within {
            // A name this level has itself keeps its own area.
            if areas.lookup(name).is_some() {
                continue;
            }
            if let Some(&i) = index.get(code.as_str()) {
                out.entry(name.clone()).or_insert(i);
            }
        }
    }
    out
}

fn place_name(v: &str, areas: &Areas, assigned: &BTreeMap<String, usize>) -> std::result::Result<u32, Unmatched> {
    if let Some(&i) = assigned.get(&crate::engine::placement::names::normalize(v)) {
        return Ok(i as u32);
    }
    if areas.ambiguous(v).is_some() {
        return Err(Unmatched::AmbiguousName);
    }
    if let Some(i) = areas.lookup(v) {
        return Ok(i as u32);
    }
    if areas.spans(v).is_some() {
        return Err(Unmatched::SpansAreas);
    }
    if areas.within(v).is_some() {
        return Err(Unmatched::OtherLevel);
    }
    if areas.outside(v).is_some() {
        return Err(Unmatched::OutsideRegion);
    }
    if areas.shaped_like_a_code(v) {
        return Err(Unmatched::UnknownCode);
    }
    Err(Unmatched::UnknownName)
}

fn place_point(la: Column, lo: Column, i: usize, areas: &Areas) -> std::result::Result<u32, Unmatched> {
    let (lat, lon) = match (la.text(i), lo.text(i)) {
        (None, _) | (_, None) => return Err(Unmatched::NoCoordinates),
        _ => match (la.number(i), lo.number(i)) {
            (Some(a), Some(b)) => (a, b),
            _ => return Err(Unmatched::BadCoordinates),
        },
    };
    place_lat_lon(lat, lon, areas)
}

/// The area of a point given as latitude and longitude, or why it has none.
fn place_lat_lon(lat: f64, lon: f64, areas: &Areas) -> std::result::Result<u32, Unmatched> {
    if lat == 0.0 && lon == 0.0 {
        return Err(Unmatched::NullIsland);
    }
    if lat.abs() > 180.0 || lon.abs() > 360.0 {
        return Err(Unmatched::ProjectedCoordinates);
    }
    if lat.abs() > 90.0 && lon.abs() <= 90.0 && in_box(areas, lat, lon) {
        return Err(Unmatched::SwappedCoordinates);
    }
    if lat.abs() > 90.0 || lon.abs() > 180.0 {
        return Err(Unmatched::BadCoordinates);
    }
    if !in_box(areas, lon, lat) {
        return Err(if in_box(areas, lat, lon) { Unmatched::SwappedCoordinates } else { Unmatched::OutsideBoundingBox });
    }
    match areas.point_boundaries().map(|b| b.locate(lon, lat)) {
        Some(PointFate::Inside(a)) => Ok(a as u32),
        _ => Err(Unmatched::OutsideBoundaries),
    }
}

fn in_box(areas: &Areas, x: f64, y: f64) -> bool {
    let [w, s, e, n] = areas.level.bbox;
    (w..=e).contains(&x) && (s..=n).contains(&y)
}

/// Unmatched rows grouped by the value they carried, for the match report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UnmatchedValue {
    /// The area name or code as written (or the coordinates).
    pub value: String,
    /// Why it has no area.
    pub reason: Unmatched,
    /// How many rows carry it.
    pub rows: usize,
    /// Candidate area codes: the closest names for unknown ones, every candidate for ambiguous ones.
    pub suggestions: Vec<String>,
    /// For an unknown postcode, the valid postcodes nearest to it (their areas are the
    /// suggestions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nearest: Vec<String>,
}
