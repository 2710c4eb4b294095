//! Projected coordinates that exports carry instead of latitude/longitude, converted with a
//! maintained projection library (`proj4rs`, PROJ.4 in pure Rust) when the system is certain: the
//! City of Chicago's `X Coordinate`/`Y Coordinate` (Illinois State Plane East, NAD83, US survey
//! feet, EPSG:3435) and British National Grid eastings/northings (EPSG:27700). A system is certain
//! when the columns are named for it and most of the file's points, converted, fall inside the
//! region's bounding box; otherwise the rows keep the explanation "coordinates look projected".

use serde::{Deserialize, Serialize};

use crate::engine::placement::coordinates::words;
use crate::engine::region::Areas;
use crate::engine::table::{Column, Table};

/// Rows sampled when deciding the system.
const SAMPLE_ROWS: usize = 2000;

/// Share of the sampled points that must fall in the region's bounding box once converted.
const MIN_INSIDE: f64 = 0.8;

/// A projected coordinate system Equimap converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Crs {
    /// EPSG:3435, NAD83 / Illinois East (US survey feet): the City of Chicago's X/Y coordinates.
    #[serde(rename = "EPSG:3435")]
    IllinoisEastFeet,
    /// EPSG:27700, OSGB36 / British National Grid (metres): eastings and northings.
    #[serde(rename = "EPSG:27700")]
    BritishNationalGrid,
}

impl Crs {
    /// Every system converted, in the order they are tried.
    pub const ALL: [Crs; 2] = [Crs::IllinoisEastFeet, Crs::BritishNationalGrid];

    /// The system's PROJ.4 definition (from the EPSG registry).
    pub(crate) fn definition(self) -> &'static str {
        match self {
            Crs::IllinoisEastFeet => {
                "+proj=tmerc +lat_0=36.6666666666667 +lon_0=-88.3333333333333 +k=0.999975 +x_0=300000 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=us-ft +no_defs"
            }
            Crs::BritishNationalGrid => {
                "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs"
            }
        }
    }

    /// Its EPSG code as written (`EPSG:3435`).
    pub fn code(self) -> &'static str {
        match self {
            Crs::IllinoisEastFeet => "EPSG:3435",
            Crs::BritishNationalGrid => "EPSG:27700",
        }
    }
}

/// Converts points of one system to latitude/longitude (WGS84 degrees).
pub struct Converter {
    #[cfg(feature = "projected")]
    from: proj4rs::Proj,
    #[cfg(feature = "projected")]
    to: proj4rs::Proj,
}

/// Whether this build converts projected coordinates (the Cargo feature `projected`: the command
/// line has it, the web build leaves it out for size).
pub const CONVERTS: bool = cfg!(feature = "projected");

impl Converter {
    /// A converter from `crs` (`None` in a build without the `projected` feature).
    pub fn new(crs: Crs) -> Option<Self> {
        Self::from_definition(crs.definition())
    }

    /// A converter from the system of PROJ string `definition` (`None` when proj4rs cannot read
    /// it, or in a build without the `projected` feature).
    pub fn from_definition(definition: &str) -> Option<Self> {
        #[cfg(feature = "projected")]
        {
            let from = proj4rs::Proj::from_proj_string(definition).ok()?;
            let to = proj4rs::Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs").ok()?;
            Some(Converter { from, to })
        }
        #[cfg(not(feature = "projected"))]
        {
            let _ = definition;
            None
        }
    }

