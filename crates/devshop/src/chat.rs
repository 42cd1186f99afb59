//! An OpenAI-compatible chat completions endpoint for the AI Gateway path:
//! `POST /v1/chat/completions`, `POST /{account}/{gateway}/openai/chat/completions` and the same
//! under `/v1/` (also with `compat` instead of `openai`), as Cloudflare AI Gateway exposes them.
//!
//! Requires `Authorization: Bearer <ai token>` (or `cf-aig-authorization`). The answer is
//! deterministic: `choices[0].message.content` is a JSON object
//! `{"recommendations":[{"handle":…,"reason":…}]}` built from the catalog product handles found
//! in the messages, in order of first appearance, at most 4 (or "up to N" from the prompt,
//! 1–10). The reason quotes the product's title, so hostile titles reach the client.
//!
//! Prompt directives, for tests of strict output handling:
//! `[devshop:invalid-json]` → content that is not JSON; `[devshop:unknown-handle]` → one extra
//! recommendation of a handle that exists nowhere; `[devshop:html]` → reasons carrying markup;
//! `[devshop:empty]` → no recommendations.
//!
//! When the prompt is WandStore's personalization prompt (it lists candidates as `cN | …`
//! lines), the content is instead `{"ids":[…],"headline":…}` from [`crate::ai_answer`], and
//! the response carries `cf-aig-cache-status` (see [`crate::ai_log`]).
//!
//! Every request (authorized or not) is recorded for `GET /_devshop/ai/requests`. Faults use
//! the key `ai.openai`, else `ai` (see [`crate::faults`]).

use std::hash::Hasher;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::ai_answer::{self, Answer};
use crate::catalog::Fnv1a;
use crate::faults::{self, AiFault, FaultMode, Target};
use crate::server::AppState;

/// A handle that no shop has, for `[devshop:unknown-handle]`.
pub const UNKNOWN_HANDLE: &str = "devshop-no-such-product";
/// `created` of every completion (2026-01-01T00:00:00Z): the answer is fully deterministic.
const CREATED: i64 = 1_767_225_600;
const DEFAULT_LIMIT: usize = 4;

fn openai_error(status: StatusCode, message: &str, kind: &str, code: Option<&str>) -> Response {
    (
        status,
        Json(json!({ "error": { "message": message, "type": kind, "param": null, "code": code } })),
    )
        .into_response()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    ["authorization", "cf-aig-authorization"]
        .iter()
        .filter_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
        .find_map(|v| v.strip_prefix("Bearer ").map(str::trim))
}

pub async fn completions(
    State(app): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    app.ai_log.record("openai", uri.path(), &headers, &body);
    if bearer(&headers) != Some(app.ai_token.as_str()) {
        app.stats.unauthorized();
        return openai_error(
            StatusCode::UNAUTHORIZED,
            "Incorrect API key provided.",
            "invalid_request_error",
            Some("invalid_api_key"),
        );
    }
    app.stats.request(crate::AI_FAULT_KEY);
    app.stats.request(crate::OPENAI_FAULT_KEY);
    let answer_fault = match faults::inject_ai(
        &app.faults,
        &app.stats,
        crate::OPENAI_FAULT_KEY,
        Target::Chat,
    )
    .await
    {
        AiFault::None => None,
        AiFault::Answer(mode) => Some(mode),
        AiFault::Respond(response) => return response,
    };
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return openai_error(
                StatusCode::BAD_REQUEST,
                &format!("We could not parse the JSON body of your request: {e}"),
                "invalid_request_error",
                None,
            );
        }
    };
    if request.get("stream").and_then(Value::as_bool) == Some(true) {
        return openai_error(
            StatusCode::BAD_REQUEST,
            "devshop does not stream; send \"stream\": false.",
            "invalid_request_error",
            None,
        );
    }
    let Some(texts) = message_texts(&request) else {
        return openai_error(
            StatusCode::BAD_REQUEST,
            "'messages' must be a non-empty array of {role, content} objects.",
            "invalid_request_error",
            None,
        );
    };
    let prompt = texts.join("\n");
    let personalization = ai_answer::is_candidate_prompt(&prompt);
    let content = if personalization {
        match ai_answer::answer(&prompt, answer_fault) {
            Answer::Json(v) => v.to_string(),
            Answer::Text(t) => t,
        }
    } else if answer_fault == Some(FaultMode::InvalidJson) {
        ai_answer::INVALID_JSON_TEXT.to_string()
    } else {
        recommend(&app, &prompt)
    };
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("devshop-recommender");
    let mut hasher = Fnv1a::default();
    hasher.write(prompt.as_bytes());
    let prompt_tokens = prompt.split_whitespace().count();
    let completion_tokens = content.split_whitespace().count().max(1);
    let mut response = Json(json!({
        "id": format!("chatcmpl-devshop-{:016x}", hasher.finish()),
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "system_fingerprint": "devshop",
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content, "refusal": null },
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens
        }
    }))
    .into_response();
    if personalization && answer_fault.is_none() {
        let status = app.ai_log.cache_status(&headers);
        response
            .headers_mut()
            .insert("cf-aig-cache-status", HeaderValue::from_static(status));
    }
    response
}

