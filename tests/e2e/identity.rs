//! Shopper identity: signed cookies, tampering, and cookies that belong to another store.

use crate::support::{Ctx, Test};
use wandstore_e2e::Client;

pub const TESTS: &[(&str, Test)] = &[
    (
        "identity::new_shopper_gets_a_secure_cookie",
        new_shopper_gets_a_secure_cookie,
    ),
    (
        "identity::tampered_cookie_is_a_new_shopper",
        tampered_cookie_is_a_new_shopper,
    ),
    (
        "identity::cookie_from_another_store_is_ignored",
        cookie_from_another_store_is_ignored,
    ),
    (
        "identity::known_shopper_gets_no_new_cookie",
        known_shopper_gets_no_new_cookie,
    ),
];

fn new_shopper_gets_a_secure_cookie(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let page = Client::new(url).get("/s/outlet/");
    let set = page.headers_named("set-cookie");
    assert_eq!(set.len(), 1, "{set:?}");
    let cookie = set[0];
    assert!(
        cookie.starts_with("wandstore_shopper=v1.outlet."),
        "{cookie}"
    );
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/s/outlet/", "Max-Age="] {
        assert!(cookie.contains(attr), "{attr} missing from {cookie}");
    }
    // Plain HTTP on 127.0.0.1 is local development: no `Secure`, or the browser would drop it.
    assert!(!cookie.contains("Secure"), "{cookie}");
    let root = Client::new(url).get("/");
    assert!(root.headers_named("set-cookie")[0].contains("Path=/;"));
}

fn tampered_cookie_is_a_new_shopper(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let mut shopper = Client::new(url);
    shopper.get("/s/outlet/");
    assert_eq!(shopper.get("/s/outlet/").visits(), Some(2));
    let good = shopper.cookie.clone().unwrap_or_default();
    // Change one hex digit of the shopper id: the signature no longer matches.
    let (head, id_and_sig) = good.split_at("wandstore_shopper=v1.outlet.".len());
    let flipped = if id_and_sig.starts_with('0') {
        '1'
    } else {
        '0'
    };
    let tampered = format!("{head}{flipped}{}", &id_and_sig[1..]);
    for bad in [
        tampered.as_str(),
        "wandstore_shopper=garbage",
        "wandstore_shopper=",
    ] {
        let mut forger = Client::new(url);
        forger.cookie = Some(bad.to_owned());
        let page = forger.get("/s/outlet/");
        assert_eq!(page.status, 200, "never an error page for {bad}");
        assert_eq!(page.visits(), Some(1), "a new shopper for {bad}");
        assert!(page.shopper_cookie().is_some_and(|c| c != bad));
    }
    // The real shopper is untouched.
    assert_eq!(shopper.get("/s/outlet/").visits(), Some(3));
}

fn cookie_from_another_store_is_ignored(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let mut at_demo = Client::new(url);
    at_demo.get("/s/demo/");
    assert_eq!(at_demo.get("/s/demo/").visits(), Some(2));
    let demo_cookie = at_demo.cookie.clone();
    let mut at_outlet = Client::new(url);
    at_outlet.cookie = demo_cookie.clone();
    let page = at_outlet.get("/s/outlet/");
    assert_eq!(
        page.visits(),
        Some(1),
        "store A's cookie is absent at store B"
    );
    assert!(
        page.shopper_cookie()
            .is_some_and(|c| c.starts_with("wandstore_shopper=v1.outlet."))
    );
    // And the demo shopper still counts from where it was.
    at_demo.cookie = demo_cookie;
    assert_eq!(at_demo.get("/s/demo/").visits(), Some(3));
}

fn known_shopper_gets_no_new_cookie(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let mut shopper = Client::new(url);
    shopper.get("/");
    let first = shopper.cookie.clone().unwrap_or_default();
    let again = shopper.get("/");
    assert_eq!(again.visits(), Some(2));
    // No new identity: at most the same token again, without the first visit's home hint
    // (with the visit count the entry answers the next home pages from).
    let token = |c: &str| c.split('~').next().unwrap_or_default().to_owned();
    if let Some(cookie) = again.shopper_cookie() {
        assert_eq!(token(&cookie), token(&first), "the same shopper");
        assert!(!cookie.ends_with("~h"), "{cookie}");
    }
    let third = shopper.get("/");
    assert_eq!(third.visits(), Some(3));
    if let Some(cookie) = third.shopper_cookie() {
        assert_eq!(token(&cookie), token(&first), "the same shopper");
    }
}
