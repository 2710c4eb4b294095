//! Placement as a decision on evidence, on files built from the real exports in `../shared/data`:
//! coordinates in the forms portals export them, Socrata's computed-region columns beside them,
//! and the cross-check that catches a column of numbers that only look like area codes. Every
//! expected area comes from an independent point-in-polygon with `geo` on the full-resolution
//! boundaries.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use equimap::engine::analysis::evidence::PlacedBy;
use equimap::engine::placement::matching::{Method, Unmatched};
use equimap::engine::{analyze, read_csv, View};
use geo::Intersects;

/// The 77 community areas at full resolution: (area number, polygon).
fn full_resolution_areas() -> Vec<(String, geo::MultiPolygon<f64>)> {
    common::chicago_full_resolution()
}

/// The area a point is in, independently (first in file order).
fn true_area(polys: &[(String, geo::MultiPolygon<f64>)], lat: f64, lon: f64) -> Option<String> {
    polys.iter().find(|(_, p)| p.intersects(&geo::Point::new(lon, lat))).map(|(c, _)| c.clone())
}

/// The 2023 export's rows that have coordinates: (latitude, longitude, community name).
fn rows_2023() -> Vec<(f64, f64, String)> {
    let mut r = csv::Reader::from_path(common::shared().join("chicago/programs/mcmf_programs_2023.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (lat, lon, cn) = (col("latitude"), col("longitude"), col("community_name"));
    r.records()
        .filter_map(|rec| {
            let rec = rec.unwrap();
            Some((rec[lat].parse().ok()?, rec[lon].parse().ok()?, rec[cn].to_string()))
        })
        .collect()
}

/// Share of the rows placed in an area whose area is the independent one.
fn share_true(
    a: &equimap::engine::Analysis,
    ing: &equimap::engine::Ingested,
    truth: &[Option<String>],
    areas: &equimap::engine::Areas,
) -> f64 {
    let mut right = 0usize;
    for &(row, area) in &a.matched_rows {
        right += usize::from(truth[row as usize].as_deref() == Some(areas.codes[area as usize].as_str()));
    }
    let _ = ing;
    right as f64 / a.matched_rows.len() as f64
}

#[test]
fn a_socrata_export_is_placed_by_its_location_and_its_computed_regions_are_caught() {
    // A portal export: a Location column of "(lat, lon)" text, and computed-region columns of the
    // portal's own numbers — small whole numbers in the range of community area numbers, but not
    // them (here: the true number shifted, as an internal id would be).
    let polys = full_resolution_areas();
    let rows = rows_2023();
    let truth: Vec<Option<String>> = rows.iter().map(|&(la, lo, _)| true_area(&polys, la, lo)).collect();
    let mut csv = String::from("Program Name,Location,Boundaries - ZIP Codes,Community Areas,Wards\n");
    for (i, ((la, lo, _), t)) in rows.iter().zip(&truth).enumerate() {
        let shifted = t.as_ref().map_or(1, |c| c.parse::<u32>().unwrap() % 77 + 1);
        csv.push_str(&format!("Program {i},\"({la}, {lo})\",{},{shifted},{}\n", i % 60 + 1, i % 50 + 1));
    }
    let areas = common::chicago();
    let ing = read_csv("socrata.csv", csv.as_bytes()).unwrap();
    let a = analyze(&areas, &ing, &View::default()).unwrap();
    common::assert_identity(&a);
    // Placed by the coordinates, not by the columns of numbers.
    assert_eq!(a.resolved.method, Method::Location { column: "Location".into() });
    let p = a.resolved.placement.as_ref().unwrap();
    assert_eq!((p.by, p.chosen_by_user), (PlacedBy::Coordinates, false));
    assert!(p.alternatives.iter().all(|x| x.columns != ["Boundaries - ZIP Codes"] && x.columns != ["Wards"]), "{p:?}");
    let placeable = truth.iter().filter(|t| t.is_some()).count();
    assert!(a.rows.matched * 100 >= placeable * 97, "{} of {placeable} placeable rows placed", a.rows.matched);
    assert!(share_true(&a, &ing, &truth, &areas) >= 0.99, "rows land in their true area");
    // The cross-check finds "Community Areas" is not community area numbers.
    let c = a.cross_check.as_ref().unwrap();
    assert_eq!((c.by, c.columns.as_slice()), (PlacedBy::Code, ["Community Areas".to_string()].as_slice()));
    assert!(c.warning && c.disagree * 10 > c.compared * 9, "{c:?}");
    assert!(a.notes[0].contains("Community Areas") && a.notes[0].contains("disagrees"), "{:?}", a.notes);
    // Chosen by hand, the column of numbers is placed as asked, and the warning says so.
    let by_hand = analyze(&areas, &ing, &View { area_column: "Community Areas".into(), ..View::default() }).unwrap();
    let c = by_hand.cross_check.as_ref().unwrap();
    assert_eq!(c.by, PlacedBy::Coordinates);
    assert!(c.warning, "{c:?}");
    assert_eq!(c.examples.len(), 5);
    let e = &c.examples[0];
    assert_ne!(e.area, e.other_area);
}

#[test]
fn coordinates_are_found_under_the_names_portals_give_them() {
    let polys = full_resolution_areas();
    let rows: Vec<(f64, f64, String)> = rows_2023().into_iter().take(3000).collect();
    let truth: Vec<Option<String>> = rows.iter().map(|&(la, lo, _)| true_area(&polys, la, lo)).collect();
    let areas = common::chicago();
    for (header, line) in [
        ("School_ID,School_Latitude,School_Longitude\n", "{i},{la},{lo}\n"),
        ("id,lat_wgs84,lng_wgs84\n", "{i},{la},{lo}\n"),
        ("name,the_geom\n", "n{i},POINT ({lo} {la})\n"),
        ("name,LOCATION\n", "n{i},\"{la}, {lo}\"\n"),
        ("name,Location 1\n", "n{i},\"1 N State St\nChicago, IL\n({la}, {lo})\"\n"),
    ] {
        let mut csv = header.to_string();
        for (i, (la, lo, _)) in rows.iter().enumerate() {
            csv.push_str(&line.replace("{i}", &i.to_string()).replace("{la}", &la.to_string()).replace("{lo}", &lo.to_string()));
        }
        let ing = read_csv("f.csv", csv.as_bytes()).unwrap();
        let a = analyze(&areas, &ing, &View::default()).unwrap_or_else(|e| panic!("{header}: {e}"));
        common::assert_identity(&a);
        assert!(a.resolved.method.by_coordinates(), "{header}: {:?}", a.resolved.method);
        let placeable = truth.iter().filter(|t| t.is_some()).count();
        assert!(a.rows.matched * 100 >= placeable * 97, "{header}: {} of {placeable}", a.rows.matched);
        assert!(share_true(&a, &ing, &truth, &areas) >= 0.99, "{header}");
    }
}

#[test]
fn chicago_2024_on_auto_is_placed_by_its_coordinates_and_cross_checked() {
    // The 2024 export has a WKT `location` and a `community_name`: the coordinates are the more
    // precise way; the names are the cross-check.
    let path = common::shared().join("chicago/programs/mcmf_programs_2024.csv");
    let mut r = csv::Reader::from_path(&path).unwrap();
    let h = r.headers().unwrap().clone();
    let loc = h.iter().position(|x| x == "location").unwrap();
    let polys = full_resolution_areas();
    let truth: Vec<Option<String>> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            let inner = rec[loc].trim().strip_prefix("POINT (")?.strip_suffix(')')?.to_string();
            let (lo, la) = inner.split_once(' ')?;
            true_area(&polys, la.parse().ok()?, lo.parse().ok()?)
        })
        .collect();
    let areas = common::chicago();
    let ing = read_csv("mcmf_programs_2024.csv", &std::fs::read(&path).unwrap()).unwrap();
    let a = analyze(&areas, &ing, &View::default()).unwrap();
    common::assert_identity(&a);
    assert_eq!(a.resolved.method, Method::Location { column: "location".into() });
    let placeable = truth.iter().filter(|t| t.is_some()).count();
    assert!(a.rows.matched * 100 >= placeable * 97, "{} of {placeable}", a.rows.matched);
    assert!(share_true(&a, &ing, &truth, &areas) >= 0.99);
    let c = a.cross_check.as_ref().unwrap();
    assert_eq!((c.by, c.columns.as_slice()), (PlacedBy::Name, ["community_name".to_string()].as_slice()));
    assert!(!c.warning && c.agree * 100 > c.compared * 95, "{c:?}");
    assert_eq!(c.agree + c.disagree, c.compared);
}

