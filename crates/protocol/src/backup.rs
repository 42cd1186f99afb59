//! Backups and restore across object boundaries: what StoreConfig answers about its index of
//! shoppers with a cart, its backups and a restore, and what a ShopperStorefront answers about
//! its cart (read for a backup, rewritten by a restore). The rules live in `wandstore-backup`.

use crate::store::{StoreError, StoreQuestion, Unavailable};
use crate::wire::questions;
use serde::{Deserialize, Serialize};
use std::fmt;
use wandstore_backup::run_steps::StartSkip;
use wandstore_backup::store_io::Bucket;
use wandstore_backup::{BackupId, BackupKey, BackupReason, RestoreStatus};
use wandstore_core::cart::CartLine;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_storage::{Write, store_config as sc};

/// A shopper object's cart became non-empty (`non_empty`) or empty: StoreConfig keeps the
/// shopper in (or drops them from) its index of shoppers with a cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexCart {
    pub shopper: ShopperId,
    pub non_empty: bool,
}

/// Start a backup of the store now (a manual or scheduled one). A scheduled one is skipped
/// when the store is not due (`wandstore_backup::schedule`); any is skipped while another
/// runs. The run goes as far as one invocation allows and continues on the object's alarm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartBackup {
    pub reason: BackupReason,
    pub now_ms: u64,
}

/// What [`StartBackup`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStarted {
    pub store: StoreSlug,
    /// The run's id (a new one, or the one still running when `skipped` says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<BackupId>,
    /// The manifest is written: the backup is listed.
    pub done: bool,
    /// Why no new run started (`running`, `not_due`, `restoring`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// The store's StoreConfig storage in bytes (its SQLite database), for the registry's
    /// record of store sizes (`core::storage`).
    #[serde(default)]
    pub used_bytes: u64,
}

impl BackupStarted {
    /// What a start answers: the new run and whether it finished within the request, or why
    /// none started (naming the run still going).
    pub fn answer(
        store: StoreSlug,
        outcome: Result<(BackupId, bool), StartSkip>,
        used_bytes: u64,
    ) -> BackupStarted {
        let (backup, done, skipped) = match outcome {
            Ok((id, done)) => (Some(id), done, None),
            Err(skip) => (skip.backup(), false, Some(skip.code().to_owned())),
        };
        BackupStarted {
            store,
            backup,
            done,
            skipped,
            used_bytes,
        }
    }
}

/// Restore the store from one of its backups (the Worker's `POST /admin/stores/{slug}/restore`):
/// every file is verified first, as far as one invocation allows (a refusal then is a
/// `BackupRefused` and nothing changed); the run goes on as far as the invocation allows and
/// continues on the object's alarm. The answer's `status` says which (`running` or not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreBackup {
    pub store: StoreSlug,
    pub backup: BackupId,
    pub base_domain: String,
    #[serde(default)]
    pub local_upstreams: bool,
    pub now_ms: u64,
}

/// The store's current or last restore (the Worker's `GET /admin/stores/{slug}/restore`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowRestore {
    pub now_ms: u64,
}

questions! {
    StoreQuestion, StoreError;
    IndexCart => IndexCart -> ();
    StartBackup => StartBackup -> BackupStarted;
    RestoreBackup => Restore -> RestoreStatus;
    ShowRestore => ShowRestore -> RestoreStatus;
}

/// What a ShopperStorefront answers when asked by another object (not a page request).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShopperQuestion {
    ReadCart(ReadCart),
    ReplaceCart(ReplaceCart),
}

/// The shopper's cart lines, in order (empty when they have none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadCart;

/// Replace the shopper's cart with these lines (a restore; empty clears it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplaceCart {
    pub lines: Vec<CartLine>,
}

/// Why a shopper object did not answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ShopperError {
    Internal { message: String },
}

