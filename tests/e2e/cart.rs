//! The cart: HTML forms with CSRF, the JSON API with idempotency, concurrency, isolation
//! between shoppers and stores, and the checkout hand-off.

use crate::pages::product_handles;
use crate::support::{Ctx, Test};
use serde_json::{Value, json};
use wandstore_e2e::Client;

pub const TESTS: &[(&str, Test)] = &[
    (
        "cart::browse_add_change_remove_checkout",
        browse_add_change_remove_checkout,
    ),
    (
        "cart::checkouts_are_limited_exactly_with_ratelimit_headers",
        checkouts_are_limited_exactly_with_ratelimit_headers,
    ),
    (
        "cart::forms_need_the_shoppers_csrf_token",
        forms_need_the_shoppers_csrf_token,
    ),
    (
        "cart::checkout_of_an_empty_cart_is_a_422_that_changes_nothing",
        checkout_of_an_empty_cart_is_a_422_that_changes_nothing,
    ),
    (
        "cart::json_api_rules_and_idempotent_replays",
        json_api_rules_and_idempotent_replays,
    ),
    (
        "cart::concurrent_adds_are_all_counted",
        concurrent_adds_are_all_counted,
    ),
    (
        "cart::carts_are_private_to_a_shopper_and_a_store",
        carts_are_private_to_a_shopper_and_a_store,
    ),
    (
        "cart::cart_writes_are_limited_per_shopper_exactly",
        cart_writes_are_limited_per_shopper_exactly,
    ),
];

/// A product of the store at `base` that can be bought: (its handle, a variant id, the page).
pub fn buyable(client: &mut Client, base: &str, skip: usize) -> (String, String) {
    let listing = client.get(&format!("{base}collections/all?sort=price-asc&size=48"));
    assert_eq!(listing.status, 200, "{}", listing.body);
    for handle in product_handles(&listing, base).into_iter().skip(skip) {
        let page = client.get(&format!("{base}products/{handle}"));
        if page.body.contains("Sold out</button>") {
            continue;
        }
        if let Some(variant) = page.available_variant() {
            return (handle, variant);
        }
    }
    panic!("no buyable product at {base}");
}

fn cart_json(client: &mut Client, base: &str) -> Value {
    let cookie = client.cookie.clone().unwrap_or_default();
    let page = client.send(
        "GET",
        &format!("{base}api/cart"),
        &[("cookie", &cookie)],
        None,
    );
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()
}

fn browse_add_change_remove_checkout(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let (handle, variant) = buyable(&mut shopper, "/", 0);
    let product = shopper.get(&format!("/products/{handle}"));
    let csrf = product.csrf().unwrap_or_default();
    assert!(!csrf.is_empty(), "the product page carries a CSRF token");

    let added = shopper.post_form(
        "/cart/add",
        &[("variant_id", &variant), ("quantity", "2"), ("csrf", &csrf)],
    );
    assert_eq!(added.status, 303, "{}", added.body);
    assert_eq!(added.header("location"), Some("/cart?notice=added"));
    let cart = shopper.get("/cart?notice=added");
    assert_eq!(cart.status, 200);
    assert!(cart.body.contains("Added to your cart."));
    assert!(cart.body.contains(&format!("href=\"/products/{handle}")));
    let state = cart_json(&mut shopper, "/");
    assert_eq!(state["item_count"], 2);
    assert_eq!(state["lines"][0]["variant_id"], variant.as_str());

    let csrf = cart.csrf().unwrap_or_default();
    let updated = shopper.post_form(
        "/cart/update",
        &[("variant_id", &variant), ("quantity", "5"), ("csrf", &csrf)],
    );
    assert_eq!(updated.status, 303);
    assert_eq!(cart_json(&mut shopper, "/")["lines"][0]["quantity"], 5);
    let too_many = shopper.post_form(
        "/cart/update",
        &[
            ("variant_id", &variant),
            ("quantity", "100"),
            ("csrf", &csrf),
        ],
    );
    assert_eq!(too_many.status, 422, "{}", too_many.body);
    assert!(too_many.body.contains("99"), "the page names the limit");
    assert_eq!(
        cart_json(&mut shopper, "/")["lines"][0]["quantity"],
        5,
        "a refused change changes nothing"
    );

    let removed = shopper.post_form("/cart/remove", &[("variant_id", &variant), ("csrf", &csrf)]);
    assert_eq!(removed.status, 303);
    assert_eq!(cart_json(&mut shopper, "/")["item_count"], 0);

    shopper.post_form(
        "/cart/add",
        &[("variant_id", &variant), ("quantity", "1"), ("csrf", &csrf)],
    );
    let checkout = shopper.post_form("/checkout", &[("csrf", &csrf)]);
    assert_eq!(checkout.status, 303, "{}", checkout.body);
    let location = checkout.header("location").unwrap_or_default().to_owned();
    assert!(
        location.starts_with(&format!("{}/checkouts/", ctx.devshop_url)),
        "{location}"
    );
    let page = Client::new(&ctx.devshop_url).get(location.trim_start_matches(&ctx.devshop_url));
    assert_eq!(page.status, 200, "devshop shows the checkout");
    assert_eq!(
        cart_json(&mut shopper, "/")["item_count"],
        1,
        "the cart is kept until the order exists"
    );
}

