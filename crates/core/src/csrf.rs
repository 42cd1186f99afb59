//! CSRF tokens for HTML form posts: every form carries one, bound to the store and to the
//! shopper named by the signed cookie, and a POST without a valid one is refused (403).
//!
//! Token format: `v1.{store}.{shopper_tag}.{issued_at_ms}.{signature}`, where
//! - `shopper_tag` is 16 hex characters of SHA-256 over the shopper id, so a token from another
//!   session is told apart without putting the shopper id itself into the page;
//! - `issued_at_ms` is the canonical decimal issue time, so the token expires after
//!   [`TOKEN_TTL_MS`];
//! - `signature` is the unpadded base64url HMAC-SHA256 of
//!   `wandstore-csrf|v1|{store}|{shopper}|{issued_at_ms}` (the full shopper id) under the secret.
//!
//! The `wandstore-csrf|` prefix separates it from the shopper cookie's
//! `wandstore-shopper|` message (see [`crate::identity`]), so even with one shared secret a
//! cookie token (or its signature) is never a valid CSRF token. Every character is URL- and
//! form-safe. The secret should be at least [`crate::identity::MIN_SECRET_LEN`] bytes.

use crate::identity::ShopperId;
use crate::signed;
use crate::store::StoreSlug;
use sha2::{Digest, Sha256};
use std::fmt;

/// What a CSRF token signs (see [`crate::signed`]).
const PURPOSE: &str = "wandstore-csrf";

/// The form field that carries the token.
pub const FORM_FIELD: &str = "csrf";
/// How long a token is accepted after it was issued (12 hours).
pub const TOKEN_TTL_MS: u64 = 12 * 60 * 60 * 1000;
/// How far in the future an issue time may lie (clocks of two isolates differ a little).
pub const MAX_CLOCK_SKEW_MS: u64 = 60 * 1000;
/// Longer input is refused before any work is done.
const MAX_TOKEN_LEN: usize = 256;
const TAG_LEN: usize = 16;

/// Why a token was refused. Every kind is a 403; the kinds exist for the log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfError {
    /// No token (or an empty one).
    Missing,
    /// Not a `v1` token of the documented shape.
    Malformed,
    /// Issued for another store.
    WrongStore,
    /// Issued to another shopper (their cookie was replaced since the page was shown).
    WrongShopper,
    /// The signature does not match: forged, tampered with, or made with another secret.
    BadSignature,
    /// Older than [`TOKEN_TTL_MS`].
    Expired { age_ms: u64 },
    /// Issued more than [`MAX_CLOCK_SKEW_MS`] in the future.
    FutureDated { ahead_ms: u64 },
}

impl CsrfError {
    pub fn status(&self) -> u16 {
        403
    }

    /// A stable code for logs and `{"error":{"code"}}`.
    pub fn code(&self) -> &'static str {
        match self {
            CsrfError::Missing => "csrf_missing",
            CsrfError::Malformed => "csrf_malformed",
            CsrfError::WrongStore => "csrf_wrong_store",
            CsrfError::WrongShopper => "csrf_wrong_shopper",
            CsrfError::BadSignature => "csrf_bad_signature",
            CsrfError::Expired { .. } => "csrf_expired",
            CsrfError::FutureDated { .. } => "csrf_future_dated",
        }
    }
}

/// Messages a shopper can act on: each one ends by saying what to do.
impl fmt::Display for CsrfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self {
            CsrfError::Missing => "the form was sent without its security token",
            CsrfError::Expired { .. } => "this form was opened more than 12 hours ago",
            CsrfError::WrongShopper => "this form belongs to an earlier session",
            CsrfError::WrongStore => "this form belongs to another store",
            CsrfError::Malformed | CsrfError::BadSignature | CsrfError::FutureDated { .. } => {
                "the form's security token is not valid"
            }
        };
        write!(f, "{why}; reload the page and try again")
    }
}

impl std::error::Error for CsrfError {}

