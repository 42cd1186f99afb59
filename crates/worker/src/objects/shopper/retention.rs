//! Bounded storage: the shopper's object records its last activity (at most once per
//! `Retention::record_every_ms`) with one alarm at the time its storage may go, and deletes
//! everything when that alarm finds it idle past its retention (longer with a cart). The
//! same alarm sends the personalization counts waiting in the object
//! (`wandstore_ai::tally`), so it fires earlier while some wait.

use super::ShopperStorefront;
use super::ai_counts::{pending, send_counts, set_pending};
use crate::clock::now_ms;
use crate::sql;
use wandstore_core::events::{Event, ShopperExpired, ShopperRetained};
use wandstore_core::retention::OnAlarm;
use wandstore_storage as storage;
use worker::ScheduledTime;

/// An alarm at an absolute time (workers-rs reads a bare number as an offset from now).
pub(super) fn at(ms: u64) -> ScheduledTime {
    ScheduledTime::new(worker::js_sys::Date::new(
        &worker::wasm_bindgen::JsValue::from_f64(ms as f64),
    ))
}

impl ShopperStorefront {
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

    /// Called after a request that used this object's storage: writes the activity and
    /// moves the alarm when the last write is old enough.
    pub(super) async fn note_activity(&self) -> worker::Result<()> {
        let now = now_ms();
        if !self.retention.should_record(self.recorded_activity()?, now) {
            return Ok(());
        }
        self.db
            .run(storage::shopper::SET_LAST_ACTIVITY, vec![sql::int(now)?])?;
        self.wake_at(self.retention.expires_at(now, false)).await?;
        self.activity.set(Some(Some(now)));
        Ok(())
    }

    /// The alarm: sends the personalization counts that are due, then deletes everything if
    /// the shopper has been away past their retention.
    pub(super) async fn expire_if_idle(&self) -> worker::Result<()> {
        self.ensure_schema()?;
        self.send_due_counts().await?;
        let last = self.recorded_activity()?;
        let has_cart = !self.cart_lines()?.is_empty();
        match self.retention.on_alarm(now_ms(), last, has_cart) {
            OnAlarm::WakeAt(wake_at) => {
                let event = ShopperRetained {
                    has_cart,
                    wake_at_ms: wake_at,
                };
                worker::console_log!("{}", event.line(now_ms(), ""));
                self.wake_at(wake_at).await
            }
            OnAlarm::DeleteAll => {
                self.state.storage().delete_all().await?;
                self.forget();
                let event = ShopperExpired { had_cart: has_cart };
                worker::console_log!("{}", event.line(now_ms(), ""));
                Ok(())
            }
        }
    }
}

impl ShopperStorefront {
    /// Sets the alarm to `wake` (or earlier, while personalization counts wait to be sent).
    async fn wake_at(&self, wake: u64) -> worker::Result<()> {
        let alarm = pending(&self.db)?.counts.alarm_at(wake);
        self.state.storage().set_alarm(at(alarm)).await
    }

    /// Sends the counts that are due to StoreConfig (a failure leaves them waiting).
    async fn send_due_counts(&self) -> worker::Result<()> {
        let mut waiting = pending(&self.db)?;
        let Some(counts) = waiting.counts.take_due(now_ms()) else {
            return Ok(());
        };
        set_pending(&self.db, &waiting)?;
        match waiting.store {
            Some(store) => send_counts(&self.env, &self.db, &store, counts)
                .await
                .map(|_| ()),
            None => Ok(()),
        }
    }
}
