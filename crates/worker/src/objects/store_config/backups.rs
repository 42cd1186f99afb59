//! The store's backups to R2 BACKUPS, performed here: `wandstore_backup::BackupRun` decides
//! the steps (base files, cart pages from the cart index, the manifest last) and
//! `wandstore_backup::run_steps` the rest (start or skip, page budget, what a page holds,
//! pruning); this file reads the rows and carts and puts the objects. A run goes as far as
//! one invocation's subrequests allow, is stored in `backup_state` between invocations and
//! continues on the object's alarm. After the manifest, the retention policy deletes the
//! store's older backups.

use super::{StoreState, internal};
use crate::clock::now_ms;
use crate::objects::shopper_client;
use crate::{random, sql};
use futures::future::join_all;
use std::collections::HashMap;
use wandstore_backup::keys::{data_prefix, manifest_key, manifest_prefix};
use wandstore_backup::manifest::SUMMARY_METADATA;
use wandstore_backup::run::{DEFAULT_PAGE_SIZE, pages_per_invocation};
use wandstore_backup::run_steps::{
    NEXT_INVOCATION_MS, PageBudget, RETRY_AFTER_MS, SHOPPERS_AT_ONCE, cart_page, failed,
    prune_list, shopper_carts, start_skip,
};
use wandstore_backup::{
    BackupId, BackupKey, BackupReason, BackupRun, BackupSettings, Step, contents,
};
use wandstore_core::events::Event;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::backup::{
    BackupStarted, ReadCart, ShopperError, ShopperQuestion, StartBackup,
};
use wandstore_protocol::backup_base::store_base_files;
use wandstore_protocol::store::{StoreError, Unavailable};
use wandstore_protocol::wire::Question;
use wandstore_storage as storage;
use worker::{Bucket, HttpMetadata};

/// The R2 bucket of backups.
pub(super) fn bucket(s: &StoreState) -> Result<Bucket, StoreError> {
    s.env.bucket("BACKUPS").map_err(r2_unavailable)
}

pub(super) fn r2_unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::CatalogUnavailable {
        why: Unavailable::upstream(
            "r2_unavailable",
            format!("backup storage failed: {e}"),
            None,
        ),
    }
}

/// The key sealing storefront tokens, from the `BACKUP_SECRET` secret.
pub(super) fn backup_key(s: &StoreState) -> Result<BackupKey, StoreError> {
    let secret = s
        .env
        .secret("BACKUP_SECRET")
        .map(|v| v.to_string())
        .unwrap_or_default();
    BackupKey::derive(&secret).map_err(|e| StoreError::Misconfigured {
        what: format!("BACKUP_SECRET: {e}"),
    })
}

/// The operator's backup knobs from `[vars]`.
pub(super) fn settings(s: &StoreState) -> BackupSettings {
    BackupSettings::from_vars(|name| s.env.var(name).ok().map(|v| v.to_string()))
}

pub(super) fn bug(e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal {
        message: e.to_string(),
    }
}

impl StoreState {
    fn backup_row(&self) -> worker::Result<storage::store_config::BackupStateRow> {
        self.db
            .first_row(storage::store_config::SELECT_LAST_BACKUP, None)?
            .ok_or_else(|| worker::Error::RustError("backup_state has no row".into()))
    }

    pub(super) fn stored_run(&self) -> worker::Result<Option<BackupRun>> {
        self.db.json_cell(storage::store_config::SELECT_BACKUP_RUN)
    }

    fn save_run(&self, run: Option<&BackupRun>) -> worker::Result<()> {
        self.db
            .set_json_cell(storage::store_config::SET_BACKUP_RUN, run)
    }

    /// Starts a backup (see `protocol::backup::StartBackup`) and runs it as far as this
    /// invocation allows.
    pub async fn start_backup(
        &self,
        q: &StartBackup,
        rid: &str,
    ) -> Result<BackupStarted, StoreError> {
        let record = self
            .load_record()
            .map_err(internal)?
            .ok_or(StoreError::NotFound)?;
        let store = record.slug.clone();
        let last = self.backup_row().map_err(internal)?.last_backup_ms;
        let running = self.stored_run().map_err(internal)?;
        let skip = start_skip(
            &store,
            q.reason,
            self.restore_active(),
            running.as_ref(),
            last,
            q.now_ms,
        );
        let outcome = match skip {
            Some(skip) => Err(skip),
            None => {
                let id = self.begin_run(&store, q.reason, q.now_ms)?;
                let budget = pages_per_invocation(DEFAULT_PAGE_SIZE);
                Ok((id, self.drive_backup(budget, rid).await?.0))
            }
        };
        Ok(BackupStarted::answer(store, outcome, self.used_bytes()))
    }

