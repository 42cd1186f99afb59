//! Scheduled work (the cron triggers in wrangler.toml). Which job a schedule runs, what it
//! asks and the line it logs are `wandstore_protocol::cron_job::CronJob`'s: the catalog
//! refreshes of this run's page of stores (`core::cron_plan`), or the hourly backups
//! (`crate::backup_cron`). Each store refreshes in its own object, in the background, one
//! sync at a time; here one executor loop performs each step.

use crate::clock::now_ms;
use crate::objects::{registry_client, store_client};
use crate::{backup_cron, random};
use futures::future::join_all;
use wandstore_protocol::cron_job::{CronIo, CronJob};
use wandstore_protocol::store::RefreshIfStale;
use worker::{Env, ScheduledEvent, console_log};

pub async fn run(event: &ScheduledEvent, env: &Env) {
    let rid = random::request_id();
    let mut job = CronJob::new(event.cron(), event.schedule(), now_ms());
    loop {
        match job.poll(now_ms(), &rid) {
            CronIo::StartBackups(reason) => {
                job.on_backups(backup_cron::start_all(env, None, reason, &rid).await)
            }
            CronIo::ListStores => job.on_stores(registry_client::slugs(env, &rid).await),
            CronIo::Refresh(batch) => {
                let ask = |store| store_client::ask(env, store, RefreshIfStale, &rid);
                job.on_refreshed(join_all(batch.iter().map(ask)).await);
            }
            CronIo::Done(line) => return console_log!("{line}"),
        }
    }
}
