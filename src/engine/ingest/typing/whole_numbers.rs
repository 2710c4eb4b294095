//! Whole numbers of a column in the narrowest of 8, 16, 32 or 64 bits that holds every one: a
//! column of ages, counts or ids — and the value numbers of a text column of few distinct values —
//! takes an eighth to a half of the memory, and reads back the same `i64` values either way.

use std::sync::Arc;

use arrow_array::types::{Int16Type, Int32Type, Int64Type, Int8Type};
use arrow_array::{Array, ArrayRef, DictionaryArray, Int16Array, Int32Array, Int64Array, Int8Array, StringArray};
use arrow_buffer::{NullBuffer, ScalarBuffer};

/// Whole numbers as they are read: in the narrowest of 8, 16, 32 or 64 bits that holds every
/// value so far (every value is copied once into a wider vector when one does not fit).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum IntVec {
    /// Every value so far fits 8 bits.
    I8(Vec<i8>),
    /// 16 bits.
    I16(Vec<i16>),
    /// 32 bits.
    I32(Vec<i32>),
    /// 64 bits.
    I64(Vec<i64>),
}

/// `$body` with `$v` bound to whatever `$ints` holds in each of its four widths, for an enum with
/// variants `I8`, `I16`, `I32` and `I64` ([`IntVec`], and the view of a column, `table::Ints`).
macro_rules! each_width {
    ($enum:ident: $ints:expr, $v:ident => $body:expr) => {
        match $ints {
            $enum::I8($v) => $body,
            $enum::I16($v) => $body,
            $enum::I32($v) => $body,
            $enum::I64($v) => $body,
        }
    };
}
pub(crate) use each_width;

/// A whole-number type an [`IntVec`] holds: made from an `i64` known to fit.
trait Width: Copy + Into<i64> {
    fn from_i64(x: i64) -> Self;
}

macro_rules! width {
    ($($t:ty),*) => {$(
        impl Width for $t {
            #[inline(always)]
            fn from_i64(x: i64) -> Self {
                x as $t
            }
        }
    )*};
}
width!(i8, i16, i32, i64);

/// 0, 1, 2 or 3: the narrowest of 8, 16, 32 and 64 bits that holds `x`.
#[inline]
fn rank(x: i64) -> u8 {
    if i8::try_from(x).is_ok() {
        0
    } else if i16::try_from(x).is_ok() {
        1
    } else if i32::try_from(x).is_ok() {
        2
    } else {
        3
    }
}

impl Default for IntVec {
    fn default() -> Self {
        IntVec::I8(Vec::new())
    }
}

impl IntVec {
    /// `n` zeros.
    pub(crate) fn zeros(n: usize) -> Self {
        IntVec::I8(vec![0; n])
    }

    /// The values of `v`, in the narrowest width that holds them all.
    pub(crate) fn from_wide(v: Vec<i64>) -> Self {
        let mut out = IntVec::default();
        out.extend(v.iter().copied());
        out
    }

    /// Appends `x`, widening every value first if `x` does not fit their width.
    #[inline(always)]
    pub(crate) fn push(&mut self, x: i64) {
        match self {
            IntVec::I8(v) if x as i8 as i64 == x => v.push(x as i8),
            IntVec::I16(v) if x as i16 as i64 == x => v.push(x as i16),
            IntVec::I32(v) if x as i32 as i64 == x => v.push(x as i32),
            IntVec::I64(v) => v.push(x),
            _ => self.push_wider(x),
        }
    }

    /// [`IntVec::push`] of a value that needs a wider type (out of line and cold so that `push`
    /// stays one compare on the common path: BENCHMARKS.md, session 7, native 10k read 10 % → 5 %
    /// slower than before the widths).
    #[cold]
    #[inline(never)]
    fn push_wider(&mut self, x: i64) {
        self.widen_to(rank(x));
        self.push(x);
    }

