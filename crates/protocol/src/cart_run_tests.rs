use super::*;
use crate::store::{Freshness, UpstreamStats};
use wandstore_core::cart::{CartError, IdempotencyKey, IdempotencyRecord, apply};
use wandstore_core::catalog::Variant;
use wandstore_core::catalog_index::VariantHit;
use wandstore_core::catalog_question::CatalogAnswer;
use wandstore_core::money::Money;

const MUG: &str = "gid://shopify/ProductVariant/1";
const CAP: &str = "gid://shopify/ProductVariant/2";
const NOW: u64 = 1_750_000_000_000;
const RID: &str = "req-7";

fn hit(id: &str, handle: &str, price: i64) -> VariantHit {
    VariantHit {
        product_handle: handle.into(),
        product_title: format!("{handle} title"),
        product_image: None,
        variant: Variant {
            id: id.into(),
            title: "Blue".into(),
            sku: None,
            available_for_sale: true,
            price: Money::new(price, Currency::USD),
            compare_at_price: None,
            selected_options: vec![],
            image: None,
        },
    }
}

fn reply(answer: CatalogAnswer) -> CartInput {
    CartInput::Catalog(Ok(Rc::new(CatalogReply {
        answer,
        freshness: Freshness::Fresh,
        upstream: None,
    })))
}

fn variants(hits: Vec<VariantHit>) -> CartInput {
    reply(CatalogAnswer::Variants { hits })
}

fn mug_cart(qty: u32) -> Vec<CartLine> {
    let catalog = CartCatalog::from_hits(&[hit(MUG, "mug", 1500)]).info;
    let cmd = CartCommand::add(MUG, qty).unwrap();
    apply(&[], &cmd, &catalog, NOW).unwrap().lines
}

fn cap_line() -> Vec<CartLine> {
    let catalog = CartCatalog::from_hits(&[hit(CAP, "cap", 900)]).info;
    let cmd = CartCommand::add(CAP, 1).unwrap();
    apply(&[], &cmd, &catalog, NOW).unwrap().lines
}

fn facts(heard: Option<bool>) -> CartFacts {
    let ctx = ShopperContext {
        request_id: RID.into(),
        ..crate::shopper::tests::ctx()
    };
    CartFacts::of(&ctx, Currency::USD, heard)
}

/// A run for a shopper whose object never told the index anything.
fn run(request: CartRequest) -> CartRun {
    CartRun::new(request, facts(None))
}

/// Answers a `Tell` that must come next for `non_empty`, with `told`.
fn tell(
    r: &mut CartRun,
    next: CartAction,
    non_empty: bool,
    told: Result<(), EdgeError>,
) -> CartAction {
    let CartAction::Tell(q) = next else {
        panic!("expected Tell, got {next:?}");
    };
    let shopper = crate::shopper::tests::ctx().shopper;
    assert_eq!((q.shopper, q.non_empty), (shopper, non_empty));
    r.resume(CartInput::Told(told))
}

/// Answers `r`'s `Apply` with the cart `lines` it left.
fn applied(r: &mut CartRun, lines: Vec<CartLine>) -> CartAction {
    r.resume(CartInput::Outcome(Ok(Outcome::Applied { lines })))
}

/// Starts `run`, answers its read with `lines`, and its question (if it asks one, which
/// must be for `asked`) with the mug and the cap.
fn read(run: &mut CartRun, lines: Vec<CartLine>, asked: &[&str]) -> CartAction {
    assert!(matches!(
        run.resume(CartInput::Start),
        CartAction::ReadLines
    ));
    let next = run.resume(CartInput::Lines(lines));
    if asked.is_empty() {
        return next;
    }
    let CartAction::Ask(CatalogQuestion::Variants { ids }) = next else {
        panic!("expected a variants question, got {next:?}");
    };
    assert_eq!(ids, asked);
    run.resume(variants(vec![hit(MUG, "mug", 1500), hit(CAP, "cap", 900)]))
}

fn form(action: FormAction, fields: &[(&str, &str)]) -> CartRequest {
    CartRequest::Form {
        action,
        fields: (fields.iter())
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        base: "/s/acme/".into(),
    }
}

