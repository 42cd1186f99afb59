//! Health endpoints for operators and load balancers: `/health/live` (the Worker runs),
//! `/health/ready` (its dependencies answer, each within a time limit: 200 or 503) and
//! `/health` (healthy, degraded or unhealthy, with every check, the stores' upstreams and
//! catalogs included). Which checks run, how they add up and what the answers say are
//! `core::health`'s; here only the timed I/O.

use crate::clock::now_ms;
use crate::objects::{registry_client, store_client};
use crate::{env_config, respond};
use futures::FutureExt;
use std::time::Duration;
use wandstore_core::health::{
    CHECK_TIMEOUT_MS, Check, Dependency, MAX_STORES_CHECKED, Readiness, Summary,
};
use wandstore_protocol::registry::ListStores;
use wandstore_protocol::store::ShowCatalogStatus;
use worker::{Delay, Env, Response};

thread_local! {
    /// When this isolate started (for `uptime_ms`).
    static STARTED_MS: u64 = now_ms();
}

/// `GET /health/live`
pub fn live() -> Response {
    respond::json(200, &serde_json::json!({ "status": "ok" }))
}

/// Asks one dependency, within [`CHECK_TIMEOUT_MS`].
async fn check(env: &Env, dependency: Dependency, request_id: &str) -> Check {
    let started = now_ms();
    let ask = async {
        match dependency {
            Dependency::DurableObjects => registry_client::ask(env, ListStores, request_id)
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}")),
            Dependency::Bucket(binding) => {
                let bucket = env.bucket(binding).map_err(|e| e.to_string())?;
                let probe = bucket.head("health/probe").await;
                probe.map(|_| ()).map_err(|e| e.to_string())
            }
        }
    };
    let timeout = Delay::from(Duration::from_millis(CHECK_TIMEOUT_MS));
    let outcome = futures::select! {
        r = ask.fuse() => Some(r),
        _ = timeout.fuse() => None,
    };
    let took = now_ms().saturating_sub(started);
    match outcome {
        Some(result) => Check::dependency(&dependency.name(), result, took),
        None => dependency.timed_out(took),
    }
}

async fn dependency_checks(env: &Env, request_id: &str) -> Vec<Check> {
    let mut checks = Vec::with_capacity(Dependency::ALL.len());
    for dependency in Dependency::ALL {
        checks.push(check(env, dependency, request_id).await);
    }
    checks
}

/// `GET /health/ready`: 200 `ready` when every dependency answers, else 503 `unavailable`.
pub async fn ready(env: &Env, request_id: &str) -> Response {
    let readiness = Readiness::of(&dependency_checks(env, request_id).await);
    no_store(respond::json(readiness.http_status(), &readiness))
}

/// `GET /health`: the dependencies and up to [`MAX_STORES_CHECKED`] stores' catalogs and
/// breakers.
pub async fn summary(env: &Env, request_id: &str) -> Response {
    let mut checks = dependency_checks(env, request_id).await;
    let fresh_ms = env_config::tuning(env).catalog_fresh_ms;
    if let Ok(stores) = registry_client::ask(env, ListStores, request_id).await {
        let asks = stores
            .iter()
            .take(MAX_STORES_CHECKED)
            .map(|entry| async move {
                let started = now_ms();
                let status =
                    store_client::ask(env, &entry.slug, ShowCatalogStatus, request_id).await;
                let took = now_ms().saturating_sub(started);
                let status = status.as_ref().map_err(|e| format!("{e:?}"));
                Check::store(entry.slug.as_str(), status, now_ms(), fresh_ms, took)
            });
        checks.extend(futures::future::join_all(asks).await);
    }
    let environment = env.var("ENVIRONMENT").ok().map(|v| v.to_string());
    let started = STARTED_MS.with(|s| *s);
    let body = Summary::of(
        checks,
        now_ms(),
        started,
        environment,
        env!("CARGO_PKG_VERSION"),
    );
    no_store(respond::json(body.http_status(), &body))
}

fn no_store(mut resp: Response) -> Response {
    let _ = resp.headers_mut().set("cache-control", "no-store");
    resp
}

/// `GET /.well-known/security.txt` (RFC 9116), valid for a year from now.
pub fn security_txt(env: &Env) -> Response {
    let contact = env.var("SECURITY_CONTACT").ok().map(|v| v.to_string());
    let body = wandstore_core::health::security_txt(contact.as_deref(), now_ms());
    respond::bytes(200, "text/plain; charset=utf-8", body.into_bytes())
}
