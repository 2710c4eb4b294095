//! The warm-up: the reader and the analysis run once on a made-up export before the person's
//! first file, so the browser has compiled their hot loops to optimised code (a fresh wasm
//! function starts in the browser's baseline compiler, several times slower), and a drop's
//! messages are encoded and decoded once (decoding the first `Read` request took 2.6–4.3 ms
//! before this did it: BENCHMARKS.md, session 8). The page rehearses drawing the export's results
//! (`page/rehearsal.rs`: without it the first 10k file was drawn 8 ms slower, session 6). A
//! performance ritual, measured: keep it unless a harness A/B says otherwise.

use js_sys::Uint8Array;

use super::blob_reader::read;
use super::file_stream::Reading;
use crate::app::protocol::{read_request, read_response, Request};
use crate::engine::region::Areas;

/// Rows of the warm-up export (about 0.6 MB).
const WARM_UP_ROWS: usize = 30_000;

/// Runs the reader and the analysis once on a small made-up export (asked by the page once), so
/// the browser has compiled their hot loops to optimised code before the person's first file: a
/// fresh wasm function starts in the browser's baseline compiler, several times slower. Returns
/// the export's summary and its analysis as JSON, for the page to rehearse drawing them.
pub(super) fn warm_up(areas: &Areas) -> Option<(crate::engine::session::FileSummary, String)> {
    // Columns of each kind and width a real export brings, so their code is compiled before the
    // first file: ids past 16 bits, 3,000 names and 231 spellings of the areas (dictionaries of
    // 16-bit keys), a few kinds and ages (8 bits), capacities past 8 bits, unique notes (plain text).
    let mut csv =
        String::from("program_id,program_name,meeting_type,price,capacity,min_age,start_date,community_name,latitude,longitude,notes\n");
    for i in 0..WARM_UP_ROWS {
        let area = areas.names.get(i % areas.len().max(1)).map_or("", String::as_str);
        let area = match i % 3 {
            0 => area.to_string(),
            1 => area.to_uppercase(),
            _ => area.to_lowercase(),
        };
        let kind = ["face_to_face", "online", "hybrid"][i % 3];
        csv.push_str(&format!(
            "{},\"Program {}, {kind}\",{kind},${},{},{},2024-{:02}-{:02},{},{:.5},{:.5},Note {i}\n",
            i * 7919 % 1_000_000,
            i % 3000,
            i % 60,
            i % 250,
            i % 18,
            i % 12 + 1,
            i % 28 + 1,
            if i % 10 == 0 { "Nowhere" } else { &area },
            41.8 + (i % 100) as f64 * 1e-3,
            -87.7 + (i % 100) as f64 * 1e-3
        ));
    }
    // Through a Blob, as a dropped file goes: the same reader code, not a copy made for byte slices.
    let parts = js_sys::Array::of1(&Uint8Array::from(csv.as_bytes()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    let Ok(Reading::Whole(ing)) = read("warm-up.csv", &blob.into(), None) else { return None };
    let view = crate::engine::View {
        area_column: crate::app::protocol::WARM_UP_AREA_COLUMN.into(),
        filters: vec![
            crate::engine::view::Filter::Equals { column: "meeting_type".into(), values: vec!["face_to_face".into()] },
            crate::engine::view::Filter::Since { column: "start_date".into(), date: "2024-03-01".into() },
        ],
        ..Default::default()
    };
    // The whole analysis with the placement's evidence (weighed and cross-checked): about 70 ms
    // more before the page is ready, and the first drop's figures 2–3 ms sooner (BENCHMARKS.md,
    // session 9: 10k total 31.1 ms with it, 35.1–35.4 without, the old build 32–33 beside both).
    let a = crate::engine::analyze(areas, &ing, &view).ok()?;
    // The benchmark preset's fixed workload too (see `peer_bench`; it fails on other regions' areas).
    let _ = crate::engine::peer_bench::peer_bench(&ing.table, areas);
    let summary = crate::engine::session::summarise(&ing);
    // A drop's messages through the same (de)serialisers: a function is compiled when it is first
    // called (decoding the first `Read` request took 2.6–4.3 ms without this).
    let _ = serde_json::to_string(&read_request(view)).map(|j| serde_json::from_str::<Request>(&j));
    let _ = serde_json::to_string(&read_response(summary.clone()));
    Some((summary, serde_json::to_string(&a).ok()?))
}
