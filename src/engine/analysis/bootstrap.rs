//! 95 % intervals for the summary indices (issue 21, part three), by parametric bootstrap: each of
//! [`REPLICATES`] replicates redraws every area's count from a Poisson distribution whose mean is
//! the area's observed count, keeps the populations and the need order, and recomputes the
//! concentration index, the Gini, the dissimilarity and each need quintile's share of supply. The
//! interval is the percentile interval of the replicates: sorted, the values of rank
//! `k = ⌊(R+1)·0.025⌋` and `R+1−k` (for R = 2,000: the 50th and the 1,951st). Replicates where an
//! index is undefined (no supply drawn at all) are left out of that index's R.
//!
//! The Gini and the dissimilarity are never below 0 and noise alone makes them positive, so their
//! interval cannot say whether the unevenness is real. For them the same number of replicates is
//! also drawn under *chance*: every area's mean is its share of the people times ΣS (supply exactly
//! following population), and the 97.5th percentile of those replicates is the most unevenness
//! chance gives ([`ChanceBands`]). An index above it is more uneven than chance.
//!
//! The generator is SplitMix64 from [`SEED`], one uniform per draw, and the Poisson draws invert
//! each area's tabulated distribution ([`Poisson`]) with exact arithmetic alone, so a view gives
//! the same interval every time, in the page and the command line.
//! Counts of rows or programs only: sums of money or seats have no count model and get none.

use serde::{Deserialize, Serialize};

use super::measures;

/// Replicates per interval.
pub const REPLICATES: usize = 2000;
/// The generator's seed.
pub const SEED: u64 = 2021;

