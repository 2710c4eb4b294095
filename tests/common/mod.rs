//! Helpers shared by the native integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use equimap::engine::{Analysis, Areas};

/// The repository: where `cargo test` runs the tests from (looked up when the test runs, not
/// when it was compiled: a shared build cache may hold a test compiled in another checkout).
pub fn repo() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// The repository's served region data.
pub fn data() -> PathBuf {
    repo().join("static/data")
}

/// `../shared/data` beside the repository.
pub fn shared() -> PathBuf {
    repo().join("../shared/data")
}

/// Chicago community areas with boundaries.
pub fn chicago() -> Areas {
    equimap::cli::load_areas(&data(), "chicago", "").unwrap()
}

/// West Midlands districts with boundaries.
pub fn west_midlands() -> Areas {
    equimap::cli::load_areas(&data(), "west-midlands", "").unwrap()
}

/// Every row is in exactly one bucket.
pub fn assert_identity(a: &Analysis) {
    let r = a.rows;
    assert_eq!(r.rows_in, r.rejected + r.excluded + r.unmatched + r.matched, "{r:?}");
    assert_eq!(r.unmatched, a.unmatched_rows.len());
    assert_eq!(r.rejected, a.rejected_rows.len());
    assert_eq!(r.matched, a.areas.iter().map(|x| x.rows).sum::<usize>());
}

/// Chicago's 77 community areas at full resolution (the raw boundary file, not the simplified
/// one the site serves): (area number, polygon).
pub fn chicago_full_resolution() -> Vec<(String, geo::MultiPolygon<f64>)> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shared().join("chicago/boundaries/community_areas.geojson")).unwrap()).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["area_numbe"].as_str().unwrap().to_string(),
                equimap::engine::geo::geometry::parse_geometry(&f["geometry"]).unwrap(),
            )
        })
        .collect()
}
