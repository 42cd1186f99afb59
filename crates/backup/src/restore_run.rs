//! A restore as a resumable state machine, so a store with 100,000 carts is restored over
//! many invocations (the request that starts it, then the object's alarms) within a Worker's
//! limits, and nothing is changed unless every file passed.
//!
//! Order: verify every file (no write at all; a refusal ends the run here) → take a backup
//! of the current state (reason `before_restore`, so the restore can be undone; skipped when
//! the store does not exist) → write the record (and its registry entry), theme pointer and
//! history → write the carts, `page_size` at a time → clear the carts of indexed shoppers
//! the restore did not write → resync the catalog → done.
//!
//! The shell (StoreConfig) stores the run (serde) in its SQLite after every step and drives
//! it while [`Allowance::allows`] the next step; what is left continues on the object's
//! alarm ([`NEXT_INVOCATION_MS`] later, [`RETRY_AFTER_MS`] after a failed step). Steps are
//! idempotent, so an alarm retried after a crash repeats at most the step it was in. Each
//! step re-creates the [`RestoreCheck`] from the manifest (one R2 get) and re-checks the file
//! it reads, so a file changed after verification is refused, not written. Writing a cart
//! marks the shopper's index entry with the run's id; [`RestoreStep::ClearOthers`] pages
//! through the index and [`RestoreRun::to_clear`] picks the entries without the mark.

use crate::id::BackupId;
use crate::keys::{FileKind, file_key};
use crate::restore::{RestoreCheck, RestoreRefusal};
use crate::run::{
    ABANDON_AFTER_MS, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SUBREQUEST_LIMIT, SUBREQUEST_RESERVE,
};
use serde::{Deserialize, Serialize};
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_registry::Claim;

/// Pages (carts written, index entries cleared, or a safety backup's cart pages) one
/// invocation handles at most: 4 × 201 subrequests at the default page size fit
/// [`SUBREQUEST_LIMIT`] − [`SUBREQUEST_RESERVE`]; smaller pages make shorter invocations.
pub const PAGES_PER_INVOCATION: u32 = 4;
/// Subrequests kept for the catalog's resync (Shopify pages).
pub const RESYNC_SUBREQUESTS: u32 = 50;
/// The pause before the next invocation of a run that is not done.
pub const NEXT_INVOCATION_MS: u64 = 1_000;
/// The pause before a failed step is tried again.
pub const RETRY_AFTER_MS: u64 = 60_000;
/// Subrequests of one cart page of a backup (its shoppers and the file's put).
const BACKUP_PAGE_SUBREQUESTS: u32 = DEFAULT_PAGE_SIZE + 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
enum Phase {
    Verify { next: usize },
    SafetyBackup { started: Option<BackupId> },
    ApplyStore,
    ApplyCarts { file: usize, skip: u64 },
    ClearOthers { after: Option<ShopperId> },
    Resync,
    Done,
}

impl Phase {
    fn name(&self) -> &'static str {
        match self {
            Phase::Verify { .. } => "verify",
            Phase::SafetyBackup { .. } => "safety_backup",
            Phase::ApplyStore => "apply_store",
            Phase::ApplyCarts { .. } => "apply_carts",
            Phase::ClearOthers { .. } => "clear_others",
            Phase::Resync => "resync",
            Phase::Done => "done",
        }
    }
}

/// A file of the backup: its name and line count (from the manifest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Listed {
    name: String,
    lines: u64,
}

/// Where a restore stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoreState {
    /// Still going (in the request that started it, or on the object's alarm).
    Running,
    /// Everything was written back.
    Restored,
    /// A file failed its check: if `safety_backup` is null nothing was changed, else the
    /// run stopped part-way and that backup undoes it.
    Refused,
    /// No progress for [`ABANDON_AFTER_MS`]: given up (a new restore may start).
    Failed,
}

/// Why a restore stopped, or the last failed attempt of a running one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreProblem {
    pub code: String,
    pub message: String,
}