#[test]
fn columns_named_for_other_geographies_are_never_area_codes() {
    // Only a ZIP-code computed region and a ward column, both of numbers in range: no placement.
    let mut csv = String::from("Program,Boundaries - ZIP Codes,Ward,Phone Number\n");
    for i in 0..200 {
        csv.push_str(&format!("p{i},{},{},{}\n", i % 77 + 1, i % 50 + 1, i % 77 + 1));
    }
    let areas = common::chicago();
    let ing = read_csv("zip.csv", csv.as_bytes()).unwrap();
    let e = analyze(&areas, &ing, &View::default()).unwrap_err().to_string();
    assert!(e.contains("no column of area names or codes"), "{e}");
    // A column of community area numbers named as such is still one.
    let mut csv = String::from("Program,Community Area Number\n");
    for i in 0..200 {
        csv.push_str(&format!("p{i},{}\n", i % 77 + 1));
    }
    let ing = read_csv("ca.csv", csv.as_bytes()).unwrap();
    let a = analyze(&areas, &ing, &View::default()).unwrap();
    assert_eq!(a.rows.matched, 200);
    assert_eq!(a.resolved.placement.as_ref().unwrap().by, PlacedBy::Code);
}

#[test]
fn a_column_of_numbers_that_places_more_rows_but_disagrees_with_the_coordinates_is_not_trusted() {
    // Coordinates for 80 % of the rows; a column of in-range numbers for all of them, unrelated to
    // where the rows are: the coordinates place the rows, the numbers are the warned cross-check.
    let polys = full_resolution_areas();
    let rows: Vec<(f64, f64, String)> = rows_2023().into_iter().take(2000).collect();
    let mut csv = String::from("name,LOCATION,Community Areas\n");
    for (i, (la, lo, _)) in rows.iter().enumerate() {
        let loc = if i % 5 == 0 { String::new() } else { format!("({la}, {lo})") };
        csv.push_str(&format!("n{i},\"{loc}\",{}\n", (i * 37) % 77 + 1));
    }
    let areas = common::chicago();
    let ing = read_csv("f.csv", csv.as_bytes()).unwrap();
    let a = analyze(&areas, &ing, &View::default()).unwrap();
    assert_eq!(a.resolved.method, Method::Location { column: "LOCATION".into() });
    let p = a.resolved.placement.as_ref().unwrap();
    assert!(p.alternatives[0].placed > p.placed, "the numbers place more rows: {p:?}");
    assert!(a.cross_check.as_ref().unwrap().warning);
    // Every row placed is placed in its true area (independently).
    for &(row, area) in &a.matched_rows {
        let (la, lo, _) = rows[row as usize];
        assert_eq!(true_area(&polys, la, lo).as_deref(), Some(areas.codes[area as usize].as_str()), "row {row}");
    }
}

