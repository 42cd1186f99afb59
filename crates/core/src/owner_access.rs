//! How store owners reach what they own without their token in a URL: signed preview links
//! (anyone holding one sees the store's draft theme until it expires) and console sessions
//! (an HttpOnly cookie minted when an owner signs in with their token). Both are signed tokens
//! (`crate::signed`) under the platform's cookie secret, each with its own purpose, so neither
//! is ever valid as the other or as a shopper cookie.

use crate::identity::CookieSigner;
use crate::signed;
use crate::store::StoreSlug;

/// How long a preview link works.
pub const PREVIEW_TTL_MS: u64 = 24 * 60 * 60 * 1000;
/// How long a console session lasts.
pub const SESSION_TTL_MS: u64 = 8 * 60 * 60 * 1000;
/// The console's session cookie.
pub const SESSION_COOKIE: &str = "wandstore_owner";
/// Hex characters of the owner token's hash a session carries: rotating the token changes
/// them, which ends every session made with the old token.
pub const FINGERPRINT_LEN: usize = 16;

const PREVIEW: &str = "theme-preview";
const SESSION: &str = "owner-session";
/// Longer tokens are refused before any parsing.
const MAX_TOKEN_LEN: usize = 256;

/// A console session: whose store, which token it was made with, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerSession {
    pub store: StoreSlug,
    /// The first [`FINGERPRINT_LEN`] hex characters of the owner token's SHA-256.
    pub fingerprint: String,
    pub expires_at_ms: u64,
}

/// The fingerprint of an owner token hash (see [`FINGERPRINT_LEN`]).
pub fn fingerprint(token_hash: &str) -> String {
    token_hash.chars().take(FINGERPRINT_LEN).collect()
}

/// Whether a session's fingerprint is that of the owner token hash on file (constant-time).
pub fn fingerprint_matches(presented: &str, stored_hash: &str) -> bool {
    use subtle::ConstantTimeEq;
    presented.len() == FINGERPRINT_LEN
        && bool::from(
            presented
                .as_bytes()
                .ct_eq(fingerprint(stored_hash).as_bytes()),
        )
}

