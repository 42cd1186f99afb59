//! devshop's native tests: each starts devshop in-process on a free port (or runs the binary)
//! and talks to it over real HTTP.

// Test helpers outside #[test] functions panic on purpose, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ai_gateway;
mod auth;
mod binary;
mod cart;
mod catalog;
mod chat;
mod common;
mod faults;
mod images;
mod pagination;
mod schema_contract;
mod search_sort;
mod shopify_queries;
mod stats;
