//! Parsing recorded Storefront responses into catalog types, carts and errors.

mod common;

use common::*;
use wandstore_core::money::{Currency, Money};
use wandstore_shopify::sync::{CollectionSync, FullSync, Progress};
use wandstore_shopify::{ShopifyError, parse_cart_create, parse_product_by_handle};

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

#[test]
fn a_products_page_maps_into_catalog_products() {
    let mut sync = FullSync::new(private_config(), 100);
    sync.next_request().unwrap();
    assert_eq!(
        sync.on_response(&ok("products_page_1.json")).unwrap(),
        Progress::More { fetched: 2 }
    );
    sync.next_request().unwrap();
    sync.on_response(&ok("products_page_last.json")).unwrap();
    let outcome = sync.finish().unwrap();
    let hoodie = &outcome.items[0];
    assert_eq!(hoodie.id, "gid://shopify/Product/8001");
    assert_eq!(hoodie.handle, "organic-hoodie");
    assert_eq!(hoodie.title, "Organic Cotton Hoodie");
    assert_eq!(hoodie.vendor, "Wand & Co");
    assert_eq!(hoodie.product_type, "Hoodies");
    assert_eq!(hoodie.tags, ["cotton", "winter"]);
    assert!(hoodie.available_for_sale);
    assert_eq!(hoodie.created_at, "2024-09-01T10:00:00Z");
    assert_eq!(hoodie.updated_at, "2025-06-12T08:30:00Z");
    // Raw HTML is kept as is; the render crate sanitizes it.
    assert!(hoodie.description_html.contains("<script>"));
    assert_eq!(hoodie.price_range.min, usd(6400));
    assert_eq!(hoodie.price_range.max, usd(6950));
    let compare = hoodie.compare_at_price_range.unwrap();
    assert_eq!((compare.min, compare.max), (usd(0), usd(8000)));
    assert_eq!(hoodie.options.len(), 2);
    assert_eq!(hoodie.options[0].name, "Size");
    assert_eq!(hoodie.options[0].values, ["S", "M", "L"]);
    assert_eq!(hoodie.images.len(), 2);
    let featured = hoodie.featured_image.as_ref().unwrap();
    assert!(featured.url.starts_with("https://cdn.shopify.com/"));
    assert_eq!(featured.alt_text.as_deref(), Some("Grey hoodie, front"));
    assert_eq!((featured.width, featured.height), (Some(2048), Some(2048)));
    assert_eq!(
        hoodie.seo.title.as_deref(),
        Some("Organic hoodie | Wand & Co")
    );
    assert!(!hoodie.variants_truncated);

    let v = &hoodie.variants;
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].id, "gid://shopify/ProductVariant/45001");
    assert_eq!(v[0].sku.as_deref(), Some("HOOD-S-GRY"));
    assert_eq!(v[0].price, usd(6400));
    assert_eq!(v[0].compare_at_price, Some(usd(8000)));
    assert!(v[0].on_sale());
    assert_eq!(v[0].selected_options[0].name, "Size");
    assert_eq!(v[0].selected_options[0].value, "S");
    assert!(v[0].image.is_some());
    assert!(!v[1].available_for_sale);
    assert_eq!(v[2].sku, None, "an empty SKU is no SKU");
    assert_eq!(v[2].compare_at_price, None);
    assert_eq!(v[2].price, usd(6950));

    let mug = &outcome.items[1];
    assert_eq!(
        mug.compare_at_price_range, None,
        "0.0 compare-at means none"
    );
    assert_eq!(mug.images[0].alt_text, None);
    assert_eq!(mug.seo.title, None);
    assert_eq!(mug.price_range.min.to_string(), "$18.00");
}

#[test]
fn products_with_mixed_currencies_are_skipped_with_a_reason() {
    let mut sync = FullSync::new(private_config(), 100);
    sync.next_request().unwrap();
    assert_eq!(
        sync.on_response(&ok("products_page_mixed_currency.json"))
            .unwrap(),
        Progress::Done {
            fetched: 1,
            truncated: false
        }
    );
    let outcome = sync.finish().unwrap();
    assert_eq!(outcome.items.len(), 1);
    assert_eq!(outcome.items[0].handle, "yen-ok");
    assert_eq!(outcome.skipped.len(), 1);
    assert_eq!(outcome.skipped[0].id, "gid://shopify/Product/8006");
    assert!(
        outcome.skipped[0]
            .reason
            .contains("mixed currencies: USD and JPY"),
        "{}",
        outcome.skipped[0].reason
    );
}

