//! Strict parsing of a provider's answer into a [`Suggestion`]: only ids of the candidate
//! set, each once, at most [`MAX_IDS`], in the model's order; one headline, cleaned and cut
//! to [`MAX_HEADLINE_CHARS`]. The headline stays untrusted data: markup or instructions in
//! it are kept as literal text, escaped by the views, never marked safe, never acted on.
//! Anything that cannot be read is a typed [`AiFailure`].

use crate::candidates::CandidateSet;
use crate::failure::{AiFailure, FailureKind};
use crate::gateway::Provider;
use crate::prompt::{MAX_HEADLINE_CHARS, MAX_IDS};
use crate::request::ANTHROPIC_TOOL;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wandstore_core::http::HttpResponse;

/// Larger bodies are refused unread.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// What the page shows: product handles (already mapped from the short ids) and the
/// headline. The shell stores it in the shopper's SQLite with an expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub handles: Vec<String>,
    pub headline: String,
}

/// Tokens the call used (0 when the provider did not say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// The gateway's `cf-aig-cache-status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheStatus {
    Hit,
    Miss,
    /// No header (not through a gateway) or a value this crate does not know.
    Unknown,
}

impl CacheStatus {
    /// Reads `cf-aig-cache-status` (`HIT` / `MISS`, any case).
    pub fn of(resp: &HttpResponse) -> CacheStatus {
        match resp.header("cf-aig-cache-status").map(str::trim) {
            Some(v) if v.eq_ignore_ascii_case("hit") => CacheStatus::Hit,
            Some(v) if v.eq_ignore_ascii_case("miss") => CacheStatus::Miss,
            _ => CacheStatus::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CacheStatus::Hit => "hit",
            CacheStatus::Miss => "miss",
            CacheStatus::Unknown => "unknown",
        }
    }
}

/// A usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelAnswer {
    pub provider: Provider,
    pub suggestion: Suggestion,
    pub usage: Usage,
    pub cache: CacheStatus,
    /// Ids the model returned that were dropped (unknown, duplicate, beyond 12, not text).
    pub dropped_ids: u32,
}

fn fail(kind: FailureKind, detail: &str) -> AiFailure {
    AiFailure::new(kind, detail)
}

/// `Retry-After` in seconds (integers only; HTTP dates are ignored), as ms.
fn retry_after_ms(resp: &HttpResponse) -> Option<u64> {
    resp.header("retry-after")?
        .trim()
        .parse::<u64>()
        .ok()
        .map(|s| s.saturating_mul(1000))
}

/// Token usage from a response body, whatever else it holds (also for failed answers: the
/// tokens were spent).
pub fn usage_of(provider: Provider, resp: &HttpResponse) -> Usage {
    let Ok(v) = serde_json::from_slice::<Value>(&resp.body) else {
        return Usage::default();
    };
    let n = |k: &str| v["usage"][k].as_u64().unwrap_or(0);
    match provider {
        Provider::OpenAi => Usage {
            prompt_tokens: n("prompt_tokens"),
            completion_tokens: n("completion_tokens"),
        },
        Provider::Anthropic => Usage {
            prompt_tokens: n("input_tokens"),
            completion_tokens: n("output_tokens"),
        },
    }
}

/// Parses and validates `provider`'s answer against the candidates it was asked about.
pub fn parse(
    provider: Provider,
    resp: &HttpResponse,
    candidates: &CandidateSet,
) -> Result<ModelAnswer, AiFailure> {
    if resp.status == 429 {
        return Err(AiFailure {
            status: Some(429),
            retry_after_ms: retry_after_ms(resp),
            ..fail(FailureKind::Throttled, "rate limited")
        });
    }
    if !(200..300).contains(&resp.status) {
        return Err(AiFailure {
            status: Some(resp.status),
            retry_after_ms: retry_after_ms(resp),
            ..fail(FailureKind::HttpStatus, "unexpected status")
        });
    }
    if resp.body.len() > MAX_BODY_BYTES {
        return Err(fail(FailureKind::SchemaMismatch, "body too large"));
    }
    let body: Value = serde_json::from_slice(&resp.body)
        .map_err(|_| fail(FailureKind::InvalidJson, "body is not JSON"))?;
    let answer = match provider {
        Provider::OpenAi => openai_answer(&body)?,
        Provider::Anthropic => anthropic_answer(&body)?,
    };
    let (suggestion, dropped_ids) = validate(&answer, candidates)?;
    Ok(ModelAnswer {
        provider,
        suggestion,
        usage: usage_of(provider, resp),
        cache: CacheStatus::of(resp),
        dropped_ids,
    })
}

/// The JSON object inside a chat completion's first choice.
fn openai_answer(body: &Value) -> Result<Value, AiFailure> {
    let message = body["choices"]
        .get(0)
        .and_then(|c| c.get("message"))
        .ok_or_else(|| fail(FailureKind::SchemaMismatch, "no choices[0].message"))?;
    if message.get("refusal").is_some_and(|r| !r.is_null()) {
        return Err(fail(FailureKind::SchemaMismatch, "the model refused"));
    }
    let content = message["content"]
        .as_str()
        .ok_or_else(|| fail(FailureKind::SchemaMismatch, "no text content"))?;
    serde_json::from_str(content).map_err(|_| fail(FailureKind::InvalidJson, "content is not JSON"))
}

/// The `recommend` tool call's input, or else a text block holding JSON.
fn anthropic_answer(body: &Value) -> Result<Value, AiFailure> {
    let blocks = body["content"]
        .as_array()
        .ok_or_else(|| fail(FailureKind::SchemaMismatch, "no content blocks"))?;
    if body["stop_reason"] == "refusal" {
        return Err(fail(FailureKind::SchemaMismatch, "the model refused"));
    }
    if let Some(tool) = blocks
        .iter()
        .find(|b| b["type"] == "tool_use" && b["name"] == ANTHROPIC_TOOL)
    {
        return Ok(tool["input"].clone());
    }
    let text = blocks
        .iter()
        .find(|b| b["type"] == "text")
        .and_then(|b| b["text"].as_str())
        .ok_or_else(|| fail(FailureKind::SchemaMismatch, "no tool call and no text"))?;
    serde_json::from_str(text).map_err(|_| fail(FailureKind::InvalidJson, "text is not JSON"))
}

/// Keeps known ids once each, in order, at most [`MAX_IDS`]; cleans the headline.
fn validate(answer: &Value, candidates: &CandidateSet) -> Result<(Suggestion, u32), AiFailure> {
    let obj = answer
        .as_object()
        .ok_or_else(|| fail(FailureKind::SchemaMismatch, "answer is not an object"))?;
    let ids = obj
        .get("ids")
        .and_then(Value::as_array)
        .ok_or_else(|| fail(FailureKind::SchemaMismatch, "ids is not an array"))?;
    let headline = obj
        .get("headline")
        .and_then(Value::as_str)
        .ok_or_else(|| fail(FailureKind::SchemaMismatch, "headline is not a string"))?;
    let mut handles: Vec<String> = Vec::new();
    let mut dropped = 0u32;
    for id in ids {
        let handle = id.as_str().and_then(|id| candidates.handle_of(id));
        match handle {
            Some(h) if handles.len() < MAX_IDS && !handles.iter().any(|x| x == h) => {
                handles.push(h.to_string())
            }
            _ => dropped = dropped.saturating_add(1),
        }
    }
    if handles.is_empty() {
        return Err(fail(FailureKind::Empty, "no known candidate id"));
    }
    Ok((
        Suggestion {
            handles,
            headline: crate::text::clean(headline, MAX_HEADLINE_CHARS),
        },
        dropped,
    ))
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
