//! StoreConfig: one object per store (`"{store}"`). Owns the store's record (settings,
//! Shopify connection, owner token hash), its catalog cache (SQLite, indexed in memory), the
//! upstream circuit breaker, the checkout hand-off, the index of shoppers with a cart and the
//! store's backups and restores (R2 BACKUPS, continued on the object's alarm). It answers the typed questions of
//! `wandstore_protocol::store`, refusing once, before any handler, a question about a store
//! that does not exist (`StoreQuestion::needs_store`); the storefront token never leaves it.

mod answers;
mod backups;
mod cart_index;
mod catalog_cache;
mod checkout;
mod io;
mod live;
mod owner;
mod personalization;
mod record;
mod restore;
mod state;
mod sync;
mod themes;

use crate::clock::now_ms;
use crate::internal;
use crate::objects::answering::{self, answer};
use std::rc::Rc;
use wandstore_backup::run::AlarmWork;
use wandstore_core::guarded::RetryPolicy;
use wandstore_protocol::store::{StoreError, StoreQuestion};
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
        Ok(match question {
            StoreQuestion::Settings(q) => answer(&q, s.snapshot(q.have_theme)),
            StoreQuestion::Catalog(q) => answer(&q, answers::catalog(s, &q, &rid).await),
            StoreQuestion::Checkout(q) => answer(&q, checkout::start(s, &q).await),
            StoreQuestion::Create(q) => answer(&q, record::create(s, q.clone(), &rid).await),
            StoreQuestion::Update(q) => answer(&q, record::update(s, q.clone(), &rid).await),
            StoreQuestion::Show(q) => answer(&q, s.public()),
            StoreQuestion::Delete(q) => answer(&q, record::delete(s).await),
            StoreQuestion::Sync(q) => answer(&q, s.sync(RetryPolicy::background(), &rid).await),
            StoreQuestion::Status(q) => answer(&q, s.status()),
            StoreQuestion::Refresh(q) => answer(&q, answers::refresh_if_stale(s, &rid)),
            StoreQuestion::Metrics(q) => answer(&q, Ok(s.metrics())),
            StoreQuestion::CheckOwner(q) => answer(&q, s.check_owner(&q.credential)),
            StoreQuestion::RotateOwner(q) => {
                answer(&q, s.rotate_owner(&q.new_token_hash, q.now_ms))
            }
            StoreQuestion::RecordAsset(q) => answer(&q, s.record_asset(&q.asset)),
            StoreQuestion::ListAssets(q) => answer(&q, s.assets()),
            StoreQuestion::DeleteAsset(q) => answer(&q, s.delete_asset(&q)),
            StoreQuestion::ShowTheme(q) => answer(&q, s.theme_overview()),
            StoreQuestion::PutDraft(q) => answer(&q, s.put_draft(&q.body, &q.author, q.now_ms)),
            StoreQuestion::Publish(q) => answer(&q, s.publish_draft(&q.author, q.now_ms).await),
            StoreQuestion::Rollback(q) => {
                answer(&q, s.rollback_theme(q.version, &q.author, q.now_ms).await)
            }
            StoreQuestion::Versions(q) => answer(&q, s.theme_versions()),
            StoreQuestion::Draft(q) => answer(&q, s.draft_slot()),
            StoreQuestion::Favicon(q) => answer(&q, s.favicon()),
            StoreQuestion::IndexCart(q) => answer(&q, s.index_cart(&q, now_ms())),
            StoreQuestion::StartBackup(q) => answer(&q, s.start_backup(&q, &rid).await),
            StoreQuestion::Restore(q) => answer(&q, s.start_restore(&q, &rid).await),
            StoreQuestion::ShowRestore(q) => answer(&q, s.restore_status().await),
            StoreQuestion::GetPersonalization(q) => answer(&q, s.personalization_settings()),
            StoreQuestion::PutPersonalization(q) => answer(&q, s.put_personalization(&q.settings)),
            StoreQuestion::Personalize(q) => answer(&q, answers::personalize(s, &q, &rid).await),
            StoreQuestion::SpendBudget(q) => answer(&q, s.spend_budget(q.now_ms)),
            StoreQuestion::RecordPersonalization(q) => answer(&q, s.record_personalization(&q)),
            StoreQuestion::ShowPersonalization(q) => answer(&q, s.personalization_report(q.now_ms)),
        })
    }

    /// A backup run continues (`backups.rs`), or a restore (`restore.rs`, which drives its
    /// own safety backup).
    async fn alarm(&self) -> Result<Response> {
        self.state.ensure_schema()?;
        // A failure is logged there (or kept in the run) and retried on a later alarm.
        match AlarmWork::choose(self.state.restore_active()) {
            AlarmWork::Restore => drop(self.state.drive_restore("").await),
            AlarmWork::Backup { pages } => drop(self.state.drive_backup(pages, "").await),
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