fn checkout_of_an_empty_cart_is_a_422_that_changes_nothing(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let (handle, _) = buyable(&mut shopper, "/", 2);
    let csrf = shopper
        .get(&format!("/products/{handle}"))
        .csrf()
        .unwrap_or_default();
    let refused = shopper.post_form("/checkout", &[("csrf", &csrf)]);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("nothing that can be bought"),
        "{}",
        refused.body
    );
    assert_eq!(refused.header("retry-after"), None, "nothing to wait for");
    assert_eq!(cart_json(&mut shopper, "/")["item_count"], 0);
}

fn forms_need_the_shoppers_csrf_token(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let (handle, variant) = buyable(&mut shopper, "/", 1);
    let csrf = shopper
        .get(&format!("/products/{handle}"))
        .csrf()
        .unwrap_or_default();
    let mut other = Client::new(&ctx.url);
    let other_csrf = other
        .get(&format!("/products/{handle}"))
        .csrf()
        .unwrap_or_default();
    for token in ["", "garbage", other_csrf.as_str()] {
        let refused = shopper.post_form(
            "/cart/add",
            &[("variant_id", &variant), ("quantity", "1"), ("csrf", token)],
        );
        assert_eq!(refused.status, 403, "token {token:?}: {}", refused.body);
    }
    let refused = shopper.post_form("/cart/add", &[("variant_id", &variant), ("quantity", "1")]);
    assert_eq!(refused.status, 403);
    assert_eq!(
        cart_json(&mut shopper, "/")["item_count"],
        0,
        "nothing was added"
    );
    let ok = shopper.post_form(
        "/cart/add",
        &[("variant_id", &variant), ("quantity", "1"), ("csrf", &csrf)],
    );
    assert_eq!(ok.status, 303);
    assert_eq!(shopper.get("/cart/add").status, 405);
}

