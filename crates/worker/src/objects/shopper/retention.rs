//! Bounded storage and the object's one alarm: the executor of
//! `wandstore_protocol::shopper_upkeep`, which decides when activity is written down, which
//! counts are sent, when the alarm fires and when everything is deleted. Only the I/O is
//! here: the `ai_state` row, StoreConfig, the alarm, the storage.

use super::ShopperStorefront;
use super::io::{Io, get_state};
use crate::clock::now_ms;
use crate::objects::store_client;
use wandstore_core::events::BestEffort;
use wandstore_protocol::shopper_upkeep::{Action, Input, PENDING_KEY, Upkeep};
use wandstore_storage::shopper::{SELECT_LAST_ACTIVITY, SELECT_RETENTION_FACTS};
use worker::ScheduledTime;

/// An alarm at an absolute time (workers-rs reads a bare number as an offset from now).
fn at(ms: u64) -> ScheduledTime {
    ScheduledTime::new(worker::js_sys::Date::new(
        &worker::wasm_bindgen::JsValue::from_f64(ms as f64),
    ))
}

impl Io {
    /// Performs `upkeep`'s actions until it is done; answers it for what it did.
    pub async fn upkeep(&self, mut upkeep: Upkeep) -> worker::Result<Upkeep> {
        let (db, storage) = (&self.db, &self.storage);
        let mut input = Input::Start;
        loop {
            input = match upkeep.resume(input) {
                Action::ReadPending => {
                    Input::Pending(get_state(db, PENDING_KEY)?.unwrap_or_default())
                }
                Action::Send { store, question } => {
                    let asked = store_client::ask(&self.env, &store, question, "").await;
                    Input::sent(asked, now_ms())
                }
                Action::ReadAlarm => Input::alarm(storage.get_alarm().await?),
                Action::ReadActivity => Input::activity(db.first_row(SELECT_LAST_ACTIVITY, &[])?),
                Action::ReadRetentionFacts => {
                    Input::retention(db.first_row(SELECT_RETENTION_FACTS, &[])?)
                }
                Action::Write(w) => db.write(&w).map(|()| Input::Done)?,
                Action::SetAlarm(ms) => storage.set_alarm(at(ms)).await.map(|()| Input::Done)?,
                Action::DeleteAll => storage.delete_all().await.map(|()| Input::Done)?,
                Action::Log(line) => {
                    worker::console_log!("{line}");
                    Input::Done
                }
                Action::LogError(line) => {
                    worker::console_error!("{line}");
                    Input::Done
                }
                Action::Done => return Ok(upkeep),
            };
        }
    }
}

impl ShopperStorefront {
    /// Called after a request that used this object's storage (`Upkeep::activity`; the
    /// last activity is read once per object lifetime). Best effort: a failure is logged (for
    /// `store`, under request `rid`) and never fails the request; the next one tries again.
    pub(super) async fn note_activity(&self, store: Option<&str>, rid: &str) {
        let upkeep = Upkeep::activity(self.memory.retention, self.memory.activity.get(), now_ms());
        match self.io().upkeep(upkeep).await {
            Ok(done) => self.memory.activity.set(done.known_activity()),
            Err(e) => {
                let store = store.map(str::to_owned);
                crate::best_effort::failed(BestEffort::ShopperActivity, store, e, rid);
            }
        }
    }

    /// The alarm (`Upkeep::alarm`).
    pub(super) async fn expire_if_idle(&self) -> worker::Result<()> {
        self.ensure_schema()?;
        let upkeep = Upkeep::alarm(self.memory.retention, now_ms());
        if self.io().upkeep(upkeep).await?.deleted() {
            self.db.forget_schema();
            self.memory.deleted();
        }
        Ok(())
    }
}
