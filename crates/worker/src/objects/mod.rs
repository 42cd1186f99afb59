//! The Durable Objects, one per file, and the clients other code uses to call them.

pub mod registry;
pub mod registry_client;
pub mod shopper;
pub mod store_client;
pub mod store_config;

/// Binding names from wrangler.toml.
pub const SHOPPER_STOREFRONT: &str = "SHOPPER_STOREFRONT";
pub const STORE_CONFIG: &str = "STORE_CONFIG";
pub const STORE_REGISTRY: &str = "STORE_REGISTRY";
