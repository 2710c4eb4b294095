//! Spreadsheets given to the command line: a funder's workbook (`tests/fixtures/arts_council_grants.xlsx`,
//! written by `scripts/workbook_fixture.py` from the Arts Council CSV with openpyxl: an empty cover
//! sheet, title rows above the header, one merged, a formula column without cached values, dates)
//! analyses exactly as the CSV it came from; ONS's own workbook is read below its title rows.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use equimap::engine::ingest::read_file;
use equimap::engine::ingest::typing::infer::ColumnKind;
use equimap::engine::ingest::workbook::sheet_as_csv;
use equimap::engine::view::{Filter, Supply};
use equimap::engine::{analyze, View};

const MONEY: &str = "2023-26 Annual Funding (Offered 4 Nov 2022)";

fn fixture() -> Vec<u8> {
    std::fs::read(common::repo().join("tests/fixtures/arts_council_grants.xlsx")).unwrap()
}

fn view() -> View {
    View {
        supply: Supply::parse(&format!("sum:{MONEY}")).unwrap(),
        filters: vec![Filter::Equals { column: "ONS region".into(), values: vec!["West Midlands".into()] }],
        ..View::default()
    }
}

#[test]
fn a_funders_workbook_analyses_as_the_csv_it_came_from() {
    let areas = common::west_midlands();
    let csv = std::fs::read(common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv")).unwrap();
    let from_csv = analyze(&areas, &read_file("grants.csv", csv, None).unwrap(), &view()).unwrap();
    let ing = read_file("grants.xlsx", fixture(), None).unwrap();
    let from_xlsx = analyze(&areas, &ing, &view()).unwrap();
    common::assert_identity(&from_xlsx);
    // The README's figure, by hand from the CSV: £56,112,217 over 93 organisations.
    assert_eq!(from_xlsx.summary.supply_total, 56_112_217.0);
    assert_eq!(from_xlsx.rows.matched, 93);
    assert_eq!(from_xlsx.areas, from_csv.areas);
    assert_eq!(from_xlsx.rows, from_csv.rows);
    // Dates are dates; the formula column (no cached values) is blank, not an error.
    let kind = |n: &str| ing.report.columns.iter().find(|c| c.name == n).unwrap().kind;
    assert_eq!(kind("Offer date"), ColumnKind::Date);
    assert_eq!(ing.table.column("Annual x3 (formula)").unwrap().text(0), None);
}

#[test]
fn the_header_is_found_below_title_rows_and_lines_are_the_sheets_rows() {
    let text = sheet_as_csv("grants.xlsx", &fixture(), None).unwrap();
    assert_eq!(text.sheets, ["Cover", "Grants", "Notes"]);
    assert_eq!((text.sheet.as_str(), text.header_row), ("Grants", 4));
    let ing = read_file("grants.xlsx", fixture(), None).unwrap();
    assert_eq!(ing.report.columns[0].name, "Applicant Name");
    assert_eq!(ing.report.columns[1].name, "Type of organisation (NPO/IPSO/Transfer)");
    // The first organisation is on row 5 of the sheet, and messages say so.
    assert_eq!(ing.table.lines.get(0), 5);
    assert_eq!(ing.table.file, "grants.xlsx [Grants]");
    // Another sheet by name; a sheet that is not there is named with the ones that are.
    let notes = read_file("grants.xlsx", fixture(), Some("Notes")).unwrap();
    assert_eq!(notes.report.rows_in, 1);
    let err = read_file("grants.xlsx", fixture(), Some("Totals")).unwrap_err().to_string();
    assert!(err.contains("no sheet \"Totals\"") && err.contains("Cover, Grants, Notes"), "{err}");
    let err = read_file("grants.xlsx", b"PK\x03\x04 not really a workbook".to_vec(), None).unwrap_err().to_string();
    assert!(err.contains("grants.xlsx") && err.contains("not a spreadsheet"), "{err}");
}

#[test]
fn an_ons_workbook_is_read_below_its_title_rows() {
    let bytes = std::fs::read(common::shared().join("west-midlands/census/datadownload.xlsx")).unwrap();
    let text = sheet_as_csv("datadownload.xlsx", &bytes, Some("Population change")).unwrap();
    // Rows 1-5 are the title, the source and the release date; the header is row 6.
    assert_eq!(text.header_row, 6);
    let ing = read_file("datadownload.xlsx", bytes, Some("Population change")).unwrap();
    let (code, pop) = (ing.table.column("Area code [note 2]").unwrap(), ing.table.column("All persons, 2021").unwrap());
    let birmingham = (0..ing.table.num_rows()).find(|&i| code.text(i).as_deref() == Some("E08000025")).unwrap();
    // The workbook's own figure (rounded to 100), as the site's districts carry it.
    assert_eq!(pop.number(birmingham), Some(1_144_900.0));
}
