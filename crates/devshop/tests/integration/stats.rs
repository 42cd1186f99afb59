//! Request counters: per shop, faults counted apart, resettable.

use devshop::DEMO_PUBLIC_TOKEN;
use serde_json::json;

use crate::common::{PUBLIC, start};

#[tokio::test]
async fn counters_follow_requests_and_reset() {
    let h = start();
    let initial = h.stats().await;
    assert_eq!(
        initial,
        json!({
            "shops": {
                "demo": { "graphql_requests": 0, "faults_injected": 0 },
                "outlet": { "graphql_requests": 0, "faults_injected": 0 }
            },
            "ai": { "chat_requests": 0, "faults_injected": 0 },
            "ai_providers": {
                "anthropic": { "requests": 0, "faults_injected": 0 },
                "openai": { "requests": 0, "faults_injected": 0 }
            },
            "unauthorized": 0
        })
    );
    let q = "{ products(first: 1) { nodes { id } } }";
    for _ in 0..3 {
        h.demo(q, json!({})).await;
    }
    h.outlet(q, json!({})).await;
    h.post_raw(Some((PUBLIC, DEMO_PUBLIC_TOKEN)), q, json!({}))
        .await;
    h.post_raw(None, q, json!({})).await;
    h.set_fault("outlet", json!({ "mode": "http500", "remaining": 1 }))
        .await;
    h.post_raw(
        Some((crate::common::PRIVATE, devshop::OUTLET_PRIVATE_TOKEN)),
        q,
        json!({}),
    )
    .await;
    // Images, checkouts and the control API are not counted.
    h.client
        .get(h.url("/images/demo/x.svg"))
        .send()
        .await
        .unwrap();
    let stats = h.stats().await;
    assert_eq!(
        stats["shops"]["demo"],
        json!({ "graphql_requests": 4, "faults_injected": 0 })
    );
    assert_eq!(
        stats["shops"]["outlet"],
        json!({ "graphql_requests": 2, "faults_injected": 1 })
    );
    assert_eq!(stats["unauthorized"], 1);

    let reset: serde_json::Value = h
        .client
        .delete(h.url("/_devshop/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reset, initial);
    assert_eq!(h.stats().await, initial);
}
