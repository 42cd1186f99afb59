//! What the cart's handlers share: the shopper's CSRF token, the check of a form post, and
//! the executor of `wandstore_protocol::cart_run`, which decides every cart request's reads,
//! command, follow-ups and answer. Only the I/O is here: the stored lines, StoreConfig, the
//! cart's transaction, and the response.

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::best_effort;
use crate::objects::store_client;
use crate::respond;
use crate::store_view::ask_catalog;
use wandstore_core::csrf;
use wandstore_core::events::BestEffort;
use wandstore_protocol::EdgeError;
use wandstore_protocol::cart_run::{
    CartAction, CartAnswer, CartFacts, CartInput, CartRequest, CartRun,
};
use wandstore_protocol::shopify_calls::checkout_failure;
use wandstore_protocol::store::CheckoutStarted;
use wandstore_render::Flash;
use wandstore_render::shopper_pages as pages;
use worker::Response;

impl ShopperStorefront {
    /// The fields of a form post, if it carries this shopper's valid CSRF token; otherwise
    /// the 403 to send.
    pub(super) fn checked_form(
        &self,
        page: &PageRequest<'_>,
        body: &str,
    ) -> Result<Vec<(String, String)>, EdgeError> {
        let secret = crate::env_config::csrf_secret(&self.env).unwrap_or_default();
        csrf::checked_form(
            &secret,
            body,
            &page.ctx.store,
            &page.ctx.shopper,
            crate::clock::now_ms(),
        )
        .map_err(|e| EdgeError::new(403, "csrf", e.to_string()))
    }

    /// Serves a cart request: performs each of its run's actions and sends its answer.
    pub(super) async fn run_cart(
        &self,
        page: &PageRequest<'_>,
        request: CartRequest,
    ) -> Result<Response, EdgeError> {
        let ctx = page.ctx;
        let facts = CartFacts::of(ctx, page.store.currency, self.announced.get());
        let mut run = CartRun::new(request, facts);
        let mut input = CartInput::Start;
        loop {
            input = match run.resume(input) {
                CartAction::ReadLines => {
                    CartInput::Lines(self.cart_lines().map_err(EdgeError::internal)?)
                }
                CartAction::Ask(q) => {
                    let (store, rid, report) = (&ctx.store, &ctx.request_id, &self.report);
                    CartInput::Catalog(ask_catalog(&self.env, store, q, rid, report).await)
                }
                CartAction::Apply {
                    cmd,
                    idempotent,
                    answers,
                } => CartInput::Outcome(
                    (self.run_cart_command(cmd, idempotent, answers)).map_err(EdgeError::internal),
                ),
                CartAction::Tell(q) => {
                    let told = store_client::ask(&self.env, &ctx.store, q, &ctx.request_id);
                    CartInput::Told(told.await.map_err(EdgeError::from))
                }
                CartAction::Heard { heard, error } => {
                    self.announced.set(heard);
                    if let Some(error) = error {
                        let store = Some(ctx.store.to_string());
                        best_effort::failed(BestEffort::CartIndex, store, error, &ctx.request_id);
                    }
                    CartInput::Done
                }
                CartAction::NoteAdded { product } => {
                    self.note_added_product(ctx, &product);
                    CartInput::Done
                }
                CartAction::Checkout(order) => {
                    self.report.borrow_mut().count_call();
                    let asked = store_client::ask(&self.env, &ctx.store, order, &ctx.request_id);
                    let report =
                        |s: &CheckoutStarted| self.report.borrow_mut().note_upstream(s.upstream);
                    let asked = asked.await.inspect(report);
                    CartInput::Checkout(asked.map_err(checkout_failure))
                }
                CartAction::Record(events) => {
                    let recorded = events.iter().try_for_each(|e| self.record_event(e));
                    CartInput::Recorded(recorded.err().map(|e| e.to_string()))
                }
                CartAction::LogError(line) => {
                    worker::console_error!("{line}");
                    CartInput::Done
                }
                CartAction::Done(answer) => return self.cart_answer(page, answer),
                CartAction::Failed(e) => return Err(e),
            };
        }
    }

    /// The response a cart request's answer is sent as (the page rendered here).
    fn cart_answer(
        &self,
        page: &PageRequest<'_>,
        answer: CartAnswer,
    ) -> Result<Response, EdgeError> {
        let headers = answer.headers();
        let (status, body) = match answer {
            CartAnswer::SeeOther(location) => return Ok(respond::see_other(&location)),
            CartAnswer::Json(a) => (a.status, a.body),
            CartAnswer::Page {
                status,
                lines,
                catalog,
                refused,
                ..
            } => {
                let flash = refused.as_deref().map(Flash::error);
                let (currency, csrf) = (page.store.currency, page.csrf_token(&self.env));
                let (chrome, query) = (page.chrome(), page.query);
                let html = pages::cart_page(chrome, &lines, &catalog, currency, query, flash, csrf);
                (status, html?)
            }
        };
        let pairs: Vec<(&str, &str)> = (headers.iter()).map(|(k, v)| (*k, v.as_str())).collect();
        Ok(respond::with_headers(status, &pairs, body.into_bytes()))
    }
}
