use super::*;
use wandstore_core::cart::FormAction;

const SECRET: &[u8] = b"a test secret of enough length";
const NOW: u64 = 1_700_000_000_000;

fn posted(body: &str) -> Posted<'_> {
    Posted {
        post: true,
        body,
        content_type: Some("application/json"),
        idempotency_key: None,
        csrf_secret: SECRET,
        now_ms: NOW,
    }
}

/// A form body with a valid token for `ctx`'s shopper and `rest`.
fn signed_form(ctx: &ShopperContext, rest: &str) -> String {
    let token = csrf::issue(SECRET, &ctx.store, &ctx.shopper, NOW);
    format!("{}={token}&{rest}", csrf::FORM_FIELD)
}

#[test]
fn routes_that_are_not_the_carts_ask_nothing() {
    let ctx = crate::shopper::tests::ctx();
    for route in [
        StoreRoute::Home,
        StoreRoute::Search,
        StoreRoute::Personalization,
    ] {
        assert!(
            cart_request(&route, &posted(""), &ctx).is_none(),
            "{route:?}"
        );
    }
}

#[test]
fn the_cart_page_needs_no_token() {
    let ctx = crate::shopper::tests::ctx();
    let asked = cart_request(&StoreRoute::Cart, &posted("junk"), &ctx);
    assert!(matches!(asked, Some(Ok(CartRequest::Page))));
}

#[test]
fn the_api_reads_json_and_refuses_other_bodies() {
    let ctx = crate::shopper::tests::ctx();
    let get = Posted {
        post: false,
        ..posted("")
    };
    let read = cart_request(&StoreRoute::CartApi, &get, &ctx);
    assert!(matches!(read, Some(Ok(CartRequest::Json))));
    let body = r#"{"op":"clear"}"#;
    let write = cart_request(&StoreRoute::CartApi, &posted(body), &ctx);
    assert!(
        matches!(write, Some(Ok(CartRequest::Write { .. }))),
        "{write:?}"
    );
    let form = Posted {
        content_type: Some("application/x-www-form-urlencoded"),
        ..posted(body)
    };
    let refused = cart_request(&StoreRoute::CartApi, &form, &ctx);
    assert_eq!(refused.unwrap().unwrap_err().status, 415);
    let garbage = cart_request(&StoreRoute::CartApi, &posted("{not json"), &ctx);
    assert_eq!(garbage.unwrap().unwrap_err().status, 400);
}

#[test]
fn a_form_with_this_shoppers_token_keeps_its_fields() {
    let ctx = crate::shopper::tests::ctx();
    let body = signed_form(&ctx, "variant=v1&qty=2");
    let route = StoreRoute::CartForm(FormAction::Add);
    let Some(Ok(CartRequest::Form {
        action,
        fields,
        base,
    })) = cart_request(&route, &posted(&body), &ctx)
    else {
        panic!("expected a form request");
    };
    assert_eq!((action, base), (FormAction::Add, ctx.base.clone()));
    assert!(fields.contains(&("qty".into(), "2".into())), "{fields:?}");
    let checkout = cart_request(&StoreRoute::Checkout, &posted(&body), &ctx);
    assert!(matches!(checkout, Some(Ok(CartRequest::Checkout { .. }))));
}

#[test]
fn forms_without_a_valid_token_are_403s() {
    let ctx = crate::shopper::tests::ctx();
    let other = ShopperContext {
        shopper: wandstore_core::identity::ShopperId::from_random([9; 16]),
        ..ctx.clone()
    };
    let bodies = [
        String::new(),
        "variant=v1".to_owned(),
        "csrf=v1.forged".to_owned(),
        signed_form(&other, "variant=v1"),
    ];
    for route in [
        StoreRoute::CartForm(FormAction::Clear),
        StoreRoute::Checkout,
    ] {
        for body in &bodies {
            let refused = cart_request(&route, &posted(body), &ctx)
                .unwrap()
                .unwrap_err();
            assert_eq!(
                (refused.status, refused.code.as_str()),
                (403, "csrf"),
                "{body}"
            );
        }
    }
}

#[test]
fn an_empty_secret_refuses_every_form() {
    let ctx = crate::shopper::tests::ctx();
    let body = signed_form(&ctx, "choice=off");
    let unset = Posted {
        csrf_secret: b"",
        ..posted(&body)
    };
    assert_eq!(checked_form(&unset, &ctx).unwrap_err().status, 403);
    assert!(checked_form(&posted(&body), &ctx).is_ok());
}
