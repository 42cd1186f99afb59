//! An Anthropic-compatible messages endpoint, as AI Gateway exposes it:
//! `POST /v1/messages`, `POST /{account}/{gateway}/anthropic/v1/messages` and the same under
//! `/v1/`.
//!
//! Requires `x-api-key: <ai token>` (or `cf-aig-authorization: Bearer <ai token>`, as when the
//! gateway stores the key) and an `anthropic-version` header; the body needs `model`,
//! `max_tokens` and a non-empty `messages` array. The answer is the deterministic one of
//! [`crate::ai_answer`] for the text of `system` and every message: when the request offers
//! tools, a `tool_use` block calling the forced (or first) tool with `{"ids":[…],"headline":…}`;
//! otherwise a `text` block holding that JSON. `usage` counts whitespace-separated words.
//! A successful answer to a request with `cf-aig-cache-key` carries `cf-aig-cache-status`.
//!
//! Every request (authorized or not) is recorded for `GET /_devshop/ai/requests`. Faults use
//! the key `ai.anthropic`, else `ai` (see [`crate::faults`]); errors have Anthropic's shape
//! `{"type":"error","error":{"type":…,"message":…}}`.

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
use crate::faults::{self, AiFault, Target};
use crate::server::AppState;

/// The tool name used when the request names none.
pub const DEFAULT_TOOL: &str = "recommend";

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "type": "error", "error": { "type": kind, "message": message } })),
    )
        .into_response()
}

fn authorized(app: &AppState, headers: &HeaderMap) -> bool {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    header("x-api-key") == Some(app.ai_token.as_str())
        || header("cf-aig-authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            == Some(app.ai_token.as_str())
}

/// The text of a `content` value: a string, or the `text` of its blocks.
fn text_of(content: &Value) -> Option<String> {
    match content {
        Value::String(s) => Some(s.clone()),
        Value::Array(blocks) => Some(
            blocks
                .iter()
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        _ => None,
    }
}

/// `system` and every message's text, or `None` when `messages` is missing or malformed.
fn prompt_of(request: &Value) -> Option<String> {
    let messages = request.get("messages")?.as_array()?;
    if messages.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(system) = request.get("system") {
        parts.push(text_of(system)?);
    }
    for m in messages {
        m.get("role")?.as_str()?;
        parts.push(text_of(m.get("content")?)?);
    }
    Some(parts.join("\n"))
}

/// The tool the answer calls: `tool_choice.name`, else the first tool's name; `None` when
/// the request offers no tools.
fn tool_of(request: &Value) -> Option<String> {
    let tools = request.get("tools")?.as_array()?;
    let first = tools.first()?;
    request
        .get("tool_choice")
        .and_then(|c| c.get("name"))
        .or_else(|| first.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| Some(DEFAULT_TOOL.to_string()))
}

pub async fn create(
    State(app): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    app.ai_log.record("anthropic", uri.path(), &headers, &body);
    if !authorized(&app, &headers) {
        app.stats.unauthorized();
        return error(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid x-api-key",
        );
    }
    if headers.get("anthropic-version").is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "anthropic-version: header is required",
        );
    }
    app.stats.request(crate::AI_FAULT_KEY);
    app.stats.request(crate::ANTHROPIC_FAULT_KEY);
    let answer_fault = match faults::inject_ai(
        &app.faults,
        &app.stats,
        crate::ANTHROPIC_FAULT_KEY,
        Target::Messages,
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
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &format!("body is not valid JSON: {e}"),
            );
        }
    };
    let Some(model) = request.get("model").and_then(Value::as_str) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "model: Field required",
        );
    };
    if request.get("max_tokens").and_then(Value::as_u64).is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "max_tokens: Field required",
        );
    }
    if request.get("stream").and_then(Value::as_bool) == Some(true) {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "devshop does not stream; send \"stream\": false.",
        );
    }
    let Some(prompt) = prompt_of(&request) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "messages: must be a non-empty array of {role, content} objects",
        );
    };
    let answer = ai_answer::answer(&prompt, answer_fault);
    let mut hasher = Fnv1a::default();
    hasher.write(prompt.as_bytes());
    let id = hasher.finish();
    let (block, stop_reason, output) = match (tool_of(&request), answer) {
        (Some(tool), Answer::Json(input)) => {
            let words = input.to_string().split_whitespace().count();
            (
                json!({ "type": "tool_use", "id": format!("toolu_devshop_{id:016x}"), "name": tool, "input": input }),
                "tool_use",
                words,
            )
        }
        (_, Answer::Json(v)) => {
            let text = v.to_string();
            let words = text.split_whitespace().count();
            (json!({ "type": "text", "text": text }), "end_turn", words)
        }
        (_, Answer::Text(text)) => {
            let words = text.split_whitespace().count();
            (json!({ "type": "text", "text": text }), "end_turn", words)
        }
    };
    let mut response = Json(json!({
        "id": format!("msg_devshop_{id:016x}"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [block],
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": {
            "input_tokens": prompt.split_whitespace().count(),
            "output_tokens": output.max(1)
        }
    }))
    .into_response();
    if answer_fault.is_none() {
        let status = app.ai_log.cache_status(&headers);
        response
            .headers_mut()
            .insert("cf-aig-cache-status", HeaderValue::from_static(status));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_and_tool_of_a_request() {
        let r = json!({
            "system": "sys",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hello"}]}],
            "tools": [{"name": "first"}, {"name": "second"}],
            "tool_choice": {"type": "tool", "name": "second"}
        });
        assert_eq!(prompt_of(&r).as_deref(), Some("sys\nhello"));
        assert_eq!(tool_of(&r).as_deref(), Some("second"));
        assert_eq!(
            tool_of(&json!({"tools": [{"name": "only"}]})).as_deref(),
            Some("only")
        );
        assert_eq!(tool_of(&json!({})), None);
        assert_eq!(prompt_of(&json!({"messages": []})), None);
        assert_eq!(prompt_of(&json!({"messages": [{"content": "x"}]})), None);
        assert_eq!(
            prompt_of(&json!({"system": 5, "messages": [{"role": "user", "content": "x"}]})),
            None
        );
    }
}
