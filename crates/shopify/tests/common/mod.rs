//! Shared helpers for the integration tests: fixtures, responses, configs.
// Test helpers may panic: clippy.toml allows unwrap only inside #[test] functions.
#![allow(dead_code, clippy::unwrap_used)]

use serde_json::Value;
use wandstore_core::http::{HttpRequest, HttpResponse};
use wandstore_shopify::{ShopConfig, Token};

pub const PRIVATE_SECRET: &str = "shpss_PRIVATE_s3cr3t_0123456789";
pub const PUBLIC_SECRET: &str = "pub_PUBLIC_s3cr3t_abcdef";

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

pub fn ok(name: &str) -> HttpResponse {
    response(200, &[], fixture(name))
}

pub fn response(status: u16, headers: &[(&str, &str)], body: Vec<u8>) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body,
    }
}

pub fn private_config() -> ShopConfig {
    ShopConfig::new("wand-co", Token::Private(PRIVATE_SECRET.into()))
        .unwrap()
        .with_buyer_ip("203.0.113.7")
        .unwrap()
}

pub fn public_config() -> ShopConfig {
    ShopConfig::new("wand-co.myshopify.com", Token::Public(PUBLIC_SECRET.into())).unwrap()
}

pub fn body_json(request: &HttpRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}
