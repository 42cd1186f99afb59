//! Fault injection per shop and for the model endpoints, switchable at run time.
//!
//! Keys: each shop (`demo`, `outlet`), `ai.openai` (the OpenAI-compatible chat endpoint),
//! `ai.anthropic` (the Anthropic-compatible messages endpoint) and `ai` (both model
//! endpoints; a provider's own key is consulted first, and `ai` applies when it is `none`
//! with no latency).
//!
//! A fault is `{"mode": …, "latency_ms": 0, "remaining": null|N}`:
//!
//! | mode        | what the client sees                                                        |
//! |-------------|-----------------------------------------------------------------------------|
//! | `none`      | normal answers (after `latency_ms`)                                         |
//! | `http500`   | HTTP 500 with a JSON error body                                             |
//! | `http429`   | HTTP 429 with `Retry-After: 1`                                              |
//! | `http430`   | HTTP 430 (Shopify's security rejection)                                     |
//! | `http423`   | HTTP 423 (shop locked / unavailable)                                        |
//! | `throttled` | HTTP 200 with `{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED",…}}]}` |
//! | `malformed` | HTTP 200, `application/json`, truncated JSON that does not parse            |
//! | `drop`      | the connection is closed without any response                               |
//! | `hang`      | no answer at all until the client gives up                                  |
//!
//! Model keys (`ai`, `ai.openai`, `ai.anthropic`) also take *answer* faults: HTTP 200 with the
//! provider's normal envelope, but a bad answer inside (see [`crate::ai_answer`]):
//!
//! | mode               | the answer                                                        |
//! |--------------------|-------------------------------------------------------------------|
//! | `invalid_json`     | the model's text is not JSON (prose around a cut-off object)      |
//! | `hallucinated_ids` | ids that were never candidates (plus one real one)                |
//! | `duplicates`       | the same ids several times                                        |
//! | `overlong`         | 40 ids and a 1,000-character headline                             |
//! | `html`             | a headline carrying `<script>` and an `onerror` image              |
//! | `injection`        | a headline that gives the reader instructions                     |
//!
//! `latency_ms` with mode `none` makes a model endpoint slow; `hang`, `http500` and `http429`
//! answer in the provider's error shape.
//!
//! `latency_ms` delays every request of that key before the mode applies (also with `none`).
//! `remaining: N` applies the fault to the next N requests, then the key reverts to `none`.
//! The control API is in [`crate::control`].

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::stats::Stats;

/// Largest accepted `latency_ms`.
pub const MAX_LATENCY_MS: u64 = 120_000;
/// How long a `hang` lasts at most; clients give up long before.
pub const HANG_FOR: Duration = Duration::from_secs(3600);
/// Shopify's documentation link in a THROTTLED error.
const THROTTLE_DOCS: &str = "https://shopify.dev/api/usage/rate-limits";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultMode {
    #[default]
    None,
    Http500,
    Http429,
    Http430,
    Http423,
    Throttled,
    Malformed,
    Drop,
    Hang,
    #[serde(rename = "invalid_json")]
    InvalidJson,
    #[serde(rename = "hallucinated_ids")]
    HallucinatedIds,
    Duplicates,
    Overlong,
    Html,
    Injection,
}

impl FaultMode {
    /// True for faults in the model's answer (HTTP 200): only model keys take them.
    pub fn is_answer_fault(self) -> bool {
        matches!(
            self,
            FaultMode::InvalidJson
                | FaultMode::HallucinatedIds
                | FaultMode::Duplicates
                | FaultMode::Overlong
                | FaultMode::Html
                | FaultMode::Injection
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultConfig {
    #[serde(default)]
    pub mode: FaultMode,
    #[serde(default)]
    pub latency_ms: u64,
    /// Requests left before reverting to `none`; `None` = until changed.
    #[serde(default)]
    pub remaining: Option<u64>,
}

impl FaultConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.latency_ms > MAX_LATENCY_MS {
            return Err(format!("latency_ms must be at most {MAX_LATENCY_MS}"));
        }
        if self.remaining == Some(0) {
            return Err("remaining must be at least 1, or null for no limit".to_string());
        }
        Ok(())
    }
}

/// Which endpoint a fault answers for: the body shapes differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Graphql,
    /// The OpenAI-compatible chat endpoint.
    Chat,
    /// The Anthropic-compatible messages endpoint.
    Messages,
}

