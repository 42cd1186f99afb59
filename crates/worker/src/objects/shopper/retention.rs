//! Bounded storage and the object's one alarm: the executor of
//! `wandstore_protocol::shopper_upkeep`, which decides when activity is written down, which
//! counts are sent, when the alarm fires and when everything is deleted. Only the I/O is
//! here: the `ai_state` row, StoreConfig, the alarm, the storage.

use super::ShopperStorefront;
use super::ai_refresh::asked;
use super::personalize::{get_state, set_state};
use crate::clock::now_ms;
use crate::objects::store_client;
use crate::sql::{self, Db};
use wandstore_protocol::personalization::RecordPersonalization;
use wandstore_protocol::shopper_upkeep::{Action, Input, PENDING_KEY, Upkeep};
use wandstore_storage as storage;
use worker::{Env, ScheduledTime, Storage};

/// An alarm at an absolute time (workers-rs reads a bare number as an offset from now).
fn at(ms: u64) -> ScheduledTime {
    ScheduledTime::new(worker::js_sys::Date::new(
        &worker::wasm_bindgen::JsValue::from_f64(ms as f64),
    ))
}

/// What an upkeep run's actions need, owned (a count's run outlives the request).
pub(super) struct Upkeeper {
    pub env: Env,
    pub db: Db,
    pub storage: Storage,
}

impl Upkeeper {
    /// Performs `upkeep`'s actions until it is done; answers it for what it did.
    pub async fn run(&self, mut upkeep: Upkeep) -> worker::Result<Upkeep> {
        let (db, storage) = (&self.db, &self.storage);
        let mut input = Input::Start;
        loop {
            input = match upkeep.resume(input) {
                Action::ReadPending => {
                    Input::Pending(get_state(db, PENDING_KEY)?.unwrap_or_default())
                }
                Action::WritePending(pending) => {
                    set_state(db, PENDING_KEY, &pending)?;
                    Input::Done
                }
                Action::Send { store, counts } => {
                    let q = RecordPersonalization {
                        counts,
                        breakers: None,
                    };
                    let error = asked(store_client::ask(&self.env, &store, q, "").await).err();
                    Input::Sent {
                        error,
                        now_ms: now_ms(),
                    }
                }
                Action::ReadAlarm => {
                    Input::Alarm(storage.get_alarm().await?.map(|ms| ms.max(0) as u64))
                }
                Action::SetAlarm(ms) => {
                    storage.set_alarm(at(ms)).await?;
                    Input::Done
                }
                Action::ReadRetentionFacts => {
                    let value = |query| db.first_row::<storage::ValueRow>(query, None);
                    Input::Retention {
                        last_activity_ms: value(storage::shopper::SELECT_LAST_ACTIVITY)?
                            .map(|r| r.value),
                        has_cart: value(storage::shopper::COUNT_CART_LINES)?
                            .is_some_and(|r| r.value > 0),
                    }
                }
                Action::WriteActivity(ms) => {
                    db.run(storage::shopper::SET_LAST_ACTIVITY, vec![sql::int(ms)?])?;
                    Input::Done
                }
                Action::DeleteAll => {
                    storage.delete_all().await?;
                    Input::Done
                }
                Action::Log(line) => {
                    worker::console_log!("{line}");
                    Input::Done
                }
                Action::LogError(message) => {
                    worker::console_error!("{message}");
                    Input::Done
                }
                Action::Done => return Ok(upkeep),
            };
        }
    }
}

impl ShopperStorefront {
    pub(super) fn upkeeper(&self) -> Upkeeper {
        Upkeeper {
            env: self.env.clone(),
            db: self.db.clone(),
            storage: self.state.storage(),
        }
    }

    /// The last activity written down, read once per object lifetime.
    fn recorded_activity(&self) -> worker::Result<Option<u64>> {
        if let Some(known) = self.activity.get() {
            return Ok(known);
        }
        let row: Option<storage::ValueRow> = self
            .db
            .first_row(storage::shopper::SELECT_LAST_ACTIVITY, None)?;
        let last = row.map(|r| r.value);
        self.activity.set(Some(last));
        Ok(last)
    }

    /// Called after a request that used this object's storage (`Upkeep::activity`).
    pub(super) async fn note_activity(&self) -> worker::Result<()> {
        let upkeep = Upkeep::activity(self.retention, self.recorded_activity()?, now_ms());
        if let Some(written) = self.upkeeper().run(upkeep).await?.wrote_activity() {
            self.activity.set(Some(Some(written)));
        }
        Ok(())
    }

    /// The alarm (`Upkeep::alarm`).
    pub(super) async fn expire_if_idle(&self) -> worker::Result<()> {
        self.ensure_schema()?;
        let upkeep = Upkeep::alarm(self.retention, now_ms());
        if self.upkeeper().run(upkeep).await?.deleted() {
            self.forget();
        }
        Ok(())
    }
}
