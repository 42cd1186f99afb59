//! The shopper object's view of its store: the settings snapshot it keeps for the snapshot
//! TTL (a new shopper's object asks StoreConfig, so a deleted or changed store shows at once to
//! new shoppers) and the draft theme of a preview (never kept); catalog answers come through
//! the isolate's shared view (`crate::store_view`).

use super::ShopperStorefront;
use crate::clock::now_ms;
use crate::objects::store_client;
use crate::store_view::{self, StoreLook};
use std::sync::Arc;
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::{ShopperContext, unknown_store};
use wandstore_protocol::theme::GetDraft;
use wandstore_theme::Theme;

impl ShopperStorefront {
    /// The store's settings and published theme, refetched from StoreConfig at most once
    /// per TTL; an unknown store is a 404 page (and nothing is kept).
    pub(super) async fn store_look(&self, ctx: &ShopperContext) -> Result<StoreLook, EdgeError> {
        let now = now_ms();
        if let Some(hit) = self.memory.fresh_look(now) {
            return Ok(hit);
        }
        let report = &self.memory.report;
        let look = store_view::ask_look(&self.env, &ctx.store, &ctx.request_id, report).await?;
        self.memory.keep_look(look.clone(), now);
        Ok(look)
    }

    /// The draft theme for a preview page: asked for on every preview request (no cache).
    pub(super) async fn draft_theme(&self, ctx: &ShopperContext) -> Result<Arc<Theme>, EdgeError> {
        self.memory.report.borrow_mut().count_call();
        let slot = store_client::ask(&self.env, &ctx.store, GetDraft, &ctx.request_id)
            .await
            .map_err(|e| unknown_store(&ctx.store, e))?;
        Ok(Arc::new(slot.draft()?))
    }
}
