//! A shopper's cart request as a sans-IO driver: the cart page, the JSON API's read and
//! write, a cart form post and the checkout hand-off. It decides which reads follow which
//! (the stored lines, then catalog facts for them and for the variant a command names), when
//! a command runs, what follows a change (StoreConfig's cart index is told, an added variant
//! counts for the recommendation it came from), what a checkout asks and records, and what
//! is answered: a 303, the cart page with why a change was refused, or JSON. The object
//! performs each [`CartAction`] and answers with a [`CartInput`]:
//!
//! ```text
//! let mut input = CartInput::Start;
//! loop {
//!     input = match run.resume(input) {
//!         CartAction::ReadLines => CartInput::Lines(the stored lines),
//!         CartAction::Ask(q) => CartInput::Catalog(StoreConfig's answer, or why not),
//!         CartAction::Apply(apply) => CartInput::Outcome(the transaction's outcome),
//!         CartAction::Checkout(order) => CartInput::Checkout(StoreConfig's answer),
//!         CartAction::Record(events) => CartInput::Recorded(why not, if it failed),
//!         CartAction::Tell(q) => CartInput::Told(StoreConfig's answer),
//!         CartAction::Heard { .. } | NoteAdded { .. } | LogError(_) => { do it; CartInput::Done }
//!         CartAction::Done(answer) => break Ok(answer),
//!         CartAction::Failed(e) => break Err(e),
//!     };
//! }
//! ```

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::EdgeError;
use crate::backup::IndexCart;
use crate::cart_api::{
    CartApiAnswer, catalog_error, command_answer, outcome_answer, write_request,
};
use crate::cart_rows;
use crate::entry_route::HTML;
use crate::shopify_calls::{CheckoutFailure, checkout_failure, checkout_order};
use crate::shopper::{ObjectReport, ShopperContext};
use crate::store::{CatalogReply, CheckoutOrder, CheckoutStarted, StoreError};
use crate::wire::AskError;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use wandstore_core::cart::{
    CartCatalog, CartCommand, CartError, CartLine, CommandError, FormAction, IdempotencyRecord,
    Idempotent, Outcome, REPLAYED_HEADER, VariantInfo, reprice,
};
use wandstore_core::cart_announce::{heard_after_telling, must_tell};
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_core::identity::ShopperId;
use wandstore_core::money::Currency;
use wandstore_core::shopper_events::{ShopperEvent, checkout_started};
use wandstore_storage::Write;

/// What the shopper asked of their cart.
#[derive(Debug, Clone)]
pub enum CartRequest {
    /// `GET cart`: the page.
    Page,
    /// `GET api/cart`: the cart as JSON.
    Json,
    /// `POST api/cart`: a command (`cart_api::write_request`), answered as JSON.
    Write {
        cmd: CartCommand,
        idempotent: Option<Idempotent>,
    },
    /// `POST cart/{action}` with the form's fields (its CSRF token already checked), then
    /// 303 to the cart under `base` (the store's base path).
    Form {
        action: FormAction,
        fields: Vec<(String, String)>,
        base: String,
    },
    /// `POST checkout` (its CSRF token already checked), for this buyer.
    Checkout {
        buyer_ip: Option<String>,
        country: Option<String>,
    },
}

impl CartRequest {
    /// `GET api/cart` (`post: false`: any other method the route takes) or `POST api/cart`
    /// (`cart_api::write_request`: a 415 or 400 for a body or key it refuses).
    pub fn api(
        post: bool,
        content_type: Option<&str>,
        body: &str,
        idempotency_key: Option<&str>,
    ) -> Result<CartRequest, EdgeError> {
        if !post {
            return Ok(CartRequest::Json);
        }
        let (cmd, idempotent) = write_request(content_type, body, idempotency_key)?;
        Ok(CartRequest::Write { cmd, idempotent })
    }

    /// `POST cart/{action}` with its checked `fields`, for the shopper of `ctx`.
    pub fn form(action: FormAction, fields: Vec<(String, String)>, ctx: &ShopperContext) -> Self {
        let base = ctx.base.clone();
        CartRequest::Form {
            action,
            fields,
            base,
        }
    }

