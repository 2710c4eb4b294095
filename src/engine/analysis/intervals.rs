//! Exact 95 % intervals for counts (issue 21, part one): an area's count of rows or programs is
//! taken as Poisson, so
//!
//! - its count `k` has the exact (Garwood) interval `[χ²(0.025; 2k)/2, χ²(0.975; 2k+2)/2]` — the
//!   gamma quantiles `Γ⁻¹(0.025; k)` and `Γ⁻¹(0.975; k+1)` — and its rate per 1,000 that interval
//!   times `1000/P`;
//! - its rate ratio to the rest of the region, `RR = (a/Pₐ)/(b/P_b)` with `b = ΣS − a`, has the
//!   exact conditional interval: given `a + b`, `a` is binomial with `π = Pₐ·RR/(Pₐ·RR + P_b)`, so
//!   the Clopper–Pearson interval `[B⁻¹(0.025; a, b+1), B⁻¹(0.975; a+1, b)]` on `π` becomes
//!   `RR = π/(1−π) · P_b/Pₐ`;
//! - the area is *above* (below) the rest when that interval lies wholly above (below) 1, else
//!   *not distinguishable*.
//!
//! Sums of money or seats have no count model: they get no interval (`None`), never a wrong one.

use serde::{Deserialize, Serialize};

/// Whether an area's rate differs from the rest of the region's, by its rate ratio's interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Significance {
    /// The interval lies above 1.
    Above,
    /// The interval lies below 1.
    Below,
    /// The interval contains 1.
    NotDistinguishable,
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let s: f64 = G[0] + G.iter().enumerate().skip(1).map(|(i, g)| g / (x + i as f64)).sum::<f64>();
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

/// The regularised lower incomplete gamma function P(a, x) (series below a + 1, else Lentz's
/// continued fraction).
fn gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let front = (-x + a * x.ln() - ln_gamma(a)).exp();
    if x < a + 1.0 {
        let (mut sum, mut term, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        return (sum * front).min(1.0);
    }
    1.0 - front
        * continued_fraction(|i| if i == 0 { (1.0, x + 1.0 - a) } else { (-(i as f64) * (i as f64 - a), x + 1.0 - a + 2.0 * i as f64) })
}

/// The regularised incomplete beta function I_x(a, b) (continued fraction, with the symmetry
/// I_x(a, b) = 1 − I_{1−x}(b, a) where it converges faster).
fn beta_i(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - beta_i(1.0 - x, b, a);
    }
    let front = (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp() / a;
    // The continued fraction 1/(1+ d1/(1+ d2/(1+ …))) of Numerical Recipes' betacf.
    let d = |m: usize| {
        let k = (m / 2) as f64;
        if m % 2 == 1 {
            -(a + k) * (a + b + k) * x / ((a + 2.0 * k) * (a + 2.0 * k + 1.0))
        } else {
            k * (b - k) * x / ((a + 2.0 * k - 1.0) * (a + 2.0 * k))
        }
    };
    front * continued_fraction(|i| if i == 0 { (1.0, 1.0) } else { (d(i), 1.0) })
}

/// The value of the continued fraction a₀/(b₀ + a₁/(b₁ + …)) with terms `(aᵢ, bᵢ)` (modified
/// Lentz).
fn continued_fraction(term: impl Fn(usize) -> (f64, f64)) -> f64 {
    const TINY: f64 = 1e-300;
    let (a0, b0) = term(0);
    let mut f = TINY;
    let (mut c, mut d) = (f, 0.0);
    let mut step = |a: f64, b: f64| {
        d = b + a * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = b + a / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        (delta - 1.0).abs()
    };
    step(a0, b0);
    for i in 1..10_000 {
        let (a, b) = term(i);
        if step(a, b) < 1e-15 {
            break;
        }
    }
    f
}

