//! What the shopper object's background drivers (`shopper_upkeep`, `refresh_job`) perform
//! their actions with, owned so a run can outlive its request (`wait_until`): the object's
//! `Env`, SQLite and storage, with the few operations they share.

use super::ShopperStorefront;
use crate::objects::store_client;
use crate::sql::Db;
use serde::de::DeserializeOwned;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::store::{StoreError, StoreQuestion};
use wandstore_protocol::wire::Question;
use wandstore_storage::{self as storage, Lenient};
use worker::{Env, Storage};

pub(super) struct Io {
    pub env: Env,
    pub db: Db,
    pub storage: Storage,
}

/// StoreConfig's answer to `q`; `Err`: why it gave none, for a log line.
pub(super) async fn ask<Q>(
    env: &Env,
    store: &StoreSlug,
    q: Q,
    rid: &str,
) -> Result<Q::Answer, String>
where
    Q: Question<Envelope = StoreQuestion, Error = StoreError>,
{
    let asked = store_client::ask(env, store, q, rid).await;
    asked.map_err(|e| EdgeError::from(e).message)
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
    let query = storage::shopper::SELECT_AI_STATE;
    let row: Option<Lenient<T>> = db.first_row(query, vec![key.into()])?;
    Ok(row.and_then(|r| r.json))
}

pub(super) fn set_state(db: &Db, key: &str, value: &impl serde::Serialize) -> worker::Result<()> {
    db.run(
        storage::shopper::UPSERT_AI_STATE,
        vec![key.into(), serde_json::to_string(value)?.into()],
    )
}
