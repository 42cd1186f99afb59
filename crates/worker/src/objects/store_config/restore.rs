//! A restore of the store from one of its backups, driven here: `wandstore_backup::RestoreRun`
//! decides the steps (verify every file, a safety backup, the record and theme, the carts a
//! page at a time, clearing the carts the backup does not hold, the catalog's resync) and
//! what counts; this file does each step's I/O. The run is stored in `restore_state` after
//! every step; the request that starts it goes as far as one invocation allows and the
//! object's alarm continues it, also after a restart of the object.

use super::backups::{backup_key, bucket, r2_unavailable};
use super::{StoreState, internal};
use crate::objects::{registry_client, shopper_client};
use crate::{random, sql};
use futures::future::join_all;
use std::rc::Rc;
use wandstore_backup::keys::manifest_key;
use wandstore_backup::restore::Verified;
use wandstore_backup::restore_run::{NEXT_INVOCATION_MS, RETRY_AFTER_MS};
use wandstore_backup::{
    Allowance, BackupId, BackupKey, BackupReason, RestoreCheck, RestoreRefusal, RestoreRun,
    RestoreStatus, RestoreStep, ThemeBackup,
};
use wandstore_core::backup_events::RestoreLogged;
use wandstore_core::cart::CartLine;
use wandstore_core::events::Event;
use wandstore_core::guarded::RetryPolicy;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::backup::{ReplaceCart, RestoreBackup};
use wandstore_protocol::registry::WriteEntry;
use wandstore_protocol::restore_theme::ThemeToRestore;
use wandstore_protocol::store::StoreError;
use wandstore_protocol::wire::AskError;
use wandstore_registry::{RegistryEntry, RegistryRefusal};
use wandstore_storage as storage;
use wandstore_theme::Theme;

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

fn refused(r: &RestoreRefusal) -> StoreError {
    StoreError::BackupRefused {
        code: r.code().to_owned(),
        message: r.to_string(),
    }
}

/// What the steps of one invocation read from: the backup's bucket, its checked manifest and
/// the key that opens its record.
struct Source {
    bucket: worker::Bucket,
    check: RestoreCheck,
    key: BackupKey,
}

