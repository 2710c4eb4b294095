//! Shapefiles as boundaries: a `.zip` as portals and statistics offices publish them (City of
//! Chicago's "Export → Shapefile", ONS's Open Geography downloads, Census TIGER/Line), or a `.shp`
//! with its `.dbf`, `.prj` and `.cpg` beside it, read with the `shapefile` and `dbase` crates. Each
//! record's attributes become the feature's properties; its rings (clockwise outer, counter-clockwise
//! holes, as the format orders them) its polygons; the `.prj` says the coordinate system, converted
//! to longitude/latitude by [`crs`](super::crs) when it is projected; the `.cpg` (else the `.dbf`'s
//! code page mark) says how the attributes' text is encoded.

use std::io::{Cursor, Read};

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::Value;
use shapefile::dbase::{self, FieldValue};
use shapefile::{PolygonRing, Shape};

use crate::engine::region::own_properties::Props;

/// A shapefile's polygons and attributes, as read.
pub struct ShapefileFeatures {
    /// Each record's attributes and polygons, in the file's order (null shapes left out).
    pub features: Vec<(Props, MultiPolygon<f64>)>,
    /// The `.prj`'s coordinate system (WKT), when there is one.
    pub prj: Option<String>,
    /// What was left out or chosen, one line each.
    pub problems: Vec<String>,
}

/// Largest total a shapefile archive may unpack to (its GeoJSON in the page is larger still).
const UNPACKED_LIMIT_BYTES: u64 = 256_000_000;

/// The parts of one shapefile, by extension.
#[derive(Default)]
struct Parts {
    shp: Vec<u8>,
    dbf: Option<Vec<u8>>,
    prj: Option<String>,
    cpg: Option<String>,
}

/// Whether `bytes` are a ZIP archive holding a `.shp`.
pub fn is_zipped_shapefile(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|z| z.file_names().any(is_shp_entry))
}