/// `tests/fixtures/projected_points.csv` (written by PROJ, `scripts/projected_fixture.py`):
/// (crs, x, y, lat, lon).
fn projected_points() -> Vec<(String, f64, f64, f64, f64)> {
    let mut r = csv::Reader::from_path(common::repo().join("tests/fixtures/projected_points.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let n = |k: usize| rec[k].parse::<f64>().unwrap();
            (rec[0].to_string(), n(1), n(2), n(3), n(4))
        })
        .collect()
}

#[test]
fn projected_coordinates_convert_as_proj_does() {
    use equimap::engine::placement::projected::{Converter, Crs};
    let points = projected_points();
    assert!(points.len() > 900);
    for crs in Crs::ALL {
        let c = Converter::new(crs).unwrap();
        let mine: Vec<_> = points.iter().filter(|p| p.0 == crs.code()).collect();
        assert!(mine.len() > 400, "{}", crs.code());
        for (_, x, y, lat, lon) in mine {
            let (a, b) = c.to_lat_lon(*x, *y).unwrap();
            // 1e-5 degrees is about a metre: the fixture's coordinates are rounded to 1e-6.
            assert!((a - lat).abs() < 1e-5 && (b - lon).abs() < 1e-5, "{}: ({x}, {y}) -> ({a}, {b}), PROJ says ({lat}, {lon})", crs.code());
        }
    }
}

