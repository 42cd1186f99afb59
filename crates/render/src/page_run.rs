//! A page request in a shopper's object as a sans-IO driver: the order of its steps and every
//! branch between them. The store's look (kept for the snapshot TTL) and a preview's draft
//! theme come first; then, unless it is a first visit's read (which touches no storage),
//! the schema and the views the shopper's cookie carried (best effort); the header's cart
//! count; the shopper's own limit; a write's body; the route's steps (a catalog page, the
//! home page's visit count, block and hint, a product's view and click, the opt-out form,
//! or a cart request the object runs); after the answer, the activity and the cart count for
//! the cookie's hint. Which error reads as JSON (the cart API), in the store's frame or in
//! the platform's (before the store's frame is known) is decided here too. The object
//! performs each [`PageAction`] and answers with a [`PageInput`]:
//!
//! ```text
//! let mut input = PageInput::Start;
//! loop {
//!     input = match run.resume(input) {
//!         PageAction::AskLook => PageInput::Look(StoreConfig's settings and theme),
//!         PageAction::AskDraft => PageInput::Draft(StoreConfig's draft slot),
//!         PageAction::EnsureSchema | Write(w) | Record(events) => PageInput::Written(..),
//!         PageAction::ReadEvents => PageInput::Events(the newest events, oldest first),
//!         PageAction::CountCart => PageInput::Cart(the cart's item count),
//!         PageAction::ReadBody => PageInput::Body(the body and the headers it is read with),
//!         PageAction::Ask(q) => PageInput::Catalog(the isolate's or StoreConfig's answer),
//!         PageAction::CountVisit(first) => PageInput::Visits(the counter after this view),
//!         PageAction::Block(settings) => PageInput::Block(the recommendations block),
//!         PageAction::Cart(request) => PageInput::Served(the cart run's reply),
//!         PageAction::IsStored => PageInput::Stored(the storage is open in this lifetime),
//!         PageAction::LogFailure(..) | Count(..) | NoteActivity => PageInput::Done,
//!         PageAction::Done { reply, report } => break (reply, report),
//!     };
//! }
//! ```

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::console_reply::Reply;
use crate::listing_pages::{self as listing, CatalogPage, Shown as Listed};
use crate::{Audience, Chrome, shopper_pages};
use std::fmt::Display;
use std::rc::Rc;
use std::sync::Arc;
use wandstore_ai::block::OPTED_OUT_KEY;
use wandstore_ai::report::{Interaction, Source};
use wandstore_ai::settings::PersonalizationSettings;
use wandstore_core::cart::{CartLine, item_count};
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_core::edge_pages::EdgePage;
use wandstore_core::events::BestEffort;
use wandstore_core::money::Currency;
use wandstore_core::routes::StoreRoute;
use wandstore_core::shopper_events::{ShopperEvent, pending_views};
use wandstore_protocol::EdgeError;
use wandstore_protocol::block_run::{self, Shown};
use wandstore_protocol::cart_route::{Posted, cart_request, checked_form};
use wandstore_protocol::cart_run::CartRequest;
use wandstore_protocol::page_plan::{HomeView, PagePlan, home_view};
use wandstore_protocol::personalization::opt_out;
use wandstore_protocol::shopper::{ObjectReport, ShopperContext, unknown_store};
use wandstore_protocol::shopper_memory::ShopperMemory;
use wandstore_protocol::store::{CatalogReply, StoreError};
use wandstore_protocol::store_view::StoreLook;
use wandstore_protocol::theme::ThemeSlot;
use wandstore_protocol::wire::AskError;
use wandstore_storage::shopper::{STORE_PAGE_VIEWS_AT_LEAST, state_write};
use wandstore_storage::{ValueRow, Write, json_text};

/// The request as the entry sent it.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub method: &'a str,
    /// The path, as the entry rewrote it for the object.
    pub path: &'a str,
    pub query: &'a [(String, String)],
}

/// A write's body and the headers its checks read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    pub text: String,
    pub content_type: Option<String>,
    pub idempotency_key: Option<String>,
}

