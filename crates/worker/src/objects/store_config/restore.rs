//! A restore of the store from one of its backups, performed here: `wandstore_backup::RestoreRun`
//! decides the steps and `wandstore_protocol::restore_plan` what each step's files say to
//! write; this file reads the files it is told to read and executes the writes. The run is
//! stored in `restore_state` after every step; the request that starts it goes as far as one
//! invocation allows and the object's alarm continues it, also after a restart of the object.

use super::backups::{backup_key, bucket, bug, r2_unavailable};
use super::{StoreState, internal};
use crate::clock::now_ms;
use crate::objects::registry_client;
use crate::{random, sql};
use std::rc::Rc;
use wandstore_backup::keys::manifest_key;
use wandstore_backup::restore_run::{
    CartWrite, IndexWrite, NEXT_INVOCATION_MS, RETRY_AFTER_MS, Report, StepOutcome, manifest_gone,
    refused_at_start,
};
use wandstore_backup::{
    Allowance, BackupId, BackupKey, BackupReason, RestoreCheck, RestoreRefusal, RestoreRun,
    RestoreStatus, RestoreStep,
};
use wandstore_core::events::Event;
use wandstore_core::guarded::RetryPolicy;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::backup::{ReplaceCart, RestoreBackup};
use wandstore_protocol::restore_plan::{self, FilePlan, ThemeRows, refused};
use wandstore_protocol::store::StoreError;
use wandstore_protocol::wire::AskError;
use wandstore_storage as storage;

/// What the steps of one invocation read from: the backup's bucket, its checked manifest and
/// the key that opens its record.
struct Source {
    bucket: worker::Bucket,
    check: RestoreCheck,
    key: BackupKey,
}

impl StoreState {
    fn stored_restore(&self) -> Result<Option<RestoreRun>, StoreError> {
        self.db
            .json_cell(storage::store_config::SELECT_RESTORE_RUN)
            .map_err(internal)
    }

    fn save_restore(&self, run: Option<&RestoreRun>) -> Result<(), StoreError> {
        self.db
            .set_json_cell(storage::store_config::SET_RESTORE_RUN, run)
            .map_err(internal)
    }

    /// A restore is under way (backups wait for it).
    pub(super) fn restore_active(&self) -> bool {
        self.restore_busy.get()
            || self
                .stored_restore()
                .ok()
                .flatten()
                .is_some_and(|r| r.blocks_new(now_ms()))
    }

    /// Starts a restore: refusals found before anything is written answer here; the rest
    /// goes on as far as this invocation allows, then on the alarm.
    pub async fn start_restore(
        self: &Rc<Self>,
        q: &RestoreBackup,
        rid: &str,
    ) -> Result<RestoreStatus, StoreError> {
        let backup_running =
            self.backup_busy.get() || self.stored_run().map_err(internal)?.is_some();
        restore_plan::start_conflict(self.restore_active(), backup_running)?;
        let now = now_ms();
        let check = match self.source(&q.store, &q.backup).await? {
            Ok(source) => source.check,
            Err(r) => {
                let event = refused_at_start(&q.store, &q.backup, r.code());
                worker::console_log!("{}", event.line(now, rid));
                return Err(refused(&r));
            }
        };
        let existed = self.load_record().map_err(internal)?.is_some();
        let id = BackupId::new(now, random::bytes8().map_err(internal)?).map_err(bug)?;
        let page_size = super::backups::settings(self).restore_page_size;
        let run = RestoreRun::start(id, &check, existed, page_size, now);
        self.save_restore(Some(&run))?;
        let run = match self.drive_restore(rid).await {
            Ok(driven) => driven.unwrap_or(run),
            Err(e) => {
                let stored = self.stored_restore()?;
                if RestoreRun::discard_after_failure(stored.as_ref()) {
                    // Nothing written yet: the operator gets the error and may try again.
                    self.save_restore(None)?;
                    return Err(e);
                }
                stored.unwrap_or(run)
            }
        };
        restore_plan::start_answer(&run, now_ms())
    }

