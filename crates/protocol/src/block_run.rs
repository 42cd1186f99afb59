//! The home page's recommendations block from the shopper's rows to its cards, as a sans-IO
//! driver around `wandstore_ai::block`: which rows are read (nothing more before the
//! shopper has a history; nothing at all on a page that must not touch storage), what is
//! asked of StoreConfig ([`Personalize`]; not asked again while the object's [`Memo`] of
//! the same question is fresh), whether an impression counts and whether a model
//! refresh starts after the response, and what shows. A step that fails leaves the block
//! out (logged): the page never fails for it. The object performs each [`BlockAction`] and
//! answers with a [`BlockInput`] (any read, ask or write may answer [`BlockInput::Failed`]):
//!
//! ```text
//! let mut input = BlockInput::Start;
//! loop {
//!     input = match run.resume(input) {
//!         BlockAction::ReadEvents => BlockInput::Events(the newest events, oldest first),
//!         BlockAction::ReadState => BlockInput::State(the three ai_state values),
//!         BlockAction::ReadCart => BlockInput::Cart(the cart's product handles),
//!         BlockAction::Ask(q) => BlockInput::Material(StoreConfig's answer),
//!         BlockAction::Write(w) => { run it; BlockInput::Done }
//!         BlockAction::CountImpression(source) => { count it; BlockInput::Done }
//!         BlockAction::StartRefresh { .. } => { run it after the response; BlockInput::Done }
//!         BlockAction::LogError(line) => { log it; BlockInput::Done }
//!         BlockAction::Done(shown) => break shown,
//!     };
//! }
//! memo = run.take_memo();
//! ```

use crate::personalization::{Personalize, Personalized};
use crate::shopper::ShopperContext;
use std::collections::VecDeque;
use std::rc::Rc;
use wandstore_ai::block::{self, RecClick, RefreshPlan, ShopperAiState};
use wandstore_ai::gateway::GatewayConfig;
use wandstore_ai::report::{Interaction, Source};
use wandstore_ai::settings::PersonalizationSettings;
use wandstore_core::cached::Cached;
use wandstore_core::cart::CartLine;
use wandstore_core::catalog_index::ProductCard;
use wandstore_core::shopper_events::ShopperEvent;
use wandstore_core::store::SNAPSHOT_TTL_MS;
use wandstore_storage::Write;
use wandstore_storage::json_text;
use wandstore_storage::shopper::{KeyedJsonRow, state_delete, state_write};

/// StoreConfig's last personalization answer, kept (by the object, between requests) under
/// what was asked, for the snapshot TTL.
pub type Memo = Option<Cached<(String, Rc<Personalized>)>>;

/// What the page request knows.
#[derive(Debug, Clone)]
pub struct BlockFacts {
    pub settings: PersonalizationSettings,
    pub store: String,
    pub shopper: String,
    pub request_id: String,
    /// The request may use the shopper's storage (not a first visit's page read).
    pub stored: bool,
    /// A theme preview: it shows the block but counts nothing and refreshes nothing.
    pub preview: bool,
    /// The AI Gateway, when one is configured (a refresh calls the models through it).
    pub gateway: Option<GatewayConfig>,
    pub now_ms: u64,
}

impl BlockFacts {
    /// The facts of a page request for `ctx` (`stored`: it may use the storage; `gateway`:
    /// the configured one, if any).
    pub fn of(
        ctx: &ShopperContext,
        settings: PersonalizationSettings,
        stored: bool,
        gateway: Option<GatewayConfig>,
        now_ms: u64,
    ) -> BlockFacts {
        BlockFacts {
            settings,
            store: ctx.store.to_string(),
            shopper: ctx.shopper.to_string(),
            request_id: ctx.request_id.clone(),
            stored,
            preview: ctx.preview,
            gateway,
            now_ms,
        }
    }
}