/// What the object does next.
pub enum PageAction {
    /// Ask StoreConfig for the store's settings and published theme, counting the call (the
    /// look kept in memory is stale or missing) → [`PageInput::Look`].
    AskLook,
    /// Ask StoreConfig for the draft theme (a preview) → [`PageInput::Draft`].
    AskDraft,
    /// Bring the schema up to date → [`PageInput::Written`].
    EnsureSchema,
    /// Run this statement → [`PageInput::Written`].
    Write(Write),
    /// Read the shopper's newest events, oldest first, with their times →
    /// [`PageInput::Events`].
    ReadEvents,
    /// Record these events at these times → [`PageInput::Written`].
    Record(Vec<(ShopperEvent, u64)>),
    /// Log a best-effort step that failed (for the store) → [`PageInput::Done`].
    LogFailure(BestEffort, String),
    /// Read the cart's lines → [`PageInput::Cart`].
    CountCart,
    /// Read the request's body and its headers → [`PageInput::Body`].
    ReadBody,
    /// Ask this catalog question → [`PageInput::Catalog`].
    Ask(CatalogQuestion),
    /// Count a home page view, starting the counter at `first` → [`PageInput::Visits`].
    CountVisit(u64),
    /// Build the recommendations block with these settings → [`PageInput::Block`].
    Block(PersonalizationSettings),
    /// Run this cart request → [`PageInput::Served`].
    Cart(CartRequest),
    /// Count an interaction with the block (after the response) → [`PageInput::Done`].
    Count(Source, Interaction),
    /// Whether the storage was opened in this object's lifetime → [`PageInput::Stored`].
    IsStored,
    /// Note the shopper's activity (best effort) → [`PageInput::Done`].
    NoteActivity,
    /// Send this reply; `report` goes into its report header (with the rows counted).
    Done { reply: Reply, report: ObjectReport },
}

/// What the object answers.
pub enum PageInput {
    Start,
    Done,
    Look(Result<StoreLook, EdgeError>),
    Draft(Result<ThemeSlot, AskError<StoreError>>),
    /// A storage step's result (the schema, a write, recorded events): why it failed.
    Written(Result<(), String>),
    Events(Result<Vec<(ShopperEvent, u64)>, String>),
    Cart(Result<u32, String>),
    Body(Result<Body, String>),
    Catalog(Result<Rc<CatalogReply>, EdgeError>),
    Visits(Result<Option<u64>, String>),
    Block(Option<Shown>),
    Served(Result<Reply, EdgeError>),
    Stored(bool),
}

impl PageInput {
    pub fn written<E: Display>(result: Result<(), E>) -> Self {
        PageInput::Written(result.map_err(|e| e.to_string()))
    }

    pub fn events<E: Display>(result: Result<Vec<(ShopperEvent, u64)>, E>) -> Self {
        PageInput::Events(result.map_err(|e| e.to_string()))
    }

    /// The answer to [`PageAction::CountCart`]: the lines' item count.
    pub fn cart<E: Display>(lines: Result<Vec<CartLine>, E>) -> Self {
        PageInput::Cart(lines.map(|l| item_count(&l)).map_err(|e| e.to_string()))
    }

    pub fn body<E: Display>(result: Result<Body, E>) -> Self {
        PageInput::Body(result.map_err(|e| e.to_string()))
    }

    /// The answer to [`PageAction::CountVisit`]: the counter's row.
    pub fn visits<E: Display>(row: Result<Option<ValueRow>, E>) -> Self {
        PageInput::Visits(row.map(|r| r.map(|r| r.value)).map_err(|e| e.to_string()))
    }
}