    /// The current or last restore; a run in progress whose alarm is gone (a restart that
    /// lost it) is woken again.
    pub async fn restore_status(&self) -> Result<RestoreStatus, StoreError> {
        let run = self
            .stored_restore()?
            .ok_or_else(restore_plan::no_restore)?;
        let alarm = self.state.storage().get_alarm().await.map_err(internal)?;
        if run.needs_wake(self.restore_busy.get(), alarm.is_some()) {
            self.wake_in(0).await?;
        }
        Ok(run.status(now_ms()))
    }

    /// Runs the stored restore's steps as far as one invocation allows; the run as it stands
    /// (`None`: none stored, or another invocation is driving it).
    pub(super) async fn drive_restore(
        self: &Rc<Self>,
        rid: &str,
    ) -> Result<Option<RestoreRun>, StoreError> {
        if self.restore_busy.replace(true) {
            return Ok(None);
        }
        let result = self.restore_steps(rid).await;
        self.restore_busy.set(false);
        result
    }

    async fn restore_steps(self: &Rc<Self>, rid: &str) -> Result<Option<RestoreRun>, StoreError> {
        let Some(mut run) = self.stored_restore()? else {
            return Ok(None);
        };
        if run.is_done() {
            return Ok(Some(run));
        }
        let mut allowance = Allowance::per_invocation();
        let mut source = None;
        loop {
            let step = run.next_step();
            if !allowance.allows(&step) {
                break;
            }
            let moved = self
                .restore_step(&run, &step, &mut allowance, &mut source, rid)
                .await
                .and_then(|outcome| run.record(outcome, now_ms()).map_err(bug));
            match moved {
                Ok(go_on) => {
                    self.save_restore(Some(&run))?;
                    if !go_on {
                        break;
                    }
                }
                Err(e) => {
                    let code = wandstore_protocol::EdgeError::from(e.clone()).code;
                    run.attempt_failed(&code, e.to_string());
                    self.save_restore(Some(&run))?;
                    self.wake_in(RETRY_AFTER_MS).await?;
                    return Err(e);
                }
            }
        }
        match run.logged(now_ms()) {
            Some(event) => worker::console_log!("{}", event.line(now_ms(), rid)),
            None => self.wake_in(NEXT_INVOCATION_MS).await?,
        }
        Ok(Some(run))
    }

    /// One step's I/O; how it ended.
    async fn restore_step(
        self: &Rc<Self>,
        run: &RestoreRun,
        step: &RestoreStep,
        allowance: &mut Allowance,
        source: &mut Option<Source>,
        rid: &str,
    ) -> Result<StepOutcome, StoreError> {
        if source.is_none() && step.reads_backup() {
            match self.source(&run.store, &run.backup).await {
                Ok(Ok(s)) => *source = Some(s),
                Ok(Err(r)) => return Ok(StepOutcome::Refused(r)),
                Err(StoreError::Missing { .. }) => {
                    return Ok(StepOutcome::Refused(manifest_gone()));
                }
                Err(e) => return Err(e),
            }
        }
        allowance.spend(step);
        let report = match step {
            RestoreStep::StartSafetyBackup => {
                let id = self.begin_run(&run.store, BackupReason::BeforeRestore, now_ms())?;
                Report::SafetyBackupStarted(id)
            }
            RestoreStep::FinishSafetyBackup { id } => {
                let (done, pages) = self.drive_backup(allowance.backup_pages(), rid).await?;
                allowance.spend_backup(pages);
                if !done {
                    return Ok(StepOutcome::Yield);
                }
                Report::SafetyBackupTaken(id.clone())
            }
            RestoreStep::ClearOthers { after, limit } => {
                let page = self.cart_marks(after.as_ref(), *limit).map_err(internal)?;
                self.write_carts(&run.store, run.clear_plan(page), rid)
                    .await?
            }
            RestoreStep::Resync => {
                *self.catalog.borrow_mut() = None;
                let catalog = match self.sync(RetryPolicy::background(), rid).await {
                    Ok(_) => "synced".to_owned(),
                    Err(e) => e.cause_code(),
                };
                Report::Resynced(catalog)
            }
            RestoreStep::Done => return Ok(StepOutcome::Yield),
            _ => {
                let Some(src) = source.as_ref() else {
                    return Ok(StepOutcome::Yield);
                };
                return self.file_step(run, step, src, rid).await;
            }
        };
        Ok(StepOutcome::Done(report))
    }

