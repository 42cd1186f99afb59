use super::*;
use crate::test_support::{catalog, suggestion};

fn viewed(handle: &str, at: u64) -> (ShopperEvent, u64) {
    (
        ShopperEvent::Viewed {
            handle: handle.into(),
        },
        at,
    )
}

fn candidates() -> CandidateSet {
    let (products, collections) = catalog();
    CandidateSet::select(&Profile::default(), &products, &collections, &[], 50)
}

fn on() -> PersonalizationSettings {
    PersonalizationSettings {
        enabled: true,
        holdout_pct: 0,
        refresh_minutes: 10,
        ..PersonalizationSettings::default()
    }
}

struct Case {
    settings: PersonalizationSettings,
    state: ShopperAiState,
    set: CandidateSet,
    profile: Profile,
    recorded: bool,
    gateway: bool,
}

impl Case {
    fn new() -> Case {
        Case {
            settings: on(),
            state: ShopperAiState::default(),
            set: candidates(),
            profile: Profile::default(),
            recorded: true,
            gateway: true,
        }
    }

    fn plan(&self, showable: impl Fn(&str) -> bool) -> BlockPlan {
        plan(
            BlockInput {
                settings: &self.settings,
                state: &self.state,
                store: "demo",
                shopper: "s1",
                profile: &self.profile,
                candidates: &self.set,
                last_event_ms: 5_000,
                recorded: self.recorded,
                gateway: self.gateway,
                request_id: "rid-1",
                now_ms: 10_000,
            },
            showable,
        )
    }
}

#[test]
fn no_history_asks_for_nothing() {
    assert!(!has_history(&[]));
    assert_eq!(
        wanted(&[], &["mug".into()], &ShopperAiState::default()),
        None
    );
    // Whatever the stored state says: without history there is no block to read it for.
    let state = ShopperAiState {
        suggestion: Some(suggestion(&["x"], 10)),
        opted_out: false,
        last_refresh_ms: Some(5),
    };
    assert_eq!(wanted(&[], &[], &state), None);
    assert!(has_history(&[viewed("a", 1)]));
}

#[test]
fn recent_views_and_the_cart_are_excluded_and_the_suggestion_is_fetched_too() {
    let events = [viewed("a", 1), viewed("b", 2), viewed("a", 3)];
    let state = ShopperAiState {
        suggestion: Some(suggestion(&["x", "y"], 10)),
        ..ShopperAiState::default()
    };
    let w = wanted(&events, &["cart-1".into(), "b".into()], &state).unwrap();
    assert_eq!(w.exclude, ["a", "b", "cart-1"], "newest first, each once");
    assert_eq!(w.also, ["x", "y"]);
}

#[test]
fn a_due_shopper_gets_the_baseline_an_impression_and_a_refresh() {
    let case = Case::new();
    let p = case.plan(|_| true);
    assert_eq!(p.shown.source, Source::Baseline);
    assert_eq!(p.shown.handles, case.set.baseline(BLOCK_SIZE));
    assert!(p.impression);
    let r = p
        .refresh
        .expect("never refreshed and there are events: due");
    assert_eq!(r.ctx.store, "demo");
    assert_eq!(r.ctx.request_id, "rid-1");
    assert_eq!(r.ctx.candidate_hash, case.set.hash());
    assert_eq!(r.set, case.set);
    assert!(!r.prompt.user.contains("s1"), "no shopper id in the prompt");
}

#[test]
fn no_refresh_without_a_gateway_when_off_opted_out_held_out_or_not_due() {
    let mut cases = Vec::new();
    let mut c = Case::new();
    c.gateway = false;
    cases.push((c, "no gateway"));
    let mut c = Case::new();
    c.settings.enabled = false;
    cases.push((c, "kill switch"));
    let mut c = Case::new();
    c.state.opted_out = true;
    cases.push((c, "opted out"));
    let mut c = Case::new();
    c.settings.holdout_pct = 100;
    cases.push((c, "holdout"));
    let mut c = Case::new();
    c.state.last_refresh_ms = Some(6_000);
    cases.push((c, "refreshed after the last event"));
    let mut c = Case::new();
    c.state.last_refresh_ms = Some(1_000);
    c.settings.refresh_minutes = 1;
    cases.push((c, "refreshed under a minute ago"));
    for (case, why) in cases {
        let p = case.plan(|_| true);
        assert!(p.refresh.is_none(), "{why}");
        assert!(p.impression, "{why}: the block still counts");
    }
}

#[test]
fn the_holdout_is_labelled_only_while_personalization_is_on() {
    let mut c = Case::new();
    c.settings.holdout_pct = 100;
    assert_eq!(c.plan(|_| true).shown.source, Source::Holdout);
    c.settings.enabled = false;
    assert_eq!(c.plan(|_| true).shown.source, Source::Baseline);
}

#[test]
fn a_fresh_suggestion_shows_unless_the_shopper_opted_out() {
    let mut c = Case::new();
    c.state.suggestion = Some(suggestion(&["teapot", "gone"], 20_000));
    let p = c.plan(|h| h != "gone");
    assert_eq!(p.shown.source, Source::Ai);
    assert_eq!(p.shown.handles[0], "teapot");
    assert!(!p.shown.handles.contains(&"gone".to_string()));
    assert_eq!(
        p.shown.headline.as_deref(),
        Some("<b>Hi</b>"),
        "escaped by the views"
    );
    c.state.opted_out = true;
    assert_eq!(c.plan(|_| true).shown.source, Source::Baseline);
}