/// Whether a presented token hash is the one on file (constant-time).
pub fn hash_matches(presented: &str, stored_hash: &str) -> bool {
    use subtle::ConstantTimeEq;
    presented.as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

/// A time in ms since the epoch as RFC 3339 (`2026-11-28T22:00:00Z`), for API answers.
pub fn rfc3339(ms: u64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Who the theme history names as a change's author (never a token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    /// The platform admin (admin token).
    Admin,
    /// The store's owner (owner token or console session).
    Owner,
}

impl Author {
    /// Who the history names for an admin API caller.
    pub fn of(caller: &crate::secret::Caller) -> Self {
        match caller {
            crate::secret::Caller::Admin => Author::Admin,
            crate::secret::Caller::Owner { .. } => Author::Owner,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Author::Admin => "admin",
            Author::Owner => "owner",
        }
    }
}

/// A preview link's address on the platform host (`origin` empty: its path).
pub fn preview_url(origin: &str, store: &StoreSlug, token: &str) -> String {
    format!("{origin}/s/{store}/preview/{token}/")
}

impl CookieSigner {
    /// A preview link token for `store`, valid until `expires_at_ms`.
    pub fn sign_preview(&self, store: &StoreSlug, expires_at_ms: u64) -> String {
        let expires = expires_at_ms.to_string();
        let fields = [store.as_str(), expires.as_str()];
        signed::sign(self.current_key(), PREVIEW, &fields, &fields)
    }

    /// When a preview token for this store expires, if it is genuine and not yet expired.
    pub fn verify_preview(&self, token: &str, store: &StoreSlug, now_ms: u64) -> Option<u64> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let ([token_store, expires], sig) = signed::split::<2>(token)?;
        let expires_at_ms = signed::parse_canonical_u64(expires)?;
        let genuine = token_store == store.as_str()
            && signed::verify(self.keys(), PREVIEW, &[token_store, expires], &sig);
        (genuine && now_ms < expires_at_ms).then_some(expires_at_ms)
    }

    /// A console session cookie value.
    pub fn sign_session(&self, session: &OwnerSession) -> String {
        let expires = session.expires_at_ms.to_string();
        let fields = [
            session.store.as_str(),
            session.fingerprint.as_str(),
            expires.as_str(),
        ];
        signed::sign(self.current_key(), SESSION, &fields, &fields)
    }

    /// The session a cookie value holds, if it is genuine and not yet expired. Whether the
    /// owner token it was made with is still the store's is for the store's object to say.
    pub fn verify_session(&self, token: &str, now_ms: u64) -> Option<OwnerSession> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let ([store, fp, expires], sig) = signed::split::<3>(token)?;
        let store = StoreSlug::parse(store).ok()?;
        let expires_at_ms = signed::parse_canonical_u64(expires)?;
        let well_formed = fp.len() == FINGERPRINT_LEN
            && fp.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        let genuine = well_formed
            && signed::verify(self.keys(), SESSION, &[store.as_str(), fp, expires], &sig);
        (genuine && now_ms < expires_at_ms).then(|| OwnerSession {
            store,
            fingerprint: fp.to_owned(),
            expires_at_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const NEW: &[u8] = b"fedcba9876543210fedcba9876543210";

    fn slug(s: &str) -> StoreSlug {
        StoreSlug::parse(s).unwrap()
    }

    #[test]
    fn a_preview_link_works_for_its_store_until_it_expires() {
        let signer = CookieSigner::new(KEY, &[]).unwrap();
        let token = signer.sign_preview(&slug("acme"), 1_000);
        assert_eq!(
            signer.verify_preview(&token, &slug("acme"), 999),
            Some(1_000)
        );
        assert_eq!(
            signer.verify_preview(&token, &slug("acme"), 1_000),
            None,
            "expired"
        );
        assert_eq!(
            signer.verify_preview(&token, &slug("other"), 1),
            None,
            "another store"
        );
        let rotated = CookieSigner::new(NEW, &[KEY]).unwrap();
        assert_eq!(
            rotated.verify_preview(&token, &slug("acme"), 1),
            Some(1_000)
        );
        let gone = CookieSigner::new(NEW, &[]).unwrap();
        assert_eq!(gone.verify_preview(&token, &slug("acme"), 1), None);
    }

    #[test]
    fn a_preview_link_points_at_the_stores_preview_route() {
        let signer = CookieSigner::new(KEY, &[]).unwrap();
        let token = signer.sign_preview(&slug("acme"), 1_000);
        let url = preview_url("https://wand.example", &slug("acme"), &token);
        assert_eq!(url, format!("https://wand.example/s/acme/preview/{token}/"));
        assert_eq!(preview_url("", &slug("acme"), "t"), "/s/acme/preview/t/");
        assert_eq!(
            (Author::Admin.name(), Author::Owner.name()),
            ("admin", "owner")
        );
    }

    #[test]
    fn the_history_names_the_callers_role_never_its_token() {
        use crate::secret::Caller;
        assert_eq!(Author::of(&Caller::Admin).name(), "admin");
        let owner = Caller::Owner {
            token_hash: "secret-hash".into(),
        };
        assert_eq!(Author::of(&owner).name(), "owner");
    }

    #[test]
    fn tampered_and_foreign_tokens_are_refused() {
        let signer = CookieSigner::new(KEY, &[]).unwrap();
        let token = signer.sign_preview(&slug("acme"), 1_000);
        let later = token.replace(".1000.", ".9000.");
        assert_eq!(signer.verify_preview(&later, &slug("acme"), 1), None);
        let padded = token.replace(".1000.", ".01000.");
        assert_eq!(signer.verify_preview(&padded, &slug("acme"), 1), None);
        // A shopper cookie or a session is never a preview link, and the other way round.
        let shopper = crate::identity::ShopperId::from_random([7; 16]);
        let cookie = signer.sign(&slug("acme"), &shopper);
        assert_eq!(signer.verify_preview(&cookie, &slug("acme"), 1), None);
        let session = OwnerSession {
            store: slug("acme"),
            fingerprint: "0123456789abcdef".into(),
            expires_at_ms: 1_000,
        };
        let s = signer.sign_session(&session);
        assert_eq!(signer.verify_preview(&s, &slug("acme"), 1), None);
        assert_eq!(signer.verify_session(&token, 1), None);
        assert_eq!(
            signer.verify_preview(&"a".repeat(300), &slug("acme"), 1),
            None
        );
        for junk in ["", "v1", "v1..", "v1.acme.x.sig", "<script>"] {
            assert_eq!(
                signer.verify_preview(junk, &slug("acme"), 1),
                None,
                "{junk}"
            );
            assert_eq!(signer.verify_session(junk, 1), None, "{junk}");
        }
    }

    #[test]
    fn fingerprints_and_hashes_match_only_their_own() {
        let hash = crate::secret::hash_token("wso_a");
        assert!(hash_matches(&hash, &hash));
        assert!(!hash_matches(&crate::secret::hash_token("wso_b"), &hash));
        assert!(!hash_matches("", &hash));
        assert!(fingerprint_matches(&fingerprint(&hash), &hash));
        assert!(
            !fingerprint_matches(&hash, &hash),
            "a whole hash is not a fingerprint"
        );
        assert!(!fingerprint_matches("", &hash));
        let other = crate::secret::hash_token("wso_b");
        assert!(!fingerprint_matches(&fingerprint(&other), &hash));
    }

    #[test]
    fn times_read_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_824_000_500), "2026-11-28T00:00:00.5Z");
    }

    #[test]
    fn a_session_round_trips_until_it_expires() {
        let signer = CookieSigner::new(KEY, &[]).unwrap();
        let session = OwnerSession {
            store: slug("acme"),
            fingerprint: fingerprint(&crate::secret::hash_token("wso_x")),
            expires_at_ms: 5_000,
        };
        assert_eq!(session.fingerprint.len(), FINGERPRINT_LEN);
        let cookie = signer.sign_session(&session);
        assert_eq!(signer.verify_session(&cookie, 4_999), Some(session.clone()));
        assert_eq!(signer.verify_session(&cookie, 5_000), None);
        let other_store = cookie.replacen("acme", "evil", 1);
        assert_eq!(signer.verify_session(&other_store, 1), None);
    }
}
