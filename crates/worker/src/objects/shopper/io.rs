//! What the shopper object's background drivers (`shopper_upkeep`, `refresh_job`) perform
//! their actions with, owned so a run can outlive its request (`wait_until`): the object's
//! `Env`, SQLite and storage, with the `ai_state` reads and writes they share.

use super::ShopperStorefront;
use crate::sql::Db;
use serde::de::DeserializeOwned;
use wandstore_storage::{self as storage, Lenient};
use worker::{Env, Storage};

pub(super) struct Io {
    pub env: Env,
    pub db: Db,
    pub storage: Storage,
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
    let row: Option<Lenient<T>> = db.first_row(query, &[key.into()])?;
    Ok(row.and_then(|r| r.json))
}

pub(super) fn set_state(db: &Db, key: &str, value: &impl serde::Serialize) -> worker::Result<()> {
    let json = storage::json_text(value)?;
    db.write(&storage::shopper::state_write(key, json))
}
