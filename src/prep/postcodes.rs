//! A region's postcode table (`postcodes.parquet`, read by
//! [`crate::engine::placement::postcode::PostcodeTable`]): every postcode of the given lists
//! (`Postcode,lat,long`, as NSPL extracts have them) placed by point in polygon on the
//! full-resolution boundaries of the region's finest level, and through each area's parents at
//! the other levels. Postcodes with no grid reference (an empty latitude, or 0,0) are kept as
//! unlocated, never placed at (0, 0).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, DictionaryArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use geo::{BoundingRect, Intersects, MultiPolygon, Point};

use super::{input_err, read_raw_csv, write, PrepError, Result};
use crate::engine::ingest::parquet;

/// The finest level's areas: code and full-resolution polygon, and each area's code at the other
/// levels (level id → code per area, same order).
pub struct FinestLevel {
    /// The level's id (a column of the table).
    pub id: String,
    /// Area codes.
    pub codes: Vec<String>,
    /// Polygons, same order.
    pub shapes: Vec<MultiPolygon<f64>>,
    /// Other levels: id and the code of each area's parent there.
    pub parents: Vec<(String, Vec<String>)>,
}

/// Cells of the grid index, in degrees.
const CELL: f64 = 0.02;

/// Areas whose bounding boxes meet each grid cell, so a point is tested against a few polygons.
struct GridIndex {
    cells: HashMap<(i32, i32), Vec<usize>>,
}

impl GridIndex {
    fn new(shapes: &[MultiPolygon<f64>]) -> Self {
        let mut cells: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
        for (i, s) in shapes.iter().enumerate() {
            let Some(b) = s.bounding_rect() else { continue };
            for x in cell(b.min().x)..=cell(b.max().x) {
                for y in cell(b.min().y)..=cell(b.max().y) {
                    cells.entry((x, y)).or_default().push(i);
                }
            }
        }
        GridIndex { cells }
    }

    /// The first area (in code order) containing the point.
    fn locate(&self, shapes: &[MultiPolygon<f64>], lon: f64, lat: f64) -> Option<usize> {
        let p = Point::new(lon, lat);
        self.cells.get(&(cell(lon), cell(lat)))?.iter().copied().find(|&i| shapes[i].intersects(&p))
    }
}

fn cell(d: f64) -> i32 {
    (d / CELL).floor() as i32
}

/// One postcode of the lists.
struct Row {
    postcode: String,
    point: Option<(f64, f64)>,
}

/// Reads the lists: `Postcode`, `lat`, `long` (a postcode without a latitude, or at 0,0, has no
/// grid reference).
fn read_lists(paths: &[PathBuf]) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for path in paths {
        let raw = read_raw_csv(path)?;
        let t = &raw.table;
        let c = |n: &str| t.column(n).map_err(|e| input_err(path, e));
        let (pc, lat, lon) = (c("Postcode")?, c("lat")?, c("long")?);
        for i in 0..t.num_rows() {
            let Some(text) = pc.text(i) else { continue };
            let crate::engine::placement::postcode::Reading::Postcode(postcode) = crate::engine::placement::postcode::read_postcode(&text)
            else {
                return Err(input_err(path, format!("line {}: \"{text}\" is not a postcode", i + 2)));
            };
            let point = match (lat.number(i), lon.number(i)) {
                (Some(a), Some(o)) if !(a == 0.0 && o == 0.0) => Some((a, o)),
                _ => None,
            };
            rows.push(Row { postcode, point });
        }
    }
    rows.sort_by(|a, b| a.postcode.cmp(&b.postcode));
    rows.dedup_by(|a, b| a.postcode == b.postcode);
    Ok(rows)
}

/// Builds `postcodes.parquet` at `out` from the postcode lists and the finest level; returns the
/// number of postcodes.
pub fn build(lists: &[PathBuf], finest: &FinestLevel, out: &Path) -> Result<usize> {
    let rows = read_lists(lists)?;
    let index = GridIndex::new(&finest.shapes);
    let area: Vec<Option<usize>> = rows.iter().map(|r| r.point.and_then(|(lat, lon)| index.locate(&finest.shapes, lon, lat))).collect();
    let dict = |codes: &[String]| -> ArrayRef {
        let values: Vec<Option<&str>> = area.iter().map(|a| a.map(|i| codes[i].as_str())).collect();
        Arc::new(values.into_iter().collect::<DictionaryArray<arrow_array::types::Int16Type>>())
    };
    let dict_type = DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8));
    let mut fields = vec![Field::new("postcode", DataType::Utf8, false), Field::new("located", DataType::Boolean, false)];
    let mut arrays: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.postcode.as_str()))),
        Arc::new(BooleanArray::from(rows.iter().map(|r| r.point.is_some()).collect::<Vec<_>>())),
    ];
    fields.push(Field::new(&finest.id, dict_type.clone(), true));
    arrays.push(dict(&finest.codes));
    for (id, codes) in &finest.parents {
        fields.push(Field::new(id, dict_type.clone(), true));
        arrays.push(dict(codes));
    }
    let failed = |e: String| PrepError::Output { path: out.display().to_string(), reason: e };
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| failed(e.to_string()))?;
    write(out, &parquet::write_parquet(&batch).map_err(|e| failed(e.to_string()))?)?;
    Ok(rows.len())
}
