//! What a page the entry renders gets: who is asking, at which store, with which cart count;
//! and the store's frame for its pages.

use std::sync::Arc;
use wandstore_core::csrf;
use wandstore_core::store::StoreSettings;
use wandstore_protocol::shopper::ShopperContext;
use wandstore_render::Chrome;
use wandstore_render::listing_pages as listing;
use wandstore_theme::Theme;
use worker::Env;

pub struct PageRequest<'a> {
    pub ctx: &'a ShopperContext,
    pub store: &'a StoreSettings,
    /// The published theme, or the draft on a preview page.
    pub theme: Arc<Theme>,
    /// Items in the shopper's cart, for the header.
    pub cart_count: u32,
}

impl PageRequest<'_> {
    /// The store's frame for this shopper (`render::listing_pages::chrome`).
    pub fn chrome(&self) -> Chrome {
        listing::chrome(
            self.ctx,
            self.store,
            Arc::clone(&self.theme),
            self.cart_count,
        )
    }

    /// The CSRF token for this shopper's forms (empty if the deployment has no secret, in
    /// which case every form post is refused).
    pub fn csrf_token(&self, env: &Env) -> String {
        let (ctx, now) = (self.ctx, crate::clock::now_ms());
        let secret = crate::env_config::platform(env);
        let issue = |s: &[u8]| csrf::issue(s, &ctx.store, &ctx.shopper, now);
        secret.csrf.as_deref().map_or_else(String::new, issue)
    }
}
