//! Helpers for the end-to-end tests: a stack per test binary, and an HTTP client that
//! behaves like a browser without JavaScript (cookies kept by hand, redirects not followed).

mod client;
mod harness;

pub use client::{Client, Page};
pub use harness::{TestStack, repo_root};
