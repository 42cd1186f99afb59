//! StoreConfig's Shopify calls as values: the checkout's `cartCreate` request built from an
//! order, and how an unusable connection or a failed guarded call (sync page or checkout) is
//! refused (the object only runs the guarded call); and what the shopper's cart page says
//! when a checkout could not start.

use crate::EdgeError;
use crate::store::{CheckoutOrder, StoreError, SyncReport, Unavailable, UpstreamStats};
use crate::wire::AskError;
use std::fmt::Display;
use wandstore_core::cart::PricedLine;
use wandstore_core::guarded::GuardFailure;
use wandstore_core::http::HttpRequest;
use wandstore_shopify::{
    CartLine, CountryCode, ShopConfig, ShopifyError, SyncOutcome, cart_create_request,
};

/// The store's Shopify connection cannot be used (its record does not make a valid config).
pub fn config_unavailable(e: impl Display) -> Unavailable {
    Unavailable {
        cause: "shopify_config".into(),
        message: e.to_string(),
        retry_after_secs: 30,
    }
}

/// A failed guarded call: an open breaker or the upstream's own failure.
pub fn unavailable(failure: GuardFailure<ShopifyError>) -> Unavailable {
    match failure {
        GuardFailure::BreakerOpen { retry_after_ms } => Unavailable::breaker_open(retry_after_ms),
        GuardFailure::Upstream(e) => upstream(&e),
    }
}

fn upstream(e: &ShopifyError) -> Unavailable {
    Unavailable::upstream(e.code(), e.to_string(), e.retry_after_ms())
}

/// A sync that could not fetch a page.
pub fn sync_failed(failure: GuardFailure<ShopifyError>) -> StoreError {
    StoreError::CatalogUnavailable {
        why: unavailable(failure),
    }
}

/// A sync whose pages came but could not be made a catalog.
pub fn sync_unfinished(e: &ShopifyError) -> StoreError {
    StoreError::CatalogUnavailable { why: upstream(e) }
}

/// What a finished sync reports: what it cached, whether the product cap cut the catalog
/// short (the collection cap is far above any shop's), and what it cost upstream.
pub fn sync_report<P, C>(
    products: &SyncOutcome<P>,
    collections: &SyncOutcome<C>,
    duration_ms: u64,
    upstream: UpstreamStats,
) -> SyncReport {
    SyncReport {
        products: products.items.len(),
        collections: collections.items.len(),
        truncated: products.truncated,
        skipped: products.skipped.len(),
        duration_ms,
        upstream,
    }
}

/// The checkout's `cartCreate` request and the config it was built with (the buyer's IP
/// lets Shopify apply its bot protection per buyer; an unusable IP or country is dropped).
/// An order Shopify would refuse (no lines, bad ids or quantities) is refused here.
pub fn checkout_request(
    config: ShopConfig,
    order: &CheckoutOrder,
) -> Result<(ShopConfig, HttpRequest), StoreError> {
    let config = match order.buyer_ip.as_deref() {
        Some(ip) => config.clone().with_buyer_ip(ip).unwrap_or(config),
        None => config,
    };
    let country = (order.country.as_deref()).and_then(|c| CountryCode::parse(c).ok());
    let lines: Vec<CartLine> = (order.lines.iter())
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
    Ok((config, request))
}

/// A failed checkout: Shopify's refusal of the cart (its messages, for the shopper), or the
/// checkout unavailable for now.
pub fn checkout_failed(failure: GuardFailure<ShopifyError>) -> StoreError {
    match failure {
        GuardFailure::Upstream(ShopifyError::UserErrors(errors)) => StoreError::CheckoutRefused {
            message: (errors.iter().map(|e| e.message.as_str()))
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
    }
}

/// The cart page's answer to a checkout that could not start (the cart is unchanged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutFailure {
    pub status: u16,
    pub message: String,
    pub retry_after_secs: Option<u64>,
}

/// The order for a priced cart (its lines that can be bought now), or the cart page's 422
/// when there are none: nothing is asked of Shopify then.
pub fn checkout_order(
    priced: &[PricedLine],
    buyer_ip: Option<String>,
    country: Option<String>,
) -> Result<CheckoutOrder, CheckoutFailure> {
    let order = CheckoutOrder::new(priced, buyer_ip, country);
    if order.lines.is_empty() {
        return Err(CheckoutFailure {
            status: 422,
            message: "Your cart has nothing that can be bought right now.".into(),
            retry_after_secs: None,
        });
    }
    Ok(order)
}

/// Shopify refused the cart: a 422 saying why; anything else: a 503 to retry later.
pub fn checkout_failure(e: AskError<StoreError>) -> CheckoutFailure {
    if let AskError::Refused(StoreError::CheckoutRefused { message }) = e {
        return CheckoutFailure {
            status: 422,
            message: format!("Checkout was refused: {message}. Your cart is unchanged."),
            retry_after_secs: None,
        };
    }
    CheckoutFailure {
        status: 503,
        message: "Checkout is unavailable right now; your cart is unchanged. Please try again in a moment.".into(),
        retry_after_secs: EdgeError::from(e).retry_after_secs,
    }
}

#[cfg(test)]
#[path = "shopify_calls_tests.rs"]
mod tests;
