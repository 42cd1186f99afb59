use super::*;
use crate::EdgeError;
use wandstore_ai::settings::SettingsRefusal;
use wandstore_core::catalog::{Collection, PriceRange, Product};
use wandstore_core::money::{Currency, Money};

fn product(handle: &str, kind: &str, available: bool) -> Product {
    let m = Money::new(1_000, Currency::USD);
    Product {
        id: format!("gid://shopify/Product/{handle}"),
        handle: handle.into(),
        title: handle.to_uppercase(),
        vendor: "Acme".into(),
        product_type: kind.into(),
        description: String::new(),
        description_html: String::new(),
        tags: vec![],
        available_for_sale: available,
        created_at: String::new(),
        updated_at: String::new(),
        featured_image: None,
        images: vec![],
        price_range: PriceRange { min: m, max: m },
        compare_at_price_range: None,
        options: vec![],
        variants: vec![],
        variants_truncated: false,
        seo: Default::default(),
    }
}

/// Five products (one unavailable) and a collection of hats (shared with `block_run`).
pub(crate) fn index() -> CatalogIndex {
    let products = vec![
        product("mug", "Mug", true),
        product("hat-1", "Hat", true),
        product("hat-2", "Hat", true),
        product("hat-gone", "Hat", false),
        product("cart-hat", "Hat", true),
    ];
    let hats = Collection {
        id: "gid://shopify/Collection/hats".into(),
        handle: "hats".into(),
        title: "Hats".into(),
        description: String::new(),
        image: None,
        updated_at: String::new(),
        product_handles: vec!["hat-1".into(), "hat-2".into(), "hat-gone".into()],
        products_truncated: false,
    };
    CatalogIndex::new(products, vec![hats])
}

#[test]
fn the_answer_ranks_by_the_profile_and_cards_only_showable_products() {
    let q = Personalize {
        events: vec![(
            ShopperEvent::Viewed {
                handle: "hat-1".into(),
            },
            1_000,
        )],
        exclude: vec!["hat-1".into(), "cart-hat".into()],
        also: vec!["mug".into(), "hat-gone".into(), "no-such".into()],
        max: 10,
        now_ms: 2_000,
    };
    let answer = q.answer(&index());
    assert!(!answer.profile.is_empty());
    assert_eq!(
        answer.candidates.candidates[0].handle, "hat-2",
        "a hat first"
    );
    let cards: Vec<&str> = answer.cards.iter().map(|c| c.handle.as_str()).collect();
    for never in ["hat-1", "cart-hat", "hat-gone", "no-such"] {
        assert!(!cards.contains(&never), "{never} in {cards:?}");
    }
    assert!(cards.contains(&"mug"), "{cards:?}");
}

#[test]
fn breakers_cross_the_wire_and_back_unchanged() {
    let open = ProviderBreakers {
        openai: BreakerState::Open { until_ms: 9 },
        ..ProviderBreakers::default()
    };
    let breakers = Breakers::from(open);
    assert_eq!(ProviderBreakers::from(&breakers), open);
    assert_eq!(
        ProviderBreakers::from(&Breakers::default()),
        ProviderBreakers::default()
    );
}

#[test]
fn refused_settings_render_as_400_or_422_with_every_field() {
    assert_eq!(EdgeError::from(SettingsRefusal::NotJson).status, 400);
    let not_object = EdgeError::from(SettingsRefusal::NotObject);
    assert_eq!(
        (not_object.status, not_object.code.as_str()),
        (400, "bad_json")
    );
    let fields =
        match PersonalizationSettings::from_body(br#"{"holdout_pct":101,"refresh_minutes":0}"#) {
            Err(r) => EdgeError::from(r),
            Ok(s) => panic!("accepted {s:?}"),
        };
    assert_eq!(fields.status, 422);
    let body: serde_json::Value = serde_json::from_str(&fields.json_body("r")).unwrap();
    let names: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(names, ["holdout_pct", "refresh_minutes"]);
}

