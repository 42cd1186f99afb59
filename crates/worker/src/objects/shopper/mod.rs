//! ShopperStorefront: one object per shopper per store (`"{store}/{shopper}"`). Owns the
//! shopper's SQLite (page views, cart, idempotency keys, events) and renders their pages from
//! the store's catalog, which it keeps in memory for a few seconds per question. A page
//! request is `wandstore_render::page_run`'s steps (their order and every branch between
//! them), each performed by `fetch`'s loop.

mod ai_counts;
mod ai_refresh;
mod backup_cart;
mod cart;
mod cart_store;
mod io;
mod personalize;
mod retention;

use crate::clock::now_ms;
use crate::objects::store_client;
use crate::respond::{self, Audience};
use crate::sql::Db;
use crate::store_view::{self, ask_catalog};
use crate::{best_effort, internal};
use wandstore_core::retention::Retention;
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::{CONTEXT_HEADER, REPORT_HEADER, ShopperContext};
use wandstore_protocol::shopper_memory::ShopperMemory;
use wandstore_protocol::theme::GetDraft;
use wandstore_render::page_run::{Asked, Body, PageAction, PageInput, PageRun};
use wandstore_storage::shopper::COUNT_PAGE_VIEW;
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

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
        let (path, method, url) = (req.path(), req.method(), req.inner().url());
        let query = wandstore_core::query::pairs(wandstore_core::query::of_url(&url));
        let (method, path, query) = (method.as_ref(), &path, &query);
        // The isolate's settings, borrowed: no copy of the secret per request.
        let platform = crate::env_config::platform(&self.env);
        let asked = Asked {
            method,
            path,
            query,
        };
        let mut run = PageRun::new(
            &ctx,
            asked,
            &self.memory,
            now_ms(),
            platform.csrf.as_deref(),
        );
        let (store, rid, report) = (&ctx.store, &ctx.request_id, &self.memory.report);
        let mut input = PageInput::Start;
        loop {
            input = match run.resume(input) {
                PageAction::AskLook => {
                    PageInput::Look(store_view::ask_look(&self.env, store, rid, report).await)
                }
                PageAction::AskDraft => {
                    PageInput::Draft(store_client::ask(&self.env, store, GetDraft, rid).await)
                }
                PageAction::EnsureSchema => PageInput::written(self.ensure_schema()),
                PageAction::Write(w) => PageInput::written(self.db.write(&w)),
                PageAction::ReadEvents => PageInput::events(self.timed_events()),
                PageAction::Record(events) => {
                    let mut each = events.iter();
                    PageInput::written(each.try_for_each(|(e, at)| self.record_event(e, *at)))
                }
                PageAction::LogFailure(what, e) => {
                    best_effort::failed(what, Some(store.to_string()), e, rid);
                    PageInput::Done
                }
                PageAction::CountCart => PageInput::cart(self.cart_lines()),
                PageAction::ReadBody => PageInput::body(read_body(&req).await),
                PageAction::Ask(q) => {
                    PageInput::Catalog(ask_catalog(&self.env, store, q, rid, report).await)
                }
                PageAction::CountVisit(first) => {
                    PageInput::visits(self.db.first_row(COUNT_PAGE_VIEW, &[first.into()]))
                }
                PageAction::Block(settings) => {
                    PageInput::Block(self.personalized_block(&ctx, settings).await)
                }
                PageAction::Cart(request) => PageInput::Served(self.run_cart(&run, request).await),
                PageAction::Count(source, what) => {
                    self.count_or_log(&ctx, source, what);
                    PageInput::Done
                }
                PageAction::IsStored => PageInput::Stored(self.db.is_migrated()),
                PageAction::NoteActivity => {
                    self.note_activity(Some(store.as_str()), rid).await;
                    PageInput::Done
                }
                PageAction::Done {
                    reply: (status, mut headers, body),
                    mut report,
                } => {
                    (report.rows_read, report.rows_written) = self.db.take_counts();
                    headers.push((REPORT_HEADER, report.to_header()));
                    return Ok(respond::with_headers(status, &headers, body.into_bytes()));
                }
            };
        }
    }
}

/// A write's body and the headers its checks read.
async fn read_body(req: &Request) -> Result<Body> {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    Ok(Body {
        text: internal::request_text(req).await?,
        content_type: header("content-type"),
        idempotency_key: header("idempotency-key"),
    })
}

impl ShopperStorefront {
    /// Brings the SQLite schema up to date (versioned migrations), once per object lifetime.
    fn ensure_schema(&self) -> Result<()> {
        (self.db).ensure_schema(&self.state, wandstore_storage::shopper::MIGRATIONS)
    }
}
