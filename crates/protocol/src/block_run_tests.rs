use super::*;
use crate::personalization::tests::index;

fn facts() -> BlockFacts {
    BlockFacts {
        settings: PersonalizationSettings {
            enabled: true,
            holdout_pct: 0,
            ..Default::default()
        },
        store: "demo".into(),
        shopper: "s1".into(),
        request_id: "r1".into(),
        stored: true,
        preview: false,
        gateway: Some(gateway()),
        now_ms: 10_000_000,
    }
}

fn gateway() -> GatewayConfig {
    GatewayConfig::parse([("account", "acct")]).unwrap()
}

fn viewed(handle: &str) -> Vec<(ShopperEvent, u64)> {
    vec![(
        ShopperEvent::Viewed {
            handle: handle.into(),
        },
        1_000,
    )]
}

/// What a run did (`state`, `cart`, `ask`, `count:<source>`, `write`, `refresh`) and its
/// block, answering with `events`, `state`, a cart holding `cart` and the catalog's answer.
fn drive(
    facts: BlockFacts,
    events: Vec<(ShopperEvent, u64)>,
    state: ShopperAiState,
    cart: &[&str],
) -> (Vec<String>, Option<Shown>) {
    let mut run = BlockRun::new(facts, None);
    let (steps, shown) = run_with(&mut run, events, state, cart);
    assert!(
        run.take_memo().is_some() == steps.iter().any(|s| s == "ask"),
        "an answer is kept: {steps:?}"
    );
    (steps, shown)
}

/// `drive` for a run already made.
fn run_with(
    run: &mut BlockRun,
    events: Vec<(ShopperEvent, u64)>,
    state: ShopperAiState,
    cart: &[&str],
) -> (Vec<String>, Option<Shown>) {
    let mut steps = Vec::new();
    let mut input = BlockInput::Start;
    for _ in 0..10 {
        input = match run.resume(input) {
            BlockAction::ReadEvents => BlockInput::Events(events.clone()),
            BlockAction::ReadState => {
                steps.push("state".to_owned());
                BlockInput::State(state.clone())
            }
            BlockAction::ReadCart => {
                steps.push("cart".to_owned());
                BlockInput::Cart(cart.iter().map(|h| h.to_string()).collect())
            }
            BlockAction::Ask(q) => {
                steps.push("ask".to_owned());
                for h in cart {
                    assert!(q.exclude.iter().any(|e| e == h), "the cart is excluded");
                }
                BlockInput::Material(Rc::new(q.answer(&index())))
            }
            BlockAction::CountImpression(source) => {
                steps.push(format!("count:{}", source.as_str()));
                BlockInput::Done
            }
            BlockAction::Write(write) => {
                assert_eq!(write.sql, wandstore_storage::shopper::UPSERT_AI_STATE);
                let at = run.facts.now_ms.to_string();
                assert_eq!(write.args, [block::LAST_REFRESH_KEY.into(), at.into()]);
                steps.push("write".to_owned());
                BlockInput::Done
            }
            BlockAction::StartRefresh { plan, config } => {
                assert_eq!(plan.ctx.request_id, "r1");
                assert_eq!(*config, gateway(), "through the configured gateway");
                steps.push("refresh".to_owned());
                BlockInput::Done
            }
            BlockAction::LogError(line) => panic!("nothing failed: {line}"),
            BlockAction::Done(shown) => return (steps, shown),
        };
    }
    panic!("the block never finished: {steps:?}");
}

#[test]
fn a_shopper_without_history_reads_nothing_and_gets_no_block() {
    let (steps, shown) = drive(facts(), vec![], ShopperAiState::default(), &[]);
    assert!(steps.is_empty(), "{steps:?}");
    assert_eq!(shown, None);
}

