//! Boundaries as a table: a CSV/TSV export with one row per area and a column of polygons as
//! WKT — `MULTIPOLYGON (((…)))`, as the City of Chicago's and other Socrata portals write
//! `the_geom`, ArcGIS and QGIS write `WKT` or `geometry` — read into the features of a level.
//! The other columns are the features' properties (numbers as numbers).

use geo::MultiPolygon;
use serde_json::Value;

use super::own_properties::Props;
use crate::engine::table::Column;

/// Whether a cell holds a polygon as (E)WKT: `POLYGON`, `MULTIPOLYGON` or `GEOMETRYCOLLECTION`,
/// any case, after an optional `SRID=n;`.
pub fn is_wkt_polygon(cell: &str) -> bool {
    let upper = wkt_body(cell).trim_start().to_ascii_uppercase();
    ["POLYGON", "MULTIPOLYGON", "GEOMETRYCOLLECTION"].iter().any(|k| upper.starts_with(k))
}

/// A cell without its EWKT `SRID=n;` prefix.
fn wkt_body(cell: &str) -> &str {
    let t = cell.trim_start();
    match t.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("srid=") => t.split_once(';').map_or(t, |(_, rest)| rest),
        _ => t,
    }
}

/// The areas of a table of boundaries: each row's properties and polygons.
#[derive(Debug)]
pub struct TableFeatures {
    /// Each row kept: its cells but the geometry's, and its polygons.
    pub features: Vec<(Props, MultiPolygon<f64>)>,
    /// A line for each row left out (unreadable, no geometry, or one that is not a polygon).
    pub problems: Vec<String>,
}

/// Features of a table of boundaries `file`: each row's properties and polygons, and a line for
/// each row left out (no geometry, or one that is not a polygon). Fails when no column holds WKT
/// polygons, or the file cannot be read as a table.
pub fn table_features(file: &str, bytes: &[u8]) -> Result<TableFeatures, String> {
    let read = crate::engine::read_csv(file, bytes).map_err(|e| e.to_string())?;
    let table = &read.table;
    let names = table.column_names();
    let columns: Vec<Column> = names.iter().filter_map(|n| table.column(n).ok()).collect();
    let geometry = geometry_column(&columns, table.num_rows()).ok_or_else(|| {
        format!(
            "not GeoJSON or TopoJSON, and no column holds polygons as WKT (POLYGON ((…)) or MULTIPOLYGON (((…)))), so it is not boundaries (columns: {})",
            names.join(", ")
        )
    })?;
    let mut problems: Vec<String> = read.report.rejected.iter().map(|r| format!("line {}: {}, left out", r.line, r.reason)).collect();
    let mut out = Vec::with_capacity(table.num_rows());
    for row in 0..table.num_rows() {
        let line = table.lines.get(row);
        let cell = columns[geometry].text(row).unwrap_or_default();
        match polygons_of(&cell) {
            Ok(shape) if !shape.0.is_empty() => out.push((properties(&names, &columns, geometry, row), shape)),
            Ok(_) => problems.push(format!("line {line}: no polygon in {}, left out", names[geometry])),
            Err(e) => problems.push(format!("line {line}: {} is not a WKT polygon ({e}), left out", names[geometry])),
        }
    }
    Ok(TableFeatures { features: out, problems })
}

/// The first column whose non-blank cells are at least half WKT polygons.
fn geometry_column(columns: &[Column], rows: usize) -> Option<usize> {
    columns.iter().position(|c| {
        c.is_text() && {
            let cells: Vec<_> = (0..rows).filter_map(|r| c.text(r)).filter(|t| !t.trim().is_empty()).collect();
            let polygons = cells.iter().filter(|t| is_wkt_polygon(t)).count();
            polygons > 0 && polygons * 2 >= cells.len()
        }
    })
}

/// A cell's polygons (of a GeometryCollection, its polygons; blank: none).
fn polygons_of(cell: &str) -> Result<MultiPolygon<f64>, String> {
    use wkt::TryFromWkt;
    if cell.trim().is_empty() {
        return Ok(MultiPolygon(vec![]));
    }
    let g = geo::Geometry::<f64>::try_from_wkt_str(wkt_body(cell)).map_err(|e| e.to_string())?;
    Ok(MultiPolygon(polygons(g)))
}

fn polygons(g: geo::Geometry<f64>) -> Vec<geo::Polygon<f64>> {
    match g {
        geo::Geometry::Polygon(p) => vec![p],
        geo::Geometry::MultiPolygon(m) => m.0,
        geo::Geometry::GeometryCollection(c) => c.0.into_iter().flat_map(polygons).collect(),
        _ => vec![],
    }
}

/// Row `row`'s cells but the geometry's, as JSON: numbers as numbers, text as text, blanks left out.
fn properties(names: &[String], columns: &[Column], geometry: usize, row: usize) -> Props {
    let mut p = Props::new();
    for (k, (name, c)) in names.iter().zip(columns).enumerate() {
        if k == geometry || c.is_null(row) {
            continue;
        }
        let value = match (c.is_text(), c.number(row).and_then(serde_json::Number::from_f64)) {
            (false, Some(n)) => Value::Number(n),
            _ => Value::String(c.text(row).unwrap_or_default().into_owned()),
        };
        p.insert(name.clone(), value);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socrata_style_export_gives_its_rows_as_features() {
        let csv = "the_geom,WARD,SHAPE_Area,name\n\
            \"MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)))\",1,1.5,North\n\
            \"SRID=4326;POLYGON((1 0,2 0,2 1,1 1,1 0))\",2,2.5,South\n\
            ,3,0,Nowhere\n\
            \"POLYGON ((1 0, 2 0\",4,0,Broken\n\
            \"POINT (5 5)\",5,0,Point\n";
        let TableFeatures { features, problems } = table_features("wards.csv", csv.as_bytes()).unwrap();
        assert_eq!(features.len(), 2);
        assert_eq!(features[0].0["WARD"], serde_json::json!(1.0));
        assert_eq!(features[1].0["name"], "South");
        assert!(!features[0].0.contains_key("the_geom"));
        assert_eq!(features[1].1 .0[0].exterior().0[1], geo::Coord { x: 2.0, y: 0.0 });
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("line 4: no polygon in the_geom"), "{problems:?}");
        assert!(problems[1].starts_with("line 5: the_geom is not a WKT polygon"), "{problems:?}");
        assert!(problems[2].starts_with("line 6: no polygon in the_geom"), "{problems:?}");
        let e = table_features("rates.csv", b"code,rate\nA,1\n").unwrap_err();
        assert!(e.contains("no column holds polygons as WKT") && e.contains("code, rate"), "{e}");
    }
}
