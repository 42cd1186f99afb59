//! The cart as shoppers use it: the cart page, the HTML form posts (CSRF-checked, answered
//! with 303), the JSON API under `api/cart` (with `Idempotency-Key`), and the checkout hand-off.

use super::ShopperStorefront;
use super::cart_store::{Idempotent, Outcome};
use super::pages::Page;
use crate::internal::ShopperContext;
use crate::objects::store_client;
use crate::respond;
use serde::Serialize;
use std::collections::HashMap;
use wandstore_core::cart::{
    CartCommand, CartError, CartLine, IDEMPOTENCY_CONFLICT_STATUS, IdempotencyCheck,
    IdempotencyKey, PricedLine, REPLAYED_HEADER, VariantInfo, item_count, reprice,
    request_fingerprint, subtotal,
};
use wandstore_core::catalog::Image;
use wandstore_core::catalog_index::VariantHit;
use wandstore_core::csrf;
use wandstore_core::money::{Currency, Money};
use wandstore_render::{CartPage, Flash};
use worker::{Method, Response, Result};

/// What the catalog says about the variants a cart refers to.
pub struct CartCatalog {
    pub info: HashMap<String, VariantInfo>,
    pub images: HashMap<String, Image>,
}

/// Cart notices that a redirect may ask the cart page to show (never free text).
const NOTICES: [(&str, &str); 4] = [
    ("added", "Added to your cart."),
    ("updated", "Your cart was updated."),
    ("removed", "Removed from your cart."),
    ("cleared", "Your cart is empty now."),
];

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

impl Page<'_> {
    fn currency(&self) -> Currency {
        Currency::parse(&self.store.currency).unwrap_or(Currency::USD)
    }
}

impl ShopperStorefront {
    /// The CSRF token for this shopper's forms (empty if the deployment has no secret, in
    /// which case every form post is refused).
    pub(super) fn csrf_token(&self, ctx: &ShopperContext) -> String {
        crate::env_config::csrf_secret(&self.env)
            .map(|secret| {
                csrf::issue(
                    &secret,
                    &ctx.store,
                    &ctx.shopper,
                    worker::Date::now().as_millis(),
                )
            })
            .unwrap_or_default()
    }

    /// Catalog facts for these variant ids (unknown ids are simply absent).
    pub(super) async fn cart_catalog(
        &self,
        ctx: &ShopperContext,
        ids: impl IntoIterator<Item = String>,
    ) -> Result<std::result::Result<CartCatalog, super::catalog::Answer>> {
        let mut ids: Vec<String> = ids.into_iter().collect();
        ids.sort();
        ids.dedup();
        let mut catalog = CartCatalog {
            info: HashMap::new(),
            images: HashMap::new(),
        };
        if ids.is_empty() {
            return Ok(Ok(catalog));
        }
        let path = super::pages::catalog_path("/catalog/variants", &[("ids", ids.join(","))])?;
        let answer = self.catalog(ctx, &path).await?;
        if answer.status != 200 {
            return Ok(Err(answer));
        }
        let hits: Vec<VariantHit> = answer.json()?;
        for hit in hits {
            if let Some(image) = hit
                .variant
                .image
                .clone()
                .or_else(|| hit.product_image.clone())
            {
                catalog.images.insert(hit.variant.id.clone(), image);
            }
            catalog
                .info
                .insert(hit.variant.id.clone(), VariantInfo::from(hit));
        }
        Ok(Ok(catalog))
    }

    /// The stored cart with catalog facts for its lines.
    async fn stored_cart(
        &self,
        ctx: &ShopperContext,
    ) -> Result<std::result::Result<(Vec<CartLine>, CartCatalog), super::catalog::Answer>> {
        let lines = self.cart_lines()?;
        let ids: Vec<String> = lines.iter().map(|l| l.variant_id.clone()).collect();
        Ok(self
            .cart_catalog(ctx, ids)
            .await?
            .map(|catalog| (lines, catalog)))
    }

    /// Catalog facts for the cart's lines and the variant a command names.
    async fn command_catalog(
        &self,
        ctx: &ShopperContext,
        cmd: &CartCommand,
    ) -> Result<std::result::Result<CartCatalog, super::catalog::Answer>> {
        let ids = self
            .cart_lines()?
            .into_iter()
            .map(|l| l.variant_id)
            .chain(cmd.variant_id().map(|v| v.as_str().to_owned()));
        self.cart_catalog(ctx, ids).await
    }

    /// `GET cart`
    pub(super) async fn cart_page(
        &self,
        page: &Page<'_>,
        status: u16,
        flash: Option<Flash>,
    ) -> Result<Response> {
        let (lines, catalog) = match self.stored_cart(page.ctx).await? {
            Ok(found) => found,
            Err(answer) => return Ok(page.failed(&answer, "your cart")),
        };
        let currency = page.currency();
        let priced = reprice(&lines, &catalog.info);
        let mut chrome = page.chrome().with_cart_count(item_count(&lines));
        let notice = page
            .param("notice")
            .and_then(|n| NOTICES.iter().find(|(k, _)| *k == n))
            .map(|(_, m)| Flash::success(m));
        if let Some(flash) = flash.or(notice) {
            chrome = chrome.with_flash(flash);
        }
        let view = CartPage {
            chrome,
            lines: priced
                .iter()
                .map(|p| {
                    let info = catalog.info.get(&p.line.variant_id);
                    wandstore_render::CartLine {
                        variant_id: p.line.variant_id.clone(),
                        product_handle: p.product_handle.clone(),
                        product_title: info
                            .map_or_else(|| p.title.clone(), |i| i.product_title.clone()),
                        variant_title: info.map(|i| i.variant_title.clone()).unwrap_or_default(),
                        image: catalog.images.get(&p.line.variant_id).cloned(),
                        quantity: p.line.quantity,
                        unit_price: p.unit_price,
                        price_when_added: p.line.unit_price_when_added,
                        line_total: p.line_total.clone().unwrap_or(p.unit_price),
                        available: !p.unavailable,
                    }
                })
                .collect(),
            subtotal: subtotal(&priced, currency).unwrap_or(Money::zero(currency)),
            csrf: self.csrf_token(page.ctx),
        };
        let mut resp = respond::html(status, view.html());
        resp.headers_mut()
            .set("cache-control", "private, no-store")?;
        Ok(resp)
    }

