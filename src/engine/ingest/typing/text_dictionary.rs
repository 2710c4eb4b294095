//! The distinct texts of a column, each numbered once: a text column of few distinct values
//! (categories, meeting types, area names) is kept as one small number per row plus each value
//! once, an Arrow dictionary array, instead of every cell's bytes.

use std::sync::Arc;

use arrow_array::{ArrayRef, StringArray};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};

use crate::engine::fast_hash::fx_mix as mix;

/// Distinct byte strings numbered 0, 1, 2… in the order first seen.
#[derive(Default)]
pub(crate) struct TextDictionary {
    /// The values back to back, then [`PAD`] zero bytes (so 16 bytes can be read from the start
    /// of any value); value `k` ends at `ends[k]`.
    data: Vec<u8>,
    ends: Vec<i32>,
    /// Open addressing, linear probing: 0 is empty, else a value's hash (see [`hash`]) in the high
    /// 32 bits and its number + 1 in the low ones. Length a power of two, at most half full.
    slots: Vec<u64>,
}

/// Zero bytes kept after the last value.
const PAD: usize = 16;

impl TextDictionary {
    /// Number of distinct values.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Where value `k` starts in `data`.
    #[inline(always)]
    fn start(&self, k: usize) -> usize {
        if k == 0 {
            0
        } else {
            self.ends[k - 1] as usize
        }
    }

    /// Value `k`.
    pub(crate) fn value(&self, k: u32) -> &[u8] {
        let k = k as usize;
        &self.data[self.start(k)..self.ends[k] as usize]
    }

    /// The number of `text`, numbering it if it is new (then `true`). `room` is `text` followed by
    /// whatever bytes come after it (a short text is read as two 8-byte words from it).
    #[inline]
    pub(crate) fn key(&mut self, text: &[u8], room: &[u8]) -> (u32, bool) {
        if self.slots.is_empty() {
            self.slots = vec![0; 64];
            self.data = vec![0; PAD];
        }
        let n = text.len();
        let short = (n <= 16).then(|| words16(text, room));
        let h = match short {
            Some(words) => hash_short(n, words),
            None => hash_long(text),
        };
        let mask = self.slots.len() - 1;
        let mut at = (h as usize) & mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                break;
            }
            if (slot >> 32) as u32 == h {
                let k = (slot as u32 - 1) as usize;
                let start = self.start(k);
                if self.ends[k] as usize - start == n {
                    let equal = match short {
                        Some(words) => words16(&self.data[start..start + n], &self.data[start..]) == words,
                        None => same(&self.data[start..start + n], text),
                    };
                    if equal {
                        return (k as u32, false);
                    }
                }
            }
            at = (at + 1) & mask;
        }
        let k = self.ends.len() as u32;
        self.data.truncate(self.data.len() - PAD);
        self.data.extend_from_slice(text);
        self.ends.push(self.data.len() as i32);
        self.data.extend_from_slice(&[0; PAD]);
        self.slots[at] = (u64::from(h) << 32) | u64::from(k + 1);
        if self.ends.len() * 2 > self.slots.len() {
            self.grow();
        }
        (k, true)
    }

    /// Doubles the slots and places every value again.
    #[cold]
    fn grow(&mut self) {
        let mut slots = vec![0u64; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for &slot in self.slots.iter().filter(|&&s| s != 0) {
            let mut at = (slot >> 32) as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = slot;
        }
        self.slots = slots;
    }

    /// The values back to back, and where each ends (value `k` ends at `ends[k]`).
    pub(crate) fn into_parts(mut self) -> (Vec<u8>, Vec<i32>) {
        self.data.truncate(self.data.len().saturating_sub(PAD));
        (self.data, self.ends)
    }

    /// The values as an Arrow string array (key `k` is row `k`). The bytes must be UTF-8.
    pub(crate) fn into_values(mut self) -> StringArray {
        self.data.truncate(self.data.len().saturating_sub(PAD));
        let mut offsets = Vec::with_capacity(self.ends.len() + 1);
        offsets.push(0);
        offsets.extend_from_slice(&self.ends);
        StringArray::try_new(OffsetBuffer::new(ScalarBuffer::from(offsets)), Buffer::from_vec(self.data), None)
            .expect("the reader checked every cell is UTF-8")
    }
}

/// ReaderState a column is kept as a dictionary before it is judged: a column of many distinct values
/// looks unique in its first rows (names of programs that repeat later, say).
const JUDGED_AFTER: usize = 65_536;

/// Whether a column with `distinct` values in `rows` cells so far is better kept as plain text:
/// once judged, more than half its cells are distinct values.
#[inline]
pub(crate) fn too_many(distinct: usize, rows: usize) -> bool {
    rows >= JUDGED_AFTER && distinct * 2 > rows
}

/// A text column from its cells (`None` is null): a dictionary with keys of 8 to 32 bits unless
/// [`too_many`] distinct values turn up, as the CSV reader decides.
pub(crate) fn text_array<'a>(cells: impl ExactSizeIterator<Item = Option<&'a str>> + Clone) -> ArrayRef {
    let mut dict = TextDictionary::default();
    let mut keys = crate::engine::ingest::typing::whole_numbers::IntVec::zeros(0);
    for (row, cell) in cells.clone().enumerate() {
        let Some(text) = cell else {
            keys.push(0);
            continue;
        };
        let (k, new) = dict.key(text.as_bytes(), text.as_bytes());
        keys.push(i64::from(k));
        if new && too_many(dict.len(), row + 1) {
            return Arc::new(cells.collect::<StringArray>());
        }
    }
    let nulls = NullBuffer::from_iter(cells.map(|c| c.is_some()));
    keys.into_keys((nulls.null_count() > 0).then_some(nulls), dict.into_values())
}