/// The text of every message, or `None` when `messages` is missing, empty or malformed.
fn message_texts(request: &Value) -> Option<Vec<String>> {
    let messages = request.get("messages")?.as_array()?;
    if messages.is_empty() {
        return None;
    }
    messages
        .iter()
        .map(|m| {
            m.get("role")?.as_str()?;
            match m.get("content")? {
                Value::String(s) => Some(s.clone()),
                Value::Array(parts) => Some(
                    parts
                        .iter()
                        .filter_map(|p| p.get("text").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                Value::Null => Some(String::new()),
                _ => None,
            }
        })
        .collect()
}

/// The completion's content for a prompt.
fn recommend(app: &AppState, prompt: &str) -> String {
    if prompt.contains("[devshop:invalid-json]") {
        return "Sure! Here are my recommendations: {\"recommendations\": [".to_string();
    }
    let html = prompt.contains("[devshop:html]");
    let limit = requested_limit(prompt).unwrap_or(DEFAULT_LIMIT);
    let mut recommendations = Vec::new();
    if !prompt.contains("[devshop:empty]") {
        let mut seen = std::collections::HashSet::new();
        for token in prompt.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
            if recommendations.len() >= limit {
                break;
            }
            let token = token.to_ascii_lowercase();
            let Some(title) = app.product_titles.get(&token) else {
                continue;
            };
            if !seen.insert(token.clone()) {
                continue;
            }
            let reason = if html {
                format!("<img src=x onerror=alert('ai')><b>{title}</b> is a great match.")
            } else {
                format!("Pairs well with what you are browsing: {title}.")
            };
            recommendations.push(json!({ "handle": token, "reason": reason }));
        }
        if prompt.contains("[devshop:unknown-handle]") {
            recommendations.push(json!({
                "handle": UNKNOWN_HANDLE,
                "reason": "A product that does not exist in any shop."
            }));
        }
    }
    json!({ "recommendations": recommendations }).to_string()
}

/// "up to N" in the prompt (case-insensitive), clamped to 1..=10.
fn requested_limit(prompt: &str) -> Option<usize> {
    let lower = prompt.to_ascii_lowercase();
    let at = lower.find("up to ")?;
    let digits: String = lower[at + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse::<usize>().ok().map(|n| n.clamp(1, 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_from_prompt() {
        assert_eq!(requested_limit("Recommend up to 3 products"), Some(3));
        assert_eq!(requested_limit("UP TO 99"), Some(10));
        assert_eq!(requested_limit("some"), None);
    }

    #[test]
    fn texts_of_messages() {
        let r = json!({"messages":[{"role":"system","content":"a"},{"role":"user","content":[{"type":"text","text":"b"}]}]});
        assert_eq!(
            message_texts(&r),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(message_texts(&json!({"messages":[]})), None);
        assert_eq!(message_texts(&json!({"messages":[{"content":"x"}]})), None);
    }
}
