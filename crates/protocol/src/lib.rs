//! The vocabulary of WandStore's shell, written once:
//!
//! - [`wire`]: how a typed question crosses to a Durable Object and its typed answer comes
//!   back ([`Question`]);
//! - [`store`]: what StoreConfig answers (settings, catalog questions, checkout, the store's
//!   record, syncs);
//! - [`owner`]: what StoreConfig answers about the store's owner and assets;
//! - [`theme`]: the store's theme: the snapshot pages use, the draft, publishing, history;
//! - [`theme_ledger`]: the theme history's rules, sans-IO: what a draft, publish or roll
//!   back writes (R2 key, metadata, history row, pointer) and answers;
//! - [`personalization`]: what StoreConfig answers about personalization (settings,
//!   candidates, the daily budget, the gateway breakers, counters and the report);
//!   [`block_run`]: the home page's block as a driver (reads, question, count, refresh);
//!   [`personalization_row`]: what each of those questions reads from and writes to
//!   StoreConfig's row;
//! - [`shopify_calls`]: StoreConfig's Shopify calls as values: the checkout's request and
//!   how a failed sync or checkout is refused;
//! - [`store_rows`]: StoreConfig's questions answered from its rows alone, as a sans-IO
//!   driver (which rows, which writes, the encoded reply);
//! - [`registry`]: what StoreRegistry answers (the list of stores, custom domains);
//!   [`registry_run`]: one registry question as a sans-IO run (reads, one transaction, reply);
//! - [`backup`]: StoreConfig's cart index, backups and restore; a shopper object's cart
//!   questions; [`restore_theme`]: the theme a restore puts back; [`restore_driver`]: one
//!   restore invocation as a sans-IO driver;
//! - [`cart_rows`]: a shopper object's cart transaction (the key check, the command, the
//!   rows it writes); [`cart_run`]: a shopper's cart request as a sans-IO driver (reads,
//!   command, what follows a change, checkout, the answer);
//! - [`visit`]: a shopper's request as the entry plans it (who is visiting, the log line's
//!   fields, the limits, whether the entry renders the page, the object's name and path);
//! - [`shopper`]: who a request forwarded to a ShopperStorefront is for; [`shopper_upkeep`]:
//!   its counts, activity and alarm as a sans-IO driver;
//! - [`limit_run`]: a request's rate limits, sans-IO: which limiter is asked next and what
//!   its answer means (failing open, strikes, bans, the log line);
//! - [`admin_call`]: the admin and owner APIs' requests as typed questions (who may, which body,
//!   which question) and their answers; [`admin_run`]: one admin request as a sans-IO
//!   driver (the store check, the body, each call's steps in order);
//! - [`console_step`]: what the owner console answers after the store's object answered a
//!   form (a redirect, or the editor again with the refusal);
//! - [`edge`]: the one error type the Worker renders, as JSON for APIs or a themed page for
//!   browsers, with `From` conversions from every typed error.
//!
//! Architecture invariant: pure (no I/O, no clock, no randomness), and no struct that crosses
//! an object boundary is written anywhere else.

pub mod admin_call;
pub mod admin_run;
pub mod backup;
pub mod backup_admin;
pub mod backup_base;
pub mod backup_starts;
pub mod block_run;
pub mod cart_api;
pub mod cart_route;
pub mod cart_rows;
pub mod cart_run;
pub mod catalog_read;
pub mod console_driver;
pub mod console_step;
pub mod cron_job;
pub mod edge;
pub mod entry_route;
pub mod entry_run;
pub mod events;
pub mod guard;
pub mod limit_run;
pub mod owner;
pub mod page_plan;
pub mod pass_through;
pub mod personalization;
pub mod personalization_row;
pub mod record_run;
pub mod registry;
pub mod registry_run;
pub mod restore_driver;
pub mod restore_plan;
pub mod restore_theme;
pub mod shopify_calls;
pub mod shopper;
pub mod shopper_memory;
pub mod shopper_upkeep;
pub mod store;
pub mod store_call_step;
mod store_gate;
pub mod store_metrics;
pub mod store_record;
pub mod store_rows;
pub mod store_view;
pub mod theme;
pub mod theme_ledger;
pub mod theme_publish;
pub mod upload_form;
pub mod visit;
pub mod wire;

pub use edge::EdgeError;
pub use wire::{AskError, Question};
