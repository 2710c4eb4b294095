//! A part read by a second reader ([`FilePart`]) as plain buffers and back, the engine's own wire
//! format: in the browser the buffers travel between two workers as typed arrays (one per
//! [`Buffer`], the app only converts each to its array and back). Every number goes in the
//! narrowest buffer that holds it exactly — whole numbers in 8, 16 or 32 bits when every one fits,
//! dictionary keys of up to 256 or 65,536 values in 8 or 16 bits, line numbers as the steps
//! between them, dates in 16 bits, decimals as scaled 32-bit whole numbers — because a piece's
//! buffers wait in memory until the browser's next full collection after they are joined
//! (BENCHMARKS.md, session 6: the 1M-row peak fell from 406 to 378 MiB). The receiving side tells
//! the width by the buffer's kind.
//!
//! ```
//! use equimap::engine::ingest::wire::{decode_ints, encode_ints, Buffer};
//! let b = encode_ints(&[0, -128, 127]);
//! assert!(matches!(b, Buffer::I8(_)));
//! assert_eq!(decode_ints(b), vec![0, -128, 127]);
//! ```

use serde::{Deserialize, Serialize};

use crate::engine::ingest::part::{FilePart, PartHead};
use crate::engine::ingest::typing::column_builder::{ColumnPart, Numbers};
use crate::engine::ingest::typing::whole_numbers::narrow;

/// One buffer of a part: the element type and the values (in the browser, one typed array:
/// `Uint8Array`, `Int8Array`, …, `BigInt64Array`, `BigUint64Array`, `Float64Array`).
#[derive(Debug, Clone, PartialEq)]
pub enum Buffer {
    /// Unsigned bytes.
    U8(Vec<u8>),
    /// Signed bytes.
    I8(Vec<i8>),
    /// Unsigned 16-bit.
    U16(Vec<u16>),
    /// Signed 16-bit.
    I16(Vec<i16>),
    /// Unsigned 32-bit.
    U32(Vec<u32>),
    /// Signed 32-bit.
    I32(Vec<i32>),
    /// Unsigned 64-bit.
    U64(Vec<u64>),
    /// Signed 64-bit.
    I64(Vec<i64>),
    /// 64-bit floating point.
    F64(Vec<f64>),
}

/// A [`FilePart`] but its buffers: what travels as JSON beside them (in order: the lines, then
/// each column's buffers, see [`PartShape`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartMeta {
    /// Where the part is and what was counted.
    pub head: PartHead,
    /// Each column's kind of cells.
    pub columns: Vec<PartShape>,
}

/// How a column of a part travels: which buffers follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartShape {
    /// This many blank cells (no buffer).
    Blank(usize),
    /// Whole-number values ([`encode_ints`]), `U32` blank rows.
    Int,
    /// Values ([`encode_decimals`]), `U32` blank rows.
    Float,
    /// Days ([`encode_days`]), `U32` blank rows.
    Date,
    /// Keys ([`encode_keys`]), `U8` values, `I32` value ends, `U32` blank rows.
    Dict,
    /// `U8` text, `I32` offsets, `U32` blank rows.
    Text,
    /// As `Text`, then the whole numbers (as in `Int`).
    IntText,
    /// As `Text`, then the numbers (as in `Float`).
    FloatText,
}

/// `part` as its description and its buffers: the lines first, then each column's (each column
/// is let go as soon as its buffers are made, so the part is not held twice).
pub fn encode_part(part: FilePart) -> (PartMeta, impl Iterator<Item = Buffer>) {
    let FilePart { head, lines, columns } = part;
    let base = line_base(&head);
    let shapes = columns.iter().map(shape_of).collect();
    let lines = std::iter::once_with(move || encode_lines(&lines, base));
    (PartMeta { head, columns: shapes }, lines.chain(columns.into_iter().flat_map(column_buffers)))
}

/// The lines of a part sent by [`encode_part`] (its first buffer).
pub fn decode_lines(head: &PartHead, steps: Buffer) -> Vec<u64> {
    decode_line_steps(steps, line_base(head))
}

/// The columns of a part sent by [`encode_part`], each one's buffers taken from `next` only when
/// the column is asked for (so a column is copied just before it is appended).
pub fn decode_columns<'a>(
    shapes: &'a [PartShape],
    mut next: impl FnMut() -> Buffer + 'a,
) -> impl ExactSizeIterator<Item = ColumnPart> + 'a {
    shapes.iter().map(move |shape| decode_column(shape, &mut next))
}

/// The line a piece's line numbers are sent from: its first record's (its rows' lines count from
/// the start of the whole part, so the first step from 0 would need 4 bytes a row after the first
/// piece).
fn line_base(head: &PartHead) -> u64 {
    head.first.map_or(0, |(_, line)| line)
}

