//! The fixed workload of the in-browser benchmark harness (`shared/bench`), computed with exactly
//! its semantics so Equimap's result can be checked against DuckDB's: keep
//! `meeting_type = 'face_to_face' AND start_date >= 2021-05-01`, join `upper(trim(community_name))`
//! to the upper-cased area names (no aliases), and per area count rows, distinct `program_id`, the
//! sum of `capacity` and programs per 1,000 youth. Unjoined rows form one last group with no area.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;

use crate::engine::analysis::distinct::DistinctIds;
use crate::engine::error::Result;
use crate::engine::fast_hash::FastMap;
use crate::engine::ingest::typing::values::days_from_civil;
use crate::engine::region::Areas;
use crate::engine::table::Table;

/// The id of the preset view whose analysis is the workload's (`index.html?preset=peer-bench`,
/// listed in the Chicago manifest): a view with it also runs the workload.
pub const PRESET_ID: &str = "peer-bench";

/// One output row of the workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchRow {
    /// Area number, `None` for the unjoined group.
    pub community_id: Option<i64>,
    /// Upper-case area name, `None` for the unjoined group.
    pub community_area_name: Option<String>,
    /// Rows.
    pub rows: u64,
    /// Distinct program ids.
    pub distinct_programs: u64,
    /// Sum of capacity (blanks skipped; `None` when all are blank).
    pub capacity_sum: Option<i64>,
    /// Youth aged 5–19.
    pub a5_19: Option<f64>,
    /// 1000 × distinct programs ÷ youth.
    pub programs_per_1000_youth: Option<f64>,
}

/// Runs the workload on `table` against Chicago's `areas`.
pub fn peer_bench(table: &Table, areas: &Areas) -> Result<Vec<BenchRow>> {
    let (mt, sd, cn, pid, cap) = (
        table.column("meeting_type")?,
        table.column("start_date")?,
        table.column("community_name")?,
        table.column("program_id")?,
        table.column("capacity")?,
    );
    let since = days_from_civil(2021, 5, 1).expect("valid date");
    let by_name: HashMap<String, usize> = areas.names.iter().enumerate().map(|(i, n)| (n.trim().to_uppercase(), i)).collect();
    let n = areas.len();
    let mut rows = vec![0u64; n + 1];
    // Room for every row's id once: the ids a large file keeps are not copied on each doubling.
    let mut ids = DistinctIds::new(pid, n + 1, table.num_rows());
    let mut caps: Vec<Option<i64>> = vec![None; n + 1];
    let group_of_name = |s: &str| by_name.get(&s.trim().to_uppercase()).copied().unwrap_or(n);
    // Dictionary columns: each distinct value is compared or looked up once.
    let face_to_face = |t: Option<&str>| t == Some("face_to_face");
    let mt_keys = mt.per_value(face_to_face);
    let cn_keys = cn.per_value(|t| t.map_or(n, group_of_name));
    // Otherwise each distinct name as written is upper-cased and looked up once.
    let mut group_of: FastMap<Cow<str>, usize> = FastMap::default();
    for i in 0..table.num_rows() {
        let kept = match &mt_keys {
            Some((keys, keep)) => keys.is_valid(i) && keep[keys.value(i) as usize],
            None => face_to_face(mt.text(i).as_deref()),
        };
        if !kept || sd.date(i).is_none_or(|d| d < since) {
            continue;
        }
        let g = match (&cn_keys, cn.text(i)) {
            (Some((keys, group)), _) => {
                if keys.is_valid(i) {
                    group[keys.value(i) as usize]
                } else {
                    n
                }
            }
            (None, None) => n,
            (None, Some(s)) => match group_of.get(&s) {
                Some(&g) => g,
                None => {
                    let g = group_of_name(&s);
                    group_of.insert(s, g);
                    g
                }
            },
        };
        rows[g] += 1;
        // COUNT(DISTINCT program_id): blank ids are not counted.
        if !pid.is_null(i) {
            ids.add(g, i);
        }
        if let Some(c) = cap.number(i) {
            caps[g] = Some(caps[g].unwrap_or(0) + c as i64);
        }
    }
    let distinct = ids.counts();
    let youth = areas.indicator("youth_5_19")?;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| areas.codes[i].parse::<i64>().unwrap_or(i64::MAX));
    order.push(n);
    Ok(order
        .into_iter()
        .filter(|&g| rows[g] > 0)
        .map(|g| {
            let a5 = if g < n { youth[g] } else { None };
            let d = distinct[g];
            BenchRow {
                community_id: (g < n).then(|| areas.codes[g].parse().unwrap_or(0)),
                community_area_name: (g < n).then(|| areas.names[g].trim().to_uppercase()),
                rows: rows[g],
                distinct_programs: d,
                capacity_sum: caps[g],
                a5_19: a5,
                programs_per_1000_youth: a5.filter(|p| *p > 0.0).map(|p| 1000.0 * d as f64 / p),
            }
        })
        .collect())
}
