//! The private protocol between the Worker entry and the Durable Objects.
//!
//! Only the Worker can reach an object, so the headers set here are trusted by the objects;
//! the entry never forwards a client's own `x-wandstore-*` headers.

use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use worker::{Headers, Method, Request, RequestInit, RequestRedirect};

pub const STORE: &str = "x-wandstore-store";
pub const SHOPPER: &str = "x-wandstore-shopper";
pub const BASE: &str = "x-wandstore-base";
pub const REQUEST_ID: &str = "x-request-id";

pub const HOST: &str = "x-wandstore-host";
pub const ORIGIN: &str = "x-wandstore-origin";
/// How fresh a catalog answer was: `fresh`, `stale`, `miss` (a cold cache filled by this
/// request) or `local` (a shopper object's own copy). Passed up to the entry's log line.
pub const CACHE_HEADER: &str = "x-wandstore-cache";
pub const IF_VERSION: &str = "x-wandstore-if-version";

/// The StoreConfig route that answers a store's settings (what pages need).
pub const SETTINGS_PATH: &str = "/settings";
/// The StoreConfig route that creates a Shopify cart and answers its checkout URL.
pub const CHECKOUT_PATH: &str = "/checkout";
/// The shopper's IP and country as the edge saw them (for Shopify's buyer context).
pub const BUYER_IP: &str = "x-wandstore-buyer-ip";
pub const BUYER_COUNTRY: &str = "x-wandstore-buyer-country";
/// The StoreConfig route that reports how many requests the object has served (not counted).
pub const METRICS_PATH: &str = "/metrics";
/// The StoreConfig route for the whole record (platform admin only).
pub const RECORD_PATH: &str = "/record";

/// Who a request to a shopper's object is for.
pub struct ShopperContext {
    pub store: StoreSlug,
    pub shopper: ShopperId,
    pub base: String,
    /// `scheme://host[:port]` as the shopper reached the Worker (for canonical URLs).
    pub origin: String,
    pub request_id: String,
}

impl ShopperContext {
    pub fn from_headers(h: &Headers) -> Option<Self> {
        let get = |name| h.get(name).ok().flatten();
        Some(ShopperContext {
            store: StoreSlug::parse(&get(STORE)?).ok()?,
            shopper: ShopperId::parse(&get(SHOPPER)?)?,
            base: get(BASE)?,
            origin: get(ORIGIN).unwrap_or_default(),
            request_id: get(REQUEST_ID).unwrap_or_default(),
        })
    }

    pub fn write(&self, h: &Headers) -> worker::Result<()> {
        h.set(STORE, self.store.as_str())?;
        h.set(SHOPPER, self.shopper.as_str())?;
        h.set(BASE, &self.base)?;
        h.set(ORIGIN, &self.origin)?;
        h.set(REQUEST_ID, &self.request_id)
    }
}

/// A request to an object at `path` (the host is ignored by the runtime).
pub fn request(method: Method, path: &str, headers: Headers) -> worker::Result<Request> {
    with_body(method, path, headers, None)
}

/// A request to an object at `path` with an optional body.
pub fn with_body(
    method: Method,
    path: &str,
    headers: Headers,
    body: Option<String>,
) -> worker::Result<Request> {
    let mut init = RequestInit::new();
    // An object's redirect (a 303 after a form post) is for the browser, not for the Worker.
    init.with_method(method)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual);
    if let Some(body) = body {
        init.with_body(Some(body.into()));
    }
    Request::new_with_init(&format!("https://object.internal{path}"), &init)
}