impl ShopperError {
    /// The object failed for `why` (its storage, a bug).
    pub fn internal(why: impl fmt::Display) -> ShopperError {
        ShopperError::Internal {
            message: why.to_string(),
        }
    }
}

impl fmt::Display for ShopperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShopperError::Internal { message } => write!(f, "internal error: {message}"),
        }
    }
}

questions! {
    ShopperQuestion, ShopperError;
    ReadCart => ReadCart -> Vec<CartLine>;
    ReplaceCart => ReplaceCart -> ();
}

/// The JSON shape of a question, for the tests.
impl IndexCart {
    /// The cart index's row for this announcement: the shopper added (or its time moved) or
    /// dropped; idempotent, so a re-announcement changes nothing.
    pub fn write(&self, now_ms: u64) -> Write {
        let shopper = self.shopper.as_str().into();
        if self.non_empty {
            Write::new(sc::INDEX_CART, vec![shopper, now_ms.into()])
        } else {
            Write::new(sc::UNINDEX_CART, vec![shopper])
        }
    }
}

/// A page of the cart index as the drivers take it: each shopper with the restore that last
/// wrote its cart, in order. A row whose shopper id does not parse is skipped: one damaged row
/// never fails a backup.
pub fn cart_marks(rows: Vec<sc::CartIndexRow>) -> Vec<(ShopperId, Option<String>)> {
    let mark = |r: sc::CartIndexRow| ShopperId::parse(&r.shopper).map(|s| (s, r.restored_by));
    rows.into_iter().filter_map(mark).collect()
}

/// The backup bucket failed: a 503 the operator may retry.
pub fn r2_unavailable(e: impl fmt::Display) -> StoreError {
    let message = format!("backup storage failed: {e}");
    StoreError::CatalogUnavailable {
        why: Unavailable::upstream("r2_unavailable", message, None),
    }
}

/// R2 bucket `which` failed: the refusal of the storage it holds (backups or themes).
pub fn bucket_unavailable(which: Bucket, e: impl fmt::Display) -> StoreError {
    match which {
        Bucket::Backups => r2_unavailable(e),
        Bucket::Themes => crate::theme_ledger::r2_unavailable(e),
    }
}

/// The key sealing storefront tokens, from the `BACKUP_SECRET` secret (`None`: not set); a
/// missing or weak secret is a misconfiguration.
pub fn backup_key(secret: Option<String>) -> Result<BackupKey, StoreError> {
    let secret = secret.unwrap_or_default();
    BackupKey::derive(&secret).map_err(|e| StoreError::Misconfigured {
        what: format!("BACKUP_SECRET: {e}"),
    })
}

