//! Bearer tokens (platform admin, store owners): only SHA-256 hashes are kept, and
//! comparisons take the same time whatever the input.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Prefix of store-owner tokens, so they are recognisable in a leaked-secret scan and can be
/// told apart from the platform admin token without a lookup.
pub const OWNER_TOKEN_PREFIX: &str = "wso_";

/// The hex SHA-256 of a token: what is stored instead of the token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `presented` hashes to `stored_hash`, compared in constant time.
pub fn token_matches(presented: &str, stored_hash: &str) -> bool {
    let presented = hash_token(presented);
    presented.as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

/// A new store-owner token from 32 random bytes supplied by the caller.
pub fn new_owner_token(random: [u8; 32]) -> String {
    format!("{OWNER_TOKEN_PREFIX}{}", hex::encode(random))
}

/// The bearer token of an `Authorization` header value, if it is `Bearer <token>`.
pub fn bearer(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Who an admin API request's bearer token says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The platform admin.
    Admin,
    /// Someone presenting a store-owner token (its hash); which store it owns is checked by
    /// that store's object before an owner route runs.
    Owner { token_hash: String },
}

/// Why an admin API request is refused before any route runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthRefusal {
    /// The deployment has no (usable) admin token: the admin API is off (a 503).
    AdminDisabled,
    /// No `Authorization: Bearer …` header (a 401).
    NoBearer,
    /// A bearer token that is not the admin token and not an owner token (a 401).
    WrongToken,
}

/// Whom an admin API request counts as for its rate limit: the first 16 hex digits of the
/// SHA-256 of its `Authorization` header, so every token (admin or owner) has its own counter
/// and no token is kept in the limiter.
pub fn admin_rate_key(authorization: &str) -> String {
    let mut hash = hash_token(authorization);
    hash.truncate(16);
    hash
}

/// The caller of an admin API request, from the deployment's admin token (if any) and the
/// request's `Authorization` header. An owner-prefixed token is an owner's, whatever its
/// value (the store checks it); anything else must be the admin token.
pub fn admin_caller(admin_token: Option<&str>, authorization: &str) -> Result<Caller, AuthRefusal> {
    let admin = admin_token.ok_or(AuthRefusal::AdminDisabled)?;
    let token = bearer(authorization).ok_or(AuthRefusal::NoBearer)?;
    if token.starts_with(OWNER_TOKEN_PREFIX) {
        return Ok(Caller::Owner {
            token_hash: hash_token(token),
        });
    }
    if !token_matches(token, &hash_token(admin)) {
        return Err(AuthRefusal::WrongToken);
    }
    Ok(Caller::Admin)
}

/// The `WWW-Authenticate` challenge an admin API answer with `status` carries: a 401's (RFC
/// 6750), none for any other.
pub fn admin_challenge(status: u16) -> Option<(&'static str, &'static str)> {
    (status == 401).then_some(("www-authenticate", r#"Bearer realm="wandstore-admin""#))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_401_challenges_for_a_bearer_token() {
        let (name, value) = admin_challenge(401).unwrap();
        assert_eq!(name, "www-authenticate");
        assert!(value.starts_with("Bearer realm="), "{value}");
        for status in [200, 204, 400, 403, 404, 429, 500, 503] {
            assert_eq!(admin_challenge(status), None, "{status}");
        }
    }

    #[test]
    fn each_token_counts_under_its_own_short_hash() {
        let a = admin_rate_key("Bearer one");
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(a, admin_rate_key("Bearer one"), "stable");
        assert_ne!(a, admin_rate_key("Bearer two"));
        assert!(!a.contains("one"), "the token itself is not in the key");
        assert_eq!(admin_rate_key(""), hash_token("")[..16]);
    }

    #[test]
    fn admin_callers_are_the_admin_or_an_owner_token_and_nobody_else() {
        let admin = "a".repeat(40);
        let header = |t: &str| format!("Bearer {t}");
        assert_eq!(
            admin_caller(Some(&admin), &header(&admin)),
            Ok(Caller::Admin)
        );
        assert_eq!(
            admin_caller(Some(&admin), &header("wso_abc")),
            Ok(Caller::Owner {
                token_hash: hash_token("wso_abc")
            })
        );
        assert_eq!(
            admin_caller(None, &header(&admin)),
            Err(AuthRefusal::AdminDisabled),
            "no admin token: nobody, not even an owner"
        );
        for bad in ["", "Basic abc", "Bearer", "Bearer  ", &admin] {
            assert_eq!(
                admin_caller(Some(&admin), bad),
                Err(AuthRefusal::NoBearer),
                "{bad:?}"
            );
        }
        for wrong in [
            header("nope"),
            header(&format!("{admin}x")),
            header(&admin.to_uppercase()),
        ] {
            assert_eq!(
                admin_caller(Some(&admin), &wrong),
                Err(AuthRefusal::WrongToken)
            );
        }
    }

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