    /// Appends every value of `xs` (walked twice: once to find the width they need).
    pub(crate) fn extend(&mut self, xs: impl Iterator<Item = i64> + Clone) {
        let need = xs.clone().map(rank).max().unwrap_or(0);
        if need > self.rank() {
            self.widen_to(need);
        }
        fn add<T: Width>(v: &mut Vec<T>, xs: impl Iterator<Item = i64>) {
            v.extend(xs.map(T::from_i64));
        }
        each_width!(IntVec: self, v => add(v, xs))
    }

    /// Appends every value of `xs`.
    pub(crate) fn extend_from_slice(&mut self, xs: &[i64]) {
        self.extend(xs.iter().copied());
    }

    /// Value `i`.
    #[inline]
    #[allow(clippy::useless_conversion)] // the 64-bit arm
    pub(crate) fn get(&self, i: usize) -> i64 {
        each_width!(IntVec: self, v => v[i].into())
    }

    /// Sets value `i` to 0.
    pub(crate) fn set_zero(&mut self, i: usize) {
        each_width!(IntVec: self, v => v[i] = Width::from_i64(0))
    }

    /// Number of values.
    pub(crate) fn len(&self) -> usize {
        each_width!(IntVec: self, v => v.len())
    }

    /// Every value in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Room for `more` values past those held.
    pub(crate) fn reserve_exact(&mut self, more: usize) {
        each_width!(IntVec: self, v => v.reserve_exact(more))
    }

    /// Room for this many values in all.
    pub(crate) fn capacity(&self) -> usize {
        each_width!(IntVec: self, v => v.capacity())
    }

    /// The values as 64-bit numbers.
    pub(crate) fn into_wide(self) -> Vec<i64> {
        match self {
            IntVec::I64(v) => v,
            other => other.iter().collect(),
        }
    }

    /// An `Int8Array`, `Int16Array`, `Int32Array` or `Int64Array` of the values, null where
    /// `nulls` says.
    pub(crate) fn into_array(self, nulls: Option<NullBuffer>) -> ArrayRef {
        match self {
            IntVec::I8(v) => Arc::new(Int8Array::new(ScalarBuffer::from(v), nulls)),
            IntVec::I16(v) => Arc::new(Int16Array::new(ScalarBuffer::from(v), nulls)),
            IntVec::I32(v) => Arc::new(Int32Array::new(ScalarBuffer::from(v), nulls)),
            IntVec::I64(v) => Arc::new(Int64Array::new(ScalarBuffer::from(v), nulls)),
        }
    }

    /// A dictionary of `values` with these values as its keys (each a value's number), null where
    /// `nulls` says.
    pub(crate) fn into_keys(self, nulls: Option<NullBuffer>, values: StringArray) -> ArrayRef {
        let values: ArrayRef = Arc::new(values);
        let keys = self.into_array(nulls);
        macro_rules! dictionary {
            ($t:ty) => {{
                let keys = keys.as_any().downcast_ref::<arrow_array::PrimitiveArray<$t>>().expect("keys of this width").clone();
                Arc::new(DictionaryArray::<$t>::try_new(keys, values).expect("every key numbers a value")) as ArrayRef
            }};
        }
        match keys.data_type() {
            arrow_schema::DataType::Int8 => dictionary!(Int8Type),
            arrow_schema::DataType::Int16 => dictionary!(Int16Type),
            arrow_schema::DataType::Int32 => dictionary!(Int32Type),
            _ => dictionary!(Int64Type),
        }
    }

    /// 0, 1, 2 or 3 for 8, 16, 32 or 64 bits.
    fn rank(&self) -> u8 {
        match self {
            IntVec::I8(_) => 0,
            IntVec::I16(_) => 1,
            IntVec::I32(_) => 2,
            IntVec::I64(_) => 3,
        }
    }

    /// Copies every value into the width of `rank` (room for as many values as before).
    #[cold]
    fn widen_to(&mut self, rank: u8) {
        fn copy<T: Width>(from: &IntVec) -> Vec<T> {
            let mut out = Vec::with_capacity(from.capacity());
            out.extend(from.iter().map(T::from_i64));
            out
        }
        *self = match rank {
            0 => return,
            1 => IntVec::I16(copy(self)),
            2 => IntVec::I32(copy(self)),
            _ => IntVec::I64(copy(self)),
        };
    }
}

