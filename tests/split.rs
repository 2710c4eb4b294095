//! A large CSV read as two parts (two workers in the browser) gives exactly what one pass gives:
//! the same rows, values, column types, line numbers and rejected rows, whether the parts are
//! joined or the split fell inside a quoted field and the first reader read the rest itself.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use arrow_array::Array;
use arrow_schema::DataType;
use equimap::engine::ingest::read_stream::{read_csv_part, read_csv_stream, read_csv_until};
use equimap::engine::table::Column;
use equimap::engine::Ingested;
use proptest::prelude::*;

/// How a split read ended.
#[derive(Debug, PartialEq, Clone, Copy)]
enum Path {
    /// The file was read in one pass (no record starts after the split, or it was read whole).
    Whole,
    /// The two parts were joined.
    Joined,
    /// The parts did not fit; the first reader read the rest.
    Resumed,
}

/// Reads `bytes` split at `from` as the browser does with two workers, the second part in pieces
/// of `piece` bytes; with `lost`, the pieces from that one on never arrive (the second worker
/// failed) and the first reader reads on from the last piece it joined.
fn read_split_in_pieces(bytes: &[u8], head: usize, from: usize, piece: u64, lost: Option<usize>) -> (Ingested, Path) {
    let size = bytes.len() as u64;
    let mut paused = match read_csv_until("f.csv", size, bytes, head, Some(from as u64)).unwrap() {
        Ok(ing) => return (ing, Path::Whole),
        Err(paused) => paused,
    };
    let mut pieces = Vec::new();
    read_csv_part("f.csv", from as u64, size, &bytes[from - 1..], piece, |p| {
        pieces.push(p);
        Ok(())
    })
    .unwrap();
    assert!(pieces.iter().rev().skip(1).all(|p| p.head.next.is_some()) && pieces.last().unwrap().head.next.is_none());
    pieces.truncate(lost.unwrap_or(usize::MAX));
    for mut p in pieces {
        if paused.misfit(&p.head).is_some() {
            break;
        }
        let columns = std::mem::take(&mut p.columns);
        if paused.append(p, columns).unwrap() {
            return (paused.finish().unwrap(), Path::Joined);
        }
    }
    let at = paused.offset() as usize;
    (paused.resume(&bytes[at..]).unwrap(), Path::Resumed)
}

/// [`read_split_in_pieces`] with the second part in one piece.
fn read_split(bytes: &[u8], head: usize, from: usize) -> (Ingested, Path) {
    read_split_in_pieces(bytes, head, from, u64::MAX, None)
}

/// Text columns as `Utf8` whether dictionary or plain (the one representation that may differ).
fn same_type(t: &DataType) -> DataType {
    match t {
        DataType::Dictionary(..) => DataType::Utf8,
        t => t.clone(),
    }
}

/// Asserts two reads hold the same rows, values, types, lines and report.
fn assert_same(one: &Ingested, two: &Ingested, what: &str) {
    assert_eq!(one.report, two.report, "{what}: report");
    assert_eq!(one.table.lines, two.table.lines, "{what}: lines");
    let (a, b) = (&one.table.batch, &two.table.batch);
    assert_eq!(a.num_rows(), b.num_rows(), "{what}: rows");
    for (i, (x, y)) in a.columns().iter().zip(b.columns()).enumerate() {
        let name = a.schema().field(i).name().clone();
        assert_eq!(same_type(x.data_type()), same_type(y.data_type()), "{what}: type of {name}");
        assert_eq!(x.logical_nulls(), y.logical_nulls(), "{what}: blanks of {name}");
        if matches!(same_type(x.data_type()), DataType::Utf8) {
            let (cx, cy) = (Column::of(x).unwrap(), Column::of(y).unwrap());
            for r in 0..x.len() {
                assert_eq!(cx.text(r), cy.text(r), "{what}: {name} row {r}");
            }
        } else {
            assert_eq!(x.to_data(), y.to_data(), "{what}: values of {name}");
        }
    }
}

/// Reads `text` split at `from` (the first `head` bytes read whole) and asserts that the read took
/// `path` and equals one pass; returns the split read.
fn split_as_one_pass(text: &str, head: usize, from: usize, path: Path, what: &str) -> Ingested {
    let whole = one_pass(text.as_bytes(), head);
    let (split, took) = read_split(text.as_bytes(), head, from);
    assert_eq!(took, path, "{what}");
    assert_same(&whole, &split, what);
    split
}

/// One pass, as the browser reads a file in one worker.
fn one_pass(bytes: &[u8], head: usize) -> Ingested {
    read_csv_stream("f.csv", bytes.len() as u64, bytes, head).unwrap()
}

#[test]
fn real_exports_split_anywhere_read_as_in_one_pass() {
    let mut paths = Vec::new();
    for file in ["mcmf_programs_2023.csv", "mcmf_programs_2024.csv"] {
        let bytes = std::fs::read(common::shared().join("chicago/programs").join(file)).unwrap();
        let whole = one_pass(&bytes, 1 << 20);
        assert!(whole.table.num_rows() > 1000);
        for k in 1..6 {
            let from = bytes.len() * k / 6;
            let (split, path) = read_split(&bytes, 1 << 20, from);
            assert_same(&whole, &split, &format!("{file} split at {from}"));
            paths.push(path);
        }
    }
    assert!(paths.contains(&Path::Joined), "{paths:?}");
    assert!(!paths.contains(&Path::Whole), "every split paused the first reader: {paths:?}");
}