/// Response extension that tells the connection layer to close the socket without answering.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// The fault of every key.
pub struct Faults {
    state: Mutex<BTreeMap<String, FaultConfig>>,
}

impl Faults {
    pub fn new(keys: &[String]) -> Faults {
        Faults {
            state: Mutex::new(
                keys.iter()
                    .map(|k| (k.clone(), FaultConfig::default()))
                    .collect(),
            ),
        }
    }

    /// Sets the fault of `key`. `None` when the key is unknown.
    pub fn set(&self, key: &str, config: FaultConfig) -> Option<FaultConfig> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = state.get_mut(key)?;
        *slot = config.clone();
        Some(config)
    }

    pub fn get(&self, key: &str) -> Option<FaultConfig> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.get(key).cloned()
    }

    pub fn all(&self) -> BTreeMap<String, FaultConfig> {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn reset(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.values_mut().for_each(|c| *c = FaultConfig::default());
    }

    /// The fault that applies to one request of `key`, counting down `remaining`.
    pub fn take(&self, key: &str) -> FaultConfig {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(slot) = state.get_mut(key) else {
            return FaultConfig::default();
        };
        let current = slot.clone();
        match slot.remaining {
            Some(n) if n <= 1 => *slot = FaultConfig::default(),
            Some(n) => slot.remaining = Some(n - 1),
            None => {}
        }
        current
    }
}

/// Applies the fault of `key` to one request: waits `latency_ms`, then returns the faulty
/// response, or `None` to answer normally.
pub async fn inject(faults: &Faults, stats: &Stats, key: &str, target: Target) -> Option<Response> {
    let fault = faults.take(key);
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
    }
    if fault.mode == FaultMode::None {
        return None;
    }
    if fault.mode.is_answer_fault() {
        return None;
    }
    stats.fault(key);
    Some(fault_response(fault.mode, target).await)
}

/// What a model endpoint does with one request.
pub enum AiFault {
    /// Answer normally.
    None,
    /// Answer with HTTP 200 and this bad answer.
    Answer(FaultMode),
    /// Send this response instead.
    Respond(Response),
}

/// Applies the fault of a model endpoint: `provider_key` first, else `ai`. Waits
/// `latency_ms`, counts the fault under `provider_key` and under `ai` (whichever key it
/// came from).
pub async fn inject_ai(
    faults: &Faults,
    stats: &Stats,
    provider_key: &str,
    target: Target,
) -> AiFault {
    let mut fault = faults.take(provider_key);
    if fault == FaultConfig::default() {
        fault = faults.take(crate::AI_FAULT_KEY);
    }
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
    }
    if fault.mode == FaultMode::None {
        return AiFault::None;
    }
    stats.fault(provider_key);
    stats.fault(crate::AI_FAULT_KEY);
    if fault.mode.is_answer_fault() {
        return AiFault::Answer(fault.mode);
    }
    AiFault::Respond(fault_response(fault.mode, target).await)
}

async fn fault_response(mode: FaultMode, target: Target) -> Response {
    let json = |status: StatusCode, body: String| {
        (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            body,
        )
            .into_response()
    };
    let chat = target == Target::Chat;
    if target == Target::Messages
        && let Some(response) = anthropic_fault(mode, json).await
    {
        return response;
    }
    match mode {
        FaultMode::None
        | FaultMode::InvalidJson
        | FaultMode::HallucinatedIds
        | FaultMode::Duplicates
        | FaultMode::Overlong
        | FaultMode::Html
        | FaultMode::Injection => json(StatusCode::OK, String::new()),
        FaultMode::Http500 if chat => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}"#.into(),
        ),
        FaultMode::Http500 => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"errors":[{"message":"Internal error. Looks like something went wrong on our end.","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}"#.into(),
        ),
        FaultMode::Http429 => {
            let body = if chat {
                r#"{"error":{"message":"Rate limit reached. Please try again in 1s.","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#
            } else {
                r#"{"errors":"Too many requests. Please try again in a moment."}"#
            };
            let mut response = json(StatusCode::TOO_MANY_REQUESTS, body.into());
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
        FaultMode::Http430 => json(
            status(430),
            r#"{"errors":"[API] Request rejected: Shopify Security Rejection"}"#.into(),
        ),
        FaultMode::Http423 => json(
            StatusCode::LOCKED,
            r#"{"errors":"Unavailable Shop: this shop is locked."}"#.into(),
        ),
        FaultMode::Throttled => json(
            StatusCode::OK,
            serde_json::json!({
                "errors": [{
                    "message": "Throttled",
                    "extensions": { "code": "THROTTLED", "documentation": THROTTLE_DOCS }
                }]
            })
            .to_string(),
        ),
        FaultMode::Malformed if chat => json(
            StatusCode::OK,
            r#"{"id":"chatcmpl-devshop","object":"chat.completion","choices":[{"index":0,"message":{"role":"assist"#.into(),
        ),
        FaultMode::Malformed => json(
            StatusCode::OK,
            r#"{"data":{"products":{"edges":[{"node":{"id":"gid://shopify/Product/81000000"#.into(),
        ),
        FaultMode::Drop => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(DropConnection);
            response
        }
        FaultMode::Hang => {
            tokio::time::sleep(HANG_FOR).await;
            json(StatusCode::GATEWAY_TIMEOUT, r#"{"errors":"Timeout"}"#.into())
        }
    }
}

