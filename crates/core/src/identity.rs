//! Shopper identity: a shopper id bound to one store, carried in an HMAC-SHA256 signed cookie.
//!
//! Token format ([`crate::signed`]): `v1.{store}.{shopper}.{signature}`, where the signature
//! is the unpadded base64url HMAC-SHA256 of `wandstore-shopper|v1|{store}|{shopper}` under
//! the cookie secret.
//! A token verifies only for the store it names, so a cookie minted at store A is worthless
//! at store B.

use crate::cookie_hints::{self, Hints};
use crate::signed;
use crate::store::StoreSlug;
use sha2::{Digest, Sha256};
use std::fmt;

/// What a shopper token signs (see [`crate::signed`]).
const PURPOSE: &str = "wandstore-shopper";

/// The cookie that carries the shopper token.
pub const COOKIE_NAME: &str = "wandstore_shopper";
/// How long a shopper cookie lives (400 days, the longest browsers honour).
pub const COOKIE_MAX_AGE_SECS: u64 = 400 * 24 * 60 * 60;
/// The shortest cookie secret the shell accepts.
pub const MIN_SECRET_LEN: usize = 32;

/// An opaque shopper id: 32 lowercase hex characters (128 random bits chosen by the shell).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ShopperId(String);

impl<'de> serde::Deserialize<'de> for ShopperId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        ShopperId::parse(&raw).ok_or_else(|| serde::de::Error::custom("not a shopper id"))
    }
}

impl ShopperId {
    /// Builds an id from 16 random bytes supplied by the caller.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        ShopperId(hex::encode(bytes))
    }

    /// Accepts exactly 32 lowercase hex characters.
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.len() == 32 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| ShopperId(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name of this shopper's object at `store` (one per shopper per store).
    pub fn object_name(&self, store: &StoreSlug) -> String {
        format!("{store}/{}", self.0)
    }

    /// A short, stable, non-reversible tag for log lines (never log the id itself).
    pub fn log_tag(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        hex::encode(&digest[..6])
    }
}

impl fmt::Display for ShopperId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Signs and verifies shopper tokens. Holds the current secret and, during a rotation, the
/// previous ones (accepted for verification only).
pub struct CookieSigner {
    current: Vec<u8>,
    previous: Vec<Vec<u8>>,
}

/// The cookie secret is missing or too short to be safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeakSecret(pub usize);

impl fmt::Display for WeakSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the shopper cookie secret has {} bytes; at least {MIN_SECRET_LEN} are required",
            self.0
        )
    }
}

impl CookieSigner {
    pub fn new(current: &[u8], previous: &[&[u8]]) -> Result<Self, WeakSecret> {
        if let Some(weak) = std::iter::once(current)
            .chain(previous.iter().copied())
            .find(|s| s.len() < MIN_SECRET_LEN)
        {
            return Err(WeakSecret(weak.len()));
        }
        Ok(CookieSigner {
            current: current.to_vec(),
            previous: previous.iter().map(|s| s.to_vec()).collect(),
        })
    }

    /// The secret new tokens are signed with.
    pub(crate) fn current_key(&self) -> &[u8] {
        &self.current
    }

    /// Every secret a token may be signed with: the current one, then the previous ones.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(self.current.as_slice()).chain(self.previous.iter().map(Vec::as_slice))
    }

    /// The token for this shopper at this store, signed with the current secret.
    pub fn sign(&self, store: &StoreSlug, shopper: &ShopperId) -> String {
        let fields = [store.as_str(), shopper.as_str()];
        signed::sign(&self.current, PURPOSE, &fields, &fields)
    }

    /// The shopper a token names, if it is well formed, names this store, and carries a valid
    /// signature under the current or a previous secret. Comparison is constant-time.
    pub fn verify(&self, token: &str, store: &StoreSlug) -> Option<ShopperId> {
        let ([token_store, shopper], sig) = signed::split::<2>(token)?;
        if token_store != store.as_str() {
            return None;
        }
        let shopper = ShopperId::parse(shopper)?;
        let keys =
            std::iter::once(self.current.as_slice()).chain(self.previous.iter().map(Vec::as_slice));
        signed::verify(keys, PURPOSE, &[store.as_str(), shopper.as_str()], &sig).then_some(shopper)
    }

    /// The shopper from the first cookie header value that verifies for this store.
    /// A request may carry several cookies of the same name (different paths); any that
    /// fails is ignored, never an error.
    pub fn shopper_from_cookie_header(
        &self,
        cookie_header: &str,
        store: &StoreSlug,
    ) -> Option<ShopperId> {
        self.visitor_from_cookie_header(cookie_header, store)
            .map(|v| v.shopper)
    }

    /// The shopper, the token as sent and the unsigned hints their cookie carries
    /// ([`crate::cookie_hints`]), from the first cookie value that verifies for this store.
    pub fn visitor_from_cookie_header(
        &self,
        cookie_header: &str,
        store: &StoreSlug,
    ) -> Option<Visitor> {
        cookie_values(cookie_header, COOKIE_NAME).find_map(|value| {
            let (token, hints) = cookie_hints::split(value);
            self.verify(token, store).map(|shopper| Visitor {
                shopper,
                token: token.to_owned(),
                hints,
            })
        })
    }
}

