//! The coordinate system a boundaries file says it is in — a GeoJSON `crs` name
//! (`EPSG:27700`, `urn:ogc:def:crs:EPSG::3435`) or a shapefile's `.prj` (WKT, as ArcGIS, QGIS and
//! GDAL write it) — and its boundaries converted to longitude/latitude (WGS 84) with `proj4rs`.
//! A geographic system (WGS 84, NAD83, CRS84) needs nothing; a projected one is converted only when
//! the file names it: coordinates without a stated system are never guessed (see `own`'s refusal).

use geo::{MapCoordsInPlace, MultiPolygon};

use crate::engine::placement::projected::Converter;

/// How boundaries in a system are read: as they are, or converted.
pub enum SystemOf {
    /// Longitude/latitude already (a geographic system on a WGS 84-like datum).
    Geographic,
    /// A projected system, with its name and the converter to longitude/latitude.
    Projected(String, Box<Converter>),
}

/// Datums whose shift to WGS 84 a `.prj` leaves out but PROJ's database adds (proj4wkt has no
/// database): the name fragment and the seven-parameter shift (EPSG's, as in `projected`).
const DATUM_SHIFTS: [(&str, &str); 1] = [("OSGB", "+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489")];

/// Older datums a `.prj` may name whose shift to WGS 84 is not known here (PROJ takes it from
/// grid files): converted on their ellipsoid alone, with a line saying so.
const UNSHIFTED_DATUMS: [&str; 6] = ["NAD_1927", "NAD27", "EUROPEAN_1950", "ED50", "TOKYO", "AUSTRALIAN_1966"];

/// The system `said` names: a WKT definition or an EPSG/OGC name. Fails with a sentence naming
/// the system when it is projected and cannot be converted (unknown code, projection proj4rs
/// lacks, or a build without the `projected` feature).
///
/// ```
/// use equimap::engine::geo::crs::{system_of, SystemOf};
/// assert!(matches!(system_of("urn:ogc:def:crs:OGC:1.3:CRS84"), Ok(SystemOf::Geographic)));
/// assert!(matches!(system_of("EPSG:27700"), Ok(SystemOf::Projected(..))));
/// assert!(system_of("EPSG:999999").is_err());
/// ```
pub fn system_of(said: &str) -> Result<SystemOf, String> {
    let said = said.trim().trim_start_matches('\u{feff}');
    let upper = said.to_ascii_uppercase();
    if upper.starts_with("GEOGCS[") || upper.starts_with("GEOGCRS[") || upper.starts_with("GEODCRS[") {
        return Ok(SystemOf::Geographic);
    }
    if upper.starts_with("PROJCS[") || upper.starts_with("PROJCRS[") {
        let name = wkt_name(said);
        let definition = definition_of_wkt(said).ok_or_else(|| cannot(&name))?;
        return converter(&name, &definition);
    }
    let code = epsg_code(&upper).ok_or_else(|| cannot(said))?;
    if matches!(code, 4326 | 4269 | 4258 | 4617 | 4230 | 4283 | 7844 | 4167) || upper.contains("CRS84") {
        return Ok(SystemOf::Geographic);
    }
    let definition = epsg_definition(code).ok_or_else(|| cannot(&format!("EPSG:{code}")))?;
    converter(&format!("EPSG:{code}"), &definition)
}

/// Converts every point of `shapes` from `converter`'s system to longitude/latitude; the number
/// of points that could not be converted (left as they were).
pub fn to_lon_lat<'a>(converter: &Converter, shapes: impl IntoIterator<Item = &'a mut MultiPolygon<f64>>) -> usize {
    let failed = std::cell::Cell::new(0);
    let count = &failed;
    for shape in shapes {
        shape.map_coords_in_place(|c| match converter.to_lat_lon(c.x, c.y) {
            Some((lat, lon)) => geo::Coord { x: lon, y: lat },
            None => {
                count.set(count.get() + 1);
                c
            }
        });
    }
    failed.get()
}

