//! The executor of `wandstore_protocol::cart_run`, which decides every cart request's reads,
//! command, follow-ups and answer (`protocol::cart_route` decides which request a route
//! asks; `render::cart_reply` draws the answer). Only the I/O is here: the stored lines,
//! StoreConfig, the cart's transaction, and the response.

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::best_effort;
use crate::objects::store_client;
use crate::respond;
use crate::store_view::ask_catalog;
use wandstore_core::events::BestEffort;
use wandstore_protocol::EdgeError;
use wandstore_protocol::cart_run::{CartAction, CartFacts, CartInput, CartRequest, CartRun};
use wandstore_render::cart_reply::cart_reply;
use worker::Response;

impl ShopperStorefront {
    /// Serves a cart request: performs each of its run's actions and sends its answer.
    pub(super) async fn run_cart(
        &self,
        page: &PageRequest<'_>,
        request: CartRequest,
    ) -> Result<Response, EdgeError> {
        let ctx = page.ctx;
        let facts = CartFacts::of(ctx, page.store.currency, self.memory.announced.get());
        let mut run = CartRun::new(request, facts);
        let mut input = CartInput::Start;
        loop {
            input = match run.resume(input) {
                CartAction::ReadLines => {
                    CartInput::Lines(self.cart_lines().map_err(EdgeError::internal)?)
                }
                CartAction::Ask(q) => {
                    let (store, rid, report) = (&ctx.store, &ctx.request_id, &self.memory.report);
                    CartInput::Catalog(ask_catalog(&self.env, store, q, rid, report).await)
                }
                CartAction::Apply(apply) => {
                    CartInput::Outcome(self.run_cart_command(apply).map_err(EdgeError::internal))
                }
                CartAction::Tell(q) => {
                    let told = store_client::ask(&self.env, &ctx.store, q, &ctx.request_id);
                    CartInput::Told(told.await.map_err(EdgeError::from))
                }
                CartAction::Heard { heard, error } => {
                    self.memory.announced.set(heard);
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
                    let asked = store_client::ask(&self.env, &ctx.store, order, &ctx.request_id);
                    CartInput::checkout(asked.await, &mut self.memory.report.borrow_mut())
                }
                CartAction::Record(events) => {
                    let now = crate::clock::now_ms();
                    let recorded = events.iter().try_for_each(|e| self.record_event(e, now));
                    CartInput::Recorded(recorded.err().map(|e| e.to_string()))
                }
                CartAction::LogError(line) => {
                    worker::console_error!("{line}");
                    CartInput::Done
                }
                CartAction::Done(answer) => {
                    let (chrome, currency) = (page.chrome(), page.store.currency);
                    let csrf = || page.csrf_token(&self.env);
                    let (status, headers, body) =
                        cart_reply(answer, chrome, currency, page.query, csrf)?;
                    return Ok(respond::with_headers(status, &headers, body.into_bytes()));
                }
                CartAction::Failed(e) => return Err(e),
            };
        }
    }
}
