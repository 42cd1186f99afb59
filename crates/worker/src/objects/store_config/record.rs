//! The store's record: read, saved and deleted inside this object, so the storefront token
//! only ever comes in. Creating and updating it (the registry claim first, then the save, an
//! undo when the save fails) is `protocol::record_run::RecordRun`'s, run by `io.rs`.

use super::{StoreState, internal};
use wandstore_protocol::store::StoreError;
use wandstore_protocol::store_record;
use wandstore_registry::StoreRecord;
use wandstore_storage as storage;

impl StoreState {
    /// The stored record, if the store exists.
    pub fn load_record(&self) -> worker::Result<Option<StoreRecord>> {
        self.record.get_or_read_some(|| {
            let row: Option<storage::JsonRow> =
                (self.db).first_row(storage::store_config::SELECT_RECORD, &[])?;
            store_record::stored(row.as_ref().map(|r| r.json.as_str()))
                .map_err(worker::Error::RustError)
        })
    }

    pub(super) fn save_record(&self, record: &StoreRecord) -> worker::Result<()> {
        self.db.write(&store_record::save(record))?;
        self.record.keep(record.clone());
        Ok(())
    }

    /// The store's slug, for log lines (empty if there is no readable record).
    pub(super) fn slug(&self) -> String {
        let record = self.load_record().ok().flatten();
        record.map(|r| r.slug.to_string()).unwrap_or_default()
    }

    /// The stored record; `NotFound` if the store does not exist.
    pub fn existing_record(&self) -> Result<StoreRecord, StoreError> {
        self.load_record()
            .map_err(internal)?
            .ok_or(StoreError::NotFound)
    }
}

/// Forgets everything this object holds (the admin API forgets the registry entry first).
/// True if there was a store.
pub async fn delete(s: &StoreState) -> Result<bool, StoreError> {
    let existed = s.load_record().map_err(internal)?.is_some();
    s.state.storage().delete_all().await.map_err(internal)?;
    s.forget();
    s.ensure_schema().map_err(internal)?;
    Ok(existed)
}
