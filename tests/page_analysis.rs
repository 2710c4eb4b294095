//! The page gets every figure of an analysis but not the row lists it does not draw (the engine
//! keeps them for the downloads): its JSON reads back as an analysis with the same figures.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use equimap::engine::analysis::PAGE_REJECTED_ROWS;
use equimap::engine::{analyze, read_csv, Analysis, View};

#[test]
fn the_page_analysis_has_every_figure_and_no_unmatched_rows() {
    let path = common::shared().join("chicago/programs/mcmf_programs_2024.csv");
    let mut bytes = std::fs::read(&path).unwrap();
    // Sixty rows that cannot be read (too few fields), so the rejected list is longer than the page's.
    for i in 0..60 {
        bytes.extend_from_slice(format!("broken row {i}\n").as_bytes());
    }
    let ing = read_csv("mcmf_programs_2024.csv", &bytes).unwrap();
    let a = analyze(&common::chicago(), &ing, &View::default()).unwrap();
    assert!(a.rows.unmatched > 0 && a.rows.rejected >= 60, "{:?}", a.rows);
    let page: Analysis = serde_json::from_str(&serde_json::to_string(&a.for_page()).unwrap()).unwrap();
    assert!(page.unmatched_rows.is_empty());
    assert_eq!(page.rejected_rows, a.rejected_rows[..PAGE_REJECTED_ROWS]);
    // Everything else is the same JSON.
    let strip = |mut v: serde_json::Value| {
        v["unmatched_rows"] = serde_json::json!([]);
        v["rejected_rows"] = serde_json::json!([]);
        v
    };
    assert_eq!(strip(serde_json::to_value(&page).unwrap()), strip(serde_json::to_value(&a).unwrap()));
    assert_eq!(page.rows.rejected, a.rejected_rows.len());
}