/// Boundaries `shapes` in the system their file names (`said`: a GeoJSON `crs`, a shapefile's
/// `.prj`) converted to longitude/latitude, with a line saying so. Coordinates that are
/// longitude/latitude already are left as they are whatever the file says (a line notes the
/// mismatch); nothing said, nothing done; a projected system that cannot be converted fails
/// with its name.
pub fn to_lon_lat_as_said(said: Option<&str>, shapes: &mut [&mut MultiPolygon<f64>]) -> Result<Option<String>, String> {
    let Some(said) = said else { return Ok(None) };
    let lon_lat =
        shapes.iter().flat_map(|s| s.0.iter()).flat_map(|p| p.exterior().0.iter()).all(|c| c.x.abs() <= 180.0 && c.y.abs() <= 90.0);
    match system_of(said) {
        Ok(SystemOf::Geographic) => Ok(None),
        Ok(SystemOf::Projected(name, _)) if lon_lat => {
            Ok(Some(format!("the file says its coordinates are in {name}, but they are longitude/latitude: read as longitude/latitude")))
        }
        Ok(SystemOf::Projected(name, converter)) => {
            let failed = to_lon_lat(&converter, shapes.iter_mut().map(|s| &mut **s));
            if failed > 0 {
                return Err(format!(
                    "{failed} point(s) could not be converted from {name} to longitude/latitude: reproject the file to WGS 84 first (ogr2ogr -t_srs EPSG:4326)"
                ));
            }
            let upper = said.to_ascii_uppercase();
            let unshifted = UNSHIFTED_DATUMS.iter().find(|d| upper.contains(*d) && !upper.contains("TOWGS84"));
            let caveat = unshifted.map_or(String::new(), |d| {
                format!(" — its datum ({d}) is converted without a shift to WGS 84, so positions may be off by up to 200 m: reproject with ogr2ogr for exact borders")
            });
            Ok(Some(format!("coordinates converted from {name} (as the file says) to longitude/latitude (WGS 84){caveat}; check the map")))
        }
        Err(_) if lon_lat => Ok(None),
        Err(reason) => Err(reason),
    }
}

fn cannot(name: &str) -> String {
    format!(
        "the coordinates are in {name}, a system Equimap cannot convert here: reproject the file to WGS 84 first (ogr2ogr -t_srs EPSG:4326 out.geojson IN, or mapshaper -proj wgs84)"
    )
}

fn converter(name: &str, definition: &str) -> Result<SystemOf, String> {
    Converter::from_definition(definition).map(|c| SystemOf::Projected(name.to_string(), Box::new(c))).ok_or_else(|| cannot(name))
}

/// The name a WKT definition gives itself (`British_National_Grid`).
fn wkt_name(wkt: &str) -> String {
    wkt.split('"').nth(1).unwrap_or("a projected system").to_string()
}

/// A PROJ string for WKT `wkt`: proj4wkt's, with the datum shift PROJ's database would add;
/// Web Mercator by its name (ArcGIS's `Mercator_Auxiliary_Sphere`).
fn definition_of_wkt(wkt: &str) -> Option<String> {
    let upper = wkt.to_ascii_uppercase();
    if upper.contains("WEB_MERCATOR") || upper.contains("PSEUDO-MERCATOR") || upper.contains("MERCATOR_AUXILIARY_SPHERE") {
        return epsg_definition(3857);
    }
    let mut definition = wkt_definition(wkt)?;
    if !definition.contains("+towgs84") {
        if let Some((_, shift)) = DATUM_SHIFTS.iter().find(|(name, _)| upper.contains(name)) {
            definition = format!("{definition} {shift}");
        }
    }
    Some(definition)
}

/// proj4wkt's PROJ string for `wkt` (only where shapefiles are read: their `.prj` is the WKT
/// boundaries come with, so the first visit's module leaves the parser out).
#[cfg(all(feature = "projected", feature = "shapefiles"))]
fn wkt_definition(wkt: &str) -> Option<String> {
    proj4wkt::wkt_to_projstring(wkt).ok()
}

#[cfg(not(all(feature = "projected", feature = "shapefiles")))]
fn wkt_definition(_wkt: &str) -> Option<String> {
    None
}

/// The EPSG code in a name: `EPSG:27700`, `urn:ogc:def:crs:EPSG::27700`, `EPSG:3435`, an
/// `http://www.opengis.net/def/crs/EPSG/0/27700` address.
fn epsg_code(upper: &str) -> Option<u32> {
    if upper.contains("CRS84") {
        return Some(4326);
    }
    // The code is the last run of digits after "EPSG" (a version such as `EPSG:6.6:` or `/0/`
    // comes before it).
    let at = upper.rfind("EPSG")?;
    let last = upper[at + 4..].rsplit(|c: char| !c.is_ascii_digit()).find(|d| !d.is_empty())?;
    last.parse().ok()
}

/// PROJ strings of the projected systems boundaries commonly come in (from the EPSG registry):
/// British National Grid, Irish Grid (ITM), Web Mercator, Illinois State Plane East and West (US
/// feet), UTM zones on WGS 84 (326zz/327zz) and NAD83 (269zz), and Lambert-93.
fn epsg_definition(code: u32) -> Option<String> {
    let fixed = match code {
        27700 => Some(crate::engine::placement::projected::Crs::BritishNationalGrid.definition()),
        3435 => Some(crate::engine::placement::projected::Crs::IllinoisEastFeet.definition()),
        3436 => Some("+proj=tmerc +lat_0=36.6666666666667 +lon_0=-90.1666666666667 +k=0.999941177 +x_0=700000 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=us-ft +no_defs"),
        3857 | 900913 | 102100 => Some("+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs"),
        2157 => Some("+proj=tmerc +lat_0=53.5 +lon_0=-8 +k=0.99982 +x_0=600000 +y_0=750000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"),
        2154 => Some("+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"),
        _ => None,
    };
    if let Some(f) = fixed {
        return Some(f.to_string());
    }
    let (zone, south, ellps) = match code {
        32601..=32660 => (code - 32600, false, "WGS84"),
        32701..=32760 => (code - 32700, true, "WGS84"),
        26901..=26923 => (code - 26900, false, "GRS80"),
        _ => return None,
    };
    let south = if south { " +south" } else { "" };
    Some(format!("+proj=utm +zone={zone}{south} +ellps={ellps} +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"))
}