    /// A step over backup files: read them (and the theme body they name), write what the
    /// plan says.
    async fn file_step(
        &self,
        run: &RestoreRun,
        step: &RestoreStep,
        src: &Source,
        rid: &str,
    ) -> Result<StepOutcome, StoreError> {
        let mut files = Vec::new();
        for key in step.backup_keys() {
            files.push(read(&src.bucket, &key).await?);
        }
        let opened = match restore_plan::open(run, step, &src.check, &src.key, &files) {
            Ok(o) => o,
            Err(r) => return Ok(StepOutcome::Refused(r)),
        };
        let body = match opened.theme_body_key(&run.store) {
            Some(key) => {
                let themes = self.env.bucket("THEMES").map_err(r2_unavailable)?;
                read(&themes, &key).await?
            }
            None => None,
        };
        let report = match opened.finish(body) {
            Err(r) => return Ok(StepOutcome::Refused(r)),
            Ok(FilePlan::Verified(report)) => report,
            Ok(FilePlan::Store(w)) => {
                match registry_client::ask(&self.env, w.entry, rid).await {
                    Ok(()) => {}
                    Err(AskError::Refused(refusal)) => return Ok(StepOutcome::Registry(refusal)),
                    Err(e) => return Err(e.into()),
                }
                self.save_record(&w.record).map_err(internal)?;
                self.write_theme(w.theme)?;
                w.report
            }
            Ok(FilePlan::Carts(w)) => self.write_carts(&run.store, w, rid).await?,
        };
        Ok(StepOutcome::Done(report))
    }

    /// The backup's bucket, checked manifest and key; a missing manifest is `backup_not_found`
    /// (404), a manifest that fails its checks a refusal.
    async fn source(
        &self,
        store: &StoreSlug,
        backup: &BackupId,
    ) -> Result<Result<Source, RestoreRefusal>, StoreError> {
        let key = backup_key(self)?;
        let bucket = bucket(self)?;
        let manifest = read(&bucket, &manifest_key(store, backup))
            .await?
            .ok_or_else(|| restore_plan::backup_not_found(store, backup))?;
        Ok(
            RestoreCheck::from_manifest(&manifest, store, backup).map(|check| Source {
                bucket,
                check,
                key,
            }),
        )
    }

    /// The history and pointer, in one transaction (the draft is left as it is).
    fn write_theme(&self, theme: ThemeRows) -> Result<(), StoreError> {
        let mut rows = Vec::with_capacity(theme.versions.len());
        for (version, json) in theme.versions {
            rows.push((sql::int(u64::from(version)).map_err(internal)?, json));
        }
        let published = match theme.published {
            Some(v) => Some(sql::int(u64::from(v)).map_err(internal)?),
            None => None,
        };
        let db = self.db.clone();
        sql::transaction(&self.state, move || {
            db.run(storage::store_config::DELETE_THEME_VERSIONS, None)?;
            for (version, json) in rows {
                db.run(
                    storage::store_config::INSERT_THEME_VERSION,
                    vec![version, json.into()],
                )?;
            }
            db.run(
                storage::store_config::SET_PUBLISHED,
                vec![published.into(), theme.body.into()],
            )
        })
        .map_err(internal)?;
        *self.published.borrow_mut() = None;
        Ok(())
    }

    /// Replaces the carts (each shopper's object), then marks or drops their index entries.
    async fn write_carts(
        &self,
        store: &StoreSlug,
        w: CartWrite,
        rid: &str,
    ) -> Result<Report, StoreError> {
        let asks = w.carts.iter().map(|(s, lines)| {
            let q = ReplaceCart {
                lines: lines.clone(),
            };
            (s, q)
        });
        self.ask_shoppers(store, asks, rid).await?;
        for (shopper, _) in &w.carts {
            match &w.index {
                IndexWrite::Mark(run) => self.mark_restored(shopper, run, now_ms()),
                IndexWrite::Drop => self.unindex(shopper),
            }
            .map_err(internal)?;
        }
        Ok(w.report)
    }
}

async fn read(bucket: &worker::Bucket, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let Some(object) = bucket.get(key).execute().await.map_err(r2_unavailable)? else {
        return Ok(None);
    };
    match object.body() {
        Some(body) => body.bytes().await.map(Some).map_err(r2_unavailable),
        None => Ok(Some(Vec::new())),
    }
}
