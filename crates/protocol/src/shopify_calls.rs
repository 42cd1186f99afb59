//! StoreConfig's Shopify calls as values: the checkout's `cartCreate` request built from an
//! order, and how an unusable connection or a failed guarded call (sync page or checkout) is
//! refused (the object only runs the guarded call); and what the shopper's cart page says
//! when a checkout could not start.

use crate::EdgeError;
use crate::store::{
    CheckoutOrder, CheckoutStarted, StoreError, SyncReport, Unavailable, UpstreamStats,
};
use crate::wire::AskError;
use std::fmt::Display;
use wandstore_core::cart::PricedLine;
use wandstore_core::catalog::{Collection, Product};
use wandstore_core::catalog_index::CatalogIndex;
use wandstore_core::guarded::{GuardFailure, RetryPolicy};
use wandstore_core::guarded_run::{Exchange, GuardedRun, RunResult, Sent};
use wandstore_core::http::{HttpRequest, HttpResponse};
use wandstore_registry::StoreRecord;
use wandstore_shopify::{
    CartLine, CatalogSync, CountryCode, CreatedCart, ShopConfig, ShopifyError, SyncOutcome,
    cart_create_request, parse_cart_create,
};
use wandstore_storage::{Write, keyed, plans};

/// A catalog sync of the store `record` describes, as one guarded run (`record`'s connection
/// unusable: refused before anything is sent).
pub fn sync_run(
    record: &StoreRecord,
    product_cap: usize,
    collection_cap: usize,
    policy: RetryPolicy,
) -> Result<GuardedRun<CatalogSync>, StoreError> {
    let config = record
        .shop_config()
        .map_err(|e| StoreError::CatalogUnavailable {
            why: config_unavailable(e),
        })?;
    let sync = CatalogSync::new(config, product_cap, collection_cap);
    Ok(GuardedRun::new(sync, policy))
}

/// A finished sync's catalog, to cache, and its report.
#[derive(Debug)]
pub struct SyncedCatalog {
    pub products: Vec<Product>,
    pub collections: Vec<Collection>,
    pub report: SyncReport,
}

/// A finished sync as StoreConfig caches it: the writes replacing the cached catalog (one
/// transaction), the index to answer from, and the report.
#[derive(Debug)]
pub struct CachedCatalog {
    pub writes: Vec<Write>,
    pub index: CatalogIndex,
    pub report: SyncReport,
}

impl SyncedCatalog {
    /// The catalog cached at `now_ms`: its rows in catalog order, the sync's time and whether
    /// it was truncated (`storage::plans::replace_catalog`), and the index built from it.
    pub fn to_cache(self, now_ms: u64) -> Result<CachedCatalog, StoreError> {
        let unwritable = |e: serde_json::Error| StoreError::Internal {
            message: format!("a synced catalog item does not serialize: {e}"),
        };
        let products = keyed(&self.products, |p| &p.handle).map_err(unwritable)?;
        let collections = keyed(&self.collections, |c| &c.handle).map_err(unwritable)?;
        let truncated = self.report.truncated;
        Ok(CachedCatalog {
            writes: plans::replace_catalog(products, collections, truncated, now_ms),
            index: CatalogIndex::new(self.products, self.collections),
            report: self.report,
        })
    }
}

/// How a sync run ended (`took_ms` since it started): the catalog to cache, or why not.
pub fn sync_finished(
    run: GuardedRun<CatalogSync>,
    result: RunResult<ShopifyError>,
    took_ms: u64,
) -> Result<SyncedCatalog, StoreError> {
    result.map_err(sync_failed)?;
    let upstream = stats(run.sent);
    let (products, collections) = run.exchange.finish().map_err(|e| sync_unfinished(&e))?;
    Ok(SyncedCatalog {
        report: sync_report(&products, &collections, took_ms, upstream),
        products: products.items,
        collections: collections.items,
    })
}

fn stats(sent: Sent) -> UpstreamStats {
    UpstreamStats {
        calls: sent.calls,
        ms: sent.ms,
    }
}

/// The checkout's one `cartCreate`, as an exchange: sent once, its answer kept.
#[derive(Debug)]
pub struct CartCreate {
    config: ShopConfig,
    request: Option<HttpRequest>,
    cart: Option<CreatedCart>,
}

impl Exchange for CartCreate {
    type Error = ShopifyError;
    fn next_request(&mut self) -> Option<HttpRequest> {
        self.request.take()
    }
    fn on_response(&mut self, response: &HttpResponse) -> Result<(), ShopifyError> {
        self.cart = Some(parse_cart_create(&self.config, response)?);
        Ok(())
    }
}

/// The checkout hand-off for `order` as one guarded run, sent once (it is not idempotent, so
/// an open breaker refuses it at once). An unusable connection or an order Shopify would
/// refuse is refused before anything is sent.
pub fn checkout_run(
    record: &StoreRecord,
    order: &CheckoutOrder,
) -> Result<GuardedRun<CartCreate>, StoreError> {
    let config = record
        .shop_config()
        .map_err(|e| StoreError::CheckoutUnavailable {
            why: config_unavailable(e),
        })?;
    let (config, request) = checkout_request(config, order)?;
    let call = CartCreate {
        config,
        request: Some(request),
        cart: None,
    };
    Ok(GuardedRun::new(call, RetryPolicy::default().once()))
}

/// How a checkout run ended: where to send the shopper, or why not.
pub fn checkout_finished(
    run: GuardedRun<CartCreate>,
    result: RunResult<ShopifyError>,
) -> Result<CheckoutStarted, StoreError> {
    result.map_err(checkout_failed)?;
    let cart = run.exchange.cart.ok_or_else(|| StoreError::Internal {
        message: "a finished checkout left no cart".into(),
    })?;
    Ok(CheckoutStarted {
        checkout_url: cart.checkout_url,
        total_quantity: cart.total_quantity,
        upstream: stats(run.sent),
    })
}

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