#[test]
fn a_first_block_counts_its_impression_and_starts_a_refresh() {
    let (steps, shown) = drive(
        facts(),
        viewed("hat-1"),
        ShopperAiState::default(),
        &["cart-hat"],
    );
    assert_eq!(
        steps,
        ["state", "cart", "ask", "count:baseline", "write", "refresh"]
    );
    let shown = shown.unwrap();
    assert_eq!(shown.source, Source::Baseline, "no suggestion yet");
    let handles: Vec<&str> = shown.cards.iter().map(|c| c.handle.as_str()).collect();
    assert!(handles.contains(&"hat-2"), "{handles:?}");
    for gone in ["hat-1", "cart-hat", "hat-gone"] {
        assert!(
            !handles.contains(&gone),
            "{gone} is seen, in the cart or unavailable"
        );
    }
    assert!(!shown.opted_out);
}

#[test]
fn a_page_that_must_not_touch_storage_reads_nothing_and_counts_nothing() {
    let f = BlockFacts {
        stored: false,
        ..facts()
    };
    let (steps, shown) = drive(f, viewed("hat-1"), ShopperAiState::default(), &[]);
    assert_eq!(steps, ["ask"]);
    assert!(shown.is_some(), "the block still shows");
}

#[test]
fn a_preview_shows_the_block_without_counting_or_refreshing() {
    let f = BlockFacts {
        preview: true,
        ..facts()
    };
    let (steps, shown) = drive(f, viewed("hat-1"), ShopperAiState::default(), &[]);
    assert_eq!(steps, ["state", "cart", "ask"]);
    assert!(shown.is_some());
}

#[test]
fn an_opted_out_shopper_gets_the_baseline_and_no_refresh() {
    let state = ShopperAiState {
        opted_out: true,
        ..Default::default()
    };
    let (steps, shown) = drive(facts(), viewed("hat-1"), state, &[]);
    assert_eq!(steps, ["state", "cart", "ask", "count:baseline"]);
    let shown = shown.unwrap();
    assert_eq!(shown.source, Source::Baseline);
    assert!(shown.opted_out, "the form offers opting back in");
}

#[test]
fn no_gateway_or_a_recent_refresh_means_no_refresh() {
    let f = BlockFacts {
        gateway: None,
        ..facts()
    };
    let (steps, _) = drive(f, viewed("hat-1"), ShopperAiState::default(), &[]);
    assert_eq!(steps, ["state", "cart", "ask", "count:baseline"]);
    let recent = ShopperAiState {
        last_refresh_ms: Some(facts().now_ms - 1),
        ..Default::default()
    };
    let (steps, _) = drive(facts(), viewed("hat-1"), recent, &[]);
    assert!(!steps.contains(&"refresh".to_owned()), "{steps:?}");
}

#[test]
fn nothing_to_show_is_no_block_and_no_impression() {
    // Every available product seen or in the cart.
    let mut events = viewed("hat-1");
    events.extend(viewed("hat-2"));
    events.extend(viewed("mug"));
    let (steps, shown) = drive(facts(), events, ShopperAiState::default(), &["cart-hat"]);
    assert_eq!(steps, ["state", "cart", "ask"]);
    assert_eq!(shown, None);
}

#[test]
fn an_answer_that_was_not_asked_for_ends_without_a_block() {
    let mut run = BlockRun::new(facts(), None);
    assert!(matches!(
        run.resume(BlockInput::Start),
        BlockAction::ReadEvents
    ));
    assert!(matches!(
        run.resume(BlockInput::Events(viewed("hat-1"))),
        BlockAction::ReadState
    ));
    assert!(matches!(
        run.resume(BlockInput::Cart(vec![])),
        BlockAction::Done(None)
    ));
}

