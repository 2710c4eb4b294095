//! Choropleth classes: quantile, equal interval and Fisher-Jenks natural breaks.

use crate::engine::view::Classes;

/// Upper bounds of `k` classes for `values` (non-finite values ignored). The last bound is the
/// maximum. Fewer bounds come back when there are fewer distinct values than classes.
///
/// ```
/// use equimap::engine::geo::classify::breaks;
/// use equimap::engine::view::Classes;
/// assert_eq!(breaks(&[1.0, 2.0, 3.0, 4.0], 2, Classes::Equal), vec![2.5, 4.0]);
/// assert_eq!(breaks(&[1.0, 2.0, 10.0, 11.0], 2, Classes::Jenks), vec![2.0, 11.0]);
/// assert_eq!(breaks(&[1.0, 2.0, 3.0, 4.0], 2, Classes::Quantile), vec![2.0, 4.0]);
/// ```
pub fn breaks(values: &[f64], k: usize, scheme: Classes) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    if v.is_empty() || k == 0 {
        return vec![];
    }
    let mut distinct = v.clone();
    distinct.dedup();
    if distinct.len() <= k {
        return distinct;
    }
    let (min, max) = (v[0], v[v.len() - 1]);
    let mut out = match scheme {
        Classes::Equal => (1..=k).map(|i| if i == k { max } else { min + (max - min) * i as f64 / k as f64 }).collect(),
        Classes::Quantile => (1..=k).map(|i| v[((i * v.len()).div_ceil(k)).max(1) - 1]).collect(),
        Classes::Jenks => jenks(&v, k),
    };
    out.dedup();
    out
}

/// The class (0-based) of `x` given upper bounds: the first bound `x` does not exceed.
pub fn class_of(x: f64, bounds: &[f64]) -> Option<usize> {
    if !x.is_finite() || bounds.is_empty() {
        return None;
    }
    Some(bounds.iter().position(|b| x <= *b).unwrap_or(bounds.len() - 1))
}

/// Fisher's exact optimal partition of sorted `v` into `k` classes minimising the within-class
/// sum of squared deviations (O(k·n²), fine for areas counted in hundreds).
fn jenks(v: &[f64], k: usize) -> Vec<f64> {
    let n = v.len();
    let mut pre = vec![0.0; n + 1];
    let mut pre2 = vec![0.0; n + 1];
    for i in 0..n {
        pre[i + 1] = pre[i] + v[i];
        pre2[i + 1] = pre2[i] + v[i] * v[i];
    }
    // Sum of squared deviations of v[a..b].
    let ssd = |a: usize, b: usize| {
        let m = (b - a) as f64;
        let s = pre[b] - pre[a];
        pre2[b] - pre2[a] - s * s / m
    };
    let inf = f64::INFINITY;
    // cost[c][j]: best cost of splitting v[..j] into c+1 classes; cut[c][j]: start of the last class.
    let mut cost = vec![vec![inf; n + 1]; k];
    let mut cut = vec![vec![0usize; n + 1]; k];
    for (j, c) in cost[0].iter_mut().enumerate().skip(1) {
        *c = ssd(0, j);
    }
    for c in 1..k {
        for j in (c + 1)..=n {
            for i in c..j {
                let x = cost[c - 1][i] + ssd(i, j);
                if x < cost[c][j] {
                    cost[c][j] = x;
                    cut[c][j] = i;
                }
            }
        }
    }
    let mut bounds = vec![0.0; k];
    let mut j = n;
    for c in (0..k).rev() {
        bounds[c] = v[j - 1];
        j = if c > 0 { cut[c][j] } else { 0 };
    }
    bounds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jenks_finds_the_gaps() {
        let v = [1.0, 1.5, 2.0, 10.0, 10.5, 11.0, 30.0, 31.0];
        assert_eq!(breaks(&v, 3, Classes::Jenks), vec![2.0, 11.0, 31.0]);
        assert_eq!(class_of(10.2, &[2.0, 11.0, 31.0]), Some(1));
        assert_eq!(class_of(99.0, &[2.0, 11.0, 31.0]), Some(2));
        assert_eq!(class_of(f64::NAN, &[2.0]), None);
    }

    #[test]
    fn quantiles_have_equal_counts() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(breaks(&v, 5, Classes::Quantile), vec![2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(breaks(&[5.0, 5.0, 5.0], 5, Classes::Quantile), vec![5.0]);
    }
}
