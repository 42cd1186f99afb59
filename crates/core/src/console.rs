//! The owner console's rules: CSRF tokens for its forms, its cookies, and the sign-in limit;
//! what each request does (which form, which action, which page and notice) is in
//! [`actions`].
//!
//! Every console form carries a CSRF token (field [`crate::csrf::FORM_FIELD`]):
//! - forms shown to a signed-in owner are bound to their session (store, token fingerprint and
//!   the session's expiry), so a token from another session, store or owner token is refused;
//! - the sign-in form, shown before there is a session, is bound to a random browser nonce
//!   kept in its own HttpOnly cookie ([`BROWSER_COOKIE`]), so a cross-site page cannot sign a
//!   browser into someone else's store (login CSRF).
//!
//! Token format: `v1.{issued_at_ms}.{signature}`, the signature (see [`crate::signed`]) over
//! the purpose `wandstore-console-csrf`, the binding's kind and fields, and the issue time.
//! The purpose separates these tokens from the storefront's CSRF tokens, shopper cookies,
//! sessions and preview links. Tokens expire after [`crate::csrf::TOKEN_TTL_MS`].

pub mod actions;

use crate::csrf::CsrfError;
use crate::owner_access::{OwnerSession, SESSION_COOKIE};
use crate::signed;

const PURPOSE: &str = "wandstore-console-csrf";
const MAX_TOKEN_LEN: usize = 128;

/// The cookie holding the sign-in form's browser nonce.
pub const BROWSER_COOKIE: &str = "wandstore_console";
/// The path both console cookies are scoped to.
pub const COOKIE_PATH: &str = "/console";
/// Hex characters of a browser nonce (16 random bytes).
pub const NONCE_LEN: usize = 32;

/// What a console CSRF token is bound to.
#[derive(Debug, Clone, Copy)]
pub enum CsrfBinding<'a> {
    /// The sign-in form: the browser nonce from [`BROWSER_COOKIE`].
    Browser(&'a str),
    /// Every form of a signed-in owner.
    Session(&'a OwnerSession),
}

impl CsrfBinding<'_> {
    fn fields(&self) -> Vec<String> {
        match self {
            CsrfBinding::Browser(nonce) => vec!["browser".into(), (*nonce).to_owned()],
            CsrfBinding::Session(s) => vec![
                "session".into(),
                s.store.as_str().to_owned(),
                s.fingerprint.clone(),
                s.expires_at_ms.to_string(),
            ],
        }
    }
}

/// A token for a console form shown now.
pub fn issue(secret: &[u8], binding: CsrfBinding<'_>, now_ms: u64) -> String {
    let issued = now_ms.to_string();
    let mut fields = binding.fields();
    fields.push(issued.clone());
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    signed::sign(secret, PURPOSE, &fields, &[&issued])
}

/// Accepts a token [`issue`]d under `secret` for this binding, not expired and not from the
/// future. Every refusal is a 403 ([`CsrfError`]).
pub fn verify(
    secret: &[u8],
    token: &str,
    binding: CsrfBinding<'_>,
    now_ms: u64,
) -> Result<(), CsrfError> {
    let ([issued], sig, issued_at_ms) = crate::csrf::read_token::<1>(token, MAX_TOKEN_LEN)?;
    let mut fields = binding.fields();
    fields.push(issued.to_owned());
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    if !signed::verify([secret], PURPOSE, &fields, &sig) {
        return Err(CsrfError::BadSignature);
    }
    crate::csrf::check_age(issued_at_ms, now_ms)
}

/// A browser nonce as it may appear in the cookie: 32 lowercase hex characters.
pub fn is_nonce(raw: &str) -> bool {
    raw.len() == NONCE_LEN && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// 16 random bytes as a browser nonce.
pub fn nonce_from_random(bytes: [u8; 16]) -> String {
    hex::encode(bytes)
}

/// The sign-in form's browser nonce: the browser's own (`held`, already checked), else a new
/// one from `fresh` random bytes, with the `Set-Cookie` that gives it to the browser.
pub fn nonce_or_new<E>(
    held: Option<String>,
    fresh: impl FnOnce() -> Result<[u8; 16], E>,
    secure: bool,
) -> Result<(String, Option<String>), E> {
    if let Some(nonce) = held {
        return Ok((nonce, None));
    }
    let nonce = nonce_from_random(fresh()?);
    let cookie = browser_cookie(&nonce, secure);
    Ok((nonce, Some(cookie)))
}

fn cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{name}={value}; Path={COOKIE_PATH}; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{secure}"
    )
}

/// `Set-Cookie` for a new session (`value` from `CookieSigner::sign_session`).
pub fn session_cookie(value: &str, max_age_secs: u64, secure: bool) -> String {
    cookie(SESSION_COOKIE, value, max_age_secs, secure)
}

/// `Set-Cookie` that ends the session in the browser.
pub fn clear_session_cookie(secure: bool) -> String {
    cookie(SESSION_COOKIE, "", 0, secure)
}

