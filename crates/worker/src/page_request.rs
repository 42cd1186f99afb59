//! What every page handler gets: who is asking, at which store, with which query; and the
//! store's frame for its pages and errors.

use crate::respond::{self, Audience};
use std::sync::Arc;
use wandstore_core::csrf;
use wandstore_core::store::StoreSettings;
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::ShopperContext;
use wandstore_render::Chrome;
use wandstore_render::listing_pages as listing;
use wandstore_theme::Theme;
use worker::{Env, Response};

pub struct PageRequest<'a> {
    pub ctx: &'a ShopperContext,
    pub store: &'a StoreSettings,
    /// The owner's personalization settings (from the 5 s snapshot).
    pub personalization: &'a wandstore_ai::settings::PersonalizationSettings,
    /// The published theme, or the draft on a preview page.
    pub theme: Arc<Theme>,
    pub query: &'a [(String, String)],
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

    pub fn param(&self, name: &str) -> Option<&str> {
        listing::param(self.query, name)
    }

    /// The CSRF token for this shopper's forms (empty if the deployment has no secret, in
    /// which case every form post is refused).
    pub fn csrf_token(&self, env: &Env) -> String {
        let (ctx, now) = (self.ctx, crate::clock::now_ms());
        let secret = crate::env_config::platform(env);
        let issue = |s: &[u8]| csrf::issue(s, &ctx.store, &ctx.shopper, now);
        secret.csrf.as_deref().map_or_else(String::new, issue)
    }

    /// The error as a themed page in the store's frame.
    pub fn error(&self, e: &EdgeError) -> Response {
        respond::error(e, Audience::page(self.chrome()), &self.ctx.request_id)
    }
}
