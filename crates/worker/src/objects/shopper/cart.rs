//! The executor of `wandstore_protocol::cart_run`, which decides every cart request's reads,
//! command, follow-ups and answer (`protocol::cart_route` decides which request a route
//! asks; `render::cart_reply` draws the answer). Only the I/O is here: the stored lines,
//! StoreConfig, the cart's transaction, and the response.

use super::ShopperStorefront;
use crate::best_effort;
use crate::objects::store_client;
use crate::store_view::ask_catalog;
use wandstore_core::events::BestEffort;
use wandstore_protocol::EdgeError;
use wandstore_protocol::cart_run::{CartAction, CartFacts, CartInput, CartRequest, CartRun};
use wandstore_render::cart_reply::cart_reply;
use wandstore_render::console_reply::Reply;
use wandstore_render::page_run::PageRun;

impl ShopperStorefront {
    /// Serves a cart request of `page`: performs each of its run's actions, then draws its
    /// answer.
    pub(super) async fn run_cart(
        &self,
        page: &PageRun<'_>,
        request: CartRequest,
    ) -> Result<Reply, EdgeError> {
        let (ctx, currency) = (page.ctx(), page.currency());
        let facts = CartFacts::of(ctx, currency, self.memory.announced.get());
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
                    let csrf = || page.csrf_token();
                    return cart_reply(answer, page.chrome(), currency, page.query(), csrf);
                }
                CartAction::Failed(e) => return Err(e),
            };
        }
    }
}
