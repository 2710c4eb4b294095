//! Downloads: the equity table and the match-report buckets as CSV (cells that a spreadsheet would
//! run as a formula are neutralised), and the joined table as Parquet.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};

use crate::engine::analysis::{Analysis, AreaRow};
use crate::engine::error::Result;

/// A cell made safe for spreadsheets: text starting with `=`, `+`, `-`, `@`, tab or carriage return
/// gets a leading apostrophe, so Excel or Sheets shows it instead of evaluating it. Plain numbers
/// (`-5`, `+3.2`) are left as they are.
///
/// ```
/// use equimap::engine::analysis::export::neutralise;
/// assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(neutralise("-5"), "-5");
/// assert_eq!(neutralise("Rogers Park"), "Rogers Park");
/// ```
pub fn neutralise(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn csv_of(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("in-memory write");
    for r in rows {
        w.write_record(r.iter().map(|c| neutralise(c))).expect("in-memory write");
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("UTF-8 in, UTF-8 out")
}

fn num(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// An area's significance as its JSON word (`above`, `below`, `not_distinguishable`).
fn significance_text(r: &AreaRow) -> Option<String> {
    r.significance.and_then(|s| serde_json::to_value(s).ok()).and_then(|v| v.as_str().map(str::to_string))
}

/// The equity table as CSV, one line per area.
pub fn areas_csv(a: &Analysis) -> String {
    csv_of(
        &[
            "code",
            "name",
            "supply",
            "denominator",
            "rate_per_1000",
            "location_quotient",
            "disparity_pp",
            "need",
            "need_quintile",
            "small_denominator",
            "rows",
            "supply_ci95_lo",
            "supply_ci95_hi",
            "rate_per_1000_ci95_lo",
            "rate_per_1000_ci95_hi",
            "rate_ratio_rest",
            "rate_ratio_rest_ci95_lo",
            "rate_ratio_rest_ci95_hi",
            "significance",
            "rate_moe90",
            "unreliable_denominator",
            "access_lon",
            "access_lat",
            "nearest_km",
            "access_2sfca",
        ],
        a.areas.iter().map(|r| {
            vec![
                r.code.clone(),
                r.name.clone(),
                r.supply.to_string(),
                num(r.denominator),
                num(r.rate_per_1000),
                num(r.location_quotient),
                num(r.disparity_pp),
                num(r.need),
                r.need_quintile.map(|q| q.to_string()).unwrap_or_default(),
                r.small_denominator.to_string(),
                r.rows.to_string(),
                num(r.supply_ci95.map(|c| c[0])),
                num(r.supply_ci95.map(|c| c[1])),
                num(r.rate_per_1000_ci95.map(|c| c[0])),
                num(r.rate_per_1000_ci95.map(|c| c[1])),
                num(r.rate_ratio_rest),
                num(r.rate_ratio_rest_ci95.map(|c| c[0])),
                num(r.rate_ratio_rest_ci95.map(|c| c[1]).filter(|x| x.is_finite())),
                significance_text(r).unwrap_or_default(),
                num(r.rate_moe90),
                r.unreliable_denominator.to_string(),
                num(r.access_point.map(|p| p[0])),
                num(r.access_point.map(|p| p[1])),
                num(r.nearest_km),
                num(r.access_2sfca),
            ]
        }),
    )
}

/// Unmatched rows as CSV (line, value, reason).
pub fn unmatched_csv(a: &Analysis) -> String {
    csv_of(
        &["line", "value", "reason"],
        a.unmatched_rows.iter().map(|r| vec![r.line.to_string(), r.value.clone(), r.reason.describe().to_string()]),
    )
}

/// The rows a cross-check found the two ways place in different areas, as CSV: the file's line,
/// what the other way read, the area the chosen way gives and the other way's.
pub fn disagreeing_csv(check: &crate::engine::analysis::evidence::CrossCheck) -> String {
    csv_of(
        &["line", "other_value", "area_code", "other_area_code"],
        check.rows.iter().map(|d| vec![d.line.to_string(), d.value.clone(), d.area.clone(), d.other_area.clone()]),
    )
}

/// Matched rows as CSV: the file's line, the area's code and name, then every column of the row.
pub fn matched_csv(a: &Analysis, table: &crate::engine::table::Table, codes: &[String], names: &[String]) -> String {
    let cols = table.column_names();
    let mut header = vec!["line".to_string(), "area_code".into(), "area_name".into()];
    header.extend(cols.iter().cloned());
    let views: Vec<_> = (0..cols.len()).filter_map(|c| crate::engine::table::Column::of(table.batch.column(c))).collect();
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_of(
        &hdr,
        a.matched_rows.iter().map(|&(i, area)| {
            let i = i as usize;
            let mut r = vec![table.lines.get(i).to_string(), codes[area as usize].clone(), names[area as usize].clone()];
            r.extend(views.iter().map(|v| v.text(i).map(|s| s.into_owned()).unwrap_or_default()));
            r
        }),
    )
}

/// Excluded rows as CSV (line).
pub fn excluded_csv(a: &Analysis) -> String {
    csv_of(&["line"], a.excluded_lines.iter().map(|l| vec![l.to_string()]))
}

/// Rejected rows as CSV (line, reason).
pub fn rejected_csv(a: &Analysis) -> String {
    csv_of(&["line", "reason"], a.rejected_rows.iter().map(|r| vec![r.line.to_string(), r.reason.clone()]))
}

/// A float column of the equity table: its name and how each row gives it.
type FloatColumn = (&'static str, fn(&AreaRow) -> Option<f64>);

/// A true/false column of the equity table.
type FlagColumn = (&'static str, fn(&AreaRow) -> bool);

/// The equity table's float columns, in order after `code` and `name`.
const FLOAT_COLUMNS: &[FloatColumn] = &[
    ("supply", |x| Some(x.supply)),
    ("denominator", |x| x.denominator),
    ("rate_per_1000", |x| x.rate_per_1000),
    ("location_quotient", |x| x.location_quotient),
    ("disparity_pp", |x| x.disparity_pp),
    ("need", |x| x.need),
    ("rate_ratio_rest", |x| x.rate_ratio_rest),
    ("rate_ratio_rest_ci95_lo", |x| x.rate_ratio_rest_ci95.map(|c| c[0])),
    ("rate_ratio_rest_ci95_hi", |x| x.rate_ratio_rest_ci95.map(|c| c[1]).filter(|v| v.is_finite())),
    ("supply_ci95_lo", |x| x.supply_ci95.map(|c| c[0])),
    ("supply_ci95_hi", |x| x.supply_ci95.map(|c| c[1])),
    ("rate_per_1000_ci95_lo", |x| x.rate_per_1000_ci95.map(|c| c[0])),
    ("rate_per_1000_ci95_hi", |x| x.rate_per_1000_ci95.map(|c| c[1])),
    ("rate_moe90", |x| x.rate_moe90),
    ("access_lon", |x| x.access_point.map(|p| p[0])),
    ("access_lat", |x| x.access_point.map(|p| p[1])),
    ("nearest_km", |x| x.nearest_km),
    ("access_2sfca", |x| x.access_2sfca),
];

/// The equity table as Parquet: `code`, `name`, the float columns (supply to `access_2sfca`),
/// `need_quintile`, `small_denominator`, `unreliable_denominator` and `significance`.
pub fn areas_parquet(a: &Analysis) -> Result<Vec<u8>> {
    let r = &a.areas;
    let mut fields = vec![Field::new("code", DataType::Utf8, true), Field::new("name", DataType::Utf8, true)];
    let mut cols: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(r.iter().map(|x| x.code.as_str()))),
        Arc::new(StringArray::from_iter_values(r.iter().map(|x| x.name.as_str()))),
    ];
    for &(name, value) in FLOAT_COLUMNS {
        fields.push(Field::new(name, DataType::Float64, true));
        cols.push(Arc::new(r.iter().map(value).collect::<Float64Array>()));
    }
    fields.push(Field::new("need_quintile", DataType::UInt64, true));
    cols.push(Arc::new(r.iter().map(|x| x.need_quintile.map(u64::from)).collect::<UInt64Array>()));
    let flags: [FlagColumn; 2] = [("small_denominator", |x| x.small_denominator), ("unreliable_denominator", |x| x.unreliable_denominator)];
    for (name, value) in flags {
        fields.push(Field::new(name, DataType::Boolean, true));
        cols.push(Arc::new(r.iter().map(|x| Some(value(x))).collect::<BooleanArray>()));
    }
    fields.push(Field::new("significance", DataType::Utf8, true));
    cols.push(Arc::new(r.iter().map(significance_text).collect::<StringArray>()));
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)?;
    crate::engine::ingest::parquet::write_parquet_as(&batch, parquet::basic::Compression::UNCOMPRESSED)
}