/// How the intervals were drawn (in the summary, so a reader can redo them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Replicates per interval.
    pub replicates: usize,
    /// The SplitMix64 seed.
    pub seed: u64,
}

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit state, one addition and a mix per draw.
///
/// ```
/// use equimap::engine::analysis::bootstrap::SplitMix64;
/// // The reference implementation's first output from seed 0.
/// assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
/// ```
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator at `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform draw in [0, 1) with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// A Poisson distribution of one mean, drawn by inversion of its cumulative distribution,
/// tabulated once (an area's count is redrawn thousands of times): the probabilities from the mode
/// outwards by the recurrences `p(k+1) = p(k)·λ/(k+1)` and `p(k−1) = p(k)·k/λ` over
/// `λ ± (10√λ + 10)` (the mass beyond is below 10⁻²⁰), normalised; a draw is the first `k` whose
/// cumulative probability exceeds a uniform draw. Only `+ − × ÷` and `√`, so the table and the
/// draws are the same on every target.
#[derive(Debug, Clone)]
pub struct Poisson {
    /// The first value of the table.
    start: f64,
    /// `P(X ≤ start + i)`; empty for a mean of 0.
    cdf: Vec<f64>,
}

impl Poisson {
    /// The distribution of mean `lambda` (always 0 for a mean of 0 or less).
    pub fn new(lambda: f64) -> Self {
        if lambda <= 0.0 || !lambda.is_finite() {
            return Poisson { start: 0.0, cdf: Vec::new() };
        }
        // √, ⌊⌋ and ⌈⌉ are exact (IEEE) on every target.
        let reach = 10.0 * lambda.sqrt() + 10.0;
        let lo = (lambda - reach).floor().max(0.0);
        let hi = (lambda + reach).ceil();
        let mode = lambda.floor();
        let len = (hi - lo) as usize + 1;
        let at = (mode - lo) as usize;
        let mut pmf = vec![0.0; len];
        pmf[at] = 1.0;
        for i in at + 1..len {
            pmf[i] = pmf[i - 1] * lambda / (lo + i as f64);
        }
        for i in (0..at).rev() {
            pmf[i] = pmf[i + 1] * (lo + i as f64 + 1.0) / lambda;
        }
        let total: f64 = pmf.iter().sum();
        let mut sum = 0.0;
        let mut cdf: Vec<f64> = pmf
            .iter()
            .map(|p| {
                sum += p;
                sum / total
            })
            .collect();
        if let Some(last) = cdf.last_mut() {
            *last = 1.0;
        }
        Poisson { start: lo, cdf }
    }

    /// One draw.
    pub fn draw(&self, rng: &mut SplitMix64) -> f64 {
        if self.cdf.is_empty() {
            return 0.0;
        }
        let u = rng.next_f64();
        let k = self.cdf.partition_point(|&c| c <= u).min(self.cdf.len() - 1);
        self.start + k as f64
    }
}

/// A draw from a Poisson distribution of mean `lambda` (0 for a mean of 0 or less), by
/// [`Poisson`]'s tabulated inversion.
pub fn poisson(rng: &mut SplitMix64, lambda: f64) -> f64 {
    Poisson::new(lambda).draw(rng)
}

/// The percentile interval of `values` (sorted here): ranks `k = ⌊(n+1)·0.025⌋` and `n+1−k`.
/// `None` when fewer than 40 values (too few for a 95 % interval).
pub fn percentile_ci95(values: &mut [f64]) -> Option<[f64; 2]> {
    let n = values.len();
    if n < 40 {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let k = ((n + 1) as f64 * 0.025).floor() as usize;
    Some([values[k - 1], values[n - k]])
}

/// The bootstrap intervals of one view's indices.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndexIntervals {
    /// Of the concentration index.
    pub concentration_index: Option<[f64; 2]>,
    /// Of the Gini.
    pub gini: Option<[f64; 2]>,
    /// Of the dissimilarity.
    pub dissimilarity: Option<[f64; 2]>,
    /// Of each need quintile's share of supply (quintile 1 first).
    pub quintile_shares: Vec<Option<[f64; 2]>>,
}

/// The most unevenness chance gives: the 97.5th percentile of the Gini and the dissimilarity over
/// replicates drawn with supply exactly following population.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ChanceBands {
    /// Of the Gini.
    pub gini: Option<f64>,
    /// Of the dissimilarity.
    pub dissimilarity: Option<f64>,
}

/// The concentration index of `s` over `p` in need order `order` (= [`measures::concentration_index`],
/// without building the curve).
fn concentration(s: &[f64], p: &[f64], order: &[usize]) -> Option<f64> {
    let (st, pt) = order.iter().fold((0.0, 0.0), |(a, b), &i| (a + s[i], b + p[i]));
    if st <= 0.0 || pt <= 0.0 {
        return None;
    }
    let (mut cp, mut cl, mut sum) = (0.0, 0.0, 0.0);
    for &i in order {
        let (np, nl) = (cp + p[i] / pt, cl + s[i] / st);
        sum += np * cl - cp * nl;
        (cp, cl) = (np, nl);
    }
    Some(sum)
}

/// The Gini of `s` over `p` (= [`measures::gini`]): `by_rate` holds the areas with people, in any
/// order, and is sorted here by rate, ties by area.
fn gini(s: &[f64], p: &[f64], by_rate: &mut [(u64, u32)]) -> Option<f64> {
    for e in by_rate.iter_mut() {
        let i = e.1 as usize;
        // Rates are never negative, so their bit patterns sort as they do (ties by area); one
        // sort of `(u64, u32)` pairs serves the whole engine (a smaller web build).
        e.0 = (s[i] / p[i]).to_bits();
    }
    by_rate.sort_unstable();
    let (st, pt) = by_rate.iter().fold((0.0, 0.0), |(a, b), &(_, i)| (a + s[i as usize], b + p[i as usize]));
    if st <= 0.0 || pt <= 0.0 {
        return None;
    }
    let (mut cp, mut cl, mut sum) = (0.0, 0.0, 0.0);
    for &(_, i) in by_rate.iter() {
        let i = i as usize;
        let (np, nl) = (cp + p[i] / pt, cl + s[i] / st);
        sum += (np - cp) * (nl + cl);
        (cp, cl) = (np, nl);
    }
    Some(1.0 - sum)
}

/// The areas with people, for [`gini`].
fn with_people(p: &[f64]) -> Vec<(u64, u32)> {
    (0..p.len()).filter(|&i| p[i] > 0.0).map(|i| (0, i as u32)).collect()
}

/// The bootstrap intervals of counts `s` over populations `p`, with areas in need order `order`
/// and their need quintiles `quintile` (1–5, `None` without a need value).
pub fn index_intervals(s: &[f64], p: &[f64], order: &[usize], quintile: &[Option<u8>], settings: Settings) -> IndexIntervals {
    let mut rng = SplitMix64::new(settings.seed);
    let laws: Vec<Poisson> = s.iter().map(|&m| Poisson::new(m)).collect();
    let mut drawn = vec![0.0; s.len()];
    let mut by_rate = with_people(p);
    let r = settings.replicates;
    let (mut ci, mut gi, mut dis) = (Vec::with_capacity(r), Vec::with_capacity(r), Vec::with_capacity(r));
    let mut shares: Vec<Vec<f64>> = (0..5).map(|_| Vec::with_capacity(r)).collect();
    for _ in 0..r {
        for (d, law) in drawn.iter_mut().zip(&laws) {
            *d = law.draw(&mut rng);
        }
        ci.extend(concentration(&drawn, p, order));
        gi.extend(gini(&drawn, p, &mut by_rate));
        dis.extend(measures::dissimilarity(&drawn, p));
        let total: f64 = order.iter().map(|&i| drawn[i]).sum();
        if total > 0.0 {
            let mut per = [0.0; 5];
            for &i in order {
                if let Some(q) = quintile[i] {
                    per[usize::from(q) - 1] += drawn[i];
                }
            }
            for (q, v) in per.iter().enumerate() {
                shares[q].push(v / total);
            }
        }
    }
    IndexIntervals {
        concentration_index: percentile_ci95(&mut ci),
        gini: percentile_ci95(&mut gi),
        dissimilarity: percentile_ci95(&mut dis),
        quintile_shares: shares.iter_mut().map(|v| percentile_ci95(v)).collect(),
    }
}

/// The most unevenness chance gives ([`ChanceBands`]) for a total of `s_total` spread over
/// populations `p`: each area's mean is `s_total·P/ΣP`.
pub fn chance_bands(s_total: f64, p: &[f64], settings: Settings) -> ChanceBands {
    let p_total: f64 = p.iter().sum();
    if s_total <= 0.0 || p_total <= 0.0 {
        return ChanceBands::default();
    }
    // Its own stream, so these draws do not depend on the intervals' draws.
    let mut rng = SplitMix64::new(settings.seed ^ 0x5EED_C4A9_CE00_0001);
    let laws: Vec<Poisson> = p.iter().map(|pi| Poisson::new(s_total * pi / p_total)).collect();
    let mut drawn = vec![0.0; p.len()];
    let mut by_rate = with_people(p);
    let (mut gi, mut dis) = (Vec::with_capacity(settings.replicates), Vec::with_capacity(settings.replicates));
    for _ in 0..settings.replicates {
        for (d, law) in drawn.iter_mut().zip(&laws) {
            *d = law.draw(&mut rng);
        }
        gi.extend(gini(&drawn, p, &mut by_rate));
        dis.extend(measures::dissimilarity(&drawn, p));
    }
    ChanceBands { gini: percentile_ci95(&mut gi).map(|c| c[1]), dissimilarity: percentile_ci95(&mut dis).map(|c| c[1]) }
}

/// The bootstrap's figures for one analysis, added to it by
/// [`super::result::Analysis::add_uncertainty`] (in the
/// page, sent after the figures with the placement's evidence, so the figures never wait).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uncertainty {
    /// The intervals of the indices and the quintiles' shares.
    pub concentration_index_ci95: Option<[f64; 2]>,
    /// Of the Gini.
    pub gini_ci95: Option<[f64; 2]>,
    /// Of the dissimilarity.
    pub dissimilarity_ci95: Option<[f64; 2]>,
    /// The most Gini chance gives.
    pub gini_chance: Option<f64>,
    /// The most dissimilarity chance gives.
    pub dissimilarity_chance: Option<f64>,
    /// Of each need quintile's share of supply (quintile 1 first).
    pub quintile_shares: Vec<Option<[f64; 2]>>,
    /// How they were drawn.
    pub settings: Settings,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mean and variance of many draws are the Poisson's (both λ), small and large.
    #[test]
    fn poisson_draws_have_the_right_mean_and_variance() {
        let mut rng = SplitMix64::new(7);
        for lambda in [0.3, 2.0, 9.5, 10.0, 37.0, 1500.0, 250_000.0] {
            let n = 200_000;
            let law = Poisson::new(lambda);
            let draws: Vec<f64> = (0..n).map(|_| law.draw(&mut rng)).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            // Standard error of the mean √(λ/n); of the variance about λ·√(2/n) (+ the excess kurtosis).
            assert!((mean - lambda).abs() < 5.0 * (lambda / n as f64).sqrt(), "λ {lambda}: mean {mean}");
            assert!((var - lambda).abs() < 6.0 * lambda * (2.0 / n as f64).sqrt() + 0.01, "λ {lambda}: variance {var}");
            assert!(draws.iter().all(|d| *d >= 0.0 && d.fract() == 0.0));
        }
        // P(X = 0) for λ = 2 is e⁻² = 0.1353.
        let two = Poisson::new(2.0);
        let zeros = (0..100_000).filter(|_| two.draw(&mut rng) == 0.0).count() as f64 / 100_000.0;
        assert!((zeros - (-2.0f64).exp()).abs() < 0.005, "{zeros}");
    }

    /// The allocation-free forms equal the measures' own on random counts.
    #[test]
    fn fast_indices_equal_the_measures() {
        let mut rng = SplitMix64::new(3);
        for _ in 0..50 {
            let n = 40;
            let s: Vec<f64> = (0..n).map(|_| poisson(&mut rng, 4.0)).collect();
            let p: Vec<f64> = (0..n).map(|i| if i % 9 == 0 { 0.0 } else { 100.0 + (rng.next_u64() % 5000) as f64 }).collect();
            let order: Vec<usize> = (0..n).rev().collect();
            let c = concentration(&s, &p, &order).unwrap();
            assert!((c - measures::concentration_index(&s, &p, &order).unwrap().0).abs() < 1e-12);
            let g = gini(&s, &p, &mut with_people(&p)).unwrap();
            assert!((g - measures::gini(&s, &p).unwrap().0).abs() < 1e-12);
        }
    }

    /// The table's cumulative probabilities equal the Poisson's, summed term by term from 0 with
    /// `e^−λ λᵏ/k!` in logs (another way).
    #[test]
    fn table_is_the_poisson_cdf() {
        for lambda in [0.7, 4.0, 23.5, 180.0] {
            let t = Poisson::new(lambda);
            let mut cdf = 0.0;
            let mut ln_fact = 0.0;
            for k in 0..(lambda * 2.0 + 30.0) as usize {
                if k > 0 {
                    ln_fact += (k as f64).ln();
                }
                cdf += (-lambda + k as f64 * lambda.ln() - ln_fact).exp();
                let i = k as f64 - t.start;
                if i >= 0.0 && (i as usize) < t.cdf.len() {
                    assert!((t.cdf[i as usize] - cdf).abs() < 1e-9, "λ {lambda}, k {k}: {} vs {cdf}", t.cdf[i as usize]);
                } else if i < 0.0 {
                    assert!(cdf < 1e-20, "λ {lambda}: mass {cdf} below the table");
                }
            }
        }
    }

    #[test]
    fn percentile_ranks() {
        // 2,000 values 1..=2000: ranks 50 and 1,951.
        let mut v: Vec<f64> = (1..=2000).rev().map(f64::from).collect();
        assert_eq!(percentile_ci95(&mut v), Some([50.0, 1951.0]));
        assert_eq!(percentile_ci95(&mut [1.0; 39]), None);
    }
}
