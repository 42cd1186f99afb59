//! The stored store record and the view of it the admin API returns.

use crate::input::TokenKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use wandstore_core::money::Currency;
use wandstore_core::store::{StoreSettings, StoreSlug};
use wandstore_shopify::{ConfigError, ShopConfig, Token};

/// Everything the platform knows about a store. Not `Serialize`: it is stored with
/// [`StoreRecord::to_storage_json`] and shown with [`StoreRecord::public`], so the storefront
/// token cannot reach a response by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreRecord {
    pub slug: StoreSlug,
    pub display_name: String,
    pub currency: Currency,
    pub shopify_domain: String,
    pub api_version: String,
    pub token_kind: TokenKind,
    pub(crate) storefront_token: String,
    pub owner_token_hash: String,
    pub custom_domains: Vec<String>,
    pub created_at_ms: u64,
    pub updated_at_ms: u64,
}

/// What the admin API shows of a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicStore {
    pub slug: StoreSlug,
    pub display_name: String,
    pub currency: Currency,
    pub shopify: PublicShopify,
    pub custom_domains: Vec<String>,
    pub created_at_ms: u64,
    pub updated_at_ms: u64,
}

/// The Shopify connection without its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicShopify {
    pub domain: String,
    pub api_version: String,
    pub token_kind: TokenKind,
    /// Always true for a valid record; says a token is on file without showing it.
    pub storefront_token_set: bool,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    slug: StoreSlug,
    display_name: String,
    currency: Currency,
    shopify_domain: String,
    api_version: String,
    token_kind: TokenKind,
    storefront_token: String,
    owner_token_hash: String,
    custom_domains: Vec<String>,
    created_at_ms: u64,
    updated_at_ms: u64,
}

impl StoreRecord {
    /// The Storefront API connection for this store.
    pub fn shop_config(&self) -> Result<ShopConfig, ConfigError> {
        let token = match self.token_kind {
            TokenKind::Private => Token::Private(self.storefront_token.clone()),
            TokenKind::Public => Token::Public(self.storefront_token.clone()),
        };
        ShopConfig::new(&self.shopify_domain, token)?.with_api_version(&self.api_version)
    }

    /// What pages need to know.
    pub fn settings(&self) -> StoreSettings {
        StoreSettings {
            slug: self.slug.clone(),
            display_name: self.display_name.clone(),
            currency: self.currency,
        }
    }

    /// What the admin API may show.
    pub fn public(&self) -> PublicStore {
        PublicStore {
            slug: self.slug.clone(),
            display_name: self.display_name.clone(),
            currency: self.currency,
            shopify: PublicShopify {
                domain: self.shopify_domain.clone(),
                api_version: self.api_version.clone(),
                token_kind: self.token_kind,
                storefront_token_set: !self.storefront_token.is_empty(),
            },
            custom_domains: self.custom_domains.clone(),
            created_at_ms: self.created_at_ms,
            updated_at_ms: self.updated_at_ms,
        }
    }

    /// The record with a rotated owner token's hash, updated at `now_ms` (never earlier than
    /// its last update, so the concurrent-update check still sees a change).
    pub fn with_owner_token(mut self, hash: &str, now_ms: u64) -> StoreRecord {
        hash.clone_into(&mut self.owner_token_hash);
        self.updated_at_ms = now_ms.max(self.updated_at_ms);
        self
    }

    /// The record as stored in the store's own Durable Object (token included).
    pub fn to_storage_json(&self) -> String {
        let stored = Stored {
            slug: self.slug.clone(),
            display_name: self.display_name.clone(),
            currency: self.currency,
            shopify_domain: self.shopify_domain.clone(),
            api_version: self.api_version.clone(),
            token_kind: self.token_kind,
            storefront_token: self.storefront_token.clone(),
            owner_token_hash: self.owner_token_hash.clone(),
            custom_domains: self.custom_domains.clone(),
            created_at_ms: self.created_at_ms,
            updated_at_ms: self.updated_at_ms,
        };
        // Plain strings and numbers always serialize.
        serde_json::to_string(&stored).unwrap_or_default()
    }

    pub fn from_storage_json(json: &str) -> Result<StoreRecord, serde_json::Error> {
        let s: Stored = serde_json::from_str(json)?;
        Ok(StoreRecord {
            slug: s.slug,
            display_name: s.display_name,
            currency: s.currency,
            shopify_domain: s.shopify_domain,
            api_version: s.api_version,
            token_kind: s.token_kind,
            storefront_token: s.storefront_token,
            owner_token_hash: s.owner_token_hash,
            custom_domains: s.custom_domains,
            created_at_ms: s.created_at_ms,
            updated_at_ms: s.updated_at_ms,
        })
    }
}

impl fmt::Debug for StoreRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreRecord")
            .field("slug", &self.slug)
            .field("display_name", &self.display_name)
            .field("currency", &self.currency)
            .field("shopify_domain", &self.shopify_domain)
            .field("api_version", &self.api_version)
            .field("token_kind", &self.token_kind)
            .field("storefront_token", &"<redacted>")
            .field("owner_token_hash", &"<redacted>")
            .field("custom_domains", &self.custom_domains)
            .finish()
    }
}