fn json_api_rules_and_idempotent_replays(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let (_, variant) = buyable(&mut shopper, "/", 2);
    let add = json!({"op": "add", "variant_id": variant, "quantity": 2}).to_string();
    let first = shopper.post_json("/api/cart", &add, &[("idempotency-key", "order-42-add")]);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json()["item_count"], 2);
    let replay = shopper.post_json("/api/cart", &add, &[("idempotency-key", "order-42-add")]);
    assert_eq!(replay.status, 200);
    assert_eq!(replay.body, first.body, "a replay answers the first result");
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        cart_json(&mut shopper, "/")["item_count"],
        2,
        "and changes nothing"
    );
    let reused = shopper.post_json(
        "/api/cart",
        &json!({"op": "clear"}).to_string(),
        &[("idempotency-key", "order-42-add")],
    );
    assert_eq!(reused.status, 422);
    assert_eq!(reused.json()["error"]["code"], "idempotency_key_reused");

    let cases = [
        (
            json!({"op": "add", "variant_id": variant, "quantity": 0}),
            422,
        ),
        (
            json!({"op": "add", "variant_id": variant, "quantity": 98}),
            422,
        ),
        (
            json!({"op": "add", "variant_id": "gid://shopify/ProductVariant/does-not-exist", "quantity": 1}),
            422,
        ),
        (
            json!({"op": "set_quantity", "variant_id": "gid://shopify/ProductVariant/not-in-cart", "quantity": 1}),
            404,
        ),
        (json!({"op": "fly", "variant_id": variant}), 422),
        (json!({"op": "add", "variant_id": variant}), 422),
        (json!([1, 2]), 400),
    ];
    for (body, status) in cases {
        let page = shopper.post_json("/api/cart", &body.to_string(), &[]);
        assert_eq!(page.status, status, "{body}: {}", page.body);
        assert!(
            page.json()["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{}",
            page.body
        );
    }
    assert_eq!(shopper.post_json("/api/cart", "{not json", &[]).status, 400);
    assert_eq!(
        cart_json(&mut shopper, "/")["item_count"],
        2,
        "refused writes change nothing"
    );
    let bad_key = shopper.post_json(
        "/api/cart",
        &add,
        &[("idempotency-key", "has spaces in it")],
    );
    assert_eq!(bad_key.status, 400);
    let cleared = shopper.post_json("/api/cart", &json!({"op": "clear"}).to_string(), &[]);
    assert_eq!(cleared.json()["item_count"], 0);
}