    /// `POST checkout` (its form checked) for the buyer of `ctx`.
    pub fn checkout(ctx: &ShopperContext) -> CartRequest {
        let (buyer_ip, country) = (ctx.buyer_ip.clone(), ctx.buyer_country.clone());
        CartRequest::Checkout { buyer_ip, country }
    }
}

/// What a command's result answers, as a keyed request records it (`cart_api`).
#[derive(Debug, Clone, PartialEq)]
pub struct CommandAnswers {
    /// Catalog facts for the cart's lines and the command's variant.
    pub catalog: HashMap<String, VariantInfo>,
    pub currency: Currency,
    pub request_id: String,
}

impl CommandAnswers {
    /// The `(status, body)` a command's result answers.
    pub fn answer(&self, result: &Result<Vec<CartLine>, CartError>) -> (u16, String) {
        command_answer(result, &self.catalog, self.currency, &self.request_id)
    }
}

/// What the request's object knows.
#[derive(Debug, Clone)]
pub struct CartFacts {
    /// The store's currency.
    pub currency: Currency,
    pub request_id: String,
    pub shopper: ShopperId,
    /// Whether the cart is non-empty as StoreConfig's cart index last heard it from this
    /// object (`None`: not told in the object's lifetime, or the telling failed).
    pub heard: Option<bool>,
}

impl CartFacts {
    /// The facts of a request for `ctx` at a store priced in `currency`, with what the index
    /// last heard from the object.
    pub fn of(ctx: &ShopperContext, currency: Currency, heard: Option<bool>) -> CartFacts {
        CartFacts {
            currency,
            request_id: ctx.request_id.clone(),
            shopper: ctx.shopper.clone(),
            heard,
        }
    }
}

impl CartInput {
    /// StoreConfig's answer to a checkout, with what the call cost noted in `report` (one
    /// object call, and Shopify's calls when it started one).
    pub fn checkout(
        asked: Result<CheckoutStarted, AskError<StoreError>>,
        report: &mut ObjectReport,
    ) -> CartInput {
        report.count_call();
        let asked = asked.inspect(|started| report.note_upstream(started.upstream));
        CartInput::Checkout(asked.map_err(checkout_failure))
    }
}

/// A command to run in the cart's transaction, with its idempotency key (if any) and what
/// its result answers.
#[derive(Debug, Clone)]
pub struct Apply {
    pub cmd: CartCommand,
    pub idempotent: Option<Idempotent>,
    pub answers: CommandAnswers,
}

impl Apply {
    /// What the command comes to at `now_ms` and the rows it writes
    /// (`cart_rows::decide`), with `kept` reading the record kept under its key and `lines`
    /// the stored cart.
    pub fn decide<E: From<serde_json::Error>>(
        &self,
        kept: impl FnOnce(&str) -> Result<Option<IdempotencyRecord>, E>,
        lines: impl FnOnce() -> Result<Vec<CartLine>, E>,
        now_ms: u64,
    ) -> Result<(Outcome, Vec<Write>), E> {
        let (idempotent, answers) = (self.idempotent.as_ref(), &self.answers);
        let catalog = &answers.catalog;
        let respond = |r: &Result<Vec<CartLine>, CartError>| answers.answer(r);
        cart_rows::decide(kept, lines, &self.cmd, catalog, idempotent, now_ms, respond)
    }
}