    /// `(x, y)` of the system as `(latitude, longitude)` in degrees, or `None` when it cannot be
    /// converted.
    ///
    /// ```
    /// use equimap::engine::placement::projected::{Converter, Crs};
    /// let c = Converter::new(Crs::IllinoisEastFeet).unwrap();
    /// let (lat, lon) = c.to_lat_lon(1175844.4, 1898954.9).unwrap(); // Chicago's City Hall
    /// assert!((lat - 41.8781).abs() < 1e-5 && (lon - -87.6298).abs() < 1e-5);
    /// ```
    pub fn to_lat_lon(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        if !x.is_finite() || !y.is_finite() {
            return None;
        }
        #[cfg(feature = "projected")]
        {
            let mut p = (x, y, 0.0);
            proj4rs::transform::transform(&self.from, &self.to, &mut p).ok()?;
            let (lon, lat) = (p.0.to_degrees(), p.1.to_degrees());
            (lat.is_finite() && lon.is_finite()).then_some((lat, lon))
        }
        #[cfg(not(feature = "projected"))]
        None
    }
}

/// Whether a column name says x / easting (`X Coordinate`, `X_COORD`, `Easting`).
fn x_name(name: &str) -> bool {
    let w = words(name);
    w.iter().any(|x| matches!(x.as_str(), "easting" | "eastings" | "east")) || (w.first().is_some_and(|x| x == "x") && w.len() <= 2)
}

/// As [`x_name`], for y / northing.
fn y_name(name: &str) -> bool {
    let w = words(name);
    w.iter().any(|x| matches!(x.as_str(), "northing" | "northings" | "north")) || (w.first().is_some_and(|x| x == "y") && w.len() <= 2)
}

/// Share of the sampled rows with both numbers whose point, converted, is in the region's box.
fn share_inside(x: &Column, y: &Column, rows: usize, converter: &Converter, areas: &Areas) -> f64 {
    let [w, s, e, n] = areas.level.bbox;
    let (mut seen, mut inside) = (0usize, 0usize);
    for i in 0..rows.min(SAMPLE_ROWS) {
        let (Some(a), Some(b)) = (x.number(i), y.number(i)) else { continue };
        if a == 0.0 && b == 0.0 {
            continue;
        }
        seen += 1;
        if let Some((lat, lon)) = converter.to_lat_lon(a, b) {
            inside += usize::from((w..=e).contains(&lon) && (s..=n).contains(&lat));
        }
    }
    if seen == 0 {
        0.0
    } else {
        inside as f64 / seen as f64
    }
}

/// Columns named for projected x/easting and y/northing (by name only: see
/// [`projected_columns`] for the system), when the file has a pair.
pub fn projected_names(table: &Table) -> Option<(String, String)> {
    let names = table.column_names();
    let x = names.iter().find(|n| x_name(n))?;
    let y = names.iter().find(|n| y_name(n))?;
    Some((x.clone(), y.clone()))
}

/// The x and y columns of projected coordinates and their system, when certain: columns named
/// for x/easting and y/northing whose values are not degrees, and a system of [`Crs::ALL`] under
/// which most sampled points fall inside the region's bounding box.
pub fn projected_columns(table: &Table, areas: &Areas) -> Option<(String, String, Crs)> {
    let names = table.column_names();
    let rows = table.num_rows();
    let xs: Vec<&String> = names.iter().filter(|n| x_name(n)).collect();
    let ys: Vec<&String> = names.iter().filter(|n| y_name(n)).collect();
    for x in &xs {
        for y in &ys {
            let (Ok(xc), Ok(yc)) = (table.column(x), table.column(y)) else { continue };
            for crs in Crs::ALL {
                let Some(converter) = Converter::new(crs) else { continue };
                if share_inside(&xc, &yc, rows, &converter, areas) >= MIN_INSIDE {
                    return Some(((*x).clone(), (*y).clone(), crs));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_projected_columns() {
        for x in ["X Coordinate", "X_COORD", "x", "Easting", "GRID_EASTING"] {
            assert!(x_name(x), "{x}");
        }
        for y in ["Y Coordinate", "Y_COORD", "y", "Northing", "GRID NORTHING"] {
            assert!(y_name(y), "{y}");
        }
        assert!(!x_name("Extension"));
        assert!(!y_name("Year"));
    }
}
