//! The count intervals on the bundled exports, checked by their definition rather than by the
//! code's method: at the Garwood bounds the Poisson tail probabilities (summed term by term here)
//! are 2.5 %, and at the rate ratio's bounds the binomial tails of the area's share are 2.5 %
//! (to 1e-5: the bounds are given to six significant digits).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use equimap::engine::analysis::intervals::Significance;
use equimap::engine::view::Supply;
use equimap::engine::{analyze, read_csv, View};

fn ln_factorial(n: u64) -> f64 {
    (1..=n).map(|i| (i as f64).ln()).sum()
}

/// P(X ≤ k) for X ~ Poisson(mu), term by term.
fn poisson_cdf(k: u64, mu: f64) -> f64 {
    (0..=k).map(|i| (-mu + i as f64 * mu.ln() - ln_factorial(i)).exp()).sum()
}

/// P(X ≤ x) for X ~ Binomial(n, p), term by term.
fn binomial_cdf(x: u64, n: u64, p: f64) -> f64 {
    (0..=x)
        .map(|i| (ln_factorial(n) - ln_factorial(i) - ln_factorial(n - i) + i as f64 * p.ln() + (n - i) as f64 * (1.0 - p).ln()).exp())
        .sum()
}

#[test]
fn chicago_2024_programs_per_area_carry_exact_intervals() {
    let path = common::shared().join("chicago/programs/mcmf_programs_2024.csv");
    let ing = read_csv("mcmf.csv", &std::fs::read(path).unwrap()).unwrap();
    let view = View { supply: Supply::Programs, ..View::default() };
    let a = analyze(&common::chicago(), &ing, &view).unwrap();
    let total: f64 = a.areas.iter().filter(|r| r.denominator.is_some_and(|p| p > 0.0)).map(|r| r.supply).sum();
    let people: f64 = a.areas.iter().filter_map(|r| r.denominator).sum();
    let mut seen = [0usize; 3];
    for r in &a.areas {
        let k = r.supply as u64;
        let [lo, hi] = r.supply_ci95.unwrap();
        // Garwood by definition: P(X ≥ k | lo) = 2.5 %, P(X ≤ k | hi) = 2.5 %.
        if k > 0 {
            assert!((1.0 - poisson_cdf(k - 1, lo) - 0.025).abs() < 1e-5, "{} lo", r.name);
        }
        assert!((poisson_cdf(k, hi) - 0.025).abs() < 1e-5, "{} hi", r.name);
        let p = r.denominator.unwrap();
        let [rlo, rhi] = r.rate_per_1000_ci95.unwrap();
        assert!((rlo - 1000.0 * lo / p).abs() < 1e-9 && (rhi - 1000.0 * hi / p).abs() < 1e-9);
        // The rate ratio's bounds: the binomial share π = Pa·RR/(Pa·RR + Pb) at which the area's
        // count is in the upper (lower) 2.5 % tail.
        let (n, pb) = ((total as u64), people - p);
        let [qlo, qhi] = r.rate_ratio_rest_ci95.unwrap();
        let share = |rr: f64| p * rr / (p * rr + pb);
        if k > 0 {
            assert!((1.0 - binomial_cdf(k - 1, n, share(qlo)) - 0.025).abs() < 1e-5, "{} rr lo", r.name);
        }
        if k < n {
            assert!((binomial_cdf(k, n, share(qhi)) - 0.025).abs() < 1e-5, "{} rr hi", r.name);
        }
        let want = if qlo > 1.0 {
            Significance::Above
        } else if qhi < 1.0 {
            Significance::Below
        } else {
            Significance::NotDistinguishable
        };
        assert_eq!(r.significance, Some(want));
        seen[want as usize] += 1;
    }
    assert!(seen.iter().all(|&n| n > 0), "areas above, below and not distinguishable: {seen:?}");
}

#[test]
fn sums_of_money_get_no_count_interval() {
    let path = common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv");
    let ing = read_csv("ac.csv", &std::fs::read(path).unwrap()).unwrap();
    let view = View { supply: Supply::parse("sum:2023-26 Annual Funding (Offered 4 Nov 2022)").unwrap(), ..View::default() };
    let a = analyze(&common::west_midlands(), &ing, &view).unwrap();
    assert!(a.areas.iter().all(|r| r.supply_ci95.is_none() && r.significance.is_none() && r.rate_ratio_rest.is_none()));
}

/// The concentration index by its covariance form (Kakwani, Wagstaff & van Doorslaer 1997), with
/// areas ranked from most to least need: `C = −(2/μ)·Σ wᵢ (rᵢ − μ)(Rᵢ − ½)`, `wᵢ` the population
/// share, `rᵢ` the rate, `μ` the mean rate, `Rᵢ` the fractional rank (the cumulative share before
/// the area plus half its own). The minus sign: ours is positive when supply is concentrated where
/// need is highest, first in the ranking.
fn concentration_by_covariance(s: &[f64], p: &[f64], order: &[usize]) -> Option<f64> {
    let pt: f64 = order.iter().map(|&i| p[i]).sum();
    let st: f64 = order.iter().map(|&i| s[i]).sum();
    if st <= 0.0 || pt <= 0.0 {
        return None;
    }
    let mu = st / pt;
    let (mut before, mut cov) = (0.0, 0.0);
    for &i in order {
        let w = p[i] / pt;
        let rank = before + w / 2.0;
        before += w;
        if p[i] > 0.0 {
            cov += w * (s[i] / p[i] - mu) * (rank - 0.5);
        }
    }
    Some(-2.0 * cov / mu)
}

