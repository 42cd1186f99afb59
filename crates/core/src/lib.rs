//! WandStore's domain: pure and synchronous.
//!
//! Architecture invariant: this crate does no I/O and never reads a clock or a random source.
//! Time, randomness and ids are passed in by the shell (crates/worker) or by tests.

pub mod abuse;
pub mod asset;
pub mod backup_events;
pub mod breaker;
pub mod breaker_slot;
pub mod busy;
pub mod cached;
pub mod cart;
pub mod cart_announce;
pub mod catalog;
#[cfg(test)]
mod catalog_fixtures;
pub mod catalog_index;
pub mod catalog_question;
pub mod console;
pub mod cookie_hints;
pub mod cron_plan;
pub mod csrf;
pub mod domain_cache;
pub mod edge_pages;
pub mod events;
pub mod guarded;
pub mod guarded_run;
pub mod header_init;
pub mod headers;
pub mod health;
pub mod health_run;
pub mod home_hint;
pub mod host;
pub mod http;
pub mod identity;
pub mod kept;
pub mod limits;
pub mod log;
pub mod metrics;
pub mod money;
pub mod owner_access;
pub mod platform_env;
pub mod query;
pub mod random_pool;
pub mod rate_limit;
pub mod retention;
pub mod routes;
pub mod safe_json;
pub mod secret;
pub mod shopper_events;
pub mod signed;
pub mod sliding_window;
pub mod storage;
pub mod store;
pub mod store_dispatch;
pub mod store_route_facts;
pub mod tenant;
pub mod tuning;
