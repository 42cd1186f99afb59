//! The event line the shell logs for every AI Gateway attempt (core::events style): which
//! store and provider, the HTTP status (or the transport failure), the gateway's
//! `cf-aig-cache-status`, and how long it took. Never a shopper id, IP or email.

use crate::gateway::Provider;
use crate::response::CacheStatus;
use serde::Serialize;
use wandstore_core::events::Event;
use wandstore_core::http::{HttpResponse, TransportError};

/// One attempt against the gateway. `msg`: `ai.call`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GatewayCall {
    pub store: String,
    pub provider: &'static str,
    /// The HTTP status, or `None` when there was no response (`transport` says why).
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport: Option<&'static str>,
    /// `hit`, `miss` or `unknown` (no header).
    pub cache_status: &'static str,
    pub ms: u64,
}

impl GatewayCall {
    pub fn of(
        store: &str,
        provider: Provider,
        result: &Result<HttpResponse, TransportError>,
        ms: u64,
    ) -> GatewayCall {
        let (status, transport, cache) = match result {
            Ok(resp) => (Some(resp.status), None, CacheStatus::of(resp)),
            Err(TransportError::Timeout) => (None, Some("timeout"), CacheStatus::Unknown),
            Err(_) => (None, Some("connection"), CacheStatus::Unknown),
        };
        GatewayCall {
            store: store.to_string(),
            provider: provider.as_str(),
            status,
            transport,
            cache_status: cache.as_str(),
            ms,
        }
    }
}

impl Event for GatewayCall {
    fn msg(&self) -> &'static str {
        "ai.call"
    }
}

/// A background refresh that ended without a stored suggestion (every provider failed, the
/// time limit passed, or an object call failed): the page keeps its baseline. `msg`:
/// `ai.refresh_failed`, level warn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefreshFailed {
    pub store: String,
    pub error: String,
}

impl Event for RefreshFailed {
    fn msg(&self) -> &'static str {
        "ai.refresh_failed"
    }

    fn level(&self) -> wandstore_core::log::Level {
        wandstore_core::log::Level::Warn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(cache: Option<&str>) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: cache
                .map(|c| vec![("cf-aig-cache-status".to_string(), c.to_string())])
                .unwrap_or_default(),
            body: Vec::new(),
        }
    }

    #[test]
    fn the_line_carries_the_cache_status_and_nothing_personal() {
        let e = GatewayCall::of("outlet", Provider::OpenAi, &Ok(resp(Some("HIT"))), 12);
        let line = e.line(1_000, "rid-1");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["msg"], "ai.call");
        assert_eq!(v["cache_status"], "hit");
        assert_eq!(v["status"], 200);
        assert_eq!(v["provider"], "openai");
        assert_eq!(v["store"], "outlet");
        assert!(v.get("transport").is_none());
        let miss = GatewayCall::of("outlet", Provider::Anthropic, &Ok(resp(None)), 1);
        assert_eq!(miss.cache_status, "unknown");
        let t = GatewayCall::of("outlet", Provider::OpenAi, &Err(TransportError::Timeout), 9);
        assert_eq!((t.status, t.transport), (None, Some("timeout")));
    }

    #[test]
    fn a_failed_refresh_is_a_warning_naming_the_store_and_why() {
        let e = RefreshFailed {
            store: "outlet".into(),
            error: "gave up after 9000 ms".into(),
        };
        let v: serde_json::Value = serde_json::from_str(&e.line(5, "rid-2")).unwrap();
        assert_eq!(v["msg"], "ai.refresh_failed");
        assert_eq!(v["level"], "warn");
        assert_eq!(v["store"], "outlet");
        assert_eq!(v["error"], "gave up after 9000 ms");
        assert_eq!(v["request_id"], "rid-2");
    }
}
