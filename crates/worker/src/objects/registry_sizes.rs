//! The registry's record of each store's storage (`store_sizes`): StoreConfig objects report
//! their SQLite size with each backup they are asked for, and the admin metrics read the
//! largest ones with the registry's own size in one question (`core::storage`). The writes and
//! the report's shape are `protocol::registry`'s.

use crate::sql::{self, Db};
use wandstore_protocol::registry::{RecordSizes, StorageReport};
use wandstore_storage::registry::SELECT_LARGEST_STORES;
use worker::State;

/// Keeps each reported store's latest size.
pub fn record(db: &Db, state: &State, q: &RecordSizes) -> worker::Result<()> {
    sql::apply(state, db, q.writes())
}

/// The registry's own size and the `limit` largest registered stores.
pub fn report(db: &Db, state: &State, limit: u32) -> worker::Result<StorageReport> {
    let rows = db.rows(SELECT_LARGEST_STORES, vec![sql::int(u64::from(limit))?])?;
    let registry_bytes = state.storage().sql().database_size() as u64;
    Ok(StorageReport::from_rows(registry_bytes, rows))
}
