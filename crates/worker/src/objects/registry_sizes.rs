//! The registry's record of each store's storage (`store_sizes`): StoreConfig objects report
//! their SQLite size with each backup they are asked for, and the admin metrics read the
//! largest ones with the registry's own size in one question (`core::storage`).

use crate::sql::{self, Db};
use wandstore_protocol::registry::{RecordSizes, StorageReport};
use wandstore_storage as storage;
use worker::State;

/// Keeps each reported store's latest size.
pub fn record(db: &Db, state: &State, q: &RecordSizes) -> worker::Result<()> {
    let sizes = q.sizes.iter().map(|s| (s.store.to_string(), s.used_bytes));
    let plan = storage::plans::record_store_sizes(sizes.collect(), q.now_ms);
    sql::apply(state, db, plan)
}

/// The registry's own size and the `limit` largest registered stores.
pub fn report(db: &Db, state: &State, limit: u32) -> worker::Result<StorageReport> {
    let rows: Vec<storage::registry::SizeRow> = db.rows(
        storage::registry::SELECT_LARGEST_STORES,
        vec![sql::int(u64::from(limit))?],
    )?;
    Ok(StorageReport {
        registry_bytes: state.storage().sql().database_size() as u64,
        stores: rows.into_iter().map(|r| (r.slug, r.used_bytes)).collect(),
    })
}
