//! A fast, non-cryptographic hasher (the Fx hash of rustc) for the engine's per-row sets and maps,
//! whose keys come from the user's own file: SipHash's protection against crafted keys buys
//! nothing in a page that only ever hashes its own user's data.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashSet` with [`FxHasher`].
pub type FastSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;
/// A `HashMap` with [`FxHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Multiply-rotate hashing of 8 bytes at a time.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// One step of the Fx hash: the hash so far `h` with the 8-byte word `word` mixed in.
#[inline(always)]
pub(crate) fn fx_mix(h: u64, word: u64) -> u64 {
    (h.rotate_left(5) ^ word).wrapping_mul(SEED)
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = fx_mix(self.hash, word);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_equal_and_sets_behave() {
        let mut s: FastSet<&str> = FastSet::default();
        for w in ["a", "b", "a", "a long key of more than eight bytes", "a long key of more than eight bytes"] {
            s.insert(w);
        }
        assert_eq!(s.len(), 3);
        let h = |x: &str| {
            let mut h = FxHasher::default();
            h.write(x.as_bytes());
            h.finish()
        };
        assert_eq!(h("abcdefghij"), h("abcdefghij"));
        assert_ne!(h("abcdefghij"), h("abcdefghik"));
    }
}