/// What the object does next.
#[derive(Debug, Clone)]
pub enum CartAction {
    /// Read the cart's stored lines → [`CartInput::Lines`].
    ReadLines,
    /// Ask StoreConfig for these variants' facts → [`CartInput::Catalog`].
    Ask(CatalogQuestion),
    /// Run the command in the cart's transaction → [`CartInput::Outcome`].
    Apply(Apply),
    /// Tell StoreConfig's cart index whether the cart is now empty (it last heard otherwise
    /// from this object, or nothing) → [`CartInput::Told`].
    Tell(IndexCart),
    /// Keep what the index has now heard (`None`: unknown, so the next change tells it
    /// again), and log why telling it failed, if it did → [`CartInput::Done`].
    Heard {
        heard: Option<bool>,
        error: Option<String>,
    },
    /// An add of this product (now in the cart) counts for the recommendation it came from,
    /// if it was followed from the block → [`CartInput::Done`].
    NoteAdded { product: String },
    /// Ask StoreConfig to start Shopify's checkout → [`CartInput::Checkout`].
    Checkout(CheckoutOrder),
    /// Record these events (purchase intent) → [`CartInput::Recorded`].
    Record(Vec<ShopperEvent>),
    /// Log this error line → [`CartInput::Done`].
    LogError(String),
    /// Answer this.
    Done(CartAnswer),
    /// Answer this error (the request's own audience: JSON for the API, else a page).
    Failed(EdgeError),
}

/// What the object answers.
#[derive(Debug, Clone)]
pub enum CartInput {
    Start,
    Done,
    Lines(Vec<CartLine>),
    Catalog(Result<Rc<CatalogReply>, EdgeError>),
    Outcome(Result<Outcome, EdgeError>),
    Checkout(Result<CheckoutStarted, CheckoutFailure>),
    Told(Result<(), EdgeError>),
    /// `Some`: why the events were not recorded.
    Recorded(Option<String>),
}

/// What the request is answered with.
#[derive(Debug, Clone, PartialEq)]
pub enum CartAnswer {
    /// 303 to this location.
    SeeOther(String),
    /// The cart page with this status, and why a change was refused (the page's error
    /// flash) and when to try again, if so.
    Page {
        status: u16,
        lines: Vec<CartLine>,
        catalog: CartCatalog,
        refused: Option<String>,
        retry_after_secs: Option<u64>,
    },
    /// JSON (the cart API).
    Json(CartApiAnswer),
}

impl CartAnswer {
    /// The headers the answer is sent with (after a 303's `Location`, none): its content
    /// type; the JSON replay marker; the page is never cached and says when to try a failed
    /// checkout again.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        match self {
            CartAnswer::SeeOther(_) => Vec::new(),
            CartAnswer::Json(a) => {
                let mut headers = vec![("content-type", "application/json".to_owned())];
                if a.replayed {
                    headers.push((REPLAYED_HEADER, "true".to_owned()));
                }
                headers
            }
            CartAnswer::Page {
                retry_after_secs, ..
            } => {
                let mut headers = vec![
                    ("content-type", HTML.to_owned()),
                    ("cache-control", "private, no-store".to_owned()),
                ];
                if let Some(secs) = retry_after_secs {
                    headers.push(("retry-after", secs.to_string()));
                }
                headers
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Start,
    Lines,
    Catalog,
    Outcome,
    Checkout,
    Recorded,
    /// Telling the index that the cart is `non_empty`.
    Telling {
        non_empty: bool,
    },
    Finished,
}

/// One cart request in progress.
#[derive(Debug, Clone)]
pub struct CartRun {
    request: CartRequest,
    /// The command a write or a form asks for (`None`: a read or a checkout), or why the
    /// form's fields are none.
    command: Result<Option<CartCommand>, CommandError>,
    facts: CartFacts,
    phase: Phase,
    lines: Vec<CartLine>,
    catalog: CartCatalog,
    /// The variant an add being applied names.
    added: Option<String>,
    queue: VecDeque<CartAction>,
}

impl CartRun {
    /// `request`, with what its object knows.
    pub fn new(request: CartRequest, facts: CartFacts) -> CartRun {
        let command = match &request {
            CartRequest::Write { cmd, .. } => Ok(Some(cmd.clone())),
            CartRequest::Form { action, fields, .. } => action.command(fields).map(Some),
            _ => Ok(None),
        };
        CartRun {
            request,
            command,
            facts,
            phase: Phase::Start,
            lines: Vec::new(),
            catalog: CartCatalog::default(),
            added: None,
            queue: VecDeque::new(),
        }
    }

