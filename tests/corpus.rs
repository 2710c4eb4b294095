//! More awkward inputs, each with its exact outcome: what a stranger's file may look like.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use equimap::engine::analysis::export::neutralise;
use equimap::engine::{analyze, read_any, read_csv, View};

fn rows(bytes: &[u8]) -> (usize, usize, usize) {
    let ing = read_csv("c.csv", bytes).unwrap();
    (ing.report.rows_in, ing.table.num_rows(), ing.report.rejected.len())
}

#[test]
fn line_endings_and_trailing_delimiters() {
    assert_eq!(rows(b"a,b\r\n1,2\r\n3,4"), (2, 2, 0), "CRLF, no final newline");
    assert_eq!(rows(b"a,b\r1,2\r3,4\r"), (2, 2, 0), "old Mac CR line ends");
    assert_eq!(rows(b"a,b\n1,2\r\n3,4\r5,6\n"), (3, 3, 0), "mixed line ends");
    assert_eq!(rows(b"a,b,\n1,2,\n3,4,\n"), (2, 2, 0), "trailing delimiter on every line (empty third header)");
    assert_eq!(rows(b"a,b\n1,2\n   \n,\n3,4\n\n\n"), (2, 2, 0), "blank and comma-only lines are not rows");
    assert_eq!(read_csv("c.csv", b"a,b\n1,2\n,\n").unwrap().report.blank_rows, 1);
}

#[test]
fn quoted_headers_and_quotes_inside_fields() {
    let ing = read_csv("q.csv", b"\"Program Name\",\"Geographic\nCluster Name\"\n\"Chess \"\"Club\"\"\",AUSTIN\n").unwrap();
    assert_eq!(ing.table.column_names(), vec!["Program Name", "Geographic Cluster Name"]);
    assert_eq!(ing.table.column("Program Name").unwrap().text(0).as_deref(), Some("Chess \"Club\""));
}