#[test]
fn product_by_handle_found_and_not_found() {
    let product = parse_product_by_handle(&ok("product_by_handle.json"))
        .unwrap()
        .unwrap();
    assert_eq!(product.handle, "organic-hoodie");
    assert_eq!(product.variants.len(), 3);
    assert_eq!(
        parse_product_by_handle(&ok("product_not_found.json")),
        Ok(None)
    );
}

#[test]
fn collections_keep_product_order_and_flag_truncation() {
    let mut sync = CollectionSync::new(private_config(), 100);
    sync.next_request().unwrap();
    sync.on_response(&ok("collections_page.json")).unwrap();
    let outcome = sync.finish().unwrap();
    assert!(!outcome.truncated);
    let winter = &outcome.items[0];
    assert_eq!(winter.id, "gid://shopify/Collection/9001");
    assert_eq!(winter.handle, "winter");
    assert_eq!(winter.product_handles, ["organic-hoodie", "wool-beanie"]);
    assert!(!winter.products_truncated);
    let image = winter.image.as_ref().unwrap();
    assert_eq!(
        (image.width, image.height),
        (Some(1920), None),
        "0 px is unknown"
    );
    let all = &outcome.items[1];
    assert_eq!(
        all.product_handles,
        ["organic-hoodie", "enamel-mug", "canvas-tote"]
    );
    assert!(all.products_truncated, "more than 250 products");
    assert_eq!(all.image, None);
}

#[test]
fn cart_create_success() {
    let cart = parse_cart_create(&private_config(), &ok("cart_create_success.json")).unwrap();
    assert!(cart.id.starts_with("gid://shopify/Cart/"));
    assert!(
        cart.checkout_url
            .starts_with("https://wand-co.myshopify.com/cart/c/")
    );
    assert_eq!(cart.total_quantity, 3);
    assert_eq!(cart.subtotal, usd(14600));
    assert_eq!(cart.total, usd(14600));
}

#[test]
fn cart_create_user_errors() {
    let err =
        parse_cart_create(&private_config(), &ok("cart_create_user_errors.json")).unwrap_err();
    let ShopifyError::UserErrors(errors) = &err else {
        panic!("expected UserErrors, got {err:?}");
    };
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].field, ["input", "lines", "0", "merchandiseId"]);
    assert_eq!(errors[0].code.as_deref(), Some("INVALID"));
    assert_eq!(errors[1].code.as_deref(), Some("MAXIMUM_EXCEEDED"));
    assert!(!err.is_retryable());
    assert_eq!(err.code(), "shopify_user_errors");
    assert_eq!(
        err.to_string(),
        "Shopify refused the input: input.lines.0.merchandiseId: The merchandise with id \
         gid://shopify/ProductVariant/99999 does not exist. (INVALID); input.lines.1.quantity: \
         The quantity must be less than or equal to 100. (MAXIMUM_EXCEEDED)"
    );
}

#[test]
fn cart_create_refuses_an_unsafe_checkout_url() {
    let body = String::from_utf8(fixture("cart_create_success.json"))
        .unwrap()
        .replace("https://wand-co.myshopify.com", "http://evil.example.com");
    let err =
        parse_cart_create(&private_config(), &response(200, &[], body.into_bytes())).unwrap_err();
    assert_eq!(err.code(), "shopify_invalid_data");
}