    /// `POST cart/{add,update,remove,clear}`: checked against the shopper's CSRF token, then
    /// 303 to the cart; a refused change shows the cart with the reason.
    pub(super) async fn cart_form(
        &self,
        page: &Page<'_>,
        action: &str,
        body: &str,
    ) -> Result<Response> {
        let fields = match self.checked_form(page, body) {
            Ok(fields) => fields,
            Err(refused) => return Ok(refused),
        };
        let op = match action {
            "add" => "add",
            "update" => "set_quantity",
            "remove" => "remove",
            _ => "clear",
        };
        let pairs = fields
            .iter()
            .filter(|(k, _)| k != "op")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(std::iter::once(("op", op)));
        let cmd = match CartCommand::from_form(pairs) {
            Ok(c) => c,
            Err(e) => {
                return self
                    .cart_page(page, e.status(), Some(Flash::error(&e.to_string())))
                    .await;
            }
        };
        let catalog = match self.command_catalog(page.ctx, &cmd).await? {
            Ok(c) => c,
            Err(answer) => return Ok(page.failed(&answer, "your cart")),
        };
        match self.run_cart_command(cmd, catalog.info, None, |_| (0, String::new()))? {
            Outcome::Refused(e) => {
                self.cart_page(page, e.status(), Some(Flash::error(&e.to_string())))
                    .await
            }
            _ => {
                let notice = match action {
                    "add" => "added",
                    "update" => "updated",
                    "remove" => "removed",
                    _ => "cleared",
                };
                Ok(see_other(&format!("{}cart?notice={notice}", page.ctx.base)))
            }
        }
    }

    /// The fields of a form post, if it carries this shopper's valid CSRF token; otherwise
    /// the 403 page to send.
    fn checked_form(
        &self,
        page: &Page<'_>,
        body: &str,
    ) -> std::result::Result<Vec<(String, String)>, Response> {
        let fields: Vec<(String, String)> = worker::url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        let token = fields
            .iter()
            .find(|(k, _)| k == csrf::FORM_FIELD)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        let secret = crate::env_config::csrf_secret(&self.env).unwrap_or_default();
        csrf::verify(
            &secret,
            token,
            &page.ctx.store,
            &page.ctx.shopper,
            worker::Date::now().as_millis(),
        )
        .map_err(|e| page.error(403, "This form has expired", &e.to_string()))?;
        Ok(fields)
    }

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

    /// `POST checkout`: Shopify's `cartCreate` with the available lines, then 303 to its
    /// checkout. If that fails the cart stays as it is and the cart page says what happened.
    pub(super) async fn checkout(
        &self,
        page: &Page<'_>,
        body: &str,
        buyer: (Option<String>, Option<String>),
    ) -> Result<Response> {
        if let Err(refused) = self.checked_form(page, body) {
            return Ok(refused);
        }
        let (lines, catalog) = match self.stored_cart(page.ctx).await? {
            Ok(found) => found,
            Err(answer) => return Ok(page.failed(&answer, "your cart")),
        };
        let checkout_lines: Vec<serde_json::Value> = reprice(&lines, &catalog.info)
            .iter()
            .filter(|p| !p.unavailable)
            .map(|p| serde_json::json!({ "variant_id": p.line.variant_id, "quantity": p.line.quantity }))
            .collect();
        if checkout_lines.is_empty() {
            return self
                .cart_page(
                    page,
                    422,
                    Some(Flash::error(
                        "Your cart has nothing that can be bought right now.",
                    )),
                )
                .await;
        }
        let request =
            serde_json::json!({ "lines": checkout_lines, "buyer_ip": buyer.0, "country": buyer.1 });
        let mut resp = store_client::checkout(
            &self.env,
            &page.ctx.store,
            &page.ctx.request_id,
            &request.to_string(),
        )
        .await?;
        let status = resp.status_code();
        let answer: serde_json::Value = resp.json().await.unwrap_or_default();
        match (status, answer["checkout_url"].as_str()) {
            (200, Some(url)) => Ok(see_other(url)),
            (422, _) => {
                let why = answer["error"]["message"]
                    .as_str()
                    .unwrap_or("the store refused these items");
                self.cart_page(
                    page,
                    422,
                    Some(Flash::error(&format!(
                        "Checkout was refused: {why}. Your cart is unchanged."
                    ))),
                )
                .await
            }
            _ => {
                let mut resp = self
                    .cart_page(page, 503, Some(Flash::error("Checkout is unavailable right now; your cart is unchanged. Please try again in a moment.")))
                    .await?;
                if let Some(secs) = answer["error"]["retry_after_secs"].as_u64() {
                    resp.headers_mut().set("retry-after", &secs.to_string())?;
                }
                Ok(resp)
            }
        }
    }
}

fn see_other(location: &str) -> Response {
    let mut resp = respond::bytes(303, "text/plain; charset=utf-8", Vec::new());
    let _ = resp.headers_mut().set("location", location);
    resp
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
