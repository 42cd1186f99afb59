//! Idempotency of JSON writes (draft-ietf-httpapi-idempotency-key-header).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The request header that carries the key. Optional: a JSON write without it is not
/// deduplicated.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// Set (to "true") on a response that was replayed from a stored record.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// The longest key accepted, in bytes.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;
/// How long a stored response is replayed (24 hours).
pub const IDEMPOTENCY_RETENTION_MS: u64 = 24 * 60 * 60 * 1000;
/// The status for a key reused with a different request, per the draft.
pub const IDEMPOTENCY_CONFLICT_STATUS: u16 = 422;

/// A client-chosen key: 1..=[`MAX_IDEMPOTENCY_KEY_LEN`] bytes of visible ASCII without `"`
/// or `\`. The draft's quoted form (`"abc"`, a structured-field string) and the common bare
/// form (`abc`) name the same key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

/// Why an `Idempotency-Key` header was refused (400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyKeyError {
    Empty,
    /// Length in bytes.
    TooLong(usize),
    InvalidCharacter(char),
}

impl IdempotencyKeyError {
    pub fn status(&self) -> u16 {
        400
    }

    pub fn code(&self) -> &'static str {
        "invalid_idempotency_key"
    }
}

impl fmt::Display for IdempotencyKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdempotencyKeyError::Empty => f.write_str("the Idempotency-Key header is empty"),
            IdempotencyKeyError::TooLong(n) => write!(
                f,
                "the Idempotency-Key has {n} characters; at most {MAX_IDEMPOTENCY_KEY_LEN} are allowed"
            ),
            IdempotencyKeyError::InvalidCharacter(c) => write!(
                f,
                "the Idempotency-Key may hold visible ASCII characters only (no spaces, quotes \
                 or backslashes); found {c:?}"
            ),
        }
    }
}

impl std::error::Error for IdempotencyKeyError {}

impl IdempotencyKey {
    pub fn parse(header: &str) -> Result<IdempotencyKey, IdempotencyKeyError> {
        let trimmed = header.trim_matches([' ', '\t']);
        let key = trimmed
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or(trimmed);
        if key.is_empty() {
            return Err(IdempotencyKeyError::Empty);
        }
        if key.len() > MAX_IDEMPOTENCY_KEY_LEN {
            return Err(IdempotencyKeyError::TooLong(key.len()));
        }
        if let Some(c) = key
            .chars()
            .find(|c| !c.is_ascii_graphic() || matches!(c, '"' | '\\'))
        {
            return Err(IdempotencyKeyError::InvalidCharacter(c));
        }
        Ok(IdempotencyKey(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The lowercase hex SHA-256 of `method`, `path` and `body`, separated by newlines (which
/// neither a method nor a path can hold). Keys live in one shopper's object, so the store and
/// shopper need not be part of it.
pub fn request_fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b"\n");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body);
    hex::encode(h.finalize())
}

/// A response stored under a key, as kept in the shopper's SQLite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub key: String,
    /// [`request_fingerprint`] of the request that produced the response.
    pub request_fingerprint: String,
    pub status: u16,
    /// The JSON body sent.
    pub body: String,
    pub created_at_ms: u64,
}

impl IdempotencyRecord {
    pub fn new(
        key: &IdempotencyKey,
        request_fingerprint: String,
        status: u16,
        body: String,
        now_ms: u64,
    ) -> IdempotencyRecord {
        IdempotencyRecord {
            key: key.as_str().to_owned(),
            request_fingerprint,
            status,
            body,
            created_at_ms: now_ms,
        }
    }

    /// True once [`IDEMPOTENCY_RETENTION_MS`] have passed since it was stored.
    pub fn is_expired(&self, now_ms: u64) -> bool {
        now_ms.saturating_sub(self.created_at_ms) >= IDEMPOTENCY_RETENTION_MS
    }
}

/// Records created before this instant are expired: `DELETE … WHERE created_at_ms < ?`.
pub fn idempotency_cutoff(now_ms: u64) -> u64 {
    now_ms.saturating_sub(IDEMPOTENCY_RETENTION_MS)
}

/// Whether a response with this status is stored for replay: the outcomes a retry would
/// reproduce (2xx, and 4xx decided by the request and the cart). Not 5xx, nor the transient
/// 408, 409, 425 and 429, so a retry can still succeed.
pub fn should_record(status: u16) -> bool {
    (200..500).contains(&status) && !matches!(status, 408 | 409 | 425 | 429)
}

/// What to do with a request that carries a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdempotencyCheck<'a> {
    /// Not seen (or expired): run the command, then store the response if [`should_record`].
    Fresh,
    /// The same request was answered before: send this status and body again, changing nothing.
    Replay(&'a IdempotencyRecord),
    /// The key was used for a different request: answer [`IDEMPOTENCY_CONFLICT_STATUS`].
    Conflict,
}

impl IdempotencyCheck<'_> {
    pub const CONFLICT_MESSAGE: &'static str =
        "this Idempotency-Key was already used for a different request; use a new key";
}

