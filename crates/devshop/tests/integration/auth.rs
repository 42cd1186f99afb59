//! Tokens select the shop; anything else is Shopify's 401.

use devshop::auth::UNAUTHORIZED_BODY;
use devshop::{DEMO_PUBLIC_TOKEN, OUTLET_PRIVATE_TOKEN, OUTLET_PUBLIC_TOKEN};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{PRIVATE, PUBLIC, start};

const FIRST_PAGE: &str =
    "{ products(first: 5) { nodes { handle priceRange { minVariantPrice { currencyCode } } } } }";

fn handles(v: &Value) -> Vec<String> {
    v["data"]["products"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["handle"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn missing_or_wrong_tokens_get_shopifys_401() {
    let h = start();
    for header in [
        None,
        Some((PUBLIC, "wrong")),
        Some((PRIVATE, "wrong")),
        Some((PRIVATE, DEMO_PUBLIC_TOKEN)), // a public token in the private header
        Some((PUBLIC, "")),
    ] {
        let (status, body) = h.post_raw(header, FIRST_PAGE, json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{header:?}");
        assert_eq!(body, UNAUTHORIZED_BODY);
    }
    // A wrong private token is not rescued by a right public one.
    let response = h
        .client
        .post(h.shop.graphql_url())
        .header(PRIVATE, "wrong")
        .header(PUBLIC, DEMO_PUBLIC_TOKEN)
        .json(&json!({ "query": FIRST_PAGE }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(h.stats().await["unauthorized"], 6);
    assert_eq!(h.stats().await["shops"]["demo"]["graphql_requests"], 0);
}

#[tokio::test]
async fn each_token_sees_only_its_own_shop() {
    let h = start();
    let demo = h.demo(FIRST_PAGE, json!({})).await;
    let (status, body) = h
        .post_raw(Some((PUBLIC, DEMO_PUBLIC_TOKEN)), FIRST_PAGE, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        handles(&serde_json::from_str(&body).unwrap()),
        handles(&demo)
    );

    let outlet = h.outlet(FIRST_PAGE, json!({})).await;
    let (status, body) = h
        .post_raw(Some((PUBLIC, OUTLET_PUBLIC_TOKEN)), FIRST_PAGE, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        handles(&serde_json::from_str(&body).unwrap()),
        handles(&outlet)
    );

    assert_eq!(
        demo["data"]["products"]["nodes"][0]["priceRange"]["minVariantPrice"]["currencyCode"],
        "USD"
    );
    assert_eq!(
        outlet["data"]["products"]["nodes"][0]["priceRange"]["minVariantPrice"]["currencyCode"],
        "EUR"
    );
    let d = handles(&demo);
    assert!(handles(&outlet).iter().all(|o| !d.contains(o)));

    // The outlet token cannot read a demo product, even by its exact handle or id.
    let by_handle = "query($h: String!) { product(handle: $h) { id } }";
    let v = h
        .as_shop(OUTLET_PRIVATE_TOKEN, by_handle, json!({ "h": d[0] }))
        .await;
    assert_eq!(v["data"]["product"], Value::Null);
    let id = h.demo(by_handle, json!({ "h": d[0] })).await["data"]["product"]["id"].clone();
    assert!(id.as_str().unwrap().starts_with("gid://shopify/Product/"));
    let v = h
        .as_shop(
            OUTLET_PRIVATE_TOKEN,
            "query($id: ID!) { product(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(v["data"]["product"], Value::Null);
    let stats = h.stats().await;
    assert_eq!(stats["shops"]["demo"]["graphql_requests"], 3);
    assert_eq!(stats["shops"]["outlet"]["graphql_requests"], 4);
}

#[tokio::test]
async fn version_must_look_like_a_release() {
    let h = start();
    for (version, expected) in [
        ("2025-07", StatusCode::OK),
        ("2024-10", StatusCode::OK),
        ("unstable", StatusCode::OK),
        ("latest", StatusCode::NOT_FOUND),
        ("2025-13", StatusCode::NOT_FOUND),
        ("25-07", StatusCode::NOT_FOUND),
    ] {
        let response = h
            .client
            .post(h.url(&format!("/api/{version}/graphql.json")))
            .header(PUBLIC, DEMO_PUBLIC_TOKEN)
            .json(&json!({ "query": "{ products(first: 1) { nodes { id } } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{version}");
        let body: Value = response.json().await.expect("JSON body");
        if expected == StatusCode::NOT_FOUND {
            assert_eq!(body["errors"], "Not Found");
        }
    }
    // Other unknown paths are JSON 404s too.
    let response = h.client.get(h.url("/nope")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}

#[tokio::test]
async fn bad_bodies_and_unknown_fields_are_errors() {
    let h = start();
    let response = h
        .client
        .post(h.shop.graphql_url())
        .header(PUBLIC, DEMO_PUBLIC_TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let v = h
        .demo(
            "{ products(first: 1) { nodes { id noSuchField } } }",
            json!({}),
        )
        .await;
    let message = v["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("noSuchField"), "{message}");
    // Shopify's scalars exist under their own names, so documents can declare them.
    for scalar in ["DateTime", "Decimal", "HTML", "URL", "ID"] {
        let v = h
            .demo_ok(
                "query($n: String!) { __type(name: $n) { kind } }",
                json!({ "n": scalar }),
            )
            .await;
        assert_eq!(v["data"]["__type"]["kind"], "SCALAR", "{scalar}");
    }
    let v = h
        .demo_ok(
            "query($id: ID!) { product(id: $id) { id } }",
            json!({ "id": "gid://shopify/Product/1" }),
        )
        .await;
    assert_eq!(v["data"]["product"], Value::Null);
    let v = h
        .demo("{ product(id: \"nonsense\") { id } }", json!({}))
        .await;
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Invalid global id")
    );
}
