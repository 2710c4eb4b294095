//! Streaming ingest (what the browser's worker does with a large file, chunk by chunk) gives exactly
//! what reading the whole file gives; and the session the worker keeps answers like the engine
//! called directly.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::io::Read;

use equimap::engine::analysis::Analysis;
use equimap::engine::ingest::feed::{CsvFeed, PartFeed};
use equimap::engine::ingest::part::FilePart;
use equimap::engine::ingest::read_stream::{read_csv_part, read_csv_stream};
use equimap::engine::session::{Loaded, Session};
use equimap::engine::view::Filter;
use equimap::engine::{analyze, read_csv, EngineError, Ingested, View};

/// Hands out `data` in pieces of awkward, varying sizes (as `Blob.slice` reads could).
struct Chunks<'a> {
    data: &'a [u8],
    at: usize,
    step: usize,
}

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.step = self.step * 7 % 4093 + 1;
        let n = self.step.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn stream(data: &[u8], head: usize) -> Result<Ingested, EngineError> {
    read_csv_stream("s.csv", data.len() as u64, Chunks { data, at: 0, step: 1 }, head)
}

fn assert_same(a: &Ingested, b: &Ingested) {
    assert_eq!(a.report, b.report);
    assert_eq!(a.table.lines, b.table.lines);
    assert_eq!(a.table.batch, b.table.batch);
}

/// An export with quoted fields holding delimiters, quotes and line breaks, CRLF line ends, a
/// ragged row, a row without its empty last fields, blank lines, non-ASCII names and one invalid UTF-8 byte.
fn awkward(rows: usize) -> Vec<u8> {
    let mut s = b"program_id,\"community_name\",meeting_type,start_date,capacity\r\n".to_vec();
    for i in 0..rows {
        let line = match i % 97 {
            0 => format!("{i},\"Loop, the\",face_to_face,2021-06-01,{}\r\n", i % 40),
            1 => format!("{i},\"Said \"\"hi\"\"\nthere\",online,2022-01-31,\r\n"),
            2 => format!("{i},AUSTIN,face_to_face,2021-01-01,1,one too many\r\n"),
            3 => "\r\n".to_string(),
            4 => format!("{i},Niño Güemes,face_to_face,2023-03-03,5\r\n"),
            5 => format!("{i},AUSTIN,face_to_face\r\n"),
            _ => format!("{i},WEST TOWN,face_to_face,2021-0{}-1{},{}\r\n", i % 9 + 1, i % 10, i % 50),
        };
        s.extend_from_slice(line.as_bytes());
        if i == rows / 2 {
            s.extend_from_slice(b"77,B\xFFAD,online,2021-01-01,3\r\n");
        }
    }
    s
}

#[test]
fn streaming_reads_exactly_what_reading_whole_reads() {
    let data = awkward(3000);
    let whole = read_csv("s.csv", &data).unwrap();
    assert!(whole.report.rejected.len() >= 2, "the fixture has rejected rows: {:?}", whole.report.rejected);
    assert!(whole.report.short_rows.count >= 2, "and short rows: {:?}", whole.report.short_rows);
    // Head shorter than the file: the streaming path; head longer: read whole.
    for head in [4096, 65_536, data.len() - 1, data.len(), data.len() + 1] {
        assert_same(&stream(&data, head).unwrap(), &whole);
    }
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&data);
    let whole_bom = read_csv("s.csv", &bom).unwrap();
    assert_eq!(whole_bom.report.encoding, "UTF-8 with BOM");
    assert_same(&stream(&bom, 4096).unwrap(), &whole_bom);
}

/// Cut sizes of pushed bytes: 1, then awkward and varying (a browser's stream hands over whatever
/// it has), with runs of a whole buffer.
fn cuts() -> impl Iterator<Item = usize> {
    let mut step = 1usize;
    std::iter::repeat_with(move || {
        step = step * 7 % 9001 + 1;
        if step % 5 == 0 {
            1 << 16
        } else {
            step
        }
    })
}