fn checkout() -> CartRequest {
    CartRequest::Checkout {
        buyer_ip: Some("203.0.113.9".into()),
        country: Some("DE".into()),
    }
}

fn failed(action: CartAction) -> EdgeError {
    match action {
        CartAction::Failed(e) => e,
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn done(action: CartAction) -> CartAnswer {
    match action {
        CartAction::Done(answer) => answer,
        other => panic!("expected an answer, got {other:?}"),
    }
}

fn json_of(action: CartAction) -> CartApiAnswer {
    match done(action) {
        CartAnswer::Json(answer) => answer,
        other => panic!("expected JSON, got {other:?}"),
    }
}

#[test]
fn an_empty_carts_page_asks_nothing_of_store_config() {
    let mut r = run(CartRequest::Page);
    let answer = done(read(&mut r, vec![], &[]));
    assert_eq!(
        answer,
        CartAnswer::Page {
            status: 200,
            lines: vec![],
            catalog: CartCatalog::default(),
            refused: None,
            retry_after_secs: None,
        }
    );
}

#[test]
fn the_page_shows_the_lines_with_the_catalogs_facts() {
    let mut r = run(CartRequest::Page);
    let CartAnswer::Page {
        status,
        lines,
        catalog,
        refused,
        ..
    } = done(read(&mut r, mug_cart(2), &[MUG]))
    else {
        panic!("a page");
    };
    assert_eq!((status, lines, refused), (200, mug_cart(2), None));
    assert_eq!(catalog.info[MUG].product_handle, "mug");
}

#[test]
fn an_unreadable_catalog_fails_the_page_as_it_is_and_the_api_in_its_own_words() {
    let why = crate::store::Unavailable {
        cause: "breaker_open".into(),
        message: "sync failed".into(),
        retry_after_secs: 5,
    };
    let down = || EdgeError::unavailable("catalog_unavailable", &why);
    let mut page = run(CartRequest::Page);
    page.resume(CartInput::Start);
    page.resume(CartInput::Lines(mug_cart(1)));
    let e = failed(page.resume(CartInput::Catalog(Err(down()))));
    assert_eq!(
        (e.status, e.message.as_str()),
        (503, down().message.as_str())
    );
    let mut api = run(CartRequest::Json);
    api.resume(CartInput::Start);
    api.resume(CartInput::Lines(mug_cart(1)));
    let e = failed(api.resume(CartInput::Catalog(Err(down()))));
    assert_eq!(e.status, 503);
    assert_eq!(e.message, "the store's catalog cannot be loaded right now");
}

#[test]
fn an_answer_of_another_kind_is_a_500() {
    let mut r = run(CartRequest::Page);
    r.resume(CartInput::Start);
    r.resume(CartInput::Lines(mug_cart(1)));
    let e = failed(r.resume(reply(CatalogAnswer::Home { featured: vec![] })));
    assert_eq!(e.status, 500);
}

#[test]
fn the_json_read_is_the_repriced_cart() {
    let mut r = run(CartRequest::Json);
    let answer = json_of(read(&mut r, mug_cart(2), &[MUG]));
    assert_eq!((answer.status, answer.replayed), (200, false));
    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body["item_count"], 2, "{body}");
}

/// The `Apply` a run asks for, with what it carries.
fn apply_of(action: CartAction) -> (CartCommand, Option<Idempotent>, CommandAnswers) {
    match action {
        CartAction::Apply(Apply {
            cmd,
            idempotent,
            answers,
        }) => (cmd, idempotent, answers),
        other => panic!("expected Apply, got {other:?}"),
    }
}

#[test]
fn an_applied_add_tells_the_index_counts_the_add_then_answers_the_cart() {
    let cmd = CartCommand::add(CAP, 1).unwrap();
    let key = Idempotent {
        key: IdempotencyKey::parse("k1").unwrap(),
        fingerprint: "f".into(),
    };
    let mut r = run(CartRequest::Write {
        cmd: cmd.clone(),
        idempotent: Some(key.clone()),
    });
    let (asked, idempotent, answers) = apply_of(read(&mut r, mug_cart(1), &[MUG, CAP]));
    assert_eq!((asked, idempotent), (cmd, Some(key)));
    assert!(
        answers.catalog.contains_key(CAP),
        "facts for the added variant"
    );
    let (status, body) = answers.answer(&Ok(mug_cart(1)));
    assert_eq!(status, 200);
    assert!(body.contains("item_count"));
    let mut now = mug_cart(1);
    now.extend(cap_line());
    let next = applied(&mut r, now);
    let heard = tell(&mut r, next, true, Ok(()));
    assert!(matches!(
        heard,
        CartAction::Heard {
            heard: Some(true),
            error: None
        }
    ));
    assert!(
        matches!(r.resume(CartInput::Done), CartAction::NoteAdded { product } if product == "cap")
    );
    let answer = json_of(r.resume(CartInput::Done));
    assert_eq!(answer.status, 200);
    assert!(
        matches!(r.resume(CartInput::Done), CartAction::Failed(_)),
        "finished"
    );
}

#[test]
fn a_refused_write_changes_nothing_so_tells_and_counts_nothing() {
    let cmd = CartCommand::add(CAP, 1).unwrap();
    let mut r = run(CartRequest::Write {
        cmd,
        idempotent: None,
    });
    apply_of(read(&mut r, vec![], &[CAP]));
    let refused = Outcome::Refused(CartError::NotInCart {
        variant_id: CAP.into(),
    });
    let answer = json_of(r.resume(CartInput::Outcome(Ok(refused))));
    assert!(answer.status >= 400 && answer.status < 500, "{answer:?}");
}

#[test]
fn a_replay_answers_the_record_and_a_reused_key_is_a_422() {
    let write = || CartRequest::Write {
        cmd: CartCommand::Clear,
        idempotent: None,
    };
    let mut r = run(write());
    apply_of(read(&mut r, vec![], &[]));
    let record = IdempotencyRecord {
        key: "k".into(),
        request_fingerprint: "f".into(),
        status: 201,
        body: "{}".into(),
        created_at_ms: NOW,
    };
    let answer = json_of(r.resume(CartInput::Outcome(Ok(Outcome::Replayed(record)))));
    assert_eq!((answer.status, answer.replayed), (201, true));
    let mut r = run(write());
    apply_of(read(&mut r, vec![], &[]));
    let e = failed(r.resume(CartInput::Outcome(Ok(Outcome::KeyConflict))));
    assert_eq!(e.status, 422);
}

#[test]
fn a_failed_transaction_is_the_apis_error() {
    let mut r = run(CartRequest::Write {
        cmd: CartCommand::Clear,
        idempotent: None,
    });
    apply_of(read(&mut r, vec![], &[]));
    let e = failed(r.resume(CartInput::Outcome(Err(EdgeError::internal("disk")))));
    assert_eq!(e.status, 500);
}

#[test]
fn a_form_without_a_command_shows_the_cart_with_why_and_runs_nothing() {
    let mut r = run(form(FormAction::Add, &[("quantity", "1")]));
    let CartAnswer::Page {
        status, refused, ..
    } = done(read(&mut r, mug_cart(1), &[MUG]))
    else {
        panic!("a page");
    };
    assert_eq!(status, 422);
    assert!(refused.unwrap().contains("variant_id"));
}

#[test]
fn an_applied_form_redirects_to_the_cart_with_its_notice() {
    let mut r = run(form(FormAction::Remove, &[("variant_id", MUG)]));
    let (cmd, idempotent, _) = apply_of(read(&mut r, mug_cart(1), &[MUG]));
    assert_eq!(idempotent, None, "forms are never keyed");
    assert!(matches!(cmd, CartCommand::Remove { .. }));
    let next = applied(&mut r, vec![]);
    let heard = tell(&mut r, next, false, Ok(()));
    assert!(matches!(
        heard,
        CartAction::Heard {
            heard: Some(false),
            error: None
        }
    ));
    assert_eq!(
        done(r.resume(CartInput::Done)),
        CartAnswer::SeeOther("/s/acme/cart?notice=removed".into())
    );
}

#[test]
fn a_refused_form_shows_the_cart_with_the_rules_reason() {
    let mut r = run(form(
        FormAction::Add,
        &[("variant_id", CAP), ("quantity", "1")],
    ));
    apply_of(read(&mut r, mug_cart(1), &[MUG, CAP]));
    let e = CartError::NotInCart {
        variant_id: CAP.into(),
    };
    let refused = r.resume(CartInput::Outcome(Ok(Outcome::Refused(e.clone()))));
    let CartAnswer::Page {
        status,
        refused,
        lines,
        ..
    } = done(refused)
    else {
        panic!("a page");
    };
    assert_eq!((status, refused), (e.status(), Some(e.to_string())));
    assert_eq!(lines, mug_cart(1), "the cart as it is");
}

#[test]
fn a_checkout_of_nothing_buyable_asks_nothing_and_shows_a_422() {
    let mut r = run(checkout());
    let CartAnswer::Page { status, .. } = done(read(&mut r, vec![], &[])) else {
        panic!("a page");
    };
    assert_eq!(status, 422);
}

fn started() -> CartInput {
    CartInput::Checkout(Ok(CheckoutStarted {
        checkout_url: "https://shop.example/checkout/1".into(),
        total_quantity: 2,
        upstream: UpstreamStats::default(),
    }))
}

#[test]
fn a_started_checkout_records_purchase_intent_then_redirects() {
    let mut r = run(checkout());
    let CartAction::Checkout(order) = read(&mut r, mug_cart(2), &[MUG]) else {
        panic!("a checkout");
    };
    assert_eq!(order.lines.len(), 1);
    assert_eq!(order.country.as_deref(), Some("DE"));
    let CartAction::Record(events) = r.resume(started()) else {
        panic!("a record");
    };
    assert_eq!(events, checkout_started(&mug_cart(2)));
    assert_eq!(
        done(r.resume(CartInput::Recorded(None))),
        CartAnswer::SeeOther("https://shop.example/checkout/1".into())
    );
}

#[test]
fn unrecorded_intent_is_logged_and_the_checkout_still_redirects() {
    let mut r = run(checkout());
    read(&mut r, mug_cart(2), &[MUG]);
    r.resume(started());
    let CartAction::LogError(line) = r.resume(CartInput::Recorded(Some("disk full".into()))) else {
        panic!("a log line");
    };
    assert!(line.contains(RID) && line.contains("disk full"), "{line}");
    assert!(matches!(
        done(r.resume(CartInput::Done)),
        CartAnswer::SeeOther(_)
    ));
}

#[test]
fn a_failed_checkout_shows_the_cart_with_why_and_when_to_retry() {
    let mut r = run(checkout());
    read(&mut r, mug_cart(2), &[MUG]);
    let failure = CheckoutFailure {
        status: 503,
        message: "Checkout is unavailable".into(),
        retry_after_secs: Some(30),
    };
    let answer = done(r.resume(CartInput::Checkout(Err(failure))));
    let CartAnswer::Page {
        status,
        refused,
        retry_after_secs,
        lines,
        ..
    } = answer
    else {
        panic!("a page");
    };
    assert_eq!(status, 503);
    assert_eq!(refused.as_deref(), Some("Checkout is unavailable"));
    assert_eq!(retry_after_secs, Some(30));
    assert_eq!(lines, mug_cart(2), "the cart is unchanged");
}

#[test]
fn an_input_out_of_step_is_a_500_not_a_panic() {
    let mut r = run(CartRequest::Page);
    let e = failed(r.resume(CartInput::Lines(vec![])));
    assert_eq!(e.status, 500);
    let mut r = run(checkout());
    r.resume(CartInput::Start);
    let e = failed(r.resume(started()));
    assert_eq!(e.status, 500);
}

#[test]
fn an_add_counts_only_when_its_variant_is_in_the_cart_it_left() {
    // A no-op add (the cart at its limit already said so) leaves nothing to count.
    let mut r = run(CartRequest::Write {
        cmd: CartCommand::add(CAP, 1).unwrap(),
        idempotent: None,
    });
    apply_of(read(&mut r, mug_cart(1), &[MUG, CAP]));
    let next = applied(&mut r, mug_cart(1));
    tell(&mut r, next, true, Ok(()));
    assert!(matches!(
        done(r.resume(CartInput::Done)),
        CartAnswer::Json(_)
    ));
    // A change that is not an add counts nothing either.
    let mut r = run(form(
        FormAction::Update,
        &[("variant_id", MUG), ("quantity", "2")],
    ));
    apply_of(read(&mut r, mug_cart(1), &[MUG]));
    let next = applied(&mut r, mug_cart(2));
    tell(&mut r, next, true, Ok(()));
    assert!(matches!(
        done(r.resume(CartInput::Done)),
        CartAnswer::SeeOther(_)
    ));
}

#[test]
fn the_index_hears_only_a_change_of_emptiness() {
    let update = || {
        form(
            FormAction::Update,
            &[("variant_id", MUG), ("quantity", "2")],
        )
    };
    let mut r = CartRun::new(update(), facts(Some(true)));
    apply_of(read(&mut r, mug_cart(1), &[MUG]));
    let next = applied(&mut r, mug_cart(2));
    assert!(
        matches!(done(next), CartAnswer::SeeOther(_)),
        "it heard non-empty already"
    );
    let clear = form(FormAction::Clear, &[]);
    let mut r = CartRun::new(clear, facts(Some(true)));
    apply_of(read(&mut r, mug_cart(1), &[MUG]));
    let next = applied(&mut r, vec![]);
    tell(&mut r, next, false, Ok(()));
}

#[test]
fn a_failed_telling_is_logged_forgotten_and_never_fails_the_request() {
    let mut r = run(form(FormAction::Remove, &[("variant_id", MUG)]));
    apply_of(read(&mut r, mug_cart(1), &[MUG]));
    let next = applied(&mut r, vec![]);
    let down = EdgeError::internal("index down");
    let CartAction::Heard { heard, error } = tell(&mut r, next, false, Err(down)) else {
        panic!("heard");
    };
    assert_eq!(heard, None, "the next change tells it again");
    assert!(error.unwrap().starts_with("internal: index down"));
    assert!(matches!(
        done(r.resume(CartInput::Done)),
        CartAnswer::SeeOther(_)
    ));
}

#[test]
fn answers_carry_their_headers() {
    let page = |retry_after_secs| CartAnswer::Page {
        status: 503,
        lines: vec![],
        catalog: CartCatalog::default(),
        refused: None,
        retry_after_secs,
    };
    let names = |a: &CartAnswer| {
        a.headers()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&page(Some(30))),
        [
            format!("content-type={HTML}"),
            "cache-control=private, no-store".into(),
            "retry-after=30".into()
        ]
    );
    assert_eq!(names(&page(None)).len(), 2, "no Retry-After without a wait");
    let json = |replayed| {
        CartAnswer::Json(CartApiAnswer {
            status: 200,
            body: "{}".into(),
            replayed,
        })
    };
    assert_eq!(names(&json(false)), ["content-type=application/json"]);
    assert_eq!(
        names(&json(true)),
        [
            "content-type=application/json".to_owned(),
            format!("{REPLAYED_HEADER}=true")
        ]
    );
    assert!(CartAnswer::SeeOther("/".into()).headers().is_empty());
}

