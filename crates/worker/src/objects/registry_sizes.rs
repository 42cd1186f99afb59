//! The registry's record of each store's storage (`store_sizes`): StoreConfig objects report
//! their SQLite size with each backup they are asked for, and the admin metrics read the
//! largest ones with the registry's own size in one question (`core::storage`).

use crate::sql::{self, Db};
use wandstore_protocol::registry::{RecordSizes, StorageReport};
use wandstore_storage as storage;
use worker::State;

/// Keeps each reported store's latest size.
pub fn record(db: &Db, state: &State, q: &RecordSizes) -> worker::Result<()> {
    let mut rows = Vec::with_capacity(q.sizes.len());
    for s in &q.sizes {
        rows.push((
            s.store.to_string(),
            sql::int(s.used_bytes)?,
            sql::int(q.now_ms)?,
        ));
    }
    let db = db.clone();
    sql::transaction(state, move || {
        for (slug, used, at) in rows {
            db.run(
                storage::registry::UPSERT_STORE_SIZE,
                vec![slug.into(), used, at],
            )?;
        }
        Ok(())
    })
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
