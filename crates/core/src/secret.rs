//! Bearer tokens (platform admin, store owners): only SHA-256 hashes are kept, and
//! comparisons take the same time whatever the input.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Prefix of store-owner tokens, so they are recognisable in a leaked-secret scan and can be
/// told apart from the platform admin token without a lookup.
pub const OWNER_TOKEN_PREFIX: &str = "wso_";

/// The hex SHA-256 of a token: what is stored instead of the token.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `presented` hashes to `stored_hash`, compared in constant time.
pub fn token_matches(presented: &str, stored_hash: &str) -> bool {
    let presented = hash_token(presented);
    presented.as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

/// A new store-owner token from 32 random bytes supplied by the caller.
pub fn new_owner_token(random: [u8; 32]) -> String {
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("{OWNER_TOKEN_PREFIX}{hex}")
}

/// The bearer token of an `Authorization` header value, if it is `Bearer <token>`.
pub fn bearer(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_hex_sha256() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn tokens_match_only_their_own_hash() {
        let stored = hash_token("s3cret");
        assert!(token_matches("s3cret", &stored));
        assert!(!token_matches("s3cret ", &stored));
        assert!(!token_matches("", &stored));
        assert!(!token_matches("s3cret", "not-a-hash"));
    }

    #[test]
    fn owner_tokens_are_prefixed_and_long() {
        let t = new_owner_token([0xab; 32]);
        assert!(t.starts_with("wso_abab"));
        assert_eq!(t.len(), 4 + 64);
    }

    #[test]
    fn bearer_parsing_is_strict_about_the_scheme() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer   abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
    }
}
