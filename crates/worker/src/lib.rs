//! The Wasm shell: the Worker's fetch handler and the Durable Objects.
//!
//! Glue only: every rule lives in wandstore-core / wandstore-render; this crate translates
//! between the Workers runtime and those crates.
//!
//! Architecture invariant: nothing here panics on input or I/O — errors are values, mapped to a
//! status and a JSON or HTML body (`unwrap`/`expect` are denied by clippy).

mod admin;
mod ai_config;
mod backup_cron;
mod backups_api;
mod best_effort;
mod bindings;
mod body;
mod clock;
mod console;
mod cron;
mod deadline;
mod domains;
mod edge_pages;
mod entry;
mod env_config;
mod health;
mod internal;
mod isolate_metrics;
mod listing_pages;
mod microtasks;
mod objects;
mod page_request;
mod random;
mod rate_limit;
mod respond;
mod sql;
mod store_assets;
mod store_view;
mod upstream;

pub use objects::abuse_guard::AbuseGuard;
pub use objects::registry::StoreRegistry;
pub use objects::shopper::ShopperStorefront;
pub use objects::store_config::StoreConfig;

use worker::{Context, Env, Result, ScheduleContext, ScheduledEvent, event};

/// When the Wasm instance starts, before any handler runs.
#[event(start)]
fn start() {
    microtasks::install();
}

#[event(fetch)]
async fn fetch(
    req: worker::web_sys::Request,
    env: Env,
    _ctx: Context,
) -> Result<worker::web_sys::Response> {
    Ok(entry::handle(req, &env).await)
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    cron::run(&event, &env).await;
}
