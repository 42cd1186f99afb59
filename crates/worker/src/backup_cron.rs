//! The hourly backup cron (`0 * * * *` in wrangler.toml): asks every registered store's
//! StoreConfig to start its scheduled backup, 10 at a time. Each object decides whether it is
//! due (`wandstore_backup::schedule`), runs what fits one invocation and continues on its own
//! alarm, so the cron itself only makes one call per store.

use crate::objects::{registry_client, store_client};
use futures::future::join_all;
use wandstore_backup::BackupReason;
use wandstore_core::events::CronOutcome;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::backup::StartBackup;
use wandstore_protocol::backup_admin::{Answers, STORES_AT_ONCE, cron_outcome};
use wandstore_protocol::registry::ListStores;
use worker::Env;

/// The schedule this module answers (the other one refreshes catalogs).
pub const CRON: &str = "0 * * * *";

pub async fn run(env: &Env, rid: &str) -> Result<CronOutcome, EdgeError> {
    let answers = start_all(env, None, BackupReason::Scheduled, rid).await?;
    Ok(cron_outcome(&answers))
}

/// Asks `only` store's object, or every registered store's, to start a backup,
/// [`STORES_AT_ONCE`] at a time; the registry records the sizes they answer with.
pub async fn start_all(
    env: &Env,
    only: Option<StoreSlug>,
    reason: BackupReason,
    rid: &str,
) -> Result<Answers, EdgeError> {
    let stores = match only {
        Some(store) => vec![store],
        None => {
            let entries = registry_client::ask(env, ListStores, rid).await?;
            entries.into_iter().map(|e| e.slug).collect()
        }
    };
    let mut answers = Vec::with_capacity(stores.len());
    for batch in stores.chunks(STORES_AT_ONCE) {
        let asks = batch.iter().map(|store| {
            let now_ms = crate::clock::now_ms();
            store_client::ask(env, store, StartBackup { reason, now_ms }, rid)
        });
        for (store, answer) in batch.iter().zip(join_all(asks).await) {
            answers.push((store.clone(), answer.map_err(EdgeError::from)));
        }
    }
    crate::storage_report::record(env, &answers, rid).await;
    Ok(answers)
}
