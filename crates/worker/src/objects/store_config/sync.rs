//! Refreshing the catalog from the Shopify Storefront API: one sync in flight per store,
//! paged by the sans-IO machines of wandstore-shopify, each page a guarded call.

use super::state::SyncResult;
use super::{StoreState, internal};
use crate::clock::now_ms;
use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use std::rc::Rc;
use wandstore_core::catalog_index::SYNC_COLLECTION_CAP;
use wandstore_core::guarded::RetryPolicy;
use wandstore_protocol::events::sync_line;
use wandstore_protocol::shopify_calls::{sync_finished, sync_run};
use worker::console_log;

impl StoreState {
    /// The sync in flight, or a new one. Everyone who asks while it runs shares it.
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
        let truncated = synced.report.truncated;
        self.replace_catalog(synced.products, synced.collections, truncated, finished)
            .map_err(internal)?;
        Ok(synced.report)
    }

    fn log_sync(&self, result: &SyncResult, started: u64, request_id: &str) {
        let now = now_ms();
        let record = |error: &str| (self.record_sync_error(error, now)).map_err(|e| e.to_string());
        let took = now.saturating_sub(started);
        let line = sync_line(&self.slug(), result, took, (now, request_id), record);
        console_log!("{line}");
    }
}
