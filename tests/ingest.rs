//! Ingest quirks of real exports, each with the exact outcome asserted, and the row-accounting
//! identity `in = rejected + excluded + unmatched + matched` on every fixture.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use equimap::engine::ingest::typing::infer::ColumnKind;
use equimap::engine::{analyze, read_any, read_csv, EngineError, View};

fn kinds(bytes: &[u8]) -> Vec<(String, ColumnKind)> {
    read_csv("t.csv", bytes).unwrap().report.columns.iter().map(|c| (c.name.clone(), c.kind)).collect()
}

fn cell(bytes: &[u8], col: &str, row: usize) -> Option<String> {
    let ing = read_csv("t.csv", bytes).unwrap();
    ing.table.column(col).unwrap().text(row).map(|s| s.into_owned())
}

#[test]
fn empty_and_header_only_files_say_so() {
    let e = read_csv("empty.csv", b"").unwrap_err();
    assert_eq!(e.to_string(), "empty.csv: the file is empty");
    let e = read_csv("h.csv", b"a,b,c\n").unwrap_err();
    assert_eq!(e.to_string(), "h.csv: only a header row (3 columns), no data rows");
    let e = read_csv("bom.csv", b"\xEF\xBB\xBFa,b\r\n").unwrap_err();
    assert!(matches!(e, EngineError::EmptyInput { .. }), "{e}");
    let e = read_csv("blank.csv", b"\n\n  \n").unwrap_err();
    assert_eq!(e.to_string(), "blank.csv: the file is empty");
}

#[test]
fn ragged_rows_are_rejected_with_line_and_reason() {
    let ing = read_csv("r.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12,,\nSource: a footnote\n").unwrap();
    assert_eq!(ing.report.rows_in, 5);
    assert_eq!(ing.table.num_rows(), 3, "trailing empty fields are tolerated, and so are missing ones");
    let r: Vec<(u64, &str)> = ing.report.rejected.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(r, vec![(4, "has 4 fields, expected 3 (as in the header)"), (6, "has 1 fields, expected 3 (as in the header)")]);
    assert_eq!((ing.report.short_rows.count, ing.report.short_rows.first_lines.clone()), (1, vec![3]));
    let c = ing.table.column("c").unwrap();
    assert_eq!((c.number(0), c.is_null(1), c.number(2)), (Some(3.0), true, Some(12.0)));
}

/// A writer that leaves out empty last fields (one optional last column, blank in most rows):
/// every row read, the blank ones as blank, and the analysis says which lines were short.
#[test]
fn rows_without_their_empty_last_fields_are_read_and_noted() {
    let mut csv = String::from("Venue,Postcode,lat,lon,note\n");
    for i in 0..30 {
        csv.push_str(&format!("Venue {i},B1 1AA,41.88,-87.63\n"));
    }
    csv.push_str("Last venue,B1 1AA,41.88,-87.63,closed on Mondays\n");
    let ing = read_csv("venues.csv", csv.as_bytes()).unwrap();
    assert_eq!((ing.table.num_rows(), ing.report.rejected.len()), (31, 0));
    assert_eq!((ing.report.short_rows.count, ing.report.short_rows.first_lines.clone()), (30, vec![2, 3, 4, 5, 6]));
    let lat = ing.table.column("lat").unwrap();
    assert_eq!(lat.number(29), Some(41.88), "numbers stay numbers");
    let a = equimap::engine::analyze(&common::chicago(), &ing, &equimap::engine::View::default()).unwrap();
    common::assert_identity(&a);
    assert_eq!(a.rows.matched, 31);
    let note = a.notes.iter().find(|n| n.contains("fewer fields than the header")).expect("a note on the short rows");
    assert_eq!(note, "30 row(s) of venues.csv have fewer fields than the header (line 2, 3, 4, 5, 6 and 25 more): their missing last fields were read as blank.");
}

#[test]
fn unterminated_quote_at_end_is_rejected() {
    let ing = read_csv("q.csv", b"a,b\n1,2\n3,\"never closed\n4,5\n").unwrap();
    assert_eq!(ing.table.num_rows(), 1);
    assert_eq!(ing.report.rejected.len(), 1);
    assert_eq!(ing.report.rejected[0].line, 3);
    assert!(ing.report.rejected[0].reason.contains("never closed"), "{:?}", ing.report.rejected);
}

