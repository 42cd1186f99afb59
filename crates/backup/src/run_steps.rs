//! The decisions around a [`BackupRun`]'s steps that the shell would otherwise make: whether a
//! new run starts ([`start_skip`]), how many cart pages one invocation reads
//! ([`PageBudget`]), what a page's file holds and which index entries drop out
//! ([`cart_page`]), which older backups the retention policy deletes ([`prune_list`]), and
//! the log lines of a run.

use crate::contents::{ShopperCart, cart_file};
use crate::id::BackupId;
use crate::keys::parse_manifest_key;
use crate::manifest::{BackupReason, Manifest};
use crate::ndjson::WrittenFile;
use crate::retention::{Listed, RetentionPolicy, to_delete};
use crate::run::{BackupRun, Step};
use crate::schedule::{StoreBackupState, due_stores};
use wandstore_core::backup_events::{BackupFailed, BackupFinished};
use wandstore_core::cart::CartLine;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;

/// The pause before the next invocation of a run that is not done.
pub const NEXT_INVOCATION_MS: u64 = 1_000;
/// The pause before a failed run is tried again.
pub const RETRY_AFTER_MS: u64 = 60_000;
/// Shopper objects asked at once (for their carts, or to replace them).
pub const SHOPPERS_AT_ONCE: usize = 25;

/// Why no new run starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartSkip {
    /// A restore of the store is under way.
    Restoring,
    /// This run is still going.
    Running(BackupId),
    /// A scheduled backup, and the store's last one is recent.
    NotDue,
}

impl StartSkip {
    /// The `skipped` code of the answer.
    pub fn code(&self) -> &'static str {
        match self {
            StartSkip::Restoring => "restoring",
            StartSkip::Running(_) => "running",
            StartSkip::NotDue => "not_due",
        }
    }

    /// The run the answer names (the one still going).
    pub fn backup(&self) -> Option<BackupId> {
        match self {
            StartSkip::Running(id) => Some(id.clone()),
            _ => None,
        }
    }
}

/// Whether a backup of `store` for `reason` starts at `now_ms`: not during a restore, not
/// while a run goes on (unless it is abandoned), and a scheduled one only when the store is
/// due (`last_backup_ms`: when its last complete backup started; negative counts as never).
pub fn start_skip(
    store: &StoreSlug,
    reason: BackupReason,
    restore_active: bool,
    running: Option<&BackupRun>,
    last_backup_ms: Option<i64>,
    now_ms: u64,
) -> Option<StartSkip> {
    if restore_active {
        return Some(StartSkip::Restoring);
    }
    if let Some(run) = running.filter(|r| !r.is_abandoned(now_ms)) {
        return Some(StartSkip::Running(run.id.clone()));
    }
    let state = StoreBackupState {
        store: store.clone(),
        last_backup_ms: last_backup_ms.map(|t| t.max(0) as u64),
        running_since_ms: None,
    };
    (reason == BackupReason::Scheduled && due_stores(&[state], now_ms).is_empty())
        .then_some(StartSkip::NotDue)
}

/// The cart pages one invocation may read: every other step is free, a cart page takes one,
/// and when none is left the invocation stops (the run goes on at the next).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageBudget {
    left: u32,
    used: u32,
}

impl PageBudget {
    pub fn new(pages: u32) -> PageBudget {
        PageBudget {
            left: pages,
            used: 0,
        }
    }

    /// Whether `step` runs in this invocation (spending a page if it is a cart page).
    pub fn admit(&mut self, step: &Step) -> bool {
        match step {
            Step::Done => false,
            Step::CartPage { .. } if self.left == 0 => false,
            Step::CartPage { .. } => {
                self.left -= 1;
                self.used += 1;
                true
            }
            _ => true,
        }
    }

    /// Cart pages read so far.
    pub fn used(&self) -> u32 {
        self.used
    }
}

/// A page of carts, decided: the file to put (with its cart line count), if any cart had
/// lines, and the shoppers whose cart came back empty. Those drop out of the index (their
/// object expired, or its "now empty" was never heard) unless they announced themselves
/// again since the page was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartPage {
    pub file: Option<(WrittenFile, u64)>,
    pub emptied: Vec<ShopperId>,
}

/// The listed shoppers with the cart lines their objects answered, in order (a shopper
/// without an answer is left out).
pub fn shopper_carts(shoppers: &[ShopperId], lines: Vec<Vec<CartLine>>) -> Vec<ShopperCart> {
    shoppers
        .iter()
        .zip(lines)
        .map(|(shopper, lines)| ShopperCart {
            shopper: shopper.clone(),
            lines,
        })
        .collect()
}

pub fn cart_page(page: u32, carts: &[ShopperCart]) -> Result<CartPage, serde_json::Error> {
    Ok(CartPage {
        file: cart_file(page, carts)?,
        emptied: carts
            .iter()
            .filter(|c| c.lines.is_empty())
            .map(|c| c.shopper.clone())
            .collect(),
    })
}

/// The backups of `store` to delete after backup `keep` was written, from the keys listed
/// under its manifest prefix (keys of other stores or not manifests are ignored; `keep` is
/// never deleted).
pub fn prune_list(
    store: &StoreSlug,
    manifest_keys: &[String],
    keep: &BackupId,
    policy: RetentionPolicy,
) -> Vec<BackupId> {
    let listed: Vec<Listed> = manifest_keys
        .iter()
        .filter_map(|k| parse_manifest_key(k))
        .filter(|(s, _)| s == store)
        .filter_map(|(_, id)| Listed::from_id(id))
        .collect();
    to_delete(&listed, policy)
        .into_iter()
        .filter(|id| id != keep)
        .collect()
}

impl BackupRun {
    /// The log line of a run whose manifest is written.
    pub fn finished(&self, manifest: &Manifest, pruned: u64) -> BackupFinished {
        BackupFinished {
            store: self.store.to_string(),
            backup: self.id.to_string(),
            reason: format!("{:?}", self.reason).to_lowercase(),
            carts: manifest.counts.carts,
            files: manifest.counts.files,
            bytes: manifest.counts.bytes,
            pruned,
        }
    }
}

/// The log line of a failed step of backup `backup` (`None`: no run stored).
pub fn failed(store: &str, backup: Option<&BackupId>, error: String) -> BackupFailed {
    BackupFailed {
        store: store.to_owned(),
        backup: backup.map(ToString::to_string).unwrap_or_default(),
        error,
    }
}

#[cfg(test)]
#[path = "run_steps_tests.rs"]
mod tests;
