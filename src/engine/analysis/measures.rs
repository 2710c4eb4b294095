//! The equity measures, each a pure function of per-area supply `S`, denominator population `P` and
//! need `N`. Formulas follow `shared/notes/equity-methods.md`; each is stated on its function and in
//! the app.

use serde::{Deserialize, Serialize};

/// The formulas, as shown in the app next to the figures.
pub const FORMULAS: &[(&str, &str)] = &[
    ("rate_per_1000", "Rate per 1,000 = 1000 × S ÷ P for an area; the region's rate is 1000 × ΣS ÷ ΣP (not a mean of rates)."),
    ("location_quotient", "Location quotient LQ = (S ÷ ΣS) ÷ (P ÷ ΣP): 1 is parity, above 1 more than the area's share of people."),
    ("disparity_pp", "Disparity (percentage points) = 100 × (S ÷ ΣS − P ÷ ΣP), the Urban Institute SEDT geographic disparity score."),
    ("dissimilarity", "Index of dissimilarity D = ½ × Σ |S ÷ ΣS − P ÷ ΣP|: the share of supply that would have to move to match where people live."),
    ("need_quintile", "Need quintile: areas sorted from most to least need; the area at position k (from 0) of n is in quintile ⌊5k ÷ n⌋ + 1 (1 = most need)."),
    ("concentration_index", "Concentration index C = Σ (p_t × L_{t−1} − p_{t−1} × L_t), areas sorted from most to least need, p and L the cumulative shares of people and supply. Positive: supply is concentrated where need is highest."),
    ("gini", "Gini of supply per head G = 1 − Σ (p_t − p_{t−1})(L_t + L_{t−1}), areas sorted by rate ascending. 0: every area has the same rate. Blind to need."),
    ("rate_ratio_rest", "Rate ratio to the rest RR = (S ÷ P) ÷ ((ΣS − S) ÷ (ΣP − P)), with its exact 95 % interval (Clopper–Pearson on the area's share of the two counts, as a ratio); ▲ above / ▼ below the rest when the interval excludes 1. Counts of rows or programs only (Poisson): sums of money or seats get none."),
    ("supply_ci95", "Count interval: exact (Garwood) Poisson 95 % interval [χ²(0.025; 2S) ÷ 2, χ²(0.975; 2S + 2) ÷ 2], and × 1000 ÷ P for the rate."),
    ("bootstrap", "Index intervals: 2,000 parametric bootstrap replicates (each area's count redrawn from a Poisson with its own count as mean, populations and need order kept; SplitMix64, seed 2021); the 95 % interval is the 50th and 1,951st of the sorted replicates. Chance: the same draws with supply exactly following population (mean ΣS × P ÷ ΣP); an index above their 97.5th percentile is more uneven than chance. Counts of rows or programs only."),
    ("nearest_km", "Nearest program: the great-circle (haversine) distance from the area's point to the nearest program with a point, on a sphere of radius 6,371.0088 km; by quintile and region-wide, the population-weighted mean over areas."),
    ("access_2sfca", "Access (two-step floating catchment, Luo & Wang 2003): each program j gets R_j = S_j ÷ Σ P_k over the areas k whose point is within the catchment d₀ of it; each area's score is 1000 × Σ R_j over the programs within d₀ of its point (supply per 1,000 people within reach)."),
    ("demographic_disparity", "Demographic disparity for a group with share g of each area = Σ (S ÷ ΣS) × g − Σ (P ÷ ΣP) × g (SEDT)."),
];

/// Rate per 1,000: `1000·S/P`; `None` when `P` is 0 or missing.
pub fn rate_per_1000(s: f64, p: f64) -> Option<f64> {
    (p > 0.0).then(|| 1000.0 * s / p)
}

/// Location quotient: `LQ_i = (S_i/ΣS) / (P_i/ΣP)`. 1 is parity; `None` when a share is undefined
/// (`P_i`, `ΣS` or `ΣP` is 0).
pub fn location_quotient(s: f64, p: f64, s_total: f64, p_total: f64) -> Option<f64> {
    (p > 0.0 && s_total > 0.0 && p_total > 0.0).then(|| (s / s_total) / (p / p_total))
}

/// Geographic disparity in percentage points (Urban Institute SEDT): `100·(S_i/ΣS − P_i/ΣP)`;
/// positive means the area gets more than its share. `None` when `ΣS` or `ΣP` is 0.
pub fn disparity_pp(s: f64, p: f64, s_total: f64, p_total: f64) -> Option<f64> {
    (s_total > 0.0 && p_total > 0.0).then(|| 100.0 * (s / s_total - p / p_total))
}