/// A token for forms shown to `shopper` at `store` now.
pub fn issue(secret: &[u8], store: &StoreSlug, shopper: &ShopperId, now_ms: u64) -> String {
    let issued = now_ms.to_string();
    let tag = shopper_tag(shopper);
    signed::sign(
        secret,
        PURPOSE,
        &[store.as_str(), shopper.as_str(), &issued],
        &[store.as_str(), &tag, &issued],
    )
}

/// The fields of a form post (`application/x-www-form-urlencoded`), if it carries a token
/// that [`verify`] accepts for this store and shopper in its [`FORM_FIELD`].
pub fn checked_form(
    secret: &[u8],
    body: &str,
    store: &StoreSlug,
    shopper: &ShopperId,
    now_ms: u64,
) -> Result<Vec<(String, String)>, CsrfError> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let token = (fields.iter())
        .find(|(k, _)| k == FORM_FIELD)
        .map_or("", |(_, v)| v.as_str());
    verify(secret, token, store, shopper, now_ms)?;
    Ok(fields)
}

/// Accepts a token issued by [`issue`] under `secret` for this store and shopper, no older
/// than [`TOKEN_TTL_MS`] and no more than [`MAX_CLOCK_SKEW_MS`] in the future. The signature
/// is checked (in constant time) before the times, so `Expired` and `FutureDated` only ever
/// describe genuine tokens.
pub fn verify(
    secret: &[u8],
    token: &str,
    store: &StoreSlug,
    shopper: &ShopperId,
    now_ms: u64,
) -> Result<(), CsrfError> {
    let ([token_store, tag, issued], sig, issued_at_ms) = read_token::<3>(token, MAX_TOKEN_LEN)?;
    let well_formed_tag =
        tag.len() == TAG_LEN && tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !well_formed_tag {
        return Err(CsrfError::Malformed);
    }
    if token_store != store.as_str() {
        return Err(CsrfError::WrongStore);
    }
    if tag != shopper_tag(shopper) {
        return Err(CsrfError::WrongShopper);
    }
    let fields = [store.as_str(), shopper.as_str(), issued];
    if !signed::verify([secret], PURPOSE, &fields, &sig) {
        return Err(CsrfError::BadSignature);
    }
    check_age(issued_at_ms, now_ms)
}

/// The visible fields and signature of a CSRF token of at most `max_len` bytes whose last
/// field is its issue time (read as well): `Missing` when empty, `Malformed` when too long or
/// misshapen. Shared by every CSRF variant, before each checks its own binding.
pub(crate) fn read_token<const N: usize>(
    token: &str,
    max_len: usize,
) -> Result<([&str; N], Vec<u8>, u64), CsrfError> {
    if token.is_empty() {
        return Err(CsrfError::Missing);
    }
    if token.len() > max_len {
        return Err(CsrfError::Malformed);
    }
    let (fields, sig) = signed::split::<N>(token).ok_or(CsrfError::Malformed)?;
    let issued_at_ms = fields
        .last()
        .and_then(|issued| signed::parse_canonical_u64(issued))
        .ok_or(CsrfError::Malformed)?;
    Ok((fields, sig, issued_at_ms))
}

/// A genuine token issued at `issued_at_ms` is usable `now_ms`: no older than
/// [`TOKEN_TTL_MS`], no more than [`MAX_CLOCK_SKEW_MS`] ahead. Shared by every CSRF variant.
pub(crate) fn check_age(issued_at_ms: u64, now_ms: u64) -> Result<(), CsrfError> {
    if issued_at_ms > now_ms.saturating_add(MAX_CLOCK_SKEW_MS) {
        return Err(CsrfError::FutureDated {
            ahead_ms: issued_at_ms - now_ms,
        });
    }
    let age_ms = now_ms.saturating_sub(issued_at_ms);
    if age_ms >= TOKEN_TTL_MS {
        return Err(CsrfError::Expired { age_ms });
    }
    Ok(())
}

