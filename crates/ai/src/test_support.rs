//! Catalog and gateway fixtures for this crate's tests.

use crate::block::RefreshPlan;
use crate::candidates::CandidateSet;
use crate::gateway::{GatewayConfig, Provider};
use crate::page::StoredSuggestion;
use crate::profile::Profile;
use crate::prompt::Prompt;
use crate::request::CallContext;
use serde_json::json;
use wandstore_core::catalog::{Collection, PriceRange, Product, Seo};
use wandstore_core::http::{HttpResponse, TransportError};
use wandstore_core::money::{Currency, Money};

pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::parse("USD").unwrap())
}

pub fn product(handle: &str, ty: &str, vendor: &str, tags: &[&str], minor: i64) -> Product {
    Product {
        id: format!("gid://shopify/Product/{handle}"),
        handle: handle.into(),
        title: format!("Title of {handle}"),
        vendor: vendor.into(),
        product_type: ty.into(),
        description: String::new(),
        description_html: String::new(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        available_for_sale: true,
        created_at: String::new(),
        updated_at: String::new(),
        featured_image: None,
        images: Vec::new(),
        price_range: PriceRange {
            min: usd(minor),
            max: usd(minor),
        },
        compare_at_price_range: None,
        options: Vec::new(),
        variants: Vec::new(),
        variants_truncated: false,
        seo: Seo::default(),
    }
}

pub fn collection(handle: &str, members: &[&str]) -> Collection {
    Collection {
        id: format!("gid://shopify/Collection/{handle}"),
        handle: handle.into(),
        title: handle.into(),
        description: String::new(),
        image: None,
        updated_at: String::new(),
        product_handles: members.iter().map(|m| m.to_string()).collect(),
        products_truncated: false,
    }
}

/// Hats and mugs from two vendors, one sold-out hat, a "hats" and a "kitchen" collection.
pub fn catalog() -> (Vec<Product>, Vec<Collection>) {
    let mut sold_out = product("hat-sold-out", "Hat", "Acme", &["wool", "winter"], 2500);
    sold_out.available_for_sale = false;
    let products = vec![
        product("mug-blue", "Mug", "Potter", &["ceramic", "blue"], 1200),
        product("hat-red", "Hat", "Acme", &["wool", "winter"], 2000),
        product("mug-green", "Mug", "Potter", &["ceramic", "green"], 1300),
        product("hat-blue", "Hat", "Acme", &["wool", "blue"], 2200),
        sold_out,
        product("scarf", "Scarf", "Acme", &["wool", "winter"], 3500),
        product("teapot", "Teapot", "Potter", &["ceramic"], 6000),
    ];
    let collections = vec![
        collection("hats", &["hat-red", "hat-blue", "hat-sold-out"]),
        collection("kitchen", &["mug-blue", "mug-green", "teapot"]),
    ];
    (products, collections)
}

/// A stored suggestion of these handles (Anthropic's, headline `<b>Hi</b>`), fresh until
/// `expires_ms`.
pub fn suggestion(handles: &[&str], expires_ms: u64) -> StoredSuggestion {
    StoredSuggestion {
        handles: handles.iter().map(|h| h.to_string()).collect(),
        headline: "<b>Hi</b>".into(),
        provider: Provider::Anthropic,
        created_ms: 0,
        expires_ms,
        candidate_hash: "h".into(),
    }
}

/// A gateway at `http://gw` for account `a`.
pub fn gateway_config() -> GatewayConfig {
    GatewayConfig::parse([("account", "a"), ("base_url", "http://gw")]).unwrap()
}

/// A refresh of store `demo` for request `r1`, over the baseline candidates of [`catalog`].
pub fn refresh_plan() -> RefreshPlan {
    let (products, collections) = catalog();
    let set = CandidateSet::select(&Profile::default(), &products, &collections, &[], 50);
    let ctx = CallContext {
        store: "demo".into(),
        segment: "seg-none".into(),
        candidate_hash: set.hash(),
        request_id: "r1".into(),
        brand_voice: String::new(),
    };
    let prompt = Prompt::build(&Default::default(), &set, "");
    RefreshPlan { ctx, prompt, set }
}

/// A valid answer from `p` (ids `c2`, `c1`, headline `Hi`).
pub fn good(p: Provider) -> Result<HttpResponse, TransportError> {
    let answer = json!({"ids": ["c2", "c1"], "headline": "Hi"});
    let body = match p {
        Provider::OpenAi => json!({
            "choices": [{"message": {"content": answer.to_string()}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 2}
        }),
        Provider::Anthropic => json!({
            "content": [{"type": "tool_use", "name": "recommend", "input": answer}],
            "usage": {"input_tokens": 11, "output_tokens": 3}
        }),
    };
    Ok(HttpResponse {
        status: 200,
        headers: vec![],
        body: body.to_string().into_bytes(),
    })
}

pub fn status(code: u16) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status: code,
        headers: vec![],
        body: b"{}".to_vec(),
    })
}

pub fn garbage() -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status: 200,
        headers: vec![],
        body: b"<html>oops".to_vec(),
    })
}
