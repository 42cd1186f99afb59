//! The last requests each model endpoint received, headers and body, so end-to-end tests can
//! check what the Worker sent (gateway headers, metadata, no personal data). Also a tiny
//! stand-in for the gateway's cache status: a `cf-aig-cache-key` answered before is a `HIT`.
//!
//! Read with `GET /_devshop/ai/requests`, clear with `DELETE /_devshop/ai/requests`
//! (see [`crate::control`]).

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};

use axum::http::HeaderMap;
use serde::Serialize;
use serde_json::Value;

/// Requests kept per provider (the oldest are dropped).
pub const KEEP: usize = 50;

/// One received request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recorded {
    /// 1, 2, … across both providers, in arrival order.
    pub seq: u64,
    pub path: String,
    /// Lower-case names; repeated headers joined with `, `.
    pub headers: BTreeMap<String, String>,
    /// The body as JSON, or as a string when it is not JSON.
    pub body: Value,
}

#[derive(Default)]
struct Inner {
    seq: u64,
    by_provider: BTreeMap<&'static str, VecDeque<Recorded>>,
    answered_cache_keys: HashSet<String>,
}

/// The record of both providers.
#[derive(Default)]
pub struct AiLog {
    inner: Mutex<Inner>,
}

impl AiLog {
    /// Records one request to `provider` (`openai` or `anthropic`).
    pub fn record(&self, provider: &'static str, path: &str, headers: &HeaderMap, body: &[u8]) {
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            map.entry(name.as_str().to_ascii_lowercase())
                .and_modify(|v| {
                    v.push_str(", ");
                    v.push_str(&value);
                })
                .or_insert(value);
        }
        let body = serde_json::from_slice(body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()));
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.seq += 1;
        let seq = inner.seq;
        let list = inner.by_provider.entry(provider).or_default();
        list.push_back(Recorded {
            seq,
            path: path.to_string(),
            headers: map,
            body,
        });
        while list.len() > KEEP {
            list.pop_front();
        }
    }

    /// `{"openai":[…],"anthropic":[…]}`, oldest first.
    pub fn to_json(&self) -> Value {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let list = |p: &str| {
            inner
                .by_provider
                .get(p)
                .map(|l| l.iter().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        serde_json::json!({ "openai": list("openai"), "anthropic": list("anthropic") })
    }

    /// Forgets every request and every cache key.
    pub fn clear(&self) {
        *self.inner.lock().unwrap_or_else(PoisonError::into_inner) = Inner::default();
    }

    /// `HIT` when a normal answer was already given for this `cf-aig-cache-key` (and the
    /// request did not send `cf-aig-skip-cache: true`), else `MISS`; remembers the key.
    pub fn cache_status(&self, headers: &HeaderMap) -> &'static str {
        let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
        let Some(key) = header("cf-aig-cache-key") else {
            return "MISS";
        };
        let skip = header("cf-aig-skip-cache") == Some("true");
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let seen = !inner.answered_cache_keys.insert(key.to_string());
        if seen && !skip { "HIT" } else { "MISS" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn keeps_the_last_requests_per_provider_in_order() {
        let log = AiLog::default();
        let mut h = HeaderMap::new();
        h.insert("CF-AIG-Event-ID", HeaderValue::from_static("req-1"));
        for i in 0..(KEEP + 5) {
            log.record("openai", "/p", &h, format!("{{\"n\":{i}}}").as_bytes());
        }
        log.record("anthropic", "/m", &h, b"not json");
        let v = log.to_json();
        let openai = v["openai"].as_array().unwrap();
        assert_eq!(openai.len(), KEEP);
        assert_eq!(openai[0]["body"]["n"], 5);
        assert_eq!(openai[0]["headers"]["cf-aig-event-id"], "req-1");
        assert_eq!(v["anthropic"][0]["body"], "not json");
        assert_eq!(v["anthropic"][0]["seq"], (KEEP + 6) as u64);
        log.clear();
        assert_eq!(log.to_json()["openai"], serde_json::json!([]));
    }

    #[test]
    fn a_cache_key_answered_before_is_a_hit() {
        let log = AiLog::default();
        let mut h = HeaderMap::new();
        assert_eq!(log.cache_status(&h), "MISS");
        h.insert("cf-aig-cache-key", HeaderValue::from_static("k1"));
        assert_eq!(log.cache_status(&h), "MISS");
        assert_eq!(log.cache_status(&h), "HIT");
        h.insert("cf-aig-skip-cache", HeaderValue::from_static("true"));
        assert_eq!(log.cache_status(&h), "MISS");
    }
}