#[test]
fn files_that_are_not_tables() {
    // Binary files named .csv say what they are.
    let e = read_csv("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap_err().to_string();
    assert_eq!(e, "image.csv: this is a PNG image, not a text table; export it as CSV (or Parquet) and drop that");
    let e = read_csv("book.csv", b"PK\x03\x04\x14\x00\x06\x00").unwrap_err().to_string();
    assert!(e.contains("Excel .xlsx"), "{e}");
    let e = read_csv("x.csv.gz", b"\x1f\x8b\x08\x00").unwrap_err().to_string();
    assert!(e.contains("gzip"), "{e}");
    // Parquet bytes named .csv are read as Parquet by the app's reader.
    let good = std::fs::read(common::data().join("west-midlands/lad/areas.parquet")).unwrap();
    assert_eq!(read_any("areas.csv", good).unwrap().table.num_rows(), 30);
    // JSON named .csv: one column of text, which no region recognises.
    let json = b"[{\"community\": \"AUSTIN\"},\n{\"community\": \"LOOP\"}]\n";
    let ing = read_csv("data.csv", json).unwrap();
    let e = analyze(&common::chicago(), &ing, &View::default()).unwrap_err().to_string();
    assert!(e.starts_with("data.csv: no column of area names or codes"), "{e}");
    // A Parquet name on an empty file.
    let e = read_any("empty.parquet", vec![]).unwrap_err().to_string();
    assert!(e.contains("does not start with the Parquet magic bytes"), "{e}");
}

#[test]
fn numbers_with_spaces_and_signs_stay_honest() {
    let ing = read_csv("n.csv", b"a,b,c\n1 234,+5,-0\n2,6,0\n").unwrap();
    let t = &ing.table;
    assert_eq!(t.column("a").unwrap().text(0).as_deref(), Some("1 234"), "space-grouped numbers are kept as text");
    assert_eq!(t.column("b").unwrap().number(0), Some(5.0));
    assert_eq!(t.column("c").unwrap().number(0), Some(0.0));
}

#[test]
fn spreadsheet_formulas_are_neutralised_on_export() {
    for (cell, out) in [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("-12.5", "-12.5"),
        ("Rogers Park", "Rogers Park"),
    ] {
        assert_eq!(neutralise(cell), out);
    }
    let areas = common::chicago();
    let ing = read_csv("f.csv", b"program_id,community_name\n1,=HYPERLINK(\"http://x\")\n2,AUSTIN\n").unwrap();
    let a = analyze(&areas, &ing, &View { area_column: "community_name".into(), ..View::default() }).unwrap();
    let csv = equimap::engine::analysis::export::unmatched_csv(&a);
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
}

#[test]
fn many_rows_of_one_column() {
    let mut s = String::from("community_name\n");
    for _ in 0..50_000 {
        s.push_str("AUSTIN\n");
    }
    let ing = read_csv("one.csv", s.as_bytes()).unwrap();
    let a = analyze(&common::chicago(), &ing, &View::default()).unwrap();
    assert_eq!((a.rows.rows_in, a.rows.matched, a.summary.supply_total), (50_000, 50_000, 50_000.0), "no id column: every row counts");
    assert_eq!(a.resolved.supply, "rows");
}

#[test]
fn a_file_of_area_indicators_is_joined_by_code() {
    let areas = common::chicago();
    let ing = read_csv("libraries.csv", b"area,libraries,label\n32,5,x\n25,2,y\nAUSTIN_TYPO,9,z\n").unwrap();
    assert!(areas.with_extra(&ing.table).is_none(), "too few rows match an area to be an indicator file");
    let ing = read_csv("libraries.csv", b"area,libraries,label\n32,5,x\n25,2,y\n8,1,z\n9,0,w\nnowhere,3,v\n").unwrap();
    let (more, extra) = areas.with_extra(&ing.table).unwrap();
    assert_eq!(
        (extra.key_column.as_str(), extra.added.clone(), extra.unknown_keys.clone()),
        ("area", vec!["libraries".to_string()], vec!["nowhere".to_string()])
    );
    assert_eq!(more.values["libraries"][more.by_code("32").unwrap()], Some(5.0));
    assert_eq!(more.values["libraries"][more.by_code("1").unwrap()], None);
    // Usable as the denominator of an analysis.
    let programs = read_csv("p.csv", b"program_id,community_name\n1,LOOP\n2,LOOP\n3,AUSTIN\n").unwrap();
    let a = analyze(&more, &programs, &View { denominator: "libraries".into(), ..View::default() }).unwrap();
    let loop_row = a.areas.iter().find(|r| r.code == "32").unwrap();
    assert_eq!(loop_row.rate_per_1000, Some(1000.0 * 2.0 / 5.0));
    // A program export (areas repeat) is not an indicator file.
    assert!(areas.with_extra(&programs.table).is_none());
    // What the worker tells the page (and a restarted worker) joins the same indicators without
    // the file: the page's areas and the worker's agree.
    let added = more.added(&extra);
    assert_eq!(added.indicators.len(), 1);
    let again = areas.with_added(&added);
    assert_eq!(again.values["libraries"], more.values["libraries"]);
    assert_eq!(again.level.indicators, more.level.indicators);
    let b = analyze(&again, &programs, &View { denominator: "libraries".into(), ..View::default() }).unwrap();
    assert_eq!(serde_json::to_string(&b.areas).unwrap(), serde_json::to_string(&a.areas).unwrap());
    // Values that do not cover every area (another level's) are not joined.
    let mut short = added.clone();
    short.indicators[0].1.pop();
    assert!(!areas.with_added(&short).values.contains_key("libraries"));
}

#[test]
fn a_field_boundary_inside_a_multibyte_character_is_rejected_not_a_crash() {
    // Found by scripts/fuzz.sh: the record as a whole is valid UTF-8 ("\xC2\x80" and
    // "\xE1\x80\x80"), but the `;` splits the first character between two fields.
    let bytes = [0, 59, 10, 1, 194, 59, 128, 1, 225, 128, 128];
    let ing = read_csv("split.csv", &bytes).unwrap();
    assert_eq!((ing.report.rows_in, ing.table.num_rows()), (1, 0));
    assert!(ing.report.rejected[0].reason.starts_with("column 1: not valid UTF-8"), "{:?}", ing.report.rejected);
}

#[test]
fn a_note_names_an_area_attribute_that_rows_disagree_on_with_at_most_five_names() {
    let areas = common::chicago();
    let names: Vec<String> = areas.names.iter().take(40).cloned().collect();
    // "priority" is one value per area but in 7 of 40 areas; "kind" varies within every area.
    let mut csv = String::from("program_id,community_name,priority,kind\n");
    for (a, name) in names.iter().enumerate() {
        for k in 0..2 {
            // The second row of each of the first 7 areas says the opposite of the first.
            let priority = if (a % 2 == 0) != (a < 7 && k == 1) { "priority place" } else { "standard" };
            csv.push_str(&format!("{},{name},{priority},{}\n", a * 10 + k, ["online", "in person"][k]));
        }
    }
    let ing = read_csv("flags.csv", csv.as_bytes()).unwrap();
    let a = analyze(&areas, &ing, &View::default()).unwrap();
    let flag_notes: Vec<&String> = a.notes.iter().filter(|n| n.contains("differs between rows")).collect();
    assert_eq!(flag_notes.len(), 1, "{:?}", a.notes);
    let n = flag_notes[0];
    assert!(n.starts_with("\"priority\" differs between rows of 7 area(s): "), "{n}");
    assert!(n.ends_with(" and 2 more."), "{n}");
    assert_eq!(n.matches(", ").count(), 4, "five names: {n}");
    // Both columns are still reported as flags, with every inconsistent area.
    let kind = a.flags.iter().find(|f| f.column == "kind").unwrap();
    assert_eq!(kind.inconsistent.len(), 40);
}
