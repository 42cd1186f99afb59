//! ShopperStorefront: one object per shopper per store (`"{store}/{shopper}"`). Owns the
//! shopper's SQLite (page views, cart, idempotency keys, events) and renders their pages from
//! the store's catalog, which it keeps in memory for a few seconds per question.

mod ai_counts;
mod ai_refresh;
mod backup_cart;
mod cart;
mod cart_store;
mod catalog_pages;
mod io;
mod pending_views;
mod personalize;
mod retention;
mod store_view;

use crate::internal;
use crate::listing_pages;
use crate::page_request::{self, PageRequest};
use crate::respond::{self, Audience};
use crate::sql::Db;
use wandstore_core::edge_pages::EdgePage;
use wandstore_core::retention::Retention;
use wandstore_core::routes::StoreRoute;
use wandstore_protocol::EdgeError;
use wandstore_protocol::cart_route::{Posted, cart_request};
use wandstore_protocol::page_plan::{self, PagePlan};
use wandstore_protocol::shopper::{CONTEXT_HEADER, REPORT_HEADER, ShopperContext};
use wandstore_protocol::shopper_memory::ShopperMemory;
use wandstore_render::Chrome;
use worker::{DurableObject, Env, Method, Request, Response, Result, State, durable_object};

#[durable_object]
pub struct ShopperStorefront {
    state: State,
    env: Env,
    db: Db,
    /// What it keeps in memory between requests.
    memory: ShopperMemory,
}

impl DurableObject for ShopperStorefront {
    fn new(state: State, env: Env) -> Self {
        let retention = Retention::from_vars(|name| env.var(name).ok().map(|v| v.to_string()));
        ShopperStorefront {
            db: Db::new(&state),
            state,
            memory: ShopperMemory::new(retention),
            env,
        }
    }

    async fn alarm(&self) -> Result<Response> {
        self.expire_if_idle().await?;
        Response::empty()
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let context = req.headers().get(CONTEXT_HEADER)?;
        if context.is_none() && req.path() == internal::ASK_PATH {
            return self.answer_question(&req).await;
        }
        let Some(ctx) = context.as_deref().and_then(ShopperContext::from_header) else {
            let e = EdgeError::bad_request("bad_internal_request", "missing shopper context");
            return Ok(respond::error(&e, Audience::Api, ""));
        };
        self.memory.report.take();
        let mut resp = match self.serve(&req, &ctx).await {
            Ok(resp) => resp,
            Err(e) => respond::error(
                &e,
                Audience::page(Chrome::platform(&ctx.request_id)),
                &ctx.request_id,
            ),
        };
        if self.db.is_migrated() {
            self.note_activity(Some(ctx.store.as_str()), &ctx.request_id)
                .await;
        }
        let mut report = self.memory.report.take();
        // The cart's item count for the cookie's hint (`page_plan::cart_items_to_report`).
        let count = || Some(wandstore_core::cart::item_count(&self.cart_lines().ok()?));
        let migrated = self.db.is_migrated();
        report.cart_items = page_plan::cart_items_to_report(migrated, ctx.first_visit, count);
        (report.rows_read, report.rows_written) = self.db.take_counts();
        let _ = resp.headers_mut().set(REPORT_HEADER, &report.to_header());
        Ok(resp)
    }
}

impl ShopperStorefront {
    /// Routes one page request; the `Err` is an error before the store's frame is known.
    async fn serve(
        &self,
        req: &Request,
        ctx: &ShopperContext,
    ) -> std::result::Result<Response, EdgeError> {
        let look = self.store_look(ctx).await?;
        let theme = if ctx.preview {
            self.draft_theme(ctx).await?
        } else {
            look.theme
        };
        let store = look.settings;
        // The path and query as the entry sent them, without parsing the URL again.
        let path = req.path();
        let method = req.method();
        let plan = PagePlan::new(method.as_ref(), &path, ctx.first_visit, ctx.preview);
        // A first visit's page read writes nothing: not even the schema.
        self.memory.unrecorded.set(plan.unrecorded);
        if !plan.unrecorded {
            self.ensure_schema().map_err(EdgeError::internal)?;
            self.take_pending_views(ctx);
        }
        let query = wandstore_core::query::pairs(wandstore_core::query::of_url(&req.inner().url()));
        let cart_count = if plan.counts_cart {
            wandstore_core::cart::item_count(&self.cart_lines().map_err(EdgeError::internal)?)
        } else {
            0
        };
        let page = PageRequest {
            ctx,
            store: &store,
            personalization: &look.personalization,
            theme,
            query: &query,
            cart_count,
        };
        // The shopper's own limit, before the request changes anything.
        let (window, report) = (&self.memory.cart_writes, &self.memory.report);
        let now = crate::clock::now_ms();
        let refusal = plan.admit(&mut window.borrow_mut(), now, &mut report.borrow_mut());
        let answer_error = |e: EdgeError, api: bool| match api {
            true => respond::error(&e, Audience::Api, &ctx.request_id),
            false => page.error(&e),
        };
        if let Some((e, api)) = refusal {
            return Ok(answer_error(e, api));
        }
        let route = match plan.route {
            Ok(route) => route,
            Err(e) => return Ok(page.error(&e)),
        };
        let body = if plan.reads_body {
            internal::request_text(req)
                .await
                .map_err(EdgeError::internal)?
        } else {
            String::new()
        };
        // Only a request with a body (a cart write, a form) reads its headers and the secret.
        let posted_only = |name: &str| {
            let header = plan
                .reads_body
                .then(|| req.headers().get(name).ok().flatten());
            header.flatten()
        };
        let (key, content_type) = (posted_only("idempotency-key"), posted_only("content-type"));
        let secret = match plan.reads_body {
            true => crate::env_config::platform(&self.env)
                .csrf
                .clone()
                .unwrap_or_default(),
            false => Vec::new(),
        };
        let posted = Posted {
            post: method == Method::Post,
            body: &body,
            content_type: content_type.as_deref(),
            idempotency_key: key.as_deref(),
            csrf_secret: &secret,
            now_ms: now,
        };
        let api = matches!(route, StoreRoute::CartApi);
        let result = match (cart_request(&route, &posted, ctx), route) {
            (Some(Ok(request)), _) => self.run_cart(&page, request).await,
            (Some(Err(e)), _) => Err(e),
            (None, StoreRoute::Home) => self.home(&page).await,
            (None, StoreRoute::Collection(handle)) => {
                let which = EdgePage::Collection(handle);
                let shown = listing_pages::render(&self.env, &page, which, &self.memory.report);
                shown.await.map(|shown| respond::html_page(200, shown.html))
            }
            (None, StoreRoute::Product(handle)) => self.product(&page, handle).await,
            (None, StoreRoute::Search) => {
                let which = EdgePage::Search;
                let shown = listing_pages::render(&self.env, &page, which, &self.memory.report);
                shown.await.map(|shown| respond::html_page(200, shown.html))
            }
            (None, StoreRoute::Personalization) => self.personalization_form(&page, &posted),
            // Cart routes ask a cart request (above); the rest were refused by the plan
            // (served by the Worker before any object is asked).
            (None, _) => Err(EdgeError::internal(
                "a Worker route reached the shopper's object",
            )),
        };
        Ok(result.unwrap_or_else(|e| answer_error(e, api)))
    }

    /// Brings the SQLite schema up to date (versioned migrations), once per object lifetime.
    fn ensure_schema(&self) -> Result<()> {
        (self.db).ensure_schema(&self.state, wandstore_storage::shopper::MIGRATIONS)
    }
}
