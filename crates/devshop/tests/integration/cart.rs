//! cartCreate: exact totals, merged lines, a working checkout page, and each user error.

use devshop::catalog::Shop;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Harness, cents, start};

const CART_CREATE: &str = "mutation($input: CartInput!) { cartCreate(input: $input) {
  cart { id checkoutUrl totalQuantity
    cost { subtotalAmount { amount currencyCode } totalAmount { amount currencyCode } }
    lines(first: 100) { nodes { id quantity cost { totalAmount { amount } }
      merchandise { __typename ... on ProductVariant { id price { amount } product { title } } } } } }
  userErrors { field message code }
  warnings { code }
} }";

fn variant_gid(id: u64) -> String {
    format!("gid://shopify/ProductVariant/{id}")
}

/// Ids of available variants, and of one unavailable variant, of a shop.
fn variants(shop: &Shop) -> (Vec<(u64, i64)>, u64) {
    // Skip the hand-written products at the front of `demo`.
    let available = shop
        .products
        .iter()
        .skip(2)
        .flat_map(|p| p.variants.iter())
        .filter(|v| v.available)
        .map(|v| (v.id, v.price))
        .take(3)
        .collect();
    let unavailable = shop
        .products
        .iter()
        .flat_map(|p| p.variants.iter())
        .find(|v| !v.available)
        .map(|v| v.id)
        .unwrap();
    (available, unavailable)
}

async fn create(h: &Harness, lines: Value) -> Value {
    let v = h
        .demo(CART_CREATE, json!({ "input": { "lines": lines } }))
        .await;
    assert!(v.get("errors").is_none(), "{v}");
    v["data"]["cartCreate"].clone()
}

