//! The control API under `/_devshop/`: switch faults at run time, read request counters.
//!
//! - `PUT /_devshop/faults/{key}` with `{"mode": "none"|"http500"|"http429"|"http430"|"http423"|
//!   "throttled"|"malformed"|"drop"|"hang", "latency_ms": 0, "remaining": null|N}` → 200 with
//!   the stored fault; 404 for an unknown key; 400 for a bad body. `key` is a shop (`demo`,
//!   `outlet`), `ai.openai`, `ai.anthropic` or `ai` (both model endpoints). Model keys also take
//!   the answer faults `invalid_json`, `hallucinated_ids`, `duplicates`, `overlong`, `html`,
//!   `injection` (400 for a shop). Omitted fields take their defaults.
//! - `GET /_devshop/faults/{key}` → that key's fault.
//! - `GET /_devshop/faults` → `{"demo": {...}, "outlet": {...}, "ai": {...}}`.
//! - `DELETE /_devshop/faults` → every key back to `none`; returns the same map.
//! - `GET /_devshop/stats` → `{"shops":{"demo":{"graphql_requests":N,"faults_injected":N},…},
//!   "ai":{"chat_requests":N,"faults_injected":N},"unauthorized":N}`.
//! - `DELETE /_devshop/stats` → counters back to 0.
//!   Model requests are also counted per provider under `"ai_providers":{"openai":{"requests":N,
//!   "faults_injected":N},"anthropic":{…}}`; `"ai"` counts both.
//! - `GET /_devshop/ai/requests` → `{"openai":[R…],"anthropic":[R…]}`, the last 50 requests
//!   each model endpoint received (authorized or not), oldest first, where R is
//!   `{"seq":N,"path":"/v1/acct/gw/openai/chat/completions","headers":{"cf-aig-metadata":"…",…},
//!   "body":{…}}` (header names lower-case; the body as JSON, or a string when it is not JSON).
//!   End-to-end tests read it to check the gateway headers the Worker sent.
//! - `DELETE /_devshop/ai/requests` → forgets them (and the emulated gateway cache keys);
//!   returns the empty lists.
//! - `GET /_devshop/health` → `{"ok":true}`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::faults::FaultConfig;
use crate::server::AppState;

pub fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

pub async fn list_faults(State(app): State<Arc<AppState>>) -> Response {
    Json(app.faults.all()).into_response()
}

pub async fn reset_faults(State(app): State<Arc<AppState>>) -> Response {
    app.faults.reset();
    Json(app.faults.all()).into_response()
}

pub async fn get_fault(State(app): State<Arc<AppState>>, Path(key): Path<String>) -> Response {
    match app.faults.get(&key) {
        Some(config) => Json(config).into_response(),
        None => unknown_key(&app, &key),
    }
}

pub async fn put_fault(
    State(app): State<Arc<AppState>>,
    Path(key): Path<String>,
    body: Bytes,
) -> Response {
    if app.faults.get(&key).is_none() {
        return unknown_key(&app, &key);
    }
    let config: FaultConfig = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &format!("invalid fault: {e}")),
    };
    if let Err(e) = config.validate() {
        return json_error(StatusCode::BAD_REQUEST, &format!("invalid fault: {e}"));
    }
    if config.mode.is_answer_fault() && !is_model_key(&key) {
        return json_error(
            StatusCode::BAD_REQUEST,
            "invalid fault: answer faults apply to model keys (ai, ai.openai, ai.anthropic) only",
        );
    }
    match app.faults.set(&key, config) {
        Some(stored) => Json(stored).into_response(),
        None => unknown_key(&app, &key),
    }
}

fn unknown_key(app: &AppState, key: &str) -> Response {
    let keys: Vec<String> = app.faults.all().into_keys().collect();
    json_error(
        StatusCode::NOT_FOUND,
        &format!("unknown fault key {key:?}; known keys: {}", keys.join(", ")),
    )
}

fn is_model_key(key: &str) -> bool {
    [
        crate::AI_FAULT_KEY,
        crate::OPENAI_FAULT_KEY,
        crate::ANTHROPIC_FAULT_KEY,
    ]
    .contains(&key)
}

pub async fn ai_requests(State(app): State<Arc<AppState>>) -> Response {
    Json(app.ai_log.to_json()).into_response()
}

pub async fn clear_ai_requests(State(app): State<Arc<AppState>>) -> Response {
    app.ai_log.clear();
    Json(app.ai_log.to_json()).into_response()
}

pub async fn stats(State(app): State<Arc<AppState>>) -> Response {
    Json(app.stats.to_json(crate::AI_FAULT_KEY)).into_response()
}

pub async fn reset_stats(State(app): State<Arc<AppState>>) -> Response {
    app.stats.reset();
    Json(app.stats.to_json(crate::AI_FAULT_KEY)).into_response()
}

pub async fn health() -> Response {
    Json(serde_json::json!({ "ok": true })).into_response()
}

/// `GET /`: what this server is, for a person with a browser or curl.
pub async fn index(State(app): State<Arc<AppState>>) -> Response {
    let shops: Vec<serde_json::Value> = app
        .catalog
        .shops
        .iter()
        .map(|s| {
            serde_json::json!({
                "shop": s.name,
                "title": s.title,
                "currency": s.currency.code(),
                "products": s.products.len(),
                "collections": s.collections.len(),
            })
        })
        .collect();
    Json(serde_json::json!({
        "name": "devshop",
        "graphql": format!("{}/api/{}/graphql.json", app.base_url, crate::API_VERSION),
        "chat": format!("{}/v1/chat/completions", app.base_url),
        "messages": format!("{}/v1/messages", app.base_url),
        "ai_requests": format!("{}/_devshop/ai/requests", app.base_url),
        "control": format!("{}/_devshop/faults", app.base_url),
        "stats": format!("{}/_devshop/stats", app.base_url),
        "shops": shops,
    }))
    .into_response()
}

/// Fallback: 404 with a JSON body.
pub async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(
            axum::http::header::CONTENT_TYPE,
            "application/json; charset=utf-8",
        )],
        r#"{"errors":"Not Found"}"#,
    )
        .into_response()
}
