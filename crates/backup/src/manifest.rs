//! A backup's manifest: what it holds and how to check it. Written last, as JSON.

use crate::id::BackupId;
use serde::{Deserialize, Serialize};
use wandstore_core::store::StoreSlug;

/// The manifest format this version writes and the newest it can restore.
pub const SCHEMA_VERSION: u32 = 1;

/// Why the backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupReason {
    /// The hourly cron.
    Scheduled,
    /// `POST /admin/backups`.
    Manual,
    /// Taken just before a restore, so the restore can be undone.
    BeforeRestore,
}

impl BackupReason {
    /// Whether the retention policy runs after this backup. Not after a restore's safety
    /// backup: the restore still reads the backup it restores, which may be one the policy
    /// lets go (backups of the same hour); the next scheduled backup prunes instead.
    pub fn prunes(self) -> bool {
        self != BackupReason::BeforeRestore
    }
}

/// One data file as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The file's name inside the backup (see [`crate::keys::FileKind`]).
    pub name: String,
    /// NDJSON lines in the file.
    pub lines: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// Totals over the files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Theme versions referenced (the pointer line is not counted).
    pub theme_versions: u64,
    /// Shoppers whose non-empty cart is in the backup.
    pub carts: u64,
    /// Cart lines over all carts.
    pub cart_lines: u64,
    /// Data files (not counting the manifest).
    pub files: u64,
    /// Bytes over all data files.
    pub bytes: u64,
}

/// A complete backup's description (`manifests/{store}/{id}.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub backup_id: BackupId,
    pub store: StoreSlug,
    pub reason: BackupReason,
    /// When the backup started (Unix ms).
    pub created_ms: u64,
    /// When its last data file was written (Unix ms).
    pub completed_ms: u64,
    pub counts: Counts,
    /// Every data file, in the order written.
    pub files: Vec<FileEntry>,
}

/// What `GET /admin/backups` shows of one backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSummary {
    pub backup_id: BackupId,
    pub store: StoreSlug,
    pub reason: BackupReason,
    pub created_ms: u64,
    pub completed_ms: u64,
    pub schema_version: u32,
    pub counts: Counts,
}

/// The R2 custom metadata name under which a manifest object carries its summary, so
/// `GET /admin/backups` can list with `include(customMetadata)` instead of reading every
/// manifest.
pub const SUMMARY_METADATA: &str = "summary";

impl ManifestSummary {
    /// The summary as the value of [`SUMMARY_METADATA`] (well under R2's 8 KB metadata limit).
    pub fn to_metadata(&self) -> String {
        // Strings, numbers and enums always serialize.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The summary from a listed object's metadata; `None` if absent or not a summary.
    pub fn from_metadata(value: Option<&str>) -> Option<ManifestSummary> {
        serde_json::from_str(value?).ok()
    }
}

impl Manifest {
    pub fn summary(&self) -> ManifestSummary {
        ManifestSummary {
            backup_id: self.backup_id.clone(),
            store: self.store.clone(),
            reason: self.reason,
            created_ms: self.created_ms,
            completed_ms: self.completed_ms,
            schema_version: self.schema_version,
            counts: self.counts,
        }
    }

    /// The manifest as stored (pretty JSON, so an operator can read it).
    pub fn to_json(&self) -> Vec<u8> {
        // Strings, numbers and enums always serialize.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_safety_backup_never_prunes_the_backup_being_restored() {
        assert!(BackupReason::Scheduled.prunes());
        assert!(BackupReason::Manual.prunes());
        assert!(!BackupReason::BeforeRestore.prunes());
    }

    #[test]
    fn a_summary_travels_in_object_metadata_within_its_limit() {
        let m = Manifest {
            schema_version: SCHEMA_VERSION,
            backup_id: BackupId::parse("20261128T220000Z-0a1b2c3d4e5f6071").expect("id"),
            store: StoreSlug::parse("outlet").expect("slug"),
            reason: BackupReason::BeforeRestore,
            created_ms: 1,
            completed_ms: 2,
            counts: Counts {
                carts: u64::MAX,
                ..Counts::default()
            },
            files: vec![],
        };
        let meta = m.summary().to_metadata();
        assert!(meta.len() < 1024);
        assert!(meta.contains("\"before_restore\""));
        assert_eq!(
            ManifestSummary::from_metadata(Some(&meta)),
            Some(m.summary())
        );
        assert_eq!(ManifestSummary::from_metadata(None), None);
        assert_eq!(ManifestSummary::from_metadata(Some("{\"x\":1}")), None);
        let back: Manifest = serde_json::from_slice(&m.to_json()).expect("json");
        assert_eq!(back, m);
    }
}
