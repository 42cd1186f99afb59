//! What the shopper object's background drivers (`shopper_upkeep`, `refresh_job`) perform
//! their actions with, owned so a run can outlive its request (`wait_until`): the object's
//! `Env`, SQLite and storage, with the few operations they share.

use super::ShopperStorefront;
use crate::objects::store_client;
use crate::sql::Db;
use serde::de::DeserializeOwned;
use wandstore_ai::refresh::Breakers;
use wandstore_ai::report::PersonalizationCounters;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::personalization::{ProviderBreakers, RecordPersonalization};
use wandstore_storage as storage;
use worker::{Env, Storage};

pub(super) struct Io {
    pub env: Env,
    pub db: Db,
    pub storage: Storage,
}

impl Io {
    /// Adds `counts` (and the providers' breakers, if given) to the store's totals; `Err`:
    /// why StoreConfig did not take them.
    pub async fn record(
        &self,
        store: &StoreSlug,
        counts: PersonalizationCounters,
        breakers: Option<&Breakers>,
        request_id: &str,
    ) -> Result<(), String> {
        let breakers = breakers.map(ProviderBreakers::from);
        let q = RecordPersonalization { counts, breakers };
        let asked = store_client::ask(&self.env, store, q, request_id).await;
        asked.map_err(|e| EdgeError::from(e).message)
    }
}

impl ShopperStorefront {
    pub(super) fn io(&self) -> Io {
        Io {
            env: self.env.clone(),
            db: self.db.clone(),
            storage: self.state.storage(),
        }
    }
}

/// A value of the shopper's `ai_state` (absent or unreadable: `None`).
pub(super) fn get_state<T: DeserializeOwned>(db: &Db, key: &str) -> worker::Result<Option<T>> {
    db.lenient_json_row(storage::shopper::SELECT_AI_STATE, vec![key.into()])
}

pub(super) fn set_state(db: &Db, key: &str, value: &impl serde::Serialize) -> worker::Result<()> {
    db.run(
        storage::shopper::UPSERT_AI_STATE,
        vec![key.into(), serde_json::to_string(value)?.into()],
    )
}