fn shape_of(column: &ColumnPart) -> PartShape {
    match column {
        ColumnPart::Blank(n) => PartShape::Blank(*n),
        ColumnPart::Int(..) => PartShape::Int,
        ColumnPart::Float(..) => PartShape::Float,
        ColumnPart::Date(..) => PartShape::Date,
        ColumnPart::Dict { .. } => PartShape::Dict,
        ColumnPart::Text { numbers: None, .. } => PartShape::Text,
        ColumnPart::Text { numbers: Some(Numbers::Int(_)), .. } => PartShape::IntText,
        ColumnPart::Text { numbers: Some(Numbers::Float(_)), .. } => PartShape::FloatText,
    }
}

/// The buffers of one column, in the order [`PartShape`] lists them.
fn column_buffers(column: ColumnPart) -> Vec<Buffer> {
    match column {
        ColumnPart::Blank(_) => vec![],
        ColumnPart::Int(v, b) => vec![encode_ints(&v), Buffer::U32(b)],
        ColumnPart::Float(v, b) => vec![encode_decimals(&v), Buffer::U32(b)],
        ColumnPart::Date(v, b) => vec![encode_days(&v), Buffer::U32(b)],
        ColumnPart::Dict { keys, values, ends, blanks } => {
            vec![encode_keys(&keys, ends.len()), Buffer::U8(values), Buffer::I32(ends), Buffer::U32(blanks)]
        }
        ColumnPart::Text { data, offsets, blanks, numbers } => {
            let mut out = vec![Buffer::U8(data), Buffer::I32(offsets), Buffer::U32(blanks)];
            match numbers {
                None => {}
                Some(Numbers::Int(v)) => out.push(encode_ints(&v)),
                Some(Numbers::Float(v)) => out.push(encode_decimals(&v)),
            }
            out
        }
    }
}

/// One column of a part, its buffers taken from `next`.
fn decode_column(shape: &PartShape, mut next: impl FnMut() -> Buffer) -> ColumnPart {
    match shape {
        PartShape::Blank(n) => ColumnPart::Blank(*n),
        PartShape::Int => ColumnPart::Int(decode_ints(next()), u32s(next())),
        PartShape::Float => ColumnPart::Float(decode_decimals(next()), u32s(next())),
        PartShape::Date => ColumnPart::Date(decode_days(next()), u32s(next())),
        PartShape::Dict => ColumnPart::Dict { keys: decode_keys(next()), values: u8s(next()), ends: i32s(next()), blanks: u32s(next()) },
        PartShape::Text | PartShape::IntText | PartShape::FloatText => {
            let (data, offsets, blanks) = (u8s(next()), i32s(next()), u32s(next()));
            let numbers = match shape {
                PartShape::IntText => Some(Numbers::Int(decode_ints(next()))),
                PartShape::FloatText => Some(Numbers::Float(decode_decimals(next()))),
                _ => None,
            };
            ColumnPart::Text { data, offsets, blanks, numbers }
        }
    }
}

/// The values of `buffer` (one of the kinds listed, else empty) as `$to`s.
macro_rules! widened {
    ($buffer:expr => $to:ty; $($kind:ident),+) => {
        match $buffer {
            $(Buffer::$kind(v) => v.into_iter().map(<$to>::from).collect(),)+
            _ => Vec::new(),
        }
    };
}

fn u8s(b: Buffer) -> Vec<u8> {
    widened!(b => u8; U8)
}

fn u32s(b: Buffer) -> Vec<u32> {
    widened!(b => u32; U32)
}

fn i32s(b: Buffer) -> Vec<i32> {
    widened!(b => i32; I32)
}

/// Whole numbers: `I8`, `I16` or `I32`, the narrowest that holds every value, else `I64`.
pub fn encode_ints(values: &[i64]) -> Buffer {
    if let Some(v) = narrow::<i64, i8>(values) {
        Buffer::I8(v)
    } else if let Some(v) = narrow::<i64, i16>(values) {
        Buffer::I16(v)
    } else if let Some(v) = narrow::<i64, i32>(values) {
        Buffer::I32(v)
    } else {
        Buffer::I64(values.to_vec())
    }
}

/// The whole numbers of [`encode_ints`].
pub fn decode_ints(b: Buffer) -> Vec<i64> {
    widened!(b => i64; I8, I16, I32, I64)
}

/// Dictionary keys (each below `values`, the dictionary's size): `U8`, `U16` or `I32`, the
/// narrowest that holds every key.
pub fn encode_keys(keys: &[i32], values: usize) -> Buffer {
    if values <= 1 << 8 {
        Buffer::U8(keys.iter().map(|&k| k as u8).collect())
    } else if values <= 1 << 16 {
        Buffer::U16(keys.iter().map(|&k| k as u16).collect())
    } else {
        Buffer::I32(keys.to_vec())
    }
}

