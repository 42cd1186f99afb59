//! Why a model call gave no usable answer, as a value with a stable kind, and how the
//! guarded-call machine should treat it.

use serde::{Deserialize, Serialize};
use std::fmt;
use wandstore_core::guarded::UpstreamFailure;
use wandstore_core::http::TransportError;

/// The kinds of failure, as they appear in logs and in the report's `failures` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// No complete answer in time.
    Timeout,
    /// The connection failed.
    Connection,
    /// HTTP 429 from the gateway or the provider.
    Throttled,
    /// Any other non-2xx status.
    HttpStatus,
    /// The body (or the model's content) is not JSON.
    InvalidJson,
    /// JSON of the wrong shape (missing fields, wrong types, a refusal, no tool call).
    SchemaMismatch,
    /// Valid JSON but no usable id (all unknown or duplicates, or none).
    Empty,
    /// The provider's breaker is open: it was not called.
    BreakerOpen,
}

impl FailureKind {
    pub const ALL: [FailureKind; 8] = [
        FailureKind::Timeout,
        FailureKind::Connection,
        FailureKind::Throttled,
        FailureKind::HttpStatus,
        FailureKind::InvalidJson,
        FailureKind::SchemaMismatch,
        FailureKind::Empty,
        FailureKind::BreakerOpen,
    ];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Timeout => "timeout",
            FailureKind::Connection => "connection",
            FailureKind::Throttled => "throttled",
            FailureKind::HttpStatus => "http_status",
            FailureKind::InvalidJson => "invalid_json",
            FailureKind::SchemaMismatch => "schema_mismatch",
            FailureKind::Empty => "empty",
            FailureKind::BreakerOpen => "breaker_open",
        }
    }
}

/// One failed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiFailure {
    pub kind: FailureKind,
    /// The HTTP status, when there was a response.
    pub status: Option<u16>,
    /// `Retry-After` in ms, when the server sent one.
    pub retry_after_ms: Option<u64>,
    /// A short description for the log (never the prompt, never a key; at most 200 chars).
    pub detail: String,
}

impl AiFailure {
    pub fn new(kind: FailureKind, detail: impl Into<String>) -> AiFailure {
        AiFailure {
            kind,
            status: None,
            retry_after_ms: None,
            detail: crate::text::clean(&detail.into(), 200),
        }
    }

    /// A failure below HTTP, as the driver reports it.
    pub fn transport(e: &TransportError) -> AiFailure {
        match e {
            TransportError::Timeout => AiFailure::new(FailureKind::Timeout, "no answer in time"),
            TransportError::Connection(m) => AiFailure::new(FailureKind::Connection, m.clone()),
        }
    }
}

impl fmt::Display for AiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.as_str())?;
        if let Some(s) = self.status {
            write!(f, " (HTTP {s})")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl UpstreamFailure for AiFailure {
    /// Timeouts, connection failures, 429 and 5xx are worth another attempt; a garbage
    /// answer is not (the same prompt tends to give the same garbage), nor is a 4xx.
    fn is_retryable(&self) -> bool {
        match self.kind {
            FailureKind::Timeout | FailureKind::Connection | FailureKind::Throttled => true,
            FailureKind::HttpStatus => self.status.is_some_and(|s| s >= 500),
            _ => false,
        }
    }

    /// Everything but an empty selection, a skipped call or a client error (4xx other than
    /// 408) says the provider is unwell or misbehaving.
    fn trips_breaker(&self) -> bool {
        match self.kind {
            FailureKind::Empty | FailureKind::BreakerOpen => false,
            FailureKind::HttpStatus => self
                .status
                .is_none_or(|s| !(400..500).contains(&s) || s == 408),
            _ => true,
        }
    }

    fn retry_after_ms(&self) -> Option<u64> {
        self.retry_after_ms
    }

    fn kind(&self) -> &'static str {
        self.kind.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_status(kind: FailureKind, status: u16) -> AiFailure {
        AiFailure {
            status: Some(status),
            ..AiFailure::new(kind, "")
        }
    }

    #[test]
    fn retry_and_breaker_rules() {
        let t = AiFailure::transport(&TransportError::Timeout);
        assert!(t.is_retryable() && t.trips_breaker());
        assert_eq!(UpstreamFailure::kind(&t), "timeout");
        assert!(with_status(FailureKind::HttpStatus, 503).is_retryable());
        assert!(with_status(FailureKind::HttpStatus, 500).trips_breaker());
        let client = with_status(FailureKind::HttpStatus, 400);
        assert!(!client.is_retryable() && !client.trips_breaker());
        assert!(with_status(FailureKind::Throttled, 429).is_retryable());
        let garbage = AiFailure::new(FailureKind::InvalidJson, "x");
        assert!(!garbage.is_retryable() && garbage.trips_breaker());
        assert!(!AiFailure::new(FailureKind::Empty, "").trips_breaker());
    }

    #[test]
    fn kinds_have_stable_names_and_details_are_capped() {
        let names: Vec<&str> = FailureKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "timeout",
                "connection",
                "throttled",
                "http_status",
                "invalid_json",
                "schema_mismatch",
                "empty",
                "breaker_open"
            ]
        );
        for k in FailureKind::ALL {
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        let long = AiFailure::new(FailureKind::Connection, "x".repeat(1000));
        assert_eq!(long.detail.len(), 200);
        assert_eq!(
            with_status(FailureKind::HttpStatus, 502).to_string(),
            "http_status (HTTP 502)"
        );
    }
}