/// Every value of `values` in the narrower type `N`, or `None` when one does not fit.
///
/// ```
/// use equimap::engine::ingest::typing::whole_numbers::narrow;
/// assert_eq!(narrow::<i64, i32>(&[1, -2_147_483_648]), Some(vec![1, -2_147_483_648]));
/// assert_eq!(narrow::<u64, u32>(&[1, 1 << 32]), None);
/// ```
pub fn narrow<W: Copy, N: TryFrom<W>>(values: &[W]) -> Option<Vec<N>> {
    values.iter().map(|&x| N::try_from(x).ok()).collect()
}

/// `a` in the narrowest of 8, 16, 32 or 64 bits that holds every value (the reader's choice for
/// a column of whole numbers; a null's value counts too, as the reader counts a blank as 0).
pub(crate) fn narrowest(a: Int64Array) -> ArrayRef {
    let nulls = a.nulls().cloned();
    IntVec::from_wide(a.values().to_vec()).into_array(nulls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_the_same_as_a_column_widens_at_each_bound() {
        let mut v = IntVec::zeros(2);
        let mut want = vec![0, 0];
        // Each pair: the widest values of a width, then one past it.
        type Wider = fn(&IntVec) -> bool;
        let steps: [(i64, i64, Wider); 3] = [
            (127, -129, |v| matches!(v, IntVec::I16(_))),
            (32_767, 32_768, |v| matches!(v, IntVec::I32(_))),
            (-2_147_483_648, 2_147_483_648, |v| matches!(v, IntVec::I64(_))),
        ];
        v.push(-128);
        want.push(-128);
        assert!(matches!(v, IntVec::I8(_)));
        for (fits, past, wider) in steps {
            v.push(fits);
            assert!(!wider(&v), "{fits} fits the width before");
            v.push(past);
            assert!(wider(&v), "{past} needs the next width");
            want.extend([fits, past]);
        }
        v.extend_from_slice(&[5, -9_000_000_000_000]);
        want.extend([5, -9_000_000_000_000]);
        assert_eq!(v.iter().collect::<Vec<_>>(), want);
        assert_eq!((0..want.len()).map(|i| v.get(i)).collect::<Vec<_>>(), want);
        let mut n = IntVec::zeros(0);
        n.extend_from_slice(&[1, 2]);
        assert!(matches!(n, IntVec::I8(_)));
        n.extend_from_slice(&[3, 300]);
        assert!(matches!(n, IntVec::I16(_)));
        n.set_zero(0);
        assert_eq!(n.into_wide(), [0, 2, 3, 300]);
    }

    #[test]
    fn an_array_is_narrowed_to_the_width_every_value_fits() {
        use arrow_schema::DataType;
        let cases: [(Vec<Option<i64>>, DataType); 4] = [
            (vec![Some(1), None, Some(-128)], DataType::Int8),
            (vec![Some(1), Some(128)], DataType::Int16),
            (vec![Some(-32_769), None], DataType::Int32),
            (vec![Some(1), Some(2_147_483_648)], DataType::Int64),
        ];
        for (values, width) in cases {
            let a = narrowest(Int64Array::from(values.clone()));
            assert_eq!(a.data_type(), &width);
            let back = arrow_cast_ints(&a);
            assert_eq!(back, values);
            assert_eq!(a.as_ref().nulls().map_or(0, |n| n.null_count()), values.iter().filter(|v| v.is_none()).count());
        }
    }

    /// The values of an integer array of any width.
    fn arrow_cast_ints(a: &ArrayRef) -> Vec<Option<i64>> {
        use arrow_array::cast::AsArray;
        match a.data_type() {
            arrow_schema::DataType::Int8 => a.as_primitive::<Int8Type>().iter().map(|x| x.map(i64::from)).collect(),
            arrow_schema::DataType::Int16 => a.as_primitive::<Int16Type>().iter().map(|x| x.map(i64::from)).collect(),
            arrow_schema::DataType::Int32 => a.as_primitive::<Int32Type>().iter().map(|x| x.map(i64::from)).collect(),
            _ => a.as_primitive::<Int64Type>().iter().collect(),
        }
    }
}
