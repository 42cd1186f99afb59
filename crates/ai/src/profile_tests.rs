use super::*;
use crate::test_support::catalog;

const DAY: u64 = 24 * 60 * 60 * 1000;

fn facts(handle: &str) -> ProductFacts {
    let (products, collections) = catalog();
    let p = products.iter().find(|p| p.handle == handle).unwrap();
    ProductFacts::of(p, &collections)
}

#[test]
fn views_build_affinity_for_every_dimension() {
    let mut p = Profile::default();
    assert!(p.is_empty());
    p.observe(Signal::Viewed, &facts("hat-red"), 1_000);
    assert_eq!(p.product_types.get("hat"), Some(&1.0));
    assert_eq!(p.vendors.get("acme"), Some(&1.0));
    assert_eq!(p.tags.get("wool"), Some(&1.0));
    assert_eq!(p.collections.get("hats"), Some(&1.0));
    assert_eq!(p.events, 1);
    assert_eq!(p.as_of_ms, 1_000);
    assert!(p.score(&facts("hat-blue")) > p.score(&facts("mug-blue")));
    assert_eq!(p.score(&facts("teapot")), 0.0);
}

#[test]
fn adds_and_purchase_intent_weigh_more_than_views_and_removals_weaken() {
    let mut p = Profile::default();
    p.observe(Signal::Viewed, &facts("hat-red"), 0);
    p.observe(Signal::Added, &facts("mug-blue"), 0);
    assert!(p.product_types["mug"] > p.product_types["hat"]);
    p.observe(Signal::PurchaseIntent, &facts("hat-red"), 0);
    assert_eq!(p.product_types["hat"], 6.0);
    p.observe(Signal::Removed, &facts("mug-blue"), 0);
    assert_eq!(p.product_types["mug"], 1.0);
    // A removal never makes a weight negative; it is forgotten at zero.
    p.observe(Signal::Removed, &facts("mug-blue"), 0);
    assert!(!p.product_types.contains_key("mug"));
    p.observe(Signal::Removed, &facts("teapot"), 0);
    assert!(p.product_types.values().all(|w| *w > 0.0));
}

#[test]
fn weights_halve_every_half_life_and_old_taste_fades() {
    let mut p = Profile::default();
    p.observe(Signal::Added, &facts("hat-red"), 0);
    p.decay_to(HALF_LIFE_MS);
    assert!((p.product_types["hat"] - 1.5).abs() < 1e-9);
    // Newer views of mugs overtake an older, heavier interest in hats.
    p.observe(Signal::Viewed, &facts("mug-blue"), HALF_LIFE_MS + 14 * DAY);
    p.observe(Signal::Viewed, &facts("mug-green"), HALF_LIFE_MS + 14 * DAY);
    assert!(p.score(&facts("mug-green")) > p.score(&facts("hat-blue")));
    // Long enough and everything is forgotten.
    p.decay_to(HALF_LIFE_MS * 40);
    assert!(p.is_empty());
}

#[test]
fn a_clock_step_back_decays_nothing() {
    let mut p = Profile::default();
    p.observe(Signal::Viewed, &facts("hat-red"), 10 * DAY);
    p.decay_to(DAY);
    assert_eq!(p.product_types["hat"], 1.0);
    assert_eq!(p.as_of_ms, 10 * DAY);
}

#[test]
fn dimensions_are_capped() {
    let mut p = Profile::default();
    for i in 0..100 {
        let f = ProductFacts {
            tags: vec![format!("tag{i}")],
            product_type: format!("type{i}"),
            vendor: String::new(),
            collections: Vec::new(),
        };
        p.observe(Signal::Viewed, &f, i);
    }
    assert!(p.tags.len() <= MAX_ENTRIES);
    assert!(p.product_types.len() <= MAX_ENTRIES);
    assert!(p.vendors.is_empty(), "empty words are not learned");
}

#[test]
fn rebuilds_from_stored_events_and_skips_unknown_products() {
    let events = [
        ShopperEvent::Viewed {
            handle: "hat-red".into(),
        },
        ShopperEvent::Added {
            variant_id: "v".into(),
            handle: "hat-blue".into(),
            quantity: 1,
        },
        ShopperEvent::Viewed {
            handle: "gone".into(),
        },
    ];
    let p = Profile::from_events(events.iter().zip([0, 1, 2]), |h| {
        (h != "gone").then(|| facts(h))
    });
    assert_eq!(p.events, 2);
    assert!((p.product_types["hat"] - 4.0).abs() < 1e-6);
    assert_eq!(p.summary(1).product_types, ["hat"]);
}

#[test]
fn round_trips_as_json_with_stable_field_names() {
    let mut p = Profile::default();
    p.observe(Signal::Viewed, &facts("scarf"), 5);
    let json = serde_json::to_string(&p).unwrap();
    for field in [
        "\"tags\"",
        "\"product_types\"",
        "\"vendors\"",
        "\"collections\"",
        "\"as_of_ms\"",
        "\"events\"",
    ] {
        assert!(json.contains(field), "{json}");
    }
    assert_eq!(serde_json::from_str::<Profile>(&json).unwrap(), p);
}

#[test]
fn segments_are_shared_by_similar_shoppers_and_carry_no_words() {
    let mut a = Profile::default();
    let mut b = Profile::default();
    a.observe(Signal::Viewed, &facts("hat-red"), 0);
    b.observe(Signal::Viewed, &facts("hat-red"), 50);
    b.observe(Signal::Viewed, &facts("hat-red"), 60);
    assert_eq!(a.segment(), b.segment());
    let mut c = Profile::default();
    c.observe(Signal::Viewed, &facts("mug-blue"), 0);
    assert_ne!(a.segment(), c.segment());
    assert!(a.segment().starts_with("seg-"));
    assert_eq!(a.segment().len(), 16);
    assert!(!a.segment().contains("hat"));
    assert_eq!(Profile::default().segment(), "seg-none");
}

#[test]
fn going_to_checkout_is_the_strongest_signal() {
    let checkout = ShopperEvent::CheckoutStarted {
        handle: "mug".into(),
    };
    assert_eq!(Signal::of(&checkout), Signal::PurchaseIntent);
    assert!(Signal::PurchaseIntent.weight() > Signal::Added.weight());
}