/// A restore as the admin API shows it (the answer of the request that starts one and of
/// the status route).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreStatus {
    /// The restore's own id (the format of backup ids).
    pub run: BackupId,
    pub store: StoreSlug,
    pub backup: BackupId,
    pub status: RestoreState,
    /// `verify`, `safety_backup`, `apply_store`, `apply_carts`, `clear_others`, `resync`,
    /// `done`.
    pub phase: String,
    pub started_ms: u64,
    pub updated_ms: u64,
    /// The backup taken just before (`None`: there was no store to back up, or not yet).
    pub safety_backup: Option<BackupId>,
    /// The registry entry was claimed again (the store had been deleted).
    pub reclaimed: bool,
    pub files: u64,
    pub files_verified: u64,
    pub theme_versions: u64,
    pub published_theme: Option<u32>,
    /// Carts written so far, of `carts_total` in the backup.
    pub carts: u64,
    pub carts_total: u64,
    pub cart_lines: u64,
    /// Carts emptied because the backup did not hold them.
    pub cleared: u64,
    /// The catalog's resync: `synced`, or the cause it failed with (the restore stands).
    pub catalog: Option<String>,
    /// Why it stopped (refused, failed), or the last failed attempt while running.
    pub error: Option<RestoreProblem>,
}

/// A restore in progress (or the last one). Store it between invocations (serde).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRun {
    pub id: BackupId,
    pub store: StoreSlug,
    pub backup: BackupId,
    pub started_ms: u64,
    updated_ms: u64,
    files: Vec<Listed>,
    existed: bool,
    claim: Claim,
    page_size: u32,
    phase: Phase,
    safety_backup: Option<BackupId>,
    theme_versions: u64,
    published_theme: Option<u32>,
    carts: u64,
    cart_lines: u64,
    cleared: u64,
    catalog: Option<String>,
    refused: Option<RestoreProblem>,
    last_error: Option<RestoreProblem>,
    /// The run has reached the writes (the store's data may have changed).
    writing: bool,
}

/// What the shell does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreStep {
    /// Get `key` and check it with the [`RestoreCheck`] (`read_record`, `read_theme` and
    /// the theme body it points to, `read_settings` or `read_carts` by kind); report
    /// [`RestoreRun::verified`] or [`RestoreRun::refused`].
    Verify { kind: FileKind, key: String },
    /// Start a backup of the store as it is now (reason `before_restore`), then
    /// [`RestoreRun::safety_backup_started`].
    StartSafetyBackup,
    /// Drive that backup with up to [`Allowance::backup_pages`] cart pages (report them with
    /// [`Allowance::spend_backup`]); when it is complete, [`RestoreRun::safety_backup_taken`],
    /// else go on in the next invocation.
    FinishSafetyBackup { id: BackupId },
    /// Read the base files again; write the registry entry with `claim`, the record, the
    /// theme pointer and history; then [`RestoreRun::store_applied`] (or
    /// [`RestoreRun::claim_refused`] when the registry refuses the claim).
    ApplyStore { keys: [String; 3], claim: Claim },
    /// Read this cart file again and replace the carts `skip..skip + take` (marking each
    /// index entry with the run's id); then [`RestoreRun::carts_applied`].
    ApplyCarts {
        kind: FileKind,
        key: String,
        skip: u64,
        take: u64,
    },
    /// List up to `limit` index entries after `after`; empty the carts of
    /// [`RestoreRun::to_clear`]; then [`RestoreRun::others_cleared`].
    ClearOthers {
        after: Option<ShopperId>,
        limit: u32,
    },
    /// Sync the catalog from Shopify; then [`RestoreRun::resynced`].
    Resync,
    /// Finished: see [`RestoreRun::status`].
    Done,
}

