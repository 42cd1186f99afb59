//! ShopperStorefront: one object per shopper per store (`"{store}/{shopper}"`). Owns the
//! shopper's SQLite (page views now; cart, events and profile later) and renders their pages.

use super::store_client;
use crate::internal::ShopperContext;
use crate::{respond, sql};
use std::cell::{Cell, RefCell};
use wandstore_core::cached::Cached;
use wandstore_core::store::{SNAPSHOT_TTL_MS, StoreSettings};
use wandstore_render::{Chrome, ErrorPage, HomePage};
use worker::{DurableObject, Env, Method, Request, Response, Result, State, durable_object};

const MIGRATIONS: &[sql::Migration] =
    &[&["CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"]];

#[durable_object]
pub struct ShopperStorefront {
    state: State,
    env: Env,
    migrated: Cell<bool>,
    /// The store's settings, refetched from StoreConfig at most once per TTL.
    store: RefCell<Option<Cached<StoreSettings>>>,
}

#[derive(serde::Deserialize)]
struct Count {
    value: u64,
}

impl DurableObject for ShopperStorefront {
    fn new(state: State, env: Env) -> Self {
        ShopperStorefront {
            state,
            env,
            migrated: Cell::new(false),
            store: RefCell::new(None),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
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
        let chrome = Chrome::for_store(&store, &ctx.base, &ctx.request_id);
        let path = req.path();
        match (req.method(), path.as_str()) {
            (Method::Get | Method::Head, "/") => {
                self.ensure_schema()?;
                let visits = self.count_page_view()?;
                Ok(respond::html(200, HomePage { chrome, visits }.html()))
            }
            _ => Ok(respond::html(
                404,
                ErrorPage::not_found(chrome, "that page").html(),
            )),
        }
    }
}

impl ShopperStorefront {
    fn ensure_schema(&self) -> Result<()> {
        if !self.migrated.get() {
            sql::migrate(&self.state, MIGRATIONS)?;
            self.migrated.set(true);
        }
        Ok(())
    }

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

    fn count_page_view(&self) -> Result<u64> {
        let rows: Vec<Count> = self
            .state
            .storage()
            .sql()
            .exec(
                "INSERT INTO counters (name, value) VALUES ('page_views', 1)
                 ON CONFLICT (name) DO UPDATE SET value = value + 1
                 RETURNING value",
                None,
            )?
            .to_array()?;
        rows.first()
            .map(|c| c.value)
            .ok_or_else(|| worker::Error::RustError("page view counter returned no row".into()))
    }
}
