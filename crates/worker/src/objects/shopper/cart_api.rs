//! The cart JSON API under `api/cart`, with `Idempotency-Key` replays.

use super::ShopperStorefront;
use super::cart_store::{Idempotent, Outcome};
use super::pages::Page;
use crate::respond;
use serde::Serialize;
use std::collections::HashMap;
use wandstore_core::cart::{
    CartCommand, CartError, CartLine, IDEMPOTENCY_CONFLICT_STATUS, IdempotencyCheck,
    IdempotencyKey, PricedLine, REPLAYED_HEADER, VariantInfo, item_count, reprice,
    request_fingerprint, subtotal,
};
use wandstore_core::money::{Currency, Money};
use worker::{Method, Response, Result};

#[derive(Serialize)]
struct MoneyJson {
    amount: String,
    currency: String,
    formatted: String,
}

impl From<Money> for MoneyJson {
    fn from(m: Money) -> Self {
        MoneyJson {
            amount: m.to_decimal_string(),
            currency: m.currency.as_str().to_owned(),
            formatted: m.to_string(),
        }
    }
}

#[derive(Serialize)]
struct LineJson {
    variant_id: String,
    product_handle: String,
    title: String,
    quantity: u32,
    unit_price: MoneyJson,
    line_total: Option<MoneyJson>,
    price_when_added: MoneyJson,
    price_changed: bool,
    available: bool,
}

#[derive(Serialize)]
struct CartJson {
    lines: Vec<LineJson>,
    item_count: u32,
    subtotal: Option<MoneyJson>,
}

fn cart_json(priced: &[PricedLine], currency: Currency) -> CartJson {
    let lines: Vec<CartLine> = priced.iter().map(|p| p.line.clone()).collect();
    CartJson {
        lines: priced
            .iter()
            .map(|p| LineJson {
                variant_id: p.line.variant_id.clone(),
                product_handle: p.product_handle.clone(),
                title: p.title.clone(),
                quantity: p.line.quantity,
                unit_price: p.unit_price.into(),
                line_total: p.line_total.clone().ok().map(Into::into),
                price_when_added: p.line.unit_price_when_added.into(),
                price_changed: p.price_changed.is_some(),
                available: !p.unavailable,
            })
            .collect(),
        item_count: item_count(&lines),
        subtotal: subtotal(priced, currency).ok().map(Into::into),
    }
}

/// The JSON answer to a cart command: the cart (200) or the rule that refused it.
fn command_response(
    result: &std::result::Result<Vec<CartLine>, CartError>,
    catalog: &HashMap<String, VariantInfo>,
    currency: Currency,
    rid: &str,
) -> (u16, String) {
    match result {
        Ok(lines) => (
            200,
            serde_json::to_string(&cart_json(&reprice(lines, catalog), currency)).unwrap_or_default(),
        ),
        Err(e) => (
            e.status(),
            serde_json::json!({ "error": { "code": e.code(), "message": e.to_string(), "request_id": rid, "variant_id": e.variant_id() } })
                .to_string(),
        ),
    }
}

impl ShopperStorefront {
    /// `GET api/cart` and `POST api/cart` (`{"op":…}`), JSON in and out. Writes may carry an
    /// `Idempotency-Key`: a replay answers the first result again and changes nothing.
    pub(super) async fn cart_api(
        &self,
        page: &Page<'_>,
        method: Method,
        body: &str,
        idempotency_key: Option<String>,
    ) -> Result<Response> {
        let rid = page.ctx.request_id.clone();
        let currency = page.currency();
        match method {
            Method::Get => {
                let (lines, catalog) = match self.stored_cart(page.ctx).await? {
                    Ok(found) => found,
                    Err(answer) => return Ok(api_unavailable(&answer, &rid)),
                };
                Ok(respond::json(
                    200,
                    &cart_json(&reprice(&lines, &catalog.info), currency),
                ))
            }
            Method::Post => {
                let cmd = match CartCommand::from_json(body.as_bytes()) {
                    Ok(c) => c,
                    Err(e) => {
                        return Ok(respond::json_error(
                            e.status(),
                            e.code(),
                            &e.to_string(),
                            &rid,
                        ));
                    }
                };
                let idempotent = match idempotency_key {
                    None => None,
                    Some(raw) => match IdempotencyKey::parse(&raw) {
                        Ok(key) => Some(Idempotent {
                            key,
                            fingerprint: request_fingerprint("POST", "/api/cart", body.as_bytes()),
                        }),
                        Err(e) => {
                            return Ok(respond::json_error(
                                e.status(),
                                e.code(),
                                &e.to_string(),
                                &rid,
                            ));
                        }
                    },
                };
                let catalog = match self.command_catalog(page.ctx, &cmd).await? {
                    Ok(c) => c,
                    Err(answer) => return Ok(api_unavailable(&answer, &rid)),
                };
                let info = catalog.info;
                let for_record = info.clone();
                let rid_for_record = rid.clone();
                let outcome =
                    self.run_cart_command(cmd, info.clone(), idempotent, move |result| {
                        command_response(result, &for_record, currency, &rid_for_record)
                    })?;
                Ok(match outcome {
                    Outcome::Replayed(record) => {
                        let mut resp = respond::bytes(
                            record.status,
                            "application/json",
                            record.body.into_bytes(),
                        );
                        resp.headers_mut().set(REPLAYED_HEADER, "true")?;
                        resp
                    }
                    Outcome::KeyConflict => respond::json_error(
                        IDEMPOTENCY_CONFLICT_STATUS,
                        "idempotency_key_reused",
                        IdempotencyCheck::CONFLICT_MESSAGE,
                        &rid,
                    ),
                    Outcome::Applied { lines } => {
                        let (status, body) = command_response(&Ok(lines), &info, currency, &rid);
                        respond::bytes(status, "application/json", body.into_bytes())
                    }
                    Outcome::Refused(e) => {
                        let (status, body) = command_response(&Err(e), &info, currency, &rid);
                        respond::bytes(status, "application/json", body.into_bytes())
                    }
                })
            }
            _ => Ok(respond::method_not_allowed("GET, POST", &rid)),
        }
    }
}

fn api_unavailable(answer: &super::catalog::Answer, rid: &str) -> Response {
    let mut resp = respond::json_error(
        503,
        "catalog_unavailable",
        "the store's catalog cannot be loaded right now",
        rid,
    );
    if let Some(retry) = &answer.retry_after {
        let _ = resp.headers_mut().set("retry-after", retry);
    }
    resp
}
