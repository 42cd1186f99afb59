//! Backups and restore of a store, pure: what a backup holds, its files and manifest, the
//! run that writes it page by page, the checks before a restore, retention and the schedule.
//! The shell (crates/worker) does the I/O: R2 puts and gets, object questions, alarms.
//!
//! - [`crypto`]: the storefront token sealed with a key derived from the backup secret.
//! - [`id`]: [`BackupId`], sortable by time.
//! - [`keys`]: the R2 key layout ([`keys::file_key`], [`keys::manifest_key`]).
//! - [`ndjson`]: files built line by line with their SHA-256, read back strictly.
//! - [`contents`]: the lines of each file; building them from a store's data.
//! - [`manifest`]: [`Manifest`], written last; [`ManifestSummary`] for listings.
//! - [`run`]: [`BackupRun`], the resumable state machine over pages of shoppers.
//! - [`run_steps`]: the decisions around a run's steps (start or skip, page budget, cart
//!   pages, pruning, log lines).
//! - [`backup_driver`]: [`backup_driver::BackupDriver`], one invocation of a run as a sans-IO
//!   driver (the actions the shell performs, the results it feeds back).
//! - [`restore`]: [`plan_restore`] / [`RestoreCheck`] → [`RestorePlan`] or [`RestoreRefusal`].
//! - [`restore_run`]: [`RestoreRun`], verify all → safety backup → write back, over alarms;
//!   what each step reports back ([`restore_run::Report`]).
//! - [`retention`]: which backups to delete ([`RetentionPolicy`], default 48 hourly + 14 daily).
//! - [`schedule`]: which stores are due for their hourly backup.
//! - [`settings`]: the operator's knobs from `[vars]` (retention, restore page size).
//!
//! Architecture invariant: no I/O, no clock, no randomness: times, nonces and id suffixes are
//! passed in; everything read from a bucket is checked before it is believed.

pub mod backup_driver;
pub mod contents;
pub mod crypto;
pub mod id;
pub mod keys;
pub mod manifest;
pub mod ndjson;
pub mod restore;
pub mod restore_run;
pub mod retention;
pub mod run;
pub mod run_steps;
pub mod schedule;
pub mod settings;
pub mod store_io;

#[cfg(test)]
mod contents_tests;
#[cfg(test)]
mod restore_tests;
#[cfg(test)]
mod run_tests;
#[cfg(test)]
mod test_support;

pub use contents::{SettingsBackup, ShopperCart, ThemeBackup};
pub use crypto::BackupKey;
pub use id::BackupId;
pub use manifest::{BackupReason, Manifest, ManifestSummary};
pub use restore::{RestoreCheck, RestorePlan, RestoreRefusal, plan_restore};
pub use restore_run::{Allowance, RestoreRun, RestoreState, RestoreStatus, RestoreStep};
pub use retention::RetentionPolicy;
pub use run::{BackupRun, Step};
pub use settings::BackupSettings;
