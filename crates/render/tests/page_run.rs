//! A shopper object's page request, step by step (`page_run`): the order of its I/O, what a
//! failed step at each point answers, and what the report tells the entry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::rc::Rc;
use support::fixtures::{product, store, usd, variant};
use wandstore_ai::report::{Interaction, Source};
use wandstore_core::catalog_question::{CatalogAnswer, CatalogQuestion};
use wandstore_core::cookie_hints::PendingView;
use wandstore_core::identity::ShopperId;
use wandstore_core::retention::Retention;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::block_run::Shown;
use wandstore_protocol::shopper::{ObjectReport, ShopperContext};
use wandstore_protocol::shopper_memory::ShopperMemory;
use wandstore_protocol::store::{CatalogReply, Freshness, StoreError};
use wandstore_protocol::store_view::StoreLook;
use wandstore_protocol::theme::ThemeSlot;
use wandstore_protocol::wire::AskError;
use wandstore_render::Theme;
use wandstore_render::console_reply::Reply;
use wandstore_render::page_run::{Asked, Body, PageAction, PageInput, PageRun};
use wandstore_storage::shopper::STORE_PAGE_VIEWS_AT_LEAST;

const NOW: u64 = 1_700_000_000_000;
const SECRET: &[u8] = b"a-csrf-secret-of-at-least-32-bytes!!";

fn ctx() -> ShopperContext {
    ShopperContext {
        store: StoreSlug::parse("acme").unwrap(),
        shopper: ShopperId::from_random([7; 16]),
        base: "/s/acme/".into(),
        origin: "http://127.0.0.1:8787".into(),
        request_id: "req-1".into(),
        buyer_ip: None,
        buyer_country: None,
        first_visit: false,
        saw_home: false,
        preview: false,
        script_nonce: None,
        pending_views: Vec::new(),
        home_count: None,
    }
}

fn memory() -> ShopperMemory {
    ShopperMemory::new(Retention::from_vars(|_| None))
}

fn look() -> StoreLook {
    StoreLook {
        settings: store("Acme Goods", "USD"),
        theme: Theme::shared_default(),
        personalization: Default::default(),
    }
}

fn catalog(answer: CatalogAnswer) -> PageInput {
    PageInput::Catalog(Ok(Rc::new(CatalogReply {
        answer,
        freshness: Freshness::Fresh,
        upstream: None,
    })))
}

/// Every step succeeds: a returning shopper with two items in the cart and no history.
fn happy(action: &PageAction) -> PageInput {
    match action {
        PageAction::AskLook => PageInput::Look(Ok(look())),
        PageAction::AskDraft => PageInput::Draft(Ok(ThemeSlot {
            version: 0,
            body: None,
        })),
        PageAction::EnsureSchema | PageAction::Write(_) | PageAction::Record(_) => {
            PageInput::Written(Ok(()))
        }
        PageAction::ReadEvents => PageInput::Events(Ok(Vec::new())),
        PageAction::CountCart => PageInput::Cart(Ok(2)),
        PageAction::ReadBody => PageInput::Body(Ok(Body::default())),
        PageAction::Ask(CatalogQuestion::Home) => catalog(CatalogAnswer::Home {
            featured: Vec::new(),
        }),
        PageAction::Ask(CatalogQuestion::Product { handle }) => {
            let variants = vec![variant("1", "M", usd(1500), None, true)];
            catalog(CatalogAnswer::Product {
                product: Box::new(product(handle, "Hat", variants)),
            })
        }
        PageAction::Ask(_) => PageInput::Catalog(Err(EdgeError::not_found("nope", "no such"))),
        PageAction::CountVisit(first) => PageInput::Visits(Ok(Some(first + 4))),
        PageAction::Block(_) => PageInput::Block(None),
        PageAction::Cart(_) => PageInput::Served(Ok((200, Vec::new(), "the cart".into()))),
        PageAction::IsStored => PageInput::Stored(true),
        PageAction::LogFailure(..) | PageAction::Count(..) | PageAction::NoteActivity => {
            PageInput::Done
        }
        PageAction::Done { .. } => unreachable!("the run ended"),
    }
}