fn shopper_tag(shopper: &ShopperId) -> String {
    let mut h = Sha256::new();
    h.update(b"wandstore-csrf-shopper|v1|");
    h.update(shopper.as_str().as_bytes());
    hex::encode(&h.finalize()[..TAG_LEN / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::CookieSigner;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const OTHER_SECRET: &[u8] = b"fedcba9876543210fedcba9876543210";
    const NOW: u64 = 1_750_000_000_000;

    fn slug(s: &str) -> StoreSlug {
        StoreSlug::parse(s).unwrap()
    }
    fn shopper(n: u8) -> ShopperId {
        ShopperId::from_random([n; 16])
    }
    fn token() -> String {
        issue(SECRET, &slug("demo"), &shopper(1), NOW)
    }
    fn check(token: &str, now: u64) -> Result<(), CsrfError> {
        verify(SECRET, token, &slug("demo"), &shopper(1), now)
    }
    /// The token with its part `i` (0-based, split on '.') replaced.
    fn with_part(token: &str, i: usize, value: &str) -> String {
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[i] = value;
        parts.join(".")
    }

    #[test]
    fn a_token_round_trips_and_has_the_documented_shape() {
        let t = token();
        assert_eq!(check(&t, NOW), Ok(()));
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 5);
        assert_eq!(parts[0], "v1");
        assert_eq!(parts[1], "demo");
        assert_eq!(parts[2], shopper_tag(&shopper(1)));
        assert_eq!(parts[3], NOW.to_string());
        assert_eq!(URL_SAFE_NO_PAD.decode(parts[4]).unwrap().len(), 32);
        // Form- and URL-safe, and it does not reveal the shopper id.
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        );
        assert!(!t.contains(shopper(1).as_str()));
        // Deterministic for the same inputs, different for another time.
        assert_eq!(t, token());
        assert_ne!(t, issue(SECRET, &slug("demo"), &shopper(1), NOW + 1));
        assert_eq!(FORM_FIELD, "csrf");
    }

    #[test]
    fn the_token_is_the_documented_hmac() {
        // Computed outside Rust (Python's hmac) over the documented message
        // "wandstore-csrf|v1|demo|0101…01|1750000000000", which pins the domain prefix.
        assert_eq!(
            token(),
            "v1.demo.418771e6e709293b.1750000000000.KxNqby1TyGe788qevhcBzJJXlKLHKr9au4Iu4tMoXFw"
        );
    }

    #[test]
    fn lifetime_boundaries() {
        let t = token();
        let table: &[(u64, Result<(), CsrfError>)] = &[
            (NOW, Ok(())),
            (NOW + 1, Ok(())),
            (NOW + TOKEN_TTL_MS - 1, Ok(())),
            (
                NOW + TOKEN_TTL_MS,
                Err(CsrfError::Expired {
                    age_ms: TOKEN_TTL_MS,
                }),
            ),
            (
                NOW + 30 * TOKEN_TTL_MS,
                Err(CsrfError::Expired {
                    age_ms: 30 * TOKEN_TTL_MS,
                }),
            ),
            // The verifier's clock may lag the issuer's by up to the skew.
            (NOW - MAX_CLOCK_SKEW_MS, Ok(())),
            (
                NOW - MAX_CLOCK_SKEW_MS - 1,
                Err(CsrfError::FutureDated {
                    ahead_ms: MAX_CLOCK_SKEW_MS + 1,
                }),
            ),
            (0, Err(CsrfError::FutureDated { ahead_ms: NOW })),
        ];
        for (now, expected) in table {
            assert_eq!(check(&t, *now), *expected, "now = {now}");
        }
        assert_eq!(TOKEN_TTL_MS, 43_200_000);
        // Tokens issued at the edges of time neither panic nor pass wrongly.
        let at_zero = issue(SECRET, &slug("demo"), &shopper(1), 0);
        assert_eq!(check(&at_zero, 0), Ok(()));
        let at_max = issue(SECRET, &slug("demo"), &shopper(1), u64::MAX);
        assert_eq!(check(&at_max, u64::MAX), Ok(()));
        assert!(matches!(
            check(&at_max, 0),
            Err(CsrfError::FutureDated { .. })
        ));
    }

    #[test]
    fn tokens_are_bound_to_their_store_and_shopper() {
        let t = token();
        let table: &[(&str, u8, CsrfError)] = &[
            ("outlet", 1, CsrfError::WrongStore),
            ("demo", 2, CsrfError::WrongShopper),
            ("outlet", 2, CsrfError::WrongStore),
        ];
        for (store, who, err) in table {
            assert_eq!(
                verify(SECRET, &t, &slug(store), &shopper(*who), NOW),
                Err(*err),
                "{store} {who}"
            );
        }
        // Rewriting the store or shopper tag inside the token breaks the signature.
        let moved = with_part(&t, 1, "outlet");
        assert_eq!(
            verify(SECRET, &moved, &slug("outlet"), &shopper(1), NOW),
            Err(CsrfError::BadSignature)
        );
        let retagged = with_part(&t, 2, &shopper_tag(&shopper(2)));
        assert_eq!(
            verify(SECRET, &retagged, &slug("demo"), &shopper(2), NOW),
            Err(CsrfError::BadSignature)
        );
    }

    #[test]
    fn tampering_and_foreign_secrets_are_bad_signatures() {
        let t = token();
        let mut flipped = t.clone();
        let last = flipped.pop().unwrap();
        // The last base64url character of 32 bytes carries 4 data bits; change one of them.
        flipped.push(if last == 'A' { 'Q' } else { 'A' });
        let later = with_part(&t, 3, &(NOW + 1000).to_string());
        let extended = with_part(&t, 3, &(NOW + TOKEN_TTL_MS).to_string());
        let foreign = issue(OTHER_SECRET, &slug("demo"), &shopper(1), NOW);
        for bad in [&flipped, &later, &extended, &foreign] {
            assert_eq!(check(bad, NOW), Err(CsrfError::BadSignature), "{bad}");
        }
        // A forged token with an old time is refused as forged, not as expired.
        let old_forgery = with_part(&foreign, 3, "1");
        assert_eq!(check(&old_forgery, NOW), Err(CsrfError::BadSignature));
        // An empty secret signs nothing the real secret accepts, and vice versa.
        let empty = issue(b"", &slug("demo"), &shopper(1), NOW);
        assert_eq!(check(&empty, NOW), Err(CsrfError::BadSignature));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let t = token();
        let sig = t.rsplit('.').next().unwrap();
        let tag = shopper_tag(&shopper(1));
        let long = format!("{t}{}", "A".repeat(MAX_TOKEN_LEN));
        let table: Vec<(String, CsrfError)> = vec![
            (String::new(), CsrfError::Missing),
            (" ".into(), CsrfError::Malformed),
            ("v1".into(), CsrfError::Malformed),
            (format!("{t}.extra"), CsrfError::Malformed),
            (with_part(&t, 0, "v2"), CsrfError::Malformed),
            (with_part(&t, 0, "V1"), CsrfError::Malformed),
            (with_part(&t, 2, "ABCDEF0123456789"), CsrfError::Malformed),
            (with_part(&t, 2, &tag[..15]), CsrfError::Malformed),
            (with_part(&t, 3, ""), CsrfError::Malformed),
            (with_part(&t, 3, &format!("0{NOW}")), CsrfError::Malformed),
            (with_part(&t, 3, &format!("+{NOW}")), CsrfError::Malformed),
            (
                with_part(&t, 3, "99999999999999999999"),
                CsrfError::Malformed,
            ),
            (with_part(&t, 4, ""), CsrfError::Malformed),
            (with_part(&t, 4, "***"), CsrfError::Malformed),
            (with_part(&t, 4, &format!("{sig}=")), CsrfError::Malformed),
            (with_part(&t, 4, &sig[..40]), CsrfError::Malformed),
            (
                with_part(&t, 4, &format!("{sig}AAAA")),
                CsrfError::Malformed,
            ),
            (long, CsrfError::Malformed),
        ];
        for (bad, err) in &table {
            assert_eq!(check(bad, NOW), Err(*err), "{bad:?}");
        }
        assert_eq!(signed::parse_canonical_u64("0"), Some(0));
        assert_eq!(signed::parse_canonical_u64("00"), None);
    }

    #[test]
    fn a_cookie_token_is_never_a_csrf_token() {
        let signer = CookieSigner::new(SECRET, &[]).unwrap();
        let cookie = signer.sign(&slug("demo"), &shopper(1));
        // As it is: the wrong shape.
        assert_eq!(check(&cookie, NOW), Err(CsrfError::Malformed));
        // Its signature transplanted into a CSRF token, at any time: the domains differ.
        let cookie_sig = cookie.rsplit('.').next().unwrap();
        for issued in [NOW, 0] {
            let transplanted =
                format!("v1.demo.{}.{issued}.{cookie_sig}", shopper_tag(&shopper(1)));
            assert_eq!(
                check(&transplanted, NOW.max(issued)),
                Err(CsrfError::BadSignature)
            );
        }
        // And the other way round: a CSRF token is not a cookie.
        assert_eq!(signer.verify(&token(), &slug("demo")), None);
    }

    #[test]
    fn every_error_is_a_403_with_its_own_code_and_an_actionable_message() {
        let all = [
            CsrfError::Missing,
            CsrfError::Malformed,
            CsrfError::WrongStore,
            CsrfError::WrongShopper,
            CsrfError::BadSignature,
            CsrfError::Expired { age_ms: 1 },
            CsrfError::FutureDated { ahead_ms: 1 },
        ];
        let mut codes: Vec<&str> = all.iter().map(CsrfError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for e in all {
            assert_eq!(e.status(), 403);
            assert!(e.code().starts_with("csrf_"));
            assert!(
                e.to_string().ends_with("reload the page and try again"),
                "{e}"
            );
        }
        assert!(
            CsrfError::Expired { age_ms: 1 }
                .to_string()
                .contains("12 hours")
        );
    }

    #[test]
    fn shopper_tags_are_stable_short_and_distinct() {
        let a = shopper_tag(&shopper(1));
        assert_eq!(a.len(), TAG_LEN);
        assert_eq!(a, shopper_tag(&shopper(1)));
        assert_ne!(a, shopper_tag(&shopper(2)));
        // Not the log tag, so a log line does not link to a page's token.
        assert!(!a.starts_with(&shopper(1).log_tag()));
    }

    #[test]
    fn a_form_with_its_token_gives_its_fields() {
        let body = format!("variant_id=gid%3A%2F%2Fx%2F1&csrf={}&quantity=2", token());
        let fields = checked_form(SECRET, &body, &slug("demo"), &shopper(1), NOW).unwrap();
        assert_eq!(fields[0], ("variant_id".into(), "gid://x/1".into()));
        assert_eq!(fields[2], ("quantity".into(), "2".into()));
    }

    #[test]
    fn a_form_without_a_valid_token_is_refused() {
        let form =
            |body: &str, who: u8| checked_form(SECRET, body, &slug("demo"), &shopper(who), NOW);
        assert_eq!(form("", 1), Err(CsrfError::Missing));
        assert_eq!(form("quantity=2&csrf=", 1), Err(CsrfError::Missing));
        assert_eq!(form("csrf=v1.nonsense", 1), Err(CsrfError::Malformed));
        let body = format!("csrf={}", token());
        assert_eq!(form(&body, 2), Err(CsrfError::WrongShopper));
        let other = checked_form(OTHER_SECRET, &body, &slug("demo"), &shopper(1), NOW);
        assert_eq!(other, Err(CsrfError::BadSignature));
        // No secret configured: every form is refused.
        assert!(checked_form(b"", &body, &slug("demo"), &shopper(1), NOW).is_err());
    }
}