    /// The next action, given the answer to the last one.
    pub fn resume(&mut self, input: CartInput) -> CartAction {
        if matches!(input, CartInput::Done)
            && let Some(next) = self.queue.pop_front()
        {
            if let CartAction::Tell(q) = &next {
                self.phase = Phase::Telling {
                    non_empty: q.non_empty,
                };
            }
            return next;
        }
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        match (phase, input) {
            (Phase::Start, CartInput::Start) => {
                self.phase = Phase::Lines;
                CartAction::ReadLines
            }
            (Phase::Lines, CartInput::Lines(lines)) => self.ask(lines),
            (Phase::Catalog, CartInput::Catalog(Ok(reply))) => {
                match CartCatalog::from_answer(&reply.answer) {
                    Some(catalog) => self.with_catalog(catalog),
                    None => self.failed(EdgeError::internal(
                        "StoreConfig answered a variants question with another kind",
                    )),
                }
            }
            (Phase::Outcome, CartInput::Outcome(Ok(outcome))) => self.applied(outcome),
            (Phase::Catalog, CartInput::Catalog(Err(e)))
            | (Phase::Outcome, CartInput::Outcome(Err(e))) => self.failed(e),
            (Phase::Checkout, CartInput::Checkout(Ok(started))) => {
                self.phase = Phase::Recorded;
                let url = started.checkout_url;
                self.queue
                    .push_back(CartAction::Done(CartAnswer::SeeOther(url)));
                CartAction::Record(checkout_started(&self.lines))
            }
            (Phase::Checkout, CartInput::Checkout(Err(failed))) => self.refused_checkout(failed),
            (Phase::Recorded, CartInput::Recorded(Some(e))) => {
                let rid = &self.facts.request_id;
                CartAction::LogError(format!("purchase intent not recorded ({rid}): {e}"))
            }
            (Phase::Recorded, CartInput::Recorded(None)) => self.resume(CartInput::Done),
            (Phase::Telling { non_empty }, CartInput::Told(told)) => {
                let error = told.err().map(|e| format!("{}: {}", e.code, e.for_log()));
                let heard = heard_after_telling(non_empty, error.is_none());
                self.facts.heard = heard;
                CartAction::Heard { heard, error }
            }
            _ => self.out_of_step(),
        }
    }

    /// Asks for catalog facts for the lines and the command's variant (nothing to ask for
    /// an empty cart and no variant).
    fn ask(&mut self, lines: Vec<CartLine>) -> CartAction {
        let named = self.command.as_ref().ok().and_then(Option::as_ref);
        let named = named
            .and_then(CartCommand::variant_id)
            .map(|v| v.as_str().to_owned());
        let ids = lines.iter().map(|l| l.variant_id.clone()).chain(named);
        let question = CatalogQuestion::variants_of(ids);
        self.lines = lines;
        match question {
            Some(q) => {
                self.phase = Phase::Catalog;
                CartAction::Ask(q)
            }
            None => self.with_catalog(CartCatalog::default()),
        }
    }

    /// The cart and its catalog facts are read: what the request does with them.
    fn with_catalog(&mut self, catalog: CartCatalog) -> CartAction {
        self.catalog = catalog;
        if let Err(e) = &self.command {
            return self.page(e.status(), Some(e.to_string()), None);
        }
        match (
            &self.request,
            self.command.as_mut().ok().and_then(Option::take),
        ) {
            (CartRequest::Write { idempotent, .. }, Some(cmd)) => {
                let idempotent = idempotent.clone();
                self.apply(cmd, idempotent)
            }
            (_, Some(cmd)) => self.apply(cmd, None),
            (CartRequest::Page, None) => self.page(200, None, None),
            (CartRequest::Json, None) => {
                let (status, body) = self.answers().answer(&Ok(std::mem::take(&mut self.lines)));
                self.done(CartAnswer::Json(CartApiAnswer {
                    status,
                    body,
                    replayed: false,
                }))
            }
            (CartRequest::Checkout { buyer_ip, country }, None) => {
                let priced = reprice(&self.lines, &self.catalog.info);
                match checkout_order(&priced, buyer_ip.clone(), country.clone()) {
                    Ok(order) => {
                        self.phase = Phase::Checkout;
                        CartAction::Checkout(order)
                    }
                    Err(failed) => self.refused_checkout(failed),
                }
            }
            _ => self.out_of_step(),
        }
    }

