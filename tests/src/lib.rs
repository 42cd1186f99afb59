//! Helpers for the end-to-end tests: a stack per test binary, and an HTTP client that
//! behaves like a browser without JavaScript (cookies kept by hand, redirects not followed).

mod admin;
mod client;
mod dev_run;
mod devshop;
mod harness;
mod html;
pub mod procs;

pub use admin::Admin;
pub use client::{Client, Page};
pub use dev_run::{DevRun, xtask_bin};
pub use devshop::Devshop;
pub use harness::{TestStack, repo_root};
pub use html::live_hazards;