#[test]
fn cart_create_with_a_null_payload_is_missing_data() {
    let err = parse_cart_create(
        &private_config(),
        &response(200, &[], br#"{"data":{"cartCreate":null}}"#.to_vec()),
    )
    .unwrap_err();
    assert_eq!(err, ShopifyError::MissingData("cartCreate is null".into()));
}

#[test]
fn throttled_arrives_with_200_and_is_retryable() {
    let err = parse_product_by_handle(&ok("throttled.json")).unwrap_err();
    assert_eq!(
        err,
        ShopifyError::Throttled {
            message: "Throttled".into()
        }
    );
    assert!(err.is_retryable());
    assert!(err.trips_breaker());
    assert_eq!(err.code(), "shopify_throttled");
}

#[test]
fn graphql_errors_are_not_retryable_and_read_well() {
    let err = parse_product_by_handle(&ok("errors.json")).unwrap_err();
    let ShopifyError::GraphQl(errors) = &err else {
        panic!("expected GraphQl, got {err:?}");
    };
    assert_eq!(errors[0].code.as_deref(), Some("undefinedField"));
    assert_eq!(errors[0].path, "query ProductsPage.products.nodes.bogus");
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "Shopify returned 1 GraphQL error(s): [undefinedField] Field 'bogus' doesn't exist on \
         type 'Product' (at query ProductsPage.products.nodes.bogus)"
    );
}

#[test]
fn internal_server_error_in_graphql_is_retryable() {
    let err = parse_product_by_handle(&ok("internal_error.json")).unwrap_err();
    assert_eq!(err.code(), "shopify_graphql_error");
    assert!(err.is_retryable());
}

#[test]
fn errors_with_partial_data_are_never_data() {
    let mut sync = FullSync::new(private_config(), 100);
    sync.next_request().unwrap();
    let err = sync
        .on_response(&ok("errors_with_partial_data.json"))
        .unwrap_err();
    let ShopifyError::GraphQl(errors) = &err else {
        panic!("expected GraphQl, got {err:?}");
    };
    assert_eq!(errors[0].code.as_deref(), Some("ACCESS_DENIED"));
    assert_eq!(errors[0].path, "products.nodes.0.descriptionHtml");
    assert_eq!(sync.fetched(), 0);
    assert_eq!(sync.pages(), 0);
    assert!(!sync.is_done());
    assert!(sync.finish().is_err(), "no catalog out of a failed page");
}

#[test]
fn malformed_json() {
    let err = parse_product_by_handle(&ok("malformed.json")).unwrap_err();
    assert!(matches!(err, ShopifyError::MalformedJson(_)), "{err:?}");
    assert!(!err.is_retryable());
    assert!(err.trips_breaker());
    assert!(
        err.to_string()
            .starts_with("Shopify's response is not valid JSON: ")
    );
    let html = response(200, &[], b"<html>Bad gateway</html>".to_vec());
    assert!(matches!(
        parse_product_by_handle(&html),
        Err(ShopifyError::MalformedJson(_))
    ));
}

#[test]
fn json_without_the_expected_data() {
    let mut sync = FullSync::new(private_config(), 100);
    sync.next_request().unwrap();
    let err = sync.on_response(&ok("wrong_shape.json")).unwrap_err();
    let ShopifyError::MissingData(detail) = &err else {
        panic!("expected MissingData, got {err:?}");
    };
    assert!(detail.contains("missing field"), "{detail}");
    for body in [&b"{}"[..], b"{\"data\":null}", b"[]", b"\"data\""] {
        let err = parse_product_by_handle(&response(200, &[], body.to_vec())).unwrap_err();
        assert_eq!(
            err.code(),
            "shopify_missing_data",
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn errors_as_a_string_or_object_are_kept() {
    let err = parse_product_by_handle(&response(
        200,
        &[],
        br#"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#
            .to_vec(),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("Invalid API key"), "{err}");
    let err = parse_product_by_handle(&response(
        200,
        &[],
        br#"{"errors":{"query":"Required parameter missing or invalid"}}"#.to_vec(),
    ))
    .unwrap_err();
    assert!(
        err.to_string().contains("Required parameter missing"),
        "{err}"
    );
}

#[test]
fn mapped_products_survive_the_json_cache() {
    let product = parse_product_by_handle(&ok("product_by_handle.json"))
        .unwrap()
        .unwrap();
    let cached = serde_json::to_string(&product).unwrap();
    let back: wandstore_core::catalog::Product = serde_json::from_str(&cached).unwrap();
    assert_eq!(back, product);
}
