//! The benchmark harness's workload, on a hand-checked export.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use equimap::engine::peer_bench::peer_bench;
use equimap::engine::read_csv;

#[test]
fn workload_semantics_match_the_harness() {
    let areas = common::chicago();
    // Rows: kept (the loop ×2 with one repeated id, austin), dropped by date, dropped by meeting
    // type, and two unjoined (LOOP is not the upper-cased CMAP name "THE LOOP"; blank).
    let csv = "program_id,community_name,meeting_type,start_date,capacity\n\
        1, the loop ,face_to_face,2021-05-01,10\n\
        1,The Loop,face_to_face,2022-01-01,\n\
        2,AUSTIN,face_to_face,2023-03-03,5\n\
        3,AUSTIN,face_to_face,2021-04-30,7\n\
        4,AUSTIN,online,2023-01-01,9\n\
        5,LOOP,face_to_face,2023-01-01,2\n\
        6,,face_to_face,2023-01-01,3\n";
    let ing = read_csv("p.csv", csv.as_bytes()).unwrap();
    let rows = peer_bench(&ing.table, &areas).unwrap();
    assert_eq!(rows.len(), 3);
    let (austin, the_loop, none) = (&rows[0], &rows[1], &rows[2]);
    assert_eq!((austin.community_id, austin.community_area_name.as_deref()), (Some(25), Some("AUSTIN")));
    assert_eq!((austin.rows, austin.distinct_programs, austin.capacity_sum), (1, 1, Some(5)));
    assert_eq!((the_loop.community_id, the_loop.rows, the_loop.distinct_programs, the_loop.capacity_sum), (Some(32), 2, 1, Some(10)));
    let youth = areas.values["youth_5_19"][areas.by_code("32").unwrap()].unwrap();
    assert_eq!(the_loop.a5_19, Some(youth));
    assert!((the_loop.programs_per_1000_youth.unwrap() - 1000.0 / youth).abs() < 1e-12);
    assert_eq!((none.community_id, none.rows, none.distinct_programs, none.capacity_sum, none.a5_19), (None, 2, 2, Some(5), None));
}