pub use crate::cookie_hints::VISITED_HOME;

/// A shopper from their cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visitor {
    pub shopper: ShopperId,
    /// The signed token as the cookie carried it (set again as it is when only a hint changes).
    pub token: String,
    pub hints: Hints,
}

/// Every value of the named cookie in a `Cookie:` header, in order.
pub fn cookie_values<'a>(header: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    header.split(';').filter_map(move |pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"'))
    })
}

/// Where a store's shopper cookie applies, and whether it needs `Secure`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieScope {
    /// `/` for the default store and host-routed stores, `/s/{store}/` for path-routed ones.
    pub path: String,
    /// False only on plain-HTTP localhost.
    pub secure: bool,
}

impl CookieScope {
    /// The scope for a store whose pages live under `base`, reached at `scheme://host`. Plain
    /// HTTP on localhost (local development) is the only place a cookie may lack `Secure`.
    pub fn new(base: &str, scheme: &str, host: &str) -> Self {
        let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
        CookieScope {
            path: base.to_owned(),
            secure: !(scheme == "http" && local),
        }
    }

    /// [`CookieScope::new`] for the request's serialized URL (one that does not parse is not
    /// local development: `Secure`).
    pub fn of_url(base: &str, url: &str) -> Self {
        match url::Url::parse(url) {
            Ok(u) => CookieScope::new(base, u.scheme(), u.host_str().unwrap_or("")),
            Err(_) => CookieScope::new(base, "https", ""),
        }
    }
}

