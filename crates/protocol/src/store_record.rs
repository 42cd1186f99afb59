//! How StoreConfig creates and updates its record, as plans the object executes: which
//! registry claim to ask for first, what to save after it, and what to answer (or undo) when
//! a step fails. The object only asks the registry, reads and writes its row.

use crate::registry::{ForgetStore, WriteEntry};
use crate::store::{CreateStore, StoreError, UpdateStore};
use wandstore_registry::{
    Claim, Platform, PublicStore, RegistryEntry, StoreRecord, apply_patch, validate_new,
};
use wandstore_storage::Write;
use wandstore_storage::store_config::UPSERT_RECORD;

/// The write saving `record` as the object's one record row (its JSON and its version).
pub fn save(record: &StoreRecord) -> Write {
    let json = record.to_storage_json().into();
    Write::new(UPSERT_RECORD, vec![json, record.updated_at_ms.into()])
}

/// The record row's JSON read back (`None`: the store does not exist). JSON that does not
/// read is an error to report, never a missing store.
pub fn stored(json: Option<&str>) -> Result<Option<StoreRecord>, String> {
    let read = |j| StoreRecord::from_storage_json(j).map_err(|e| e.to_string());
    let unreadable = |e| format!("stored record is unreadable: {e}");
    json.map(read).transpose().map_err(unreadable)
}

/// A validated registration, between its registry claim and its save.
#[derive(Debug)]
pub struct CreatePlan {
    record: StoreRecord,
}

impl CreatePlan {
    /// Validates the registration; the claim of its slug and domains to ask the registry first.
    pub fn new(q: CreateStore) -> Result<(CreatePlan, WriteEntry), StoreError> {
        let platform = Platform {
            base_domain: &q.base_domain,
            local_upstreams: q.local_upstreams,
        };
        let record = validate_new(q.input, platform, q.owner_token_hash, q.now_ms)?;
        let claim = write(&record, Claim::Create);
        Ok((CreatePlan { record }, claim))
    }

    /// After the registry granted the claim: the record to save, unless this object already
    /// holds one (`held`) or could not tell.
    pub fn to_save(&self, held: Result<bool, StoreError>) -> Result<&StoreRecord, StoreError> {
        match held? {
            true => Err(StoreError::AlreadyExists),
            false => Ok(&self.record),
        }
    }

    /// The answer once the save was tried: the public view, or the error with the claim to
    /// undo (so nothing is left half-created).
    pub fn finish(
        self,
        saved: Result<(), StoreError>,
    ) -> Result<PublicStore, (StoreError, ForgetStore)> {
        match saved {
            Ok(()) => Ok(self.record.public()),
            Err(e) => Err((
                e,
                ForgetStore {
                    slug: self.record.slug,
                },
            )),
        }
    }
}

/// A patched record, between its registry rewrite and its save.
#[derive(Debug)]
pub struct UpdatePlan {
    /// The version of the record the patch was applied to.
    base_ms: u64,
    next: StoreRecord,
}

impl UpdatePlan {
    /// Applies the patch with the registry's rules; the entry rewrite to ask the registry first.
    pub fn new(
        current: &StoreRecord,
        q: UpdateStore,
    ) -> Result<(UpdatePlan, WriteEntry), StoreError> {
        let platform = Platform {
            base_domain: &q.base_domain,
            local_upstreams: q.local_upstreams,
        };
        let next = apply_patch(current, q.patch, platform, q.now_ms)?;
        let rewrite = write(&next, Claim::Update);
        let plan = UpdatePlan {
            base_ms: current.updated_at_ms,
            next,
        };
        Ok((plan, rewrite))
    }

    /// After the registry rewrote the entry: the record to save, unless another update was
    /// saved (or the store deleted) while the registry answered.
    pub fn to_save(&self, now_held: Option<&StoreRecord>) -> Result<&StoreRecord, StoreError> {
        match now_held {
            Some(r) if r.updated_at_ms == self.base_ms => Ok(&self.next),
            _ => Err(StoreError::Changed),
        }
    }
}

fn write(record: &StoreRecord, claim: Claim) -> WriteEntry {
    WriteEntry {
        entry: RegistryEntry::from(record),
        claim,
    }
}

#[cfg(test)]
#[path = "store_record_tests.rs"]
pub(crate) mod tests;
