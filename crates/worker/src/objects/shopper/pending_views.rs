//! The views a shopper's cookie carried (pages the entry answered itself, `core::edge_pages`),
//! stored before the request is served, so nothing that reads the shopper's history or visit
//! count misses them:
//! - product views: which, at which times, is `core::shopper_events::pending_views`; the
//!   report's `views_taken` tells the entry to drop them from the cookie;
//! - home views (`core::home_hint`): the counter becomes at least the cookie's count; the
//!   report's `home_counted` tells the entry to drop them.
//!
//! A failure leaves them in the cookie for the next answer.

use super::ShopperStorefront;
use crate::best_effort;
use wandstore_core::events::BestEffort;
use wandstore_core::shopper_events;
use wandstore_protocol::shopper::ShopperContext;
use wandstore_storage::shopper::STORE_PAGE_VIEWS_AT_LEAST;

impl ShopperStorefront {
    pub(super) fn take_pending_views(&self, ctx: &ShopperContext) {
        if let Some(count) = ctx.home_count {
            let stored = crate::sql::int(count)
                .and_then(|count| self.db.run(STORE_PAGE_VIEWS_AT_LEAST, vec![count]));
            self.taken(ctx, stored, BestEffort::PendingHomeViews, |r| {
                r.home_counted = true;
            });
        }
        if ctx.pending_views.is_empty() {
            return;
        }
        let recorded = self.timed_events().and_then(|newest| {
            let now = crate::clock::now_ms();
            let views = shopper_events::pending_views(&ctx.pending_views, &newest, now);
            (views.iter()).try_for_each(|(event, at)| self.record_event(event, *at))
        });
        self.taken(ctx, recorded, BestEffort::PendingViews, |r| {
            r.views_taken = true;
        });
    }

    /// Notes in the report that `what` was taken, or logs why not.
    fn taken<T>(
        &self,
        ctx: &ShopperContext,
        result: worker::Result<T>,
        what: BestEffort,
        note: impl FnOnce(&mut wandstore_protocol::shopper::ObjectReport),
    ) {
        match result {
            Ok(_) => note(&mut self.memory.report.borrow_mut()),
            Err(e) => {
                let store = Some(ctx.store.to_string());
                best_effort::failed(what, store, e, &ctx.request_id);
            }
        }
    }
}