#[tokio::test]
async fn cart_create_computes_exact_totals_and_links_a_checkout_page() {
    let h = start();
    let catalog = devshop::demo_catalog();
    let shop = catalog.shop("demo").unwrap();
    let (available, _) = variants(shop);
    let hostile = &shop.products[shop
        .product_by_handle(devshop::HOSTILE_PRODUCT_HANDLE)
        .unwrap()];
    let (a, b) = (available[0], available[1]);
    let payload = create(
        &h,
        json!([
            { "merchandiseId": variant_gid(a.0), "quantity": 2 },
            { "merchandiseId": variant_gid(b.0), "quantity": 3 },
            { "merchandiseId": variant_gid(a.0), "quantity": 1 },
            { "merchandiseId": variant_gid(hostile.variants[0].id) },
        ]),
    )
    .await;
    assert_eq!(payload["userErrors"], json!([]));
    let cart = &payload["cart"];
    let id = cart["id"].as_str().unwrap();
    assert!(
        id.strip_prefix("gid://shopify/Cart/")
            .unwrap()
            .parse::<u64>()
            .is_ok(),
        "{id}"
    );
    assert_eq!(cart["totalQuantity"], 7);
    let expected = a.1 * 3 + b.1 * 3 + hostile.variants[0].price;
    assert_eq!(cents(&cart["cost"]["subtotalAmount"]["amount"]), expected);
    assert_eq!(cents(&cart["cost"]["totalAmount"]["amount"]), expected);
    assert_eq!(cart["cost"]["totalAmount"]["currencyCode"], "USD");
    let lines = cart["lines"]["nodes"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "lines of the same variant merge");
    assert_eq!(lines[0]["quantity"], 3);
    assert_eq!(lines[0]["merchandise"]["__typename"], "ProductVariant");
    assert_eq!(lines[0]["merchandise"]["id"], variant_gid(a.0));
    assert_eq!(cents(&lines[0]["cost"]["totalAmount"]["amount"]), a.1 * 3);

    let url = cart["checkoutUrl"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/checkouts/", h.shop.base_url())),
        "{url}"
    );
    let response = h.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = response.text().await.unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "title escaped"
    );
    assert!(!page.contains("<script>"), "no raw script");
    assert!(page.contains(&devshop::money::format_display(expected)));

    let missing = h.client.get(h.url("/checkouts/nope")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cart_create_reports_each_user_error() {
    let h = start();
    let catalog = devshop::demo_catalog();
    let demo = catalog.shop("demo").unwrap();
    let outlet = catalog.shop("outlet").unwrap();
    let (available, unavailable) = variants(demo);
    let (outlet_available, _) = variants(outlet);
    let ok = variant_gid(available[0].0);
    let cases = [
        (
            json!({ "merchandiseId": variant_gid(outlet_available[0].0), "quantity": 1 }),
            "INVALID_MERCHANDISE_LINE",
            "merchandiseId",
        ),
        (
            json!({ "merchandiseId": "gid://shopify/ProductVariant/1", "quantity": 1 }),
            "INVALID_MERCHANDISE_LINE",
            "merchandiseId",
        ),
        (
            json!({ "merchandiseId": "not-a-gid", "quantity": 1 }),
            "INVALID",
            "merchandiseId",
        ),
        (
            json!({ "merchandiseId": "gid://shopify/Product/1", "quantity": 1 }),
            "INVALID",
            "merchandiseId",
        ),
        (
            json!({ "merchandiseId": variant_gid(unavailable), "quantity": 1 }),
            "MERCHANDISE_NOT_APPLICABLE",
            "merchandiseId",
        ),
        (
            json!({ "merchandiseId": ok, "quantity": 0 }),
            "MINIMUM_NOT_MET",
            "quantity",
        ),
        (
            json!({ "merchandiseId": ok, "quantity": -3 }),
            "MINIMUM_NOT_MET",
            "quantity",
        ),
        (
            json!({ "merchandiseId": ok, "quantity": 1000 }),
            "MAXIMUM_EXCEEDED",
            "quantity",
        ),
    ];
    for (line, code, field) in cases {
        let payload = create(
            &h,
            json!([{ "merchandiseId": ok, "quantity": 1 }, line.clone()]),
        )
        .await;
        assert_eq!(payload["cart"], Value::Null, "{line}");
        let errors = payload["userErrors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{line}: {errors:?}");
        assert_eq!(errors[0]["code"], code, "{line}");
        assert_eq!(
            errors[0]["field"],
            json!(["input", "lines", "1", field]),
            "{line}"
        );
        assert!(!errors[0]["message"].as_str().unwrap().is_empty());
    }
    // Merged quantities are checked too.
    let payload = create(
        &h,
        json!([{ "merchandiseId": ok, "quantity": 600 }, { "merchandiseId": ok, "quantity": 400 }]),
    )
    .await;
    assert_eq!(payload["userErrors"][0]["code"], "MAXIMUM_EXCEEDED");
    // 999 is fine, and so is an empty cart.
    let payload = create(&h, json!([{ "merchandiseId": ok, "quantity": 999 }])).await;
    assert_eq!(payload["cart"]["totalQuantity"], 999);
    assert_eq!(
        cents(&payload["cart"]["cost"]["subtotalAmount"]["amount"]),
        available[0].1 * 999
    );
    let payload = create(&h, json!([])).await;
    assert_eq!(payload["cart"]["totalQuantity"], 0);
    assert_eq!(payload["cart"]["cost"]["totalAmount"]["amount"], "0.0");
}

#[tokio::test]
async fn outlet_carts_are_in_euros() {
    let h = start();
    let catalog = devshop::demo_catalog();
    let (available, _) = variants(catalog.shop("outlet").unwrap());
    let v = h
        .outlet(CART_CREATE, json!({ "input": { "lines": [{ "merchandiseId": variant_gid(available[0].0), "quantity": 4 }] } }))
        .await;
    let cart = &v["data"]["cartCreate"]["cart"];
    assert_eq!(cart["cost"]["totalAmount"]["currencyCode"], "EUR");
    assert_eq!(
        cents(&cart["cost"]["totalAmount"]["amount"]),
        available[0].1 * 4
    );
}