/// Index of dissimilarity: `D = ½·Σ|S_i/ΣS − P_i/ΣP|`, from 0 (supply spread exactly like people)
/// to 1. `None` when `ΣS` or `ΣP` is 0.
pub fn dissimilarity(s: &[f64], p: &[f64]) -> Option<f64> {
    let (st, pt) = (s.iter().sum::<f64>(), p.iter().sum::<f64>());
    (st > 0.0 && pt > 0.0).then(|| 0.5 * s.iter().zip(p).map(|(a, b)| (a / st - b / pt).abs()).sum::<f64>())
}

/// Area indices sorted from most to least need; areas without a need value are left out. Ties keep
/// the areas' order.
pub fn need_order(need: &[Option<f64>], higher_is_more_need: bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..need.len()).filter(|&i| need[i].is_some_and(f64::is_finite)).collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (need[a].unwrap_or(0.0), need[b].unwrap_or(0.0));
        let o = x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal);
        if higher_is_more_need {
            o.reverse()
        } else {
            o
        }
    });
    idx
}

/// Need quintile of the area at 0-based position `k` of `n` in need order: `⌊5k/n⌋ + 1`
/// (1 = most need).
pub fn quintile_of(k: usize, n: usize) -> u8 {
    (5 * k / n.max(1)) as u8 + 1
}

/// A point of a concentration or Lorenz curve: cumulative population share `p`, cumulative supply
/// share `l`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Cumulative share of the denominator population.
    pub p: f64,
    /// Cumulative share of supply.
    pub l: f64,
}

/// The cumulative curve through areas in `order`, starting at (0, 0). `None` when `ΣS` or `ΣP`
/// over those areas is 0.
pub fn cumulative_curve(s: &[f64], p: &[f64], order: &[usize]) -> Option<Vec<CurvePoint>> {
    let st: f64 = order.iter().map(|&i| s[i]).sum();
    let pt: f64 = order.iter().map(|&i| p[i]).sum();
    if st <= 0.0 || pt <= 0.0 {
        return None;
    }
    let mut out = vec![CurvePoint { p: 0.0, l: 0.0 }];
    let (mut cp, mut cl) = (0.0, 0.0);
    for &i in order {
        cp += p[i];
        cl += s[i];
        out.push(CurvePoint { p: cp / pt, l: cl / st });
    }
    Some(out)
}

/// Sum over consecutive curve points of `p_t·L_{t−1} − p_{t−1}·L_t` (twice the signed area between
/// the diagonal and the curve: positive when the curve is above it).
fn signed_area(curve: &[CurvePoint]) -> f64 {
    curve.windows(2).map(|w| w[1].p * w[0].l - w[0].p * w[1].l).sum()
}

/// Concentration index with areas sorted from most to least need (`order`):
/// `C = Σ_t (p_t·L_{t−1} − p_{t−1}·L_t)`, in (−1, 1). Positive: supply is concentrated where need
/// is highest; negative: where need is lowest; 0: proportional. Returns the index and the curve.
///
/// ```
/// use equimap::engine::analysis::measures::concentration_index;
/// // All supply in the neediest area, which holds a quarter of the people: C = 1 − 1/4.
/// let (c, _) = concentration_index(&[10.0, 0.0], &[1.0, 3.0], &[0, 1]).unwrap();
/// assert!((c - 0.75).abs() < 1e-12);
/// ```
pub fn concentration_index(s: &[f64], p: &[f64], order: &[usize]) -> Option<(f64, Vec<CurvePoint>)> {
    let curve = cumulative_curve(s, p, order)?;
    Some((signed_area(&curve), curve))
}

/// Gini coefficient of supply per head: areas with `P > 0` sorted by rate `S/P` ascending,
/// `G = 1 − Σ_t (p_t − p_{t−1})(L_t + L_{t−1})`. 0 = every area has the same rate. Blind to need.
pub fn gini(s: &[f64], p: &[f64]) -> Option<(f64, Vec<CurvePoint>)> {
    let mut order: Vec<usize> = (0..s.len()).filter(|&i| p[i] > 0.0).collect();
    order.sort_by(|&a, &b| (s[a] / p[a]).partial_cmp(&(s[b] / p[b])).unwrap_or(std::cmp::Ordering::Equal).then(a.cmp(&b)));
    let curve = cumulative_curve(s, p, &order)?;
    let g = 1.0 - curve.windows(2).map(|w| (w[1].p - w[0].p) * (w[1].l + w[0].l)).sum::<f64>();
    Some((g, curve))
}

