//! Asking stores to start a backup, for the hourly backup cron (`crate::cron`) and
//! `POST /admin/backups`: every registered store's StoreConfig (or one), 10 at a time. Each
//! object decides whether it is due (`wandstore_backup::schedule`), runs what fits one
//! invocation and continues on its own alarm, so this only makes one call per store. The
//! sizes the stores answer with go to the registry for `GET /admin/metrics`
//! (`core::storage`).

use crate::objects::{registry_client, store_client};
use futures::future::join_all;
use wandstore_backup::BackupReason;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::backup_admin::Answers;
use wandstore_protocol::backup_starts::{BackupStarts, StartsIo};
use worker::Env;

/// Asks `only` store's object, or every registered store's, to start a backup: the steps
/// [`BackupStarts`] asks for (a batch at a time), each performed here.
pub async fn start_all(
    env: &Env,
    only: Option<StoreSlug>,
    reason: BackupReason,
    rid: &str,
) -> Result<Answers, EdgeError> {
    let mut run = BackupStarts::new(only, reason, rid);
    loop {
        match run.poll(crate::clock::now_ms()) {
            StartsIo::ListStores => run.on_stores(registry_client::slugs(env, rid).await),
            StartsIo::Start(batch) => {
                let asks = batch
                    .iter()
                    .map(|(s, q)| store_client::ask(env, s, q.clone(), rid));
                run.on_started(join_all(asks).await);
            }
            StartsIo::RecordSizes(sizes) => {
                run.on_recorded(registry_client::ask(env, sizes, rid).await)
            }
            StartsIo::Log(line) => worker::console_log!("{line}"),
            StartsIo::Done(answers) => return Ok(answers),
            StartsIo::Failed(e) => return Err(e),
        }
    }
}