/// Anthropic's error shapes (`{"type":"error","error":{"type":…,"message":…}}`) for the
/// messages endpoint; `None` for modes answered the same way as elsewhere.
async fn anthropic_fault(
    mode: FaultMode,
    json: impl Fn(StatusCode, String) -> Response,
) -> Option<Response> {
    let error = |kind: &str, message: &str| {
        serde_json::json!({ "type": "error", "error": { "type": kind, "message": message } })
            .to_string()
    };
    Some(match mode {
        FaultMode::Http500 => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            error("api_error", "Internal server error"),
        ),
        FaultMode::Http429 => {
            let mut response = json(
                StatusCode::TOO_MANY_REQUESTS,
                error(
                    "rate_limit_error",
                    "Number of requests has exceeded your rate limit",
                ),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
        FaultMode::Malformed => json(
            StatusCode::OK,
            r#"{"id":"msg_devshop","type":"message","role":"assistant","content":[{"type":"tool_u"#
                .into(),
        ),
        _ => return None,
    })
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_counts_down_then_reverts() {
        let faults = Faults::new(&["demo".to_string()]);
        let config = FaultConfig {
            mode: FaultMode::Http500,
            latency_ms: 5,
            remaining: Some(2),
        };
        assert!(faults.set("demo", config).is_some());
        assert_eq!(faults.take("demo").mode, FaultMode::Http500);
        assert_eq!(faults.take("demo").mode, FaultMode::Http500);
        assert_eq!(faults.take("demo"), FaultConfig::default());
        assert!(faults.set("nope", FaultConfig::default()).is_none());
    }

    #[test]
    fn parses_control_json() {
        let c: FaultConfig =
            serde_json::from_str(r#"{"mode":"http429","latency_ms":10,"remaining":null}"#).unwrap();
        assert_eq!(c.mode, FaultMode::Http429);
        let c: FaultConfig = serde_json::from_str(r#"{"mode":"drop"}"#).unwrap();
        assert_eq!(
            (c.mode, c.latency_ms, c.remaining),
            (FaultMode::Drop, 0, None)
        );
        assert!(serde_json::from_str::<FaultConfig>(r#"{"mode":"explode"}"#).is_err());
        let modes = [
            ("invalid_json", FaultMode::InvalidJson),
            ("hallucinated_ids", FaultMode::HallucinatedIds),
            ("duplicates", FaultMode::Duplicates),
            ("overlong", FaultMode::Overlong),
            ("html", FaultMode::Html),
            ("injection", FaultMode::Injection),
        ];
        for (name, mode) in modes {
            let c: FaultConfig = serde_json::from_str(&format!(r#"{{"mode":"{name}"}}"#)).unwrap();
            assert_eq!(c.mode, mode);
            assert!(mode.is_answer_fault());
        }
        assert!(!FaultMode::Hang.is_answer_fault());
        assert!(serde_json::from_str::<FaultConfig>(r#"{"mode":"none","latency":1}"#).is_err());
        assert!(
            FaultConfig {
                remaining: Some(0),
                ..FaultConfig::default()
            }
            .validate()
            .is_err()
        );
    }
}