#[test]
fn quoted_newlines_stay_inside_the_field() {
    let bytes = b"id,text\n1,\"a\rb\"\n2,\"c\nd\"\n3,\"e\r\nf\"\n";
    let ing = read_csv("n.csv", bytes).unwrap();
    assert_eq!(ing.table.num_rows(), 3);
    assert_eq!(cell(bytes, "text", 1).as_deref(), Some("c\nd"));
    assert_eq!(cell(bytes, "text", 2).as_deref(), Some("e\r\nf"));
    // Lines as an editor numbers them: the lone `\r` inside the first quoted field ends line 2.
    assert_eq!(ing.table.lines.iter().collect::<Vec<_>>(), [2, 4, 6]);
}

#[test]
fn nul_bytes_reject_the_row() {
    let ing = read_csv("z.csv", b"a,b\n1,x\x00y\n2,ok\n").unwrap();
    assert_eq!(ing.table.num_rows(), 1);
    assert_eq!(ing.report.rejected[0].reason, "column 2: contains a NUL byte (binary data, not text)");
}

#[test]
fn encodings_are_detected_and_reported() {
    let utf16le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("name,£\nCafé,1\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let ing = read_csv("le.csv", &utf16le).unwrap();
    assert_eq!(ing.report.encoding, "UTF-16 LE");
    assert_eq!(cell(&utf16le, "name", 0).as_deref(), Some("Café"));
    let utf16be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("name,n\nCafé,1\n".encode_utf16().flat_map(u16::to_be_bytes)).collect();
    assert_eq!(read_csv("be.csv", &utf16be).unwrap().report.encoding, "UTF-16 BE");
    let cp1252 = b"name,price\nCaf\xE9,\xA35\n";
    let ing = read_csv("w.csv", cp1252).unwrap();
    assert_eq!(ing.report.encoding, "Windows-1252");
    assert_eq!(cell(cp1252, "name", 0).as_deref(), Some("Café"));
    assert_eq!(ing.table.column("price").unwrap().number(0), Some(5.0));
    // A UTF-8 file with one bad row: that row only is rejected.
    let bad = "name,n\nCafé,1\nBad\u{1},2\n".replace('\u{1}', "");
    let mut bytes = bad.into_bytes();
    bytes.splice(bytes.len() - 3..bytes.len() - 3, [0xFF]);
    let ing = read_csv("u.csv", &bytes).unwrap();
    assert_eq!(ing.report.encoding, "UTF-8");
    assert_eq!(ing.report.rejected.len(), 1);
    assert_eq!(ing.report.rejected[0].line, 3);
    assert!(ing.report.rejected[0].reason.starts_with("column 1: not valid UTF-8"), "{:?}", ing.report.rejected);
}

#[test]
fn delimiters_and_decimal_commas() {
    let semi = b"name;share;amount\nA;6,4;1.234,5\nB;1,0;2\n";
    let ing = read_csv("s.csv", semi).unwrap();
    assert_eq!((ing.report.delimiter.as_str(), ing.report.decimal_comma), ("semicolon", true));
    assert_eq!(ing.table.column("share").unwrap().number(0), Some(6.4));
    assert_eq!(ing.table.column("amount").unwrap().number(0), Some(1234.5));
    let tabs = b"Program Name\tGeographic Cluster Name\nChess\tAUSTIN\n";
    let ing = read_csv("tabs.csv", tabs).unwrap();
    assert_eq!(ing.report.delimiter, "tab");
    assert_eq!(ing.table.column_names(), vec!["Program Name", "Geographic Cluster Name"]);
    assert_eq!(read_csv("p.csv", b"a|b\n1|2\n").unwrap().report.delimiter, "pipe");
}

#[test]
fn duplicate_and_empty_headers_are_renamed() {
    let ing = read_csv("h.csv", b"%,name,%,,name\n1,a,2,3,b\n").unwrap();
    assert_eq!(ing.table.column_names(), vec!["%", "name", "%_2", "column_4", "name_2"]);
}

#[test]
fn huge_fields_and_wide_files() {
    let big = "x".repeat(1 << 20);
    let bytes = format!("id,text\n1,\"{big}\"\n");
    assert_eq!(cell(bytes.as_bytes(), "text", 0).map(|s| s.len()), Some(1 << 20));
    let header: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
    let bytes = format!("{}\n{}\n", header.join(","), row.join(","));
    let ing = read_csv("wide.csv", bytes.as_bytes()).unwrap();
    assert_eq!(ing.report.columns.len(), 10_000);
    assert_eq!(ing.table.column("c9999").unwrap().number(0), Some(9999.0));
}

#[test]
fn numbers_and_dates_as_people_write_them() {
    let bytes = b"money,pct,sci,acct,iso,us,uk,dots,flag\n\"$1,234\",6.4%,1.2e3,(500),2021-05-01,5/1/2021,13/05/2021,1.5.2021,YES\n\" $32,298 \",10%,2,7,2021-06-01,12/31/2021,01/06/2021,2.5.2021,no\n";
    let k = kinds(bytes);
    let kind = |n: &str| k.iter().find(|c| c.0 == n).unwrap().1;
    assert_eq!(kind("money"), ColumnKind::Integer);
    assert_eq!(kind("pct"), ColumnKind::Decimal);
    assert_eq!(kind("sci"), ColumnKind::Decimal);
    assert_eq!(kind("acct"), ColumnKind::Integer);
    for d in ["iso", "us", "uk", "dots"] {
        assert_eq!(kind(d), ColumnKind::Date, "{d}");
    }
    assert_eq!(kind("flag"), ColumnKind::Boolean);
    let ing = read_csv("n.csv", bytes).unwrap();
    let t = &ing.table;
    assert_eq!(t.column("money").unwrap().number(1), Some(32298.0));
    assert_eq!(t.column("acct").unwrap().number(0), Some(-500.0));
    assert_eq!(t.column("sci").unwrap().number(0), Some(1200.0));
    // 13/05/2021 forces day-first for the whole column: 01/06/2021 is 1 June.
    assert_eq!(t.column("uk").unwrap().text(1).as_deref(), Some("2021-06-01"));
    assert_eq!(t.column("us").unwrap().text(0).as_deref(), Some("2021-05-01"));
    assert_eq!(t.column("dots").unwrap().text(1).as_deref(), Some("2021-05-02"));
}

#[test]
fn parquet_failures_are_explained() {
    let e = read_any("x.parquet", b"name,area\nA,B\n".to_vec()).unwrap_err().to_string();
    assert!(e.contains("does not start with the Parquet magic bytes") && e.contains("CSV file"), "{e}");
    let good = std::fs::read(common::data().join("chicago/community_area/areas.parquet")).unwrap();
    let e = read_any("t.parquet", good[..good.len() / 2].to_vec()).unwrap_err().to_string();
    assert!(e.contains("truncated"), "{e}");
    let ing = read_any("areas.parquet", good).unwrap();
    assert_eq!(ing.table.num_rows(), 77);
}

#[test]
fn coordinates_that_are_not_places_are_explained() {
    let areas = common::chicago();
    let csv =
        b"id,latitude,longitude\n1,41.8819,-87.6278\n2,-87.6278,41.8819\n3,0,0\n4,1160000,1900000\n5,,\n6,north,west\n7,40.7128,-74.0060\n";
    let ing = read_csv("pts.csv", csv).unwrap();
    let a = analyze(&areas, &ing, &View::default()).unwrap();
    let reasons: Vec<String> = a.unmatched_rows.iter().map(|r| format!("{}:{:?}", r.line, r.reason)).collect();
    assert_eq!(
        reasons,
        vec![
            "3:SwappedCoordinates",
            "4:NullIsland",
            "5:ProjectedCoordinates",
            "6:NoCoordinates",
            "7:BadCoordinates",
            "8:OutsideBoundingBox"
        ]
    );
    assert_eq!(a.areas.iter().find(|r| r.code == "32").unwrap().supply, 1.0);
    common::assert_identity(&a);
}

#[test]
fn an_all_blank_area_column_leaves_every_row_unmatched() {
    let areas = common::chicago();
    let ing = read_csv("blank.csv", b"id,community_name\n1,\n2,\n").unwrap();
    let view = View { area_column: "community_name".into(), ..View::default() };
    let a = analyze(&areas, &ing, &view).unwrap();
    assert_eq!((a.rows.unmatched, a.rows.matched), (2, 0));
    assert!(a.areas.iter().all(|r| r.supply == 0.0));
    common::assert_identity(&a);
    // With nothing to detect, the message names the columns.
    let e = analyze(&areas, &ing, &View::default()).unwrap_err().to_string();
    assert!(e.contains("blank.csv: no column of area names or codes") && e.contains("id, community_name"), "{e}");
}

#[test]
fn title_case_headers_and_names_with_aliases() {
    let areas = common::chicago();
    let csv = "Program Name,Geographic Cluster Name\nA,The Loop\nB,LOOP\nC,O'Hare\nD,OHARE\nE,Montclaire\nF,Washington Height\nG,Back of the Yards\nH,Little Village\nI,Garfield Park\nJ,Bronzeville\nK,Lincoln Parc\nL,\nM,35\n";
    let ing = read_csv("t.csv", csv.as_bytes()).unwrap();
    let a = analyze(&areas, &ing, &View::default()).unwrap();
    assert_eq!(a.resolved.method, equimap::engine::placement::matching::Method::Column("Geographic Cluster Name".into()));
    let s = |code: &str| a.areas.iter().find(|r| r.code == code).unwrap().supply;
    assert_eq!((s("32"), s("76"), s("18"), s("73"), s("61"), s("30"), s("35")), (2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0));
    let u: Vec<(&str, Vec<String>)> = a.unmatched_values.iter().map(|u| (u.value.as_str(), u.suggestions.clone())).collect();
    assert!(u.contains(&("Garfield Park", vec!["26".into(), "27".into()])), "{u:?}");
    assert!(u.contains(&("Bronzeville", vec!["35".into(), "36".into(), "38".into()])), "{u:?}");
    assert!(u.iter().any(|(v, s)| *v == "Lincoln Parc" && s.first().map(String::as_str) == Some("7")), "{u:?}");
    assert_eq!(a.rows.matched, 9);
    common::assert_identity(&a);
    // The user's assignment of an ambiguous name is honoured.
    let mut view = View::default();
    view.assignments.insert("Garfield Park".into(), "27".into());
    let a = analyze(&areas, &ing, &view).unwrap();
    assert_eq!(a.areas.iter().find(|r| r.code == "27").unwrap().supply, 1.0);
    assert_eq!(a.rows.matched, 10);
}

#[test]
fn arts_council_file_quirks() {
    let bytes = std::fs::read(common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv")).unwrap();
    let ing = read_csv("ac.csv", &bytes).unwrap();
    assert_eq!(ing.report.rows_in, 985);
    assert_eq!(ing.report.blank_rows, 10);
    assert!(ing.report.rejected.is_empty());
    assert!(ing.table.column_names().contains(&"Type of organisation (NPO/IPSO/Transfer)".to_string()));
}

#[test]
fn parquet_with_every_codec_reads_back() {
    use equimap::engine::ingest::parquet::read_parquet;
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
    use parquet::file::properties::WriterProperties;
    let ing = read_csv("src.csv", b"program_id,community_name,capacity,start\n1,AUSTIN,10,2021-05-01\n2,LOOP,,2022-01-02\n").unwrap();
    for codec in [
        Compression::UNCOMPRESSED,
        Compression::SNAPPY,
        Compression::GZIP(GzipLevel::default()),
        Compression::ZSTD(ZstdLevel::default()),
        Compression::LZ4_RAW,
        Compression::LZ4,
        Compression::BROTLI(BrotliLevel::default()),
    ] {
        let mut buf = Vec::new();
        let props = WriterProperties::builder().set_compression(codec).build();
        let mut w = ArrowWriter::try_new(&mut buf, ing.table.batch.schema(), Some(props)).unwrap();
        w.write(&ing.table.batch).unwrap();
        w.close().unwrap();
        let back = read_parquet("p.parquet", buf).unwrap();
        assert_eq!(back.table.batch, ing.table.batch, "{codec:?}");
        let a = analyze(&common::chicago(), &back, &View::default()).unwrap();
        assert_eq!((a.rows.rows_in, a.rows.matched), (2, 2), "{codec:?}");
    }
}

#[test]
fn a_file_over_the_limit_is_refused_with_a_message() {
    // 1.5 GB, made here and never written to disk.
    let big = vec![b'a'; 1_500_000_000];
    let e = read_csv("huge.csv", &big).unwrap_err().to_string();
    assert_eq!(
        e,
        "huge.csv: the file is 1.5 GB; Equimap reads files up to 1.0 GB in the browser. Split it, or use `equimap analyze` natively"
    );
}

/// A sum of money with amounts written as funders write them: signs, codes, thousands
/// separators. What is not a number (or blank) counts 0, and a note says which rows, never
/// silently.
#[test]
fn amounts_that_are_not_numbers_are_named_in_a_note() {
    let csv = "grant,district,amount\n1,Birmingham,\"£5,000\"\n2,Coventry,£250.50\n3,Dudley,\"€1.234,56\"\n4,Walsall,5000 GBP\n5,Wolverhampton,\n";
    let ing = read_csv("grants.csv", csv.as_bytes()).unwrap();
    let view = View { supply: equimap::engine::view::Supply::Sum("amount".into()), ..View::default() };
    let a = analyze(&common::west_midlands(), &ing, &view).unwrap();
    common::assert_identity(&a);
    assert_eq!(a.rows.matched, 5);
    assert_eq!(a.summary.supply_total, 5000.0 + 250.5 + 5000.0);
    let note = a.notes.iter().find(|n| n.starts_with("\"amount\"")).expect("a note on the amounts");
    assert_eq!(
        note,
        "\"amount\": of the 5 counted rows, 1 hold text that is not a number (line 4: \"€1.234,56\"), and 1 are blank: each counts 0 in the sum (fix them in the file, or exclude them with a filter, to change that)."
    );
}
