//! The hourly backup cron (`0 * * * *` in wrangler.toml): asks every registered store's
//! StoreConfig to start its scheduled backup, 10 at a time. Each object decides whether it is
//! due (`wandstore_backup::schedule`), runs what fits one invocation and continues on its own
//! alarm, so the cron itself only makes one call per store.

use crate::objects::{registry_client, store_client};
use wandstore_backup::BackupReason;
use wandstore_core::events::CronOutcome;
use wandstore_protocol::EdgeError;
use wandstore_protocol::backup::StartBackup;
use wandstore_protocol::registry::ListStores;
use worker::Env;

/// The schedule this module answers (the other one refreshes catalogs).
pub const CRON: &str = "0 * * * *";

pub async fn run(env: &Env, rid: &str) -> Result<CronOutcome, EdgeError> {
    let stores = registry_client::ask(env, ListStores, rid).await?;
    let mut started = 0;
    let mut failed = Vec::new();
    let mut answers = Vec::new();
    for batch in stores.chunks(10) {
        let asks = batch.iter().map(|entry| {
            let q = StartBackup {
                reason: BackupReason::Scheduled,
                now_ms: worker::Date::now().as_millis(),
            };
            store_client::ask(env, &entry.slug, q, rid)
        });
        for (entry, answer) in batch.iter().zip(futures::future::join_all(asks).await) {
            match answer {
                Ok(a) => {
                    started += usize::from(a.skipped.is_none());
                    answers.push(a);
                }
                Err(e) => failed.push(format!("{}: {}", entry.slug, EdgeError::from(e).code)),
            }
        }
    }
    crate::storage_report::record(env, &answers, rid).await;
    Ok(CronOutcome::BackupsAsked {
        stores: stores.len(),
        backups_started: started,
        failed,
    })
}
