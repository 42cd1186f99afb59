//! Signed tokens, the one format behind shopper cookies and CSRF tokens:
//! `v1.{part}.{part}….{signature}`, where the signature is the unpadded base64url
//! HMAC-SHA256 of `{purpose}|v1|{field}|{field}…` under a secret. The purpose string
//! separates kinds of token, so with one shared secret a token of one kind (or its
//! signature) is never valid as another. Fields never contain `|` (slugs, hex ids and
//! digits): a field that does is refused, so no two field lists sign the same message.
//! Verification is constant-time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The token format's version, its first part.
pub const VERSION: &str = "v1";

/// The length of a decoded signature (HMAC-SHA256).
pub const SIGNATURE_LEN: usize = 32;

fn mac(key: &[u8], purpose: &str, fields: &[&str]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail; fall back to an empty-keyed MAC
    // (which never verifies a real signature) rather than panic.
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <HmacSha256 as KeyInit>::new(&Default::default()));
    m.update(purpose.as_bytes());
    m.update(b"|");
    m.update(VERSION.as_bytes());
    for field in fields {
        m.update(b"|");
        m.update(field.as_bytes());
    }
    m
}

/// `v1.{visible…}.{signature over purpose and signed fields}`. The visible parts are what
/// the token shows; the signed fields may hold more (e.g. an id the token only hints at).
pub fn sign(key: &[u8], purpose: &str, signed: &[&str], visible: &[&str]) -> String {
    let sig = URL_SAFE_NO_PAD.encode(mac(key, purpose, signed).finalize().into_bytes());
    let mut token = String::from(VERSION);
    for part in visible {
        token.push('.');
        token.push_str(part);
    }
    token.push('.');
    token.push_str(&sig);
    token
}

/// The `N` visible parts and the decoded signature of a `v1` token with exactly that many
/// parts, or `None` for anything else.
pub fn split<const N: usize>(token: &str) -> Option<([&str; N], Vec<u8>)> {
    let mut parts = token.split('.');
    if parts.next() != Some(VERSION) {
        return None;
    }
    let mut visible = [""; N];
    for slot in &mut visible {
        *slot = parts.next()?;
    }
    let sig = URL_SAFE_NO_PAD
        .decode(parts.next()?)
        .ok()
        .filter(|s| s.len() == SIGNATURE_LEN)?;
    parts.next().is_none().then_some((visible, sig))
}

/// A number field of a token in its one canonical spelling (digits, no leading zero), so
/// one value has one token; anything else is `None`.
pub fn parse_canonical_u64(raw: &str) -> Option<u64> {
    let canonical = !raw.is_empty()
        && raw.len() <= 20
        && raw.bytes().all(|b| b.is_ascii_digit())
        && (raw == "0" || !raw.starts_with('0'));
    canonical.then(|| raw.parse().ok()).flatten()
}

/// Whether `signature` signs `purpose` and `signed` under any of `keys` (constant-time).
pub fn verify<'k>(
    keys: impl IntoIterator<Item = &'k [u8]>,
    purpose: &str,
    signed: &[&str],
    signature: &[u8],
) -> bool {
    if signed.iter().any(|f| f.contains('|')) {
        return false;
    }
    keys.into_iter()
        .any(|key| mac(key, purpose, signed).verify_slice(signature).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const OTHER: &[u8] = b"fedcba9876543210fedcba9876543210";

    #[test]
    fn a_token_verifies_with_its_key_purpose_and_fields_only() {
        let token = sign(KEY, "p", &["a", "b"], &["a", "b"]);
        assert!(token.starts_with("v1.a.b."));
        let ([a, b], sig) = split::<2>(&token).unwrap();
        assert_eq!((a, b), ("a", "b"));
        assert!(verify([KEY], "p", &["a", "b"], &sig));
        assert!(!verify([OTHER], "p", &["a", "b"], &sig), "another key");
        assert!(!verify([KEY], "q", &["a", "b"], &sig), "another purpose");
        assert!(!verify([KEY], "p", &["a", "c"], &sig), "another field");
        assert!(
            !verify([KEY], "p", &["a|b"], &sig),
            "a separator in a field"
        );
        let ambiguous = sign(KEY, "p", &["a|b"], &["x"]);
        let ([_], sig) = split::<1>(&ambiguous).unwrap();
        assert!(
            !verify([KEY], "p", &["a|b"], &sig),
            "is refused even when signed"
        );
        assert!(
            verify([OTHER, KEY], "p", &["a", "b"], &sig),
            "any key of a rotation"
        );
    }

    #[test]
    fn malformed_tokens_do_not_split() {
        let token = sign(KEY, "p", &["a"], &["a"]);
        assert!(split::<1>(&token).is_some());
        assert!(split::<2>(&token).is_none(), "too few parts");
        assert!(split::<0>(&token).is_none(), "too many parts");
        assert!(split::<1>(&token.replacen("v1", "v2", 1)).is_none());
        assert!(split::<1>("v1.a.not*base64").is_none());
        assert!(split::<1>("v1.a.c2hvcnQ").is_none(), "short signature");
        assert!(split::<1>("").is_none());
    }
}
