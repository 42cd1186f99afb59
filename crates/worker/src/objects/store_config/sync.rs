//! Refreshing the catalog from the Shopify Storefront API: one sync in flight per store,
//! paged by the sans-IO machines of wandstore-shopify, each page a guarded call; what a
//! finished sync writes and keeps is `protocol::shopify_calls::SyncedCatalog::to_cache`'s.

use super::state::SyncResult;
use super::{StoreState, internal};
use crate::clock::now_ms;
use crate::sql;
use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use std::rc::Rc;
use wandstore_core::catalog_index::SYNC_COLLECTION_CAP;
use wandstore_core::guarded::RetryPolicy;
use wandstore_protocol::events::sync_line;
use wandstore_protocol::shopify_calls::{sync_finished, sync_run};
use wandstore_storage::plans::sync_error;
use worker::console_log;

impl StoreState {
    /// The sync in flight, or a new one (run to its end by the runtime). Everyone who asks
    /// while it runs shares it.
    pub fn sync(
        self: &Rc<Self>,
        policy: RetryPolicy,
        request_id: &str,
    ) -> Shared<LocalBoxFuture<'static, SyncResult>> {
        if let Some(running) = self.sync.borrow().as_ref() {
            return running.clone();
        }
        let state = Rc::clone(self);
        let rid = request_id.to_owned();
        let fut = async move {
            let started = now_ms();
            let result = state.run_sync(policy, started).await;
            *state.sync.borrow_mut() = None;
            state.log_sync(&result, started, &rid);
            result
        }
        .boxed_local()
        .shared();
        // Finished even if everyone waiting for it goes away (a cancelled request): a sync
        // left half-way would stay "in flight" and no refresh would start again.
        self.state.wait_until(fut.clone().map(drop));
        *self.sync.borrow_mut() = Some(fut.clone());
        fut
    }

    async fn run_sync(&self, policy: RetryPolicy, started: u64) -> SyncResult {
        let record = self.existing_record()?;
        let cap = self.tuning.sync_product_cap;
        let mut run = sync_run(&record, cap, SYNC_COLLECTION_CAP, policy)?;
        let result = self.call_shopify(&mut run).await;
        let finished = now_ms();
        let synced = sync_finished(run, result, finished.saturating_sub(started))?;
        let cached = synced.to_cache(finished)?;
        sql::apply(&self.state, &self.db, cached.writes).map_err(internal)?;
        self.catalog.keep(Rc::new(cached.index));
        Ok(cached.report)
    }

    /// Logs a finished sync; a failure is first kept as the catalog's last error (shown by the
    /// admin API; never holds a token).
    fn log_sync(&self, result: &SyncResult, started: u64, request_id: &str) {
        let now = now_ms();
        let record =
            |error: &str| (self.db.write(&sync_error(error, now))).map_err(|e| e.to_string());
        let took = now.saturating_sub(started);
        let line = sync_line(&self.slug(), result, took, (now, request_id), record);
        console_log!("{line}");
    }
}
