//! A restore as a resumable state machine, so a store with 100,000 carts is restored over
//! many alarms within a Worker's limits, and nothing is changed unless every file passed.
//!
//! Order: verify every file (no write at all; a refusal ends the run here) → take a backup
//! of the current state (reason `before_restore`, so the restore can be undone) → write the
//! record, theme pointer and history, and settings → write each cart file's carts → clear the
//! carts of shoppers the backup does not have → done.
//!
//! The shell drives it like [`crate::run::BackupRun`]: store it (serde) in the store's object,
//! and on each alarm do steps while [`RestoreStep::subrequests`] fit the invocation's budget
//! ([`crate::run::SUBREQUEST_LIMIT`] minus [`crate::run::SUBREQUEST_RESERVE`]).
//! Each step re-creates the [`RestoreCheck`] from the manifest (one R2 get) and re-checks the
//! file it reads, so a file changed after verification is refused, not written. Writing a
//! cart replaces the shopper's cart and marks the shopper's index entry with this restore's
//! backup id; [`RestoreStep::ClearOthers`] then pages through the index and empties the carts
//! of shoppers without the mark.

use crate::id::BackupId;
use crate::keys::{FileKind, file_key};
use crate::restore::{RestoreCheck, RestoreRefusal};
use crate::run::DEFAULT_PAGE_SIZE;
use serde::{Deserialize, Serialize};
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
enum Phase {
    Verify { next: usize },
    SafetyBackup,
    ApplyStore,
    ApplyCarts { next: usize },
    ClearOthers { after: Option<ShopperId> },
    Done,
}

/// How a restore ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RestoreOutcome {
    /// Everything was written back.
    Restored {
        carts: u64,
        cleared: u64,
        safety_backup: BackupId,
    },
    /// Verification failed: nothing was changed (the refusal's code and message).
    Refused { code: String, message: String },
}

/// A restore in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRun {
    pub store: StoreSlug,
    pub backup: BackupId,
    pub started_ms: u64,
    files: Vec<String>,
    phase: Phase,
    safety_backup: Option<BackupId>,
    carts: u64,
    cleared: u64,
    outcome: Option<RestoreOutcome>,
}

/// What the shell does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreStep {
    /// Get `key` and check it with the [`RestoreCheck`] (`read_record`, `read_theme`,
    /// `read_settings` or `read_carts` by kind); report [`RestoreRun::verified`] or
    /// [`RestoreRun::refused`].
    Verify { kind: FileKind, key: String },
    /// Take a complete backup of the store as it is now (a [`crate::run::BackupRun`] with
    /// reason `before_restore`), then [`RestoreRun::safety_backup_taken`].
    TakeSafetyBackup,
    /// Read the three base files again and write the record, the theme pointer and history,
    /// and the settings; then [`RestoreRun::store_applied`].
    ApplyStore { keys: [String; 3] },
    /// Read this cart file again and replace each shopper's cart with its lines (marking the
    /// index entry with the backup id); then [`RestoreRun::carts_applied`].
    ApplyCarts { kind: FileKind, key: String },
    /// List up to `limit` index entries after `after`; empty the carts of those not marked
    /// with this restore; then [`RestoreRun::others_cleared`].
    ClearOthers {
        after: Option<ShopperId>,
        limit: u32,
    },
    /// Finished: see [`RestoreRun::outcome`].
    Done,
}

impl RestoreStep {
    /// The subrequests the step makes at most (R2 gets and object calls).
    pub fn subrequests(&self, cart_file_lines: u64) -> u32 {
        match self {
            RestoreStep::Verify { .. } => 1,
            RestoreStep::TakeSafetyBackup => 0,
            RestoreStep::ApplyStore { .. } => 3,
            RestoreStep::ApplyCarts { .. } => {
                1 + u32::try_from(cart_file_lines).unwrap_or(u32::MAX)
            }
            RestoreStep::ClearOthers { limit, .. } => *limit,
            RestoreStep::Done => 0,
        }
    }
}

/// A report that does not fit the current step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfOrder;

impl RestoreRun {
    /// Starts a restore of a backup whose manifest passed [`RestoreCheck::from_manifest`].
    pub fn start(check: &RestoreCheck, now_ms: u64) -> RestoreRun {
        let m = check.manifest();
        RestoreRun {
            store: m.store.clone(),
            backup: m.backup_id.clone(),
            started_ms: now_ms,
            files: m.files.iter().map(|f| f.name.clone()).collect(),
            phase: Phase::Verify { next: 0 },
            safety_backup: None,
            carts: 0,
            cleared: 0,
            outcome: None,
        }
    }

    fn kind(&self, i: usize) -> Option<FileKind> {
        self.files.get(i).and_then(|n| FileKind::parse(n))
    }

