//! StoreConfig: one object per store (`"{store}"`). Owns the store's record (settings,
//! Shopify connection, owner token hash), its catalog cache (SQLite, indexed in memory), the
//! upstream circuit breaker, the checkout hand-off, the index of shoppers with a cart and the
//! store's backups and restores (R2 BACKUPS, continued on the object's alarm). It answers the typed questions of
//! `wandstore_protocol::store`, refusing once, before any handler, a question about a store
//! that does not exist (`StoreQuestion::needs_store`); those answered from its rows alone are
//! `protocol::store_rows::RowRun`'s (`rows.rs`); the storefront token never leaves it.

mod answers;
mod backups;
mod cart_index;
mod catalog_cache;
mod checkout;
mod io;
mod live;
mod record;
mod restore;
mod rows;
mod state;
mod sync;
mod themes;

use crate::clock::now_ms;
use crate::internal;
use crate::objects::answering::{self, answer};
use std::rc::Rc;
use wandstore_backup::run::AlarmWork;
use wandstore_core::guarded::RetryPolicy;
use wandstore_protocol::record_run::RecordRun;
use wandstore_protocol::restore_driver::RestoreDriver;
use wandstore_protocol::store::StoreError;
use wandstore_protocol::store_rows::{NotRowQuestion as Q, RowRun};
use wandstore_protocol::wire::encode_refusal;
use wandstore_storage::store_config::MIGRATIONS;
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

pub use state::StoreState;

#[durable_object]
pub struct StoreConfig {
    state: Rc<StoreState>,
}

impl DurableObject for StoreConfig {
    fn new(state: State, env: Env) -> Self {
        StoreConfig {
            state: Rc::new(StoreState::new(state, env)),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        if live::is_upgrade(&req) {
            return self.state.accept_preview_socket();
        }
        let rid = req.headers().get(internal::REQUEST_ID)?.unwrap_or_default();
        let s = &self.state;
        let question = match answering::question(&req, &s.db, &s.state, MIGRATIONS).await? {
            Ok(q) => q,
            Err(unreadable) => return Ok(unreadable),
        };
        s.counts.borrow_mut().count_question(&question);
        if question.needs_store()
            && let Err(refused) = s.existing_record()
        {
            return Ok(answering::encoded(encode_refusal(&refused)));
        }
        let question = match RowRun::new(question, now_ms()) {
            Ok(run) => return Ok(answering::encoded(s.answer_from_rows(run))),
            Err(question) => question,
        };
        Ok(match question {
            Q::Catalog(q) => answer(&q, answers::catalog(s, &q, &rid).await),
            Q::Checkout(q) => answer(&q, checkout::start(s, &q).await),
            Q::Create(q) => answer(&q, s.perform(RecordRun::create(q.clone()), &rid).await),
            Q::Update(q) => answer(&q, s.perform(RecordRun::update(q.clone()), &rid).await),
            Q::Delete(q) => answer(&q, record::delete(s).await),
            Q::Sync(q) => answer(&q, s.sync(RetryPolicy::background(), &rid).await),
            Q::Status(q) => answer(&q, s.status()),
            Q::Refresh(q) => answer(&q, answers::refresh_if_stale(s, &rid)),
            Q::Metrics(q) => answer(&q, Ok(s.metrics())),
            Q::Publish(q) => answer(&q, s.publish(None, &q.author, q.now_ms).await),
            Q::Rollback(q) => answer(&q, s.publish(Some(q.version), &q.author, q.now_ms).await),
            Q::StartBackup(q) => answer(&q, s.start_backup(&q, &rid).await),
            Q::Restore(q) => answer(&q, s.start_restore(&q, &rid).await),
            Q::ShowRestore(q) => answer(&q, s.restore_status().await),
            Q::Personalize(q) => answer(&q, answers::personalize(s, &q, &rid).await),
        })
    }

    /// A backup run continues (`backups.rs`), or the stored restore (`RestoreDriver`, which
    /// drives its own safety backup) as far as one invocation allows.
    async fn alarm(&self) -> Result<Response> {
        let s = &self.state;
        s.ensure_schema()?;
        // A failure is logged (or kept in the run) and tried again on a later alarm.
        match AlarmWork::choose(s.restore_active()) {
            AlarmWork::Restore => drop(s.drive(RestoreDriver::new(""), &s.restore_busy, "").await),
            AlarmWork::Backup { pages } => drop(s.drive_backup(pages, "").await),
        }
        Response::empty()
    }
}

/// A storage or runtime failure (or a bug), as the object's typed refusal.
pub fn internal(e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal {
        message: e.to_string(),
    }
}