/// A backup or restore driver's bookkeeping bug, as the object's refusal (a 500).
impl From<wandstore_backup::backup_driver::DriverBug> for StoreError {
    fn from(bug: wandstore_backup::backup_driver::DriverBug) -> Self {
        StoreError::Internal { message: bug.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{decode_question, encode_question};

    #[test]
    fn cart_index_rows_become_marks_in_order_and_a_damaged_id_is_skipped() {
        let row = |shopper: &str, restored_by: Option<&str>| sc::CartIndexRow {
            shopper: shopper.to_owned(),
            restored_by: restored_by.map(str::to_owned),
        };
        let (a, b) = ("a".repeat(32), "b".repeat(32));
        let rows = vec![
            row(&a, None),
            row("not a shopper id", None),
            row(&b, Some("r1")),
        ];
        let marks = cart_marks(rows);
        let ids: Vec<&str> = marks.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(ids, [a.as_str(), b.as_str()]);
        assert_eq!(
            (marks[0].1.as_deref(), marks[1].1.as_deref()),
            (None, Some("r1"))
        );
        assert!(cart_marks(Vec::new()).is_empty());
    }

    #[test]
    fn a_failed_bucket_says_which_storage_failed() {
        for (which, storage) in [(Bucket::Backups, "backup"), (Bucket::Themes, "theme")] {
            let StoreError::CatalogUnavailable { why } = bucket_unavailable(which, "down") else {
                panic!("not a 503");
            };
            let why = format!("{why:?}");
            assert!(why.contains("r2_unavailable"), "{why}");
            assert!(
                why.contains(&format!("{storage} storage failed: down")),
                "{why}"
            );
        }
    }

    #[test]
    fn shopper_questions_round_trip() {
        let q = ReplaceCart { lines: Vec::new() };
        let body = encode_question(q.clone()).unwrap_or_default();
        assert_eq!(body, r#"{"replace_cart":{"lines":[]}}"#);
        let back: Result<ShopperQuestion, _> = decode_question(body.as_bytes());
        assert!(matches!(back, Ok(ShopperQuestion::ReplaceCart(r)) if r == q));
    }

    #[test]
    fn an_announced_cart_is_indexed_with_its_time_and_an_empty_one_dropped() {
        let shopper = ShopperId::parse(&"ab".repeat(16)).unwrap();
        let id = wandstore_storage::Value::from(shopper.as_str());
        let full = IndexCart {
            shopper: shopper.clone(),
            non_empty: true,
        };
        let write = full.write(5);
        assert_eq!(write.sql, sc::INDEX_CART);
        assert_eq!(write.args, vec![id.clone(), 5u64.into()]);
        let empty = IndexCart {
            shopper,
            non_empty: false,
        };
        assert_eq!(empty.write(5), Write::new(sc::UNINDEX_CART, vec![id]));
    }

    #[test]
    fn a_missing_or_weak_backup_secret_is_a_misconfiguration() {
        let misconfigured = |r: Result<BackupKey, StoreError>| matches!(r, Err(StoreError::Misconfigured { what }) if what.starts_with("BACKUP_SECRET"));
        assert!(misconfigured(backup_key(None)));
        assert!(misconfigured(backup_key(Some("short".into()))));
        let strong = Some("a-backup-secret-of-at-least-32-bytes!".to_owned());
        assert!(backup_key(strong).is_ok());
        let down = r2_unavailable("timeout");
        assert!(
            matches!(down, StoreError::CatalogUnavailable { why } if why.cause == "r2_unavailable")
        );
    }

    #[test]
    fn a_start_answers_the_new_run_or_why_none_started() {
        let store = StoreSlug::parse("outlet").unwrap();
        let id = BackupId::new(1_795_903_200_000, [7; 8]).unwrap();
        let started = BackupStarted::answer(store.clone(), Ok((id.clone(), true)), 42);
        assert_eq!((started.backup.as_ref(), started.done), (Some(&id), true));
        assert_eq!((started.skipped, started.used_bytes), (None, 42));
        let running = BackupStarted::answer(store.clone(), Err(StartSkip::Running(id.clone())), 0);
        assert_eq!(running.backup, Some(id));
        assert_eq!(running.skipped.as_deref(), Some("running"));
        assert!(!running.done);
        let not_due = BackupStarted::answer(store, Err(StartSkip::NotDue), 0);
        assert_eq!(
            (not_due.backup.as_ref(), not_due.skipped.as_deref()),
            (None, Some("not_due"))
        );
        let json = serde_json::to_string(&not_due).unwrap();
        assert!(!json.contains("\"backup\""), "{json}");
    }

    #[test]
    fn a_refused_restore_is_a_422_with_its_code() {
        let e = StoreError::BackupRefused {
            code: "backup_checksum_mismatch".into(),
            message: "theme.ndjson changed".into(),
        };
        let edge = crate::EdgeError::from(e);
        assert_eq!(
            (edge.status, edge.code.as_str()),
            (422, "backup_checksum_mismatch")
        );
    }

    #[test]
    fn a_shoppers_internal_error_says_why() {
        let e = ShopperError::internal("disk full");
        assert_eq!(e.to_string(), "internal error: disk full");
    }
}