impl RestoreStep {
    /// The subrequests the step makes at most (R2 gets, registry and shopper object calls).
    pub fn subrequests(&self) -> u32 {
        match self {
            RestoreStep::Verify { .. } => 2,
            RestoreStep::StartSafetyBackup | RestoreStep::Done => 0,
            RestoreStep::FinishSafetyBackup { .. } => BACKUP_PAGE_SUBREQUESTS + 4,
            RestoreStep::ApplyStore { .. } => 5,
            RestoreStep::ApplyCarts { take, .. } => 1 + u32::try_from(*take).unwrap_or(u32::MAX),
            RestoreStep::ClearOthers { limit, .. } => *limit,
            RestoreStep::Resync => RESYNC_SUBREQUESTS,
        }
    }

    /// Whether the step reads the backup (its manifest and files).
    pub fn reads_backup(&self) -> bool {
        matches!(
            self,
            RestoreStep::Verify { .. }
                | RestoreStep::ApplyStore { .. }
                | RestoreStep::ApplyCarts { .. }
        )
    }

    /// The pages the step counts against [`PAGES_PER_INVOCATION`].
    pub fn pages(&self) -> u32 {
        match self {
            RestoreStep::FinishSafetyBackup { .. }
            | RestoreStep::ApplyCarts { .. }
            | RestoreStep::ClearOthers { .. } => 1,
            _ => 0,
        }
    }
}

/// What one invocation may still spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    subrequests: u32,
    pages: u32,
    steps: u32,
}

impl Allowance {
    /// A fresh invocation's allowance.
    pub fn per_invocation() -> Allowance {
        Allowance {
            subrequests: SUBREQUEST_LIMIT - SUBREQUEST_RESERVE,
            pages: PAGES_PER_INVOCATION,
            steps: 0,
        }
    }

    /// Whether `step` fits what is left (the first step of an invocation always does, so a
    /// run always moves).
    pub fn allows(&self, step: &RestoreStep) -> bool {
        if matches!(step, RestoreStep::Done) {
            return false;
        }
        self.steps == 0 || (step.subrequests() <= self.subrequests && step.pages() <= self.pages)
    }

    /// Cart pages a safety backup may use now (at least 1).
    pub fn backup_pages(&self) -> u32 {
        let by_subrequests = self.subrequests.saturating_sub(4) / BACKUP_PAGE_SUBREQUESTS;
        by_subrequests.min(self.pages).max(1)
    }

    /// A [`RestoreStep::FinishSafetyBackup`] used `pages` cart pages.
    pub fn spend_backup(&mut self, pages: u32) {
        let subrequests = pages.saturating_mul(BACKUP_PAGE_SUBREQUESTS) + 4;
        self.subrequests = self.subrequests.saturating_sub(subrequests);
        self.pages = self.pages.saturating_sub(pages);
        self.steps += 1;
    }

    /// `step` was done.
    pub fn spend(&mut self, step: &RestoreStep) {
        self.subrequests = self.subrequests.saturating_sub(step.subrequests());
        self.pages = self.pages.saturating_sub(step.pages());
        self.steps += 1;
    }
}

/// A report that does not fit the current step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfOrder;

impl std::fmt::Display for OutOfOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("restore run reported out of order")
    }
}

impl RestoreRun {
    /// Starts restore `id` of a backup whose manifest passed [`RestoreCheck::from_manifest`].
    /// `existed`: the store has a record now (it gets a safety backup and keeps its registry
    /// entry; else the entry is claimed again). `page_size` is clamped to 1..=[`MAX_PAGE_SIZE`].
    pub fn start(
        id: BackupId,
        check: &RestoreCheck,
        existed: bool,
        page_size: u32,
        now_ms: u64,
    ) -> RestoreRun {
        let m = check.manifest();
        RestoreRun {
            id,
            store: m.store.clone(),
            backup: m.backup_id.clone(),
            started_ms: now_ms,
            updated_ms: now_ms,
            files: m
                .files
                .iter()
                .map(|f| Listed {
                    name: f.name.clone(),
                    lines: f.lines,
                })
                .collect(),
            existed,
            claim: if existed {
                Claim::Update
            } else {
                Claim::Create
            },
            page_size: page_size.clamp(1, MAX_PAGE_SIZE),
            phase: Phase::Verify { next: 0 },
            safety_backup: None,
            theme_versions: 0,
            published_theme: None,
            carts: 0,
            cart_lines: 0,
            cleared: 0,
            catalog: None,
            refused: None,
            last_error: None,
            writing: false,
        }
    }

