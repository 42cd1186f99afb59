use super::*;
use wandstore_core::cookie_hints::{self, CartHint};
use wandstore_core::identity::COOKIE_NAME;
use wandstore_core::rate_limit::RateClass;
use wandstore_core::store::StoreSlug;
use wandstore_core::store_dispatch::{self, StoreDispatch};

const NOW: u64 = 20_000 * 86_400_000 + 5_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const OLD_SECRET: &[u8] = b"an older secret, still accepted!";

fn signer() -> CookieSigner {
    CookieSigner::new(SECRET, &[OLD_SECRET]).unwrap()
}

fn target(store: &str) -> StorePath {
    StorePath {
        store: StoreSlug::parse(store).unwrap(),
        base: format!("/s/{store}/"),
        rest: "/collections/hats".to_owned(),
    }
}

fn shopper_request(method: &str, rest: &'static str) -> ShopperRequest<'static> {
    match store_dispatch::dispatch(method, rest, false) {
        StoreDispatch::Shopper(s) => s,
        other => panic!("{method} {rest}: {other:?}"),
    }
}

fn arrival<'a>(target: &'a StorePath, route: ShopperRequest<'a>, cookie: &'a str) -> Arrival<'a> {
    Arrival {
        target,
        route,
        preview: false,
        origin: "https://shop.example",
        request_id: "rid-1",
        cookie,
        client_ip: Some("203.0.113.9"),
        country: Some("NZ"),
        now_ms: NOW,
    }
}

const FRESH: [u8; 16] = [7; 16];

fn fresh() -> Result<[u8; 16], &'static str> {
    Ok(FRESH)
}

/// The randomness a returning shopper must never need.
fn no_fresh() -> Result<[u8; 16], &'static str> {
    Err("asked for randomness")
}

/// The cookie header a returning shopper sends: a token for `store` and the given hints.
fn cookie_for(signer: &CookieSigner, store: &str, hints: &Hints) -> (ShopperId, String) {
    let shopper = ShopperId::from_random([3; 16]);
    let token = signer.sign(&StoreSlug::parse(store).unwrap(), &shopper);
    let value = cookie_hints::join(&token, hints);
    (shopper, format!("theme=dark; {COOKIE_NAME}={value}"))
}

/// A first visit's home page, with fresh randomness.
fn first_visit_home(t: &StorePath) -> Visit<'_> {
    Visit::plan(
        arrival(t, shopper_request("GET", "/"), ""),
        &signer(),
        fresh,
    )
    .unwrap()
}

/// A returning shopper's home page: no randomness may be asked for.
fn returning_home<'a>(t: &'a StorePath, cookie: &'a str) -> Visit<'a> {
    Visit::plan(
        arrival(t, shopper_request("GET", "/"), cookie),
        &signer(),
        no_fresh,
    )
    .unwrap()
}

#[test]
fn a_shopper_without_a_cookie_is_new_and_gets_a_token_for_this_store() {
    let t = target("demo");
    let visit = first_visit_home(&t);
    assert_eq!(visit.ctx.shopper, ShopperId::from_random(FRESH));
    assert!(visit.ctx.first_visit);
    assert!(!visit.ctx.saw_home);
    let draft = visit.cookie(CookieScope::new("/s/demo/", "https", "shop.example"));
    assert!(draft.new);
    assert_eq!(draft.sent, Hints::default());
    assert_eq!(
        signer().verify(&draft.token, &t.store),
        Some(visit.ctx.shopper.clone())
    );
    assert_eq!(draft.now_ms, NOW);
}

#[test]
fn a_returning_shopper_keeps_their_id_token_and_hints_and_needs_no_randomness() {
    let t = target("demo");
    let hints = Hints {
        saw_home: true,
        cart: Some(CartHint::reported(2, NOW)),
        ..Hints::default()
    };
    let (shopper, cookie) = cookie_for(&signer(), "demo", &hints);
    let visit = returning_home(&t, &cookie);
    assert_eq!(visit.ctx.shopper, shopper);
    assert!(!visit.ctx.first_visit);
    assert!(visit.ctx.saw_home);
    let draft = visit.cookie(CookieScope::new("/s/demo/", "https", "shop.example"));
    assert!(!draft.new);
    assert_eq!(draft.sent, hints);
}

