//! SHA-256 helpers for cache keys, segments and holdout buckets.

use sha2::{Digest, Sha256};

/// The lower-case hex SHA-256 of the parts, each followed by a 0 byte (so `("ab","c")` and
/// `("a","bc")` differ), cut to `hex_len` characters.
pub(crate) fn hex_of(parts: &[&str], hex_len: usize) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize()).chars().take(hex_len).collect()
}

/// The first 8 bytes of the SHA-256 of the parts, as a number (for buckets).
pub(crate) fn u64_of(parts: &[&str]) -> u64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_separated_and_lengths_hold() {
        assert_ne!(hex_of(&["ab", "c"], 64), hex_of(&["a", "bc"], 64));
        assert_eq!(hex_of(&["x"], 12).len(), 12);
        assert_eq!(hex_of(&["x"], 12), hex_of(&["x"], 12));
        assert_ne!(u64_of(&["a"]), u64_of(&["b"]));
    }
}