#[cfg(all(test, feature = "projected", feature = "shapefiles"))]
mod tests {
    use super::*;

    /// British National Grid as ArcGIS (and ONS's shapefiles) write it: no TOWGS84.
    const BNG: &str = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1849",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",400000.0],PARAMETER["False_Northing",-100000.0],PARAMETER["Central_Meridian",-2.0],PARAMETER["Scale_Factor",0.9996012717],PARAMETER["Latitude_Of_Origin",49.0],UNIT["Meter",1.0]]"#;

    /// Illinois East in US feet as ArcGIS writes it (false easting in feet).
    const IL_EAST: &str = r#"PROJCS["NAD_1983_StatePlane_Illinois_East_FIPS_1201_Feet",GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",984250.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",-88.33333333333333],PARAMETER["Scale_Factor",0.999975],PARAMETER["Latitude_Of_Origin",36.66666666666666],UNIT["Foot_US",0.3048006096012192]]"#;

    fn lon_lat(said: &str, x: f64, y: f64) -> (f64, f64) {
        let SystemOf::Projected(_, c) = system_of(said).unwrap() else { panic!("{said} not projected") };
        let (lat, lon) = c.to_lat_lon(x, y).unwrap();
        (lon, lat)
    }

    #[test]
    fn prj_files_convert_as_their_epsg_codes_do() {
        // (406,380 E, 286,840 N) in Birmingham: PROJ (pyproj 3.7.2, EPSG:27700 → 4326, no grid
        // files) gives (-1.9074900, 52.4794498); the WKT without a TOWGS84 must agree with the code.
        for said in [BNG, "EPSG:27700", "urn:ogc:def:crs:EPSG::27700"] {
            let (lon, lat) = lon_lat(said, 406380.0, 286840.0);
            assert!((lon - -1.9074900).abs() < 1e-6 && (lat - 52.4794498).abs() < 1e-6, "{said}: {lon} {lat}");
        }
        // Chicago's City Hall in Illinois East feet: PROJ gives (-87.6298000, 41.8781001).
        for said in [IL_EAST, "EPSG:3435"] {
            let (lon, lat) = lon_lat(said, 1175844.4, 1898954.9);
            assert!((lat - 41.8781001).abs() < 1e-6 && (lon - -87.6298000).abs() < 1e-6, "{said}: {lon} {lat}");
        }
        // Web Mercator: x = R·λ, y = R·ln tan(π/4 + φ/2), R = 6,378,137 m.
        let r = 6378137.0_f64;
        let (x, y) = (r * (-1.9_f64).to_radians(), r * (std::f64::consts::FRAC_PI_4 + 52.48_f64.to_radians() / 2.0).tan().ln());
        let (lon, lat) = lon_lat("EPSG:3857", x, y);
        assert!((lon - -1.9).abs() < 1e-7 && (lat - 52.48).abs() < 1e-7, "{lon} {lat}");
        // UTM 16N (WGS 84): the zone's central meridian -87° at the false easting; PROJ's latitude.
        let (lon, lat) = lon_lat("EPSG:32616", 500000.0, 4636000.0);
        assert!((lon - -87.0).abs() < 1e-9 && (lat - 41.8759208).abs() < 1e-6, "{lon} {lat}");
    }

    #[test]
    fn geographic_systems_need_nothing_and_unknown_ones_are_named() {
        let nad83 = r#"GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]"#;
        for said in [nad83, "EPSG:4326", "urn:ogc:def:crs:EPSG::4269", "urn:ogc:def:crs:OGC:1.3:CRS84"] {
            assert!(matches!(system_of(said), Ok(SystemOf::Geographic)), "{said}");
        }
        for said in ["http://www.opengis.net/def/crs/EPSG/0/27700", "urn:ogc:def:crs:EPSG:6.6:27700"] {
            assert!(matches!(system_of(said), Ok(SystemOf::Projected(ref n, _)) if n == "EPSG:27700"), "{said}");
        }
        let e = system_of("EPSG:2263").err().unwrap();
        assert!(e.contains("EPSG:2263") && e.contains("ogr2ogr"), "{e}");
    }
}