#[test]
fn a_part_in_pieces_and_a_part_cut_short_read_as_in_one_pass() {
    let bytes = std::fs::read(common::shared().join("chicago/programs/mcmf_programs_2024.csv")).unwrap();
    let whole = one_pass(&bytes, 1 << 20);
    let from = bytes.len() / 3;
    let (split, path) = read_split_in_pieces(&bytes, 1 << 20, from, 500_000, None);
    assert_eq!(path, Path::Joined);
    assert_same(&whole, &split, "pieces");
    // The second worker failed after two pieces: the first reads the rest itself.
    let (split, path) = read_split_in_pieces(&bytes, 1 << 20, from, 500_000, Some(2));
    assert_eq!(path, Path::Resumed);
    assert_same(&whole, &split, "cut short");
}

#[test]
fn a_split_inside_a_quoted_field_is_noticed_and_read_on() {
    let mut text = String::from("id,note,n\n");
    for i in 0..40 {
        text.push_str(&format!("{i},\"line one\nline two of {i}\",{i}\n"));
    }
    // Just after a `\n` inside the quotes of a record.
    let from = text.find("line two of 20").unwrap();
    let split = split_as_one_pass(&text, 16, from, Path::Resumed, "quoted");
    // Hand-checked: record i starts on line 2 + 2i.
    assert_eq!(split.table.lines.get(25), 52);
}

#[test]
fn types_that_change_after_the_split_are_those_of_one_pass() {
    // Column a: whole numbers, then a decimal after the split; b: blank before the split, dates
    // after; c: dates, then a word; d: few names (a dictionary); e: codes with leading zeros later;
    // f: decimals with a trailing zero; g: whole numbers with a thousands separator.
    let mut text = String::from("a,b,c,d,e,f,g\n");
    for i in 0..200 {
        let a = if i == 150 { "2.5".to_string() } else { i.to_string() };
        let b = if i < 120 { String::new() } else { format!("2024-01-{:02}", i % 28 + 1) };
        let c = if i == 180 { "soon".to_string() } else { format!("2023-05-{:02}", i % 28 + 1) };
        let d = ["North", "South", "East"][i % 3];
        let e = if i > 160 { format!("0{i}") } else { i.to_string() };
        text.push_str(&format!("{a},{b},{c},{d},{e},{i}.10,\"1,{i:03}\"\n"));
    }
    let from = text.find("\n100,").unwrap() + 3;
    let split = split_as_one_pass(&text, 64, from, Path::Joined, "types");
    let kinds: Vec<_> = split.report.columns.iter().map(|c| format!("{:?}", c.kind)).collect();
    assert_eq!(kinds, ["Decimal", "Date", "Text", "Text", "Text", "Decimal", "Integer"], "hand-checked types");
}

#[test]
fn rejected_rows_blank_lines_and_crlf_after_the_split_keep_their_lines() {
    let mut text = String::from("\u{feff}id,name,n\r\n");
    for i in 1..=30 {
        match i {
            20 => text.push_str("20,one,too,many\r\n"),
            22 => text.push_str("\r\n\r\n"),
            27 => text.push_str("27,no count\r\n"),
            25 => text.push_str(",,\r\n"),
            _ => text.push_str(&format!("{i},name {i},{}\r\n", i * 2)),
        }
    }
    let from = text.find("15,name").unwrap();
    let split = split_as_one_pass(&text, 32, from, Path::Joined, "crlf");
    // Hand-checked: the header is line 1, record i line i + 1 up to 22, which is two lines; then
    // record i is on line i + 2.
    assert_eq!(split.report.rejected.len(), 1);
    assert_eq!(split.report.rejected[0].line, 21);
    assert_eq!((split.report.short_rows.count, split.report.short_rows.first_lines.clone()), (1, vec![29]));
    assert_eq!(split.report.blank_rows, 1);
    assert_eq!(split.table.lines.last(), Some(32));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256), ..ProptestConfig::default() })]

    #[test]
    fn any_split_of_generated_exports_reads_as_one_pass(
        rows in proptest::collection::vec((0u32..50, "[a-c ]{0,3}", 0u8..9, any::<bool>()), 1..60),
        at in 0.0f64..1.0,
    ) {
        let mut text = String::from("id,name,value,when\n");
        for (i, (n, name, kind, quoted)) in rows.iter().enumerate() {
            let value = match kind {
                0 => String::new(),
                1 => format!("{n}.5"),
                2 => "x".into(),
                // Numbers not written as they are written back.
                6 => format!("{n}.50"),
                7 => format!("{n:03}"),
                8 => format!("\"1,00{n}\""),
                _ => n.to_string(),
            };
            let name = if *quoted { format!("\"{name},\n{n}\"") } else { name.clone() };
            let when = if n % 7 == 0 { String::new() } else { format!("2024-02-{:02}", n % 28 + 1) };
            let sep = if i % 9 == 4 { "\r\n\n" } else { "\n" };
            text.push_str(&format!("{i},{name},{value},{when}{sep}"));
        }
        let bytes = text.as_bytes();
        let whole = one_pass(bytes, 8);
        let from = ((bytes.len() - 1) as f64 * at) as usize + 1;
        let (split, _) = read_split(bytes, 8, from);
        assert_same(&whole, &split, &format!("split at {from} of {text:?}"));
        let (split, _) = read_split_in_pieces(bytes, 8, from, 40, None);
        assert_same(&whole, &split, &format!("split at {from} in pieces of {text:?}"));
    }
}
