//! The recommendations block's counts (impressions, clicks, adds) in the shopper's object:
//! `wandstore_protocol::shopper_upkeep` keeps them in its SQLite and says when they are
//! sent to StoreConfig (a new source's impression at once, the rest in one batch by the
//! object's alarm); its run is performed after the response.

use super::ShopperStorefront;
use crate::clock::now_ms;
use wandstore_ai::report::{Interaction, Source};
use wandstore_protocol::shopper::ShopperContext;
use wandstore_protocol::shopper_upkeep::Upkeep;

impl ShopperStorefront {
    /// Counts one interaction with the block, after the response; a failure is logged: a
    /// count never fails a page.
    pub(super) fn count_or_log(&self, ctx: &ShopperContext, source: Source, what: Interaction) {
        let upkeep = Upkeep::count(ctx.store.clone(), source, what, now_ms());
        let io = self.io();
        self.state.wait_until(async move {
            if let Err(e) = io.upkeep(upkeep).await {
                worker::console_error!("personalization counts not kept: {e}");
            }
        });
    }
}
