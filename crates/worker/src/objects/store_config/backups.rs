//! The store's backups to R2 BACKUPS, performed here: `wandstore_backup::backup_driver`
//! decides everything (start or skip, the key opened before the run is stored, the steps
//! within the page budget, what each cart page writes, pruning, storing the run, the failure
//! path, the alarm that continues it); `io.rs` runs it. Here: starting it, the base files it
//! reads, and what both drivers share: the backup key, new ids.

use super::{StoreState, internal};
use crate::random;
use std::rc::Rc;
use wandstore_backup::backup_driver::{BackupDriver, Driven, StartFacts};
use wandstore_backup::run::{DEFAULT_PAGE_SIZE, pages_per_invocation};
use wandstore_backup::{BackupId, BackupKey, BackupRun, BackupSettings, contents};
use wandstore_protocol::backup::{BackupStarted, StartBackup};
use wandstore_protocol::backup_base::store_base_files;
use wandstore_protocol::store::StoreError;
use wandstore_storage as storage;
use wandstore_storage::store_config::{BackupStateRow, SELECT_LAST_BACKUP};

/// The key sealing storefront tokens, from the `BACKUP_SECRET` secret.
pub(super) fn backup_key(s: &StoreState) -> Result<BackupKey, StoreError> {
    let secret = s.env.secret("BACKUP_SECRET").ok();
    wandstore_protocol::backup::backup_key(secret.map(|v| v.to_string()))
}

/// The operator's backup knobs from `[vars]`.
pub(super) fn settings(s: &StoreState) -> BackupSettings {
    BackupSettings::from_vars(|name| s.env.var(name).ok().map(|v| v.to_string()))
}

/// A new backup or restore id at `now`.
pub(super) fn new_id(now: u64) -> Result<BackupId, StoreError> {
    let suffix = random::bytes::<8>().map_err(internal)?;
    BackupId::new(now, suffix).map_err(internal)
}

impl StoreState {
    pub(super) fn stored_run(&self) -> worker::Result<Option<BackupRun>> {
        self.db.json_cell(storage::store_config::SELECT_BACKUP_RUN)
    }

    /// Starts a backup (see `protocol::backup::StartBackup`) and runs it as far as this
    /// invocation allows.
    pub async fn start_backup(
        self: &Rc<Self>,
        q: &StartBackup,
        rid: &str,
    ) -> Result<BackupStarted, StoreError> {
        let store = self.existing_record()?.slug;
        let id = new_id(q.now_ms)?;
        let state: BackupStateRow = self.single_row(SELECT_LAST_BACKUP, "backup_state")?;
        let facts = StartFacts {
            store: store.clone(),
            reason: q.reason,
            restore_active: self.restore_active(),
            running: self.stored_run().map_err(internal)?,
            last_backup_ms: state.last_backup_ms,
            id: id.clone(),
            now_ms: q.now_ms,
        };
        let pages = pages_per_invocation(DEFAULT_PAGE_SIZE);
        let outcome = match BackupDriver::start(facts, pages, settings(self).retention, rid) {
            Err(skip) => Err(skip),
            Ok(driver) => Ok((id, self.drive(driver, &self.backup_busy, rid).await?.done)),
        };
        Ok(BackupStarted::answer(store, outcome, self.used_bytes()))
    }

    /// Continues the stored run with at most `pages` cart pages.
    pub(super) async fn drive_backup(
        self: &Rc<Self>,
        pages: u32,
        rid: &str,
    ) -> Result<Driven, StoreError> {
        let policy = settings(self).retention;
        let driver = BackupDriver::new(pages, &self.slug(), policy, rid);
        self.drive(driver, &self.backup_busy, rid).await
    }

    /// The record (token sealed), the theme pointer and history, the settings.
    pub(super) fn base_files(&self) -> Result<contents::BaseFiles, StoreError> {
        let record = self.existing_record()?;
        let nonce = random::bytes::<24>().map_err(internal)?;
        let published = self.published()?.map(|p| p.version);
        let (key, versions) = (backup_key(self)?, self.theme_versions()?);
        store_base_files(&record, &key, nonce, published, versions)
    }
}