#[test]
fn products_without_a_card_never_show() {
    let c = Case::new();
    let p = c.plan(|h| h.starts_with("mug"));
    assert!(!p.shown.handles.is_empty());
    assert!(p.shown.handles.iter().all(|h| h.starts_with("mug")));
}

#[test]
fn nothing_showable_means_no_block_no_count_no_refresh() {
    let p = Case::new().plan(|_| false);
    assert!(p.shown.handles.is_empty());
    assert!(!p.impression);
    assert!(p.refresh.is_none());
    let mut c = Case::new();
    c.set = CandidateSet::default();
    let p = c.plan(|_| true);
    assert!(p.shown.handles.is_empty() && !p.impression && p.refresh.is_none());
}

#[test]
fn a_preview_shows_the_block_but_counts_and_refreshes_nothing() {
    let mut c = Case::new();
    c.recorded = false;
    let p = c.plan(|_| true);
    assert!(!p.shown.handles.is_empty());
    assert!(!p.impression);
    assert!(p.refresh.is_none());
}

#[test]
fn followed_links_name_a_source_and_only_count_on_recorded_pages() {
    assert_eq!(
        followed(Some("ai"), "hat", true),
        Some(RecClick {
            handle: "hat".into(),
            source: Source::Ai
        })
    );
    assert_eq!(
        followed(Some("holdout"), "hat", true).map(|c| c.source),
        Some(Source::Holdout)
    );
    for bad in [None, Some(""), Some("bogus"), Some("AI"), Some("baseline ")] {
        assert_eq!(followed(bad, "hat", true), None, "{bad:?}");
    }
    assert_eq!(followed(Some("baseline"), "hat", false), None);
}

#[test]
fn an_add_counts_only_for_the_product_last_followed() {
    let click = RecClick {
        handle: "hat".into(),
        source: Source::Baseline,
    };
    assert_eq!(added(Some(&click), "hat"), Some(Source::Baseline));
    assert_eq!(added(Some(&click), "mug"), None);
    assert_eq!(added(None, "hat"), None);
    let json = serde_json::to_string(&click).unwrap();
    assert_eq!(json, r#"{"handle":"hat","source":"baseline"}"#);
}

#[test]
fn the_opt_out_form_takes_on_or_off_only() {
    let form = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        (pairs.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(opt_out_choice(&form(&[("choice", "off")])), Some(true));
    assert_eq!(
        opt_out_choice(&form(&[("csrf", "x"), ("choice", "on")])),
        Some(false)
    );
    assert_eq!(
        opt_out_choice(&form(&[("choice", "on"), ("choice", "off")])),
        Some(false),
        "the first choice counts"
    );
    for bad in [
        &[][..],
        &[("choice", "")],
        &[("choice", "maybe")],
        &[("choice", "OFF")],
        &[("Choice", "off")],
    ] {
        assert_eq!(opt_out_choice(&form(bad)), None, "{bad:?}");
    }
}

#[test]
fn ai_state_reads_its_three_keys() {
    let stored = suggestion(&["a", "b"], 5);
    let json = serde_json::to_string(&stored).unwrap();
    let state = ShopperAiState::from_rows([
        (SUGGESTION_KEY, json.as_str()),
        (OPTED_OUT_KEY, "true"),
        (LAST_REFRESH_KEY, "42"),
        (REC_CLICK_KEY, "{\"handle\":\"a\",\"source\":\"ai\"}"),
    ]);
    assert_eq!(state.suggestion, Some(stored));
    assert!(state.opted_out);
    assert_eq!(state.last_refresh_ms, Some(42));
    assert_eq!(
        STATE_KEYS,
        [SUGGESTION_KEY, OPTED_OUT_KEY, LAST_REFRESH_KEY],
        "the keys read are the keys parsed, not the followed click"
    );
}

#[test]
fn unreadable_or_absent_ai_state_reads_as_unset() {
    assert_eq!(ShopperAiState::from_rows([]), ShopperAiState::default());
    let state = ShopperAiState::from_rows([
        (SUGGESTION_KEY, "{\"handles\":"),
        (OPTED_OUT_KEY, "\"yes\""),
        (LAST_REFRESH_KEY, "-1"),
        ("other", "1"),
    ]);
    assert_eq!(state, ShopperAiState::default());
}

#[test]
fn the_kept_events_stay_the_newest_profile_events() {
    let mut kept = vec![];
    keep_newest(&mut kept, viewed("a", 1).0, 1);
    assert_eq!(kept, [viewed("a", 1)]);
    let mut full: Vec<_> = (0..u64::from(PROFILE_EVENTS))
        .map(|t| viewed("x", t))
        .collect();
    keep_newest(&mut full, viewed("new", 999).0, 999);
    assert_eq!(
        full.len(),
        PROFILE_EVENTS as usize,
        "one in, the oldest out"
    );
    assert_eq!(full.first(), Some(&viewed("x", 1)));
    assert_eq!(full.last(), Some(&viewed("new", 999)));
}