#[test]
fn an_api_request_is_a_read_unless_posted_and_a_refused_post_is_a_4xx() {
    let body = r#"{"op":"add","variant_id":"gid://shopify/ProductVariant/1","quantity":2}"#;
    let json = Some("application/json");
    assert!(matches!(
        CartRequest::api(false, None, "ignored", None),
        Ok(CartRequest::Json)
    ));
    match CartRequest::api(true, json, body, Some("k1")) {
        Ok(CartRequest::Write { cmd, idempotent }) => {
            assert_eq!(cmd, CartCommand::add(MUG, 2).unwrap());
            assert_eq!(
                idempotent.map(|i| i.key.as_str().to_owned()),
                Some("k1".into())
            );
        }
        other => panic!("not a write: {other:?}"),
    }
    let status = |r: Result<CartRequest, EdgeError>| r.err().map(|e| e.status);
    assert_eq!(
        status(CartRequest::api(true, Some("text/plain"), body, None)),
        Some(415)
    );
    assert_eq!(status(CartRequest::api(true, json, "{", None)), Some(400));
    assert_eq!(
        status(CartRequest::api(true, json, body, Some(""))),
        Some(400)
    );
}

#[test]
fn a_form_goes_back_to_the_shoppers_store_and_a_checkout_carries_the_buyer() {
    let ctx = ShopperContext {
        base: "/s/acme/".into(),
        buyer_ip: Some("203.0.113.9".into()),
        buyer_country: Some("DE".into()),
        ..crate::shopper::tests::ctx()
    };
    let fields = vec![("variant_id".to_owned(), MUG.to_owned())];
    match CartRequest::form(FormAction::Add, fields.clone(), &ctx) {
        CartRequest::Form {
            action: FormAction::Add,
            fields: got,
            base,
        } => assert_eq!((got, base.as_str()), (fields, "/s/acme/")),
        other => panic!("not a form: {other:?}"),
    }
    match CartRequest::checkout(&ctx) {
        CartRequest::Checkout { buyer_ip, country } => assert_eq!(
            (buyer_ip.as_deref(), country.as_deref()),
            (Some("203.0.113.9"), Some("DE"))
        ),
        other => panic!("not a checkout: {other:?}"),
    }
}