#[test]
fn a_token_signed_with_a_previous_secret_is_still_the_same_shopper() {
    let t = target("demo");
    let old = CookieSigner::new(OLD_SECRET, &[]).unwrap();
    let (shopper, cookie) = cookie_for(&old, "demo", &Hints::default());
    let visit = returning_home(&t, &cookie);
    assert_eq!(visit.ctx.shopper, shopper);
}

#[test]
fn another_stores_or_a_forged_token_makes_a_new_shopper() {
    let t = target("demo");
    let (theirs, other_store) = cookie_for(&signer(), "other", &Hints::default());
    let stranger = CookieSigner::new(b"someone else's secret, 32 bytes!", &[]).unwrap();
    let (_, forged) = cookie_for(&stranger, "demo", &Hints::default());
    let (_, good) = cookie_for(&signer(), "demo", &Hints::default());
    let tampered = good.replacen("demo", "dem0", 1);
    for cookie in [
        other_store.as_str(),
        forged.as_str(),
        tampered.as_str(),
        "wandstore_shopper=v1.x.y",
    ] {
        let visit = Visit::plan(
            arrival(&t, shopper_request("GET", "/"), cookie),
            &signer(),
            fresh,
        )
        .unwrap();
        assert!(visit.ctx.first_visit, "{cookie}");
        assert_ne!(visit.ctx.shopper, theirs, "{cookie}");
        assert_eq!(visit.ctx.shopper, ShopperId::from_random(FRESH), "{cookie}");
    }
}

#[test]
fn a_new_shopper_without_randomness_is_the_shells_error() {
    let t = target("demo");
    let planned = Visit::plan(
        arrival(&t, shopper_request("GET", "/"), ""),
        &signer(),
        no_fresh,
    );
    assert_eq!(planned.err(), Some("asked for randomness"));
}

#[test]
fn the_context_carries_the_address_and_the_buyers_facts() {
    let t = target("demo");
    let mut a = arrival(&t, shopper_request("GET", "/"), "");
    a.preview = true;
    let visit = Visit::plan(a, &signer(), fresh).unwrap();
    assert_eq!(visit.ctx.store.as_str(), "demo");
    assert_eq!(visit.ctx.base, "/s/demo/");
    assert_eq!(visit.ctx.origin, "https://shop.example");
    assert_eq!(visit.ctx.request_id, "rid-1");
    assert_eq!(visit.ctx.buyer_ip.as_deref(), Some("203.0.113.9"));
    assert_eq!(visit.ctx.buyer_country.as_deref(), Some("NZ"));
    assert!(visit.ctx.preview);
    assert_eq!(visit.ctx.script_nonce, None);
}

#[test]
fn the_log_line_names_the_shopper_and_a_class_the_object_counts() {
    let t = target("demo");
    let mut log = RequestLog::default();
    let page = first_visit_home(&t);
    page.note_in(&mut log);
    assert_eq!(log.shopper, Some(page.ctx.shopper.log_tag()));
    assert!(log.new_shopper);
    assert_eq!(log.rate_limit, None);

    let mut log = RequestLog::default();
    let (_, cookie) = cookie_for(&signer(), "demo", &Hints::default());
    let write = Visit::plan(
        arrival(&t, shopper_request("POST", "/cart/add"), &cookie),
        &signer(),
        no_fresh,
    )
    .unwrap();
    write.note_in(&mut log);
    assert!(!log.new_shopper);
    assert_eq!(log.rate_limit, Some(RateClass::CartWrites.name()));
    assert_eq!(log.rate_decision, Some(RateDecision::Allowed.name()));
}

#[test]
fn limits_follow_the_routes_class_and_skip_a_path_no_route_takes() {
    let t = target("demo");
    let page = first_visit_home(&t);
    assert!(page.limits().is_some());
    let unknown = shopper_request("GET", "/no/such/page/here");
    assert_eq!(unknown.class, None);
    let nowhere = Visit::plan(arrival(&t, unknown, ""), &signer(), fresh).unwrap();
    assert!(nowhere.limits().is_none());
}