#[test]
fn the_city_of_chicago_x_and_y_coordinates_place_rows_where_they_are() {
    use equimap::engine::placement::projected::Crs;
    let polys = full_resolution_areas();
    let points: Vec<_> = projected_points().into_iter().filter(|p| p.0 == "EPSG:3435").collect();
    let mut csv = String::from("Case Number,X Coordinate,Y Coordinate,Ward,Community Area\n");
    for (i, (_, x, y, _, _)) in points.iter().enumerate() {
        // The portal's Ward and a community number that is not the row's: neither places rows.
        csv.push_str(&format!("JA{i},{x},{y},{},{}\n", i % 50 + 1, i % 77 + 1));
    }
    let areas = common::chicago();
    let ing = read_csv("crimes.csv", csv.as_bytes()).unwrap();
    let a = analyze(&areas, &ing, &View::default()).unwrap();
    common::assert_identity(&a);
    assert_eq!(a.resolved.method, Method::Projected { x: "X Coordinate".into(), y: "Y Coordinate".into(), crs: Crs::IllinoisEastFeet });
    let truth: Vec<Option<String>> = points.iter().map(|&(_, _, _, la, lo)| true_area(&polys, la, lo)).collect();
    let placeable = truth.iter().filter(|t| t.is_some()).count();
    assert!(a.rows.matched * 100 >= placeable * 97, "{} of {placeable}", a.rows.matched);
    assert!(share_true(&a, &ing, &truth, &areas) >= 0.99);
    assert!(a.cross_check.as_ref().is_some_and(|c| c.warning), "the community numbers disagree with the coordinates");
}

#[test]
fn british_national_grid_eastings_and_northings_place_rows_as_their_latitude_and_longitude() {
    use equimap::engine::placement::projected::Crs;
    let points: Vec<_> = projected_points().into_iter().filter(|p| p.0 == "EPSG:27700").collect();
    let (mut by_grid, mut by_degrees) = (String::from("Venue,Easting,Northing\n"), String::from("Venue,lat,lon\n"));
    for (i, (_, x, y, la, lo)) in points.iter().enumerate() {
        by_grid.push_str(&format!("v{i},{x},{y}\n"));
        by_degrees.push_str(&format!("v{i},{la},{lo}\n"));
    }
    let areas = common::west_midlands();
    let grid = analyze(&areas, &read_csv("g.csv", by_grid.as_bytes()).unwrap(), &View::default()).unwrap();
    let degrees = analyze(&areas, &read_csv("d.csv", by_degrees.as_bytes()).unwrap(), &View::default()).unwrap();
    assert_eq!(grid.resolved.method, Method::Projected { x: "Easting".into(), y: "Northing".into(), crs: Crs::BritishNationalGrid });
    // Most of these postcodes lie in the region (some in Wales or Cheshire: outside, not misplaced).
    assert!(grid.rows.matched > 250, "{:?}", grid.rows);
    let same = grid.matched_rows.iter().filter(|m| degrees.matched_rows.contains(m)).count();
    assert!(same * 100 >= degrees.rows.matched * 99, "{same} of {} rows in the same district", degrees.rows.matched);
}

