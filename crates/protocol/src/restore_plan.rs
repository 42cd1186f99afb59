//! One step of a restore, sans-IO: the shell reads the BACKUPS files the step names
//! ([`RestoreStep::backup_keys`]) and hands their bytes to [`open`]; reads the published theme
//! body that answer names from THEMES ([`Opened::theme_body_key`]) and hands it to
//! [`Opened::finish`]; then executes the [`FilePlan`] (the registry entry, record and theme
//! rows, or the carts to replace and mark) and reports its [`Report`] to the run. Every file
//! is checked again against the manifest, so a file changed after verification is refused
//! here, before anything of it is written. Also the rules around a restore's start: what
//! conflicts with it and what the starting request answers.

use crate::registry::WriteEntry;
use crate::restore_theme::ThemeToRestore;
use crate::store::StoreError;
use wandstore_backup::keys::FileKind;
use wandstore_backup::restore::Verified;
use wandstore_backup::restore_run::{CartWrite, IndexWrite, Report};
use wandstore_backup::{
    BackupId, BackupKey, RestoreCheck, RestoreRefusal, RestoreRun, RestoreStatus, RestoreStep,
};
use wandstore_core::store::StoreSlug;
use wandstore_registry::{RegistryEntry, StoreRecord};
use wandstore_theme::Theme;

/// What a file step writes once its files (and the theme body) passed.
#[derive(Debug, Clone, PartialEq)]
pub enum FilePlan {
    /// Nothing to write (a [`RestoreStep::Verify`] passed): report it.
    Verified(Report),
    Store(Box<StoreWrite>),
    Carts(CartWrite),
}

/// The store's writes: the registry entry first (its refusal goes to
/// [`RestoreRun::registry_refused`]), then the record, then the theme rows in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreWrite {
    pub entry: WriteEntry,
    pub record: StoreRecord,
    pub theme: ThemeRows,
    pub report: Report,
}

/// The theme history (replacing the object's), the published version and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeRows {
    /// (version, history entry's JSON), oldest first.
    pub versions: Vec<(u32, String)>,
    pub published: Option<u32>,
    pub body: Option<String>,
}

/// A file step whose backup files passed; it may still need the published theme's body.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    theme: Option<ThemeToRestore>,
    then: Then,
}

#[derive(Debug, Clone, PartialEq)]
enum Then {
    Verified(FileKind),
    Store(Box<(WriteEntry, StoreRecord)>),
    Carts(CartWrite),
}

/// Checks the files of a file step (`files`: the bytes at [`RestoreStep::backup_keys`], in
/// that order; `None` where the bucket had no object). A step that reads no file is refused
/// as a bad file list (the shell never asks for one).
pub fn open(
    run: &RestoreRun,
    step: &RestoreStep,
    check: &RestoreCheck,
    key: &BackupKey,
    files: &[Option<Vec<u8>>],
) -> Result<Opened, RestoreRefusal> {
    let file = |i: usize| files.get(i).and_then(Option::as_deref);
    let (theme, then) = match step {
        RestoreStep::Verify { kind, .. } => match check.verify_file(*kind, file(0), key)? {
            Verified::Theme(t) => (Some(t), Then::Verified(*kind)),
            Verified::Done => (None, Then::Verified(*kind)),
        },
        RestoreStep::ApplyStore { claim, .. } => {
            let (record, theme, _) = check.read_base([file(0), file(1), file(2)], key)?;
            let entry = WriteEntry {
                entry: RegistryEntry::from(&record),
                claim: *claim,
            };
            (Some(theme), Then::Store(Box::new((entry, record))))
        }
        RestoreStep::ApplyCarts {
            kind, skip, take, ..
        } => {
            let carts = check.read_cart_page(*kind, file(0), *skip, *take)?;
            let lines = carts.iter().map(|c| c.lines.len() as u64).sum();
            let report = Report::CartsApplied {
                kind: *kind,
                carts: carts.len() as u64,
                lines,
            };
            let carts = carts.into_iter().map(|c| (c.shopper, c.lines)).collect();
            let index = IndexWrite::Mark(run.id.to_string());
            let write = CartWrite {
                carts,
                index,
                report,
            };
            (None, Then::Carts(write))
        }
        _ => {
            return Err(RestoreRefusal::BadFileList(
                "this step reads no backup file".into(),
            ));
        }
    };
    let theme = theme.map(|t| ThemeToRestore::from_backup(&t)).transpose()?;
    Ok(Opened { theme, then })
}

