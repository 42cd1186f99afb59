//! "Recommended for you" on the home page, personalized: the shopper's events (already in
//! their SQLite) become a profile and candidates in StoreConfig (which holds the catalog);
//! `wandstore_ai::block` decides what shows (`data-source` `ai`, `baseline` or `holdout`),
//! what is counted and whether a model refresh starts after the response (`wait_until`,
//! see `ai_refresh`). Impressions, clicks (`?rec=` on the block's links) and adds to cart
//! from those clicks are counted by `ai_counts`. `wandstore_protocol::block_run` drives the
//! block; this file only reads and writes rows, asks StoreConfig and performs each step.

use super::ShopperStorefront;
use super::ai_refresh;
use super::io::get_state;
use crate::clock::now_ms;
use crate::objects::store_client::ask;
use std::rc::Rc;
use wandstore_ai::block::{self, PROFILE_EVENTS, RecClick};
use wandstore_ai::report::Interaction;
use wandstore_ai::settings::PersonalizationSettings;
use wandstore_core::shopper_events::ShopperEvent;
use wandstore_protocol::block_run::{self, BlockAction, BlockFacts, BlockInput, BlockRun, Shown};
use wandstore_protocol::shopper::ShopperContext;
use wandstore_storage::shopper::{SELECT_NEWEST_EVENTS, SELECT_THREE_AI_STATES, oldest_first};

impl ShopperStorefront {
    /// The shopper's newest events, oldest first, with their times: read once, then kept in
    /// step by `record_event` (this object is the only writer of its storage).
    pub(super) fn timed_events(&self) -> worker::Result<Vec<(ShopperEvent, u64)>> {
        self.memory.rows(&self.memory.events, || {
            let n = u64::from(PROFILE_EVENTS).into();
            Ok(oldest_first(self.db.rows(SELECT_NEWEST_EVENTS, &[n])?))
        })
    }

    /// The block for the home page, or `None` (no history yet, or it could not be built:
    /// the page never fails for it). Runs `wandstore_protocol::block_run` (the reads, the
    /// question, the count, the refresh) with this object's rows, StoreConfig and
    /// `wait_until`.
    pub(super) async fn personalized_block(
        &self,
        ctx: &ShopperContext,
        settings: PersonalizationSettings,
    ) -> Option<Shown> {
        let (gateway, stored) = (
            crate::ai_config::gateway(&self.env),
            !self.memory.unrecorded.get(),
        );
        let facts = BlockFacts::of(ctx, settings, stored, gateway, now_ms());
        let mut run = BlockRun::new(facts, self.memory.personalized.borrow().clone());
        let mut input = BlockInput::Start;
        loop {
            input = match run.resume(input) {
                BlockAction::ReadEvents => self.timed_events().map(BlockInput::Events).into(),
                BlockAction::ReadState => {
                    let keys = block::STATE_KEYS.map(Into::into);
                    let rows = self.db.rows(SELECT_THREE_AI_STATES, &keys);
                    rows.map(BlockInput::state).into()
                }
                BlockAction::ReadCart => self.cart_lines().map(BlockInput::cart).into(),
                BlockAction::Ask(q) => {
                    let asked = ask(&self.env, &ctx.store, q, &ctx.request_id).await;
                    asked.map(|m| BlockInput::Material(Rc::new(m))).into()
                }
                BlockAction::Write(w) => self.db.write(&w).map(|()| BlockInput::Done).into(),
                BlockAction::CountImpression(source) => {
                    self.count_or_log(ctx, source, Interaction::Impression);
                    BlockInput::Done
                }
                BlockAction::StartRefresh { plan, config } => {
                    let run = ai_refresh::run(self.io(), ctx.store.clone(), *config, plan);
                    self.state.wait_until(run);
                    BlockInput::Done
                }
                BlockAction::LogError(line) => {
                    worker::console_error!("{line}");
                    BlockInput::Done
                }
                BlockAction::Done(shown) => {
                    *self.memory.personalized.borrow_mut() = run.take_memo();
                    return shown;
                }
            };
        }
    }

    /// After an add of `product` to the cart: counts it for the recommendation it came from
    /// (once: the remembered click is forgotten).
    pub(super) fn note_added_product(&self, ctx: &ShopperContext, product: &str) {
        let click = get_state::<RecClick>(&self.db, block::REC_CLICK_KEY)
            .ok()
            .flatten();
        // Counted once what it remembers is written.
        if let Some(n) = block_run::add(click.as_ref(), product)
            && self.db.write(&n.write).is_ok()
        {
            self.count_or_log(ctx, n.source, n.what);
        }
    }
}