/// Where the run is: what it waits for.
enum Phase<'a> {
    Start,
    Look,
    Draft,
    Schema,
    HomeCount,
    PendingRead,
    PendingRecord,
    Counted,
    Body,
    Listing(CatalogPage<'a>),
    Home,
    Visits,
    Block,
    History,
    Viewed(String),
    Clicked,
    OptedOut,
    Cart,
    Stored,
    Reported,
    /// A side effect was performed: go on with this.
    Then(fn(&mut PageRun<'a>) -> PageAction),
    Finished,
}

pub struct PageRun<'a> {
    ctx: &'a ShopperContext,
    memory: &'a ShopperMemory,
    asked: Asked<'a>,
    plan: PagePlan<'a>,
    now_ms: u64,
    csrf_secret: Option<&'a [u8]>,
    phase: Phase<'a>,
    look: Option<StoreLook>,
    cart_count: u32,
    body: Body,
    /// The home page's catalog answer, visit count and block.
    home: Option<Rc<CatalogReply>>,
    visits: u64,
    block: Option<Shown>,
    /// A product page's HTML, sent once its view is recorded.
    html: String,
    /// The count a product page's click earns once its write succeeded.
    noted: Option<(Source, Interaction)>,
    reply: Option<Reply>,
}

impl<'a> PageRun<'a> {
    /// A run for `asked` by `ctx`, with the object's `memory`, at `now_ms`; `csrf_secret`
    /// signs and checks form tokens (none: every form post is refused).
    pub fn new(
        ctx: &'a ShopperContext,
        asked: Asked<'a>,
        memory: &'a ShopperMemory,
        now_ms: u64,
        csrf_secret: Option<&'a [u8]>,
    ) -> Self {
        let plan = PagePlan::new(asked.method, asked.path, ctx.first_visit, ctx.preview);
        PageRun {
            ctx,
            memory,
            asked,
            plan,
            now_ms,
            csrf_secret,
            phase: Phase::Start,
            look: None,
            cart_count: 0,
            body: Body::default(),
            home: None,
            visits: 0,
            block: None,
            html: String::new(),
            noted: None,
            reply: None,
        }
    }

    pub fn ctx(&self) -> &'a ShopperContext {
        self.ctx
    }

    pub fn query(&self) -> &'a [(String, String)] {
        self.asked.query
    }

    /// The store's currency (USD before the look is read: no cart request runs then).
    pub fn currency(&self) -> Currency {
        let look = self.look.as_ref();
        look.map_or(Currency::USD, |l| l.settings.currency)
    }

    /// The store's frame for this shopper, or the platform's before the look is read.
    pub fn chrome(&self) -> Chrome {
        let (ctx, count) = (self.ctx, self.cart_count);
        match &self.look {
            Some(look) => listing::chrome(ctx, &look.settings, Arc::clone(&look.theme), count),
            None => Chrome::platform(&ctx.request_id),
        }
    }

    /// The CSRF token for this shopper's forms (empty without a secret: every post fails).
    pub fn csrf_token(&self) -> String {
        let (ctx, now) = (self.ctx, self.now_ms);
        self.csrf_secret
            .map(|secret| wandstore_core::csrf::issue(secret, &ctx.store, &ctx.shopper, now))
            .unwrap_or_default()
    }

    /// The next action, given the last one's result.
    pub fn resume(&mut self, input: PageInput) -> PageAction {
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        match (phase, input) {
            (Phase::Start, PageInput::Start) => self.start(),
            (Phase::Look, PageInput::Look(Ok(look))) => {
                self.memory.keep_look(look.clone(), self.now_ms);
                self.looked(look)
            }
            (Phase::Look, PageInput::Look(Err(e))) => self.platform(e),
            (Phase::Draft, PageInput::Draft(asked)) => {
                let ctx = self.ctx;
                let draft = asked.map_err(|e| unknown_store(&ctx.store, e));
                match draft.and_then(ThemeSlot::draft) {
                    Ok(theme) => {
                        if let Some(look) = &mut self.look {
                            look.theme = Arc::new(theme);
                        }
                        self.storage()
                    }
                    Err(e) => self.platform(e),
                }
            }
            (Phase::Schema, PageInput::Written(Ok(()))) => self.pending(),
            (Phase::Schema, PageInput::Written(Err(e)))
            | (Phase::Counted, PageInput::Cart(Err(e)))
            | (Phase::Body, PageInput::Body(Err(e))) => self.platform(EdgeError::internal(e)),
            (Phase::HomeCount, PageInput::Written(written)) => {
                let what = BestEffort::PendingHomeViews;
                self.taken(
                    written,
                    what,
                    |r| r.home_counted = true,
                    Self::pending_views,
                )
            }
            (Phase::PendingRead, PageInput::Events(Ok(newest))) => {
                let views = pending_views(&self.ctx.pending_views, &newest, self.now_ms);
                self.phase = Phase::PendingRecord;
                PageAction::Record(views)
            }
            (Phase::PendingRead, PageInput::Events(Err(e))) => {
                self.log_then(BestEffort::PendingViews, e, Self::count)
            }
            (Phase::PendingRecord, PageInput::Written(written)) => {
                let what = BestEffort::PendingViews;
                self.taken(written, what, |r| r.views_taken = true, Self::count)
            }
            (Phase::Counted, PageInput::Cart(Ok(count))) => {
                self.cart_count = count;
                self.admit()
            }
            (Phase::Body, PageInput::Body(Ok(body))) => {
                self.body = body;
                self.serve()
            }
            (Phase::Listing(page), PageInput::Catalog(Ok(reply))) => {
                self.listed(page, Some(&reply.answer))
            }
            (Phase::Home, PageInput::Catalog(Ok(reply))) => {
                if let Err(e) = shopper_pages::featured(&reply.answer) {
                    return self.error(e, false);
                }
                self.home = Some(reply);
                self.count_visit()
            }
            (Phase::Listing(_) | Phase::Home, PageInput::Catalog(Err(e))) => self.error(e, false),
            (Phase::Visits, PageInput::Visits(Ok(Some(visits)))) => {
                self.visits = visits;
                self.block()
            }
            (Phase::Visits, PageInput::Visits(Ok(None))) => {
                let e = EdgeError::internal("page view counter returned no row");
                self.error(e, false)
            }
            (Phase::Visits, PageInput::Visits(Err(e)))
            | (Phase::Viewed(_) | Phase::OptedOut, PageInput::Written(Err(e))) => {
                self.error(EdgeError::internal(e), false)
            }
            (Phase::Block, PageInput::Block(block)) => {
                self.block = block;
                let stored = !self.memory.unrecorded.get();
                if stored && !self.ctx.preview {
                    self.phase = Phase::History;
                    return PageAction::ReadEvents;
                }
                self.home_page(None)
            }
            // An unreadable history counts as one: the entry does not take the page over.
            (Phase::History, PageInput::Events(events)) => {
                let none = events.is_ok_and(|events| events.is_empty());
                self.home_page(none.then_some(self.visits))
            }
            (Phase::Viewed(handle), PageInput::Written(Ok(()))) => self.clicked(&handle),
            (Phase::Clicked, PageInput::Written(written)) => match (written, self.noted.take()) {
                (Ok(()), Some((source, what))) => {
                    self.phase = Phase::Then(Self::product_page);
                    PageAction::Count(source, what)
                }
                _ => self.product_page(),
            },
            (Phase::OptedOut, PageInput::Written(Ok(()))) => {
                let location = self.ctx.base.clone();
                self.answer((303, vec![("location", location)], String::new()))
            }
            (Phase::Cart, PageInput::Served(Ok(reply))) => self.answer(reply),
            (Phase::Cart, PageInput::Served(Err(e))) => {
                let api = matches!(self.plan.route, Ok(StoreRoute::CartApi));
                self.error(e, api)
            }
            (Phase::Stored, PageInput::Stored(true)) => {
                self.phase = Phase::Then(Self::report_count);
                PageAction::NoteActivity
            }
            (Phase::Stored, PageInput::Stored(false)) => {
                let items = self.ctx.first_visit.then_some(0);
                self.done(items)
            }
            (Phase::Reported, PageInput::Cart(count)) => self.done(count.ok()),
            (Phase::Then(next), PageInput::Done) => next(self),
            _ => self.platform(EdgeError::internal(
                "the page run got an answer it did not ask for",
            )),
        }
    }

    /// A new request: an empty report, the look kept within the TTL or asked for.
    fn start(&mut self) -> PageAction {
        self.memory.report.take();
        match self.memory.fresh_look(self.now_ms) {
            Some(look) => self.looked(look),
            None => {
                self.phase = Phase::Look;
                PageAction::AskLook
            }
        }
    }

    fn looked(&mut self, look: StoreLook) -> PageAction {
        self.look = Some(look);
        if self.ctx.preview {
            self.memory.report.borrow_mut().count_call();
            self.phase = Phase::Draft;
            return PageAction::AskDraft;
        }
        self.storage()
    }

    /// A first visit's read touches no storage, not even the schema.
    fn storage(&mut self) -> PageAction {
        self.memory.unrecorded.set(self.plan.unrecorded);
        if self.plan.unrecorded {
            return self.count();
        }
        self.phase = Phase::Schema;
        PageAction::EnsureSchema
    }

    /// The cookie's pending home views, stored before anything reads the counter.
    fn pending(&mut self) -> PageAction {
        match self.ctx.home_count {
            Some(count) => {
                self.phase = Phase::HomeCount;
                PageAction::Write(Write::new(STORE_PAGE_VIEWS_AT_LEAST, vec![count.into()]))
            }
            None => self.pending_views(),
        }
    }

    /// The cookie's pending product views, recorded before anything reads the history.
    fn pending_views(&mut self) -> PageAction {
        if self.ctx.pending_views.is_empty() {
            return self.count();
        }
        self.phase = Phase::PendingRead;
        PageAction::ReadEvents
    }

    /// A best-effort step's result: noted in the report, or logged; then `next`.
    fn taken(
        &mut self,
        result: Result<(), String>,
        what: BestEffort,
        note: fn(&mut ObjectReport),
        next: fn(&mut Self) -> PageAction,
    ) -> PageAction {
        match result {
            Ok(()) => {
                note(&mut self.memory.report.borrow_mut());
                next(self)
            }
            Err(e) => self.log_then(what, e, next),
        }
    }

    fn log_then(
        &mut self,
        what: BestEffort,
        e: String,
        next: fn(&mut Self) -> PageAction,
    ) -> PageAction {
        self.phase = Phase::Then(next);
        PageAction::LogFailure(what, e)
    }

    /// The header's cart count (nothing stored on a first visit's read: an empty cart).
    fn count(&mut self) -> PageAction {
        if !self.plan.counts_cart || self.plan.unrecorded {
            return self.admit();
        }
        self.phase = Phase::Counted;
        PageAction::CountCart
    }

    /// The shopper's own limit, before the request changes anything; then the route.
    fn admit(&mut self) -> PageAction {
        let (window, report) = (&self.memory.cart_writes, &self.memory.report);
        let refusal = (self.plan).admit(
            &mut window.borrow_mut(),
            self.now_ms,
            &mut report.borrow_mut(),
        );
        if let Some((e, api)) = refusal {
            return self.error(e, api);
        }
        if let Err(e) = &self.plan.route {
            let e = e.clone();
            return self.error(e, false);
        }
        if self.plan.reads_body {
            self.phase = Phase::Body;
            return PageAction::ReadBody;
        }
        self.serve()
    }

    /// The route's first step.
    fn serve(&mut self) -> PageAction {
        let Ok(route) = self.plan.route.clone() else {
            return self.platform(EdgeError::internal("serving a refused route"));
        };
        let posted = Posted {
            post: self.asked.method == "POST",
            body: &self.body.text,
            content_type: self.body.content_type.as_deref(),
            idempotency_key: self.body.idempotency_key.as_deref(),
            csrf_secret: self.csrf_secret.unwrap_or_default(),
            now_ms: self.now_ms,
        };
        let api = matches!(route, StoreRoute::CartApi);
        match (cart_request(&route, &posted, self.ctx), route) {
            (Some(Ok(request)), _) => {
                self.phase = Phase::Cart;
                PageAction::Cart(request)
            }
            (Some(Err(e)), _) => self.error(e, api),
            (None, StoreRoute::Home) => {
                self.phase = Phase::Home;
                PageAction::Ask(CatalogQuestion::Home)
            }
            (None, StoreRoute::Collection(handle)) => self.listing(EdgePage::Collection(handle)),
            (None, StoreRoute::Search) => self.listing(EdgePage::Search),
            (None, StoreRoute::Product(handle)) => self.listing(EdgePage::Product(handle)),
            (None, StoreRoute::Personalization) => {
                let opted_out = checked_form(&posted, self.ctx).and_then(|f| opt_out(&f));
                match opted_out.map(|o| json_text(&o)) {
                    Ok(Ok(json)) => {
                        self.phase = Phase::OptedOut;
                        PageAction::Write(state_write(OPTED_OUT_KEY, json))
                    }
                    Ok(Err(e)) => self.error(EdgeError::internal(e), false),
                    Err(e) => self.error(e, false),
                }
            }
            // Cart routes ask a cart request (above); the rest were refused by the plan
            // (served by the Worker before any object is asked).
            (None, _) => {
                let e = EdgeError::internal("a Worker route reached the shopper's object");
                self.error(e, false)
            }
        }
    }

    /// A catalog page: its question (none: rendered at once), then the page.
    fn listing(&mut self, which: EdgePage<'a>) -> PageAction {
        let page = CatalogPage::new(which, self.asked.query);
        match page.question() {
            Ok(Some(q)) => {
                self.phase = Phase::Listing(page);
                PageAction::Ask(q)
            }
            Ok(None) => self.listed(page, None),
            Err(e) => self.error(e, false),
        }
    }

    /// The catalog page rendered; a product page's view (the product it showed) is recorded
    /// before it is sent.
    fn listed(
        &mut self,
        page: CatalogPage<'a>,
        answer: Option<&wandstore_core::catalog_question::CatalogAnswer>,
    ) -> PageAction {
        match page.render(self.chrome(), answer, || self.csrf_token()) {
            Ok(Listed {
                html: page,
                viewed: Some(handle),
            }) => {
                self.html = page;
                if self.plan.unrecorded {
                    return self.product_page();
                }
                let viewed = ShopperEvent::Viewed {
                    handle: handle.clone(),
                };
                self.phase = Phase::Viewed(handle);
                PageAction::Record(vec![(viewed, self.now_ms)])
            }
            Ok(shown) => self.answer(html(shown.html)),
            Err(e) => self.error(e, false),
        }
    }

    /// A product page reached from the block (`?rec=`): the click is remembered and
    /// counted (not on a first visit's read or a preview).
    fn clicked(&mut self, handle: &str) -> PageAction {
        let recorded = !self.memory.unrecorded.get() && !self.ctx.preview;
        let rec = listing::param(self.asked.query, "rec");
        match block_run::click(rec, handle, recorded) {
            Some(noted) => {
                self.noted = Some((noted.source, noted.what));
                self.phase = Phase::Clicked;
                PageAction::Write(noted.write)
            }
            None => self.product_page(),
        }
    }

    fn product_page(&mut self) -> PageAction {
        let page = std::mem::take(&mut self.html);
        self.answer(html(page))
    }

    /// The home page view, counted unless it is a first visit's read.
    fn count_visit(&mut self) -> PageAction {
        let (unrecorded, saw_home) = (self.memory.unrecorded.get(), self.ctx.saw_home);
        match home_view(&mut self.memory.report.borrow_mut(), unrecorded, saw_home) {
            HomeView::Shown(visits) => {
                self.visits = visits;
                self.block()
            }
            HomeView::Count { first } => {
                self.phase = Phase::Visits;
                PageAction::CountVisit(first)
            }
        }
    }

    fn block(&mut self) -> PageAction {
        let settings = self.look.as_ref().map(|l| l.personalization.clone());
        self.phase = Phase::Block;
        PageAction::Block(settings.unwrap_or_default())
    }

    /// The home page; `hinted`: the visit count the entry may carry in the cookie (a stored
    /// view of a shopper with no history yet: no block can show, so the entry may answer
    /// the next home pages itself).
    fn home_page(&mut self, hinted: Option<u64>) -> PageAction {
        self.memory.report.borrow_mut().visits_shown = hinted;
        let Some(reply) = self.home.take() else {
            return self.platform(EdgeError::internal("a home page without its answer"));
        };
        let featured = match shopper_pages::featured(&reply.answer) {
            Ok(featured) => featured,
            Err(e) => return self.error(e, false),
        };
        let (visits, block, preview) = (self.visits, self.block.take(), self.ctx.preview);
        let page =
            shopper_pages::home_page(self.chrome(), visits, featured, block, preview, || {
                self.csrf_token()
            });
        match page {
            Ok(page) => self.answer(html(page)),
            Err(e) => self.error(e, false),
        }
    }

    /// An error the shopper reads as JSON (`api`) or as a page in the store's frame.
    fn error(&mut self, e: EdgeError, api: bool) -> PageAction {
        let audience = match api {
            true => Audience::Api,
            false => Audience::page(self.chrome()),
        };
        self.error_reply(e, audience)
    }

    /// An error before the store's frame is known (or a step the shopper could not cause).
    fn platform(&mut self, e: EdgeError) -> PageAction {
        let chrome = Chrome::platform(&self.ctx.request_id);
        self.error_reply(e, Audience::page(chrome))
    }

    fn error_reply(&mut self, e: EdgeError, audience: Audience) -> PageAction {
        let (headers, body) = audience.answer(&e, &self.ctx.request_id);
        self.answer((e.status, headers, body))
    }

    /// The reply is known: then the activity and the cart's count for the cookie's hint.
    fn answer(&mut self, reply: Reply) -> PageAction {
        self.reply = Some(reply);
        self.phase = Phase::Stored;
        PageAction::IsStored
    }

    fn report_count(&mut self) -> PageAction {
        self.phase = Phase::Reported;
        PageAction::CountCart
    }

    /// Done; `cart_items`: the cart's item count for the cookie's hint (`None`: unknown,
    /// the hint stays as it was).
    fn done(&mut self, cart_items: Option<u32>) -> PageAction {
        let mut report = self.memory.report.take();
        report.cart_items = cart_items;
        let reply = self
            .reply
            .take()
            .unwrap_or((500, Vec::new(), String::new()));
        PageAction::Done { reply, report }
    }
}

/// A rendered page's reply.
fn html(page: String) -> Reply {
    let content_type = wandstore_protocol::entry_route::HTML.to_owned();
    (200, vec![("content-type", content_type)], page)
}