/// Demographic disparity (Urban Institute SEDT) for a group whose share of each area's population
/// is `g_i` (0–1): `Σ_i (S_i/ΣS)·g_i − Σ_i (P_i/ΣP)·g_i`. Positive: supply reaches places where the
/// group lives more than the population does. Areas with a missing share are left out of both sums.
pub fn demographic_disparity(s: &[f64], p: &[f64], g: &[Option<f64>]) -> Option<f64> {
    let keep: Vec<usize> = (0..s.len()).filter(|&i| g[i].is_some()).collect();
    let st: f64 = keep.iter().map(|&i| s[i]).sum();
    let pt: f64 = keep.iter().map(|&i| p[i]).sum();
    if st <= 0.0 || pt <= 0.0 {
        return None;
    }
    let gi = |i: usize| g[i].unwrap_or(0.0);
    Some(keep.iter().map(|&i| s[i] / st * gi(i)).sum::<f64>() - keep.iter().map(|&i| p[i] / pt * gi(i)).sum::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-12;

    #[test]
    fn hand_computed_case() {
        // Three areas: S = 2, 6, 2 (ΣS 10); P = 1000, 2000, 2000 (ΣP 5000).
        let s = [2.0, 6.0, 2.0];
        let p = [1000.0, 2000.0, 2000.0];
        assert_eq!(rate_per_1000(2.0, 1000.0), Some(2.0));
        assert_eq!(rate_per_1000(2.0, 0.0), None);
        // LQ: (0.2)/(0.2)=1, 0.6/0.4=1.5, 0.2/0.4=0.5
        assert!((location_quotient(6.0, 2000.0, 10.0, 5000.0).unwrap() - 1.5).abs() < EPS);
        assert!((location_quotient(2.0, 2000.0, 10.0, 5000.0).unwrap() - 0.5).abs() < EPS);
        // disparity: 100·(0.6−0.4) = 20 pp
        assert!((disparity_pp(6.0, 2000.0, 10.0, 5000.0).unwrap() - 20.0).abs() < EPS);
        // D = ½(|0.2−0.2| + |0.6−0.4| + |0.2−0.4|) = 0.2
        assert!((dissimilarity(&s, &p).unwrap() - 0.2).abs() < EPS);
        // Need order: area 2 neediest, then 0, then 1. Curve p: .4, .6, 1; L: .2, .4, 1.
        // C = (.4·0 − 0·.2) + (.6·.2 − .4·.4) + (1·.4 − .6·1) = 0 − .04 − .2 = −.24
        let (c, curve) = concentration_index(&s, &p, &[2, 0, 1]).unwrap();
        assert!((c + 0.24).abs() < EPS, "{c}");
        assert_eq!(curve.len(), 4);
        // Gini: rates 2, 3, 1 → order 2, 0, 1; p: .4, .6, 1; L: .2, .4, 1.
        // G = 1 − [.4·(.2+0) + .2·(.4+.2) + .4·(1+.4)] = 1 − (.08 + .12 + .56) = .24
        let (g, _) = gini(&s, &p).unwrap();
        assert!((g - 0.24).abs() < EPS, "{g}");
        // Group shares .5, .1, .3: supply-weighted .2·.5+.6·.1+.2·.3 = .22; population-weighted
        // .2·.5+.4·.1+.4·.3 = .26 → −.04.
        let d = demographic_disparity(&s, &p, &[Some(0.5), Some(0.1), Some(0.3)]).unwrap();
        assert!((d + 0.04).abs() < EPS, "{d}");
    }

    #[test]
    fn quintiles_and_order() {
        let q: Vec<u8> = (0..77).map(|k| quintile_of(k, 77)).collect();
        assert_eq!(q.iter().filter(|&&x| x == 1).count(), 16);
        assert_eq!(q.iter().filter(|&&x| x == 5).count(), 15);
        assert_eq!(need_order(&[Some(1.0), None, Some(3.0), Some(2.0)], true), vec![2, 3, 0]);
        assert_eq!(need_order(&[Some(1.0), None, Some(3.0), Some(2.0)], false), vec![0, 3, 2]);
    }

    #[test]
    fn equal_rates_give_zero() {
        let s = [1.0, 2.0, 3.0];
        let p = [10.0, 20.0, 30.0];
        assert!(gini(&s, &p).unwrap().0.abs() < EPS);
        assert!(concentration_index(&s, &p, &[2, 1, 0]).unwrap().0.abs() < EPS);
        assert!(dissimilarity(&s, &p).unwrap().abs() < EPS);
    }
}
