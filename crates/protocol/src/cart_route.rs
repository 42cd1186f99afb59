//! Which cart request a shopper's request asks, decided before the cart is touched: the cart
//! page, the JSON API (its body and `Idempotency-Key` read by `CartRequest::api`), a cart
//! form post or the checkout hand-off (both only with this shopper's valid CSRF token).
//! Routes that are not the cart's ask none; a refused request is the error to answer.

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::EdgeError;
use crate::cart_run::CartRequest;
use crate::shopper::ShopperContext;
use wandstore_core::csrf;
use wandstore_core::routes::StoreRoute;

/// What the request carried, and what a form's check needs.
#[derive(Debug, Clone, Copy)]
pub struct Posted<'a> {
    /// The method was `POST`.
    pub post: bool,
    pub body: &'a str,
    pub content_type: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
    /// The deployment's CSRF secret (empty: every form post is refused).
    pub csrf_secret: &'a [u8],
    pub now_ms: u64,
}

/// The cart request `route` asks (`None`: not a cart route), or why it is refused.
pub fn cart_request(
    route: &StoreRoute,
    posted: &Posted,
    ctx: &ShopperContext,
) -> Option<Result<CartRequest, EdgeError>> {
    Some(match route {
        StoreRoute::Cart => Ok(CartRequest::Page),
        StoreRoute::CartApi => CartRequest::api(
            posted.post,
            posted.content_type,
            posted.body,
            posted.idempotency_key,
        ),
        StoreRoute::CartForm(action) => {
            checked_form(posted, ctx).map(|fields| CartRequest::form(*action, fields, ctx))
        }
        StoreRoute::Checkout => checked_form(posted, ctx).map(|_| CartRequest::checkout(ctx)),
        _ => return None,
    })
}

/// The fields of a form post, if it carries this shopper's valid CSRF token; otherwise the
/// 403 to send.
pub fn checked_form(
    posted: &Posted,
    ctx: &ShopperContext,
) -> Result<Vec<(String, String)>, EdgeError> {
    let (secret, body, now) = (posted.csrf_secret, posted.body, posted.now_ms);
    csrf::checked_form(secret, body, &ctx.store, &ctx.shopper, now)
        .map_err(|e| EdgeError::new(403, "csrf", e.to_string()))
}

#[cfg(test)]
#[path = "cart_route_tests.rs"]
mod tests;
