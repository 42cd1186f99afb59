//! ShopperStorefront: one object per shopper per store (`"{store}/{shopper}"`). Owns the
//! shopper's SQLite (page views, cart, idempotency keys, events) and renders their pages from
//! the store's catalog, which it keeps in memory for a few seconds per question.

mod ai_counts;
mod ai_refresh;
mod backup_cart;
mod cart;
mod cart_api;
mod cart_page;
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
use std::cell::{Cell, RefCell};
use wandstore_core::edge_pages::EdgePage;
use wandstore_core::kept::Kept;
use wandstore_core::rate_limit::RateClass;
use wandstore_core::retention::Retention;
use wandstore_core::routes::StoreRoute;
use wandstore_core::sliding_window::SlidingWindow;
use wandstore_protocol::EdgeError;
use wandstore_protocol::cart_run::CartRequest;
use wandstore_protocol::page_plan::{self, PagePlan};
use wandstore_protocol::shopper::{CONTEXT_HEADER, ObjectReport, REPORT_HEADER, ShopperContext};
use wandstore_render::Chrome;
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

#[durable_object]
pub struct ShopperStorefront {
    state: State,
    env: Env,
    db: Db,
    /// The store's settings and theme, kept for the snapshot TTL (catalog answers are kept
    /// per isolate: `store_view`).
    look: RefCell<Option<wandstore_core::cached::Cached<crate::store_view::StoreLook>>>,
    /// What serving the current request cost (reported to the entry's log line).
    report: RefCell<ObjectReport>,
    /// The cart's lines as stored, once read (`cart_store`: this object is the only writer
    /// of its storage, and every write updates or drops this copy).
    lines: Kept<Vec<wandstore_core::cart::CartLine>>,
    /// The newest events (at most `block::PROFILE_EVENTS`, oldest first, with their times) as
    /// stored, once read: kept in step by `record_event`, dropped by any other write.
    events: Kept<Vec<(wandstore_core::shopper_events::ShopperEvent, u64)>>,
    /// The shopper's cart writes in the last minute (`RateClass::shopper_limit`): every one
    /// reaches this object, so the count is exact and costs no call.
    cart_writes: RefCell<SlidingWindow>,
    /// How long this object's storage outlives the shopper's last activity.
    retention: Retention,
    /// The last activity written down (`None` until read; `Some(None)`: never written).
    activity: Cell<Option<Option<u64>>>,
    /// The current request is a first visit's page read: it touches no storage at all.
    unrecorded: Cell<bool>,
    /// Whether the cart is non-empty as StoreConfig's cart index last heard it from this
    /// object (`None`: not told in this object's lifetime, or the telling failed).
    announced: Cell<Option<bool>>,
    /// The last personalization material asked of StoreConfig (its key and time).
    personalized: RefCell<personalize::PersonalizedMemo>,
}

impl DurableObject for ShopperStorefront {
    fn new(state: State, env: Env) -> Self {
        ShopperStorefront {
            db: Db::new(&state),
            state,
            look: RefCell::new(None),
            lines: Kept::default(),
            events: Kept::default(),
            cart_writes: RefCell::new(RateClass::CartWrites.shopper_window()),
            report: RefCell::new(ObjectReport::default()),
            retention: Retention::from_vars(|name| env.var(name).ok().map(|v| v.to_string())),
            activity: Cell::new(None),
            unrecorded: Cell::new(false),
            announced: Cell::new(None),
            personalized: RefCell::new(None),
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
        *self.report.borrow_mut() = ObjectReport::default();
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
        let mut report = self.report.take();
        report.cart_items = self.cart_items_to_report(ctx.first_visit);
        (report.rows_read, report.rows_written) = self.db.take_counts();
        let _ = resp.headers_mut().set(REPORT_HEADER, &report.to_header());
        Ok(resp)
    }
}

impl ShopperStorefront {
    /// Forgets what memory holds of the storage (after it was deleted).
    fn forget(&self) {
        self.db.forget_schema();
        self.lines.forget();
        self.events.forget();
        self.activity.set(None);
    }

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
        self.unrecorded.set(plan.unrecorded);
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
        let (window, report) = (&self.cart_writes, &self.report);
        let now = crate::clock::now_ms();
        if let Some(refusal) = plan.admit(&mut window.borrow_mut(), now, &mut report.borrow_mut()) {
            return Ok(match refusal {
                (e, true) => respond::error(&e, Audience::Api, &ctx.request_id),
                (e, false) => page.error(&e),
            });
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
        let result = match route {
            StoreRoute::Home => self.home(&page).await,
            StoreRoute::Collection(handle) => {
                let which = EdgePage::Collection(handle);
                let shown = listing_pages::render(&self.env, &page, which, &self.report).await;
                shown.map(|shown| respond::html_page(200, shown.html))
            }
            StoreRoute::Product(handle) => self.product(&page, handle).await,
            StoreRoute::Search => {
                let which = EdgePage::Search;
                let shown = listing_pages::render(&self.env, &page, which, &self.report).await;
                shown.map(|shown| respond::html_page(200, shown.html))
            }
            StoreRoute::Cart => self.run_cart(&page, CartRequest::Page).await,
            StoreRoute::CartForm(action) => self.cart_form(&page, action, &body).await,
            StoreRoute::Personalization => self.personalization_form(&page, &body),
            StoreRoute::Checkout => self.checkout(&page, &body).await,
            StoreRoute::CartApi => {
                let header = |name: &str| req.headers().get(name).ok().flatten();
                let (key, content_type) = (header("idempotency-key"), header("content-type"));
                return Ok(self.cart_api(&page, method, &body, key, content_type).await);
            }
            // Refused by the plan (served by the Worker before any object is asked).
            StoreRoute::Asset(_) | StoreRoute::Favicon | StoreRoute::Live => Err(
                EdgeError::internal("a Worker route reached the shopper's object"),
            ),
        };
        Ok(result.unwrap_or_else(|e| page.error(&e)))
    }

    /// The cart's item count once the request is served, for the cookie's hint: nothing is
    /// stored on a first visit's reads; unknown (`None`) when this lifetime never opened the
    /// storage (an error came first) or the read fails, so the hint is left as it was.
    fn cart_items_to_report(&self, first_visit: bool) -> Option<u32> {
        page_plan::cart_items_to_report(self.db.is_migrated(), first_visit, || {
            let lines = self.cart_lines().ok()?;
            Some(wandstore_core::cart::item_count(&lines))
        })
    }

    /// Brings the SQLite schema up to date (versioned migrations), once per object lifetime.
    fn ensure_schema(&self) -> Result<()> {
        (self.db).ensure_schema(&self.state, wandstore_storage::shopper::MIGRATIONS)
    }
}