    /// Stores a new run (the key is checked first, so a missing secret fails here).
    pub(super) fn begin_run(
        &self,
        store: &StoreSlug,
        reason: BackupReason,
        now: u64,
    ) -> Result<BackupId, StoreError> {
        backup_key(self)?;
        let suffix = random::bytes8().map_err(internal)?;
        let id = BackupId::new(now, suffix).map_err(bug)?;
        let run = BackupRun::start(store.clone(), id.clone(), reason, now, DEFAULT_PAGE_SIZE);
        self.save_run(Some(&run)).map_err(internal)?;
        Ok(id)
    }

    /// Runs the stored run's steps, at most `page_budget` cart pages: whether it is done (or
    /// there was none), and the pages it read. Not done: the alarm continues it in a second.
    pub(super) async fn drive_backup(
        &self,
        page_budget: u32,
        rid: &str,
    ) -> Result<(bool, u32), StoreError> {
        if self.backup_busy.replace(true) {
            return Ok((false, 0));
        }
        let mut budget = PageBudget::new(page_budget);
        let result = self.drive_steps(&mut budget, rid).await;
        self.backup_busy.set(false);
        match result {
            Ok(true) => Ok((true, budget.used())),
            Ok(false) => {
                self.wake_in(NEXT_INVOCATION_MS).await?;
                Ok((false, budget.used()))
            }
            Err(e) => {
                let run = self.stored_run().ok().flatten();
                let backup = run.as_ref().map(|r| &r.id);
                let event = failed(&self.slug.borrow(), backup, e.to_string());
                worker::console_log!("{}", event.line(now_ms(), rid));
                if run.is_some_and(|r| r.is_abandoned(now_ms())) {
                    self.save_run(None).map_err(internal)?;
                }
                self.wake_in(RETRY_AFTER_MS).await?;
                Err(e)
            }
        }
    }

    /// Sets the object's alarm `ms` from now.
    pub(super) async fn wake_in(&self, ms: u64) -> Result<(), StoreError> {
        let after = std::time::Duration::from_millis(ms);
        self.state
            .storage()
            .set_alarm(after)
            .await
            .map_err(internal)
    }

    /// The run's steps while the budget admits them; true when it is done.
    async fn drive_steps(&self, budget: &mut PageBudget, rid: &str) -> Result<bool, StoreError> {
        let Some(mut run) = self.stored_run().map_err(internal)? else {
            return Ok(true);
        };
        loop {
            let step = run.next_step();
            if !budget.admit(&step) {
                let done = run.is_done();
                self.save_run((!done).then_some(&run)).map_err(internal)?;
                return Ok(done);
            }
            match step {
                Step::WriteBase => {
                    let files = self.base_files()?;
                    let bucket = bucket(self)?;
                    for (key, file) in run.base_keys().iter().zip(&files.files) {
                        put(&bucket, key, file.bytes.clone(), None).await?;
                    }
                    let [a, b, c] = files.files.map(|f| f.entry);
                    run.base_written([a, b, c], files.theme_versions, now_ms())
                        .map_err(bug)?;
                }
                Step::CartPage {
                    after,
                    limit,
                    page,
                    key,
                } => {
                    let read_at = sql::int(now_ms()).map_err(internal)?;
                    let listed = self.cart_marks(after.as_ref(), limit).map_err(internal)?;
                    let shoppers: Vec<ShopperId> = listed.into_iter().map(|(s, _)| s).collect();
                    let asks = shoppers.iter().map(|s| (s, ReadCart));
                    let lines = self.ask_shoppers(&run.store, asks, rid).await?;
                    let carts = shopper_carts(&shoppers, lines);
                    let written = cart_page(page, &carts).map_err(bug)?;
                    for shopper in &written.emptied {
                        self.db
                            .run(
                                storage::store_config::UNINDEX_CART_UNCHANGED_SINCE,
                                vec![shopper.as_str().into(), read_at.clone()],
                            )
                            .map_err(internal)?;
                    }
                    if let Some((file, _)) = &written.file {
                        put(&bucket(self)?, &key, file.bytes.clone(), None).await?;
                    }
                    let report = written.file.map(|(file, lines)| (file.entry, lines));
                    run.page_read(&shoppers, report, now_ms()).map_err(bug)?;
                }
                Step::WriteManifest { key, manifest } => {
                    let metadata = HashMap::from([(
                        SUMMARY_METADATA.to_owned(),
                        manifest.summary().to_metadata(),
                    )]);
                    put(&bucket(self)?, &key, manifest.to_json(), Some(metadata)).await?;
                    run.manifest_written(now_ms()).map_err(bug)?;
                    let started = sql::int(run.started_ms).map_err(internal)?;
                    self.db
                        .run(storage::store_config::SET_LAST_BACKUP, vec![started])
                        .map_err(internal)?;
                    let pruned = if run.reason.prunes() {
                        self.prune(&run.store, &run.id).await
                    } else {
                        0
                    };
                    let event = run.finished(&manifest, pruned);
                    worker::console_log!("{}", event.line(now_ms(), rid));
                }
                Step::Done => {}
            }
            self.save_run(Some(&run)).map_err(internal)?;
        }
    }

