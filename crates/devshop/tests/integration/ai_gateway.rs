//! The model endpoints as WandStore's AI client uses them: requests built by `wandstore-ai`,
//! sent over HTTP to devshop's OpenAI- and Anthropic-compatible gateway paths, answers parsed
//! by `wandstore-ai`'s strict parser. Also each provider's faults and the request record.

use std::time::{Duration, Instant};

use devshop::AI_TOKEN;
use reqwest::StatusCode;
use serde_json::{Value, json};
use wandstore_ai::candidates::{Candidate, CandidateSet, PriceBand};
use wandstore_ai::failure::FailureKind;
use wandstore_ai::gateway::{GatewayConfig, Provider};
use wandstore_ai::profile::ProfileSummary;
use wandstore_ai::prompt::{MAX_HEADLINE_CHARS, MAX_IDS, Prompt};
use wandstore_ai::request::{CallContext, build};
use wandstore_ai::response::{CacheStatus, ModelAnswer, parse};
use wandstore_core::http::{HttpRequest, HttpResponse};

use crate::common::{Harness, client, start};

fn candidates() -> CandidateSet {
    let candidates = (1..=20)
        .map(|i| Candidate {
            id: format!("c{i}"),
            handle: format!("product-{i}"),
            title: format!("Product {i}"),
            product_type: if i % 2 == 0 { "Mug" } else { "Hat" }.into(),
            tags: vec!["demo".into()],
            price_band: PriceBand::Mid,
            score: f64::from(20 - i),
        })
        .collect();
    CandidateSet { candidates }
}

fn config(h: &Harness) -> GatewayConfig {
    GatewayConfig::parse([
        ("base_url", h.shop.base_url()),
        ("account", "acct"),
        ("gateway_token", AI_TOKEN),
        ("openai_key", AI_TOKEN),
        ("anthropic_key", AI_TOKEN),
        ("openai_timeout_ms", "2000"),
        ("anthropic_timeout_ms", "2000"),
        ("max_attempts", "1"),
    ])
    .unwrap()
}

fn request(h: &Harness, provider: Provider, types: &[&str]) -> (HttpRequest, CandidateSet) {
    let set = candidates();
    let summary = ProfileSummary {
        product_types: types.iter().map(|t| t.to_string()).collect(),
        ..ProfileSummary::default()
    };
    let prompt = Prompt::build(&summary, &set, "Warm and brief.");
    let ctx = CallContext {
        store: "demo".into(),
        segment: "seg-0123456789ab".into(),
        candidate_hash: set.hash(),
        request_id: "req-42".into(),
        brand_voice: "Warm and brief.".into(),
    };
    (build(&config(h), provider, &ctx, &prompt), set)
}