#[test]
fn the_same_question_within_the_ttl_is_answered_from_the_memo() {
    let state = ShopperAiState::default();
    let mut first = BlockRun::new(facts(), None);
    let (steps, shown) = run_with(&mut first, viewed("hat-1"), state.clone(), &[]);
    assert!(steps.iter().any(|s| s == "ask"), "{steps:?}");
    let memo = first.take_memo();
    assert!(memo.is_some());
    let mut again = BlockRun::new(facts(), memo.clone());
    let (steps, shown_again) = run_with(&mut again, viewed("hat-1"), state.clone(), &[]);
    assert!(
        !steps.iter().any(|s| s == "ask"),
        "not asked again: {steps:?}"
    );
    assert_eq!(shown_again, shown);
    assert!(again.take_memo().is_some(), "the memo is kept");
    // Past the TTL, or another question: asked again.
    let later = BlockFacts {
        now_ms: facts().now_ms + SNAPSHOT_TTL_MS + 1,
        ..facts()
    };
    let mut stale = BlockRun::new(later, memo.clone());
    let (steps, _) = run_with(&mut stale, viewed("hat-1"), state.clone(), &[]);
    assert!(steps.iter().any(|s| s == "ask"), "{steps:?}");
    let mut other = BlockRun::new(facts(), memo);
    let (steps, _) = run_with(&mut other, viewed("mug-1"), state, &[]);
    assert!(steps.iter().any(|s| s == "ask"), "{steps:?}");
}

#[test]
fn a_run_without_history_leaves_the_memo_as_it_was() {
    let mut run = BlockRun::new(facts(), None);
    assert!(matches!(
        run.resume(BlockInput::Start),
        BlockAction::ReadEvents
    ));
    assert!(matches!(
        run.resume(BlockInput::Events(Vec::new())),
        BlockAction::Done(None)
    ));
    assert!(run.take_memo().is_none());
}

#[test]
fn a_page_requests_facts_come_from_its_context() {
    let ctx = ShopperContext {
        preview: true,
        ..crate::shopper::tests::ctx()
    };
    let f = BlockFacts::of(&ctx, facts().settings, false, Some(gateway()), 42);
    assert_eq!(f.store, "outlet");
    assert_eq!(f.shopper, ctx.shopper.to_string());
    assert_eq!(f.request_id, "abc");
    assert!(f.preview && !f.stored && f.gateway == Some(gateway()));
    assert_eq!(f.now_ms, 42);
    assert!(f.settings.enabled);
}

#[test]
fn the_cart_is_answered_as_its_lines_product_handles_in_order() {
    use crate::shopper_memory::tests::line;
    match BlockInput::cart(vec![line("mug"), line("hat")]) {
        BlockInput::Cart(handles) => assert_eq!(handles, ["mug", "hat"]),
        other => panic!("not the cart: {other:?}"),
    }
    assert!(matches!(BlockInput::cart(Vec::new()), BlockInput::Cart(h) if h.is_empty()));
}

/// Runs a block whose step number `fail_at` (0: reading the events) fails; answers the
/// steps done (as `drive` names them) and the line logged.
fn failing_at(fail_at: usize) -> (Vec<String>, String) {
    let mut run = BlockRun::new(facts(), None);
    let (mut steps, mut input) = (Vec::new(), BlockInput::Start);
    for step in 0..12 {
        let action = run.resume(input);
        if let BlockAction::LogError(line) = action {
            assert!(matches!(
                run.resume(BlockInput::Done),
                BlockAction::Done(None)
            ));
            return (steps, line);
        }
        if step == fail_at {
            input = Err::<BlockInput, _>("disk on fire").into();
            continue;
        }
        input = match action {
            BlockAction::ReadEvents => BlockInput::Events(viewed("hat-1")),
            BlockAction::ReadState => BlockInput::State(ShopperAiState::default()),
            BlockAction::ReadCart => BlockInput::Cart(Vec::new()),
            BlockAction::Ask(q) => BlockInput::Material(Rc::new(q.answer(&index()))),
            BlockAction::Write(_) => BlockInput::Done,
            BlockAction::CountImpression(_) => BlockInput::Done,
            other => panic!("step {step}: {other:?}"),
        };
        steps.push(format!("step {step}"));
    }
    panic!("never failed: {steps:?}");
}

#[test]
fn a_failed_read_ask_or_write_leaves_the_block_out_and_says_why() {
    // Events, state, cart, ask, the impression's count, the refresh's time.
    for fail_at in 0..6 {
        let (steps, line) = failing_at(fail_at);
        assert_eq!(steps.len(), fail_at, "nothing after the failure: {steps:?}");
        assert_eq!(line, "recommendations left out: disk on fire");
    }
}