#[test]
fn a_national_file_of_district_codes_and_county_names_is_placed_or_explained() {
    // Independent: the lookup's current districts, and which are the West Midlands'.
    let mut r = csv::Reader::from_path(common::shared().join("west-midlands/lookups/la_all_codes.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (cd, rgn, cur) = (col("LADCD"), col("RGNCD"), col("Current"));
    let mut codes: Vec<(String, bool)> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if rec[cur].eq_ignore_ascii_case("true") {
            codes.push((rec[cd].to_string(), &rec[rgn] == "E12000005"));
        }
    }
    // A national grants file keyed by district code, plus rows naming the region's three counties.
    let mut csv = String::from("Recipient Name,Recipient District Geographic Code,Amount Awarded\n");
    for (i, (code, _)) in codes.iter().enumerate() {
        csv.push_str(&format!("Org {i},{code},{}\n", 1000 + i));
    }
    for county in ["Staffordshire", "Warwickshire", "WORCESTERSHIRE"] {
        csv.push_str(&format!("County grant,{county},500\n"));
    }
    let areas = common::west_midlands();
    let ing = read_csv("grants.csv", csv.as_bytes()).unwrap();
    let a = analyze(&areas, &ing, &View::default()).unwrap();
    common::assert_identity(&a);
    assert_eq!(a.resolved.method, Method::Column("Recipient District Geographic Code".into()));
    let in_region = codes.iter().filter(|(_, wm)| *wm).count();
    assert_eq!(in_region, 30);
    assert_eq!(a.rows.matched, in_region);
    let outside = a.unmatched_values.iter().filter(|u| u.reason == Unmatched::OutsideRegion).map(|u| u.rows).sum::<usize>();
    assert_eq!(outside, codes.len() - in_region, "every other current district is outside the region, not unknown");
    let spans: Vec<_> = a.unmatched_values.iter().filter(|u| u.reason == Unmatched::SpansAreas).collect();
    assert_eq!(spans.len(), 3);
    let staffs = spans.iter().find(|u| u.value == "Staffordshire").unwrap();
    assert_eq!(staffs.suggestions.len(), 8, "Staffordshire spans 8 districts: {:?}", staffs.suggestions);
    assert!(staffs.suggestions.iter().all(|c| areas.by_code(c).is_some()));
}

#[test]
fn a_file_of_districts_opened_at_msoa_level_says_to_view_it_by_district() {
    use equimap::engine::placement::matching::Unmatched;
    // Independent: Birmingham's 2021 MSOAs from the raw lookup.
    let mut r = csv::Reader::from_path(common::shared().join("west-midlands/lookups/msoa_la.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (m21, lad) = (col("MSOA21CD"), col("LADCD_ACTIVE"));
    let mut birmingham: Vec<String> =
        r.records().map(|x| x.unwrap()).filter(|x| !x[m21].is_empty() && &x[lad] == "E08000025").map(|x| x[m21].to_string()).collect();
    birmingham.sort();
    birmingham.dedup();
    let areas = equimap::cli::load_areas(&common::data(), "west-midlands", "msoa").unwrap();
    let path = common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv");
    let ing = read_csv("ac.csv", &std::fs::read(&path).unwrap()).unwrap();
    let a = analyze(&areas, &ing, &View::default()).unwrap();
    common::assert_identity(&a);
    assert_eq!(a.rows.matched, 0, "no district row is put in one of its MSOAs");
    let b = a.unmatched_values.iter().find(|u| u.value == "Birmingham").unwrap();
    assert_eq!(b.reason, Unmatched::SpansAreas);
    let mut got = b.suggestions.clone();
    got.sort();
    assert_eq!(got, birmingham);
    assert!(
        a.notes.iter().any(|n| n.starts_with("Most rows (93 of") && n.contains("view the file at the level of those areas")),
        "{:?}",
        a.notes
    );
}

#[test]
fn a_file_of_msoas_opened_at_district_level_says_to_view_it_by_msoa() {
    use equimap::engine::placement::matching::Unmatched;
    // Independent: every 2021 MSOA of the region's districts, with its district, from the raw lookup.
    let lad_areas = common::west_midlands();
    let mut r = csv::Reader::from_path(common::shared().join("west-midlands/lookups/msoa_la.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (m21, name, lad) = (col("MSOA21CD"), col("MSOANM"), col("LADCD_ACTIVE"));
    let mut msoas: Vec<(String, String, String)> = r
        .records()
        .map(|x| x.unwrap())
        .filter(|x| !x[m21].is_empty() && lad_areas.by_code(&x[lad]).is_some())
        .map(|x| (x[m21].to_string(), x[name].to_string(), x[lad].to_string()))
        .collect();
    msoas.sort();
    msoas.dedup();
    assert_eq!(msoas.len(), 736);
    // Codes for the even rows, official names ("Birmingham 001") for the odd ones.
    let mut csv = String::from("org,area\n");
    for (i, (code, name, _)) in msoas.iter().enumerate() {
        csv.push_str(&format!("o{i},{}\n", if i % 2 == 0 { code } else { name }));
    }
    let ing = read_csv("msoas.csv", csv.as_bytes()).unwrap();
    let a = analyze(&lad_areas, &ing, &View::default()).unwrap();
    common::assert_identity(&a);
    assert_eq!(a.rows.matched, 0, "no MSOA row is counted in a district silently");
    assert_eq!(a.unmatched_values.len(), 736);
    for (i, (code, name, lad)) in msoas.iter().enumerate() {
        let value = if i % 2 == 0 { code } else { name };
        let u = a.unmatched_values.iter().find(|u| &u.value == value).unwrap();
        assert_eq!((u.reason, u.suggestions.as_slice()), (Unmatched::OtherLevel, [lad.clone()].as_slice()), "{value}");
    }
    assert!(a.notes.iter().any(|n| n.starts_with("Most rows (736 of 736) name areas smaller than")), "{:?}", a.notes);
    // At MSOA level the same file is placed, every row.
    let msoa = equimap::cli::load_areas(&common::data(), "west-midlands", "msoa").unwrap();
    assert_eq!(analyze(&msoa, &ing, &View::default()).unwrap().rows.matched, 736);
}

#[test]
fn a_zip_code_column_alone_is_said_not_to_place_rows_never_guessed() {
    // Real ZIP codes of Chicago, small numbers of wards: in range of nothing, or of community
    // area numbers (the ward), but never taken as them.
    let csv = "Site,ZIP Code,Ward\na,60614,43\nb,60622,1\nc,60637,5\n";
    let err = analyze(&common::chicago(), &read_csv("sites.csv", csv.as_bytes()).unwrap(), &View::default()).unwrap_err().to_string();
    assert!(err.contains("ZIP Code, Ward name another geography") && err.contains("cannot place rows"), "{err}");
}

/// A value written like the level's codes but of none of its areas is an unknown code (an area
/// outside them, most likely), not an unknown name; a name stays an unknown name.
#[test]
fn codes_of_areas_outside_the_level_are_unknown_codes() {
    use equimap::engine::region::own::{own_level, OwnChoice};
    let square =
        |x: f64| format!("{{\"type\":\"Polygon\",\"coordinates\":[[[{x},52],[{},52],[{},53],[{x},53],[{x},52]]]}}", x + 1.0, x + 1.0);
    let geojson = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"properties\":{{\"LAD23CD\":\"E08000025\",\"LAD23NM\":\"Birmingham\"}},\"geometry\":{}}},{{\"type\":\"Feature\",\"properties\":{{\"LAD23CD\":\"E08000026\",\"LAD23NM\":\"Coventry\"}},\"geometry\":{}}}]}}",
        square(-2.0),
        square(-1.0)
    );
    let own = own_level("lads.geojson", geojson.as_bytes(), &OwnChoice::default()).unwrap();
    let csv = "grant,district\n1,E08000025\n2,E09000007\n3,E09000007\n4,Nowhere\n5,Coventry\n";
    let ing = read_csv("grants.csv", csv.as_bytes()).unwrap();
    let a = analyze(&own.areas, &ing, &View { area_column: "district".into(), ..View::default() }).unwrap();
    common::assert_identity(&a);
    assert_eq!(a.rows.matched, 2);
    let reasons: Vec<(&str, Unmatched, usize)> = a.unmatched_values.iter().map(|u| (u.value.as_str(), u.reason, u.rows)).collect();
    assert_eq!(reasons, [("E09000007", Unmatched::UnknownCode, 2), ("Nowhere", Unmatched::UnknownName, 1)]);
    // Chicago's community areas are numbered 1 to 77: 78 is a code of none of them.
    let ing = read_csv("p.csv", b"program,community_area\n1,78\n2,Austin\n").unwrap();
    let a = analyze(&common::chicago(), &ing, &View { area_column: "community_area".into(), ..View::default() }).unwrap();
    assert_eq!(a.unmatched_values.iter().map(|u| (u.value.as_str(), u.reason)).collect::<Vec<_>>(), [("78", Unmatched::UnknownCode)]);
}
