//! The engine's wire buffers ([`crate::engine::ingest::wire::Buffer`]) as the JS typed arrays
//! that carry them between workers, one array per buffer, and back: the width of each is the
//! engine's choice; this file only moves the values. A part read for the other worker goes as one
//! array of them (`part_to_js`) and is taken back column by column (`columns_from_js`).

use js_sys::{BigInt64Array, BigUint64Array, Float64Array, Int16Array, Int32Array, Int8Array, Uint16Array, Uint32Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::ingest::part::{FilePart, PartHead};
use crate::engine::ingest::typing::column_builder::ColumnPart;
use crate::engine::ingest::wire::{decode_columns, decode_lines, encode_part, Buffer, PartMeta, PartShape};

/// `buffer` as the typed array of its element type (`U8` → `Uint8Array`, …, `I64` →
/// `BigInt64Array`, `F64` → `Float64Array`), copied out of wasm memory so it can be transferred.
pub fn buffer_to_js(buffer: &Buffer) -> JsValue {
    match buffer {
        Buffer::U8(v) => Uint8Array::from(v.as_slice()).into(),
        Buffer::I8(v) => Int8Array::from(v.as_slice()).into(),
        Buffer::U16(v) => Uint16Array::from(v.as_slice()).into(),
        Buffer::I16(v) => Int16Array::from(v.as_slice()).into(),
        Buffer::U32(v) => Uint32Array::from(v.as_slice()).into(),
        Buffer::I32(v) => Int32Array::from(v.as_slice()).into(),
        Buffer::U64(v) => BigUint64Array::from(v.as_slice()).into(),
        Buffer::I64(v) => BigInt64Array::from(v.as_slice()).into(),
        Buffer::F64(v) => Float64Array::from(v.as_slice()).into(),
    }
}

/// The buffer a typed array of [`buffer_to_js`] carries (anything else: an empty `U8`).
pub fn buffer_from_js(array: &JsValue) -> Buffer {
    macro_rules! kinds {
        ($($array:ty => $kind:ident),+) => {
            $(if let Some(a) = array.dyn_ref::<$array>() {
                return Buffer::$kind(a.to_vec());
            })+
        };
    }
    kinds!(Uint8Array => U8, Int8Array => I8, Uint16Array => U16, Int16Array => I16, Uint32Array => U32, Int32Array => I32,
        BigUint64Array => U64, BigInt64Array => I64, Float64Array => F64);
    Buffer::U8(Vec::new())
}

/// A part's buffers as JS typed arrays (copied out of wasm memory, so they can be transferred).
pub(super) fn part_to_js(part: FilePart) -> (PartMeta, js_sys::Array) {
    let (meta, buffers) = encode_part(part);
    let out = js_sys::Array::new();
    for buffer in buffers {
        out.push(&buffer_to_js(&buffer));
    }
    (meta, out)
}

/// The lines of the part sent as [`part_to_js`] sends it (its columns: [`columns_from_js`]).
pub(super) fn lines_from_js(data: &JsValue, head: &PartHead) -> Vec<u64> {
    let lines = js_sys::Reflect::get_u32(data, 0).map(|l| decode_lines(head, buffer_from_js(&l))).unwrap_or_default();
    let _ = js_sys::Reflect::set_u32(data, 0, &JsValue::UNDEFINED);
    lines
}

/// The part's columns as [`part_to_js`] sends them, each copied into wasm memory only when it is
/// asked for.
pub(super) fn columns_from_js<'a>(shapes: &'a [PartShape], data: &'a JsValue) -> impl ExactSizeIterator<Item = ColumnPart> + 'a {
    let data: js_sys::Array = data.clone().unchecked_into();
    let mut at = 1;
    // Each buffer is let go as soon as it is copied, so the piece is not held twice.
    decode_columns(shapes, move || {
        at += 1;
        let buffer = data.get(at - 1);
        data.set(at - 1, JsValue::UNDEFINED);
        buffer_from_js(&buffer)
    })
}