    fn kind(&self, i: usize) -> Option<FileKind> {
        self.files.get(i).and_then(|f| FileKind::parse(&f.name))
    }

    /// The cart files (kind and carts), in the manifest's order.
    fn cart_files(&self) -> Vec<(FileKind, u64)> {
        self.files
            .iter()
            .filter_map(|f| FileKind::parse(&f.name).map(|k| (k, f.lines)))
            .filter(|(k, _)| matches!(k, FileKind::Carts(_)))
            .collect()
    }

    fn key(&self, kind: FileKind) -> String {
        file_key(&self.store, &self.backup, kind)
    }

    pub fn next_step(&self) -> RestoreStep {
        match &self.phase {
            Phase::Verify { next } => match self.kind(*next) {
                Some(kind) => RestoreStep::Verify {
                    kind,
                    key: self.key(kind),
                },
                None => RestoreStep::StartSafetyBackup,
            },
            Phase::SafetyBackup { started: None } => RestoreStep::StartSafetyBackup,
            Phase::SafetyBackup { started: Some(id) } => {
                RestoreStep::FinishSafetyBackup { id: id.clone() }
            }
            Phase::ApplyStore => RestoreStep::ApplyStore {
                keys: [FileKind::Store, FileKind::Theme, FileKind::Settings].map(|k| self.key(k)),
                claim: self.claim,
            },
            Phase::ApplyCarts { file, skip } => match self.cart_files().get(*file) {
                Some((kind, lines)) => RestoreStep::ApplyCarts {
                    kind: *kind,
                    key: self.key(*kind),
                    skip: *skip,
                    take: lines
                        .saturating_sub(*skip)
                        .min(u64::from(self.page_size))
                        .max(1),
                },
                None => self.clear_step(None),
            },
            Phase::ClearOthers { after } => self.clear_step(after.clone()),
            Phase::Resync => RestoreStep::Resync,
            Phase::Done => RestoreStep::Done,
        }
    }

    fn clear_step(&self, after: Option<ShopperId>) -> RestoreStep {
        RestoreStep::ClearOthers {
            after,
            limit: self.page_size,
        }
    }

    fn moved(&mut self, phase: Phase, now_ms: u64) {
        self.writing |= phase == Phase::ApplyStore;
        self.phase = phase;
        self.updated_ms = now_ms;
        self.last_error = None;
    }

    /// The file of the current [`RestoreStep::Verify`] passed.
    pub fn verified(&mut self, kind: FileKind, now_ms: u64) -> Result<(), OutOfOrder> {
        let Phase::Verify { next } = self.phase else {
            return Err(OutOfOrder);
        };
        if self.kind(next) != Some(kind) {
            return Err(OutOfOrder);
        }
        let phase = if next + 1 < self.files.len() {
            Phase::Verify { next: next + 1 }
        } else if self.existed {
            Phase::SafetyBackup { started: None }
        } else {
            Phase::ApplyStore
        };
        self.moved(phase, now_ms);
        Ok(())
    }

    /// A file failed its check: the run ends. While verifying nothing was changed; later (a
    /// file changed after verification) the safety backup undoes what was written.
    pub fn refused(&mut self, refusal: &RestoreRefusal, now_ms: u64) {
        self.refused = Some(RestoreProblem {
            code: refusal.code().to_owned(),
            message: refusal.to_string(),
        });
        self.moved(Phase::Done, now_ms);
    }

    /// The safety backup `id` was started (and is stored as the object's backup run).
    pub fn safety_backup_started(&mut self, id: BackupId, now_ms: u64) -> Result<(), OutOfOrder> {
        let ready = matches!(self.phase, Phase::SafetyBackup { started: None })
            || matches!(self.phase, Phase::Verify { next } if next >= self.files.len());
        if !ready || !self.existed {
            return Err(OutOfOrder);
        }
        self.moved(Phase::SafetyBackup { started: Some(id) }, now_ms);
        Ok(())
    }