    fn cart_kinds(&self) -> Vec<FileKind> {
        (0..self.files.len())
            .filter_map(|i| self.kind(i))
            .filter(|k| matches!(k, FileKind::Carts(_)))
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
                None => RestoreStep::TakeSafetyBackup,
            },
            Phase::SafetyBackup => RestoreStep::TakeSafetyBackup,
            Phase::ApplyStore => RestoreStep::ApplyStore {
                keys: [FileKind::Store, FileKind::Theme, FileKind::Settings].map(|k| self.key(k)),
            },
            Phase::ApplyCarts { next } => match self.cart_kinds().get(*next) {
                Some(kind) => RestoreStep::ApplyCarts {
                    kind: *kind,
                    key: self.key(*kind),
                },
                None => self.clear_step(None),
            },
            Phase::ClearOthers { after } => self.clear_step(after.clone()),
            Phase::Done => RestoreStep::Done,
        }
    }

    fn clear_step(&self, after: Option<ShopperId>) -> RestoreStep {
        RestoreStep::ClearOthers {
            after,
            limit: DEFAULT_PAGE_SIZE,
        }
    }

    /// The file of the current [`RestoreStep::Verify`] passed.
    pub fn verified(&mut self, kind: FileKind) -> Result<(), OutOfOrder> {
        let Phase::Verify { next } = self.phase else {
            return Err(OutOfOrder);
        };
        if self.kind(next) != Some(kind) {
            return Err(OutOfOrder);
        }
        self.phase = if next + 1 < self.files.len() {
            Phase::Verify { next: next + 1 }
        } else {
            Phase::SafetyBackup
        };
        Ok(())
    }

    /// A file failed its check while verifying: the run ends and nothing was changed. During
    /// a later phase (a file changed after verification) the run also stops; the safety
    /// backup undoes what was written.
    pub fn refused(&mut self, refusal: &RestoreRefusal) {
        self.outcome = Some(RestoreOutcome::Refused {
            code: refusal.code().to_owned(),
            message: refusal.to_string(),
        });
        self.phase = Phase::Done;
    }

    /// The backup of the state before the restore is complete.
    pub fn safety_backup_taken(&mut self, id: BackupId) -> Result<(), OutOfOrder> {
        let ready = matches!(self.phase, Phase::SafetyBackup)
            || matches!(self.phase, Phase::Verify { next } if next >= self.files.len());
        if !ready {
            return Err(OutOfOrder);
        }
        self.safety_backup = Some(id);
        self.phase = Phase::ApplyStore;
        Ok(())
    }

    pub fn store_applied(&mut self) -> Result<(), OutOfOrder> {
        if self.phase != Phase::ApplyStore {
            return Err(OutOfOrder);
        }
        self.phase = Phase::ApplyCarts { next: 0 };
        Ok(())
    }

    /// The carts of `kind` were written (`carts` of them).
    pub fn carts_applied(&mut self, kind: FileKind, carts: u64) -> Result<(), OutOfOrder> {
        let Phase::ApplyCarts { next } = self.phase else {
            return Err(OutOfOrder);
        };
        if self.cart_kinds().get(next) != Some(&kind) {
            return Err(OutOfOrder);
        }
        self.carts += carts;
        self.phase = Phase::ApplyCarts { next: next + 1 };
        Ok(())
    }

    /// A page of the index was handled: `listed` in order, `cleared` of them emptied.
    pub fn others_cleared(&mut self, listed: &[ShopperId], cleared: u64) -> Result<(), OutOfOrder> {
        let after = match &self.phase {
            Phase::ClearOthers { after } => after.clone(),
            Phase::ApplyCarts { next } if *next >= self.cart_kinds().len() => None,
            _ => return Err(OutOfOrder),
        };
        self.cleared += cleared;
        if (listed.len() as u64) < u64::from(DEFAULT_PAGE_SIZE) {
            self.phase = Phase::Done;
            self.outcome =
                self.safety_backup
                    .clone()
                    .map(|safety_backup| RestoreOutcome::Restored {
                        carts: self.carts,
                        cleared: self.cleared,
                        safety_backup,
                    });
        } else {
            self.phase = Phase::ClearOthers {
                after: listed.last().cloned().or(after),
            };
        }
        Ok(())
    }

    /// How the restore ended, once [`RestoreStep::Done`].
    pub fn outcome(&self) -> Option<&RestoreOutcome> {
        self.outcome.as_ref()
    }

    /// True when nothing has been written yet (verifying or refused during verification).
    pub fn changed_nothing(&self) -> bool {
        self.safety_backup.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::manifest_key;
    use crate::test_support::*;

    fn check(bucket: &std::collections::HashMap<String, Vec<u8>>) -> RestoreCheck {
        RestoreCheck::from_manifest(
            &bucket[&manifest_key(&slug("outlet"), &backup_id(7))],
            &slug("outlet"),
            &backup_id(7),
        )
        .expect("manifest")
    }

    /// Drives a restore against a bucket; returns the run and the steps that wrote something.
    fn drive_restore(
        bucket: &std::collections::HashMap<String, Vec<u8>>,
        index_after: u32,
    ) -> (RestoreRun, Vec<&'static str>) {
        let c = check(bucket);
        let mut run = RestoreRun::start(&c, T0);
        let mut writes = Vec::new();
        let index: Vec<ShopperId> = (0..index_after).map(shopper).collect();
        loop {
            match run.next_step() {
                RestoreStep::Verify { kind, key: r2_key } => {
                    let bytes = bucket.get(&r2_key).map(Vec::as_slice);
                    let result = match kind {
                        FileKind::Store => c.read_record(bytes, &key()).map(|_| ()),
                        FileKind::Theme => c.read_theme(bytes).map(|_| ()),
                        FileKind::Settings => c.read_settings(bytes).map(|_| ()),
                        FileKind::Carts(_) => c.read_carts(kind, bytes).map(|_| ()),
                    };
                    match result {
                        Ok(()) => run.verified(kind).expect("in order"),
                        Err(refusal) => run.refused(&refusal),
                    }
                }
                RestoreStep::TakeSafetyBackup => {
                    writes.push("safety backup");
                    run.safety_backup_taken(backup_id(9)).expect("in order");
                }
                RestoreStep::ApplyStore { .. } => {
                    writes.push("store");
                    run.store_applied().expect("in order");
                }
                RestoreStep::ApplyCarts { kind, key: r2_key } => {
                    writes.push("carts");
                    let carts = c
                        .read_carts(kind, bucket.get(&r2_key).map(Vec::as_slice))
                        .expect("verified");
                    run.carts_applied(kind, carts.len() as u64)
                        .expect("in order");
                }
                RestoreStep::ClearOthers { after, limit } => {
                    let page: Vec<ShopperId> = index
                        .iter()
                        .filter(|s| after.as_ref().is_none_or(|a| s.as_str() > a.as_str()))
                        .take(limit as usize)
                        .cloned()
                        .collect();
                    run.others_cleared(&page, 0).expect("in order");
                }
                RestoreStep::Done => break,
            }
        }
        (run, writes)
    }

    #[test]
    fn a_good_backup_is_verified_whole_before_anything_is_written() {
        let bucket = drive("outlet", &shoppers(30), 4).bucket;
        let (run, writes) = drive_restore(&bucket, 450);
        let files = check(&bucket).manifest().files.len();
        assert_eq!(writes[0], "safety backup");
        assert_eq!(writes[1], "store");
        assert_eq!(writes.iter().filter(|w| **w == "carts").count(), files - 3);
        assert_eq!(
            run.outcome(),
            Some(&RestoreOutcome::Restored {
                carts: 20,
                cleared: 0,
                safety_backup: backup_id(9)
            })
        );
    }

    #[test]
    fn a_tampered_last_file_is_refused_before_any_write() {
        let mut bucket = drive("outlet", &shoppers(30), 4).bucket;
        let last = check(&bucket)
            .cart_files()
            .last()
            .copied()
            .expect("cart files");
        let k = file_key(&slug("outlet"), &backup_id(7), last);
        if let Some(bytes) = bucket.get_mut(&k) {
            bytes[0] ^= 1;
        }
        let (run, writes) = drive_restore(&bucket, 0);
        assert!(writes.is_empty(), "{writes:?}");
        assert!(run.changed_nothing());
        assert!(matches!(
            run.outcome(),
            Some(RestoreOutcome::Refused { code, .. }) if code == "backup_checksum_mismatch"
        ));
    }

    #[test]
    fn reports_out_of_order_are_refused_and_the_run_survives_storage() {
        let bucket = drive("outlet", &shoppers(3), 4).bucket;
        let mut run = RestoreRun::start(&check(&bucket), T0);
        assert_eq!(run.store_applied(), Err(OutOfOrder));
        assert_eq!(run.safety_backup_taken(backup_id(1)), Err(OutOfOrder));
        assert_eq!(run.verified(FileKind::Theme), Err(OutOfOrder));
        assert_eq!(run.carts_applied(FileKind::Carts(1), 1), Err(OutOfOrder));
        run.verified(FileKind::Store).expect("first file");
        let stored = serde_json::to_string(&run).expect("json");
        assert_eq!(
            serde_json::from_str::<RestoreRun>(&stored).expect("back"),
            run
        );
        assert_eq!(
            RestoreStep::ApplyCarts {
                kind: FileKind::Carts(1),
                key: String::new()
            }
            .subrequests(200),
            201
        );
    }
}