    /// The record (token sealed), the theme pointer and history, the settings.
    fn base_files(&self) -> Result<contents::BaseFiles, StoreError> {
        let record = self
            .load_record()
            .map_err(internal)?
            .ok_or(StoreError::NotFound)?;
        let nonce = random::bytes24().map_err(internal)?;
        let published = self.published()?.map(|p| p.version);
        store_base_files(
            &record,
            &backup_key(self)?,
            nonce,
            published,
            self.theme_versions()?,
        )
        .map_err(|e| bug(format!("building a backup file: {e}")))
    }

    /// Asks each shopper's object its question, 25 objects at a time; the answers in order.
    pub(super) async fn ask_shoppers<'a, Q>(
        &self,
        store: &StoreSlug,
        asks: impl Iterator<Item = (&'a ShopperId, Q)>,
        rid: &str,
    ) -> Result<Vec<Q::Answer>, StoreError>
    where
        Q: Question<Envelope = ShopperQuestion, Error = ShopperError>,
    {
        let asks: Vec<_> = asks.collect();
        let mut answers = Vec::with_capacity(asks.len());
        let mut asks = asks.into_iter().peekable();
        while asks.peek().is_some() {
            let batch = asks.by_ref().take(SHOPPERS_AT_ONCE);
            let batch = batch.map(|(s, q)| shopper_client::ask(&self.env, store, s, q, rid));
            for answer in join_all(batch).await {
                answers.push(answer.map_err(|e| bug(format!("asking a shopper object: {e:?}")))?);
            }
        }
        Ok(answers)
    }

    /// Deletes the store's backups the retention policy lets go (never `keep`); how many.
    /// Best effort: a failure is logged and the next backup tries again.
    async fn prune(&self, store: &StoreSlug, keep: &BackupId) -> u64 {
        match self.try_prune(store, keep).await {
            Ok(n) => n,
            Err(e) => {
                let event = failed(store.as_str(), Some(keep), format!("retention: {e}"));
                worker::console_log!("{}", event.line(now_ms(), ""));
                0
            }
        }
    }

    async fn try_prune(&self, store: &StoreSlug, keep: &BackupId) -> Result<u64, StoreError> {
        let bucket = bucket(self)?;
        let keys = list_keys(&bucket, &manifest_prefix(store)).await?;
        let delete = prune_list(store, &keys, keep, settings(self).retention);
        for id in &delete {
            // The manifest first: a backup without one is never listed or restored.
            bucket
                .delete(manifest_key(store, id))
                .await
                .map_err(r2_unavailable)?;
            let files = list_keys(&bucket, &data_prefix(store, id)).await?;
            if !files.is_empty() {
                bucket
                    .delete_multiple(files)
                    .await
                    .map_err(r2_unavailable)?;
            }
        }
        Ok(delete.len() as u64)
    }
}

async fn put(
    bucket: &Bucket,
    key: &str,
    bytes: Vec<u8>,
    metadata: Option<HashMap<String, String>>,
) -> Result<(), StoreError> {
    let content_type = if metadata.is_some() {
        "application/json"
    } else {
        "application/x-ndjson"
    };
    let mut put = bucket.put(key, bytes).http_metadata(HttpMetadata {
        content_type: Some(content_type.into()),
        ..HttpMetadata::default()
    });
    if let Some(m) = metadata {
        put = put.custom_metadata(m);
    }
    put.execute().await.map_err(r2_unavailable)?;
    Ok(())
}

/// Every key under `prefix` (following the listing's cursor).
pub(super) async fn list_keys(bucket: &Bucket, prefix: &str) -> Result<Vec<String>, StoreError> {
    let mut keys = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut list = bucket.list().prefix(prefix);
        if let Some(c) = cursor.take() {
            list = list.cursor(c);
        }
        let page = list.execute().await.map_err(r2_unavailable)?;
        keys.extend(page.objects().iter().map(worker::Object::key));
        match page.cursor().filter(|_| page.truncated()) {
            Some(c) => cursor = Some(c),
            None => return Ok(keys),
        }
    }
}