    fn answers(&self) -> CommandAnswers {
        CommandAnswers {
            catalog: self.catalog.info.clone(),
            currency: self.facts.currency,
            request_id: self.facts.request_id.clone(),
        }
    }

    /// Runs the command (an add's variant is kept, to count it once applied).
    fn apply(&mut self, cmd: CartCommand, idempotent: Option<Idempotent>) -> CartAction {
        self.phase = Phase::Outcome;
        self.added = cmd.added_variant().map(str::to_owned);
        CartAction::Apply(Apply {
            answers: self.answers(),
            cmd,
            idempotent,
        })
    }

    /// After the transaction: after a change, the index is told and an add counted; then
    /// the answer.
    fn applied(&mut self, outcome: Outcome) -> CartAction {
        if let Outcome::Applied { lines } = &outcome {
            let non_empty = !lines.is_empty();
            if must_tell(self.facts.heard, non_empty) {
                let shopper = self.facts.shopper.clone();
                let tell = CartAction::Tell(IndexCart { shopper, non_empty });
                self.queue.push_back(tell);
            }
            let added = self.added.take();
            let line = added.and_then(|v| lines.iter().find(|l| l.variant_id == v));
            self.queue.extend(line.map(|l| CartAction::NoteAdded {
                product: l.product_handle.clone(),
            }));
        }
        let action = match (&self.request, outcome) {
            (CartRequest::Form { .. }, Outcome::Refused(e)) => {
                CartAction::Done(self.page_answer(e.status(), Some(e.to_string()), None))
            }
            (CartRequest::Form { action, base, .. }, _) => {
                CartAction::Done(CartAnswer::SeeOther(action.redirect(base)))
            }
            (_, outcome) => {
                let (info, currency) = (&self.catalog.info, self.facts.currency);
                match outcome_answer(outcome, info, currency, &self.facts.request_id) {
                    Ok(answer) => CartAction::Done(CartAnswer::Json(answer)),
                    Err(e) => CartAction::Failed(self.api_error(e)),
                }
            }
        };
        self.queue.push_back(action);
        self.resume(CartInput::Done)
    }

    fn refused_checkout(&mut self, failed: CheckoutFailure) -> CartAction {
        let retry = failed.retry_after_secs;
        self.page(failed.status, Some(failed.message), retry)
    }

    fn page_answer(
        &mut self,
        status: u16,
        refused: Option<String>,
        retry_after_secs: Option<u64>,
    ) -> CartAnswer {
        CartAnswer::Page {
            status,
            lines: std::mem::take(&mut self.lines),
            catalog: std::mem::take(&mut self.catalog),
            refused,
            retry_after_secs,
        }
    }

    fn page(&mut self, status: u16, refused: Option<String>, retry: Option<u64>) -> CartAction {
        let answer = self.page_answer(status, refused, retry);
        self.done(answer)
    }

    fn done(&mut self, answer: CartAnswer) -> CartAction {
        self.phase = Phase::Finished;
        CartAction::Done(answer)
    }

    /// The API words a catalog that cannot be read its own way; pages show errors as they
    /// are.
    fn api_error(&self, e: EdgeError) -> EdgeError {
        match self.request {
            CartRequest::Json | CartRequest::Write { .. } => catalog_error(e),
            _ => e,
        }
    }

    fn failed(&mut self, e: EdgeError) -> CartAction {
        self.phase = Phase::Finished;
        CartAction::Failed(self.api_error(e))
    }

    /// An input that does not answer the last action (a bug in the executor).
    fn out_of_step(&mut self) -> CartAction {
        self.failed(EdgeError::internal(
            "the cart request was resumed out of step",
        ))
    }
}

#[cfg(test)]
#[path = "cart_run_tests.rs"]
mod tests;
