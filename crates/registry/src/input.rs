//! Request bodies of the platform admin API. Unknown fields are refused so a typo is an
//! error, not a silently ignored setting.

use serde::{Deserialize, Serialize};

/// Which kind of Storefront token the store was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// Server-to-server (`Shopify-Storefront-Private-Token`); the recommended kind.
    #[default]
    Private,
    /// The browser-facing token (`X-Shopify-Storefront-Access-Token`).
    Public,
}

/// `POST /admin/stores`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStore {
    pub slug: String,
    pub display_name: String,
    pub currency: String,
    pub shopify: ShopifyInput,
    #[serde(default)]
    pub custom_domains: Vec<String>,
}

/// The Shopify shop behind a new store.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopifyInput {
    /// `your-shop`, `your-shop.myshopify.com`, or (local development) `http://127.0.0.1:PORT`.
    pub domain: String,
    #[serde(default)]
    pub api_version: Option<String>,
    /// Write-only: stored, never returned, never logged.
    pub storefront_token: String,
    #[serde(default)]
    pub token_kind: TokenKind,
}

/// `PATCH /admin/stores/{slug}`: every field is optional; absent means unchanged.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorePatch {
    pub display_name: Option<String>,
    pub currency: Option<String>,
    pub shopify: Option<ShopifyPatch>,
    pub custom_domains: Option<Vec<String>>,
}

/// Changes to the Shopify connection; the token is kept unless a new one is sent.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopifyPatch {
    pub domain: Option<String>,
    pub api_version: Option<String>,
    pub storefront_token: Option<String>,
    pub token_kind: Option<TokenKind>,
}

impl std::fmt::Debug for ShopifyInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopifyInput")
            .field("domain", &self.domain)
            .field("api_version", &self.api_version)
            .field("storefront_token", &"<redacted>")
            .field("token_kind", &self.token_kind)
            .finish()
    }
}

impl std::fmt::Debug for ShopifyPatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopifyPatch")
            .field("domain", &self.domain)
            .field("api_version", &self.api_version)
            .field(
                "storefront_token",
                &self.storefront_token.as_ref().map(|_| "<redacted>"),
            )
            .field("token_kind", &self.token_kind)
            .finish()
    }
}
