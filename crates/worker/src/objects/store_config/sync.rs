//! Refreshing the catalog from the Shopify Storefront API: one sync in flight per store,
//! paged by the sans-IO machines of wandstore-shopify, each page a guarded call.

use super::state::SyncResult;
use super::{StoreState, internal};
use crate::clock::now_ms;
use crate::upstream;
use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use std::rc::Rc;
use wandstore_core::catalog_index::SYNC_COLLECTION_CAP;
use wandstore_core::events::Event;
use wandstore_core::guarded::{GuardedCall, RetryPolicy};
use wandstore_protocol::events::{SyncFailed, SyncSucceeded};
use wandstore_protocol::shopify_calls::{
    config_unavailable, sync_failed, sync_report, sync_unfinished,
};
use wandstore_protocol::store::{StoreError, UpstreamStats};
use wandstore_shopify::CatalogSync;
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
        let config = (self.existing_record()?.shop_config()).map_err(|e| {
            StoreError::CatalogUnavailable {
                why: config_unavailable(e),
            }
        })?;
        let mut machine =
            CatalogSync::new(config, self.tuning.sync_product_cap, SYNC_COLLECTION_CAP);
        let mut call = GuardedCall::new(policy);
        let mut upstream = UpstreamStats::default();
        while let Some(request) = machine.next_request() {
            call.next_request();
            upstream::guarded(&mut call, self, &request, &mut upstream, |resp| {
                machine.on_response(resp)
            })
            .await
            .map_err(sync_failed)?;
        }
        let (products, collections) = machine.finish().map_err(|e| sync_unfinished(&e))?;
        let finished = now_ms();
        let took = finished.saturating_sub(started);
        let report = sync_report(&products, &collections, took, upstream);
        self.replace_catalog(
            products.items,
            collections.items,
            report.truncated,
            finished,
        )
        .map_err(internal)?;
        Ok(report)
    }

    fn log_sync(&self, result: &SyncResult, started: u64, request_id: &str) {
        let now = now_ms();
        let store = self.slug.borrow().clone();
        let line = match result {
            Ok(report) => SyncSucceeded::new(&store, report).line(now, request_id),
            Err(failure) => {
                let mut event = SyncFailed::new(&store, failure, now.saturating_sub(started));
                // Best effort: the sync already failed; a failure to record it is logged too.
                event.record_error = self
                    .record_sync_error(&event.last_error(), now)
                    .err()
                    .map(|e| e.to_string());
                event.line(now, request_id)
            }
        };
        console_log!("{line}");
    }
}