    /// The safety backup is complete (its manifest is written).
    pub fn safety_backup_taken(&mut self, id: &BackupId, now_ms: u64) -> Result<(), OutOfOrder> {
        if !matches!(&self.phase, Phase::SafetyBackup { started: Some(s) } if s == id) {
            return Err(OutOfOrder);
        }
        self.safety_backup = Some(id.clone());
        self.moved(Phase::ApplyStore, now_ms);
        Ok(())
    }

    /// The registry refused the claim: a replayed step already claimed (or a failed one had
    /// not); the next attempt claims the other way. A second refusal in a row is an error.
    pub fn claim_refused(&mut self, now_ms: u64) -> Result<(), OutOfOrder> {
        if self.phase != Phase::ApplyStore || self.claim != self.first_claim() {
            return Err(OutOfOrder);
        }
        self.claim = match self.claim {
            Claim::Create => Claim::Update,
            Claim::Update => Claim::Create,
        };
        self.updated_ms = now_ms;
        Ok(())
    }

    fn first_claim(&self) -> Claim {
        if self.existed {
            Claim::Update
        } else {
            Claim::Create
        }
    }

    /// The record, registry entry and theme were written.
    pub fn store_applied(
        &mut self,
        theme_versions: u64,
        published_theme: Option<u32>,
        now_ms: u64,
    ) -> Result<(), OutOfOrder> {
        if self.phase != Phase::ApplyStore {
            return Err(OutOfOrder);
        }
        self.theme_versions = theme_versions;
        self.published_theme = published_theme;
        self.moved(Phase::ApplyCarts { file: 0, skip: 0 }, now_ms);
        Ok(())
    }

    /// The carts of the current [`RestoreStep::ApplyCarts`] were written: `carts` of them
    /// with `lines` lines.
    pub fn carts_applied(
        &mut self,
        kind: FileKind,
        carts: u64,
        lines: u64,
        now_ms: u64,
    ) -> Result<(), OutOfOrder> {
        let Phase::ApplyCarts { file, skip } = self.phase else {
            return Err(OutOfOrder);
        };
        let Some((expected, total)) = self.cart_files().get(file).copied() else {
            return Err(OutOfOrder);
        };
        if expected != kind || carts > u64::from(self.page_size) {
            return Err(OutOfOrder);
        }
        self.carts += carts;
        self.cart_lines += lines;
        let skip = skip + carts;
        let phase = if carts == 0 || skip >= total {
            Phase::ApplyCarts {
                file: file + 1,
                skip: 0,
            }
        } else {
            Phase::ApplyCarts { file, skip }
        };
        self.moved(phase, now_ms);
        Ok(())
    }

    /// Of a page of index entries (shopper, the restore that last wrote its cart), the
    /// shoppers whose carts this restore did not write: they are emptied.
    pub fn to_clear(&self, page: &[(ShopperId, Option<String>)]) -> Vec<ShopperId> {
        let mine = self.id.to_string();
        page.iter()
            .filter(|(_, mark)| mark.as_deref() != Some(mine.as_str()))
            .map(|(s, _)| s.clone())
            .collect()
    }

    /// A page of the index was handled: `listed` in order, `cleared` of them emptied.
    pub fn others_cleared(
        &mut self,
        listed: &[ShopperId],
        cleared: u64,
        now_ms: u64,
    ) -> Result<(), OutOfOrder> {
        let after = match &self.phase {
            Phase::ClearOthers { after } => after.clone(),
            Phase::ApplyCarts { file, .. } if *file >= self.cart_files().len() => None,
            _ => return Err(OutOfOrder),
        };
        if listed.len() as u64 > u64::from(self.page_size) {
            return Err(OutOfOrder);
        }
        self.cleared += cleared;
        let phase = if (listed.len() as u64) < u64::from(self.page_size) {
            Phase::Resync
        } else {
            Phase::ClearOthers {
                after: listed.last().cloned().or(after),
            }
        };
        self.moved(phase, now_ms);
        Ok(())
    }

