//! The local stack: devshop (the local Shopify/AI stand-in) and `wrangler dev` (workerd with
//! local SQLite Durable Objects and R2) on loopback, started on chosen ports with a chosen
//! state directory, with the demo stores registered, and stopped with every process it
//! started.
//!
//! Used by `cargo xtask dev` (in the foreground) and by the end-to-end tests (one stack per
//! test binary, or per test when a test restarts it).
//!
//! Architecture invariant: the stack only talks to 127.0.0.1, never starts on a port that
//! something else listens on, and a `Stack` that is dropped has stopped every process group
//! it started; so has a process that installed [`stop_children_on_signals`] and got SIGINT,
//! SIGTERM or SIGHUP.

mod demo;
mod envfile;
mod http_probe;
mod ports;
mod process;
pub mod shutdown;
mod stack;

pub use demo::{THEMED_DEMO_STORE, demo_owner_token, register_demo_stores};
pub use envfile::{read_env_file, write_env_file};
pub use http_probe::get_status;
pub use ports::{free_port, port_is_free};
pub use process::{Output, Proc};
pub use shutdown::{stop_children_on_signals, wait_if_stopping};
pub use stack::{Stack, StackOptions, default_devshop_bin, random_hex};
