//! The store's record: read, created, patched and deleted inside this object, so the
//! storefront token only ever comes in. Slugs and domains are claimed in the registry first.

use super::{StoreState, internal};
use crate::objects::registry_client;
use wandstore_protocol::store::{CreateStore, StoreError, UpdateStore};
use wandstore_protocol::store_record::{self, CreatePlan, UpdatePlan};
use wandstore_registry::{PublicStore, StoreRecord};
use wandstore_storage as storage;

impl StoreState {
    /// The stored record, if the store exists.
    pub fn load_record(&self) -> worker::Result<Option<StoreRecord>> {
        self.record.get_or_read_some(|| {
            let row: Option<storage::JsonRow> =
                (self.db).first_row(storage::store_config::SELECT_RECORD, None)?;
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

/// Claims the slug and domains in the registry (a taken one is refused there), then saves;
/// if saving fails the claim is undone (`protocol::store_record::CreatePlan`).
pub async fn create(s: &StoreState, q: CreateStore, rid: &str) -> Result<PublicStore, StoreError> {
    let (plan, claim) = CreatePlan::new(q)?;
    registry_client::ask(&s.env, claim, rid).await?;
    let held = s.load_record().map(|r| r.is_some()).map_err(internal);
    let saved = (plan.to_save(held)).and_then(|r| s.save_record(r).map_err(internal));
    match plan.finish(saved) {
        Ok(public) => Ok(public),
        Err((e, undo)) => {
            // Best effort: if this fails too, the slug stays reserved and a delete frees it.
            let _ = registry_client::ask(&s.env, undo, rid).await;
            Err(e)
        }
    }
}

/// Rewrites the registry entry, then saves unless another update was saved meanwhile
/// (`protocol::store_record::UpdatePlan`).
pub async fn update(s: &StoreState, q: UpdateStore, rid: &str) -> Result<PublicStore, StoreError> {
    let (plan, rewrite) = UpdatePlan::new(&s.existing_record()?, q)?;
    registry_client::ask(&s.env, rewrite, rid).await?;
    let next = plan.to_save(s.load_record().map_err(internal)?.as_ref())?;
    s.save_record(next).map_err(internal)?;
    Ok(next.public())
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