/// `Set-Cookie` for the sign-in form's browser nonce (a day).
pub fn browser_cookie(nonce: &str, secure: bool) -> String {
    cookie(BROWSER_COOKIE, nonce, 24 * 60 * 60, secure)
}

/// The default number of sign-in attempts a client may make per window.
pub const SIGN_IN_ATTEMPTS: u32 = 10;
/// The sign-in limit's window (10 minutes).
pub const SIGN_IN_WINDOW_MS: u64 = 10 * 60 * 1000;

/// The exact per-client limit on `POST /console/sign-in`, counted by the AbuseGuard objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimit {
    pub attempts: u32,
    pub window_ms: u64,
}

impl SignInLimit {
    /// The limit with the `CONSOLE_SIGN_IN_LIMIT` var's value, if it is a whole number from 1 to 1000;
    /// the default otherwise.
    pub fn from_var(raw: Option<&str>) -> SignInLimit {
        let attempts = raw
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|n| (1..=1000).contains(n))
            .unwrap_or(SIGN_IN_ATTEMPTS);
        SignInLimit {
            attempts,
            window_ms: SIGN_IN_WINDOW_MS,
        }
    }

    /// The limiter key for a client (`client_key`; `None`, e.g. loopback in local
    /// development, shares one key, so the limit still applies).
    pub fn key(client: Option<&str>) -> String {
        format!("sign_in:client:{}", client.unwrap_or("unknown"))
    }
}

/// What the sign-in limiter's answer means for an attempt. Unlike every other limit, a
/// limiter that cannot answer refuses the attempt (fail closed): guessing owner tokens must
/// never get cheaper because the counter is down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInGate {
    Allowed,
    /// Past the limit: 429.
    Limited,
    /// The limiter failed: 503.
    Unavailable,
}

impl SignInGate {
    /// From the limiter's answer: whether the attempt is within the limit, or its failure.
    pub fn from_count<E>(counted: &Result<bool, E>) -> SignInGate {
        match counted {
            Ok(true) => SignInGate::Allowed,
            Ok(false) => SignInGate::Limited,
            Err(_) => SignInGate::Unavailable,
        }
    }

    /// The refusal's status, `None` when the attempt may go on.
    pub fn status(self) -> Option<u16> {
        match self {
            SignInGate::Allowed => None,
            SignInGate::Limited => Some(429),
            SignInGate::Unavailable => Some(503),
        }
    }