impl Opened {
    /// The THEMES key of the published body to read before [`Opened::finish`] (`None`: no
    /// theme in this step, or nothing published).
    pub fn theme_body_key(&self, store: &StoreSlug) -> Option<String> {
        self.theme.as_ref().and_then(|t| t.body_key(store.as_str()))
    }

    /// Checks the published body (`None`: not read, or not in THEMES) and answers the writes.
    pub fn finish(self, body: Option<Vec<u8>>) -> Result<FilePlan, RestoreRefusal> {
        let theme = match &self.theme {
            Some(t) => Some(theme_rows(t, body)?),
            None => None,
        };
        Ok(match (self.then, theme) {
            (Then::Verified(kind), _) => FilePlan::Verified(Report::Verified(kind)),
            (Then::Store(store), Some(theme)) => {
                let (entry, record) = *store;
                FilePlan::Store(Box::new(StoreWrite {
                    report: Report::StoreApplied {
                        theme_versions: theme.versions.len() as u64,
                        published: theme.published,
                    },
                    entry,
                    record,
                    theme,
                }))
            }
            (Then::Store(..), None) => {
                return Err(RestoreRefusal::ThemeUnreadable("no theme file".into()));
            }
            (Then::Carts(w), _) => FilePlan::Carts(w),
        })
    }
}

/// The theme's rows with its published body, checked against its SHA-256 and readable as a
/// stored theme.
fn theme_rows(theme: &ThemeToRestore, body: Option<Vec<u8>>) -> Result<ThemeRows, RestoreRefusal> {
    let body = theme.accept_body(body)?;
    if let Some(text) = &body {
        Theme::from_stored(text.as_bytes())
            .map_err(|e| RestoreRefusal::ThemeUnreadable(e.to_string()))?;
    }
    let mut versions = Vec::with_capacity(theme.versions.len());
    for v in &theme.versions {
        let json =
            serde_json::to_string(v).map_err(|e| RestoreRefusal::ThemeUnreadable(e.to_string()))?;
        versions.push((v.version, json));
    }
    Ok(ThemeRows {
        versions,
        published: theme.published.as_ref().map(|v| v.version),
        body,
    })
}

/// A restore may start unless one runs (`restore_active`) or a backup of the store does.
pub fn start_conflict(restore_active: bool, backup_running: bool) -> Result<(), StoreError> {
    let conflict = |code: &str, message: &str| {
        Err(StoreError::Conflict {
            code: code.into(),
            message: message.into(),
        })
    };
    if restore_active {
        return conflict(
            "restore_in_progress",
            "a restore of this store is running; see GET /admin/stores/{slug}/restore",
        );
    }
    if backup_running {
        return conflict(
            "backup_in_progress",
            "a backup of this store is running; try again when it is done",
        );
    }
    Ok(())
}

/// The refusal as the object answers it (422 with the refusal's code).
pub fn refused(r: &RestoreRefusal) -> StoreError {
    StoreError::BackupRefused {
        code: r.code().to_owned(),
        message: r.to_string(),
    }
}

/// No manifest at the backup's key: a 404.
pub fn backup_not_found(store: &StoreSlug, backup: &BackupId) -> StoreError {
    StoreError::Missing {
        code: "backup_not_found".into(),
        message: format!("store {store} has no backup {backup}"),
    }
}

/// The status route of a store never restored: a 404.
pub fn no_restore() -> StoreError {
    StoreError::Missing {
        code: "no_restore".into(),
        message: "this store has not been restored".into(),
    }
}

/// What the status route answers over the stored run (`None`: none), and whether it wakes
/// the run first (`RestoreRun::needs_wake`: `driving`, an invocation drives it now;
/// `alarm_set`, its alarm is set).
pub fn shown(
    stored: Option<RestoreRun>,
    driving: bool,
    alarm_set: bool,
    now_ms: u64,
) -> Result<(RestoreStatus, bool), StoreError> {
    let run = stored.ok_or_else(no_restore)?;
    Ok((run.status(now_ms), run.needs_wake(driving, alarm_set)))
}

/// What the request that started `run` answers after its invocation: the refusal when a file
/// failed before anything was written, else the run's status.
pub fn start_answer(run: &RestoreRun, now_ms: u64) -> Result<RestoreStatus, StoreError> {
    match run.refused_before_writing() {
        Some(e) => Err(StoreError::BackupRefused {
            code: e.code.clone(),
            message: e.message.clone(),
        }),
        None => Ok(run.status(now_ms)),
    }
}

#[cfg(test)]
#[path = "restore_plan_tests.rs"]
pub(crate) mod tests;
