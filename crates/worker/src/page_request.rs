//! What every page handler gets: who is asking, at which store, with which query; and the
//! store's frame for its pages and errors.

use crate::respond::{self, Audience};
use std::sync::Arc;
use wandstore_core::catalog_index::ListingQuery;
use wandstore_core::store::StoreSettings;
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::ShopperContext;
use wandstore_render::Chrome;
use wandstore_theme::Theme;
use worker::Response;

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
    pub fn chrome(&self) -> Chrome {
        let canonical = format!("{}{}", self.ctx.origin, self.ctx.base.trim_end_matches('/'));
        let chrome = Chrome::for_store(self.store, &self.ctx.base, &self.ctx.request_id)
            .with_theme(Arc::clone(&self.theme))
            .with_canonical_base(&canonical)
            .with_cart_count(self.cart_count);
        match (self.ctx.preview, &self.ctx.script_nonce) {
            (true, Some(nonce)) => chrome.with_preview().with_live_refresh(nonce),
            (true, None) => chrome.with_preview(),
            (false, _) => chrome,
        }
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The error as a themed page in the store's frame.
    pub fn error(&self, e: &EdgeError) -> Response {
        respond::error(e, Audience::page(self.chrome()), &self.ctx.request_id)
    }

    /// The listing the query asks for (`sort`, `page`, `size`), or a 400.
    pub fn listing_query(&self) -> Result<ListingQuery, EdgeError> {
        ListingQuery::parse(self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|m| EdgeError::bad_request("bad_query", format!("{m}.")))
    }
}