/// The x in [lo, hi] where the increasing function `cdf` reaches `p` (bisection to 1e-12 relative).
fn solve(p: f64, mut lo: f64, mut hi: f64, cdf: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi.max(1e-300) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Γ⁻¹(p; a): the x with P(a, x) = p.
fn gamma_quantile(p: f64, a: f64) -> f64 {
    let mut hi = a + 10.0 * a.sqrt() + 20.0;
    while gamma_p(a, hi) < p {
        hi *= 2.0;
    }
    solve(p, 0.0, hi, |x| gamma_p(a, x))
}

/// B⁻¹(p; a, b): the x with I_x(a, b) = p.
fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    solve(p, 0.0, 1.0, |x| beta_i(x, a, b))
}

/// The exact (Garwood) 95 % interval of a Poisson count `k` (a whole number ≥ 0).
///
/// ```
/// use equimap::engine::analysis::intervals::poisson_ci95;
/// let (lo, hi) = poisson_ci95(0.0);
/// assert_eq!(lo, 0.0);
/// assert!((hi - 3.688879).abs() < 1e-5);
/// ```
pub fn poisson_ci95(k: f64) -> (f64, f64) {
    let lo = if k <= 0.0 { 0.0 } else { gamma_quantile(0.025, k) };
    (lo, gamma_quantile(0.975, k + 1.0))
}

/// The Clopper–Pearson 95 % interval of a binomial proportion: `x` successes of `n`.
///
/// ```
/// use equimap::engine::analysis::intervals::clopper_pearson_ci95;
/// let (lo, hi) = clopper_pearson_ci95(5.0, 10.0);
/// assert!((lo - 0.187086).abs() < 1e-5 && (hi - 0.812914).abs() < 1e-5);
/// ```
pub fn clopper_pearson_ci95(x: f64, n: f64) -> (f64, f64) {
    let lo = if x <= 0.0 { 0.0 } else { beta_quantile(0.025, x, n - x + 1.0) };
    let hi = if x >= n { 1.0 } else { beta_quantile(0.975, x + 1.0, n - x) };
    (lo, hi)
}

/// An area's rate ratio to the rest of the region and its exact conditional 95 % interval: `a`
/// of its count over population `pa`, `b` the rest's count over `pb` (see the module). `None`
/// without people on either side or without any count.
pub fn rate_ratio_rest(a: f64, pa: f64, b: f64, pb: f64) -> Option<(f64, (f64, f64))> {
    if pa <= 0.0 || pb <= 0.0 || a + b <= 0.0 {
        return None;
    }
    let (lo, hi) = clopper_pearson_ci95(a, a + b);
    let ratio = |pi: f64| if pi >= 1.0 { f64::INFINITY } else { pi / (1.0 - pi) * pb / pa };
    let point = if b > 0.0 { (a / pa) / (b / pb) } else { f64::INFINITY };
    Some((point, (ratio(lo), ratio(hi))))
}

/// The ACS guidance's limit on a denominator's coefficient of variation: above it, an estimate
/// is unreliable.
pub const UNRELIABLE_CV: f64 = 0.30;

/// The 90 % margin of error of a rate per 1,000 whose denominator `p` is an estimate with 90 %
/// margin `moe_p` and whose numerator is a count taken as fixed: the Census Bureau's formula for
/// a ratio, `MOE(r) = r · MOE(P) / P` (ACS General Handbook, ch. 8). `None` when `p` is 0.
///
/// ```
/// use equimap::engine::analysis::intervals::rate_moe90;
/// // 12 programs for 1,500 ± 300 children: 8 per 1,000 ± 1.6.
/// assert!((rate_moe90(8.0, 1500.0, 300.0).unwrap() - 1.6).abs() < 1e-12);
/// ```
pub fn rate_moe90(rate: f64, p: f64, moe_p: f64) -> Option<f64> {
    (p > 0.0).then(|| rate * moe_p / p)
}

/// Whether a denominator estimate `p` with 90 % margin `moe_p` is unreliable: its coefficient
/// of variation `(MOE/1.645)/P` exceeds [`UNRELIABLE_CV`] (or `p` is 0).
pub fn unreliable(p: f64, moe_p: f64) -> bool {
    p <= 0.0 || (moe_p / 1.645) / p > UNRELIABLE_CV
}

