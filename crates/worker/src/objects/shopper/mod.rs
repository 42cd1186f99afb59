//! ShopperStorefront: one object per shopper per store (`"{store}/{shopper}"`). Owns the
//! shopper's SQLite (page views, cart, idempotency keys, events) and renders their pages from
//! the store's catalog, which it keeps in memory for a few seconds per question.

mod cart;
mod cart_api;
mod cart_page;
mod cart_store;
mod catalog;
mod checkout;
mod pages;
mod schema;

use super::store_client;
use crate::internal::{self, ShopperContext};
use crate::respond;
use std::cell::{Cell, RefCell};
use wandstore_core::cached::Cached;
use wandstore_core::store::{SNAPSHOT_TTL_MS, StoreSettings};
use wandstore_render::{Chrome, ErrorPage};
use worker::{DurableObject, Env, Method, Request, Response, Result, State, durable_object};

#[durable_object]
pub struct ShopperStorefront {
    state: State,
    env: Env,
    migrated: Cell<bool>,
    /// The store's settings, refetched from StoreConfig at most once per TTL.
    store: RefCell<Option<Cached<StoreSettings>>>,
    /// Catalog answers from StoreConfig, kept for the same TTL.
    catalog: RefCell<catalog::CatalogCache>,
}

impl DurableObject for ShopperStorefront {
    fn new(state: State, env: Env) -> Self {
        ShopperStorefront {
            state,
            env,
            migrated: Cell::new(false),
            store: RefCell::new(None),
            catalog: RefCell::new(catalog::CatalogCache::default()),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let Some(ctx) = ShopperContext::from_headers(req.headers()) else {
            return Ok(respond::json_error(
                400,
                "bad_internal_request",
                "missing shopper context",
                "",
            ));
        };
        let Some(store) = self.store_settings(&ctx).await? else {
            let page = ErrorPage::not_found(
                Chrome::platform(&ctx.request_id),
                &format!("a store named “{}”", ctx.store),
            );
            return Ok(respond::html(404, page.html()));
        };
        schema::ensure(self)?;
        let url = req.url()?;
        let path = url.path().to_owned();
        let query: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let page = pages::Page {
            ctx: &ctx,
            store: &store,
            query: &query,
            cart_count: wandstore_core::cart::item_count(&self.cart_lines()?),
        };
        let method = req.method();
        let header = |name: &str| req.headers().get(name).ok().flatten();
        let idempotency_key = header("idempotency-key");
        let buyer = (header(internal::BUYER_IP), header(internal::BUYER_COUNTRY));
        let body = match method {
            Method::Get | Method::Head => String::new(),
            _ => req.text().await?,
        };
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let readable = matches!(method, Method::Get | Method::Head);
        match (segments.as_slice(), readable) {
            ([""], true) => self.home(&page).await,
            (["collections", handle], true) => self.collection(&page, handle).await,
            (["products", handle], true) => self.product(&page, handle).await,
            (["search"], true) => self.search(&page).await,
            (["cart"], true) => self.cart_page(&page, 200, None).await,
            (["cart", action @ ("add" | "update" | "remove" | "clear")], false)
                if method == Method::Post =>
            {
                self.cart_form(&page, action, &body).await
            }
            (["checkout"], false) if method == Method::Post => {
                self.checkout(&page, &body, buyer).await
            }
            (["api", "cart"], _) => self.cart_api(&page, method, &body, idempotency_key).await,
            (["" | "collections" | "products" | "search" | "cart"], false) => {
                Ok(not_allowed(&page, "GET, HEAD"))
            }
            (["cart", "add" | "update" | "remove" | "clear"] | ["checkout"], true) => {
                Ok(not_allowed(&page, "POST"))
            }
            _ => Ok(page.error(404, "Not found", "We could not find that page.")),
        }
    }
}

fn not_allowed(page: &pages::Page<'_>, allow: &str) -> Response {
    let mut resp = page.error(
        405,
        "Method not allowed",
        &format!("This address accepts {allow}."),
    );
    let _ = resp.headers_mut().set("allow", allow);
    resp
}

impl ShopperStorefront {
    async fn store_settings(&self, ctx: &ShopperContext) -> Result<Option<StoreSettings>> {
        let now = worker::Date::now().as_millis();
        if let Some(hit) = self
            .store
            .borrow()
            .as_ref()
            .and_then(|c| c.fresh(now, SNAPSHOT_TTL_MS))
        {
            return Ok(Some(hit.clone()));
        }
        let fetched = store_client::settings(&self.env, &ctx.store, &ctx.request_id).await?;
        *self.store.borrow_mut() = fetched.clone().map(|s| Cached::new(s, now));
        Ok(fetched)
    }
}