#[test]
fn bytes_pushed_in_any_cuts_read_as_the_whole_file_reads() {
    let data = awkward(3000);
    let whole = read_csv("s.csv", &data).unwrap();
    for head in [4096, 65_536, data.len() + 1] {
        let mut feed = CsvFeed::new("s.csv", data.len() as u64, head, None).unwrap();
        let mut at = 0;
        for n in cuts() {
            let n = n.min(data.len() - at);
            if n == 0 {
                break;
            }
            let out = feed.push_with(n, |room| {
                room.copy_from_slice(&data[at..at + n]);
                n
            });
            assert!(out.unwrap().is_none(), "a read without a stop ends only with the file");
            at += n;
        }
        assert_same(&feed.end().unwrap().ok().expect("not paused"), &whole);
    }
    // The second reader's part: the same pieces as pulling the same bytes.
    let from = data.len() / 3;
    let mut pulled: Vec<FilePart> = vec![];
    read_csv_part("s.csv", from as u64, data.len() as u64, &data[from - 1..], 20_000, |p| {
        pulled.push(p);
        Ok(())
    })
    .unwrap();
    assert!(pulled.len() > 2, "several pieces: {}", pulled.len());
    let mut pushed: Vec<FilePart> = vec![];
    let mut feed = PartFeed::new("s.csv", from as u64, data.len() as u64, 20_000);
    let mut at = from - 1;
    for n in cuts() {
        let n = n.min(data.len() - at);
        if n == 0 {
            break;
        }
        let fill = |room: &mut [u8]| {
            room.copy_from_slice(&data[at..at + n]);
            n
        };
        assert!(
            !feed
                .push_with(n, fill, |p| {
                    pushed.push(p);
                    Ok(())
                })
                .unwrap(),
            "the part ends with the file"
        );
        at += n;
    }
    feed.end(|p| {
        pushed.push(p);
        Ok(())
    })
    .unwrap();
    assert_eq!(pushed, pulled);
}

#[test]
fn streaming_keeps_the_unclosed_quote_rule_and_other_delimiters() {
    let mut data = awkward(500);
    data.extend_from_slice(b"9999,\"never closed,online,2021-01-01,1\r\n1000,AUSTIN,online,2021-01-01,1\r\n");
    let whole = read_csv("s.csv", &data).unwrap();
    let last = whole.report.rejected.last().unwrap();
    assert!(last.reason.contains("never closed"), "{last:?}");
    assert_same(&stream(&data, 1024).unwrap(), &whole);
    let semi: Vec<u8> = String::from_utf8_lossy(&awkward(400)).replace(',', ";").into_bytes();
    let whole = read_csv("s.csv", &semi).unwrap();
    assert_eq!(whole.report.delimiter, "semicolon");
    assert_same(&stream(&semi, 2048).unwrap(), &whole);
}

#[test]
fn a_long_file_that_is_not_utf8_is_read_whole_and_decoded() {
    let text = String::from_utf8_lossy(&awkward(300)).replace('\u{FFFD}', "?");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let whole = read_csv("s.csv", &utf16).unwrap();
    assert_eq!(whole.report.encoding, "UTF-16 LE");
    assert_same(&stream(&utf16, 1000).unwrap(), &whole);
    let cp1252: Vec<u8> = text.replace(['ñ', 'ü'], "e").bytes().chain(*b"1,Caf\xE9,online,2021-01-01,2\r\n").collect();
    let whole = read_csv("s.csv", &cp1252).unwrap();
    assert_eq!(whole.report.encoding, "Windows-1252");
    // The head alone is plain ASCII, so it streams as UTF-8: the one row with a Windows-1252
    // byte past the head is rejected (row by row), and the rest is identical.
    let streamed = stream(&cp1252, 1000).unwrap();
    assert_eq!(streamed.report.encoding, "UTF-8");
    assert_eq!(streamed.report.rows_in, whole.report.rows_in);
    assert_eq!(streamed.table.num_rows() + 1, whole.table.num_rows());
    assert!(streamed.report.rejected.last().unwrap().reason.contains("not valid UTF-8"));
}

#[test]
fn a_read_failure_and_an_oversized_file_are_reported_by_name() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("NotReadableError: the file changed on disk"));
            }
            let n = buf.len().min(self.0);
            buf[..n].fill(b'a');
            if n > 1 {
                buf[n - 1] = b'\n';
            }
            self.0 -= n;
            Ok(n)
        }
    }
    let e = read_csv_stream("big.csv", 1_000_000, Failing(200_000), 1000).unwrap_err();
    assert_eq!(e.to_string(), "big.csv: could not be read: NotReadableError: the file changed on disk");
    let e = read_csv_stream("huge.csv", 1_500_000_000, std::io::empty(), 1000).unwrap_err();
    assert!(e.to_string().starts_with("huge.csv: the file is 1.5 GB; Equimap reads files up to 1.0 GB"), "{e}");
}