    /// The catalog's resync ended (`synced` or its failure's cause; the restore stands).
    pub fn resynced(&mut self, catalog: String, now_ms: u64) -> Result<(), OutOfOrder> {
        if self.phase != Phase::Resync {
            return Err(OutOfOrder);
        }
        self.catalog = Some(catalog);
        self.moved(Phase::Done, now_ms);
        Ok(())
    }

    /// A step failed (storage, an object, R2): the run stays where it is and is tried again
    /// [`RETRY_AFTER_MS`] later; the status shows the problem meanwhile.
    pub fn attempt_failed(&mut self, code: &str, message: String) {
        self.last_error = Some(RestoreProblem {
            code: code.to_owned(),
            message,
        });
    }

    /// True once done (restored or refused).
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// True while nothing has been written (verifying, or refused while verifying).
    pub fn changed_nothing(&self) -> bool {
        !self.writing
    }

    /// Whether a restore is under way: an invocation is driving one (`driving`), else the
    /// stored run (read with `stored` only then) keeps a new one from starting. A stored run
    /// that cannot be read counts as none: backups and the alarm go on, and the restore's
    /// status route reports the failure.
    pub fn under_way<E>(
        driving: bool,
        stored: impl FnOnce() -> Result<Option<RestoreRun>, E>,
        now_ms: u64,
    ) -> bool {
        driving
            || stored()
                .ok()
                .flatten()
                .is_some_and(|r| r.blocks_new(now_ms))
    }

    /// Whether this run keeps a new restore of the store from starting: it is running and
    /// not stalled.
    pub fn blocks_new(&self, now_ms: u64) -> bool {
        !self.is_done() && !self.is_stalled(now_ms)
    }

    /// The refusal the request that started the run answers: a file failed its check before
    /// anything was written (later refusals show in the status).
    pub fn refused_before_writing(&self) -> Option<&RestoreProblem> {
        self.refused.as_ref().filter(|_| !self.writing)
    }

    /// Running but without progress for [`ABANDON_AFTER_MS`]: a new restore may replace it.
    pub fn is_stalled(&self, now_ms: u64) -> bool {
        !self.is_done() && now_ms.saturating_sub(self.updated_ms) >= ABANDON_AFTER_MS
    }

    /// The run as the admin API shows it.
    pub fn status(&self, now_ms: u64) -> RestoreStatus {
        let status = if self.refused.is_some() {
            RestoreState::Refused
        } else if self.is_done() {
            RestoreState::Restored
        } else if self.is_stalled(now_ms) {
            RestoreState::Failed
        } else {
            RestoreState::Running
        };
        let files_verified = match self.phase {
            Phase::Verify { next } => next as u64,
            _ if self.refused.is_some() && !self.writing => 0,
            _ => self.files.len() as u64,
        };
        RestoreStatus {
            run: self.id.clone(),
            store: self.store.clone(),
            backup: self.backup.clone(),
            status,
            phase: self.phase.name().to_owned(),
            started_ms: self.started_ms,
            updated_ms: self.updated_ms,
            safety_backup: self.safety_backup.clone(),
            reclaimed: !self.existed,
            files: self.files.len() as u64,
            files_verified,
            theme_versions: self.theme_versions,
            published_theme: self.published_theme,
            carts: self.carts,
            carts_total: self.cart_files().iter().map(|(_, n)| n).sum(),
            cart_lines: self.cart_lines,
            cleared: self.cleared,
            catalog: self.catalog.clone(),
            error: self.refused.clone().or_else(|| self.last_error.clone()),
        }
    }
}

impl RestoreStatus {
    /// Finished one way or another (restored, refused, failed).
    pub fn is_finished(&self) -> bool {
        self.status != RestoreState::Running
    }
}

#[path = "restore_report.rs"]
mod report;
pub use report::{CartWrite, IndexWrite, Report, StepOutcome, manifest_gone, refused_at_start};

#[cfg(test)]
#[path = "restore_run_tests.rs"]
mod tests;