    /// The name in log lines (`rate_decision`).
    pub fn name(self) -> &'static str {
        match self {
            SignInGate::Allowed => "allowed",
            SignInGate::Limited => "limited",
            SignInGate::Unavailable => "unavailable_refused",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csrf::{MAX_CLOCK_SKEW_MS, TOKEN_TTL_MS};
    use crate::store::StoreSlug;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_browser_keeps_its_nonce_and_one_without_gets_a_fresh_one_and_its_cookie() {
        let unused = || -> Result<[u8; 16], &str> { panic!("no random bytes are needed") };
        let kept = nonce_or_new(Some("ab".repeat(16)), unused, true).unwrap();
        assert_eq!(kept, ("ab".repeat(16), None));
        let (nonce, cookie) = nonce_or_new(None, || Ok::<_, &str>([0x0f; 16]), false).unwrap();
        assert_eq!(nonce, "0f".repeat(16));
        assert!(is_nonce(&nonce));
        let cookie = cookie.unwrap();
        assert!(cookie.starts_with(&format!("{BROWSER_COOKIE}={nonce};")));
        assert!(!cookie.contains("Secure"), "plain-HTTP localhost");
        let (_, secure) = nonce_or_new(None, || Ok::<_, &str>([1; 16]), true).unwrap();
        assert!(secure.unwrap().ends_with("; Secure"));
        assert_eq!(
            nonce_or_new(None, || Err("no entropy"), true),
            Err("no entropy")
        );
    }
    const NOW: u64 = 1_800_000_000_000;

    fn session(store: &str, fp: &str, expires: u64) -> OwnerSession {
        OwnerSession {
            store: StoreSlug::parse(store).unwrap(),
            fingerprint: fp.into(),
            expires_at_ms: expires,
        }
    }

    #[test]
    fn a_session_token_holds_for_its_session_only() {
        let s = session("acme", "0123456789abcdef", NOW + 1000);
        let t = issue(SECRET, CsrfBinding::Session(&s), NOW);
        assert_eq!(verify(SECRET, &t, CsrfBinding::Session(&s), NOW), Ok(()));
        let others = [
            session("other", "0123456789abcdef", NOW + 1000),
            session("acme", "fedcba9876543210", NOW + 1000),
            session("acme", "0123456789abcdef", NOW + 2000),
        ];
        for o in &others {
            assert_eq!(
                verify(SECRET, &t, CsrfBinding::Session(o), NOW),
                Err(CsrfError::BadSignature),
                "{o:?}"
            );
        }
        let nonce = nonce_from_random([1; 16]);
        assert_eq!(
            verify(SECRET, &t, CsrfBinding::Browser(&nonce), NOW),
            Err(CsrfError::BadSignature)
        );
        let foreign = issue(
            b"another secret entirely, 32 bytes",
            CsrfBinding::Session(&s),
            NOW,
        );
        assert_eq!(
            verify(SECRET, &foreign, CsrfBinding::Session(&s), NOW),
            Err(CsrfError::BadSignature)
        );
    }

    #[test]
    fn a_sign_in_token_holds_for_its_browser_only() {
        let a = nonce_from_random([1; 16]);
        let b = nonce_from_random([2; 16]);
        assert!(is_nonce(&a));
        let t = issue(SECRET, CsrfBinding::Browser(&a), NOW);
        assert_eq!(verify(SECRET, &t, CsrfBinding::Browser(&a), NOW), Ok(()));
        assert_eq!(
            verify(SECRET, &t, CsrfBinding::Browser(&b), NOW),
            Err(CsrfError::BadSignature)
        );
    }

    #[test]
    fn storefront_tokens_are_not_console_tokens() {
        let slug = StoreSlug::parse("acme").unwrap();
        let shopper = crate::identity::ShopperId::from_random([3; 16]);
        let storefront = crate::csrf::issue(SECRET, &slug, &shopper, NOW);
        let s = session("acme", "0123456789abcdef", NOW + 1000);
        assert_eq!(
            verify(SECRET, &storefront, CsrfBinding::Session(&s), NOW),
            Err(CsrfError::Malformed)
        );
    }

    #[test]
    fn lifetimes_and_malformed_tokens() {
        let n = nonce_from_random([9; 16]);
        let b = CsrfBinding::Browser(&n);
        let t = issue(SECRET, b, NOW);
        assert_eq!(verify(SECRET, &t, b, NOW + TOKEN_TTL_MS - 1), Ok(()));
        assert_eq!(
            verify(SECRET, &t, b, NOW + TOKEN_TTL_MS),
            Err(CsrfError::Expired {
                age_ms: TOKEN_TTL_MS
            })
        );
        assert_eq!(verify(SECRET, &t, b, NOW - MAX_CLOCK_SKEW_MS), Ok(()));
        assert!(matches!(
            verify(SECRET, &t, b, NOW - MAX_CLOCK_SKEW_MS - 1),
            Err(CsrfError::FutureDated { .. })
        ));
        let sig = t.rsplit('.').next().unwrap();
        let table = [
            (String::new(), CsrfError::Missing),
            ("v1".into(), CsrfError::Malformed),
            (format!("v1.0{NOW}.{sig}"), CsrfError::Malformed),
            (format!("v1.{}.{sig}", NOW + 1), CsrfError::BadSignature),
            (format!("v1.x.{sig}"), CsrfError::Malformed),
            (format!("{t}.x"), CsrfError::Malformed),
            ("<script>".into(), CsrfError::Malformed),
            ("a".repeat(129), CsrfError::Malformed),
        ];
        for (bad, err) in table {
            assert_eq!(verify(SECRET, &bad, b, NOW), Err(err), "{bad}");
        }
        for bad in ["", "0123", &"A".repeat(32), &"g".repeat(32)] {
            assert!(!is_nonce(bad), "{bad}");
        }
    }

    #[test]
    fn cookies_are_strict_http_only_and_scoped_to_the_console() {
        let c = session_cookie("v1.x", 60, true);
        assert_eq!(
            c,
            "wandstore_owner=v1.x; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
        assert!(!session_cookie("v", 1, false).contains("Secure"));
        assert!(clear_session_cookie(true).contains("Max-Age=0"));
        assert!(browser_cookie("ab", false).starts_with("wandstore_console=ab; Path=/console;"));
    }

    #[test]
    fn a_failed_limiter_refuses_the_sign_in() {
        let table: [(Result<bool, &str>, SignInGate, Option<u16>); 3] = [
            (Ok(true), SignInGate::Allowed, None),
            (Ok(false), SignInGate::Limited, Some(429)),
            (Err("guard down"), SignInGate::Unavailable, Some(503)),
        ];
        for (counted, gate, status) in table {
            let g = SignInGate::from_count(&counted);
            assert_eq!(g, gate, "{counted:?}");
            assert_eq!(g.status(), status, "{counted:?}");
        }
        assert_eq!(SignInGate::Unavailable.name(), "unavailable_refused");
    }

    #[test]
    fn the_sign_in_limit_has_a_documented_default_and_a_bounded_override() {
        let d = SignInLimit::from_var(None);
        assert_eq!(d.attempts, 10);
        assert_eq!(d.window_ms, 600_000);
        assert_eq!(SignInLimit::from_var(Some(" 3 ")).attempts, 3);
        assert_eq!(SignInLimit::from_var(Some("1000")).attempts, 1000);
        for bad in ["0", "1001", "-1", "x", ""] {
            assert_eq!(SignInLimit::from_var(Some(bad)).attempts, 10, "{bad}");
        }
        assert_eq!(
            SignInLimit::key(Some("203.0.113.7")),
            "sign_in:client:203.0.113.7"
        );
        assert_eq!(SignInLimit::key(None), "sign_in:client:unknown");
    }
}