fn name(action: &PageAction) -> String {
    match action {
        PageAction::AskLook => "ask look".into(),
        PageAction::AskDraft => "ask draft".into(),
        PageAction::EnsureSchema => "schema".into(),
        PageAction::Write(w) if w.sql == STORE_PAGE_VIEWS_AT_LEAST => "store home views".into(),
        PageAction::Write(w) => format!("write {:?}", w.args),
        PageAction::ReadEvents => "read events".into(),
        PageAction::Record(events) => format!("record {}", events.len()),
        PageAction::LogFailure(what, _) => format!("log {what:?}"),
        PageAction::CountCart => "count cart".into(),
        PageAction::ReadBody => "read body".into(),
        PageAction::Ask(CatalogQuestion::Home) => "ask home".into(),
        PageAction::Ask(CatalogQuestion::Product { handle }) => format!("ask product {handle}"),
        PageAction::Ask(_) => "ask listing".into(),
        PageAction::CountVisit(first) => format!("count visit from {first}"),
        PageAction::Block(_) => "block".into(),
        PageAction::Cart(_) => "cart".into(),
        PageAction::Count(source, what) => format!("count {source:?} {what:?}"),
        PageAction::IsStored => "is stored".into(),
        PageAction::NoteActivity => "note activity".into(),
        PageAction::Done { .. } => "done".into(),
    }
}

struct Ran {
    steps: Vec<String>,
    reply: Reply,
    report: ObjectReport,
}

impl Ran {
    fn status(&self) -> u16 {
        self.reply.0
    }

    fn header(&self, name: &str) -> Option<&str> {
        let found = self.reply.1.iter().find(|(k, _)| *k == name);
        found.map(|(_, v)| v.as_str())
    }

    fn body(&self) -> &str {
        &self.reply.2
    }
}

/// Runs one request with `answer` performing each step.
fn run_with(
    ctx: &ShopperContext,
    memory: &ShopperMemory,
    (method, path, query): (&str, &str, &[(String, String)]),
    mut answer: impl FnMut(&PageAction) -> PageInput,
) -> Ran {
    let asked = Asked {
        method,
        path,
        query,
    };
    let mut run = PageRun::new(ctx, asked, memory, NOW, Some(SECRET));
    let mut steps = Vec::new();
    let mut input = PageInput::Start;
    for _ in 0..40 {
        let action = run.resume(input);
        if let PageAction::Done { reply, report } = action {
            return Ran {
                steps,
                reply,
                report,
            };
        }
        steps.push(name(&action));
        input = answer(&action);
    }
    panic!("the run never ended: {steps:?}");
}

fn get(path: &str) -> (&'static str, &str, &'static [(String, String)]) {
    ("GET", path, &[])
}

#[test]
fn a_returning_shoppers_home_page_takes_its_steps_in_order_and_hints_its_visit_count() {
    let ran = run_with(&ctx(), &memory(), get("/"), happy);
    assert_eq!(
        ran.steps,
        [
            "ask look",
            "schema",
            "count cart",
            "ask home",
            "count visit from 1",
            "block",
            "read events",
            "is stored",
            "note activity",
            "count cart",
        ]
    );
    assert_eq!(ran.status(), 200);
    assert!(ran.header("content-type").unwrap().starts_with("text/html"));
    assert!(ran.body().contains("Acme Goods"));
    assert_eq!(
        ran.report.visits_shown,
        Some(5),
        "no history: the entry may answer"
    );
    assert_eq!(ran.report.cart_items, Some(2));
}

