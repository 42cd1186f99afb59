//! Scheduled work (the cron triggers in wrangler.toml): ask every store's StoreConfig to
//! refresh its catalog if it is stale. Each store refreshes in its own object, in the
//! background, one sync at a time.

use crate::objects::{registry_client, store_client};
use crate::random;
use wandstore_core::log::{Level, event_line};
use wandstore_core::store::StoreSlug;
use worker::{Env, Method, ScheduledEvent, console_log};

pub async fn run(event: &ScheduledEvent, env: &Env) {
    let rid = random::request_id();
    let started = worker::Date::now().as_millis();
    let (level, mut fields) = match refresh_all(env, &rid).await {
        Ok((stores, started_syncs, failed)) => (
            if failed.is_empty() {
                Level::Info
            } else {
                Level::Warn
            },
            serde_json::json!({
                "cron": event.cron(),
                "stores": stores,
                "refreshes_started": started_syncs,
                "failed": failed,
            }),
        ),
        Err(e) => (
            Level::Error,
            serde_json::json!({ "cron": event.cron(), "error": e.to_string() }),
        ),
    };
    let now = worker::Date::now().as_millis();
    fields["duration_ms"] = now.saturating_sub(started).into();
    console_log!("{}", event_line(now, level, "cron", &rid, fields));
}

/// (stores seen, refreshes started, stores whose object could not be asked)
async fn refresh_all(env: &Env, rid: &str) -> worker::Result<(usize, usize, Vec<String>)> {
    let stores = registry_client::list(env, rid).await?;
    let mut started = 0;
    let mut failed = Vec::new();
    for summary in &stores {
        let Ok(slug) = StoreSlug::parse(&summary.slug) else {
            continue;
        };
        match store_client::catalog(env, &slug, rid, Method::Post, "/catalog/refresh").await {
            Ok(mut resp) if resp.status_code() == 202 => {
                let body: serde_json::Value = resp.json().await.unwrap_or_default();
                if body["started"] == true {
                    started += 1;
                }
            }
            Ok(resp) => failed.push(format!("{slug}: {}", resp.status_code())),
            Err(e) => failed.push(format!("{slug}: {e}")),
        }
    }
    Ok((stores.len(), started, failed))
}