/// `x` to six significant digits: interval bounds are found numerically, and the last digits of a
/// bound differ between the browser's and the command line's maths; rounded, both give the same
/// figures (Rust's float formatting rounds exactly on every target).
pub fn six_digits(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.5e}").parse().unwrap_or(x)
}

/// Above, below or not distinguishable from the rest, by the rate ratio's interval.
pub fn significance((lo, hi): (f64, f64)) -> Significance {
    if lo > 1.0 {
        Significance::Above
    } else if hi < 1.0 {
        Significance::Below
    } else {
        Significance::NotDistinguishable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values from SciPy 1.x, computed independently of this code:
    /// `chi2.ppf(0.025, 2k)/2`, `chi2.ppf(0.975, 2k+2)/2` and `beta.ppf(0.025, x, n-x+1)`,
    /// `beta.ppf(0.975, x+1, n-x)` (`binomtest(...).proportion_ci(method='exact')` agrees).
    const GARWOOD: [(f64, f64, f64); 8] = [
        (0.0, 0.0, 3.6888794541139354),
        (1.0, 0.025317807984289876, 5.571643390938898),
        (2.0, 0.24220927854396496, 7.22468766772396),
        (5.0, 1.6234863901184207, 11.66833207932267),
        (10.0, 4.7953886961324335, 18.39035604201778),
        (37.0, 26.05141456710603, 50.999626141930825),
        (250.0, 219.9679956309373, 282.98770504231607),
        (4000.0, 3876.99084827249, 4125.918917806662),
    ];
    const CLOPPER_PEARSON: [(f64, f64, f64, f64); 6] = [
        (1.0, 10.0, 0.0025285785444617848, 0.4450161170281954),
        (5.0, 10.0, 0.18708602844739855, 0.8129139715526015),
        (3.0, 250.0, 0.00248155825470304, 0.034666614574743924),
        (120.0, 400.0, 0.2554667280953098, 0.3475218790736496),
        (0.0, 7.0, 0.0, 0.40961639722500337),
        (7.0, 7.0, 0.5903836027749966, 1.0),
    ];

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn garwood_intervals_are_the_chi_square_quantiles() {
        for (k, lo, hi) in GARWOOD {
            let got = poisson_ci95(k);
            assert!(close(got.0, lo) && close(got.1, hi), "k={k}: {got:?} vs ({lo}, {hi})");
        }
    }

    #[test]
    fn clopper_pearson_intervals_are_the_beta_quantiles() {
        for (x, n, lo, hi) in CLOPPER_PEARSON {
            let got = clopper_pearson_ci95(x, n);
            assert!(close(got.0, lo) && close(got.1, hi), "{x}/{n}: {got:?} vs ({lo}, {hi})");
        }
    }

    #[test]
    fn a_rate_ratio_to_the_rest_by_hand() {
        // 10 programs for 1,000 people against 20 for the other 4,000: RR = (10/1000)/(20/4000) = 2;
        // π's exact interval (SciPy: 0.17287422152603915, 0.5281200447898806) × odds × 4000/1000.
        let (rr, (lo, hi)) = rate_ratio_rest(10.0, 1000.0, 20.0, 4000.0).unwrap();
        assert!(close(rr, 2.0));
        assert!(close(lo, 0.8360238600953313) && close(hi, 4.476732176976821), "{lo} {hi}");
        assert_eq!(significance((lo, hi)), Significance::NotDistinguishable);
        // 40 for 1,000 against 20 for 4,000 is above; none for 1,000 against 60 for 4,000 below.
        assert_eq!(significance(rate_ratio_rest(40.0, 1000.0, 20.0, 4000.0).unwrap().1), Significance::Above);
        assert_eq!(significance(rate_ratio_rest(0.0, 1000.0, 60.0, 4000.0).unwrap().1), Significance::Below);
        assert_eq!(rate_ratio_rest(0.0, 1000.0, 0.0, 4000.0), None);
    }
}