#[test]
fn a_home_page_with_history_or_a_block_hints_nothing_and_an_unreadable_history_counts_as_one() {
    for events in [Ok(vec![(ev("hat"), 5)]), Err("disk on fire".to_owned())] {
        let mut events = Some(events);
        let ran = run_with(&ctx(), &memory(), get("/"), |a| match a {
            PageAction::ReadEvents => PageInput::Events(events.take().unwrap()),
            a => happy(a),
        });
        assert_eq!(ran.status(), 200);
        assert_eq!(ran.report.visits_shown, None);
    }
    let shown = Shown {
        cards: Vec::new(),
        source: Source::Ai,
        headline: None,
        opted_out: false,
    };
    let ran = run_with(&ctx(), &memory(), get("/"), |a| match a {
        PageAction::Block(_) => PageInput::Block(Some(shown.clone())),
        PageAction::ReadEvents => PageInput::Events(Ok(vec![(ev("hat"), 5)])),
        a => happy(a),
    });
    assert_eq!(ran.status(), 200);
    assert!(ran.body().contains("name=\"csrf\""), "the opt-out form");
}

fn ev(handle: &str) -> wandstore_core::shopper_events::ShopperEvent {
    wandstore_core::shopper_events::ShopperEvent::Viewed {
        handle: handle.into(),
    }
}

#[test]
fn the_look_is_kept_for_the_snapshot_ttl_and_a_previews_draft_is_asked_every_time() {
    let memory = memory();
    run_with(&ctx(), &memory, get("/search"), happy);
    let again = run_with(&ctx(), &memory, get("/"), happy);
    assert_eq!(again.steps[0], "schema");
    assert_eq!(again.report.do_calls, 0);
    let preview = ShopperContext {
        preview: true,
        ..ctx()
    };
    let previewed = run_with(&preview, &memory, get("/"), happy);
    assert_eq!(previewed.steps[..2], ["ask draft", "schema"]);
    assert_eq!(previewed.report.do_calls, 1);
    assert!(!previewed.steps.contains(&"read events".to_owned()));
    assert_eq!(
        previewed.report.visits_shown, None,
        "a preview hints nothing"
    );
}

#[test]
fn a_first_visits_read_touches_no_storage_and_reports_an_empty_cart() {
    let first = ShopperContext {
        first_visit: true,
        ..ctx()
    };
    let ran = run_with(&first, &memory(), get("/products/hat"), |a| match a {
        PageAction::IsStored => PageInput::Stored(false),
        a => happy(a),
    });
    assert_eq!(
        ran.steps,
        ["ask look", "ask product hat", "is stored"],
        "no schema, no cart count, no view recorded"
    );
    assert_eq!(ran.status(), 200);
    assert_eq!(ran.report.cart_items, Some(0));
    let home = run_with(&first, &memory(), get("/"), |a| match a {
        PageAction::IsStored => PageInput::Stored(false),
        a => happy(a),
    });
    assert!(!home.steps.iter().any(|s| s.starts_with("count visit")));
    assert!(home.report.unrecorded_home_view);
    let returning = run_with(&ctx(), &memory(), get("/"), |a| match a {
        PageAction::IsStored => PageInput::Stored(false),
        a => happy(a),
    });
    assert_eq!(returning.report.cart_items, None, "unknown: the hint stays");
}

#[test]
fn the_cookies_pending_views_are_stored_first_and_a_failure_leaves_them_in_the_cookie() {
    let carrying = ShopperContext {
        home_count: Some(3),
        pending_views: vec![PendingView {
            handle: "hat".into(),
            at_s: 1_600_000_000,
        }],
        ..ctx()
    };
    let ran = run_with(&carrying, &memory(), get("/cart"), happy);
    assert_eq!(
        ran.steps[..5],
        [
            "ask look",
            "schema",
            "store home views",
            "read events",
            "record 1"
        ]
    );
    assert!(ran.report.home_counted && ran.report.views_taken);
    let failing = run_with(&carrying, &memory(), get("/cart"), |a| match a {
        PageAction::Write(_) => PageInput::Written(Err("full".into())),
        PageAction::ReadEvents => PageInput::Events(Err("gone".into())),
        a => happy(a),
    });
    assert_eq!(
        failing.steps[..5],
        [
            "ask look",
            "schema",
            "store home views",
            "log PendingHomeViews",
            "read events"
        ]
    );
    assert_eq!(failing.steps[5], "log PendingViews");
    assert_eq!(failing.status(), 200, "the page is served all the same");
    assert!(!failing.report.home_counted && !failing.report.views_taken);
    let unrecorded = run_with(&carrying, &memory(), get("/cart"), |a| match a {
        PageAction::Record(_) => PageInput::Written(Err("read only".into())),
        a => happy(a),
    });
    assert!(unrecorded.report.home_counted && !unrecorded.report.views_taken);
}

