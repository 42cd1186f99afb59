//! Pages, visit counting and durability.

use crate::support::{Ctx, Test};
use wandstore_e2e::{Client, TestStack};

pub const TESTS: &[(&str, Test)] = &[
    (
        "storefront::root_serves_the_demo_store",
        root_serves_the_demo_store,
    ),
    (
        "storefront::outlet_has_its_own_name",
        outlet_has_its_own_name,
    ),
    ("storefront::same_cookie_counts_up", same_cookie_counts_up),
    (
        "storefront::unknown_store_is_a_404_page",
        unknown_store_is_a_404_page,
    ),
    (
        "storefront::invalid_slug_is_a_404_page",
        invalid_slug_is_a_404_page,
    ),
    (
        "storefront::unknown_page_is_a_themed_404",
        unknown_page_is_a_themed_404,
    ),
    (
        "storefront::writes_are_refused_with_405",
        writes_are_refused_with_405,
    ),
];

fn root_serves_the_demo_store(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let page = Client::new(url).get("/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    // The demo store's name has an `&`, which must arrive escaped.
    assert!(
        page.body.contains("Wand &#38; Co. Demo Store"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Wand Outlet"));
    assert_eq!(page.visits(), Some(1));
}

fn outlet_has_its_own_name(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let page = Client::new(url).get("/s/outlet/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.header("content-type")
            .is_some_and(|c| c.starts_with("text/html"))
    );
    assert!(
        page.body.contains("<title>Wand Outlet</title>"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"href="/s/outlet/""#));
    // Without the trailing slash it is the same store.
    let bare = Client::new(url).get("/s/outlet");
    assert_eq!(bare.status, 200);
    assert!(bare.body.contains("Wand Outlet"));
}

fn same_cookie_counts_up(ctx: &Ctx) {
    let url = ctx.url.as_str();
    for path in ["/", "/s/outlet/"] {
        let mut shopper = Client::new(url);
        let counts: Vec<_> = (0..3).map(|_| shopper.get(path).visits()).collect();
        assert_eq!(counts, [Some(1), Some(2), Some(3)], "at {path}");
        // A second shopper without a cookie starts at 1 and leaves the first one alone.
        assert_eq!(Client::new(url).get(path).visits(), Some(1));
        assert_eq!(shopper.get(path).visits(), Some(4));
    }
}

fn unknown_store_is_a_404_page(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let page = Client::new(url).get("/s/nowhere/");
    assert_eq!(page.status, 404, "{}", page.body);
    assert!(
        page.header("content-type")
            .is_some_and(|c| c.starts_with("text/html"))
    );
    assert!(page.body.contains("Not found"));
    assert!(page.body.contains("nowhere"));
    assert_eq!(
        page.shopper_cookie(),
        None,
        "no identity is minted for a store that does not exist"
    );
}

fn invalid_slug_is_a_404_page(ctx: &Ctx) {
    let url = ctx.url.as_str();
    for path in ["/s/NOPE/", "/s/a/", "/s/bad_slug/x"] {
        let page = Client::new(url).get(path);
        assert_eq!(page.status, 404, "{path}: {}", page.body);
        assert!(page.body.contains("Store not found"), "{path}");
        assert_eq!(page.shopper_cookie(), None);
    }
}

fn unknown_page_is_a_themed_404(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let page = Client::new(url).get("/s/outlet/no-such-page");
    assert_eq!(page.status, 404);
    assert!(
        page.body.contains("Wand Outlet"),
        "the 404 page is in the store's frame"
    );
}

fn writes_are_refused_with_405(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let page = Client::new(url).post_empty("/s/outlet/");
    assert_eq!(page.status, 405);
    assert_eq!(page.header("allow"), Some("GET, HEAD"));
}

/// Stop the stack, start it again on the same state directory, and the count continues.
/// The cart survives it too.
pub fn count_survives_a_restart() {
    let mut stack = TestStack::start().unwrap_or_else(|e| panic!("{e}"));
    let mut shopper = Client::new(&stack.url());
    assert_eq!(shopper.get("/s/outlet/").visits(), Some(1));
    assert_eq!(shopper.get("/s/outlet/").visits(), Some(2));
    let (_, variant) = crate::cart::buyable(&mut shopper, "/s/outlet/", 0);
    let add = format!(r#"{{"op":"add","variant_id":"{variant}","quantity":4}}"#);
    assert_eq!(
        shopper.post_json("/s/outlet/api/cart", &add, &[]).status,
        200
    );
    let old_port = stack.stack.port();
    stack.restart().unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(
        stack.stack.port(),
        old_port,
        "a fresh process on a fresh port"
    );
    let mut again = Client::new(&stack.url());
    again.cookie = shopper.cookie.clone();
    assert_eq!(again.get("/s/outlet/").visits(), Some(3));
    let cookie = again.cookie.clone().unwrap_or_default();
    let cart = again.send("GET", "/s/outlet/api/cart", &[("cookie", &cookie)], None);
    assert_eq!(cart.json()["item_count"], 4, "{}", cart.body);
    assert_eq!(cart.json()["lines"][0]["variant_id"], variant.as_str());
}

/// Bounded storage: with a 2 s idle retention, a shopper's object without a cart deletes its
/// storage once the shopper has been away that long (the count starts again), while one
/// with a cart keeps it (cart retention 60 s here). Waiting is a time condition, polled.
pub fn idle_storage_is_deleted_after_its_retention() {
    let stack = TestStack::start_with(&[
        ("SHOPPER_IDLE_RETENTION_SECS", "2"),
        ("SHOPPER_CART_RETENTION_SECS", "60"),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let mut idle = Client::new(&stack.url());
    assert_eq!(idle.get("/s/outlet/").visits(), Some(1));
    assert_eq!(idle.get("/s/outlet/").visits(), Some(2));
    let mut carted = Client::new(&stack.url());
    assert_eq!(carted.get("/s/outlet/").visits(), Some(1));
    let (_, variant) = crate::cart::buyable(&mut carted, "/s/outlet/", 0);
    let add = format!(r#"{{"op":"add","variant_id":"{variant}","quantity":2}}"#);
    assert_eq!(
        carted.post_json("/s/outlet/api/cart", &add, &[]).status,
        200
    );

    // Each look is itself activity, so look only after a full retention of quiet. The look
    // goes to the object (whose storage is in question): without the cookie's visit count, the
    // entry does not answer the home page itself.
    let idle_cookie = idle.cookie.clone().unwrap_or_default();
    let through_object = idle_cookie
        .split("~n")
        .next()
        .unwrap_or_default()
        .to_owned();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(40);
    loop {
        std::thread::sleep(std::time::Duration::from_millis(3_000));
        let look = Client::new(&stack.url()).send(
            "GET",
            "/s/outlet/",
            &[("cookie", &through_object)],
            None,
        );
        let visits = look.visits();
        if visits == Some(1) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the idle shopper's storage was never deleted (visits {visits:?})"
        );
    }
    let cookie = carted.cookie.clone().unwrap_or_default();
    let cart = carted.send("GET", "/s/outlet/api/cart", &[("cookie", &cookie)], None);
    assert_eq!(
        cart.json()["item_count"],
        2,
        "a cart keeps the object: {}",
        cart.body
    );
}
