//! A cart answer as its response: a 303 with its location and no token made, JSON with its
//! replay marker, and the cart page with the refusal's flash, its token and `Retry-After`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::cell::Cell;
use support::fixtures::{CSRF, chrome, usd};
use wandstore_core::cart::{CartCatalog, CartLine};
use wandstore_core::money::Currency;
use wandstore_protocol::cart_api::CartApiAnswer;
use wandstore_protocol::cart_run::CartAnswer;
use wandstore_render::cart_reply::cart_reply;

fn header<'a>(headers: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
    let found = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name));
    found.map(|(_, v)| v.as_str())
}

#[test]
fn a_see_other_is_a_303_to_its_location_and_makes_no_token() {
    let made = Cell::new(false);
    let csrf = || {
        made.set(true);
        CSRF.to_owned()
    };
    let answer = CartAnswer::SeeOther("/s/acme/cart".into());
    let (status, headers, body) = cart_reply(answer, chrome(), Currency::USD, &[], csrf).unwrap();
    assert_eq!(
        (status, header(&headers, "location")),
        (303, Some("/s/acme/cart"))
    );
    assert!(body.is_empty());
    assert!(!made.get(), "a redirect needs no token");
}

#[test]
fn json_keeps_its_status_body_and_replay_marker() {
    for replayed in [false, true] {
        let api = CartApiAnswer {
            status: 409,
            body: r#"{"error":{}}"#.into(),
            replayed,
        };
        let no_token = || panic!("JSON needs no token");
        let reply = cart_reply(
            CartAnswer::Json(api),
            chrome(),
            Currency::USD,
            &[],
            no_token,
        );
        let (status, headers, body) = reply.unwrap();
        assert_eq!((status, body.as_str()), (409, r#"{"error":{}}"#));
        assert_eq!(header(&headers, "content-type"), Some("application/json"));
        let marker = header(&headers, "idempotent-replayed").is_some();
        assert_eq!(marker, replayed);
    }
}

#[test]
fn the_page_shows_the_refusal_and_the_token_and_says_when_to_retry() {
    let line = CartLine {
        variant_id: "v1".into(),
        product_handle: "mug".into(),
        title: "Blue mug".into(),
        quantity: 2,
        unit_price_when_added: usd(1500),
        added_at_ms: 1,
    };
    let answer = CartAnswer::Page {
        status: 503,
        lines: vec![line],
        catalog: CartCatalog::default(),
        refused: Some("Checkout is <down>".into()),
        retry_after_secs: Some(30),
    };
    let csrf = || CSRF.to_owned();
    let (status, headers, html) = cart_reply(answer, chrome(), Currency::USD, &[], csrf).unwrap();
    assert_eq!(status, 503);
    assert_eq!(header(&headers, "retry-after"), Some("30"));
    assert!(
        header(&headers, "content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.contains("Checkout is "), "the refusal is shown");
    assert!(!html.contains("<down>"), "escaped");
    assert!(html.contains(CSRF), "the page's forms carry the token");
}
