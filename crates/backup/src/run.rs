//! One store's backup as a resumable state machine, so a store with 100,000 carts is backed
//! up over many alarms or invocations, each within a Worker's limits.
//!
//! The shell (StoreConfig, which keeps the index of shoppers with a non-empty cart) drives it:
//!
//! 1. [`BackupRun::start`], store the run (it is `Serialize`) in the object's storage, set an
//!    alarm.
//! 2. On each alarm: load the run; while [`BackupRun::next_step`] is not [`Step::Done`] and
//!    the invocation's budget allows ([`pages_per_invocation`]), do the step's I/O and report
//!    it; save the run; set the next alarm unless done.
//!    - [`Step::WriteBase`]: build the record, theme and settings files with
//!      [`crate::contents::base_files`], put each at its key, then [`BackupRun::base_written`].
//!    - [`Step::CartPage`]: read up to `limit` shoppers after `after` from the index (ordered
//!      by shopper id), ask each shopper's object for its cart lines (one subrequest each),
//!      build the page with [`crate::contents::cart_file`], put it at `key` if there is one,
//!      then [`BackupRun::page_read`] with the shoppers listed.
//!    - [`Step::WriteManifest`]: put the manifest's JSON at `key` (only now is the backup
//!      listed), then [`BackupRun::manifest_written`].
//! 3. A run whose alarms stopped (a deleted store, a crash loop) is abandoned after
//!    [`ABANDON_AFTER_MS`]: its data files have no manifest, so it was never listed, and
//!    [`crate::retention::orphans`] finds them for deletion.
//!
//! Alarms are at-least-once: repeating a step writes the same key again with the data of the
//! moment, and the run records what the last write held, so a retried step is harmless.
//! Never run two steps of one run concurrently (an object's alarm handler does not overlap).

use crate::id::BackupId;
use crate::keys::{FileKind, file_key, manifest_key};
use crate::manifest::{BackupReason, Counts, FileEntry, Manifest, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};
use std::fmt;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;

/// Shoppers read per cart page by default: one subrequest each, plus the page's R2 put.
pub const DEFAULT_PAGE_SIZE: u32 = 200;
/// The most shoppers a page may ask for.
pub const MAX_PAGE_SIZE: u32 = 900;
/// Subrequests one Worker invocation may make (Workers Paid).
pub const SUBREQUEST_LIMIT: u32 = 1000;
/// Subrequests kept back per invocation for the shell's own calls (logging, storage, alarm).
pub const SUBREQUEST_RESERVE: u32 = 50;
/// A run not finished this long after it started is abandoned.
pub const ABANDON_AFTER_MS: u64 = 6 * 60 * 60 * 1000;

/// Where a run is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
enum Phase {
    Base,
    Carts {
        after: Option<ShopperId>,
        next_page: u32,
    },
    Manifest,
    Done {
        completed_ms: u64,
    },
}

/// A backup in progress. Store it between invocations (serde).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRun {
    pub id: BackupId,
    pub store: StoreSlug,
    pub reason: BackupReason,
    pub started_ms: u64,
    page_size: u32,
    phase: Phase,
    files: Vec<FileEntry>,
    counts: Counts,
    last_write_ms: u64,
}

/// What the shell does next for a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Write `store.ndjson`, `theme.ndjson` and `settings.ndjson` (keys from
    /// [`BackupRun::base_keys`]).
    WriteBase,
    /// Read a page of shoppers with carts and write their carts.
    CartPage {
        /// Index entries strictly after this shopper id (`None`: from the start).
        after: Option<ShopperId>,
        /// How many shoppers to read from the index.
        limit: u32,
        /// The cart file's page number, for [`crate::contents::cart_file`].
        page: u32,
        /// Where to put the page's file, if it has carts.
        key: String,
    },
    /// Put `manifest` (as [`Manifest::to_json`]) at `key`: the backup becomes visible.
    WriteManifest { key: String, manifest: Manifest },
    /// Nothing left; the run can be dropped from storage.
    Done,
}

/// A report that does not fit the run's current step (a bug or a stale replay in the shell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// The report is for another step than the one the run waits for.
    UnexpectedReport { expected: &'static str },
    /// A file reported for another file than the step asked for.
    WrongFile { expected: String, got: String },
    /// More shoppers reported than the page's limit, or not after the cursor in order.
    BadPage(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::UnexpectedReport { expected } => {
                write!(
                    f,
                    "backup run reported out of order; it waits for {expected}"
                )
            }
            RunError::WrongFile { expected, got } => {
                write!(f, "backup run expected file {expected}, got {got}")
            }
            RunError::BadPage(m) => write!(f, "backup run got a bad cart page: {m}"),
        }
    }
}

/// How many cart pages of `page_size` shoppers fit one invocation's subrequests (at least 1).
pub fn pages_per_invocation(page_size: u32) -> u32 {
    let per_page = page_size.clamp(1, MAX_PAGE_SIZE) + 1;
    ((SUBREQUEST_LIMIT - SUBREQUEST_RESERVE) / per_page).max(1)
}

/// What StoreConfig's alarm continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmWork {
    /// The restore under way (it drives its own safety backup).
    Restore,
    /// The backup run, with at most this many cart pages.
    Backup { pages: u32 },
}

impl AlarmWork {
    /// A restore under way goes first (backups wait for it); else the backup run, within one
    /// invocation's subrequests at the default page size.
    pub fn choose(restore_under_way: bool) -> Self {
        if restore_under_way {
            AlarmWork::Restore
        } else {
            let pages = pages_per_invocation(DEFAULT_PAGE_SIZE);
            AlarmWork::Backup { pages }
        }
    }
}

