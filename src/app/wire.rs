//! Numbers of a part read by the helper worker as the JS typed arrays that carry them to the
//! engine worker, each in the narrowest array that holds every value exactly (whole numbers in an
//! `Int8Array`, `Int16Array` or `Int32Array` when every one fits, dictionary keys of up to 256 or 65,536 values in a
//! `Uint8Array` or `Uint16Array`, line numbers below 2^32 in a `Uint32Array`), so that pieces
//! waiting to be joined take less memory. The receiving side tells the width by the array's kind.

use js_sys::{BigInt64Array, BigUint64Array, Int16Array, Int32Array, Int8Array, Uint16Array, Uint32Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::whole_numbers::narrow;

/// Whole numbers: an `Int8Array`, `Int16Array` or `Int32Array`, the narrowest that holds every
/// value, else a `BigInt64Array`.
pub fn ints_to_js(values: &[i64]) -> JsValue {
    if let Some(v) = narrow::<i64, i8>(values) {
        Int8Array::from(v.as_slice()).into()
    } else if let Some(v) = narrow::<i64, i16>(values) {
        Int16Array::from(v.as_slice()).into()
    } else if let Some(v) = narrow::<i64, i32>(values) {
        Int32Array::from(v.as_slice()).into()
    } else {
        BigInt64Array::from(values).into()
    }
}

/// The whole numbers of [`ints_to_js`].
pub fn ints_from_js(array: &JsValue) -> Vec<i64> {
    if let Some(a) = array.dyn_ref::<Int8Array>() {
        a.to_vec().into_iter().map(i64::from).collect()
    } else if let Some(a) = array.dyn_ref::<Int16Array>() {
        a.to_vec().into_iter().map(i64::from).collect()
    } else if let Some(a) = array.dyn_ref::<Int32Array>() {
        a.to_vec().into_iter().map(i64::from).collect()
    } else {
        BigInt64Array::new(array).to_vec()
    }
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
    if let Some(a) = array.dyn_ref::<Uint8Array>() {
        a.to_vec().into_iter().map(i32::from).collect()
    } else if let Some(a) = array.dyn_ref::<Uint16Array>() {
        a.to_vec().into_iter().map(i32::from).collect()
    } else {
        Int32Array::new(array).to_vec()
    }
}

/// Line numbers: a `Uint32Array` when every one is below 2^32, else a `BigUint64Array`.
pub fn lines_to_js(lines: &[u64]) -> JsValue {
    match narrow::<u64, u32>(lines) {
        Some(narrow) => Uint32Array::from(narrow.as_slice()).into(),
        None => BigUint64Array::from(lines).into(),
    }
}

/// The line numbers of [`lines_to_js`].
pub fn lines_from_js(array: &JsValue) -> Vec<u64> {
    match array.dyn_ref::<Uint32Array>() {
        Some(narrow) => narrow.to_vec().into_iter().map(u64::from).collect(),
        None => BigUint64Array::new(array).to_vec(),
    }
}