/// The low 32 bits of a hash with the high ones folded in.
#[inline(always)]
fn finish(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

/// The hash of a text: its length, then for up to 16 bytes its two zero-padded 8-byte words
/// ([`words16`]), for more its 8-byte words (see [`word`]). Only fixed-size loads: in a browser a
/// copy or comparison of variable length is a call out of WebAssembly.
#[cfg(test)]
fn hash(text: &[u8]) -> u32 {
    if text.len() <= 16 {
        hash_short(text.len(), words16(text, text))
    } else {
        hash_long(text)
    }
}

/// [`hash`] of a text of `n` ≤ 16 bytes, given as its two words ([`words16`]).
#[inline(always)]
fn hash_short(n: usize, (lo, hi): (u64, u64)) -> u32 {
    finish(mix(mix(mix(0, n as u64), lo), hi))
}

/// [`hash`] of a text of more than 16 bytes.
#[inline]
fn hash_long(text: &[u8]) -> u32 {
    let n = text.len();
    let mut h = mix(0, n as u64);
    let mut at = 0;
    while at + 8 < n {
        h = mix(h, word(text, at));
        at += 8;
    }
    finish(mix(h, word(text, n - 8)))
}

/// A text of at most 16 bytes as two words, zero-padded: read from `room` (the text and what
/// follows it) when it holds 16 bytes, else byte by byte.
#[inline(always)]
fn words16(text: &[u8], room: &[u8]) -> (u64, u64) {
    let n = text.len();
    if room.len() >= 16 {
        let keep = |bytes: usize| if bytes >= 8 { u64::MAX } else { (1u64 << (8 * bytes)) - 1 };
        (word(room, 0) & keep(n), if n > 8 { word(room, 8) & keep(n - 8) } else { 0 })
    } else {
        let split = n.min(8);
        (short(&text[..split]), short(&text[split..]))
    }
}

/// Whether `a` and `b` hold the same bytes, compared 8 at a time as [`hash`] reads them.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return short(a) == short(b);
    }
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// The 8 bytes of `text` from `at`; the last word of a text whose length is not a multiple of 8
/// is read from `len - 8`, overlapping the one before.
#[inline(always)]
fn word(text: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(text[at..at + 8].try_into().expect("eight bytes"))
}

/// A text of at most 8 bytes as one word, zero-padded.
#[inline(always)]
fn short(text: &[u8]) -> u64 {
    text.iter().enumerate().fold(0, |w, (i, &b)| w | u64::from(b) << (8 * i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_each_distinct_value_once_in_order_first_seen() {
        let mut d = TextDictionary::default();
        let cells = ["b", "a", "b", "", "a", "c"];
        let keys: Vec<(u32, bool)> = cells.iter().map(|c| d.key(c.as_bytes(), c.as_bytes())).collect();
        assert_eq!(keys, vec![(0, true), (1, true), (0, false), (2, true), (1, false), (3, true)]);
        assert_eq!(d.len(), 4);
        let values = d.into_values();
        assert_eq!(values.iter().map(Option::unwrap).collect::<Vec<_>>(), vec!["b", "a", "", "c"]);
    }

    #[test]
    fn makes_a_dictionary_of_few_values_and_plain_text_of_many() {
        use arrow_array::cast::AsArray;
        use arrow_array::types::Int8Type;
        use arrow_array::Array;
        let few: Vec<Option<String>> = (0..3000).map(|i| (i % 5 != 0).then(|| format!("v{}", i % 3))).collect();
        let a = text_array(few.iter().map(Option::as_deref));
        let d = a.as_dictionary::<Int8Type>();
        assert_eq!((d.values().len(), d.null_count()), (3, 600));
        let values = d.values().as_string::<i32>();
        let back: Vec<Option<&str>> = d.keys().iter().map(|k| k.map(|k| values.value(k as usize))).collect();
        assert_eq!(back, few.iter().map(Option::as_deref).collect::<Vec<_>>());

        let many: Vec<Option<String>> = (0..70_000).map(|i| Some(format!("v{i}"))).collect();
        let a = text_array(many.iter().map(Option::as_deref));
        assert_eq!(a.as_string::<i32>().value(69_999), "v69999");
    }

    #[test]
    fn compares_as_slices_compare() {
        let texts: Vec<Vec<u8>> = (0..40usize)
            .flat_map(|n| [vec![b'a'; n], (0..n as u8).collect(), [vec![b'a'; n.saturating_sub(1)], vec![b'b']].concat()])
            .collect();
        for a in &texts {
            for b in &texts {
                assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
                if a == b {
                    assert_eq!(hash(a), hash(b));
                }
            }
        }
    }

    #[test]
    fn finds_a_short_text_read_with_or_without_room_after_it() {
        let mut d = TextDictionary::default();
        for n in 0..=20 {
            let text: Vec<u8> = (0..n as u8).map(|i| b'a' + i).collect();
            let padded = [text.clone(), b"-0123456789abcdef".to_vec()].concat();
            let (k, new) = d.key(&text, &text);
            assert!(new);
            assert_eq!(d.key(&text, &padded), (k, false), "{n} bytes");
            // The same bytes followed by others are another, longer text.
            assert_ne!(d.key(&padded[..n + 1], &padded).0, k);
        }
    }

    #[test]
    fn keeps_every_value_through_growth() {
        let mut d = TextDictionary::default();
        for round in 0..2 {
            for i in 0..5000 {
                let text = format!("value {i}|and what follows it");
                let (k, new) = d.key(&text.as_bytes()[..text.find('|').unwrap()], text.as_bytes());
                assert_eq!((k, new), (i, round == 0));
            }
        }
        assert_eq!(d.value(4321), b"value 4321");
    }
}