/// The keys of [`encode_keys`].
pub fn decode_keys(b: Buffer) -> Vec<i32> {
    widened!(b => i32; U8, U16, I32)
}

/// Line numbers as the steps between them, the first from `base` (which the receiving side
/// knows: a piece's first record's line), in `U8`, `U16` or `U32`, the narrowest that holds every
/// step, else `U64`: rows one line apart take one byte each.
pub fn encode_lines(lines: &[u64], base: u64) -> Buffer {
    let mut last = base;
    let steps: Vec<u64> = lines
        .iter()
        .map(|&line| {
            let step = line.wrapping_sub(last);
            last = line;
            step
        })
        .collect();
    if let Some(v) = narrow::<u64, u8>(&steps) {
        Buffer::U8(v)
    } else if let Some(v) = narrow::<u64, u16>(&steps) {
        Buffer::U16(v)
    } else if let Some(v) = narrow::<u64, u32>(&steps) {
        Buffer::U32(v)
    } else {
        Buffer::U64(steps)
    }
}

/// The line numbers of [`encode_lines`] from the same `base`.
pub fn decode_line_steps(b: Buffer, base: u64) -> Vec<u64> {
    let steps: Vec<u64> = widened!(b => u64; U8, U16, U32, U64);
    let mut line = base;
    steps
        .into_iter()
        .map(|step| {
            line = line.wrapping_add(step);
            line
        })
        .collect()
}

/// Days since 1970-01-01: `I16` when every one fits (1880 to 2059), else `I32`.
pub fn encode_days(days: &[i32]) -> Buffer {
    match narrow::<i32, i16>(days) {
        Some(v) => Buffer::I16(v),
        None => Buffer::I32(days.to_vec()),
    }
}

/// The days of [`encode_days`].
pub fn decode_days(b: Buffer) -> Vec<i32> {
    widened!(b => i32; I16, I32)
}

/// Decimal numbers: when every one is exactly `m / 10^d` for whole numbers `m` of 32 bits and one
/// `d` of at most 9 (coordinates, prices), `I32` of the `m`s followed by `d`, half the bytes; else
/// `F64`. Exactly the same numbers come back: each is checked to be rebuilt bit for bit by the
/// same division the receiving side makes.
pub fn encode_decimals(values: &[f64]) -> Buffer {
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
            return Buffer::I32(scaled);
        }
    }
    Buffer::F64(values.to_vec())
}

