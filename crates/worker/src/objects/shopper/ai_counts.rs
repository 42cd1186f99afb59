//! The recommendations block's counts (impressions, clicks, adds) in the shopper's object:
//! kept in its SQLite (`ai_state`, key `pending_counts`) and sent to StoreConfig as
//! `wandstore_ai::tally` says: a new source's impression at once (after the response), the
//! rest in one batch by the object's alarm (`retention`), not one call per page.

use super::ShopperStorefront;
use super::personalize::{get_state, set_state};
use crate::clock::now_ms;
use crate::objects::store_client;
use crate::sql::Db;
use serde::Deserialize;
use wandstore_ai::report::{Interaction, PersonalizationCounters, Source};
use wandstore_ai::tally::{PendingCounts, Send, moves_alarm};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::personalization::RecordPersonalization;
use wandstore_protocol::shopper::ShopperContext;
use worker::Env;

const PENDING: &str = "pending_counts";

fn log_failure(result: worker::Result<()>) {
    if let Err(e) = result {
        worker::console_error!("personalization counts not kept: {e}");
    }
}

/// Moves the object's alarm to fire by `at` (never later than it already would).
pub(super) async fn alarm_by(storage: &worker::Storage, at: u64) -> worker::Result<()> {
    let current = storage.get_alarm().await?.map(|ms| ms.max(0) as u64);
    if moves_alarm(current, at) {
        storage.set_alarm(super::retention::at(at)).await?;
    }
    Ok(())
}

/// Sends counts to StoreConfig in one question. On failure they wait again (with any
/// counted meanwhile): answers the time to send them then.
pub(super) async fn send_counts(
    env: &Env,
    db: &Db,
    store: &StoreSlug,
    counts: PersonalizationCounters,
) -> worker::Result<Option<u64>> {
    let q = RecordPersonalization {
        counts: counts.clone(),
        breakers: None,
    };
    let Err(e) = store_client::ask(env, store, q, "").await else {
        return Ok(None);
    };
    let e = EdgeError::from(e);
    worker::console_error!("personalization counts not recorded: {}", e.message);
    let mut waiting = pending(db)?;
    let at = waiting.counts.send_failed(&counts, now_ms());
    set_pending(db, &waiting)?;
    Ok(Some(at))
}

/// The counts waiting to be sent, with the store to send them to (the alarm has no request
/// to learn it from).
#[derive(Default, serde::Serialize, Deserialize)]
pub(super) struct Pending {
    pub store: Option<StoreSlug>,
    #[serde(flatten)]
    pub counts: PendingCounts,
}

/// The counts waiting (none when absent or unreadable).
pub(super) fn pending(db: &Db) -> worker::Result<Pending> {
    Ok(get_state(db, PENDING)?.unwrap_or_default())
}

pub(super) fn set_pending(db: &Db, pending: &Pending) -> worker::Result<()> {
    set_state(db, PENDING, pending)
}

impl ShopperStorefront {
    /// Counts one interaction with the block: sent now (after the response) when it is a
    /// new source's impression, else with the next batch, whose time the alarm is moved to.
    fn count(&self, ctx: &ShopperContext, source: Source, what: Interaction) -> worker::Result<()> {
        let mut waiting = pending(&self.db)?;
        let send = waiting.counts.record(source, what, now_ms());
        waiting.store = Some(ctx.store.clone());
        let now = (send == Send::Now).then(|| waiting.counts.take_all());
        set_pending(&self.db, &waiting)?;
        let (env, db, storage, store) = (
            self.env.clone(),
            self.db.clone(),
            self.state.storage(),
            ctx.store.clone(),
        );
        match (send, now) {
            (Send::Now, Some(counts)) => self.state.wait_until(async move {
                match send_counts(&env, &db, &store, counts).await {
                    Ok(Some(retry_at)) => log_failure(alarm_by(&storage, retry_at).await),
                    other => log_failure(other.map(|_| ())),
                }
            }),
            (Send::AlarmAt(at), _) => self
                .state
                .wait_until(async move { log_failure(alarm_by(&storage, at).await) }),
            _ => {}
        }
        Ok(())
    }

    /// Counts, logging a failure: a count never fails a page.
    pub(super) fn count_or_log(&self, ctx: &ShopperContext, source: Source, what: Interaction) {
        log_failure(self.count(ctx, source, what));
    }
}
