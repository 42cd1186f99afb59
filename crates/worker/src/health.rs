//! Health endpoints for operators and load balancers: `/health/live` (the Worker runs),
//! `/health/ready` (its dependencies answer, each within a time limit: 200 or 503) and
//! `/health` (healthy, degraded or unhealthy, with every check, the stores' upstreams and
//! catalogs included). The rules are `core::health`.

use crate::objects::{registry_client, store_client};
use crate::{env_config, respond};
use futures::FutureExt;
use serde::Serialize;
use std::time::Duration;
use wandstore_core::health::{Check, Health, Readiness};
use wandstore_protocol::registry::ListStores;
use wandstore_protocol::store::ShowCatalogStatus;
use worker::{Delay, Env, Response};

/// How long one dependency check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// The R2 buckets the Worker needs (wrangler.toml).
const BUCKETS: [&str; 3] = ["ASSETS", "THEMES", "BACKUPS"];

/// `/health` looks at this many stores at most (in registry order), so it stays cheap.
const MAX_STORES_CHECKED: usize = 20;

thread_local! {
    /// When this isolate started (for `uptime_ms`).
    static STARTED_MS: u64 = now_ms();
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// `GET /health/live`
pub fn live() -> Response {
    respond::json(200, &serde_json::json!({ "status": "ok" }))
}

/// The Durable Objects and the R2 buckets, each within [`CHECK_TIMEOUT`].
async fn dependency_checks(env: &Env, request_id: &str) -> Vec<Check> {
    let mut checks = vec![
        timed("durable_objects", async {
            registry_client::ask(env, ListStores, request_id)
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}"))
        })
        .await,
    ];
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
    checks
}

/// `GET /health/ready`: 200 `ready` when every dependency answers, else 503 `unavailable`.
pub async fn ready(env: &Env, request_id: &str) -> Response {
    let readiness = Readiness::of(&dependency_checks(env, request_id).await);
    no_store(respond::json(readiness.http_status(), &readiness))
}

#[derive(Serialize)]
struct Summary<'a> {
    status: Health,
    checks: &'a [Check],
    timestamp_ms: u64,
    environment: String,
    version: &'static str,
    uptime_ms: u64,
}

/// `GET /health`: the dependencies and up to [`MAX_STORES_CHECKED`] stores' catalogs and
/// breakers; 200 when healthy or degraded, 503 when unhealthy.
pub async fn summary(env: &Env, request_id: &str) -> Response {
    let mut checks = dependency_checks(env, request_id).await;
    let fresh_ms = env_config::tuning(env).catalog_fresh_ms;
    if let Ok(stores) = registry_client::ask(env, ListStores, request_id).await {
        let asks = stores
            .iter()
            .take(MAX_STORES_CHECKED)
            .map(|entry| async move {
                let started = now_ms();
                let status = store_client::ask(env, &entry.slug, ShowCatalogStatus, request_id)
                    .await
                    .map_err(|e| format!("{e:?}"));
                let took = now_ms().saturating_sub(started);
                Check::store(
                    entry.slug.as_str(),
                    status.as_ref().map_err(Clone::clone),
                    now_ms(),
                    fresh_ms,
                    took,
                )
            });
        checks.extend(futures::future::join_all(asks).await);
    }
    let status = Health::of(&checks);
    let body = Summary {
        status,
        checks: &checks,
        timestamp_ms: now_ms(),
        environment: env
            .var("ENVIRONMENT")
            .map(|v| v.to_string())
            .unwrap_or_default(),
        version: env!("CARGO_PKG_VERSION"),
        uptime_ms: now_ms().saturating_sub(STARTED_MS.with(|s| *s)),
    };
    no_store(respond::json(status.http_status(), &body))
}

fn no_store(mut resp: Response) -> Response {
    let _ = resp.headers_mut().set("cache-control", "no-store");
    resp
}

async fn timed(name: &str, check: impl std::future::Future<Output = Result<(), String>>) -> Check {
    let started = now_ms();
    let outcome = futures::select! {
        r = check.fuse() => r,
        _ = Delay::from(CHECK_TIMEOUT).fuse() => Err(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
    };
    Check::dependency(name, outcome, now_ms().saturating_sub(started))
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
