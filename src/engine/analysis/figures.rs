//! The equity figures of an analysis: one row per area (rate, location quotient, disparity, need
//! quintile), the need-quintile table and the region-wide summary (concentration index, Gini,
//! dissimilarity, demographic disparity). The formulas are in [`super::measures`].

use crate::engine::region::Areas;
use crate::engine::view::View;

use super::choices::Choices;
use super::measures;
use super::result::{AreaRow, GroupDisparity, QuintileRow, Summary};
use super::tally::Tally;

/// Below this denominator an area's rate is flagged as unreliable.
pub const SMALL_DENOMINATOR: f64 = 100.0;

/// An area's row with its count's intervals and its rate ratio to the rest of the region (see
/// [`super::intervals`]).
fn with_intervals(mut row: AreaRow, s_total: f64, p_total: f64) -> AreaRow {
    use super::intervals::six_digits;
    let (lo, hi) = super::intervals::poisson_ci95(row.supply);
    let (lo, hi) = (six_digits(lo), six_digits(hi));
    row.supply_ci95 = Some([lo, hi]);
    if let Some(p) = row.denominator.filter(|&p| p > 0.0) {
        row.rate_per_1000_ci95 = Some([1000.0 * lo / p, 1000.0 * hi / p]);
        if let Some((rr, ci)) = super::intervals::rate_ratio_rest(row.supply, p, s_total - row.supply, p_total - p) {
            row.rate_ratio_rest = rr.is_finite().then_some(rr);
            let ci = (six_digits(ci.0), six_digits(ci.1));
            row.rate_ratio_rest_ci95 = Some([ci.0, ci.1]);
            row.significance = Some(super::intervals::significance(ci));
        }
    }
    row
}

/// The rows with their rate's margin of error and the unreliable flag, when the denominator
/// carries a margin of error (see [`super::intervals::rate_moe90`]).
fn with_denominator_moe(mut rows: Vec<AreaRow>, areas: &Areas, denominator: &str) -> Vec<AreaRow> {
    let Some(moe) = areas.level.indicator(denominator).ok().and_then(|d| d.moe.as_ref()).and_then(|m| areas.values.get(m)) else {
        return rows;
    };
    for (row, m) in rows.iter_mut().zip(moe) {
        let (Some(p), Some(m)) = (row.denominator, *m) else { continue };
        row.rate_moe90 = row.rate_per_1000.and_then(|r| super::intervals::rate_moe90(r, p, m));
        row.unreliable_denominator = super::intervals::unreliable(p, m);
    }
    rows
}

/// The figures of one view.
pub struct Figures {
    /// One row per area, in the region's order.
    pub areas: Vec<AreaRow>,
    /// Need quintiles 1–5.
    pub quintiles: Vec<QuintileRow>,
    /// Region-wide figures.
    pub summary: Summary,
}