/// The `Set-Cookie` value for a shopper token.
pub fn set_cookie_header(token: &str, scope: &CookieScope) -> String {
    let secure = if scope.secure { "; Secure" } else { "" };
    format!(
        "{COOKIE_NAME}={token}; Path={}; Max-Age={COOKIE_MAX_AGE_SECS}; HttpOnly; SameSite=Lax{secure}",
        scope.path
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const OTHER: &[u8] = b"fedcba9876543210fedcba9876543210";

    fn slug(s: &str) -> StoreSlug {
        StoreSlug::parse(s).unwrap()
    }
    fn shopper(n: u8) -> ShopperId {
        ShopperId::from_random([n; 16])
    }
    fn signer() -> CookieSigner {
        CookieSigner::new(SECRET, &[]).unwrap()
    }

    #[test]
    fn a_shoppers_object_is_named_by_store_then_shopper() {
        let id = shopper(1);
        let name = id.object_name(&slug("demo"));
        assert_eq!(name, format!("demo/{}", id.as_str()));
        assert_ne!(name, id.object_name(&slug("other")), "one object per store");
    }

    #[test]
    fn a_home_hint_rides_outside_the_signature() {
        let s = signer();
        let token = s.sign(&slug("demo"), &shopper(3));
        let header = format!("{COOKIE_NAME}={token}{VISITED_HOME}");
        let v = s
            .visitor_from_cookie_header(&header, &slug("demo"))
            .unwrap();
        assert_eq!((v.shopper, v.hints.saw_home), (shopper(3), true));
        assert_eq!(v.token, token);
        let plain = format!("{COOKIE_NAME}={token}");
        assert!(
            !s.visitor_from_cookie_header(&plain, &slug("demo"))
                .unwrap()
                .hints
                .saw_home
        );
        // The hint never rescues a bad token.
        let forged = format!(
            "{COOKIE_NAME}={}{VISITED_HOME}",
            token.replace("v1.demo", "v1.outlet")
        );
        assert_eq!(s.visitor_from_cookie_header(&forged, &slug("demo")), None);
    }

    #[test]
    fn cookies_are_secure_everywhere_but_plain_http_localhost() {
        assert!(!CookieScope::new("/", "http", "localhost").secure);
        assert!(!CookieScope::new("/", "http", "127.0.0.1").secure);
        assert!(!CookieScope::new("/", "http", "[::1]").secure);
        assert!(CookieScope::new("/", "https", "localhost").secure);
        assert!(CookieScope::new("/", "http", "shop.example.com").secure);
        assert!(CookieScope::new("/", "http", "localhost.evil.com").secure);
        // From the request's URL; one that does not parse is not local.
        assert!(!CookieScope::of_url("/", "http://localhost:8787/console?x=1").secure);
        assert!(!CookieScope::of_url("/", "http://127.0.0.1/").secure);
        assert!(CookieScope::of_url("/", "https://localhost/").secure);
        assert!(CookieScope::of_url("/", "http://platform.example/").secure);
        assert!(CookieScope::of_url("/", "not a url").secure);
        assert!(CookieScope::of_url("/", "").secure);
        assert_eq!(
            CookieScope::of_url("/console", "http://x/").path,
            "/console"
        );
        assert_eq!(
            CookieScope::new("/s/outlet/", "https", "x").path,
            "/s/outlet/"
        );
    }

    #[test]
    fn shopper_ids_validate_when_deserialized() {
        let id = shopper(9);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<ShopperId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<ShopperId>("\"../../etc\"").is_err());
    }

    #[test]
    fn a_signed_token_verifies_for_its_own_store() {
        let s = signer();
        let token = s.sign(&slug("demo"), &shopper(7));
        assert!(token.starts_with("v1.demo.07070707"));
        assert_eq!(s.verify(&token, &slug("demo")), Some(shopper(7)));
    }

    #[test]
    fn a_token_from_store_a_is_worthless_at_store_b() {
        let s = signer();
        let token = s.sign(&slug("demo"), &shopper(7));
        assert_eq!(s.verify(&token, &slug("outlet")), None);
        // Rewriting the store inside the token breaks the signature.
        let forged = token.replacen("v1.demo.", "v1.outlet.", 1);
        assert_eq!(s.verify(&forged, &slug("outlet")), None);
    }

    #[test]
    fn tampered_or_malformed_tokens_are_refused() {
        let s = signer();
        let token = s.sign(&slug("demo"), &shopper(7));
        let other_shopper = token.replacen("07070707", "08070707", 1);
        let mut bad_sig = token.clone();
        let last = bad_sig.pop().unwrap();
        bad_sig.push(if last == 'A' { 'B' } else { 'A' });
        for bad in [
            other_shopper.as_str(),
            bad_sig.as_str(),
            "",
            "v1",
            "v1.demo",
            "v2.demo.07070707070707070707070707070707.x",
            &format!("{token}.extra"),
            "v1.demo.NOTHEX!!070707070707070707070707.abc",
            "v1.demo.07070707070707070707070707070707.***",
        ] {
            assert_eq!(s.verify(bad, &slug("demo")), None, "{bad:?}");
        }
    }

    #[test]
    fn another_secret_does_not_verify_but_a_previous_one_does() {
        let old = CookieSigner::new(OTHER, &[]).unwrap();
        let token = old.sign(&slug("demo"), &shopper(1));
        assert_eq!(signer().verify(&token, &slug("demo")), None);
        let rotated = CookieSigner::new(SECRET, &[OTHER]).unwrap();
        assert_eq!(rotated.verify(&token, &slug("demo")), Some(shopper(1)));
        // New tokens are signed with the current secret only.
        let fresh = rotated.sign(&slug("demo"), &shopper(1));
        assert_eq!(signer().verify(&fresh, &slug("demo")), Some(shopper(1)));
    }

    #[test]
    fn weak_secrets_are_refused() {
        assert_eq!(CookieSigner::new(b"", &[]).err(), Some(WeakSecret(0)));
        assert_eq!(CookieSigner::new(b"short", &[]).err(), Some(WeakSecret(5)));
        assert_eq!(
            CookieSigner::new(SECRET, &[b"short"]).err(),
            Some(WeakSecret(5))
        );
    }

    #[test]
    fn the_first_valid_cookie_of_several_wins() {
        let s = signer();
        let demo = s.sign(&slug("demo"), &shopper(1));
        let outlet = s.sign(&slug("outlet"), &shopper(2));
        let header = format!("theme=dark; {COOKIE_NAME}={demo}; {COOKIE_NAME}={outlet}");
        assert_eq!(
            s.shopper_from_cookie_header(&header, &slug("outlet")),
            Some(shopper(2))
        );
        assert_eq!(
            s.shopper_from_cookie_header(&header, &slug("demo")),
            Some(shopper(1))
        );
        assert_eq!(
            s.shopper_from_cookie_header("theme=dark", &slug("demo")),
            None
        );
        assert_eq!(s.shopper_from_cookie_header("", &slug("demo")), None);
    }

    #[test]
    fn shopper_ids_parse_strictly_and_log_tags_hide_them() {
        assert!(ShopperId::parse("0123456789abcdef0123456789abcdef").is_some());
        assert!(ShopperId::parse("0123456789ABCDEF0123456789abcdef").is_none());
        assert!(ShopperId::parse("0123").is_none());
        let id = shopper(3);
        let tag = id.log_tag();
        assert_eq!(tag.len(), 12);
        assert!(!id.as_str().contains(&tag));
        assert_eq!(tag, shopper(3).log_tag());
        assert_ne!(tag, shopper(4).log_tag());
    }

    #[test]
    fn set_cookie_carries_the_security_attributes() {
        let local = CookieScope {
            path: "/s/outlet/".into(),
            secure: false,
        };
        let v = set_cookie_header("tok", &local);
        assert_eq!(
            v,
            format!(
                "wandstore_shopper=tok; Path=/s/outlet/; Max-Age={COOKIE_MAX_AGE_SECS}; HttpOnly; SameSite=Lax"
            )
        );
        let prod = CookieScope {
            path: "/".into(),
            secure: true,
        };
        assert!(set_cookie_header("tok", &prod).ends_with("; HttpOnly; SameSite=Lax; Secure"));
    }
}