/// The numbers of [`encode_decimals`].
pub fn decode_decimals(b: Buffer) -> Vec<f64> {
    match b {
        Buffer::I32(mut scaled) => {
            let scale = 10f64.powi(scaled.pop().unwrap_or(0));
            scaled.into_iter().map(|m| f64::from(m) / scale).collect()
        }
        Buffer::F64(v) => v,
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_travel_in_the_narrowest_buffer() {
        // 8, 16 or 32 bits when every one fits (the bounds included), else 64.
        let bytes = [0, -128, 127];
        assert!(matches!(encode_ints(&bytes), Buffer::I8(_)));
        assert_eq!(decode_ints(encode_ints(&bytes)), bytes);
        let shorts = [128, -32_768, 32_767];
        assert!(matches!(encode_ints(&shorts), Buffer::I16(_)));
        assert_eq!(decode_ints(encode_ints(&shorts)), shorts);
        let fits = [0, -1, i64::from(i32::MIN), i64::from(i32::MAX), 32_768];
        assert!(matches!(encode_ints(&fits), Buffer::I32(_)));
        assert_eq!(decode_ints(encode_ints(&fits)), fits);
        let wide = [1, i64::from(i32::MAX) + 1, -9_000_000_000_000];
        assert!(matches!(encode_ints(&wide), Buffer::I64(_)));
        assert_eq!(decode_ints(encode_ints(&wide)), wide);
    }

    #[test]
    fn keys_travel_by_the_dictionary_size() {
        // 256 values: one byte; 65,536: two; 65,537: four.
        let keys: Vec<i32> = vec![0, 255, 3];
        assert!(matches!(encode_keys(&keys, 256), Buffer::U8(_)));
        assert_eq!(decode_keys(encode_keys(&keys, 256)), keys);
        let keys: Vec<i32> = vec![0, 256, 65_535];
        assert!(matches!(encode_keys(&keys, 65_536), Buffer::U16(_)));
        assert_eq!(decode_keys(encode_keys(&keys, 65_536)), keys);
        let keys: Vec<i32> = vec![65_536, 1];
        assert!(matches!(encode_keys(&keys, 65_537), Buffer::I32(_)));
        assert_eq!(decode_keys(encode_keys(&keys, 65_537)), keys);
    }

    #[test]
    fn lines_travel_as_steps_from_a_known_base() {
        // One byte each while rows are fewer than 256 lines apart (a piece deep in a part: lines
        // past 84,000, still one byte a row).
        let lines = [84_002, 84_003, 84_004, 84_007, 84_262];
        assert_eq!(encode_lines(&lines, 84_000), Buffer::U8(vec![2, 1, 1, 3, 255]));
        assert_eq!(decode_line_steps(encode_lines(&lines, 84_000), 84_000), lines);
        let lines = [1, 2, u64::from(u32::MAX)];
        assert!(matches!(encode_lines(&lines, 0), Buffer::U32(_)));
        assert_eq!(decode_line_steps(encode_lines(&lines, 0), 0), lines);
        let lines = [1, (1 << 32) + 2];
        assert!(matches!(encode_lines(&lines, 0), Buffer::U64(_)));
        assert_eq!(decode_line_steps(encode_lines(&lines, 0), 0), lines);
    }

    #[test]
    fn days_travel_in_16_bits_from_1880_to_2059() {
        // -32,768 and 32,767 days from 1970.
        let days = [0, -32_768, 32_767, 19_000];
        assert!(matches!(encode_days(&days), Buffer::I16(_)));
        assert_eq!(decode_days(encode_days(&days)), days);
        let days = [32_768];
        assert!(matches!(encode_days(&days), Buffer::I32(_)));
        assert_eq!(decode_days(encode_days(&days)), days);
    }

    #[test]
    fn decimals_come_back_bit_for_bit() {
        // Coordinates of six places travel as whole numbers; -0.0, a value past 32 bits when
        // scaled, and more than nine places do not.
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let coords = [41.912927, -87.540026, 0.0, 41.9, -87.627_8];
        assert_eq!(encode_decimals(&coords), Buffer::I32(vec![41_912_927, -87_540_026, 0, 41_900_000, -87_627_800, 6]));
        assert_eq!(bits(&decode_decimals(encode_decimals(&coords))), bits(&coords));
        for odd in [vec![-0.0, 1.5], vec![3_000_000_000.5], vec![0.1234567891], vec![f64::NAN], vec![1e300]] {
            assert!(matches!(encode_decimals(&odd), Buffer::F64(_)), "{odd:?}");
            assert_eq!(bits(&decode_decimals(encode_decimals(&odd))), bits(&odd));
        }
        assert_eq!(encode_decimals(&[3.0, -2.0]), Buffer::I32(vec![3, -2, 0]));
    }

    #[test]
    fn a_part_comes_back_as_it_was_sent() {
        let head = PartHead {
            start: 100,
            first: Some((0, 40)),
            next: None,
            delimiter: b',',
            width: 6,
            rows_in: 2,
            blank_rows: 0,
            rejected: vec![],
            short: super::super::ingested::ShortRows { count: 9, first_lines: vec![7] },
        };
        let columns = vec![
            ColumnPart::Blank(2),
            ColumnPart::Int(vec![5, 70_000], vec![]),
            ColumnPart::Float(vec![41.5, -0.0], vec![1]),
            ColumnPart::Date(vec![19_000, 0], vec![1]),
            ColumnPart::Dict { keys: vec![0, 1], values: b"ab".to_vec(), ends: vec![1, 2], blanks: vec![] },
            ColumnPart::Text {
                data: b"1x".to_vec(),
                offsets: vec![0, 1, 2],
                blanks: vec![],
                numbers: Some(Numbers::Float(vec![1.0, 2.5])),
            },
        ];
        let part = FilePart { head: head.clone(), lines: vec![41, 42], columns: columns.clone() };
        let (meta, buffers) = encode_part(part);
        let mut buffers = buffers.collect::<Vec<_>>().into_iter();
        assert_eq!(meta.head, head);
        assert_eq!(decode_lines(&meta.head, buffers.next().unwrap()), vec![41, 42]);
        let back: Vec<ColumnPart> = decode_columns(&meta.columns, || buffers.next().unwrap()).collect();
        assert_eq!(back.len(), columns.len());
        for (b, c) in back.iter().zip(&columns) {
            match (b, c) {
                (ColumnPart::Float(x, xb), ColumnPart::Float(y, yb)) => {
                    assert_eq!(x.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), y.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
                    assert_eq!(xb, yb);
                }
                _ => assert_eq!(b, c),
            }
        }
        assert!(buffers.next().is_none(), "every buffer read");
    }
}
