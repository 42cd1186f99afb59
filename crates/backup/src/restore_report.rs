//! What the shell reports back to a [`RestoreRun`] after a step's I/O, as one value, and the
//! decisions around the steps that are not about a backup file: which index entries a page
//! clears, when the registry's refusal is a replay, what the log line says, and whether a
//! failed first invocation leaves anything to keep.

use super::{OutOfOrder, RestoreRun, RestoreStep};
use crate::id::BackupId;
use crate::keys::FileKind;
use crate::restore::RestoreRefusal;
use wandstore_core::backup_events::RestoreLogged;
use wandstore_core::cart::CartLine;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_registry::RegistryRefusal;

/// A step that was done, reported with [`RestoreRun::report`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A [`RestoreStep::Verify`]'s file passed.
    Verified(FileKind),
    /// The safety backup was stored as the object's backup run.
    SafetyBackupStarted(BackupId),
    /// The safety backup's manifest is written.
    SafetyBackupTaken(BackupId),
    /// The record, registry entry and theme were written.
    StoreApplied {
        theme_versions: u64,
        published: Option<u32>,
    },
    /// The carts of a [`RestoreStep::ApplyCarts`] were written.
    CartsApplied {
        kind: FileKind,
        carts: u64,
        lines: u64,
    },
    /// A page of the index was handled: `listed` in order, `cleared` of them emptied.
    OthersCleared {
        listed: Vec<ShopperId>,
        cleared: u64,
    },
    /// The catalog's resync ended (`synced` or its failure's cause).
    Resynced(String),
}

/// How a step of an invocation ended, recorded with [`RestoreRun::record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// Done: move the run on.
    Done(Report),
    /// A file failed its check: the run ends.
    Refused(RestoreRefusal),
    /// The registry refused the store's entry (see [`RestoreRun::registry_refused`]).
    Registry(RegistryRefusal),
    /// Not finished in this invocation (a safety backup's pages): the next one goes on.
    Yield,
}

/// Carts to replace (each shopper's object; empty lines clear a cart), what then happens to
/// each shopper's index entry, and the report once all is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartWrite {
    pub carts: Vec<(ShopperId, Vec<CartLine>)>,
    pub index: IndexWrite,
    pub report: Report,
}

/// What a [`CartWrite`] does to the index entries of its shoppers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexWrite {
    /// Index them, marked with this restore's id (their carts came from the backup).
    Mark(String),
    /// Drop them (their carts were emptied).
    Drop,
}

impl RestoreStep {
    /// The BACKUPS keys the step reads, in the order [`RestoreStep`] names them (none for a
    /// step that reads no backup file).
    pub fn backup_keys(&self) -> Vec<String> {
        match self {
            RestoreStep::Verify { key, .. } | RestoreStep::ApplyCarts { key, .. } => {
                vec![key.clone()]
            }
            RestoreStep::ApplyStore { keys, .. } => keys.to_vec(),
            _ => Vec::new(),
        }
    }
}

impl RestoreRun {
    /// Moves the run on by what the step did.
    pub fn report(&mut self, report: Report, now_ms: u64) -> Result<(), OutOfOrder> {
        match report {
            Report::Verified(kind) => self.verified(kind, now_ms),
            Report::SafetyBackupStarted(id) => self.safety_backup_started(id, now_ms),
            Report::SafetyBackupTaken(id) => self.safety_backup_taken(&id, now_ms),
            Report::StoreApplied {
                theme_versions,
                published,
            } => self.store_applied(theme_versions, published, now_ms),
            Report::CartsApplied { kind, carts, lines } => {
                self.carts_applied(kind, carts, lines, now_ms)
            }
            Report::OthersCleared { listed, cleared } => {
                self.others_cleared(&listed, cleared, now_ms)
            }
            Report::Resynced(catalog) => self.resynced(catalog, now_ms),
        }
    }

    /// Records a step's outcome; whether the invocation goes on to the next step.
    pub fn record(&mut self, outcome: StepOutcome, now_ms: u64) -> Result<bool, OutOfOrder> {
        match outcome {
            StepOutcome::Done(report) => self.report(report, now_ms)?,
            StepOutcome::Refused(r) => self.refused(&r, now_ms),
            StepOutcome::Registry(refusal) => {
                if let Some(r) = self.registry_refused(&refusal, now_ms) {
                    self.refused(&r, now_ms);
                }
            }
            StepOutcome::Yield => return Ok(false),
        }
        Ok(true)
    }

    /// Of a page of index entries (shopper, the restore that last wrote its cart), the carts
    /// to empty and drop from the index.
    pub fn clear_plan(&self, page: Vec<(ShopperId, Option<String>)>) -> CartWrite {
        let clear = self.to_clear(&page);
        CartWrite {
            report: Report::OthersCleared {
                listed: page.into_iter().map(|(s, _)| s).collect(),
                cleared: clear.len() as u64,
            },
            carts: clear.into_iter().map(|s| (s, Vec::new())).collect(),
            index: IndexWrite::Drop,
        }
    }

    /// The registry refused the store's entry. A replayed step finds its own claim (the slug
    /// taken, or no entry to update) once: the claim flips and the step is tried again
    /// (`None`). Anything else ends the run with the refusal.
    pub fn registry_refused(
        &mut self,
        refusal: &RegistryRefusal,
        now_ms: u64,
    ) -> Option<RestoreRefusal> {
        let replay = matches!(
            refusal,
            RegistryRefusal::SlugTaken { .. } | RegistryRefusal::UnknownStore { .. }
        ) && self.claim_refused(now_ms).is_ok();
        (!replay).then(|| RestoreRefusal::Registry(refusal.to_string()))
    }

    /// The log line of a run that ended (`None` while it goes on): `restored` or the code it
    /// stopped with.
    pub fn logged(&self, now_ms: u64) -> Option<RestoreLogged> {
        if !self.is_done() {
            return None;
        }
        let s = self.status(now_ms);
        Some(RestoreLogged {
            store: s.store.to_string(),
            backup: s.backup.to_string(),
            outcome: s.error.map_or_else(|| "restored".to_owned(), |e| e.code),
            safety_backup: s.safety_backup.map(|b| b.to_string()),
            carts: s.carts,
            cleared: s.cleared,
        })
    }

    /// Whether the status route wakes the run again: it is not done, no invocation drives it
    /// now and its alarm is gone (a restart that lost it).
    pub fn needs_wake(&self, driving: bool, alarm_set: bool) -> bool {
        !self.is_done() && !driving && !alarm_set
    }

    /// After the first invocation failed: whether the stored run (`None`: gone) is dropped
    /// so the operator may simply try again (it wrote nothing).
    pub fn discard_after_failure(stored: Option<&RestoreRun>) -> bool {
        stored.is_none_or(RestoreRun::changed_nothing)
    }
}

/// The log line of a restore refused before it started (its manifest failed its checks).
pub fn refused_at_start(store: &StoreSlug, backup: &BackupId, code: &str) -> RestoreLogged {
    RestoreLogged {
        store: store.to_string(),
        backup: backup.to_string(),
        outcome: code.to_owned(),
        safety_backup: None,
        carts: 0,
        cleared: 0,
    }
}

/// The refusal of a run whose manifest is gone from the bucket after it started.
pub fn manifest_gone() -> RestoreRefusal {
    RestoreRefusal::MissingFile {
        file: "the manifest".into(),
    }
}

#[cfg(test)]
#[path = "restore_report_tests.rs"]
mod tests;