const EXPORT: &str = "program_id,community_name,meeting_type,min_age,max_age,price,latitude,longitude\n\
1,LOOP,face_to_face,5,12,0,41.8819,-87.6278\n\
1,LOOP,face_to_face,5,12,0,41.8819,-87.6278\n\
2,Austin,online,10,18,25,41.8940,-87.7650\n\
3,Garfield Park,face_to_face,,,,,\n\
4,Hyde Park,face_to_face,14,19,10,41.7943,-87.5907\n";

fn json(a: &Analysis) -> String {
    serde_json::to_string(a).unwrap()
}

#[test]
fn the_session_answers_like_the_engine_and_reuses_placement() {
    let areas = common::chicago();
    let ing = read_csv("e.csv", EXPORT.as_bytes()).unwrap();
    let mut s = Session::new();
    assert!(s.analyze(&View::default()).is_err(), "nothing loaded yet");
    s.set_areas(areas.clone());
    let Loaded::Programs(summary) = s.load(ing.clone()) else { panic!("a program file") };
    assert_eq!(summary.report.rows_in, 5);
    assert_eq!(summary.preview.len(), 5);
    assert_eq!(summary.preview[2][1], "Austin");
    assert_eq!(summary.price_column.as_deref(), Some("price"));
    assert_eq!(summary.age_columns, Some(("min_age".into(), "max_age".into())));
    let direct = analyze(&areas, &ing, &View::default()).unwrap();
    // The session answers with the figures first and the placement's evidence and the bootstrap
    // intervals when asked (as the page asks once it has drawn them): together, the engine's
    // analysis.
    let with_evidence = |s: &mut Session, a: &Analysis| {
        let mut a = a.clone();
        a.add_evidence(s.evidence().unwrap());
        if let Some(u) = s.uncertainty() {
            a.add_uncertainty(u);
        }
        a
    };
    let first = s.analyze(&View::default()).unwrap();
    assert!(first.cross_check.is_none());
    assert_eq!(json(&with_evidence(&mut s, &first)), json(&direct));
    assert!(direct.cross_check.is_some(), "the file has names and coordinates: one checks the other");
    // A filter change reuses the placement and still equals a fresh analysis.
    let v =
        View { filters: vec![Filter::Equals { column: "meeting_type".into(), values: vec!["face_to_face".into()] }], ..View::default() };
    let a = s.analyze(&v).unwrap();
    assert_eq!(json(&with_evidence(&mut s, &a)), json(&analyze(&areas, &ing, &v).unwrap()));
    assert_eq!((a.rows.excluded, a.rows.matched), (1, 3));
    // The analysis survives the trip to the page (JSON) intact.
    let back: Analysis = serde_json::from_str(&json(&a)).unwrap();
    assert_eq!(json(&back), json(&a));
    // Downloads of the buckets the page cannot build itself.
    let matched = s.matched_csv().unwrap();
    assert_eq!(matched.lines().count(), 1 + 3);
    assert!(matched.lines().nth(1).unwrap().starts_with("2,32,The Loop,1,LOOP"), "{matched}");
    assert_eq!(s.excluded_csv().unwrap(), "line\n4\n");
    assert_eq!(s.distinct("meeting_type", 30), vec!["face_to_face", "online"]);
    assert_eq!(s.distinct("community_name", 2), vec!["LOOP", "Austin"]);
    assert!(s.distinct("nope", 30).is_empty());
}

#[test]
fn the_session_joins_indicator_files_and_sends_points() {
    let mut s = Session::new();
    s.set_areas(common::chicago());
    s.load(read_csv("e.csv", EXPORT.as_bytes()).unwrap());
    let libs = read_csv("libraries.csv", b"area,libraries\n32,5\n25,2\n8,1\n9,0\n").unwrap();
    let Loaded::Indicators(extra) = s.load(libs) else { panic!("an indicator file") };
    assert_eq!((extra.key_column.as_str(), extra.added.clone()), ("area", vec!["libraries".to_string()]));
    assert!(s.has_file(), "the program file stays");
    let v = View { denominator: "libraries".into(), ..View::default() };
    let a = s.analyze(&v).unwrap();
    assert_eq!(a.summary.denominator_total, 8.0);
    // By point: the four rows with coordinates, in file order (the listed duplicate too).
    let v = View { lat_column: "latitude".into(), lon_column: "longitude".into(), ..View::default() };
    let a = s.analyze(&v).unwrap();
    assert_eq!(a.rows.matched, 4);
    assert_eq!(s.points(), vec![(-87.6278, 41.8819), (-87.6278, 41.8819), (-87.765, 41.894), (-87.5907, 41.7943)]);
}
