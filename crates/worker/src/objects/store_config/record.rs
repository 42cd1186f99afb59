//! The store's record: read, created, patched and deleted inside this object, so the
//! storefront token only ever comes in. Slugs and domains are claimed in the registry first.

use super::{StoreState, internal};
use crate::objects::registry_client;
use crate::sql;
use wandstore_core::store::StoreSettings;
use wandstore_protocol::registry::{ForgetStore, WriteEntry};
use wandstore_protocol::store::{CreateStore, StoreError, UpdateStore};
use wandstore_registry::{
    Claim, Platform, PublicStore, RegistryEntry, StoreRecord, apply_patch, validate_new,
};
use wandstore_storage as storage;

impl StoreState {
    /// The stored record, if the store exists.
    pub fn load_record(&self) -> worker::Result<Option<StoreRecord>> {
        if let Some(r) = self.record.borrow().as_ref() {
            return Ok(Some(r.clone()));
        }
        let rows: Vec<storage::JsonRow> =
            self.db.rows(storage::store_config::SELECT_RECORD, None)?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let record = StoreRecord::from_storage_json(&row.json)
            .map_err(|e| worker::Error::RustError(format!("stored record is unreadable: {e}")))?;
        *self.slug.borrow_mut() = record.slug.to_string();
        *self.record.borrow_mut() = Some(record.clone());
        Ok(Some(record))
    }

    pub(super) fn save_record(&self, record: &StoreRecord) -> worker::Result<()> {
        self.db.run(
            storage::store_config::UPSERT_RECORD,
            vec![
                record.to_storage_json().into(),
                sql::int(record.updated_at_ms)?,
            ],
        )?;
        *self.slug.borrow_mut() = record.slug.to_string();
        *self.record.borrow_mut() = Some(record.clone());
        Ok(())
    }

    /// The stored record; `NotFound` if the store does not exist.
    pub fn existing_record(&self) -> Result<StoreRecord, StoreError> {
        self.load_record()
            .map_err(internal)?
            .ok_or(StoreError::NotFound)
    }

    /// What pages need.
    pub fn settings(&self) -> Result<StoreSettings, StoreError> {
        Ok(self.existing_record()?.settings())
    }

    /// What the admin API may show.
    pub fn public(&self) -> Result<PublicStore, StoreError> {
        Ok(self.existing_record()?.public())
    }
}

/// Validates the registration, claims its slug and domains in the registry (a taken slug or
/// domain is refused there), then saves it; if saving fails the claim is undone, so nothing
/// is left half-created.
pub async fn create(s: &StoreState, q: CreateStore, rid: &str) -> Result<PublicStore, StoreError> {
    let platform = Platform {
        base_domain: &q.base_domain,
        local_upstreams: q.local_upstreams,
    };
    let record = validate_new(q.input, platform, q.owner_token_hash, q.now_ms)?;
    let claim = WriteEntry {
        entry: RegistryEntry::from(&record),
        claim: Claim::Create,
    };
    registry_client::ask(&s.env, claim, rid).await?;
    let saved = match s.load_record() {
        Ok(Some(_)) => Err(StoreError::AlreadyExists),
        Ok(None) => s.save_record(&record).map_err(internal),
        Err(e) => Err(internal(e)),
    };
    if let Err(e) = saved {
        let undo = ForgetStore {
            slug: record.slug.clone(),
        };
        // Best effort: if this fails too, the slug stays reserved and a delete frees it.
        let _ = registry_client::ask(&s.env, undo, rid).await;
        return Err(e);
    }
    Ok(record.public())
}

/// Applies the patch with the registry's rules, rewrites the registry entry, then saves.
pub async fn update(s: &StoreState, q: UpdateStore, rid: &str) -> Result<PublicStore, StoreError> {
    let current = s.existing_record()?;
    let platform = Platform {
        base_domain: &q.base_domain,
        local_upstreams: q.local_upstreams,
    };
    let next = apply_patch(&current, q.patch, platform, q.now_ms)?;
    let rewrite = WriteEntry {
        entry: RegistryEntry::from(&next),
        claim: Claim::Update,
    };
    registry_client::ask(&s.env, rewrite, rid).await?;
    // Another update may have been saved while the registry answered.
    let now = s.load_record().map_err(internal)?;
    if now.as_ref().map(|r| r.updated_at_ms) != Some(current.updated_at_ms) {
        return Err(StoreError::Changed);
    }
    s.save_record(&next).map_err(internal)?;
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