/// What the object does next.
#[derive(Debug, Clone)]
pub enum BlockAction {
    /// Read the shopper's newest events, oldest first, with their times →
    /// [`BlockInput::Events`].
    ReadEvents,
    /// Read the shopper's state (suggestion, opt-out, last refresh) → [`BlockInput::State`].
    ReadState,
    /// Read the product handles of the cart's lines → [`BlockInput::Cart`].
    ReadCart,
    /// Ask StoreConfig → [`BlockInput::Material`].
    Ask(Personalize),
    /// Run this statement on the shopper's SQLite (the refresh's time, written before the
    /// response so another page of this shopper does not start a second one) →
    /// [`BlockInput::Done`].
    Write(Write),
    /// Count an impression of this source → [`BlockInput::Done`].
    CountImpression(Source),
    /// Run this refresh through `config` after the response → [`BlockInput::Done`].
    StartRefresh {
        plan: RefreshPlan,
        config: Box<GatewayConfig>,
    },
    /// Log this error line (why the block was left out) → [`BlockInput::Done`].
    LogError(String),
    /// The block, or `None`: no history yet, or nothing to show.
    Done(Option<Shown>),
}

/// What the object answers.
#[derive(Debug, Clone)]
pub enum BlockInput {
    Start,
    Done,
    /// The step failed (a read, the question, a write): why.
    Failed(String),
    Events(Vec<(ShopperEvent, u64)>),
    State(ShopperAiState),
    Cart(Vec<String>),
    Material(Rc<Personalized>),
}

/// A step's result: its input, or why it failed.
impl<E: std::fmt::Display> From<Result<BlockInput, E>> for BlockInput {
    fn from(result: Result<BlockInput, E>) -> BlockInput {
        result.unwrap_or_else(|e| BlockInput::Failed(e.to_string()))
    }
}

impl BlockInput {
    /// The answer to [`BlockAction::ReadState`]: the three values as their rows read them
    /// (`block::STATE_KEYS`; an absent or unreadable value is its default).
    pub fn state(rows: Vec<KeyedJsonRow>) -> BlockInput {
        let pairs = rows.iter().map(|r| (r.key.as_str(), r.json.as_str()));
        BlockInput::State(ShopperAiState::from_rows(pairs))
    }

    /// The answer to [`BlockAction::ReadCart`]: the product handles of the cart's `lines`.
    pub fn cart(lines: Vec<CartLine>) -> BlockInput {
        BlockInput::Cart(lines.into_iter().map(|l| l.product_handle).collect())
    }
}

/// The block as it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub cards: Vec<ProductCard>,
    pub source: Source,
    pub headline: Option<String>,
    /// Whether the shopper opted out (the choice form's label).
    pub opted_out: bool,
}

#[derive(Debug, Clone)]
enum Phase {
    Events,
    State,
    Cart,
    /// Asked; the newest event's time and the key to keep the answer under (`None`: the
    /// question has no key, so the answer is not kept).
    Material {
        last_event_ms: u64,
        key: Option<String>,
    },
    Finished,
}

/// One block in progress.
#[derive(Debug, Clone)]
pub struct BlockRun {
    facts: BlockFacts,
    events: Vec<(ShopperEvent, u64)>,
    state: ShopperAiState,
    phase: Phase,
    queue: VecDeque<BlockAction>,
    memo: Memo,
}

impl BlockRun {
    /// The block of a page request, with the object's memo of its last answer.
    pub fn new(facts: BlockFacts, memo: Memo) -> BlockRun {
        BlockRun {
            facts,
            events: Vec::new(),
            state: ShopperAiState::default(),
            phase: Phase::Events,
            queue: VecDeque::new(),
            memo,
        }
    }

    /// The memo for the object to keep after the run (the new answer, if one came).
    pub fn take_memo(&mut self) -> Memo {
        self.memo.take()
    }

    /// The next action, given the answer to the last one.
    pub fn resume(&mut self, input: BlockInput) -> BlockAction {
        if matches!(input, BlockInput::Done)
            && let Some(next) = self.queue.pop_front()
        {
            return next;
        }
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        match (phase, input) {
            (_, BlockInput::Failed(why)) => {
                self.queue = VecDeque::from([BlockAction::Done(None)]);
                BlockAction::LogError(format!("recommendations left out: {why}"))
            }
            (Phase::Events, BlockInput::Start) => {
                self.phase = Phase::Events;
                BlockAction::ReadEvents
            }
            (Phase::Events, BlockInput::Events(events)) if !block::has_history(&events) => {
                BlockAction::Done(None)
            }
            (Phase::Events, BlockInput::Events(events)) => {
                self.events = events;
                if !self.facts.stored {
                    // Nothing stored may be read: no state, no cart.
                    return self.ask(&[]);
                }
                self.phase = Phase::State;
                BlockAction::ReadState
            }
            (Phase::State, BlockInput::State(state)) => {
                self.state = state;
                self.phase = Phase::Cart;
                BlockAction::ReadCart
            }
            (Phase::Cart, BlockInput::Cart(handles)) => self.ask(&handles),
            (Phase::Material { last_event_ms, key }, BlockInput::Material(material)) => {
                if let Some(key) = key {
                    let kept = (key, Rc::clone(&material));
                    self.memo = Some(Cached::new(kept, self.facts.now_ms));
                }
                self.decide(last_event_ms, &material)
            }
            _ => BlockAction::Done(None),
        }
    }

