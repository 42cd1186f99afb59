//! Checkout hand-off: a Shopify cart from the shopper's lines (`cartCreate`), answered with
//! its checkout URL. Sent once (it is not idempotent) through the guarded call, so an open
//! breaker refuses it at once. The storefront token never leaves this object; the request
//! and the refusals are `wandstore_protocol::shopify_calls`'.

use super::StoreState;
use crate::upstream;
use wandstore_core::guarded::{GuardedCall, RetryPolicy};
use wandstore_protocol::shopify_calls::{checkout_failed, checkout_request, config_unavailable};
use wandstore_protocol::store::{CheckoutOrder, CheckoutStarted, StoreError, UpstreamStats};
use wandstore_shopify::parse_cart_create;

pub async fn start(s: &StoreState, order: &CheckoutOrder) -> Result<CheckoutStarted, StoreError> {
    let config =
        s.existing_record()?
            .shop_config()
            .map_err(|e| StoreError::CheckoutUnavailable {
                why: config_unavailable(e),
            })?;
    let (config, request) = checkout_request(config, order)?;
    let mut call = GuardedCall::new(RetryPolicy::default().once());
    let mut stats = UpstreamStats::default();
    let cart = upstream::guarded(&mut call, s, &request, &mut stats, |resp| {
        parse_cart_create(&config, resp)
    })
    .await
    .map_err(checkout_failed)?;
    Ok(CheckoutStarted {
        checkout_url: cart.checkout_url,
        total_quantity: cart.total_quantity,
        upstream: stats,
    })
}