/// The Gini of rates by its mean-difference form: `Σᵢ Σⱼ Pᵢ Pⱼ |rᵢ − rⱼ| / (2·(ΣP)²·μ)`.
fn gini_by_mean_difference(s: &[f64], p: &[f64]) -> Option<f64> {
    let keep: Vec<usize> = (0..s.len()).filter(|&i| p[i] > 0.0).collect();
    let pt: f64 = keep.iter().map(|&i| p[i]).sum();
    let st: f64 = keep.iter().map(|&i| s[i]).sum();
    if st <= 0.0 {
        return None;
    }
    let mu = st / pt;
    let sum: f64 = keep.iter().flat_map(|&i| keep.iter().map(move |&j| p[i] * p[j] * (s[i] / p[i] - s[j] / p[j]).abs())).sum();
    Some(sum / (2.0 * pt * pt * mu))
}

/// A 95 % percentile interval by the textbook rule on 2,000 values: the 50th and 1,951st smallest.
fn ranks_50_and_1951(mut v: Vec<f64>) -> [f64; 2] {
    assert_eq!(v.len(), 2000);
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    [v[49], v[1950]]
}

/// The indices' bootstrap intervals on the 2024 export, by a second implementation: the same
/// generator and seed, the same Poisson draws, but the indices computed by their other forms
/// (covariance, mean difference) and the interval by its ranks; the intervals agree to rounding.
#[test]
fn index_intervals_equal_a_second_bootstrap() {
    let path = common::shared().join("chicago/programs/mcmf_programs_2024.csv");
    let ing = read_csv("mcmf.csv", &std::fs::read(path).unwrap()).unwrap();
    second_bootstrap(&analyze(&common::chicago(), &ing, &View { supply: Supply::Programs, ..View::default() }).unwrap());
    // The Arts Council's organisations counted per West Midlands district (30 areas, some with 0).
    let path = common::shared().join("west-midlands/uploads/arts-council-investment-programme.csv");
    let ing = read_csv("ac.csv", &std::fs::read(path).unwrap()).unwrap();
    let wm = analyze(&common::west_midlands(), &ing, &View { supply: Supply::Rows, ..View::default() }).unwrap();
    assert_eq!(wm.areas.len(), 30);
    second_bootstrap(&wm);
    // Sums of money get none.
    let view = View { supply: Supply::parse("sum:2023-26 Annual Funding (Offered 4 Nov 2022)").unwrap(), ..View::default() };
    let a = analyze(&common::west_midlands(), &ing, &view).unwrap();
    assert!(a.summary.bootstrap.is_none() && a.summary.gini_ci95.is_none() && a.quintiles[0].supply_share_ci95.is_none());
}

/// Redoes `a`'s bootstrap by the other forms of the indices and checks its intervals.
fn second_bootstrap(a: &equimap::engine::Analysis) {
    use equimap::engine::analysis::bootstrap::{poisson, SplitMix64};
    let b = a.summary.bootstrap.expect("counts get bootstrap intervals");
    assert_eq!(b.replicates, 2000);
    let s: Vec<f64> = a.areas.iter().map(|r| r.supply).collect();
    let p: Vec<f64> = a.areas.iter().map(|r| r.denominator.unwrap_or(0.0)).collect();
    // Most need first: the need quintile, then the need value, in the need's direction.
    let mut order: Vec<usize> = (0..s.len()).filter(|&i| a.areas[i].need.is_some()).collect();
    let sign = if a.resolved.higher_is_more_need { -1.0 } else { 1.0 };
    order.sort_by(|&x, &y| (sign * a.areas[x].need.unwrap()).partial_cmp(&(sign * a.areas[y].need.unwrap())).unwrap());
    // The point estimates agree first (the other forms are right).
    assert!((concentration_by_covariance(&s, &p, &order).unwrap() - a.summary.concentration_index.unwrap()).abs() < 1e-9);
    assert!((gini_by_mean_difference(&s, &p).unwrap() - a.summary.gini.unwrap()).abs() < 1e-9);
    let mut rng = SplitMix64::new(b.seed);
    let (mut c, mut g, mut d, mut q1) = (vec![], vec![], vec![], vec![]);
    for _ in 0..b.replicates {
        let drawn: Vec<f64> = s.iter().map(|&m| poisson(&mut rng, m)).collect();
        c.push(concentration_by_covariance(&drawn, &p, &order).unwrap());
        g.push(gini_by_mean_difference(&drawn, &p).unwrap());
        let (st, pt): (f64, f64) = (drawn.iter().sum(), p.iter().sum());
        d.push(0.5 * drawn.iter().zip(&p).map(|(x, y)| (x / st - y / pt).abs()).sum::<f64>());
        let in_order: f64 = order.iter().map(|&i| drawn[i]).sum();
        let first: f64 = order.iter().filter(|&&i| a.areas[i].need_quintile == Some(1)).map(|&i| drawn[i]).sum();
        q1.push(first / in_order);
    }
    let close = |x: [f64; 2], y: Option<[f64; 2]>, what: &str| {
        let y = y.unwrap_or_else(|| panic!("{what}: no interval"));
        assert!((x[0] - y[0]).abs() < 1e-9 && (x[1] - y[1]).abs() < 1e-9, "{what}: {x:?} vs {y:?}");
    };
    close(ranks_50_and_1951(c), a.summary.concentration_index_ci95, "concentration index");
    close(ranks_50_and_1951(g), a.summary.gini_ci95, "gini");
    close(ranks_50_and_1951(d), a.summary.dissimilarity_ci95, "dissimilarity");
    close(ranks_50_and_1951(q1), a.quintiles[0].supply_share_ci95, "quintile 1's share");
    // Each interval holds its point estimate (a sanity check on the draws' centre).
    let [lo, hi] = a.summary.concentration_index_ci95.unwrap();
    assert!(lo < a.summary.concentration_index.unwrap() && a.summary.concentration_index.unwrap() < hi);
}
