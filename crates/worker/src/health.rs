//! Health endpoints for operators and load balancers: `/health/live` (the Worker runs),
//! `/health/ready` (its dependencies answer, each within a time limit) and `/health` (a
//! summary of both).

use crate::objects::registry_client;
use crate::respond;
use futures::FutureExt;
use serde::Serialize;
use std::time::Duration;
use wandstore_protocol::registry::ListStores;
use worker::{Delay, Env, Response};

/// How long one dependency check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// The R2 buckets the Worker needs (wrangler.toml).
const BUCKETS: [&str; 3] = ["ASSETS", "THEMES", "BACKUPS"];

#[derive(Serialize)]
struct Check {
    name: String,
    ok: bool,
    duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `GET /health/live`
pub fn live() -> Response {
    respond::json(200, &serde_json::json!({ "status": "ok" }))
}

/// `GET /health/ready` (and `/health`, with `summary`): 200 when every check passes, else 503.
pub async fn ready(env: &Env, request_id: &str, summary: bool) -> Response {
    let mut checks = Vec::new();
    checks.push(
        timed("durable_objects", async {
            registry_client::ask(env, ListStores, request_id)
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}"))
        })
        .await,
    );
    for binding in BUCKETS {
        checks.push(
            timed(&format!("r2:{binding}"), async move {
                let bucket = env.bucket(binding).map_err(|e| e.to_string())?;
                bucket
                    .head("health/probe")
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .await,
        );
    }
    let healthy = checks.iter().all(|c| c.ok);
    let mut body = serde_json::json!({
        "status": if healthy { "ready" } else { "unavailable" },
        "checks": checks,
    });
    if summary {
        body["environment"] = env
            .var("ENVIRONMENT")
            .map(|v| v.to_string())
            .unwrap_or_default()
            .into();
        body["version"] = env!("CARGO_PKG_VERSION").into();
    }
    let mut resp = respond::json(if healthy { 200 } else { 503 }, &body);
    let _ = resp.headers_mut().set("cache-control", "no-store");
    resp
}

async fn timed(name: &str, check: impl std::future::Future<Output = Result<(), String>>) -> Check {
    let started = worker::Date::now().as_millis();
    let outcome = futures::select! {
        r = check.fuse() => r,
        _ = Delay::from(CHECK_TIMEOUT).fuse() => Err(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
    };
    Check {
        name: name.to_owned(),
        ok: outcome.is_ok(),
        duration_ms: worker::Date::now().as_millis().saturating_sub(started),
        error: outcome.err(),
    }
}

/// `GET /.well-known/security.txt` (RFC 9116), valid for a year from now.
pub fn security_txt(env: &Env) -> Response {
    let contact = env
        .var("SECURITY_CONTACT")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "mailto:security@wandstore.dev".to_owned());
    let year_ms = 365.0 * 24.0 * 60.0 * 60.0 * 1000.0;
    let expires = worker::js_sys::Date::new(&worker::wasm_bindgen::JsValue::from_f64(
        worker::js_sys::Date::now() + year_ms,
    ))
    .to_iso_string();
    let body = format!("Contact: {contact}\nExpires: {expires}\nPreferred-Languages: en\n");
    respond::bytes(200, "text/plain; charset=utf-8", body.into_bytes())
}