#[test]
fn a_step_that_fails_before_the_stores_frame_is_known_answers_in_the_platforms() {
    let unknown = run_with(&ctx(), &memory(), get("/"), |a| match a {
        PageAction::AskLook => PageInput::Look(Err(EdgeError::not_found("unknown_store", "no"))),
        a => happy(a),
    });
    assert_eq!(
        unknown.steps,
        ["ask look", "is stored", "note activity", "count cart"]
    );
    assert_eq!(unknown.status(), 404);
    assert!(unknown.body().contains("WandStore") && !unknown.body().contains("Acme Goods"));
    let preview = ShopperContext {
        preview: true,
        ..ctx()
    };
    let draft = run_with(&preview, &memory(), get("/"), |a| match a {
        PageAction::AskDraft => PageInput::Draft(Err(AskError::Refused(StoreError::NotFound))),
        a => happy(a),
    });
    assert_eq!(draft.status(), 404);
    assert!(draft.body().contains("acme"), "names the store");
    for failing in ["schema", "count cart"] {
        let ran = run_with(&ctx(), &memory(), get("/"), |a| {
            match (name(a).as_str(), a) {
                ("schema", _) if failing == "schema" => PageInput::Written(Err("locked".into())),
                ("count cart", _) if failing == "count cart" => {
                    PageInput::Cart(Err("bad row".into()))
                }
                (_, a) => happy(a),
            }
        });
        assert_eq!(ran.status(), 500, "{failing}");
        assert!(!ran.body().contains("Acme Goods"), "{failing}");
        assert!(!ran.steps.contains(&"ask home".to_owned()), "{failing}");
    }
    let post = ("POST", "/cart/add", &[][..]);
    let unread = run_with(&ctx(), &memory(), post, |a| match a {
        PageAction::ReadBody => PageInput::Body(Err("stream broke".into())),
        a => happy(a),
    });
    assert_eq!(unread.status(), 500);
}

#[test]
fn route_and_page_errors_read_in_the_stores_frame_and_the_cart_apis_as_json() {
    let nowhere = run_with(&ctx(), &memory(), get("/no/such/page"), happy);
    assert_eq!(nowhere.status(), 404);
    assert!(nowhere.body().contains("Acme Goods"));
    let missing = run_with(&ctx(), &memory(), get("/collections/nope"), happy);
    assert_eq!(missing.status(), 404);
    assert!(missing.body().contains("Acme Goods"));
    let refused = |a: &PageAction| match a {
        PageAction::Cart(_) => PageInput::Served(Err(EdgeError::bad_request("bad", "no"))),
        a => happy(a),
    };
    let api = run_with(&ctx(), &memory(), get("/api/cart"), refused);
    assert_eq!(api.status(), 400);
    assert!(api.header("content-type").unwrap().contains("json"));
    let page = run_with(&ctx(), &memory(), get("/cart"), refused);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let preview = ShopperContext {
        preview: true,
        ..ctx()
    };
    let checkout = run_with(&preview, &memory(), ("POST", "/checkout", &[]), happy);
    assert_eq!(checkout.status(), 403);
    assert!(!checkout.steps.contains(&"cart".to_owned()));
    let no_row = run_with(&ctx(), &memory(), get("/"), |a| match a {
        PageAction::CountVisit(_) => PageInput::Visits(Ok(None)),
        a => happy(a),
    });
    assert_eq!(no_row.status(), 500);
    assert!(no_row.body().contains("Acme Goods"));
}

