//! Personalization through Cloudflare AI Gateway, sans-IO.
//!
//! The pipeline: a shopper's [`profile::Profile`] (affinities learned from their events,
//! decayed with time) picks up to 50 [`candidates`] from the store's catalog and ranks them
//! (the *baseline*, what pages show when AI is off, failing or held out). A compact
//! [`prompt`] asks a model to re-rank those candidates and write one headline; the
//! [`request`] module turns it into an AI Gateway call to OpenAI or Anthropic, and
//! [`response`] parses and validates the answer strictly (only real candidate ids, capped
//! and cleaned text, typed failures). [`rules`] decides whether a call may happen at all
//! (kill switch, opt-out, holdout, refresh interval, daily budget) and in which provider
//! order; [`refresh`] drives one background refresh (fallback, guarded calls, parsing) as a
//! sans-IO state machine, and [`refresh_job`] the whole job around it (the budget, the
//! calls, the stored suggestion, the record) as a driver; [`page`] chooses what the recommendations block shows (`ai`,
//! `baseline` or `holdout`); [`block`] is the home page's block as a shopper's object runs
//! it (what to ask for, what shows, what counts, when a refresh starts); [`tally`] batches
//! the block's counts in that object; [`report`] aggregates what happened for the owner.
//!
//! Architecture invariant: this crate does no I/O and never reads a clock or a random
//! source. The shell (crates/worker) sends the [`wandstore_core::http::HttpRequest`]s it
//! builds, through [`wandstore_core::guarded::GuardedCall`], and passes time in.

pub mod block;
pub mod candidates;
pub mod events;
pub mod failure;
pub mod gateway;
mod hash;
pub mod material;
pub mod page;
pub mod profile;
pub mod prompt;
pub mod refresh;
pub mod refresh_job;
pub mod report;
pub mod request;
pub mod response;
pub mod rules;
pub mod settings;
pub mod tally;
#[cfg(test)]
mod test_support;
pub mod text;
