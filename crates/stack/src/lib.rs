//! The local stack: `wrangler dev` (workerd with local SQLite Durable Objects and R2) on
//! loopback, started on chosen ports with a chosen state directory, and stopped with every
//! process it started.
//!
//! Used by `cargo xtask dev` (in the foreground) and by the end-to-end tests (one stack per
//! test binary, or per test when a test restarts it).
//!
//! Architecture invariant: the stack only talks to 127.0.0.1, and a `Stack` that is dropped
//! has stopped its whole process group.

mod http_probe;
mod ports;
mod process;

pub use http_probe::get_status;
pub use ports::free_port;
pub use process::{Output, Stack, StackOptions};
