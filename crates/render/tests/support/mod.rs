//! Shared by the integration tests: fixtures and checks over the rendered DOM.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod dom;
pub mod fixtures;
