//! Counting distinct program ids per area without copying them.

use crate::engine::fast_hash::FastSet;
use crate::engine::table::Column;

/// Distinct program ids per group (area): whole-number ids are counted by sorting (group, id)
/// pairs once, other ids by hashing; a blank id is its own program (see [`IdKey`]).
pub(crate) struct DistinctIds<'a> {
    column: Column<'a>,
    /// `group << 40 | id` for ids in `0..2^40` (the common case: sorted by [`radix_sort`]).
    packed: Vec<u64>,
    /// Other whole-number ids.
    pairs: Vec<(u32, i64)>,
    sets: Vec<FastSet<IdKey<'a>>>,
}

/// Ids below this are packed with their group into one `u64`.
const PACKED_ID: i64 = 1 << 40;

impl<'a> DistinctIds<'a> {
    /// Counting the ids of `column` in `groups` groups, for at most `rows` rows.
    pub(crate) fn new(column: Column<'a>, groups: usize, rows: usize) -> Self {
        let packed = if matches!(column, Column::Int(_)) && groups < 1 << 24 { Vec::with_capacity(rows) } else { Vec::new() };
        DistinctIds { column, packed, pairs: Vec::new(), sets: vec![FastSet::default(); groups] }
    }

    /// Counts row `row`'s id in `group`.
    #[inline]
    pub(crate) fn add(&mut self, group: usize, row: usize) {
        match self.column {
            Column::Int(a) if a.is_valid(row) => {
                let id = a.value(row);
                if (0..PACKED_ID).contains(&id) && group < 1 << 24 {
                    self.packed.push((group as u64) << 40 | id as u64);
                } else {
                    self.pairs.push((group as u32, id));
                }
            }
            c => {
                self.sets[group].insert(id_key(&c, row));
            }
        }
    }

    /// Distinct ids in each group.
    pub(crate) fn counts(mut self) -> Vec<u64> {
        let mut counts: Vec<u64> = self.sets.iter().map(|s| s.len() as u64).collect();
        radix_sort(&mut self.packed);
        self.packed.dedup();
        for &x in &self.packed {
            counts[(x >> 40) as usize] += 1;
        }
        self.pairs.sort_unstable();
        self.pairs.dedup();
        for &(group, _) in &self.pairs {
            counts[group as usize] += 1;
        }
        counts
    }
}

/// Sorts `v` ascending: a least-significant-digit radix sort on bytes, skipping the bytes that every
/// value shares (for `group << 40 | id` pairs, usually four passes of two linear scans; 256 places
/// to write to at a time stay in cache, where 65,536 did not).
pub(crate) fn radix_sort(v: &mut Vec<u64>) {
    if v.len() < 1024 {
        v.sort_unstable();
        return;
    }
    let (any, all) = v.iter().fold((0u64, !0u64), |(any, all), &x| (any | x, all & x));
    let varying = any ^ all;
    let mut out = vec![0u64; v.len()];
    let mut at = [0usize; 256];
    for shift in (0..64).step_by(8) {
        if (varying >> shift) & 0xFF == 0 {
            continue;
        }
        at.fill(0);
        for &x in v.iter() {
            at[((x >> shift) & 0xFF) as usize] += 1;
        }
        let mut sum = 0;
        for slot in at.iter_mut() {
            let n = *slot;
            *slot = sum;
            sum += n;
        }
        for &x in v.iter() {
            let d = ((x >> shift) & 0xFF) as usize;
            out[at[d]] = x;
            at[d] += 1;
        }
        std::mem::swap(v, &mut out);
    }
}

/// A program id without copying it: text borrowed from the column, whole numbers as numbers, and a
/// blank id as the row itself (a row without an id is its own program).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum IdKey<'a> {
    Text(&'a str),
    Int(i64),
    Other(String),
    Row(usize),
}

pub(crate) fn id_key<'a>(c: &Column<'a>, i: usize) -> IdKey<'a> {
    if c.is_null(i) {
        return IdKey::Row(i);
    }
    match c {
        Column::Text(_) | Column::Dict(..) => IdKey::Text(c.str(i).unwrap_or_default()),
        Column::Int(a) => IdKey::Int(a.value(i)),
        other => IdKey::Other(other.text(i).map(|s| s.into_owned()).unwrap_or_default()),
    }
}

#[cfg(test)]
mod radix_tests {
    use super::radix_sort;

    #[test]
    fn radix_sort_orders_as_the_standard_sort() {
        // A simple deterministic generator: values spread over all digits, others differing
        // only in a few bits, and repeats.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for shape in 0..4 {
            let mut v: Vec<u64> = (0..5000)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    match shape {
                        0 => x,
                        1 => ((x % 78) << 40) | ((x >> 20) % 1_000_000),
                        2 => x % 10,
                        _ => (i % 3) << 48,
                    }
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_unstable();
            radix_sort(&mut v);
            assert_eq!(v, expected, "shape {shape}");
        }
    }
}
