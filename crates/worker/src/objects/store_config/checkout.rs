//! Checkout hand-off: `POST /checkout` turns the shopper's lines into a Shopify cart with
//! `cartCreate` and answers its checkout URL. The storefront token never leaves this object.

use super::Inner;
use crate::{respond, upstream};
use serde::Deserialize;
use wandstore_core::breaker::Decision;
use wandstore_shopify::{
    CartLine, CountryCode, ShopifyError, cart_create_request, parse_cart_create,
};
use worker::{Request, Response, Result};

#[derive(Deserialize)]
struct LineIn {
    variant_id: String,
    quantity: u32,
}

#[derive(Deserialize)]
struct CheckoutRequest {
    lines: Vec<LineIn>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    buyer_ip: Option<String>,
}

pub async fn handle(inner: &Inner, mut req: Request, rid: &str) -> Result<Response> {
    let body: CheckoutRequest = match req.json().await {
        Ok(b) => b,
        Err(e) => {
            return Ok(respond::json_error(
                400,
                "bad_request",
                &format!("unreadable checkout: {e}"),
                rid,
            ));
        }
    };
    let Some(record) = inner.load_record()? else {
        return Ok(respond::json_error(
            404,
            "store_not_found",
            "there is no such store",
            rid,
        ));
    };
    let mut config = match record.shop_config() {
        Ok(c) => c,
        Err(e) => {
            return Ok(respond::json_error(
                503,
                "shopify_config",
                &e.to_string(),
                rid,
            ));
        }
    };
    // The buyer's IP lets Shopify apply its bot protection per buyer; an unusable one is dropped.
    if let Some(ip) = body.buyer_ip.as_deref() {
        config = match config.clone().with_buyer_ip(ip) {
            Ok(c) => c,
            Err(_) => config,
        };
    }
    let country = body
        .country
        .as_deref()
        .and_then(|c| CountryCode::parse(c).ok());
    let lines: Vec<CartLine> = body
        .lines
        .into_iter()
        .map(|l| CartLine {
            variant_id: l.variant_id,
            quantity: l.quantity,
        })
        .collect();
    let request = match cart_create_request(&config, &lines, country.as_ref()) {
        Ok(r) => r,
        Err(e) => return Ok(respond::json_error(422, e.code(), &e.to_string(), rid)),
    };

    let now = || worker::Date::now().as_millis();
    let mut breaker = inner.breaker()?;
    let decision = breaker.allow(now());
    inner.save_breaker(&breaker)?;
    if let Decision::Reject { retry_after_ms } = decision {
        return Ok(unavailable(
            "breaker_open",
            "checkout is paused while the store's Shopify connection recovers",
            retry_after_ms,
            rid,
        ));
    }
    // cartCreate is not idempotent, so it is sent once; the shopper can simply try again.
    let outcome = match upstream::execute(&request).await {
        Ok(resp) => parse_cart_create(&config, &resp),
        Err(transport) => Err(ShopifyError::from(transport)),
    };
    let mut breaker = inner.breaker()?;
    match &outcome {
        Err(e) if e.trips_breaker() => breaker.on_failure(now()),
        _ => breaker.on_success(now()),
    }
    inner.save_breaker(&breaker)?;
    match outcome {
        Ok(cart) => Ok(respond::json(
            200,
            &serde_json::json!({ "checkout_url": cart.checkout_url, "total_quantity": cart.total_quantity }),
        )),
        Err(ShopifyError::UserErrors(errors)) => {
            let message = errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            Ok(respond::json_error(422, "checkout_refused", &message, rid))
        }
        Err(e) => Ok(unavailable(
            e.code(),
            &e.to_string(),
            e.retry_after_ms().unwrap_or(30_000),
            rid,
        )),
    }
}

fn unavailable(code: &str, message: &str, retry_after_ms: u64, rid: &str) -> Response {
    let secs = retry_after_ms.div_ceil(1000).max(1);
    let mut resp = respond::json_error_with(
        503,
        "checkout_unavailable",
        message,
        rid,
        serde_json::json!({ "cause": code, "retry_after_secs": secs }),
    );
    let _ = resp.headers_mut().set("retry-after", &secs.to_string());
    resp
}
