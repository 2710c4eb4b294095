//! Numbers of a part read by the helper worker as the JS typed arrays that carry them to the
//! engine worker, each in the narrowest array that holds every value exactly (whole numbers in an
//! `Int8Array`, `Int16Array` or `Int32Array` when every one fits, dictionary keys of up to 256 or 65,536 values in a
//! `Uint8Array` or `Uint16Array`, line numbers as the steps between them, dates in 16 bits,
//! decimals as scaled 32-bit whole numbers), so that pieces waiting to be joined take less memory:
//! the browser frees a piece's buffers only at a full collection, after they are copied. The receiving side tells the width by the array's kind.

use js_sys::{BigInt64Array, BigUint64Array, Float64Array, Int16Array, Int32Array, Int8Array, Uint16Array, Uint32Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::whole_numbers::narrow;

/// `$values` in the first typed array listed whose element type holds every value, else in the
/// last one as they are.
macro_rules! narrowest_array {
    ($values:expr, $wide:ty; $($narrow:ty => $array:ty),+; else $last:ty) => {
        $(if let Some(v) = narrow::<$wide, $narrow>($values) {
            <$array>::from(v.as_slice()).into()
        } else)+ {
            <$last>::from($values).into()
        }
    };
}

/// The values of `$array` (one of the typed arrays listed, else the last) as `$to`s.
macro_rules! widened {
    ($array:expr => $to:ty; $($kind:ty),+; else $last:ty) => {
        $(if let Some(a) = $array.dyn_ref::<$kind>() {
            a.to_vec().into_iter().map(<$to>::from).collect::<Vec<$to>>()
        } else)+ {
            <$last>::new($array).to_vec()
        }
    };
}

/// Whole numbers: an `Int8Array`, `Int16Array` or `Int32Array`, the narrowest that holds every
/// value, else a `BigInt64Array`.
pub fn ints_to_js(values: &[i64]) -> JsValue {
    narrowest_array!(values, i64; i8 => Int8Array, i16 => Int16Array, i32 => Int32Array; else BigInt64Array)
}

/// The whole numbers of [`ints_to_js`].
pub fn ints_from_js(array: &JsValue) -> Vec<i64> {
    widened!(array => i64; Int8Array, Int16Array, Int32Array; else BigInt64Array)
}

/// Dictionary keys (each below `values`, the dictionary's size): a `Uint8Array`, `Uint16Array`
/// or `Int32Array`, the narrowest that holds every key.
pub fn keys_to_js(keys: &[i32], values: usize) -> JsValue {
    if values <= 1 << 8 {
        Uint8Array::from(keys.iter().map(|&k| k as u8).collect::<Vec<_>>().as_slice()).into()
    } else if values <= 1 << 16 {
        Uint16Array::from(keys.iter().map(|&k| k as u16).collect::<Vec<_>>().as_slice()).into()
    } else {
        Int32Array::from(keys).into()
    }
}

/// The keys of [`keys_to_js`].
pub fn keys_from_js(array: &JsValue) -> Vec<i32> {
    widened!(array => i32; Uint8Array, Uint16Array; else Int32Array)
}

/// Line numbers as the steps between them, the first from `base` (which the receiving side
/// knows: a piece's first record's line), in a `Uint8Array`, `Uint16Array` or `Uint32Array`, the
/// narrowest that holds every step, else a `BigUint64Array`: rows one line apart take one byte
/// each.
pub fn lines_to_js(lines: &[u64], base: u64) -> JsValue {
    let mut last = base;
    let steps: Vec<u64> = lines
        .iter()
        .map(|&line| {
            let step = line.wrapping_sub(last);
            last = line;
            step
        })
        .collect();
    narrowest_array!(steps.as_slice(), u64; u8 => Uint8Array, u16 => Uint16Array, u32 => Uint32Array; else BigUint64Array)
}

/// The line numbers of [`lines_to_js`] from the same `base`.
pub fn lines_from_js(array: &JsValue, base: u64) -> Vec<u64> {
    let steps = widened!(array => u64; Uint8Array, Uint16Array, Uint32Array; else BigUint64Array);
    let mut line = base;
    steps
        .into_iter()
        .map(|step| {
            line = line.wrapping_add(step);
            line
        })
        .collect()
}

/// Days since 1970-01-01: an `Int16Array` when every one fits (1880 to 2059), else an
/// `Int32Array`.
pub fn days_to_js(days: &[i32]) -> JsValue {
    narrowest_array!(days, i32; i16 => Int16Array; else Int32Array)
}

/// The days of [`days_to_js`].
pub fn days_from_js(array: &JsValue) -> Vec<i32> {
    widened!(array => i32; Int16Array; else Int32Array)
}

/// Decimal numbers: when every one is exactly `m / 10^d` for whole numbers `m` of 32 bits and one
/// `d` of at most 9 (coordinates, prices), an `Int32Array` of the `m`s followed by `d`, half the
/// bytes; else a `Float64Array`. Exactly the same numbers come back: each is checked to be
/// rebuilt bit for bit by the same division the receiving side makes.
pub fn decimals_to_js(values: &[f64]) -> JsValue {
    for d in 0..=9 {
        let scale = 10f64.powi(d);
        let scaled: Option<Vec<i32>> = values
            .iter()
            .map(|&x| {
                let m = (x * scale).round();
                let m = (m.abs() < 2_147_483_648.0).then_some(m as i32)?;
                // As the receiving side rebuilds it (so -0.0 does not pass as 0).
                (f64::from(m) / scale).to_bits().eq(&x.to_bits()).then_some(m)
            })
            .collect();
        if let Some(mut scaled) = scaled {
            scaled.push(d);
            return Int32Array::from(scaled.as_slice()).into();
        }
    }
    Float64Array::from(values).into()
}

/// The numbers of [`decimals_to_js`].
pub fn decimals_from_js(array: &JsValue) -> Vec<f64> {
    match array.dyn_ref::<Int32Array>() {
        Some(a) => {
            let mut scaled = a.to_vec();
            let scale = 10f64.powi(scaled.pop().unwrap_or(0));
            scaled.into_iter().map(|m| f64::from(m) / scale).collect()
        }
        None => Float64Array::new(array).to_vec(),
    }
}