/// How a step ended: the invocation goes on, stops here, or a file failed its check.
enum Next {
    Continue,
    Yield,
    Refused(RestoreRefusal),
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
        let conflict = |code: &str, message: &str| StoreError::Conflict {
            code: code.into(),
            message: message.into(),
        };
        if self.restore_active() {
            return Err(conflict(
                "restore_in_progress",
                "a restore of this store is running; see GET /admin/stores/{slug}/restore",
            ));
        }
        if self.backup_busy.get() || self.stored_run().map_err(internal)?.is_some() {
            return Err(conflict(
                "backup_in_progress",
                "a backup of this store is running; try again when it is done",
            ));
        }
        let now = now_ms();
        let check = match self.source(&q.store, &q.backup).await? {
            Ok(source) => source.check,
            Err(r) => {
                log_restore(&q.store, &q.backup, r.code(), None, rid);
                return Err(refused(&r));
            }
        };
        let existed = self.load_record().map_err(internal)?.is_some();
        let id = BackupId::new(now, random::bytes8().map_err(internal)?).map_err(|e| {
            StoreError::Internal {
                message: e.to_string(),
            }
        })?;
        let page_size = super::backups::settings(self).restore_page_size;
        let run = RestoreRun::start(id, &check, existed, page_size, now);
        self.save_restore(Some(&run))?;
        let run = match self.drive_restore(rid).await {
            Ok(Some(run)) => run,
            Ok(None) => run,
            // Nothing written yet: the operator gets the error and may try again.
            Err(e) if run_changed_nothing(self) => {
                self.save_restore(None)?;
                return Err(e);
            }
            Err(_) => self.stored_restore()?.unwrap_or(run),
        };
        match run.refused_before_writing() {
            Some(e) => Err(StoreError::BackupRefused {
                code: e.code.clone(),
                message: e.message.clone(),
            }),
            None => Ok(run.status(now_ms())),
        }
    }

    /// The current or last restore; a run in progress whose alarm is gone (a restart that
    /// lost it) is woken again.
    pub async fn restore_status(&self) -> Result<RestoreStatus, StoreError> {
        let run = self.stored_restore()?.ok_or_else(|| StoreError::Missing {
            code: "no_restore".into(),
            message: "this store has not been restored".into(),
        })?;
        let now = now_ms();
        if !run.is_done() && !self.restore_busy.get() {
            let alarm = self.state.storage().get_alarm().await.map_err(internal)?;
            if alarm.is_none() {
                self.wake_in(0).await?;
            }
        }
        Ok(run.status(now))
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
            let next = self
                .restore_step(&mut run, &step, &mut allowance, &mut source, rid)
                .await;
            match next {
                Ok(next) => {
                    if let Next::Refused(r) = &next {
                        run.refused(r, now_ms());
                    }
                    self.save_restore(Some(&run))?;
                    if matches!(next, Next::Yield) {
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
        if run.is_done() {
            let s = run.status(now_ms());
            let outcome = s.error.as_ref().map_or("restored", |e| e.code.as_str());
            log_restore(&run.store, &run.backup, outcome, Some(&s), rid);
        } else {
            self.wake_in(NEXT_INVOCATION_MS).await?;
        }
        Ok(Some(run))
    }

    /// One step's I/O, reported to the run.
    async fn restore_step(
        self: &Rc<Self>,
        run: &mut RestoreRun,
        step: &RestoreStep,
        allowance: &mut Allowance,
        source: &mut Option<Source>,
        rid: &str,
    ) -> Result<Next, StoreError> {
        let now = now_ms();
        let bad = |e: wandstore_backup::restore_run::OutOfOrder| StoreError::Internal {
            message: e.to_string(),
        };
        if source.is_none() && step.reads_backup() {
            let found = match self.source(&run.store, &run.backup).await {
                Err(StoreError::Missing { .. }) => Err(RestoreRefusal::MissingFile {
                    file: "the manifest".into(),
                }),
                other => other?,
            };
            match found {
                Ok(s) => *source = Some(s),
                Err(r) => return Ok(Next::Refused(r)),
            }
        }
        allowance.spend(step);
        match (step, source.as_ref()) {
            (RestoreStep::Verify { kind, key }, Some(src)) => {
                let bytes = read(&src.bucket, key).await?;
                let checked = match src.check.verify_file(*kind, bytes.as_deref(), &src.key) {
                    Ok(Verified::Theme(theme)) => {
                        self.theme_to_restore(&run.store, &theme).await?.map(|_| ())
                    }
                    Ok(Verified::Done) => Ok(()),
                    Err(r) => Err(r),
                };
                if let Err(r) = checked {
                    return Ok(Next::Refused(r));
                }
                run.verified(*kind, now).map_err(bad)?;
            }
            (RestoreStep::StartSafetyBackup, _) => {
                let id = self.begin_run(&run.store, BackupReason::BeforeRestore, now)?;
                run.safety_backup_started(id, now).map_err(bad)?;
            }
            (RestoreStep::FinishSafetyBackup { id }, _) => {
                let (done, pages) = self
                    .drive_backup_pages(allowance.backup_pages(), rid)
                    .await?;
                allowance.spend_backup(pages);
                if !done {
                    return Ok(Next::Yield);
                }
                run.safety_backup_taken(id, now).map_err(bad)?;
            }
            (RestoreStep::ApplyStore { keys, claim }, Some(src)) => {
                let mut files = Vec::with_capacity(3);
                for key in keys {
                    files.push(read(&src.bucket, key).await?);
                }
                let base = [0, 1, 2].map(|i| files.get(i).and_then(Option::as_deref));
                let (record, theme) = match src.check.read_base(base, &src.key) {
                    Ok((record, theme, _)) => (record, theme),
                    Err(r) => return Ok(Next::Refused(r)),
                };
                let (theme, body) = match self.theme_to_restore(&run.store, &theme).await? {
                    Ok(t) => t,
                    Err(r) => return Ok(Next::Refused(r)),
                };
                let entry = WriteEntry {
                    entry: RegistryEntry::from(&record),
                    claim: *claim,
                };
                match registry_client::ask(&self.env, entry, rid).await {
                    Ok(()) => {}
                    // A replay finds its own claim (once); any other refusal ends the run.
                    Err(AskError::Refused(refusal)) => {
                        let replayed = matches!(
                            refusal,
                            RegistryRefusal::SlugTaken { .. }
                                | RegistryRefusal::UnknownStore { .. }
                        ) && run.claim_refused(now).is_ok();
                        if replayed {
                            return Ok(Next::Continue);
                        }
                        return Ok(Next::Refused(RestoreRefusal::Registry(refusal.to_string())));
                    }
                    Err(e) => return Err(e.into()),
                }
                self.save_record(&record).map_err(internal)?;
                self.write_theme(&theme, body)?;
                let published = theme.published.as_ref().map(|v| v.version);
                run.store_applied(theme.versions.len() as u64, published, now)
                    .map_err(bad)?;
            }
            (
                RestoreStep::ApplyCarts {
                    kind,
                    key,
                    skip,
                    take,
                },
                Some(src),
            ) => {
                let bytes = read(&src.bucket, key).await?;
                let carts = match src
                    .check
                    .read_cart_page(*kind, bytes.as_deref(), *skip, *take)
                {
                    Ok(carts) => carts,
                    Err(r) => return Ok(Next::Refused(r)),
                };
                let page: Vec<(ShopperId, Vec<CartLine>)> =
                    carts.into_iter().map(|c| (c.shopper, c.lines)).collect();
                self.replace_carts(&run.store, &page, rid).await?;
                let mark = run.id.to_string();
                for (shopper, _) in &page {
                    self.mark_restored(shopper, &mark, now).map_err(internal)?;
                }
                let lines = page.iter().map(|(_, l)| l.len() as u64).sum();
                run.carts_applied(*kind, page.len() as u64, lines, now)
                    .map_err(bad)?;
            }
            (RestoreStep::ClearOthers { after, limit }, _) => {
                let page = self.cart_marks(after.as_ref(), *limit).map_err(internal)?;
                let clear: Vec<(ShopperId, Vec<CartLine>)> = run
                    .to_clear(&page)
                    .into_iter()
                    .map(|s| (s, Vec::new()))
                    .collect();
                self.replace_carts(&run.store, &clear, rid).await?;
                for (shopper, _) in &clear {
                    self.unindex(shopper).map_err(internal)?;
                }
                let listed: Vec<ShopperId> = page.into_iter().map(|(s, _)| s).collect();
                run.others_cleared(&listed, clear.len() as u64, now)
                    .map_err(bad)?;
            }
            (RestoreStep::Resync, _) => {
                *self.catalog.borrow_mut() = None;
                let catalog = match self.sync(RetryPolicy::background(), rid).await {
                    Ok(_) => "synced".to_owned(),
                    Err(e) => e.cause_code(),
                };
                run.resynced(catalog, now).map_err(bad)?;
            }
            (RestoreStep::Done, _) | (_, None) => {}
        }
        Ok(Next::Continue)
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
            .ok_or_else(|| StoreError::Missing {
                code: "backup_not_found".into(),
                message: format!("store {store} has no backup {backup}"),
            })?;
        Ok(
            RestoreCheck::from_manifest(&manifest, store, backup).map(|check| Source {
                bucket,
                check,
                key,
            }),
        )
    }

    /// The theme of the backup with its published body read from THEMES and checked.
    async fn theme_to_restore(
        &self,
        store: &StoreSlug,
        theme: &ThemeBackup,
    ) -> Result<Result<(ThemeToRestore, Option<String>), RestoreRefusal>, StoreError> {
        let theme = match ThemeToRestore::from_backup(theme) {
            Ok(t) => t,
            Err(r) => return Ok(Err(r)),
        };
        let body = match theme.body_key(store.as_str()) {
            Some(key) => {
                let themes = self.env.bucket("THEMES").map_err(r2_unavailable)?;
                read(&themes, &key).await?
            }
            None => None,
        };
        let body = match theme.accept_body(body) {
            Ok(b) => b,
            Err(r) => return Ok(Err(r)),
        };
        if let Some(text) = &body
            && let Err(e) = Theme::from_stored(text.as_bytes())
        {
            return Ok(Err(RestoreRefusal::ThemeUnreadable(e.to_string())));
        }
        Ok(Ok((theme, body)))
    }

    /// The history and pointer, in one transaction (the draft is left as it is).
    fn write_theme(&self, theme: &ThemeToRestore, body: Option<String>) -> Result<(), StoreError> {
        let mut rows = Vec::new();
        for v in &theme.versions {
            let json = serde_json::to_string(v).map_err(|e| StoreError::Internal {
                message: e.to_string(),
            })?;
            rows.push((sql::int(u64::from(v.version)).map_err(internal)?, json));
        }
        let version = match &theme.published {
            Some(v) => Some(sql::int(u64::from(v.version)).map_err(internal)?),
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
                vec![version.into(), body.into()],
            )
        })
        .map_err(internal)?;
        *self.published.borrow_mut() = None;
        Ok(())
    }

    /// Replaces each shopper's cart with its lines (empty clears it), 25 objects at a time.
    async fn replace_carts(
        &self,
        store: &StoreSlug,
        carts: &[(ShopperId, Vec<CartLine>)],
        rid: &str,
    ) -> Result<(), StoreError> {
        for batch in carts.chunks(25) {
            let asks = batch.iter().map(|(shopper, lines)| {
                let q = ReplaceCart {
                    lines: lines.clone(),
                };
                shopper_client::ask(&self.env, store, shopper, q, rid)
            });
            for answer in join_all(asks).await {
                answer.map_err(|e| StoreError::Internal {
                    message: format!("restoring a cart: {e:?}"),
                })?;
            }
        }
        Ok(())
    }
}

/// Logs a restore that ended (`outcome`: `restored` or the refusal's code).
fn log_restore(
    store: &StoreSlug,
    backup: &BackupId,
    outcome: &str,
    status: Option<&RestoreStatus>,
    rid: &str,
) {
    let event = RestoreLogged {
        store: store.to_string(),
        backup: backup.to_string(),
        outcome: outcome.to_owned(),
        safety_backup: status.and_then(|s| s.safety_backup.as_ref().map(ToString::to_string)),
        carts: status.map_or(0, |s| s.carts),
        cleared: status.map_or(0, |s| s.cleared),
    };
    worker::console_log!("{}", event.line(now_ms(), rid));
}

/// True when the stored run has written nothing (or is gone).
fn run_changed_nothing(s: &StoreState) -> bool {
    s.stored_restore()
        .ok()
        .flatten()
        .is_none_or(|r| r.changed_nothing())
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
