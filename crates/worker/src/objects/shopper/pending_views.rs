//! The product views a shopper's cookie carried (product pages the entry answered itself,
//! `core::edge_pages`): recorded before the request is served, so nothing that reads the
//! shopper's history misses them. Which views, at which times, is
//! `core::shopper_events::pending_views`; the report's `views_taken` tells the entry to drop
//! them from the cookie. A failure leaves them in the cookie for the next answer.

use super::ShopperStorefront;
use crate::best_effort;
use wandstore_core::events::BestEffort;
use wandstore_core::shopper_events;
use wandstore_protocol::shopper::ShopperContext;

impl ShopperStorefront {
    pub(super) fn take_pending_views(&self, ctx: &ShopperContext) {
        if ctx.pending_views.is_empty() {
            return;
        }
        let recorded = self.timed_events().and_then(|newest| {
            let now = crate::clock::now_ms();
            let views = shopper_events::pending_views(&ctx.pending_views, &newest, now);
            (views.iter()).try_for_each(|(event, at)| self.record_event(event, *at))
        });
        match recorded {
            Ok(()) => self.memory.report.borrow_mut().views_taken = true,
            Err(e) => {
                let store = Some(ctx.store.to_string());
                best_effort::failed(BestEffort::PendingViews, store, e, &ctx.request_id);
            }
        }
    }
}
