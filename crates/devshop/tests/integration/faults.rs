//! Every fault mode, as a client observes it, switched over the control API.

use std::time::{Duration, Instant};

use devshop::{AI_TOKEN, DEMO_PRIVATE_TOKEN, OUTLET_PRIVATE_TOKEN};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Harness, PRIVATE, client, start};

const QUERY: &str = "{ products(first: 1) { nodes { id } } }";

async fn send(h: &Harness, token: &str) -> reqwest::Result<reqwest::Response> {
    h.client
        .post(h.shop.graphql_url())
        .header(PRIVATE, token)
        .json(&json!({ "query": QUERY }))
        .send()
        .await
}

async fn demo_status(h: &Harness) -> (StatusCode, String) {
    let response = send(h, DEMO_PRIVATE_TOKEN).await.expect("response");
    let status = response.status();
    (status, response.text().await.unwrap())
}

fn is_data(body: &str) -> bool {
    serde_json::from_str::<Value>(body).is_ok_and(|v| v["data"]["products"]["nodes"].is_array())
}

#[tokio::test]
async fn http_error_modes() {
    let h = start();
    for (mode, status) in [
        ("http500", 500),
        ("http429", 429),
        ("http430", 430),
        ("http423", 423),
    ] {
        let (code, stored) = h.set_fault("demo", json!({ "mode": mode })).await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(
            stored,
            json!({ "mode": mode, "latency_ms": 0, "remaining": null })
        );
        let response = send(&h, DEMO_PRIVATE_TOKEN).await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{mode}");
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(
            retry_after.as_deref(),
            (mode == "http429").then_some("1"),
            "{mode}"
        );
        let body: Value = response.json().await.expect("error bodies are JSON");
        assert!(body.get("errors").is_some(), "{mode}: {body}");
        // The fault is per shop: outlet answers normally.
        let outlet = send(&h, OUTLET_PRIVATE_TOKEN).await.unwrap();
        assert_eq!(outlet.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn throttled_is_a_200_with_a_throttled_error() {
    let h = start();
    h.set_fault("demo", json!({ "mode": "throttled" })).await;
    let (status, body) = demo_status(&h).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["errors"][0]["message"], "Throttled");
    assert_eq!(v["errors"][0]["extensions"]["code"], "THROTTLED");
    assert!(v["errors"][0]["extensions"]["documentation"].is_string());
    assert!(v.get("data").is_none());
}

#[tokio::test]
async fn malformed_is_a_200_that_does_not_parse() {
    let h = start();
    h.set_fault("demo", json!({ "mode": "malformed" })).await;
    let response = send(&h, DEMO_PRIVATE_TOKEN).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body = response.text().await.unwrap();
    assert!(!body.is_empty());
    assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");
}

#[tokio::test]
async fn drop_closes_the_connection_without_a_response() {
    let h = start();
    h.set_fault("demo", json!({ "mode": "drop", "remaining": 1 }))
        .await;
    let error = send(&h, DEMO_PRIVATE_TOKEN).await.expect_err("no response");
    assert!(!error.is_timeout() && error.status().is_none(), "{error:?}");
    // The next request (remaining ran out) is answered, on a fresh connection.
    let (status, body) = demo_status(&h).await;
    assert_eq!(status, StatusCode::OK);
    assert!(is_data(&body));
    let stats = h.stats().await;
    assert_eq!(stats["shops"]["demo"]["graphql_requests"], 2);
    assert_eq!(stats["shops"]["demo"]["faults_injected"], 1);
}

#[tokio::test]
async fn hang_never_answers_until_the_client_gives_up() {
    let h = start();
    h.set_fault("demo", json!({ "mode": "hang" })).await;
    let impatient = client(Some(Duration::from_millis(300)));
    let started = Instant::now();
    let error = impatient
        .post(h.shop.graphql_url())
        .header(PRIVATE, DEMO_PRIVATE_TOKEN)
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .expect_err("no answer");
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    // The server is still responsive to other shops and to the control API.
    assert_eq!(
        send(&h, OUTLET_PRIVATE_TOKEN).await.unwrap().status(),
        StatusCode::OK
    );
    let response = h
        .client
        .delete(h.url("/_devshop/faults"))
        .send()
        .await
        .unwrap();
    let all: Value = response.json().await.unwrap();
    assert_eq!(all["demo"]["mode"], "none");
    assert_eq!(demo_status(&h).await.0, StatusCode::OK);
}

#[tokio::test]
async fn latency_delays_answers() {
    let h = start();
    h.set_fault("demo", json!({ "mode": "none", "latency_ms": 250 }))
        .await;
    let started = Instant::now();
    let (status, body) = demo_status(&h).await;
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(status, StatusCode::OK);
    assert!(is_data(&body));
    // Latency combines with a mode.
    h.set_fault("demo", json!({ "mode": "http500", "latency_ms": 150 }))
        .await;
    let started = Instant::now();
    assert_eq!(demo_status(&h).await.0, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn remaining_applies_to_the_next_n_requests_then_reverts() {
    let h = start();
    h.set_fault("demo", json!({ "mode": "http500", "remaining": 2 }))
        .await;
    assert_eq!(demo_status(&h).await.0, StatusCode::INTERNAL_SERVER_ERROR);
    let v: Value = h
        .client
        .get(h.url("/_devshop/faults/demo"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["remaining"], 1);
    assert_eq!(demo_status(&h).await.0, StatusCode::INTERNAL_SERVER_ERROR);
    let (status, body) = demo_status(&h).await;
    assert_eq!(status, StatusCode::OK);
    assert!(is_data(&body));
    let v: Value = h
        .client
        .get(h.url("/_devshop/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v["demo"],
        json!({ "mode": "none", "latency_ms": 0, "remaining": null })
    );
    assert_eq!(h.stats().await["shops"]["demo"]["faults_injected"], 2);
}

#[tokio::test]
async fn control_api_validates_its_input() {
    let h = start();
    let (status, body) = h.set_fault("nope", json!({ "mode": "http500" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].as_str().unwrap().contains("demo"));
    for bad in [
        json!({ "mode": "explode" }),
        json!({ "mode": "none", "latency": 5 }),
        json!({ "remaining": 0 }),
        json!({ "latency_ms": 10_000_000 }),
        json!({ "mode": "hallucinated_ids" }),
    ] {
        let (status, body) = h.set_fault("demo", bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["error"].is_string());
    }
    let v: Value = h
        .client
        .get(h.url("/_devshop/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ai", "ai.anthropic", "ai.openai", "demo", "outlet"]);
    assert!(v.as_object().unwrap().values().all(|f| f["mode"] == "none"));
}

#[tokio::test]
async fn ai_faults_apply_to_the_chat_endpoint_only() {
    let h = start();
    h.set_fault("ai", json!({ "mode": "http429", "remaining": 1 }))
        .await;
    let chat = || {
        h.client
            .post(h.url("/v1/chat/completions"))
            .bearer_auth(AI_TOKEN)
            .json(&json!({ "model": "m", "messages": [{ "role": "user", "content": "hi" }] }))
            .send()
    };
    let response = chat().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "1");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");
    assert_eq!(demo_status(&h).await.0, StatusCode::OK);
    assert_eq!(chat().await.unwrap().status(), StatusCode::OK);
    h.set_fault("ai", json!({ "mode": "malformed" })).await;
    let body = chat().await.unwrap().text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&body).is_err());
    let stats = h.stats().await;
    assert_eq!(
        stats["ai"],
        json!({ "chat_requests": 3, "faults_injected": 2 })
    );
}