#[test]
fn cards_of_keeps_the_asked_order_and_leaves_out_handles_without_a_card() {
    let q = Personalize {
        events: vec![],
        exclude: vec![],
        also: vec!["mug".into(), "hat-2".into()],
        max: 10,
        now_ms: 0,
    };
    let answer = q.answer(&index());
    assert!(answer.has_card("mug"));
    assert!(!answer.has_card("hat-gone"));
    assert!(!answer.has_card(""));
    let asked: Vec<String> = ["hat-2", "no-such", "mug", "hat-gone"]
        .map(String::from)
        .to_vec();
    let cards: Vec<String> = answer
        .cards_of(&asked)
        .into_iter()
        .map(|c| c.handle)
        .collect();
    assert_eq!(cards, vec!["hat-2", "mug"]);
    assert!(answer.cards_of(&[]).is_empty());
}

#[test]
fn the_blocks_question_asks_for_what_the_block_wants() {
    let events = vec![(
        ShopperEvent::Viewed {
            handle: "hat-1".into(),
        },
        5,
    )];
    let wanted = wandstore_ai::block::Wanted {
        exclude: vec!["hat-1".into()],
        also: vec!["mug".into()],
    };
    let q = Personalize::for_block(events.clone(), wanted, 9);
    assert_eq!(q.events, events);
    assert_eq!(
        (q.exclude, q.also),
        (vec!["hat-1".to_owned()], vec!["mug".to_owned()])
    );
    assert_eq!((q.max, q.now_ms), (wandstore_ai::block::CANDIDATES, 9));
}

#[test]
fn the_memo_key_follows_what_is_asked_not_when() {
    let viewed = |h: &str| ShopperEvent::Viewed { handle: h.into() };
    let ask = |events: Vec<(ShopperEvent, u64)>, exclude: &[&str], now_ms| Personalize {
        events,
        exclude: exclude.iter().map(|s| (*s).to_owned()).collect(),
        also: vec![],
        max: 8,
        now_ms,
    };
    let key = |p: Personalize| p.memo_key().unwrap();
    let base = key(ask(vec![(viewed("mug"), 1)], &["mug"], 10));
    assert_eq!(base, key(ask(vec![(viewed("mug"), 1)], &["mug"], 99)));
    assert_ne!(base, key(ask(vec![(viewed("cap"), 1)], &["mug"], 10)));
    assert_ne!(base, key(ask(vec![(viewed("mug"), 2)], &["mug"], 10)));
    assert_ne!(base, key(ask(vec![(viewed("mug"), 1)], &[], 10)));
}

#[test]
fn the_opt_out_form_takes_on_or_off_only() {
    let form = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    };
    assert_eq!(opt_out(&form(&[("choice", "off")])), Ok(true));
    assert_eq!(
        opt_out(&form(&[("csrf", "t"), ("choice", "on")])),
        Ok(false)
    );
    for bad in [
        vec![],
        vec![("choice", "OFF")],
        vec![("choice", "")],
        vec![("other", "off")],
    ] {
        let e = opt_out(&form(&bad)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "bad_choice"), "{bad:?}");
    }
}

#[test]
fn a_budget_answer_becomes_the_jobs_input_and_no_answer_fails_it() {
    let open = ProviderBreakers {
        anthropic: BreakerState::Open { until_ms: 4 },
        ..ProviderBreakers::default()
    };
    let grant = BudgetGrant {
        granted: false,
        breakers: open,
    };
    match BudgetGrant::job_input(Ok::<_, String>(grant)) {
        JobInput::Budget { granted, breakers } => {
            assert!(!granted);
            assert_eq!(ProviderBreakers::from(&breakers), open);
        }
        other => panic!("not a budget: {other:?}"),
    }
    match BudgetGrant::job_input(Err::<BudgetGrant, _>("store down")) {
        JobInput::Failed(why) => assert_eq!(why, "store down"),
        other => panic!("not a failure: {other:?}"),
    }
}

#[test]
fn recorded_counts_carry_breakers_only_when_a_refresh_changed_them() {
    let counts = PersonalizationCounters::default();
    assert_eq!(
        RecordPersonalization::new(counts.clone(), None).breakers,
        None
    );
    let open = ProviderBreakers {
        openai: BreakerState::Open { until_ms: 9 },
        ..ProviderBreakers::default()
    };
    let with = RecordPersonalization::new(counts, Some(&Breakers::from(open)));
    assert_eq!(with.breakers, Some(open));
}
