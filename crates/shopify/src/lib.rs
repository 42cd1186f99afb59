//! WandStore's Shopify Storefront API client, sans-IO.
//!
//! The client builds [`HttpRequest`](wandstore_core::http::HttpRequest) values and parses
//! [`HttpResponse`](wandstore_core::http::HttpResponse) values; the caller (the Worker with
//! `worker::Fetch`, or a native test client) sends them. Everything here is synchronous and
//! deterministic, so it is tested natively without a network.
//!
//! - [`config`]: per-store settings ([`ShopConfig`], [`Token`]) and the endpoint they imply.
//! - [`queries`]: the GraphQL operations in `graphql/*.graphql`, checked by graphql_client at
//!   build time against `graphql/schema.graphql` (the Storefront subset WandStore uses, also
//!   served by crates/devshop).
//! - [`request`]: building any operation's request; reading any response (status → JSON →
//!   GraphQL `errors` → `data`).
//! - [`error`]: [`ShopifyError`], retryability and log codes.
//! - [`retry`]: [`RetryPolicy::next_delay`], backoff with caller-supplied jitter.
//! - [`sync`]: [`FullSync`] and [`CollectionSync`], paginated catalog sync state machines.
//! - [`product`]: one product by handle.
//! - [`cart`]: `cartCreate` for the checkout hand-off.
//! - [`mapping`]: graphql_client response types → `wandstore_core::catalog` types.
//!
//! Architecture invariant: this crate does no I/O, reads no clock and no random source, and
//! never depends on `worker`; time, jitter and responses are passed in.

pub mod cart;
pub mod catalog_sync;
pub mod config;
pub mod error;
pub mod mapping;
pub mod product;
pub mod queries;
pub mod request;
pub mod retry;
pub mod sync;

pub use cart::{CartLine, CountryCode, CreatedCart, cart_create_request, parse_cart_create};
pub use catalog_sync::{CatalogOutcome, CatalogSync};
pub use config::{ApiVersion, ConfigError, DEFAULT_API_VERSION, ShopConfig, Token};
pub use error::{GraphQlError, ShopifyError, UserError};
pub use product::{parse_product_by_handle, product_by_handle_request};
pub use retry::RetryPolicy;
pub use sync::{CollectionSync, FullSync, Progress, Skipped, SyncOutcome};