#[test]
fn a_failed_write_of_the_refresh_time_starts_no_refresh() {
    let mut run = BlockRun::new(facts(), None);
    let mut input = BlockInput::Start;
    let mut counted = false;
    loop {
        input = match run.resume(input) {
            BlockAction::ReadEvents => BlockInput::Events(viewed("hat-1")),
            BlockAction::ReadState => BlockInput::State(ShopperAiState::default()),
            BlockAction::ReadCart => BlockInput::Cart(Vec::new()),
            BlockAction::Ask(q) => BlockInput::Material(Rc::new(q.answer(&index()))),
            BlockAction::CountImpression(_) => {
                counted = true;
                BlockInput::Done
            }
            BlockAction::Write(_) => BlockInput::Failed("read-only".into()),
            BlockAction::LogError(line) => {
                assert!(line.ends_with("read-only"), "{line}");
                BlockInput::Done
            }
            BlockAction::Done(shown) => {
                assert_eq!(shown, None);
                break;
            }
            other => panic!("no refresh after a failed write: {other:?}"),
        };
    }
    assert!(counted, "the impression was counted before the write");
}

#[test]
fn a_successful_step_is_its_input_and_a_failed_one_says_why() {
    let ok: Result<BlockInput, String> = Ok(BlockInput::Done);
    assert!(matches!(BlockInput::from(ok), BlockInput::Done));
    let failed = BlockInput::from(Err::<BlockInput, _>("no such table: events"));
    assert!(matches!(failed, BlockInput::Failed(why) if why == "no such table: events"));
}

#[test]
fn the_state_is_answered_from_its_rows_and_unreadable_values_are_defaults() {
    let row = |key: &str, json: &str| KeyedJsonRow {
        key: key.into(),
        json: json.into(),
    };
    let rows = vec![
        row(block::OPTED_OUT_KEY, "true"),
        row(block::LAST_REFRESH_KEY, "1234"),
        row(block::SUGGESTION_KEY, "not json"),
    ];
    match BlockInput::state(rows) {
        BlockInput::State(s) => {
            assert!(s.opted_out);
            assert_eq!(s.last_refresh_ms, Some(1234));
            assert!(s.suggestion.is_none(), "unreadable: none");
        }
        other => panic!("not the state: {other:?}"),
    }
    match BlockInput::state(Vec::new()) {
        BlockInput::State(s) => assert_eq!(s, ShopperAiState::default()),
        other => panic!("not the state: {other:?}"),
    }
}

#[test]
fn a_followed_card_is_remembered_and_counted_as_a_click() {
    let noted = click(Some("ai"), "hat-2", true).unwrap();
    assert_eq!((noted.source, noted.what), (Source::Ai, Interaction::Click));
    assert_eq!(noted.write.sql, wandstore_storage::shopper::UPSERT_AI_STATE);
    let remembered = RecClick {
        handle: "hat-2".into(),
        source: Source::Ai,
    };
    let json = serde_json::to_string(&remembered).unwrap();
    assert_eq!(noted.write.args, [block::REC_CLICK_KEY.into(), json.into()]);
    assert_eq!(
        click(Some("ai"), "hat-2", false),
        None,
        "a page that counts nothing"
    );
    assert_eq!(click(Some("nonsense"), "hat-2", true), None);
    assert_eq!(click(None, "hat-2", true), None);
}

#[test]
fn only_an_add_of_the_product_followed_counts_and_forgets_the_click() {
    let remembered = RecClick {
        handle: "hat-2".into(),
        source: Source::Baseline,
    };
    let noted = add(Some(&remembered), "hat-2").unwrap();
    assert_eq!(
        (noted.source, noted.what),
        (Source::Baseline, Interaction::AddToCart)
    );
    let forget = wandstore_storage::shopper::state_delete(block::REC_CLICK_KEY);
    assert_eq!(noted.write, forget);
    assert_eq!(add(Some(&remembered), "mug-1"), None, "another product");
    assert_eq!(add(None, "hat-2"), None, "nothing followed");
}
