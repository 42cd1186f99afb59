//! The local stack: devshop (the local Shopify/AI stand-in) and `wrangler dev` (workerd with
//! local SQLite Durable Objects and R2) on loopback, started on chosen ports with a chosen
//! state directory, with the demo stores registered, and stopped with every process it
//! started.
//!
//! Used by `cargo xtask dev` (in the foreground) and by the end-to-end tests (one stack per
//! test binary, or per test when a test restarts it).
//!
//! Architecture invariant: the stack only talks to 127.0.0.1, and a `Stack` that is dropped
//! has stopped every process group it started.

mod demo;
mod envfile;
mod http_probe;
mod ports;
mod process;
mod stack;

pub use demo::register_demo_stores;
pub use envfile::{read_env_file, write_env_file};
pub use http_probe::get_status;
pub use ports::free_port;
pub use process::{Output, Proc};
pub use stack::{Stack, StackOptions, default_devshop_bin, random_hex};
