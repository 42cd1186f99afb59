//! Checkout hand-off: a Shopify cart from the shopper's lines (`cartCreate`), answered with
//! its checkout URL. Sent once (it is not idempotent) through the guarded call, so an open
//! breaker refuses it at once. The storefront token never leaves this object.

use super::sync::unavailable;
use super::{StoreState, internal};
use crate::upstream;
use wandstore_core::guarded::{GuardFailure, GuardedCall, RetryPolicy};
use wandstore_protocol::store::{
    CheckoutOrder, CheckoutStarted, StoreError, Unavailable, UpstreamStats,
};
use wandstore_shopify::{
    CartLine, CountryCode, ShopifyError, cart_create_request, parse_cart_create,
};

pub async fn start(s: &StoreState, order: &CheckoutOrder) -> Result<CheckoutStarted, StoreError> {
    let record = s
        .load_record()
        .map_err(internal)?
        .ok_or(StoreError::NotFound)?;
    let mut config = record
        .shop_config()
        .map_err(|e| StoreError::CheckoutUnavailable {
            why: Unavailable {
                cause: "shopify_config".into(),
                message: e.to_string(),
                retry_after_secs: 30,
            },
        })?;
    // The buyer's IP lets Shopify apply its bot protection per buyer; an unusable one is dropped.
    if let Some(ip) = order.buyer_ip.as_deref() {
        config = config.clone().with_buyer_ip(ip).unwrap_or(config);
    }
    let country = order
        .country
        .as_deref()
        .and_then(|c| CountryCode::parse(c).ok());
    let lines: Vec<CartLine> = order
        .lines
        .iter()
        .map(|l| CartLine {
            variant_id: l.variant_id.clone(),
            quantity: l.quantity,
        })
        .collect();
    let request = cart_create_request(&config, &lines, country.as_ref()).map_err(|e| {
        StoreError::CheckoutRefused {
            message: e.to_string(),
        }
    })?;
    let mut call = GuardedCall::new(RetryPolicy::default().once());
    let mut stats = UpstreamStats::default();
    let cart = upstream::guarded(&mut call, s, &request, &mut stats, |resp| {
        parse_cart_create(&config, resp)
    })
    .await
    .map_err(|failure| match failure {
        GuardFailure::Upstream(ShopifyError::UserErrors(errors)) => StoreError::CheckoutRefused {
            message: errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        },
        GuardFailure::BreakerOpen { .. } => StoreError::CheckoutUnavailable {
            why: Unavailable {
                message: "checkout is paused while the store's Shopify connection recovers".into(),
                ..unavailable(failure)
            },
        },
        other => StoreError::CheckoutUnavailable {
            why: unavailable(other),
        },
    })?;
    Ok(CheckoutStarted {
        checkout_url: cart.checkout_url,
        total_quantity: cart.total_quantity,
        upstream: stats,
    })
}
