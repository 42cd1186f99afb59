//! Storefront API authentication as Shopify does it: a private token
//! (`Shopify-Storefront-Private-Token`) or a public one (`X-Shopify-Storefront-Access-Token`)
//! selects the shop. All shops share one host:port locally, so the token is the tenant key.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::ShopTokens;
use crate::catalog::{Catalog, Shop};

pub const PRIVATE_TOKEN_HEADER: &str = "shopify-storefront-private-token";
pub const PUBLIC_TOKEN_HEADER: &str = "x-shopify-storefront-access-token";
/// Shopify's body for a missing or wrong token (HTTP 401).
pub const UNAUTHORIZED_BODY: &str =
    r#"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#;

/// Token → shop lookups.
pub struct Auth {
    private: HashMap<String, Arc<Shop>>,
    public: HashMap<String, Arc<Shop>>,
}

impl Auth {
    /// Checks that every token is non-empty, unique, and names a shop of the catalog.
    pub fn new(catalog: &Catalog, tokens: &[ShopTokens]) -> Result<Auth, String> {
        let mut private = HashMap::new();
        let mut public = HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for t in tokens {
            let shop = catalog
                .shop(&t.shop)
                .ok_or_else(|| format!("unknown shop {:?} in token configuration", t.shop))?;
            for token in [&t.private_token, &t.public_token] {
                if token.trim().is_empty() {
                    return Err(format!("empty token for shop {:?}", t.shop));
                }
                if !seen.insert(token.clone()) {
                    return Err(format!("token for shop {:?} is used twice", t.shop));
                }
            }
            private.insert(t.private_token.clone(), shop.clone());
            public.insert(t.public_token.clone(), shop.clone());
        }
        Ok(Auth { private, public })
    }

    /// The shop a request's token selects. A private-token header, when present, decides alone.
    pub fn shop_for(&self, headers: &HeaderMap) -> Option<Arc<Shop>> {
        let value = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        if let Some(token) = value(PRIVATE_TOKEN_HEADER) {
            return self.private.get(token).cloned();
        }
        value(PUBLIC_TOKEN_HEADER).and_then(|token| self.public.get(token).cloned())
    }
}

/// HTTP 401 with Shopify's error body.
pub fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        UNAUTHORIZED_BODY,
    )
        .into_response()
}
