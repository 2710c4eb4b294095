//! Property tests (proptest; `cargo fuzz` needs a nightly toolchain these machines cannot fetch):
//! CSV ingest, type inference, name normalisation and share-URL decoding never panic and keep their
//! invariants, and the row-accounting identity holds over generated exports and filters.
//! `scripts/fuzz.sh` runs them with many more cases for a bounded time.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use equimap::engine::ingest::typing::values::{format_date, parse_date, parse_number, SlashOrder};
use equimap::engine::placement::names::normalize;
use equimap::engine::view::{Filter, Supply, View};
use equimap::engine::{analyze, read_csv};
use proptest::prelude::*;
use std::sync::OnceLock;

fn chicago() -> &'static equimap::engine::Areas {
    static A: OnceLock<equimap::engine::Areas> = OnceLock::new();
    A.get_or_init(common::chicago)
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn csv_ingest_never_panics_and_counts_every_row(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(ing) = read_csv("fuzz.csv", &bytes) {
            prop_assert_eq!(ing.report.rows_in, ing.table.num_rows() + ing.report.rejected.len());
            prop_assert_eq!(ing.table.lines.len(), ing.table.num_rows());
        }
    }

    #[test]
    fn csv_of_structured_text_never_panics(text in "[a-z0-9,;\t\"\r\n |.$%£é-]{0,400}") {
        if let Ok(ing) = read_csv("fuzz.csv", text.as_bytes()) {
            prop_assert_eq!(ing.report.rows_in, ing.table.num_rows() + ing.report.rejected.len());
        }
    }

    #[test]
    fn numbers_and_dates_never_panic(s in "\\PC{0,30}") {
        let _ = parse_number(&s, false);
        let _ = parse_number(&s, true);
        let _ = parse_date(&s, SlashOrder::MonthFirst);
        let _ = parse_date(&s, SlashOrder::DayFirst);
    }

    #[test]
    fn integers_with_separators_read_back(n in -999_999_999i64..999_999_999) {
        let plain = n.to_string();
        prop_assert_eq!(parse_number(&plain, false), Some(n as f64));
        let digits = n.unsigned_abs().to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 { grouped.push(','); }
            grouped.push(c);
        }
        let written = if n < 0 { format!("-${grouped}") } else { format!("${grouped}") };
        prop_assert_eq!(parse_number(&written, false), Some(n as f64));
    }

    #[test]
    fn dates_round_trip(days in -200_000i32..200_000) {
        prop_assert_eq!(parse_date(&format_date(days), SlashOrder::MonthFirst), Some(days));
    }

    #[test]
    fn normalisation_is_idempotent(s in "\\PC{0,40}") {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }

    #[test]
    fn any_link_decodes_without_panic(q in "\\PC{0,300}") {
        let (v, _) = View::from_query(&q);
        prop_assert!(v.area_column.chars().count() <= equimap::engine::view::MAX_TEXT);
        prop_assert!(v.k == 0 || (3..=7).contains(&v.k));
        prop_assert!(v.exclude_top <= 1000);
    }

    #[test]
    fn views_round_trip_through_links(
        file in "[^~|]{0,30}", col in "[^~|]{1,20}", vals in proptest::collection::vec("[^~|]{1,12}", 1..4),
        lo in 0u32..60, span in 0u32..60, top in 0u32..1000, k in 3u8..8, name in "[^~|]{1,20}", code in "[0-9]{1,2}",
    ) {
        let mut v = View { region: "chicago".into(), file, exclude_top: top, k, supply: Supply::Sum(col.clone()), ..View::default() };
        v.filters.push(Filter::Equals { column: col.clone(), values: vals });
        v.filters.push(Filter::Ages { min_column: col.clone(), max_column: col, lo, hi: lo + span });
        v.assignments.insert(name, code);
        let (back, problems) = View::from_query(&v.to_query());
        prop_assert!(problems.is_empty(), "{:?}", problems);
        prop_assert_eq!(back, v);
    }

    #[test]
    fn every_row_lands_in_exactly_one_bucket(
        rows in proptest::collection::vec((0usize..8, any::<bool>(), 0u32..40, proptest::option::of(0u32..30)), 1..120),
        keep_online in any::<bool>(), lo in 0u32..20, top in 0u32..5, ragged in 0usize..3,
    ) {
        const NAMES: [&str; 8] = ["AUSTIN", "The Loop", "", "Garfield Park", "Nowhere Town", "  lake view ", "Back of the Yards", "35"];
        let mut csv = String::from("program_id,community_name,meeting_type,min_age,capacity\n");
        for (i, (n, online, age, cap)) in rows.iter().enumerate() {
            let cap = cap.map(|c| c.to_string()).unwrap_or_default();
            csv.push_str(&format!("{},{},{},{age},{cap}\n", i % 17, NAMES[*n], if *online { "online" } else { "face_to_face" }));
        }
        for _ in 0..ragged { csv.push_str("1,2\n"); }
        let ing = read_csv("gen.csv", csv.as_bytes()).unwrap();
        let view = View {
            area_column: "community_name".into(),
            filters: vec![
                Filter::Equals { column: "meeting_type".into(), values: vec![if keep_online { "online" } else { "face_to_face" }.into()] },
                Filter::Ages { min_column: "min_age".into(), max_column: "min_age".into(), lo, hi: lo + 10 },
            ],
            exclude_top: top,
            supply: Supply::Seats,
            ..View::default()
        };
        let a = analyze(chicago(), &ing, &view).unwrap();
        let r = a.rows;
        prop_assert_eq!(r.rows_in, rows.len() + ragged);
        prop_assert_eq!(r.rows_in, r.rejected + r.excluded + r.unmatched + r.matched);
        prop_assert_eq!(r.rejected, ragged);
        prop_assert_eq!(r.matched, a.areas.iter().map(|x| x.rows).sum::<usize>());
        let seats: f64 = a.areas.iter().map(|x| x.supply).sum();
        prop_assert!((seats - a.summary.supply_total).abs() < 1e-9);
    }
}