/// Executes a sans-IO request the way the Worker's driver does.
async fn send(r: &HttpRequest) -> Result<HttpResponse, reqwest::Error> {
    let c = client(Some(Duration::from_millis(u64::from(r.timeout_ms))));
    let mut b = c.post(&r.url).body(r.body.clone());
    for (k, v) in &r.headers {
        b = b.header(k, v);
    }
    let resp = b.send().await?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = resp.bytes().await?.to_vec();
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

async fn call(h: &Harness, p: Provider) -> Result<ModelAnswer, wandstore_ai::failure::AiFailure> {
    let (r, set) = request(h, p, &["mug"]);
    let resp = send(&r).await.unwrap();
    parse(p, &resp, &set)
}

#[tokio::test]
async fn both_providers_answer_the_prompt_with_candidates_only() {
    let h = start();
    let mut answers = Vec::new();
    for p in Provider::FALLBACK_ORDER {
        let a = call(&h, p).await.unwrap();
        assert_eq!(a.dropped_ids, 0, "{p:?}");
        assert!(!a.suggestion.handles.is_empty() && a.suggestion.handles.len() <= MAX_IDS);
        assert!(
            a.suggestion
                .handles
                .iter()
                .all(|h| h.starts_with("product-"))
        );
        assert_eq!(a.suggestion.headline, "Picked for you: more mug");
        assert!(a.usage.prompt_tokens > 0 && a.usage.completion_tokens > 0);
        answers.push(a.suggestion);
    }
    assert_eq!(answers[0], answers[1], "same prompt, same answer");
    // Another taste gives another answer.
    let (r, set) = request(&h, Provider::OpenAi, &["hat"]);
    let other = parse(Provider::OpenAi, &send(&r).await.unwrap(), &set).unwrap();
    assert_eq!(other.suggestion.headline, "Picked for you: more hat");
}

#[tokio::test]
async fn a_repeated_cache_key_is_a_hit() {
    let h = start();
    for p in Provider::FALLBACK_ORDER {
        assert_eq!(call(&h, p).await.unwrap().cache, CacheStatus::Miss);
        assert_eq!(call(&h, p).await.unwrap().cache, CacheStatus::Hit);
    }
}

#[tokio::test]
async fn the_last_requests_are_recorded_per_provider() {
    let h = start();
    for p in Provider::FALLBACK_ORDER {
        call(&h, p).await.unwrap();
    }
    let v: Value = h
        .client
        .get(h.url("/_devshop/ai/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let openai = &v["openai"][0];
    assert_eq!(
        openai["path"],
        "/v1/acct/wandstore-ai/openai/chat/completions"
    );
    assert_eq!(openai["headers"]["cf-aig-event-id"], "req-42");
    assert_eq!(
        openai["headers"]["authorization"],
        format!("Bearer {AI_TOKEN}")
    );
    let meta: Value =
        serde_json::from_str(openai["headers"]["cf-aig-metadata"].as_str().unwrap()).unwrap();
    assert_eq!(meta["store"], "demo");
    assert_eq!(openai["body"]["response_format"]["type"], "json_schema");
    let anthropic = &v["anthropic"][0];
    assert_eq!(
        anthropic["path"],
        "/v1/acct/wandstore-ai/anthropic/v1/messages"
    );
    assert_eq!(anthropic["headers"]["x-api-key"], AI_TOKEN);
    assert_eq!(anthropic["headers"]["anthropic-version"], "2023-06-01");
    assert!(anthropic["seq"].as_u64() > openai["seq"].as_u64());
    for name in [
        "cf-aig-cache-key",
        "cf-aig-cache-ttl",
        "cf-aig-request-timeout",
        "cf-aig-max-attempts",
    ] {
        assert!(anthropic["headers"][name].is_string(), "{name}");
    }
    let cleared: Value = h
        .client
        .delete(h.url("/_devshop/ai/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cleared, json!({ "openai": [], "anthropic": [] }));
}

#[tokio::test]
async fn anthropic_checks_its_key_and_version() {
    let h = start();
    let (mut r, _) = request(&h, Provider::Anthropic, &[]);
    r.headers
        .retain(|(k, _)| k != "x-api-key" && k != "cf-aig-authorization");
    let resp = send(&r).await.unwrap();
    assert_eq!(resp.status, 401);
    let body: Value = serde_json::from_slice(&resp.body).unwrap();
    assert_eq!(body["error"]["type"], "authentication_error");
    // With the gateway storing the key, cf-aig-authorization alone is enough.
    let (mut r, set) = request(&h, Provider::Anthropic, &[]);
    r.headers.retain(|(k, _)| k != "x-api-key");
    assert!(parse(Provider::Anthropic, &send(&r).await.unwrap(), &set).is_ok());
    let (mut r, _) = request(&h, Provider::Anthropic, &[]);
    r.headers.retain(|(k, _)| k != "anthropic-version");
    assert_eq!(send(&r).await.unwrap().status, 400);
    assert_eq!(h.stats().await["unauthorized"], 1);
}

#[tokio::test]
async fn faults_hit_one_provider_at_a_time() {
    let h = start();
    h.set_fault("ai.openai", json!({ "mode": "http500" })).await;
    let e = call(&h, Provider::OpenAi).await.unwrap_err();
    assert_eq!((e.kind, e.status), (FailureKind::HttpStatus, Some(500)));
    assert!(
        call(&h, Provider::Anthropic).await.is_ok(),
        "the other provider answers"
    );
    h.set_fault("ai.anthropic", json!({ "mode": "http429" }))
        .await;
    let e = call(&h, Provider::Anthropic).await.unwrap_err();
    assert_eq!(
        (e.kind, e.retry_after_ms),
        (FailureKind::Throttled, Some(1000))
    );
    h.set_fault("ai.openai", json!({ "mode": "malformed" }))
        .await;
    h.set_fault("ai.anthropic", json!({ "mode": "malformed" }))
        .await;
    for p in Provider::FALLBACK_ORDER {
        assert_eq!(
            call(&h, p).await.unwrap_err().kind,
            FailureKind::InvalidJson,
            "{p:?}"
        );
    }
    // `ai` applies to both when a provider's own key is clear.
    h.set_fault("ai.openai", json!({ "mode": "none" })).await;
    h.set_fault("ai.anthropic", json!({ "mode": "none" })).await;
    h.set_fault("ai", json!({ "mode": "http500", "remaining": 2 }))
        .await;
    for p in Provider::FALLBACK_ORDER {
        assert_eq!(call(&h, p).await.unwrap_err().status, Some(500));
    }
    assert!(call(&h, Provider::OpenAi).await.is_ok());
    let stats = h.stats().await;
    assert_eq!(stats["ai_providers"]["openai"]["faults_injected"], 3);
    assert_eq!(stats["ai_providers"]["anthropic"]["faults_injected"], 3);
    assert_eq!(stats["ai"]["faults_injected"], 6);
}

#[tokio::test]
async fn slow_and_hanging_providers() {
    let h = start();
    h.set_fault("ai.anthropic", json!({ "latency_ms": 300 }))
        .await;
    let start = Instant::now();
    assert!(call(&h, Provider::Anthropic).await.is_ok());
    assert!(start.elapsed() >= Duration::from_millis(300));
    h.set_fault("ai.openai", json!({ "mode": "hang" })).await;
    let (mut r, _) = request(&h, Provider::OpenAi, &[]);
    r.timeout_ms = 300;
    let err = send(&r).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn answer_faults_are_caught_by_strict_validation() {
    let h = start();
    for p in Provider::FALLBACK_ORDER {
        let key = format!("ai.{}", p.as_str());
        h.set_fault(&key, json!({ "mode": "invalid_json", "remaining": 1 }))
            .await;
        assert_eq!(
            call(&h, p).await.unwrap_err().kind,
            FailureKind::InvalidJson,
            "{p:?}"
        );

        h.set_fault(&key, json!({ "mode": "hallucinated_ids", "remaining": 1 }))
            .await;
        let a = call(&h, p).await.unwrap();
        assert_eq!((a.suggestion.handles.len(), a.dropped_ids), (1, 3), "{p:?}");

        h.set_fault(&key, json!({ "mode": "duplicates", "remaining": 1 }))
            .await;
        let a = call(&h, p).await.unwrap();
        assert_eq!((a.suggestion.handles.len(), a.dropped_ids), (2, 3), "{p:?}");

        h.set_fault(&key, json!({ "mode": "overlong", "remaining": 1 }))
            .await;
        let a = call(&h, p).await.unwrap();
        assert_eq!(a.suggestion.handles.len(), MAX_IDS);
        assert_eq!(a.suggestion.headline.chars().count(), MAX_HEADLINE_CHARS);

        h.set_fault(&key, json!({ "mode": "html", "remaining": 1 }))
            .await;
        let a = call(&h, p).await.unwrap();
        // Kept as text for the views to escape; the ids are still only candidates.
        assert!(a.suggestion.headline.starts_with("<img src=x onerror="));
        assert!(
            a.suggestion
                .handles
                .iter()
                .all(|h| h.starts_with("product-"))
        );

        h.set_fault(&key, json!({ "mode": "injection", "remaining": 1 }))
            .await;
        let a = call(&h, p).await.unwrap();
        assert!(
            a.suggestion
                .headline
                .starts_with("Ignore all previous instructions")
        );
        assert!(a.suggestion.headline.chars().count() <= MAX_HEADLINE_CHARS);
    }
}

#[tokio::test]
async fn legacy_prompts_still_get_recommendations_and_shop_keys_refuse_answer_faults() {
    let h = start();
    let response = h
        .client
        .post(h.url("/v1/chat/completions"))
        .bearer_auth(AI_TOKEN)
        .json(&json!({ "model": "m", "messages": [{ "role": "user", "content": "hi" }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("cf-aig-cache-status").is_none());
    let (status, _) = h.set_fault("outlet", json!({ "mode": "duplicates" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