fn concurrent_adds_are_all_counted(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let (_, variant) = buyable(&mut shopper, "/s/outlet/", 0);
    // Give the shopper an identity first, then add from 20 threads at once.
    assert_eq!(cart_json(&mut shopper, "/s/outlet/")["item_count"], 0);
    let cookie = shopper.cookie.clone().unwrap_or_default();
    let body = json!({"op": "add", "variant_id": variant, "quantity": 1}).to_string();
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let (url, cookie, body) = (ctx.url.clone(), cookie.clone(), body.clone());
            std::thread::spawn(move || {
                Client::new(&url)
                    .send(
                        "POST",
                        "/s/outlet/api/cart",
                        &[("cookie", &cookie), ("content-type", "application/json")],
                        Some(&body),
                    )
                    .status
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap_or(0)).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let cart = cart_json(&mut shopper, "/s/outlet/");
    assert_eq!(cart["item_count"], 20, "{cart}");
    assert_eq!(cart["lines"].as_array().map(Vec::len), Some(1));
}

fn carts_are_private_to_a_shopper_and_a_store(ctx: &Ctx) {
    let mut alice = Client::new(&ctx.url);
    let (_, variant) = buyable(&mut alice, "/", 3);
    let add = json!({"op": "add", "variant_id": variant, "quantity": 3}).to_string();
    assert_eq!(alice.post_json("/api/cart", &add, &[]).status, 200);
    let mut bob = Client::new(&ctx.url);
    assert_eq!(
        cart_json(&mut bob, "/")["item_count"],
        0,
        "another shopper sees an empty cart"
    );
    // Alice's demo cookie means nothing at the outlet: a new, empty cart there.
    let mut alice_at_outlet = Client::new(&ctx.url);
    alice_at_outlet.cookie = alice.cookie.clone();
    assert_eq!(
        cart_json(&mut alice_at_outlet, "/s/outlet/")["item_count"],
        0
    );
    // A demo variant cannot be added at the outlet.
    let foreign = alice_at_outlet.post_json("/s/outlet/api/cart", &add, &[]);
    assert_eq!(foreign.status, 422, "{}", foreign.body);
    assert_eq!(
        cart_json(&mut alice, "/")["item_count"],
        3,
        "Alice's cart is untouched"
    );
}

/// Each checkout costs a Shopify `cartCreate`, so a shopper gets 10 a minute, counted
/// exactly: every answer says how many are left, the 11th is a 429 that says when.
fn checkouts_are_limited_exactly_with_ratelimit_headers(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let (handle, variant) = buyable(&mut shopper, "/s/outlet/", 1);
    let csrf = shopper
        .get(&format!("/s/outlet/products/{handle}"))
        .csrf()
        .unwrap_or_default();
    let added = shopper.post_form(
        "/s/outlet/cart/add",
        &[("variant_id", &variant), ("quantity", "1"), ("csrf", &csrf)],
    );
    assert_eq!(added.status, 303, "{}", added.body);
    for left in (0..10).rev() {
        let checkout = shopper.post_form("/s/outlet/checkout", &[("csrf", &csrf)]);
        assert_eq!(checkout.status, 303, "{}", checkout.body);
        assert_eq!(
            checkout.header("ratelimit-policy"),
            Some("\"default\";q=10;w=60")
        );
        let state = checkout.header("ratelimit").unwrap_or_default();
        assert!(
            state.starts_with(&format!("\"default\";r={left};t=")),
            "{state}"
        );
    }
    let refused = shopper.post_form("/s/outlet/checkout", &[("csrf", &csrf)]);
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(
        refused
            .header("retry-after")
            .is_some_and(|s| s.parse::<u64>().is_ok_and(|s| (1..=60).contains(&s)))
    );
    assert!(
        refused
            .header("ratelimit")
            .is_some_and(|r| r.contains("r=0"))
    );
    // The cart is untouched by the refusal.
    assert_eq!(cart_json(&mut shopper, "/s/outlet/")["item_count"], 1);
}

/// A shopper's cart writes are counted exactly by their own object: 120 a minute pass, the
/// 121st (JSON or form) is a 429 with `Retry-After` that changes nothing, the log line says
/// so, and another shopper is not affected.
fn cart_writes_are_limited_per_shopper_exactly(ctx: &Ctx) {
    let base = "/s/outlet/";
    let mut shopper = Client::new(&ctx.url);
    let (handle, variant) = buyable(&mut shopper, base, 4);
    let api = format!("{base}api/cart");
    let add = json!({"op": "add", "variant_id": variant, "quantity": 1}).to_string();
    let set = json!({"op": "set_quantity", "variant_id": variant, "quantity": 2}).to_string();
    assert_eq!(shopper.post_json(&api, &add, &[]).status, 200);
    for i in 1..120 {
        let page = shopper.post_json(&api, &set, &[]);
        assert_eq!(page.status, 200, "write {}: {}", i + 1, page.body);
    }
    let refused = shopper.post_json(&api, &add, &[]);
    assert_eq!(refused.status, 429, "{}", refused.body);
    let error = &refused.json()["error"];
    assert_eq!(error["code"], "rate_limited", "{}", refused.body);
    assert_eq!(error["class"], "cart_writes", "{}", refused.body);
    assert!(
        refused
            .header("retry-after")
            .is_some_and(|s| s.parse::<u64>().is_ok_and(|s| (1..=60).contains(&s))),
        "{:?}",
        refused.header("retry-after")
    );
    let line = crate::platform::log_line(ctx, refused.header("x-request-id").unwrap_or_default());
    assert_eq!(line["rate_limit"], "cart_writes", "{line}");
    assert_eq!(line["rate_decision"], "limited", "{line}");
    assert_eq!(line["status"], 429, "{line}");

    // The form is the same limit, answered as a page.
    let csrf = shopper
        .get(&format!("{base}products/{handle}"))
        .csrf()
        .unwrap_or_default();
    let form = shopper.post_form(
        &format!("{base}cart/add"),
        &[("variant_id", &variant), ("quantity", "1"), ("csrf", &csrf)],
    );
    assert_eq!(form.status, 429, "{}", form.body);
    assert!(
        form.body.contains("<html"),
        "a page, not JSON: {}",
        form.body
    );
    assert_eq!(
        cart_json(&mut shopper, base)["item_count"],
        2,
        "the refused writes changed nothing"
    );

    // Another shopper of the same store writes as usual.
    let mut other = Client::new(&ctx.url);
    other.get(base);
    assert_eq!(other.post_json(&api, &add, &[]).status, 200);
}
