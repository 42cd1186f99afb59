//! The OpenAI-compatible chat endpoint: bearer auth, OpenAI's shape, deterministic content.

use devshop::{AI_TOKEN, HOSTILE_PRODUCT_HANDLE};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Harness, start};

async fn chat(h: &Harness, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut request = h.client.post(h.url(path)).json(&body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.expect("JSON"))
}

fn prompt(text: &str) -> Value {
    json!({
        "model": "@cf/meta/llama-3.1-8b-instruct",
        "messages": [
            { "role": "system", "content": "You recommend products. Answer with JSON." },
            { "role": "user", "content": text }
        ],
        "response_format": { "type": "json_object" }
    })
}

fn content(v: &Value) -> Value {
    serde_json::from_str(v["choices"][0]["message"]["content"].as_str().unwrap())
        .expect("content is JSON")
}

#[tokio::test]
async fn chat_requires_the_bearer_token() {
    let h = start();
    for token in [None, Some("wrong")] {
        let (status, body) = chat(&h, "/v1/chat/completions", token, prompt("hi")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "invalid_api_key");
    }
    let (status, _) = chat(&h, "/v1/chat/completions", Some(AI_TOKEN), prompt("hi")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.stats().await["ai"]["chat_requests"], 1);
}

#[tokio::test]
async fn chat_recommends_handles_from_the_prompt_on_every_path_shape() {
    let h = start();
    let catalog = devshop::demo_catalog();
    let demo = catalog.shop("demo").unwrap();
    let outlet = catalog.shop("outlet").unwrap();
    let (a, b) = (&demo.products[10].handle, &outlet.products[3].handle);
    let text = format!(
        "Viewed: {a}, {HOSTILE_PRODUCT_HANDLE}. Candidates: {b}, {a}, not-a-product. Recommend up to 5."
    );
    let mut answers = Vec::new();
    for path in [
        "/v1/chat/completions",
        "/acct123/my-gateway/openai/chat/completions",
        "/v1/acct123/my-gateway/openai/chat/completions",
        "/v1/acct123/my-gateway/compat/chat/completions",
    ] {
        let (status, v) = chat(&h, path, Some(AI_TOKEN), prompt(&text)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(v["object"], "chat.completion");
        assert_eq!(v["choices"][0]["message"]["role"], "assistant");
        assert_eq!(v["choices"][0]["finish_reason"], "stop");
        assert!(v["usage"]["total_tokens"].as_u64().unwrap() > 0);
        answers.push(v);
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "deterministic");
    let recs = content(&answers[0])["recommendations"]
        .as_array()
        .unwrap()
        .clone();
    let handles: Vec<&str> = recs.iter().map(|r| r["handle"].as_str().unwrap()).collect();
    assert_eq!(handles, [a.as_str(), HOSTILE_PRODUCT_HANDLE, b.as_str()]);
    assert!(
        recs[1]["reason"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script>")
    );

    let (_, v) = chat(
        &h,
        "/v1/chat/completions",
        Some(AI_TOKEN),
        prompt(&format!("{a} {b} {HOSTILE_PRODUCT_HANDLE} up to 2")),
    )
    .await;
    assert_eq!(content(&v)["recommendations"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn chat_directives_and_bad_requests() {
    let h = start();
    let handle = &devshop::demo_catalog().shops[0].products[5].handle;
    let (_, v) = chat(
        &h,
        "/v1/chat/completions",
        Some(AI_TOKEN),
        prompt(&format!("{handle} [devshop:invalid-json]")),
    )
    .await;
    let raw = v["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(serde_json::from_str::<Value>(raw).is_err());
    let (_, v) = chat(
        &h,
        "/v1/chat/completions",
        Some(AI_TOKEN),
        prompt(&format!("{handle} [devshop:unknown-handle]")),
    )
    .await;
    let recs = content(&v)["recommendations"].as_array().unwrap().clone();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1]["handle"], devshop::chat::UNKNOWN_HANDLE);
    let (_, v) = chat(
        &h,
        "/v1/chat/completions",
        Some(AI_TOKEN),
        prompt(&format!("{handle} [devshop:html]")),
    )
    .await;
    assert!(
        content(&v)["recommendations"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("onerror")
    );
    let (_, v) = chat(
        &h,
        "/v1/chat/completions",
        Some(AI_TOKEN),
        prompt(&format!("{handle} [devshop:empty]")),
    )
    .await;
    assert_eq!(content(&v), json!({ "recommendations": [] }));

    for bad in [
        json!({ "model": "m" }),
        json!({ "messages": [] }),
        json!({ "messages": [{ "role": "user", "content": "x" }], "stream": true }),
    ] {
        let (status, body) = chat(&h, "/v1/chat/completions", Some(AI_TOKEN), bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["error"]["type"], "invalid_request_error");
    }
}