#[test]
fn a_checkouts_answer_counts_one_call_and_shopifys_calls_when_it_started() {
    let mut report = ObjectReport::default();
    let started = CheckoutStarted {
        checkout_url: "https://shop.example/c/1".into(),
        total_quantity: 2,
        upstream: UpstreamStats { calls: 2, ms: 40 },
    };
    match CartInput::checkout(Ok(started), &mut report) {
        CartInput::Checkout(Ok(s)) => assert_eq!(s.total_quantity, 2),
        other => panic!("not the checkout: {other:?}"),
    }
    assert_eq!(
        (report.do_calls, report.upstream_calls, report.upstream_ms),
        (1, 2, 40)
    );
    let refused = StoreError::CheckoutRefused {
        message: "sold out".into(),
    };
    match CartInput::checkout(Err(AskError::Refused(refused)), &mut report) {
        CartInput::Checkout(Err(f)) => assert_eq!(f.status, 422),
        other => panic!("not a refusal: {other:?}"),
    }
    match CartInput::checkout(Err(AskError::Broken("garbage".into())), &mut report) {
        CartInput::Checkout(Err(f)) => assert_eq!(f.status, 503),
        other => panic!("not a failure: {other:?}"),
    }
    assert_eq!(report.do_calls, 3, "a failed call is a call");
    assert_eq!(
        report.upstream_calls, 2,
        "only a started checkout says its cost"
    );
}

