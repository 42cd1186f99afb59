//! Durable Object storage in the admin metrics (`core::storage`): StoreConfig objects answer
//! their size with each backup they are asked for, the registry keeps the last one per
//! store, and `GET /admin/metrics` shows the registry's own size and the largest stores with
//! one question to the registry. Failures are logged and leave the list out; they never fail
//! the metrics or the backups.

use crate::isolate_metrics::log_failed;
use crate::objects::registry_client;
use wandstore_core::events::BestEffort;
use wandstore_core::storage::{REPORTED_STORES, StorageUse, report};
use wandstore_protocol::registry::{RecordSizes, ShowStorage};
use worker::Env;

fn log_failure(error: String, rid: &str) {
    log_failed(BestEffort::StorageSizes, None, error, rid);
}

/// Tells the registry the sizes the stores answered with.
pub async fn record(env: &Env, sizes: RecordSizes, rid: &str) {
    if let Err(e) = registry_client::ask(env, sizes, rid).await {
        log_failure(format!("recording store sizes: {e:?}"), rid);
    }
}

/// The registry and the largest stores, each against its limit (empty if the registry does
/// not answer).
pub async fn largest(env: &Env, rid: &str) -> Vec<StorageUse> {
    let q = ShowStorage {
        limit: REPORTED_STORES,
    };
    match registry_client::ask(env, q, rid).await {
        Ok(r) => report(r.registry_bytes, &r.stores),
        Err(e) => {
            log_failure(format!("reading store sizes: {e:?}"), rid);
            Vec::new()
        }
    }
}
