//! The Durable Objects, one per file.

pub mod shopper;
pub mod store_client;
pub mod store_config;

/// Binding names from wrangler.toml.
pub const SHOPPER_STOREFRONT: &str = "SHOPPER_STOREFRONT";
pub const STORE_CONFIG: &str = "STORE_CONFIG";