#[test]
fn an_apply_decides_on_the_stored_cart_and_reads_the_kept_answer_only_for_a_key() {
    let key = Idempotent {
        key: IdempotencyKey::parse("k1").unwrap(),
        fingerprint: "f".into(),
    };
    let mut r = run(CartRequest::Write {
        cmd: CartCommand::add(CAP, 1).unwrap(),
        idempotent: Some(key.clone()),
    });
    let CartAction::Apply(apply) = read(&mut r, mug_cart(1), &[MUG, CAP]) else {
        panic!("an apply");
    };
    let mut asked_key = None;
    let kept = |k: &str| {
        asked_key = Some(k.to_owned());
        Ok::<_, serde_json::Error>(None)
    };
    let (outcome, rows) = apply.decide(kept, || Ok(mug_cart(1)), 5_000).unwrap();
    assert_eq!(asked_key.as_deref(), Some("k1"));
    let Outcome::Applied { lines } = outcome else {
        panic!("applied");
    };
    assert_eq!(lines.len(), 2, "the cap was added to the mug");
    assert!(!rows.is_empty(), "the line, its event and the kept answer");
    // A cart that cannot be read is the transaction's error; nothing is decided.
    let unreadable = || Err(serde_json::from_str::<u8>("x").unwrap_err());
    let failed = apply.decide(|_| Ok(None), unreadable, 5_000);
    assert!(failed.is_err());
}
