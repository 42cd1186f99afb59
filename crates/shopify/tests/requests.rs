//! Request building: URL, method, headers per token kind, and the GraphQL body.

mod common;

use common::*;
use wandstore_core::http::Method;
use wandstore_shopify::sync::{CollectionSync, FullSync};
use wandstore_shopify::{CartLine, CountryCode, cart_create_request, product_by_handle_request};

#[test]
fn private_token_headers_with_buyer_ip() {
    let request = product_by_handle_request(&private_config(), "organic-hoodie").unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        "https://wand-co.myshopify.com/api/2025-07/graphql.json"
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("shopify-storefront-private-token"),
        Some(PRIVATE_SECRET)
    );
    assert_eq!(
        request.header("shopify-storefront-buyer-ip"),
        Some("203.0.113.7")
    );
    assert_eq!(request.header("x-shopify-storefront-access-token"), None);
    assert!(
        request
            .headers
            .iter()
            .all(|(name, _)| *name == name.to_ascii_lowercase()),
        "header names are lower-case: {:?}",
        request.headers.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    assert_eq!(request.timeout_ms, 10_000);
}

#[test]
fn private_token_without_buyer_ip_sends_no_ip_header() {
    let config = private_config().without_buyer_ip();
    let request = product_by_handle_request(&config, "x").unwrap();
    assert_eq!(request.header("shopify-storefront-buyer-ip"), None);
    assert!(request.header("shopify-storefront-private-token").is_some());
}

#[test]
fn public_token_headers() {
    let config = public_config().with_buyer_ip("203.0.113.7").unwrap();
    let request = product_by_handle_request(&config, "x").unwrap();
    assert_eq!(
        request.header("x-shopify-storefront-access-token"),
        Some(PUBLIC_SECRET)
    );
    assert_eq!(request.header("shopify-storefront-private-token"), None);
    assert_eq!(request.header("shopify-storefront-buyer-ip"), None);
}

#[test]
fn local_dev_endpoint_and_custom_version_and_timeout() {
    let config = wandstore_shopify::ShopConfig::new(
        "http://127.0.0.1:8790",
        wandstore_shopify::Token::Public("devtoken".into()),
    )
    .unwrap()
    .with_api_version("2025-10")
    .unwrap()
    .with_timeout_ms(2_500);
    let request = product_by_handle_request(&config, "x").unwrap();
    assert_eq!(
        request.url,
        "http://127.0.0.1:8790/api/2025-10/graphql.json"
    );
    assert_eq!(request.timeout_ms, 2_500);
}

#[test]
fn products_page_body_names_the_operation_and_variables() {
    let mut sync = FullSync::new(private_config(), 10_000);
    let body = body_json(&sync.next_request().unwrap());
    assert_eq!(body["operationName"], "ProductsPage");
    assert_eq!(body["variables"]["first"], 250);
    assert!(body["variables"]["after"].is_null());
    let query = body["query"].as_str().unwrap();
    assert!(query.contains("query ProductsPage($first: Int!, $after: String)"));
    assert!(query.contains("variants(first: 100)"));
    assert!(query.contains("images(first: 10)"));
    assert!(query.contains("fragment ProductFields on Product"));
}

#[test]
fn first_page_is_limited_by_the_cap() {
    let mut sync = FullSync::new(private_config(), 30);
    assert_eq!(
        body_json(&sync.next_request().unwrap())["variables"]["first"],
        30
    );
    let mut small = FullSync::new(private_config(), 1_000).with_page_size(50);
    assert_eq!(
        body_json(&small.next_request().unwrap())["variables"]["first"],
        50
    );
}

#[test]
fn collections_page_body() {
    let mut sync = CollectionSync::new(public_config(), 1_000);
    let body = body_json(&sync.next_request().unwrap());
    assert_eq!(body["operationName"], "CollectionsPage");
    assert_eq!(body["variables"]["first"], 25);
    assert!(
        body["query"]
            .as_str()
            .unwrap()
            .contains("products(first: 250")
    );
}

#[test]
fn product_by_handle_body() {
    let request = product_by_handle_request(&private_config(), "organic-hoodie").unwrap();
    let body = body_json(&request);
    assert_eq!(body["operationName"], "ProductByHandle");
    assert_eq!(body["variables"]["handle"], "organic-hoodie");
    assert!(
        body["query"]
            .as_str()
            .unwrap()
            .contains("product(handle: $handle)")
    );
}

#[test]
fn product_handles_are_validated() {
    for bad in ["", "has space", "new\nline", &"h".repeat(256)] {
        let err = product_by_handle_request(&private_config(), bad).unwrap_err();
        assert_eq!(err.code(), "shopify_invalid_input", "{bad:?}");
    }
    assert!(product_by_handle_request(&private_config(), "t-shirt-ünïcode").is_ok());
}

#[test]
fn cart_create_body_has_lines_and_buyer_country() {
    let lines = [
        CartLine {
            variant_id: "gid://shopify/ProductVariant/45001".into(),
            quantity: 2,
        },
        CartLine {
            variant_id: "gid://shopify/ProductVariant/45010".into(),
            quantity: 1,
        },
    ];
    let country = CountryCode::parse("DE").unwrap();
    let request = cart_create_request(&private_config(), &lines, Some(&country)).unwrap();
    let body = body_json(&request);
    assert_eq!(body["operationName"], "CartCreate");
    let input = &body["variables"]["input"];
    assert_eq!(
        input["lines"][0]["merchandiseId"],
        "gid://shopify/ProductVariant/45001"
    );
    assert_eq!(input["lines"][0]["quantity"], 2);
    assert_eq!(input["lines"][1]["quantity"], 1);
    assert_eq!(input["buyerIdentity"]["countryCode"], "DE");
    // skip_serializing_none: no nulls for fields WandStore does not set.
    assert!(input.get("note").is_none());
    assert!(input["buyerIdentity"].get("email").is_none());
    assert!(input["lines"][0].get("sellingPlanId").is_none());
    assert!(
        body["query"]
            .as_str()
            .unwrap()
            .contains("cartCreate(input: $input)")
    );

    let no_country = cart_create_request(&private_config(), &lines[..1], None).unwrap();
    assert!(
        body_json(&no_country)["variables"]["input"]
            .get("buyerIdentity")
            .is_none()
    );
}

#[test]
fn cart_input_is_validated() {
    let line = |id: &str, quantity| CartLine {
        variant_id: id.into(),
        quantity,
    };
    let cases: Vec<Vec<CartLine>> = vec![
        vec![],
        vec![line("gid://shopify/ProductVariant/1", 0)],
        vec![line("gid://shopify/ProductVariant/1", 10_001)],
        vec![line("gid://shopify/Product/1", 1)],
        vec![line("gid://shopify/ProductVariant/", 1)],
        vec![line("45001", 1)],
        (0..251)
            .map(|i| line(&format!("gid://shopify/ProductVariant/{i}"), 1))
            .collect(),
    ];
    for lines in cases {
        let err = cart_create_request(&private_config(), &lines, None).unwrap_err();
        assert_eq!(err.code(), "shopify_invalid_input");
        assert!(!err.is_retryable());
    }
    assert!(
        cart_create_request(
            &private_config(),
            &[line("gid://shopify/ProductVariant/1", 10_000)],
            None
        )
        .is_ok()
    );
}