    fn ask(&mut self, cart: &[String]) -> BlockAction {
        let Some(wanted) = block::wanted(&self.events, cart, &self.state) else {
            return BlockAction::Done(None);
        };
        let last_event_ms = self.events.last().map_or(0, |(_, at)| *at);
        let events = std::mem::take(&mut self.events);
        let now = self.facts.now_ms;
        let question = Personalize::for_block(events, wanted, now);
        let key = question.memo_key().ok();
        let kept = (self.memo.as_ref().zip(key.as_ref()))
            .and_then(|(memo, key)| memo.fresh_for(key, now, SNAPSHOT_TTL_MS).cloned());
        if let Some(material) = kept {
            return self.decide(last_event_ms, &material);
        }
        self.phase = Phase::Material { last_event_ms, key };
        BlockAction::Ask(question)
    }

    fn decide(&mut self, last_event_ms: u64, material: &Personalized) -> BlockAction {
        let f = &self.facts;
        let plan = block::plan(
            block::BlockInput {
                settings: &f.settings,
                state: &self.state,
                store: &f.store,
                shopper: &f.shopper,
                profile: &material.profile,
                candidates: &material.candidates,
                last_event_ms,
                recorded: f.stored && !f.preview,
                gateway: f.gateway.is_some(),
                request_id: &f.request_id,
                now_ms: f.now_ms,
            },
            |h| material.has_card(h),
        );
        if plan.impression {
            self.queue
                .push_back(BlockAction::CountImpression(plan.shown.source));
        }
        if let Some((plan, config)) = plan.refresh.zip(f.gateway.clone().map(Box::new)) {
            let at = f.now_ms.to_string();
            let write = state_write(block::LAST_REFRESH_KEY, at);
            self.queue.push_back(BlockAction::Write(write));
            self.queue
                .push_back(BlockAction::StartRefresh { plan, config });
        }
        let cards = material.cards_of(&plan.shown.handles);
        let shown = (!cards.is_empty()).then_some(Shown {
            cards,
            source: plan.shown.source,
            headline: plan.shown.headline,
            opted_out: self.state.opted_out,
        });
        self.queue.push_back(BlockAction::Done(shown));
        self.resume(BlockInput::Done)
    }
}

/// A count the block earned outside a page's block (a click on one of its cards, an add
/// of the product it led to), once `write` (what the object remembers of it) succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Noted {
    pub write: Write,
    pub source: Source,
    pub what: Interaction,
}

/// A product page opened with `?rec=` (`rec`; `recorded`: the page counts): the click is
/// remembered (so an add of this product counts for the same source) and counted.
pub fn click(rec: Option<&str>, handle: &str, recorded: bool) -> Option<Noted> {
    let click = block::followed(rec, handle, recorded)?;
    let json = json_text(&click).ok()?;
    let (write, source) = (state_write(block::REC_CLICK_KEY, json), click.source);
    let what = Interaction::Click;
    Some(Noted {
        write,
        source,
        what,
    })
}

/// An add of `product` to the cart, with the click remembered (if any): counted for the
/// recommendation it came from, once (the click is forgotten).
pub fn add(click: Option<&RecClick>, product: &str) -> Option<Noted> {
    let source = block::added(click, product)?;
    let write = state_delete(block::REC_CLICK_KEY);
    let what = Interaction::AddToCart;
    Some(Noted {
        write,
        source,
        what,
    })
}

#[cfg(test)]
#[path = "block_run_tests.rs"]
mod tests;