/// Reads the shapefile in ZIP archive `bytes`: its first `.shp` with shapes, and the
/// `.dbf`, `.prj` and `.cpg` of the same name (the first layer of polygons when the archive holds
/// several). Fails naming what is missing or unreadable.
pub fn read_zip(bytes: &[u8]) -> Result<ShapefileFeatures, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a readable ZIP archive ({e})"))?;
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    let unpacked: u64 = (0..archive.len()).filter_map(|i| archive.by_index_raw(i).ok().map(|f| f.size())).sum();
    if unpacked > UNPACKED_LIMIT_BYTES {
        return Err(format!(
            "the archive unpacks to {:.0} MB; Equimap takes shapefiles up to {} MB unpacked. Simplify it first (mapshaper -simplify 10%)",
            unpacked as f64 / 1e6,
            UNPACKED_LIMIT_BYTES / 1_000_000
        ));
    }
    let layers: Vec<&String> = names.iter().filter(|n| is_shp_entry(n)).collect();
    if layers.is_empty() {
        return Err(format!(
            "the ZIP archive holds no shapefile (.shp); it holds {} (to use a file of rows from it, unzip it and drop that file)",
            names.iter().take(8).cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    let mut part = |stem: &str, ext: &str| -> Result<Option<Vec<u8>>, String> {
        let Some(name) =
            names.iter().find(|n| n.len() == stem.len() + 4 && n.starts_with(stem) && n[stem.len()..].eq_ignore_ascii_case(ext))
        else {
            return Ok(None);
        };
        let unpack = |e: &dyn std::fmt::Display| format!("{name} could not be unpacked from the ZIP archive ({e})");
        let mut out = Vec::new();
        let mut entry = archive.by_name(name).map_err(|e| unpack(&e))?;
        entry.read_to_end(&mut out).map_err(|e| unpack(&e))?;
        Ok(Some(out))
    };
    // The first layer of polygons (shape type 5, 15 or 25 at byte 32 of the .shp), else the first.
    let mut chosen: Option<(&str, Vec<u8>)> = None;
    for layer in &layers {
        let shp = part(&layer[..layer.len() - 4], ".shp")?.unwrap_or_default();
        let polygons = shp.get(32..36).is_some_and(|t| matches!(i32::from_le_bytes([t[0], t[1], t[2], t[3]]), 5 | 15 | 25));
        if polygons || chosen.is_none() {
            chosen = Some((layer.as_str(), shp));
        }
        if polygons {
            break;
        }
    }
    let (first, shp) = chosen.expect("at least one layer");
    let stem = &first[..first.len() - 4];
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    let parts = Parts { shp, dbf: part(stem, ".dbf")?, prj: part(stem, ".prj")?.map(text), cpg: part(stem, ".cpg")?.map(text) };
    let mut read = read_parts(first, parts)?;
    if layers.len() > 1 {
        let others: Vec<&str> = layers.iter().map(|s| s.as_str()).filter(|s| *s != first).collect();
        read.problems.push(format!(
            "the archive holds {} shapefiles: {first} was read, not {} (zip one alone to use it)",
            layers.len(),
            others.join(", ")
        ));
    }
    Ok(read)
}

/// The shapefile in ZIP archive `bytes` as GeoJSON text in longitude/latitude (converted from
/// the system its `.prj` names), what was left out or converted in its top-level `equimap_notes` member:
/// how the page's on-demand module hands a dropped shapefile to the first visit's module, which
/// reads GeoJSON (and those notes) only.
pub fn as_geojson(file: &str, bytes: &[u8]) -> Result<String, String> {
    let read = read_zip(bytes).map_err(|e| format!("{file}: {e}"))?;
    to_geojson(file, read)
}

/// Features read from a shapefile as GeoJSON text in longitude/latitude, with their notes.
fn to_geojson(file: &str, mut read: ShapefileFeatures) -> Result<String, String> {
    let mut shapes: Vec<&mut MultiPolygon<f64>> = read.features.iter_mut().map(|f| &mut f.1).collect();
    let converted = super::crs::to_lon_lat_as_said(read.prj.as_deref(), &mut shapes).map_err(|e| format!("{file}: {e}"))?;
    read.problems.extend(converted);
    let ring = |l: &LineString<f64>| Value::Array(l.0.iter().map(|c| serde_json::json!([c.x, c.y])).collect());
    let features: Vec<Value> = read
        .features
        .into_iter()
        .map(|(props, shape)| {
            let polygons: Vec<Value> =
                shape.0.iter().map(|p| Value::Array(std::iter::once(p.exterior()).chain(p.interiors()).map(ring).collect())).collect();
            serde_json::json!({"type": "Feature", "properties": props, "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
        })
        .collect();
    Ok(serde_json::json!({"type": "FeatureCollection", "equimap_notes": read.problems, "features": features}).to_string())
}

/// The shapefile given as loose parts (`(file name, bytes)`: a `.shp` and the `.dbf`, `.prj`,
/// `.cpg` of the same name) as GeoJSON text in longitude/latitude, as [`as_geojson`] gives a
/// `.zip`'s: how the page reads a shapefile's parts chosen together, and the command line a
/// `.shp` with its parts beside it.
pub fn loose_as_geojson(file: &str, given: &[(String, Vec<u8>)]) -> Result<String, String> {
    let lower = |n: &String| n.to_lowercase();
    let shp = given.iter().find(|(n, _)| lower(n).ends_with(".shp")).ok_or_else(|| format!("{file}: no .shp among the files given"))?;
    let name = lower(&shp.0);
    let stem = &name[..name.len() - 4];
    let part = |ext: &str| given.iter().find(|(n, _)| lower(n) == format!("{stem}{ext}")).map(|(_, b)| b.clone());
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    let parts = Parts { shp: shp.1.clone(), dbf: part(".dbf"), prj: part(".prj").map(text), cpg: part(".cpg").map(text) };
    let read = read_parts(&shp.0, parts).map_err(|e| format!("{file}: {e}"))?;
    to_geojson(file, read)
}

/// A `.shp` entry of an archive (not macOS's `__MACOSX/._name` resource copies).
fn is_shp_entry(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    name.to_ascii_lowercase().ends_with(".shp") && !name.starts_with("__MACOSX") && !base.starts_with("._")
}

fn read_parts(layer: &str, parts: Parts) -> Result<ShapefileFeatures, String> {
    let shapes = shapefile::ShapeReader::new(Cursor::new(parts.shp))
        .and_then(|r| r.read())
        .map_err(|e| format!("{layer}: the .shp could not be read ({e})"))?;
    let dbf = parts.dbf.ok_or_else(|| {
        format!("{layer}: the .dbf beside the .shp is missing, and it holds the areas' codes and names: give the .shp, .dbf and .prj together (or the .zip as downloaded)")
    })?;
    let (records, declared) = read_dbf(&dbf, parts.cpg.as_deref()).map_err(|e| format!("{layer}: the .dbf could not be read ({e})"))?;
    if records.len() != shapes.len() {
        let why = if declared == shapes.len() {
            format!(
                "{} of its records are marked deleted: save the layer again (QGIS, mapshaper) so each shape has its record",
                declared - records.len()
            )
        } else {
            "they are not of the same shapefile".to_string()
        };
        return Err(format!("{layer}: the .shp has {} shapes but the .dbf {} records: {why}", shapes.len(), records.len()));
    }
    let mut problems = Vec::new();
    let mut features = Vec::new();
    let mut kinds = Vec::new();
    for (i, (shape, props)) in shapes.into_iter().zip(records).enumerate() {
        match polygons_of(shape) {
            Ok(Some(p)) => features.push((props, p)),
            Ok(None) => problems.push(format!("record {}: no shape (a null shape): left out", i + 1)),
            Err(kind) => kinds.push(kind),
        }
    }
    if features.is_empty() && !kinds.is_empty() {
        return Err(format!(
            "{layer}: the shapefile holds {} (a list of places or lines), not areas: boundaries are polygons. If these are your programs, export them with their coordinates as CSV and drop that as your file",
            kinds[0]
        ));
    }
    if !kinds.is_empty() {
        problems.push(format!("{} record(s) are {}, not polygons: left out", kinds.len(), kinds[0]));
    }
    Ok(ShapefileFeatures { features, prj: parts.prj.filter(|p| !p.trim().is_empty()), problems })
}

/// Each record of `.dbf` bytes as properties, in the file's field order, and the number of
/// records its header declares (deleted records are not read). Text is decoded as the `.cpg`
/// says, else as UTF-8 when every text is valid UTF-8, else as the file's code page mark says
/// (Windows-1252 when it names none); lossy UTF-8 when those fail.
fn read_dbf(bytes: &[u8], cpg: Option<&str>) -> Result<(Vec<Props>, usize), dbase::Error> {
    use dbase::encoding::DynEncoding;
    let mut tries: Vec<Option<DynEncoding>> = Vec::new();
    tries.extend(cpg.and_then(DynEncoding::from_name).map(Some));
    tries.extend([Some(DynEncoding::from(dbase::Unicode)), None, Some(DynEncoding::from(dbase::UnicodeLossy))]);
    let mut last = None;
    for encoding in tries {
        let builder = match encoding {
            Some(e) => dbase::ReaderBuilder::new().with_encoding(e),
            None => dbase::ReaderBuilder::new(),
        };
        let read = builder.build(Cursor::new(bytes)).and_then(|mut r| {
            let names: Vec<String> = r.fields().iter().map(|f| f.name().to_string()).filter(|n| n != "DeletionFlag").collect();
            let declared = r.header().num_records as usize;
            r.read().map(|records| (names, records, declared))
        });
        match read {
            Ok((names, records, declared)) => {
                let props = records
                    .into_iter()
                    .map(|r| names.iter().map(|n| (n.clone(), r.get(n).map_or(Value::Null, json_of))).collect())
                    .collect();
                return Ok((props, declared));
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.expect("at least one encoding tried"))
}

/// A `.dbf` value as JSON: text trimmed, whole numbers as integers, dates as `YYYY-MM-DD`.
fn json_of(v: &FieldValue) -> Value {
    let number = |x: f64| {
        if x.fract() == 0.0 && x.abs() < 9e15 {
            Value::from(x as i64)
        } else {
            serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
        }
    };
    match v {
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => Value::String(s.trim().to_string()),
        FieldValue::Numeric(Some(x)) | FieldValue::Double(x) | FieldValue::Currency(x) => number(*x),
        FieldValue::Float(Some(x)) => number(f64::from(*x)),
        FieldValue::Integer(i) => Value::from(*i),
        FieldValue::Logical(Some(b)) => Value::Bool(*b),
        FieldValue::Date(Some(d)) => Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())),
        _ => Value::Null,
    }
}

/// A shape's polygons (`Ok(None)` for a null shape), or the kind of shape it is when not polygons.
fn polygons_of(shape: Shape) -> Result<Option<MultiPolygon<f64>>, &'static str> {
    let rings: Vec<(bool, Vec<Coord<f64>>)> = match shape {
        Shape::NullShape => return Ok(None),
        Shape::Polygon(p) => p.into_inner().into_iter().map(|r| ring_of(r, |p| Coord { x: p.x, y: p.y })).collect(),
        Shape::PolygonM(p) => p.into_inner().into_iter().map(|r| ring_of(r, |p| Coord { x: p.x, y: p.y })).collect(),
        Shape::PolygonZ(p) => p.into_inner().into_iter().map(|r| ring_of(r, |p| Coord { x: p.x, y: p.y })).collect(),
        Shape::Point(_) | Shape::PointM(_) | Shape::PointZ(_) | Shape::Multipoint(_) | Shape::MultipointM(_) | Shape::MultipointZ(_) => {
            return Err("points")
        }
        Shape::Polyline(_) | Shape::PolylineM(_) | Shape::PolylineZ(_) => return Err("lines"),
        Shape::Multipatch(_) => return Err("3-D patches"),
    };
    Ok(Some(assemble(rings)))
}

fn ring_of<P>(ring: PolygonRing<P>, xy: impl Fn(&P) -> Coord<f64>) -> (bool, Vec<Coord<f64>>) {
    let outer = matches!(ring, PolygonRing::Outer(_));
    (outer, ring.into_inner().iter().map(xy).collect())
}

/// Outer rings become polygons; each hole joins the smallest outer ring that holds its first
/// point (on the border counts). A "hole" no outer ring holds is an outer ring written the other
/// way round (some writers wind rings counter-clockwise): it becomes a polygon, as GDAL reads it.
fn assemble(rings: Vec<(bool, Vec<Coord<f64>>)>) -> MultiPolygon<f64> {
    use geo::{Area, Intersects};
    let (outers, holes): (Vec<_>, Vec<_>) = rings.into_iter().partition(|(outer, _)| *outer);
    let mut polygons: Vec<Polygon<f64>> = outers.into_iter().map(|(_, c)| Polygon::new(LineString::new(c), vec![])).collect();
    let areas: Vec<f64> = polygons.iter().map(|p| p.unsigned_area()).collect();
    let mut strays = Vec::new();
    for (_, coords) in holes {
        let line = LineString::new(coords);
        let host = line.0.first().and_then(|c| {
            (0..areas.len())
                .filter(|&i| Polygon::new(polygons[i].exterior().clone(), vec![]).intersects(c))
                .min_by(|&a, &b| areas[a].total_cmp(&areas[b]))
        });
        match host {
            Some(i) => polygons[i].interiors_push(line),
            None => strays.push(Polygon::new(line, vec![])),
        }
    }
    polygons.extend(strays);
    MultiPolygon::new(polygons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, side: f64, clockwise: bool) -> Vec<Coord<f64>> {
        let mut c = vec![(x, y), (x + side, y), (x + side, y + side), (x, y + side), (x, y)];
        if clockwise {
            c.reverse();
        }
        c.into_iter().map(|(x, y)| Coord { x, y }).collect()
    }

    #[test]
    fn holes_join_the_smallest_ring_holding_them_and_stray_ones_are_areas() {
        // A 10×10 square with a 6×6 hole, an island in the hole with a hole of its own, and a
        // counter-clockwise ring far away (an outer ring written the other way round).
        let rings = vec![
            (true, square(0.0, 0.0, 10.0, true)),
            (false, square(2.0, 2.0, 6.0, false)),
            (true, square(3.0, 3.0, 4.0, true)),
            (false, square(4.0, 4.0, 1.0, false)),
            (false, square(20.0, 0.0, 5.0, false)),
        ];
        let m = assemble(rings);
        let shape: Vec<(f64, usize)> = m.0.iter().map(|p| (p.exterior().0[0].x, p.interiors().len())).collect();
        assert_eq!(shape, vec![(0.0, 1), (3.0, 1), (20.0, 0)]);
        assert_eq!(m.0[0].interiors()[0].0[0], Coord { x: 2.0, y: 2.0 });
        assert_eq!(m.0[1].interiors()[0].0[0], Coord { x: 4.0, y: 4.0 });
    }

    /// A .dbf of one 20-byte text field `NAME` written by hand (dBase III layout), with
    /// language driver byte `ldid`.
    fn dbf(ldid: u8, values: &[&[u8]]) -> Vec<u8> {
        let mut b = vec![0x03, 126, 1, 1];
        b.extend((values.len() as u32).to_le_bytes());
        b.extend(65u16.to_le_bytes());
        b.extend(21u16.to_le_bytes());
        b.extend([0u8; 17]);
        b.push(ldid);
        b.extend([0u8; 2]);
        let mut name = b"NAME".to_vec();
        name.resize(11, 0);
        b.extend(name);
        b.push(b'C');
        b.extend([0u8; 4]);
        b.extend([20u8, 0]);
        b.extend([0u8; 14]);
        b.push(0x0D);
        for v in values {
            b.push(b' ');
            let mut cell = v.to_vec();
            cell.resize(20, b' ');
            b.extend(cell);
        }
        b.push(0x1A);
        b
    }

    #[test]
    fn dbf_text_is_decoded_as_the_cpg_or_the_bytes_say() {
        let name = |d: &[u8], cpg: Option<&str>| read_dbf(d, cpg).unwrap().0[0]["NAME"].as_str().unwrap().to_string();
        // UTF-8 without a .cpg or code page mark (QGIS's default); Windows-1252 without either.
        assert_eq!(name(&dbf(0, &["Ynys Môn".as_bytes()]), None), "Ynys Môn");
        assert_eq!(name(&dbf(0, &[b"Caf\xe9"]), None), "Café");
        // Marked Windows-1252 (LDID 0x57, as ArcGIS writes); a .cpg saying so.
        assert_eq!(name(&dbf(0x57, &[b"Caf\xe9"]), None), "Café");
        assert_eq!(name(&dbf(0, &[b"Caf\xe9"]), Some("1252")), "Café");
        // A .cpg saying UTF-8 over a text cut inside a character: read, not refused.
        assert!(name(&dbf(0, &[b"Caf\xc3"]), Some("UTF-8")).starts_with("Caf"));
        let (rows, declared) = read_dbf(&dbf(0, &[b"A", b"B"]), None).unwrap();
        assert_eq!((rows.len(), declared), (2, 2));
    }
}