#[test]
fn cart_writes_past_the_shoppers_own_limit_are_refused_before_the_body_is_read() {
    let memory = memory();
    let form = ("POST", "/cart/add", &[][..]);
    let mut refused = None;
    for _ in 0..1000 {
        let ran = run_with(&ctx(), &memory, form, happy);
        if ran.status() == 429 {
            refused = Some(ran);
            break;
        }
        assert_eq!(ran.status(), 403, "no CSRF token in the body");
    }
    let refused = refused.expect("the limit applies");
    assert!(!refused.steps.contains(&"read body".to_owned()));
    assert!(refused.report.rate_limited);
    assert!(refused.header("retry-after").is_some());
    let api = run_with(&ctx(), &memory, ("POST", "/api/cart", &[]), happy);
    assert_eq!(api.status(), 429);
    assert!(api.header("content-type").unwrap().contains("json"));
}

fn form(fields: &str) -> PageInput {
    let shopper = ctx();
    let token = wandstore_core::csrf::issue(SECRET, &shopper.store, &shopper.shopper, NOW);
    PageInput::Body(Ok(Body {
        text: format!("csrf={token}&{fields}"),
        content_type: Some("application/x-www-form-urlencoded".into()),
        idempotency_key: None,
    }))
}

#[test]
fn the_opt_out_form_writes_the_choice_and_goes_home_and_a_bad_one_changes_nothing() {
    let post = ("POST", "/personalization", &[][..]);
    let ran = run_with(&ctx(), &memory(), post, |a| match a {
        PageAction::ReadBody => form("choice=off"),
        a => happy(a),
    });
    assert!(
        ran.steps
            .iter()
            .any(|s| s.contains("write") && s.contains("true"))
    );
    assert_eq!(
        (ran.status(), ran.header("location")),
        (303, Some("/s/acme/"))
    );
    for (body, status) in [
        (form("choice=maybe"), 400),
        (PageInput::Body(Ok(Body::default())), 403),
    ] {
        let mut body = Some(body);
        let ran = run_with(&ctx(), &memory(), post, |a| match a {
            PageAction::ReadBody => body.take().unwrap(),
            a => happy(a),
        });
        assert_eq!(ran.status(), status);
        assert!(!ran.steps.iter().any(|s| s.starts_with("write")));
    }
    let unwritten = run_with(&ctx(), &memory(), post, |a| match a {
        PageAction::ReadBody => form("choice=on"),
        PageAction::Write(_) => PageInput::Written(Err("disk".into())),
        a => happy(a),
    });
    assert_eq!(unwritten.status(), 500);
}

#[test]
fn a_product_page_records_its_view_and_a_click_from_the_block_counts_once_remembered() {
    let query = [("rec".to_owned(), "ai".to_owned())];
    let from_block = ("GET", "/products/hat", &query[..]);
    let ran = run_with(&ctx(), &memory(), from_block, happy);
    let at = ran.steps.iter().position(|s| s == "record 1").unwrap();
    assert!(ran.steps[at + 1].starts_with("write"));
    assert_eq!(
        ran.steps[at + 2],
        format!("count {:?} {:?}", Source::Ai, Interaction::Click)
    );
    assert_eq!(ran.status(), 200);
    let unremembered = run_with(&ctx(), &memory(), from_block, |a| match a {
        PageAction::Write(_) => PageInput::Written(Err("full".into())),
        a => happy(a),
    });
    assert_eq!(unremembered.status(), 200);
    assert!(!unremembered.steps.iter().any(|s| s.starts_with("count Ai")));
    let unrecorded = run_with(&ctx(), &memory(), get("/products/hat"), |a| match a {
        PageAction::Record(_) => PageInput::Written(Err("full".into())),
        a => happy(a),
    });
    assert_eq!(unrecorded.status(), 500);
    assert!(unrecorded.body().contains("Acme Goods"));
    let plain = run_with(&ctx(), &memory(), get("/products/hat"), happy);
    assert!(!plain.steps.iter().any(|s| s.starts_with("write")));
}

#[test]
fn an_answer_the_run_did_not_ask_for_is_a_500_not_a_panic() {
    let ran = run_with(&ctx(), &memory(), get("/"), |a| match a {
        PageAction::AskLook => PageInput::Stored(true),
        a => happy(a),
    });
    assert_eq!(ran.status(), 500);
}
