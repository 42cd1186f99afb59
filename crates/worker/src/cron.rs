//! Scheduled work (the cron triggers in wrangler.toml): ask every store's StoreConfig to
//! refresh its catalog if it is stale. Each store refreshes in its own object, in the
//! background, one sync at a time.

use crate::objects::{registry_client, store_client};
use crate::random;
use wandstore_core::log::{Level, event_line};
use wandstore_protocol::EdgeError;
use wandstore_protocol::registry::ListStores;
use wandstore_protocol::store::RefreshIfStale;
use worker::{Env, ScheduledEvent, console_log};

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
            serde_json::json!({ "cron": event.cron(), "error": e.detail.unwrap_or(e.message) }),
        ),
    };
    let now = worker::Date::now().as_millis();
    fields["duration_ms"] = now.saturating_sub(started).into();
    console_log!("{}", event_line(now, level, "cron", &rid, fields));
}

/// (stores seen, refreshes started, stores whose object could not be asked)
async fn refresh_all(env: &Env, rid: &str) -> Result<(usize, usize, Vec<String>), EdgeError> {
    let stores = registry_client::ask(env, ListStores, rid).await?;
    let mut started = 0;
    let mut failed = Vec::new();
    for entry in &stores {
        match store_client::ask(env, &entry.slug, RefreshIfStale, rid).await {
            Ok(answer) if answer.started => started += 1,
            Ok(_) => {}
            Err(e) => failed.push(format!("{}: {}", entry.slug, EdgeError::from(e).code)),
        }
    }
    Ok((stores.len(), started, failed))
}