#[test]
fn the_entry_renders_a_listing_only_with_todays_cart_hint_and_off_a_preview() {
    let t = target("demo");
    let today = Hints {
        saw_home: false,
        cart: Some(CartHint::reported(3, NOW)),
        ..Hints::default()
    };
    let yesterday = Hints {
        saw_home: false,
        cart: Some(CartHint::reported(3, NOW - 86_400_000)),
        ..Hints::default()
    };
    let (_, fresh_hint) = cookie_for(&signer(), "demo", &today);
    let (_, stale_hint) = cookie_for(&signer(), "demo", &yesterday);
    let (_, no_hint) = cookie_for(&signer(), "demo", &Hints::default());
    let listing = shopper_request("GET", "/collections/hats");
    let plan = |route, cookie, preview| {
        let mut a = arrival(&t, route, cookie);
        a.preview = preview;
        Visit::plan(a, &signer(), fresh).unwrap().served("")
    };
    assert_eq!(
        plan(listing, &fresh_hint, false),
        Served::Edge {
            page: EdgePage::Collection("hats"),
            cart_items: 3
        }
    );
    assert_eq!(
        plan(shopper_request("HEAD", "/search"), &fresh_hint, false),
        Served::Edge {
            page: EdgePage::Search,
            cart_items: 3
        }
    );
    assert_eq!(plan(listing, &fresh_hint, true), Served::Object);
    assert_eq!(plan(listing, &stale_hint, false), Served::Object);
    assert_eq!(plan(listing, &no_hint, false), Served::Object);
    assert_eq!(plan(listing, "", false), Served::Object);
    assert_eq!(
        plan(shopper_request("GET", "/products/hat"), &fresh_hint, false),
        Served::Edge {
            page: EdgePage::Product("hat"),
            cart_items: 3
        }
    );
    assert_eq!(
        plan(shopper_request("HEAD", "/products/hat"), &fresh_hint, false),
        Served::Object
    );
    assert_eq!(
        plan(shopper_request("POST", "/cart/add"), &fresh_hint, false),
        Served::Object
    );
}

#[test]
fn the_object_is_named_per_store_and_shopper_and_asked_for_the_path_and_query() {
    let t = target("demo");
    let visit = first_visit_home(&t);
    assert_eq!(
        visit.object_name(),
        format!("demo/{}", ShopperId::from_random(FRESH))
    );
    assert_eq!(
        visit.object_path("/search", Some("q=hat&page=2")),
        "/search?q=hat&page=2"
    );
    assert_eq!(visit.object_path("/search", Some("")), "/search");
    assert_eq!(visit.object_path("/search", None), "/search");
}