impl BackupRun {
    /// A new run; `page_size` is clamped to 1..=[`MAX_PAGE_SIZE`].
    pub fn start(
        store: StoreSlug,
        id: BackupId,
        reason: BackupReason,
        now_ms: u64,
        page_size: u32,
    ) -> BackupRun {
        BackupRun {
            id,
            store,
            reason,
            started_ms: now_ms,
            page_size: page_size.clamp(1, MAX_PAGE_SIZE),
            phase: Phase::Base,
            files: Vec::new(),
            counts: Counts::default(),
            last_write_ms: now_ms,
        }
    }

    /// The next thing to do.
    pub fn next_step(&self) -> Step {
        match &self.phase {
            Phase::Base => Step::WriteBase,
            Phase::Carts { after, next_page } => Step::CartPage {
                after: after.clone(),
                limit: self.page_size,
                page: *next_page,
                key: file_key(&self.store, &self.id, FileKind::Carts(*next_page)),
            },
            Phase::Manifest => Step::WriteManifest {
                key: manifest_key(&self.store, &self.id),
                manifest: Manifest {
                    schema_version: SCHEMA_VERSION,
                    backup_id: self.id.clone(),
                    store: self.store.clone(),
                    reason: self.reason,
                    created_ms: self.started_ms,
                    completed_ms: self.last_write_ms,
                    counts: self.counts,
                    files: self.files.clone(),
                },
            },
            Phase::Done { .. } => Step::Done,
        }
    }

    /// The keys of the three base files, in the order [`crate::contents::base_files`] makes them.
    pub fn base_keys(&self) -> [String; 3] {
        [FileKind::Store, FileKind::Theme, FileKind::Settings]
            .map(|k| file_key(&self.store, &self.id, k))
    }

    /// The base files were put in R2 (`entries` in the order of [`BackupRun::base_keys`]);
    /// `theme_versions` is [`crate::contents::BaseFiles::theme_versions`].
    pub fn base_written(
        &mut self,
        entries: [FileEntry; 3],
        theme_versions: u64,
        now_ms: u64,
    ) -> Result<(), RunError> {
        if self.phase != Phase::Base {
            return Err(RunError::UnexpectedReport {
                expected: self.expecting(),
            });
        }
        for (entry, kind) in
            entries
                .iter()
                .zip([FileKind::Store, FileKind::Theme, FileKind::Settings])
        {
            if entry.name != kind.file_name() {
                return Err(RunError::WrongFile {
                    expected: kind.file_name(),
                    got: entry.name.clone(),
                });
            }
        }
        let [store, theme, settings] = entries;
        self.counts.theme_versions = theme_versions;
        self.record_file(store);
        self.record_file(theme);
        self.record_file(settings);
        self.last_write_ms = now_ms;
        self.phase = Phase::Carts {
            after: None,
            next_page: 1,
        };
        Ok(())
    }

    /// A cart page was handled: `listed` are the shoppers the index returned (in order), and
    /// `written` the page's file with its cart line count, if any cart was non-empty.
    pub fn page_read(
        &mut self,
        listed: &[ShopperId],
        written: Option<(FileEntry, u64)>,
        now_ms: u64,
    ) -> Result<(), RunError> {
        let Phase::Carts { after, next_page } = self.phase.clone() else {
            return Err(RunError::UnexpectedReport {
                expected: self.expecting(),
            });
        };
        if listed.len() as u64 > u64::from(self.page_size) {
            return Err(RunError::BadPage(format!(
                "{} shoppers for a page of {}",
                listed.len(),
                self.page_size
            )));
        }
        let mut previous = after.as_ref().map(ShopperId::as_str);
        for s in listed {
            if previous.is_some_and(|p| p >= s.as_str()) {
                return Err(RunError::BadPage(
                    "shoppers are not in increasing order after the cursor".into(),
                ));
            }
            previous = Some(s.as_str());
        }
        let mut page = next_page;
        if let Some((entry, cart_lines)) = written {
            let expected = FileKind::Carts(page).file_name();
            if entry.name != expected {
                return Err(RunError::WrongFile {
                    expected,
                    got: entry.name,
                });
            }
            self.counts.carts += entry.lines;
            self.counts.cart_lines += cart_lines;
            self.record_file(entry);
            self.last_write_ms = now_ms;
            page += 1;
        }
        let last = listed.last().cloned().or(after);
        self.phase = if (listed.len() as u64) < u64::from(self.page_size) {
            Phase::Manifest
        } else {
            Phase::Carts {
                after: last,
                next_page: page,
            }
        };
        Ok(())
    }

    /// The manifest was put: the backup is complete.
    pub fn manifest_written(&mut self, now_ms: u64) -> Result<(), RunError> {
        if self.phase != Phase::Manifest {
            return Err(RunError::UnexpectedReport {
                expected: self.expecting(),
            });
        }
        self.phase = Phase::Done {
            completed_ms: now_ms,
        };
        Ok(())
    }

    /// True once the manifest is written.
    pub fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done { .. })
    }

    /// True when the run should be given up (see [`ABANDON_AFTER_MS`]).
    pub fn is_abandoned(&self, now_ms: u64) -> bool {
        !self.is_done() && now_ms.saturating_sub(self.started_ms) >= ABANDON_AFTER_MS
    }

    /// The files written so far.
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    fn record_file(&mut self, entry: FileEntry) {
        self.counts.files += 1;
        self.counts.bytes += entry.bytes;
        self.files.push(entry);
    }

    fn expecting(&self) -> &'static str {
        match self.phase {
            Phase::Base => "the base files",
            Phase::Carts { .. } => "a cart page",
            Phase::Manifest => "the manifest",
            Phase::Done { .. } => "nothing (it is done)",
        }
    }
}
