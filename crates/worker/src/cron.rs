//! Scheduled work (the cron triggers in wrangler.toml): ask the stores of this run's page
//! (`core::cron_plan::RefreshRun`: at most 500 a run, 25 at a time) to refresh their catalogs if stale.
//! Each store refreshes in its own object, in the background, one sync at a time. The hourly
//! schedule starts backups instead (`crate::backup_cron`).

use crate::objects::{registry_client, store_client};
use crate::random;
use wandstore_core::cron_plan::{RefreshRun, RefreshStep};
use wandstore_core::events::{CronOutcome, CronRun, Event};
use wandstore_protocol::EdgeError;
use wandstore_protocol::registry::ListStores;
use wandstore_protocol::store::RefreshIfStale;
use worker::{Env, ScheduledEvent, console_log};

pub async fn run(event: &ScheduledEvent, env: &Env) {
    let rid = random::request_id();
    let started = crate::clock::now_ms();
    let scheduled = event.schedule().max(0.0) as u64;
    let outcome = if event.cron() == crate::backup_cron::CRON {
        crate::backup_cron::run(env, &rid).await
    } else {
        refresh_page(env, &rid, scheduled).await
    };
    let outcome = outcome.unwrap_or_else(|e| CronOutcome::Failed { error: e.for_log() });
    let now = crate::clock::now_ms();
    let line = CronRun {
        cron: event.cron(),
        outcome,
        duration_ms: now.saturating_sub(started),
    }
    .line(now, &rid);
    console_log!("{line}");
}

async fn refresh_page(env: &Env, rid: &str, scheduled_ms: u64) -> Result<CronOutcome, EdgeError> {
    let stores = registry_client::ask(env, ListStores, rid).await?;
    let slugs = stores.into_iter().map(|entry| entry.slug).collect();
    let mut run = RefreshRun::new(slugs, scheduled_ms);
    loop {
        let batch = match run.next_step() {
            RefreshStep::Ask(batch) => batch,
            RefreshStep::Done(outcome) => return Ok(outcome),
        };
        let asks = (batch.iter()).map(|slug| store_client::ask(env, slug, RefreshIfStale, rid));
        let answers = futures::future::join_all(asks).await.into_iter();
        let started = answers.map(|a| a.map(|a| a.started).map_err(|e| EdgeError::from(e).code));
        run.on_answers(&batch, started.collect());
    }
}