#[test]
fn a_preview_gets_a_nonce_for_its_script_and_the_console_may_frame_it_and_a_plain_page_nothing() {
    let t = target("demo");
    let mut plain = first_visit_home(&t);
    let none = plain.allow_preview(
        || -> Result<String, &str> { panic!("nonce made") },
        || panic!("read"),
    );
    assert_eq!(none, Ok(None));
    assert_eq!(plain.ctx.script_nonce, None);
    let preview_arrival = Arrival {
        preview: true,
        ..arrival(&t, shopper_request("GET", "/"), "")
    };
    let mut preview = Visit::plan(preview_arrival, &signer(), fresh).unwrap();
    let allow = preview
        .allow_preview(
            || Ok::<_, &str>("n0nce".to_owned()),
            || "wandstore.test".to_owned(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(allow.script_nonce.as_deref(), Some("n0nce"));
    assert!(
        allow
            .framed_by
            .is_some_and(|origins| origins.iter().any(|o| o.contains("wandstore.test")))
    );
    assert_eq!(
        preview.ctx.script_nonce.as_deref(),
        Some("n0nce"),
        "the object gets it too"
    );
    let preview_arrival = Arrival {
        preview: true,
        ..arrival(&t, shopper_request("GET", "/"), "")
    };
    let mut broken = Visit::plan(preview_arrival, &signer(), fresh).unwrap();
    assert_eq!(
        broken.allow_preview(|| Err("no randomness"), String::new),
        Err("no randomness")
    );
    assert_eq!(broken.ctx.script_nonce, None);
}

#[test]
fn the_cookies_pending_views_go_to_the_object_and_a_click_from_the_block_too() {
    let t = target("demo");
    let hints = Hints {
        cart: Some(CartHint::reported(0, NOW)),
        ..Hints::default()
    };
    let hints = hints.with_view("hat", NOW - 5_000).unwrap_or_default();
    let (_, cookie) = cookie_for(&signer(), "demo", &hints);
    let product = shopper_request("GET", "/products/mug");
    let visit = Visit::plan(arrival(&t, product, &cookie), &signer(), fresh).unwrap();
    assert_eq!(visit.ctx.pending_views, hints.views);
    assert_eq!(
        visit.served("variant=1"),
        Served::Edge {
            page: EdgePage::Product("mug"),
            cart_items: 0
        }
    );
    assert_eq!(visit.served("rec=ai"), Served::Object);
    let scope = || CookieScope::new("/s/demo/", "https", "shop.example");
    let set = (visit.edge_cookie(EdgePage::Product("mug"), Some("mug"), scope)).unwrap_or_default();
    assert!(set.contains("~vhat."), "{set}");
    assert!(set.contains(&format!("~vmug.{}", NOW / 1000)), "{set}");
    // A new shopper carries none.
    let new = Visit::plan(arrival(&t, product, ""), &signer(), fresh).unwrap();
    assert!(new.ctx.pending_views.is_empty());
}

#[test]
fn a_home_page_without_history_comes_from_the_entry_and_pends_its_view() {
    use wandstore_core::cookie_hints::HomeHint;
    let t = target("demo");
    let hints = Hints {
        cart: Some(CartHint::reported(2, NOW)),
        home: Some(HomeHint::counted(4, NOW)),
        ..Hints::default()
    };
    let (_, cookie) = cookie_for(&signer(), "demo", &hints);
    let home = shopper_request("GET", "/");
    let visit = Visit::plan(arrival(&t, home, &cookie), &signer(), fresh).unwrap();
    let page = EdgePage::Home;
    assert_eq!(
        visit.served(""),
        Served::Edge {
            page,
            cart_items: 2
        }
    );
    assert_eq!(visit.edge_home_visits(), 5);
    assert_eq!(visit.ctx.home_count, None, "nothing pending");
    let scope = || CookieScope::new("/s/demo/", "https", "shop.example");
    let set = visit.edge_cookie(page, None, scope).unwrap_or_default();
    assert!(
        set.contains(&format!("~n5.1.{};", NOW / 86_400_000)),
        "{set}"
    );
    // A listing page changes nothing, and never asks for the cookie's scope.
    let no_scope = || -> CookieScope { unreachable!("no cookie to set") };
    assert_eq!(visit.edge_cookie(EdgePage::Search, None, no_scope), None);

    // With views pending, the object gets the count to store; a HEAD goes there too.
    let pending = hints.with_home_view(NOW).unwrap_or_default();
    let (_, cookie) = cookie_for(&signer(), "demo", &pending);
    let visit = Visit::plan(arrival(&t, home, &cookie), &signer(), fresh).unwrap();
    assert_eq!(visit.ctx.home_count, Some(5));
    assert_eq!(visit.edge_home_visits(), 6);
    let head = shopper_request("HEAD", "/");
    let visit = Visit::plan(arrival(&t, head, &cookie), &signer(), fresh).unwrap();
    assert_eq!(visit.served(""), Served::Object);
}

#[test]
fn a_forwarded_visit_keeps_its_cookie_quota_and_a_previews_allowances_and_fails_without_a_nonce() {
    let t = target("demo");
    let scope = || CookieScope::new(&t.base, "https", "shop.example");
    let quota = Quota {
        allowed: true,
        limit: 5,
        remaining: 4,
        reset_secs: 1,
        window_secs: 60,
    };
    let mut plain = first_visit_home(&t);
    let never = || -> Result<String, &str> { panic!("nonce made") };
    let kept = plain.forwarded(scope(), Some(quota), never, || panic!("read"));
    let kept = kept.unwrap();
    assert_eq!(kept.cookie, Some(plain.cookie(scope())));
    assert_eq!((kept.quota, kept.allow), (Some(quota), None));
    let preview_arrival = Arrival {
        preview: true,
        ..arrival(&t, shopper_request("GET", "/"), "")
    };
    let mut preview = Visit::plan(preview_arrival, &signer(), fresh).unwrap();
    let nonce = || Ok::<_, &str>("n0nce".to_owned());
    let kept = preview.forwarded(scope(), None, nonce, || "wandstore.test".to_owned());
    let allow = kept.unwrap().allow.unwrap();
    assert_eq!(allow.script_nonce.as_deref(), Some("n0nce"));
    assert_eq!(preview.ctx.script_nonce.as_deref(), Some("n0nce"));
    let mut broken = Visit::plan(preview_arrival, &signer(), fresh).unwrap();
    let failed = broken.forwarded(scope(), None, || Err("no randomness"), String::new);
    assert_eq!(failed, Err("no randomness"));
}
