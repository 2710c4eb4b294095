//! Whole numbers of a column in 32 bits while every one fits, else in 64: a column of ids, counts
//! or ages takes half the memory, and reads back the same `i64` values either way.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Int32Array, Int64Array};
use arrow_buffer::{NullBuffer, ScalarBuffer};

/// Whole numbers as they are read: 32-bit until a value does not fit, then 64-bit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum IntVec {
    /// Every value so far fits 32 bits.
    Narrow(Vec<i32>),
    /// Some value does not.
    Wide(Vec<i64>),
}

impl Default for IntVec {
    fn default() -> Self {
        IntVec::Narrow(Vec::new())
    }
}

impl IntVec {
    /// `n` zeros.
    pub(crate) fn zeros(n: usize) -> Self {
        IntVec::Narrow(vec![0; n])
    }

    /// Appends `x`, widening every value to 64 bits first if `x` does not fit 32.
    #[inline]
    pub(crate) fn push(&mut self, x: i64) {
        match self {
            IntVec::Narrow(v) => match i32::try_from(x) {
                Ok(y) => v.push(y),
                Err(_) => {
                    self.widen();
                    self.push(x);
                }
            },
            IntVec::Wide(v) => v.push(x),
        }
    }

    /// Appends every value of `xs`.
    pub(crate) fn extend_from_slice(&mut self, xs: &[i64]) {
        if let IntVec::Narrow(v) = self {
            if xs.iter().all(|&x| i32::try_from(x).is_ok()) {
                v.extend(xs.iter().map(|&x| x as i32));
                return;
            }
            self.widen();
        }
        if let IntVec::Wide(v) = self {
            v.extend_from_slice(xs);
        }
    }

    /// Value `i`.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> i64 {
        match self {
            IntVec::Narrow(v) => i64::from(v[i]),
            IntVec::Wide(v) => v[i],
        }
    }

    /// Every value in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        let (narrow, wide) = match self {
            IntVec::Narrow(v) => (v.as_slice(), &[][..]),
            IntVec::Wide(v) => (&[][..], v.as_slice()),
        };
        narrow.iter().map(|&x| i64::from(x)).chain(wide.iter().copied())
    }

    /// Room for `more` values past those held.
    pub(crate) fn reserve_exact(&mut self, more: usize) {
        match self {
            IntVec::Narrow(v) => v.reserve_exact(more),
            IntVec::Wide(v) => v.reserve_exact(more),
        }
    }

    /// Room for this many values in all.
    pub(crate) fn capacity(&self) -> usize {
        match self {
            IntVec::Narrow(v) => v.capacity(),
            IntVec::Wide(v) => v.capacity(),
        }
    }

    /// The values as 64-bit numbers.
    pub(crate) fn into_wide(self) -> Vec<i64> {
        match self {
            IntVec::Narrow(v) => v.into_iter().map(i64::from).collect(),
            IntVec::Wide(v) => v,
        }
    }

    /// An `Int32Array` or `Int64Array` of the values, null where `nulls` says.
    pub(crate) fn into_array(self, nulls: Option<NullBuffer>) -> ArrayRef {
        match self {
            IntVec::Narrow(v) => Arc::new(Int32Array::new(ScalarBuffer::from(v), nulls)),
            IntVec::Wide(v) => Arc::new(Int64Array::new(ScalarBuffer::from(v), nulls)),
        }
    }

    #[cold]
    fn widen(&mut self) {
        if let IntVec::Narrow(v) = self {
            let mut wide = Vec::with_capacity(v.capacity());
            wide.extend(v.iter().map(|&x| i64::from(x)));
            *self = IntVec::Wide(wide);
        }
    }
}

/// Every value of `values` in the narrower type `N`, or `None` when one does not fit.
///
/// ```
/// use equimap::engine::whole_numbers::narrow;
/// assert_eq!(narrow::<i64, i32>(&[1, -2_147_483_648]), Some(vec![1, -2_147_483_648]));
/// assert_eq!(narrow::<u64, u32>(&[1, 1 << 32]), None);
/// ```
pub fn narrow<W: Copy, N: TryFrom<W>>(values: &[W]) -> Option<Vec<N>> {
    values.iter().map(|&x| N::try_from(x).ok()).collect()
}

/// `a` as an `Int32Array` when every value fits 32 bits (the reader's choice for a column of
/// whole numbers), else as it is.
pub(crate) fn narrowest(a: Int64Array) -> ArrayRef {
    match narrow::<i64, i32>(a.values()) {
        Some(values) => Arc::new(Int32Array::new(ScalarBuffer::from(values), a.nulls().cloned())),
        None => Arc::new(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_the_same_when_a_column_widens() {
        let mut v = IntVec::zeros(2);
        v.push(i64::from(i32::MAX));
        v.push(i64::from(i32::MIN));
        assert!(matches!(v, IntVec::Narrow(_)));
        v.push(i64::from(i32::MAX) + 1);
        assert!(matches!(v, IntVec::Wide(_)));
        v.extend_from_slice(&[5, -9_000_000_000_000]);
        let want = [0, 0, 2_147_483_647, -2_147_483_648, 2_147_483_648, 5, -9_000_000_000_000];
        assert_eq!(v.iter().collect::<Vec<_>>(), want);
        assert_eq!((0..want.len()).map(|i| v.get(i)).collect::<Vec<_>>(), want);
        let mut n = IntVec::zeros(0);
        n.extend_from_slice(&[1, 2]);
        n.extend_from_slice(&[3, 1 << 40]);
        assert!(matches!(n, IntVec::Wide(_)));
        assert_eq!(n.into_wide(), [1, 2, 3, 1 << 40]);
    }

    #[test]
    fn an_array_is_narrowed_only_when_every_value_fits() {
        use arrow_array::cast::AsArray;
        use arrow_array::types::{Int32Type, Int64Type};
        let a = narrowest(Int64Array::from(vec![Some(1), None, Some(-2_147_483_648)]));
        let n = a.as_primitive::<Int32Type>();
        assert_eq!(n.iter().collect::<Vec<_>>(), [Some(1), None, Some(-2_147_483_648)]);
        let a = narrowest(Int64Array::from(vec![Some(1), Some(2_147_483_648)]));
        assert_eq!(a.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), [Some(1), Some(2_147_483_648)]);
    }
}
