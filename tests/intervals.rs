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