/// The figures of the supply in `tally` against the denominator and need of `choices`.
pub fn figures(areas: &Areas, view: &View, choices: &Choices, tally: &Tally) -> Figures {
    let Choices { p_values, need_values, higher_is_more_need, .. } = choices;
    // Only counts (rows, distinct programs) have a count model for intervals.
    let counts = matches!(choices.supply, crate::engine::view::Supply::Rows | crate::engine::view::Supply::Programs);
    let supply_per = &tally.supply_per;
    let n_areas = areas.len();
    let p: Vec<f64> = p_values.iter().map(|v| v.unwrap_or(0.0)).collect();
    let s_total: f64 = supply_per.iter().sum();
    let p_total: f64 = p.iter().sum();
    // The rest of the region, for rate ratios: the supply of the areas that have people.
    let s_counted: f64 = supply_per.iter().zip(&p).filter(|(_, &p)| p > 0.0).map(|(s, _)| s).sum();
    let order = measures::need_order(need_values, *higher_is_more_need);
    let mut quintile = vec![None; n_areas];
    for (k, &i) in order.iter().enumerate() {
        quintile[i] = Some(measures::quintile_of(k, order.len()));
    }
    let group_col = (!view.group.is_empty()).then(|| areas.labels.get(&view.group)).flatten();
    let rows: Vec<AreaRow> = (0..n_areas)
        .map(|i| AreaRow {
            code: areas.codes[i].clone(),
            name: areas.names[i].clone(),
            supply: supply_per[i],
            denominator: p_values[i],
            rate_per_1000: p_values[i].and_then(|pi| measures::rate_per_1000(supply_per[i], pi)),
            location_quotient: p_values[i].and_then(|pi| measures::location_quotient(supply_per[i], pi, s_total, p_total)),
            disparity_pp: p_values[i].and_then(|pi| measures::disparity_pp(supply_per[i], pi, s_total, p_total)),
            need: need_values[i],
            need_quintile: quintile[i],
            small_denominator: p_values[i].is_none_or(|pi| pi < SMALL_DENOMINATOR),
            rows: tally.rows_per[i],
            largest_row_share: (supply_per[i] > 0.0).then(|| tally.largest[i] / supply_per[i]),
            group: group_col.and_then(|g| g[i].clone()),
            supply_ci95: None,
            rate_per_1000_ci95: None,
            rate_ratio_rest: None,
            rate_ratio_rest_ci95: None,
            significance: None,
            rate_moe90: None,
            unreliable_denominator: false,
            access_point: areas.access_points[i].map(|(lat, lon)| [lon, lat]),
            nearest_km: None,
            access_2sfca: None,
        })
        .map(|row| if counts { with_intervals(row, s_counted, p_total) } else { row })
        .collect();
    let rows = with_denominator_moe(rows, areas, &choices.denominator);
    let quintiles = quintile_rows(supply_per, &p, &order, &quintile);
    let ci = measures::concentration_index(supply_per, &p, &order);
    let gini = measures::gini(supply_per, &p);
    let demographic_disparity = areas
        .level
        .indicators
        .iter()
        .filter(|ind| ind.group_share)
        .map(|ind| GroupDisparity {
            indicator: ind.id.clone(),
            label: ind.label.clone(),
            value: measures::demographic_disparity(supply_per, &p, &areas.values[&ind.id]),
        })
        .collect();
    let summary = Summary {
        supply_total: s_total,
        denominator_total: p_total,
        rate_per_1000: measures::rate_per_1000(s_total, p_total),
        concentration_index: ci.as_ref().map(|c| c.0),
        gini: gini.as_ref().map(|g| g.0),
        dissimilarity: measures::dissimilarity(supply_per, &p),
        demographic_disparity,
        areas_without_need: (0..n_areas).filter(|&i| quintile[i].is_none()).map(|i| areas.codes[i].clone()).collect(),
        concentration_curve: ci.map(|c| c.1).unwrap_or_default(),
        lorenz_curve: gini.map(|g| g.1).unwrap_or_default(),
        concentration_index_ci95: None,
        gini_ci95: None,
        dissimilarity_ci95: None,
        gini_chance: None,
        dissimilarity_chance: None,
        bootstrap: None,
        catchment_km: None,
        distance_rows: 0,
        nearest_km: None,
    };
    Figures { areas: rows, quintiles, summary }
}

/// The need-quintile table: per quintile its areas, its shares of ΣP and ΣS over the areas with a
/// need value (`order`), and its rate.
fn quintile_rows(supply_per: &[f64], p: &[f64], order: &[usize], quintile: &[Option<u8>]) -> Vec<QuintileRow> {
    let q_s_total: f64 = order.iter().map(|&i| supply_per[i]).sum();
    let q_p_total: f64 = order.iter().map(|&i| p[i]).sum();
    (1..=5u8)
        .map(|q| {
            let members: Vec<usize> = order.iter().copied().filter(|&i| quintile[i] == Some(q)).collect();
            let s: f64 = members.iter().map(|&i| supply_per[i]).sum();
            let pp: f64 = members.iter().map(|&i| p[i]).sum();
            QuintileRow {
                quintile: q,
                areas: members.len(),
                population_share: if q_p_total > 0.0 { pp / q_p_total } else { 0.0 },
                supply_share: if q_s_total > 0.0 { s / q_s_total } else { 0.0 },
                rate_per_1000: measures::rate_per_1000(s, pp),
                supply_share_ci95: None,
                nearest_km: None,
                access_2sfca: None,
            }
        })
        .collect()
}

/// The access figures added to `f`: per area, per need quintile (population-weighted means over
/// its areas) and region-wide (see [`super::access`]).
pub fn with_access(f: &mut Figures, access: super::access::Access) {
    use super::access::weighted_mean;
    let people: Vec<f64> = f.areas.iter().map(|r| r.denominator.unwrap_or(0.0)).collect();
    for (i, row) in f.areas.iter_mut().enumerate() {
        row.nearest_km = access.nearest_km[i];
        row.access_2sfca = access.score[i].map(super::intervals::six_digits);
    }
    for q in &mut f.quintiles {
        let members = || f.areas.iter().enumerate().filter(|(_, r)| r.need_quintile == Some(q.quintile)).map(|(i, _)| i);
        q.nearest_km = weighted_mean(&access.nearest_km, &people, members());
        q.access_2sfca = weighted_mean(&access.score, &people, members());
    }
    f.summary.nearest_km = weighted_mean(&access.nearest_km, &people, 0..people.len());
    f.summary.catchment_km = Some(access.catchment_km);
    f.summary.distance_rows = access.distance_rows;
}
