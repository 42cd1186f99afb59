//! devshop: a native local upstream for WandStore's development and tests.
//!
//! - A Storefront-API-compatible GraphQL endpoint, `POST /api/{version}/graphql.json`, over a
//!   deterministic demo catalog of two shops (`demo` in USD, `outlet` in EUR). The access
//!   token selects the shop, as on Shopify.
//! - `cartCreate` with validation, and a local checkout page at `GET /checkouts/{token}`.
//! - SVG image placeholders at `GET /images/{shop}/{name}.svg`.
//! - An OpenAI-compatible chat endpoint (`POST /v1/chat/completions` and the AI Gateway path
//!   shapes) and an Anthropic-compatible messages endpoint (`POST /v1/messages`,
//!   `POST /v1/{account}/{gateway}/anthropic/v1/messages`) that answer deterministically:
//!   see [`chat`], [`messages`] and [`ai_answer`].
//! - Fault injection per shop and per model provider (`ai`, `ai.openai`, `ai.anthropic`),
//!   switched at run time over `/_devshop/faults`, request counters at `/_devshop/stats`,
//!   and the last model requests at `/_devshop/ai/requests`. See [`control`] and [`faults`].
//!
//! Run it with the `devshop` binary, or in-process with [`serve`] / [`spawn_for_tests`].

pub mod ai_answer;
pub mod ai_log;
pub mod auth;
pub mod catalog;
pub mod catalog_gen;
pub mod catalog_words;
pub mod chat;
pub mod checkout;
pub mod control;
pub mod faults;
pub mod graphql;
pub mod hostile;
pub mod html;
pub mod images;
pub mod listing;
pub mod logging;
pub mod messages;
pub mod money;
pub mod rng;
pub mod schema;
pub mod search;
pub mod server;
pub mod stats;
pub mod time;

pub use catalog_gen::CATALOG_SEED;
pub use hostile::{
    HOSTILE_DESCRIPTION_HTML, HOSTILE_PRODUCT_HANDLE, HOSTILE_PRODUCT_TITLE, HOSTILE_TAG,
    HOSTILE_VENDOR, UNICODE_PRODUCT_HANDLE,
};
pub use server::{DevShop, demo_catalog, serve, serve_with_shutdown, spawn, spawn_for_tests};

/// The Storefront API version WandStore uses; any `YYYY-MM` is accepted.
pub const API_VERSION: &str = "2025-07";

pub const DEMO_SHOP: &str = "demo";
pub const DEMO_PRIVATE_TOKEN: &str = "devshop-demo-private-token";
pub const DEMO_PUBLIC_TOKEN: &str = "devshop-demo-public-token";
pub const OUTLET_SHOP: &str = "outlet";
pub const OUTLET_PRIVATE_TOKEN: &str = "devshop-outlet-private-token";
pub const OUTLET_PUBLIC_TOKEN: &str = "devshop-outlet-public-token";
/// Bearer token of the chat endpoint.
pub const AI_TOKEN: &str = "devshop-ai-token";
/// Fault and stats key of both model endpoints.
pub const AI_FAULT_KEY: &str = "ai";
/// Fault and stats key of the OpenAI-compatible chat endpoint alone.
pub const OPENAI_FAULT_KEY: &str = "ai.openai";
/// Fault and stats key of the Anthropic-compatible messages endpoint alone.
pub const ANTHROPIC_FAULT_KEY: &str = "ai.anthropic";

/// The two tokens of one shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopTokens {
    pub shop: String,
    pub private_token: String,
    pub public_token: String,
}

/// How a devshop server runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub tokens: Vec<ShopTokens>,
    pub ai_token: String,
    /// No request log on stderr.
    pub quiet: bool,
    /// Base URL for links devshop hands out (image URLs, checkout URLs). Default:
    /// `http://{bound address}` (loopback when bound to 0.0.0.0 / ::).
    pub public_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        let tokens = |shop: &str, private: &str, public: &str| ShopTokens {
            shop: shop.to_string(),
            private_token: private.to_string(),
            public_token: public.to_string(),
        };
        Config {
            tokens: vec![
                tokens(DEMO_SHOP, DEMO_PRIVATE_TOKEN, DEMO_PUBLIC_TOKEN),
                tokens(OUTLET_SHOP, OUTLET_PRIVATE_TOKEN, OUTLET_PUBLIC_TOKEN),
            ],
            ai_token: AI_TOKEN.to_string(),
            quiet: false,
            public_url: None,
        }
    }
}

impl Config {
    /// Sets a shop's private (`private = true`) or public token.
    pub fn set_token(&mut self, shop: &str, private: bool, token: &str) -> Result<(), String> {
        let entry = self
            .tokens
            .iter_mut()
            .find(|t| t.shop == shop)
            .ok_or_else(|| format!("unknown shop {shop:?} (shops: {DEMO_SHOP}, {OUTLET_SHOP})"))?;
        if token.trim().is_empty() {
            return Err(format!("empty token for shop {shop:?}"));
        }
        if private {
            entry.private_token = token.to_string();
        } else {
            entry.public_token = token.to_string();
        }
        Ok(())
    }

    /// Overrides from environment variables: `DEVSHOP_{SHOP}_PRIVATE_TOKEN`,
    /// `DEVSHOP_{SHOP}_PUBLIC_TOKEN` (SHOP upper-case, e.g. `DEMO`), `DEVSHOP_AI_TOKEN`,
    /// `DEVSHOP_PUBLIC_URL`.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        let shops: Vec<String> = self.tokens.iter().map(|t| t.shop.clone()).collect();
        for shop in shops {
            let upper = shop.to_ascii_uppercase();
            if let Some(token) = var(&format!("DEVSHOP_{upper}_PRIVATE_TOKEN")) {
                self.set_token(&shop, true, &token)?;
            }
            if let Some(token) = var(&format!("DEVSHOP_{upper}_PUBLIC_TOKEN")) {
                self.set_token(&shop, false, &token)?;
            }
        }
        if let Some(token) = var("DEVSHOP_AI_TOKEN").filter(|t| !t.trim().is_empty()) {
            self.ai_token = token;
        }
        if let Some(url) = var("DEVSHOP_PUBLIC_URL").filter(|u| !u.trim().is_empty()) {
            self.public_url = Some(url);
        }
        Ok(())
    }
}