/// Compares a request with the record stored under its key (if any).
pub fn check_idempotency<'a>(
    existing: Option<&'a IdempotencyRecord>,
    fingerprint: &str,
    now_ms: u64,
) -> IdempotencyCheck<'a> {
    match existing {
        None => IdempotencyCheck::Fresh,
        Some(r) if r.is_expired(now_ms) => IdempotencyCheck::Fresh,
        Some(r) if r.request_fingerprint == fingerprint => IdempotencyCheck::Replay(r),
        Some(_) => IdempotencyCheck::Conflict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::test_support::NOW;

    #[test]
    fn idempotency_keys_parse() {
        let longest = "k".repeat(MAX_IDEMPOTENCY_KEY_LEN);
        let ok: &[(&str, &str)] = &[
            (
                "8e03978e-40d5-43e8-bc93-6894a57f9324",
                "8e03978e-40d5-43e8-bc93-6894a57f9324",
            ),
            ("\"8e03978e\"", "8e03978e"),
            ("  abc\t", "abc"),
            ("a", "a"),
            (
                "~!#$%&'()*+,-./:;<=>?@[]^_`{|}",
                "~!#$%&'()*+,-./:;<=>?@[]^_`{|}",
            ),
            (&longest, &longest),
        ];
        for (raw, key) in ok {
            assert_eq!(
                IdempotencyKey::parse(raw).map(|k| k.0),
                Ok((*key).to_owned()),
                "{raw}"
            );
        }
        let too_long = "k".repeat(MAX_IDEMPOTENCY_KEY_LEN + 1);
        let bad: &[(&str, IdempotencyKeyError)] = &[
            ("", IdempotencyKeyError::Empty),
            ("   ", IdempotencyKeyError::Empty),
            ("\"\"", IdempotencyKeyError::Empty),
            (
                &too_long,
                IdempotencyKeyError::TooLong(MAX_IDEMPOTENCY_KEY_LEN + 1),
            ),
            ("a b", IdempotencyKeyError::InvalidCharacter(' ')),
            ("a\u{7f}", IdempotencyKeyError::InvalidCharacter('\u{7f}')),
            ("é", IdempotencyKeyError::InvalidCharacter('é')),
            ("\"", IdempotencyKeyError::InvalidCharacter('"')),
            ("a\"b", IdempotencyKeyError::InvalidCharacter('"')),
            ("\"a\\b\"", IdempotencyKeyError::InvalidCharacter('\\')),
        ];
        for (raw, err) in bad {
            let got = IdempotencyKey::parse(raw);
            assert_eq!(got.as_ref().err(), Some(err), "{raw:?}");
            assert_eq!(err.status(), 400);
            assert!(err.to_string().contains("Idempotency-Key"));
        }
    }

    #[test]
    fn fingerprints_cover_method_path_and_body() {
        let fp = request_fingerprint("POST", "/cart", br#"{"op":"clear"}"#);
        assert_eq!(fp.len(), 64);
        assert!(fp.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        assert_eq!(
            fp,
            request_fingerprint("POST", "/cart", br#"{"op":"clear"}"#)
        );
        for other in [
            request_fingerprint("PUT", "/cart", br#"{"op":"clear"}"#),
            request_fingerprint("POST", "/cart/x", br#"{"op":"clear"}"#),
            request_fingerprint("POST", "/cart", br#"{"op":"clear" }"#),
            request_fingerprint("POST", "/cart\n{", br#""op":"clear"}"#),
        ] {
            assert_ne!(fp, other);
        }
        // Known vector: `printf 'GET\n/\n' | sha256sum`.
        assert_eq!(
            request_fingerprint("GET", "/", b""),
            "139fb16fdd19069e75f6f3dd0e619a89fb157dab65e8722c66e6b3fd43f7900c"
        );
    }

    #[test]
    fn idempotency_check_replays_conflicts_and_expires() {
        let key = IdempotencyKey::parse("k1").unwrap();
        let fp = request_fingerprint("POST", "/cart", b"{}");
        let record = IdempotencyRecord::new(&key, fp.clone(), 200, "{\"ok\":true}".into(), NOW);
        assert_eq!(record.key, "k1");
        let other = request_fingerprint("POST", "/cart", b"{\"op\":\"clear\"}");
        let day = IDEMPOTENCY_RETENTION_MS;
        let table: &[(Option<&IdempotencyRecord>, &str, u64, IdempotencyCheck<'_>)] = &[
            (None, &fp, NOW, IdempotencyCheck::Fresh),
            (Some(&record), &fp, NOW, IdempotencyCheck::Replay(&record)),
            (
                Some(&record),
                &fp,
                NOW + day - 1,
                IdempotencyCheck::Replay(&record),
            ),
            (Some(&record), &fp, NOW + day, IdempotencyCheck::Fresh),
            (Some(&record), &other, NOW, IdempotencyCheck::Conflict),
            (
                Some(&record),
                &other,
                NOW + day - 1,
                IdempotencyCheck::Conflict,
            ),
            (Some(&record), &other, NOW + day, IdempotencyCheck::Fresh),
            // A record from the future (clock moved back) is not expired.
            (
                Some(&record),
                &fp,
                NOW - 1000,
                IdempotencyCheck::Replay(&record),
            ),
        ];
        for (i, (existing, fingerprint, now, expected)) in table.iter().enumerate() {
            assert_eq!(
                check_idempotency(*existing, fingerprint, *now),
                *expected,
                "row {i}"
            );
        }
        assert_eq!(IDEMPOTENCY_RETENTION_MS, 86_400_000);
        assert_eq!(IDEMPOTENCY_CONFLICT_STATUS, 422);
        assert!(!record.is_expired(NOW + day - 1));
        assert!(record.is_expired(NOW + day));
        assert_eq!(idempotency_cutoff(NOW + day), NOW);
        assert_eq!(idempotency_cutoff(5), 0);
        let stored = serde_json::to_string(&record).unwrap();
        assert_eq!(
            serde_json::from_str::<IdempotencyRecord>(&stored).unwrap(),
            record
        );
    }

    #[test]
    fn which_statuses_are_recorded() {
        for s in [200, 201, 204, 303, 400, 404, 413, 422] {
            assert!(should_record(s), "{s}");
        }
        for s in [100, 408, 409, 425, 429, 500, 502, 503] {
            assert!(!should_record(s), "{s}");
        }
    }
}
