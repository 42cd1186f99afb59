//! Checking a backup before anything is restored: a typed [`RestorePlan`], or a typed
//! [`RestoreRefusal`] and nothing changed.
//!
//! Two ways to use it:
//! - [`plan_restore`]: give the manifest's bytes and a way to get each file's bytes by R2 key;
//!   every file is checked (size, SHA-256, every line) before a plan exists. Fine for stores
//!   whose carts fit in memory.
//! - [`RestoreCheck`] step by step, for a store with many cart files: check the manifest,
//!   then verify and read each file in its own step ([`RestoreCheck::read_carts`] and drop
//!   the result), and only when every file passed start writing, re-reading each cart file
//!   (and re-checking it) as its page is restored.

use crate::contents::{
    OpenRecordError, SealedRecord, SettingsBackup, ShopperCart, ThemeBackup, ThemeLine, open_record,
};
use crate::crypto::BackupKey;
use crate::id::BackupId;
use crate::keys::{FileKind, file_key};
use crate::manifest::{FileEntry, Manifest, SCHEMA_VERSION};
use crate::ndjson::{read_lines, sha256_hex};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use std::fmt;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_registry::StoreRecord;

/// Why a backup will not be restored. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreRefusal {
    /// The manifest is not valid JSON of the expected shape.
    ManifestUnreadable(String),
    /// The manifest was written by a newer version.
    NewerSchema { found: u32, supported: u32 },
    /// The manifest is for another store.
    WrongStore { expected: String, found: String },
    /// The manifest is for another backup than the one asked for.
    WrongBackup { expected: String, found: String },
    /// The manifest's file list is inconsistent (unknown name, duplicate, missing base file,
    /// gap in cart pages, counts that do not add up).
    BadFileList(String),
    /// A listed file is not in the bucket.
    MissingFile { file: String },
    /// A file's size differs from the manifest's.
    SizeMismatch {
        file: String,
        expected: u64,
        found: u64,
    },
    /// A file's SHA-256 differs from the manifest's.
    ChecksumMismatch {
        file: String,
        expected: String,
        found: String,
    },
    /// A line is not what its file holds (1-based line number).
    MalformedLine {
        file: String,
        line: u64,
        message: String,
    },
    /// A file has another number of lines than the manifest says.
    LineCount {
        file: String,
        expected: u64,
        found: u64,
    },
    /// The record's token does not open with this backup secret, or the record is unreadable.
    Record(String),
    /// The theme file's pointer or history is unreadable, or its published body is not text.
    ThemeUnreadable(String),
    /// The published theme version's body is not in THEMES.
    ThemeBodyMissing { version: u32 },
    /// The published theme version's body in THEMES does not match its SHA-256.
    ThemeBodyChanged { version: u32 },
    /// The registry refused the restored store's entry (a custom domain another store took
    /// since the backup, or a slug claimed by another restore).
    Registry(String),
}

impl RestoreRefusal {
    /// The error code for the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            RestoreRefusal::ManifestUnreadable(_) => "backup_manifest_unreadable",
            RestoreRefusal::NewerSchema { .. } => "backup_schema_too_new",
            RestoreRefusal::WrongStore { .. } => "backup_wrong_store",
            RestoreRefusal::WrongBackup { .. } => "backup_wrong_id",
            RestoreRefusal::BadFileList(_) => "backup_bad_file_list",
            RestoreRefusal::MissingFile { .. } => "backup_file_missing",
            RestoreRefusal::SizeMismatch { .. } => "backup_size_mismatch",
            RestoreRefusal::ChecksumMismatch { .. } => "backup_checksum_mismatch",
            RestoreRefusal::MalformedLine { .. } => "backup_malformed_line",
            RestoreRefusal::LineCount { .. } => "backup_line_count",
            RestoreRefusal::Record(_) => "backup_record_unreadable",
            RestoreRefusal::ThemeUnreadable(_) => "backup_theme_unreadable",
            RestoreRefusal::ThemeBodyMissing { .. } => "backup_theme_body_missing",
            RestoreRefusal::ThemeBodyChanged { .. } => "backup_theme_body_changed",
            RestoreRefusal::Registry(_) => "backup_registry_refused",
        }
    }

    /// The HTTP status: 422, the backup exists but cannot be restored as asked.
    pub fn status(&self) -> u16 {
        422
    }
}

impl fmt::Display for RestoreRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestoreRefusal::ManifestUnreadable(m) => write!(f, "the manifest is unreadable: {m}"),
            RestoreRefusal::NewerSchema { found, supported } => write!(
                f,
                "the backup has schema version {found}; this version restores up to {supported}"
            ),
            RestoreRefusal::WrongStore { expected, found } => {
                write!(f, "the backup is of store {found:?}, not {expected:?}")
            }
            RestoreRefusal::WrongBackup { expected, found } => {
                write!(f, "the manifest is of backup {found:?}, not {expected:?}")
            }
            RestoreRefusal::BadFileList(m) => write!(f, "the manifest's file list is wrong: {m}"),
            RestoreRefusal::MissingFile { file } => write!(f, "the backup file {file} is missing"),
            RestoreRefusal::SizeMismatch {
                file,
                expected,
                found,
            } => write!(f, "{file} has {found} bytes; the manifest says {expected}"),
            RestoreRefusal::ChecksumMismatch {
                file,
                expected,
                found,
            } => write!(
                f,
                "{file} has SHA-256 {found}; the manifest says {expected} (changed or damaged)"
            ),
            RestoreRefusal::MalformedLine {
                file,
                line,
                message,
            } => write!(f, "{file} line {line}: {message}"),
            RestoreRefusal::LineCount {
                file,
                expected,
                found,
            } => write!(f, "{file} has {found} lines; the manifest says {expected}"),
            RestoreRefusal::Record(m) => write!(f, "store.ndjson: {m}"),
            RestoreRefusal::ThemeUnreadable(m) => write!(f, "theme.ndjson: {m}"),
            RestoreRefusal::ThemeBodyMissing { version } => {
                write!(f, "theme version {version}'s body is not in THEMES")
            }
            RestoreRefusal::Registry(m) => write!(f, "the registry refused the store: {m}"),
            RestoreRefusal::ThemeBodyChanged { version } => write!(
                f,
                "theme version {version}'s body does not match its SHA-256"
            ),
        }
    }
}

/// Everything a restore writes back, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RestorePlan {
    pub manifest: Manifest,
    /// The store record, storefront token decrypted.
    pub record: StoreRecord,
    pub theme: ThemeBackup,
    pub settings: SettingsBackup,
    /// Every non-empty cart, each shopper once.
    pub carts: Vec<ShopperCart>,
}

/// A manifest that passed its own checks; verifies and reads the files it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreCheck {
    manifest: Manifest,
}

#[derive(Deserialize)]
struct SchemaOnly {
    schema_version: u32,
}

impl RestoreCheck {
    /// Checks the manifest: schema version first (a newer manifest may have another shape),
    /// then its shape, its store and id, and its file list.
    pub fn from_manifest(
        bytes: &[u8],
        store: &StoreSlug,
        id: &BackupId,
    ) -> Result<RestoreCheck, RestoreRefusal> {
        let schema: SchemaOnly = serde_json::from_slice(bytes)
            .map_err(|e| RestoreRefusal::ManifestUnreadable(e.to_string()))?;
        if schema.schema_version > SCHEMA_VERSION {
            return Err(RestoreRefusal::NewerSchema {
                found: schema.schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        let manifest: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| RestoreRefusal::ManifestUnreadable(e.to_string()))?;
        if &manifest.store != store {
            return Err(RestoreRefusal::WrongStore {
                expected: store.to_string(),
                found: manifest.store.to_string(),
            });
        }
        if &manifest.backup_id != id {
            return Err(RestoreRefusal::WrongBackup {
                expected: id.to_string(),
                found: manifest.backup_id.to_string(),
            });
        }
        check_file_list(&manifest)?;
        Ok(RestoreCheck { manifest })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Every file with its R2 key, in the manifest's order.
    pub fn files(&self) -> Vec<(FileKind, String)> {
        self.kinds()
            .map(|k| {
                (
                    k,
                    file_key(&self.manifest.store, &self.manifest.backup_id, k),
                )
            })
            .collect()
    }

    /// The cart files' kinds, in page order.
    pub fn cart_files(&self) -> Vec<FileKind> {
        self.kinds()
            .filter(|k| matches!(k, FileKind::Carts(_)))
            .collect()
    }

    fn kinds(&self) -> impl Iterator<Item = FileKind> + '_ {
        self.manifest
            .files
            .iter()
            .filter_map(|f| FileKind::parse(&f.name))
    }

    fn entry(&self, kind: FileKind) -> Result<&FileEntry, RestoreRefusal> {
        let name = kind.file_name();
        self.manifest
            .files
            .iter()
            .find(|f| f.name == name)
            .ok_or(RestoreRefusal::BadFileList(format!(
                "{name} is not in this backup"
            )))
    }

    /// Checks a file's bytes (`None`: not in the bucket) against the manifest.
    pub fn verify(&self, kind: FileKind, bytes: Option<&[u8]>) -> Result<(), RestoreRefusal> {
        let entry = self.entry(kind)?;
        let bytes = bytes.ok_or_else(|| RestoreRefusal::MissingFile {
            file: entry.name.clone(),
        })?;
        if bytes.len() as u64 != entry.bytes {
            return Err(RestoreRefusal::SizeMismatch {
                file: entry.name.clone(),
                expected: entry.bytes,
                found: bytes.len() as u64,
            });
        }
        let found = sha256_hex(bytes);
        if found != entry.sha256 {
            return Err(RestoreRefusal::ChecksumMismatch {
                file: entry.name.clone(),
                expected: entry.sha256.clone(),
                found,
            });
        }
        Ok(())
    }

    fn lines<T: DeserializeOwned>(
        &self,
        kind: FileKind,
        bytes: Option<&[u8]>,
    ) -> Result<Vec<T>, RestoreRefusal> {
        self.verify(kind, bytes)?;
        let entry = self.entry(kind)?;
        let values =
            read_lines(bytes.unwrap_or_default()).map_err(|e| RestoreRefusal::MalformedLine {
                file: entry.name.clone(),
                line: e.line,
                message: e.message,
            })?;
        if values.len() as u64 != entry.lines {
            return Err(RestoreRefusal::LineCount {
                file: entry.name.clone(),
                expected: entry.lines,
                found: values.len() as u64,
            });
        }
        Ok(values)
    }

    /// Verifies and reads `store.ndjson`, opening the token with `key`.
    pub fn read_record(
        &self,
        bytes: Option<&[u8]>,
        key: &BackupKey,
    ) -> Result<StoreRecord, RestoreRefusal> {
        let lines: Vec<SealedRecord> = self.lines(FileKind::Store, bytes)?;
        let [sealed] =
            <[SealedRecord; 1]>::try_from(lines).map_err(|v| RestoreRefusal::LineCount {
                file: FileKind::Store.file_name(),
                expected: 1,
                found: v.len() as u64,
            })?;
        let store = self.manifest.store.as_str();
        let record = open_record(&sealed, key, store).map_err(|e| match e {
            OpenRecordError::Crypto(c) => RestoreRefusal::Record(c.to_string()),
            OpenRecordError::Shape(m) => RestoreRefusal::Record(m),
        })?;
        if record.slug != self.manifest.store {
            return Err(RestoreRefusal::Record(format!(
                "the record is of store {:?}",
                record.slug.as_str()
            )));
        }
        Ok(record)
    }

    /// Verifies and reads `theme.ndjson`: at most one pointer line.
    pub fn read_theme(&self, bytes: Option<&[u8]>) -> Result<ThemeBackup, RestoreRefusal> {
        let lines: Vec<ThemeLine> = self.lines(FileKind::Theme, bytes)?;
        let mut theme = ThemeBackup::default();
        for (i, line) in lines.into_iter().enumerate() {
            match line {
                ThemeLine::Pointer(p) if theme.pointer.is_none() => theme.pointer = Some(p),
                ThemeLine::Pointer(_) => {
                    return Err(RestoreRefusal::MalformedLine {
                        file: FileKind::Theme.file_name(),
                        line: i as u64 + 1,
                        message: "a second theme pointer".into(),
                    });
                }
                ThemeLine::Version(v) => theme.versions.push(v),
            }
        }
        Ok(theme)
    }

    /// Verifies and reads `settings.ndjson` (one line).
    pub fn read_settings(&self, bytes: Option<&[u8]>) -> Result<SettingsBackup, RestoreRefusal> {
        let lines: Vec<SettingsBackup> = self.lines(FileKind::Settings, bytes)?;
        let [settings] =
            <[SettingsBackup; 1]>::try_from(lines).map_err(|v| RestoreRefusal::LineCount {
                file: FileKind::Settings.file_name(),
                expected: 1,
                found: v.len() as u64,
            })?;
        Ok(settings)
    }

    /// Verifies and reads one cart file; every cart must obey the cart rules.
    pub fn read_carts(
        &self,
        kind: FileKind,
        bytes: Option<&[u8]>,
    ) -> Result<Vec<ShopperCart>, RestoreRefusal> {
        if !matches!(kind, FileKind::Carts(_)) {
            return Err(RestoreRefusal::BadFileList(format!(
                "{kind} is not a cart file"
            )));
        }
        let carts: Vec<ShopperCart> = self.lines(kind, bytes)?;
        for (i, cart) in carts.iter().enumerate() {
            cart.check().map_err(|e| RestoreRefusal::MalformedLine {
                file: kind.file_name(),
                line: i as u64 + 1,
                message: e.to_string(),
            })?;
        }
        Ok(carts)
    }
}

/// What [`RestoreCheck::verify_file`] found: the theme file's contents (its published body
/// is checked next, against THEMES), or nothing more to check.
#[derive(Debug, Clone, PartialEq)]
pub enum Verified {
    Theme(ThemeBackup),
    Done,
}

impl RestoreCheck {
    /// Verifies and reads one file of any kind (`key` opens the record).
    pub fn verify_file(
        &self,
        kind: FileKind,
        bytes: Option<&[u8]>,
        key: &BackupKey,
    ) -> Result<Verified, RestoreRefusal> {
        match kind {
            FileKind::Store => self.read_record(bytes, key).map(|_| Verified::Done),
            FileKind::Theme => self.read_theme(bytes).map(Verified::Theme),
            FileKind::Settings => self.read_settings(bytes).map(|_| Verified::Done),
            FileKind::Carts(_) => self.read_carts(kind, bytes).map(|_| Verified::Done),
        }
    }

    /// Verifies and reads the three base files (record, theme, settings) as a restore writes
    /// them back.
    pub fn read_base(
        &self,
        [store, theme, settings]: [Option<&[u8]>; 3],
        key: &BackupKey,
    ) -> Result<(StoreRecord, ThemeBackup, SettingsBackup), RestoreRefusal> {
        Ok((
            self.read_record(store, key)?,
            self.read_theme(theme)?,
            self.read_settings(settings)?,
        ))
    }

    /// Verifies a cart file and answers its carts `skip..skip + take`.
    pub fn read_cart_page(
        &self,
        kind: FileKind,
        bytes: Option<&[u8]>,
        skip: u64,
        take: u64,
    ) -> Result<Vec<ShopperCart>, RestoreRefusal> {
        let skip = usize::try_from(skip).unwrap_or(usize::MAX);
        let take = usize::try_from(take).unwrap_or(usize::MAX);
        Ok(self
            .read_carts(kind, bytes)?
            .into_iter()
            .skip(skip)
            .take(take)
            .collect())
    }
}

/// The manifest's file list: known names, no duplicates, the three base files, cart pages
/// numbered 1..=n without gaps, and counts that add up.
fn check_file_list(m: &Manifest) -> Result<(), RestoreRefusal> {
    let bad = |msg: String| Err(RestoreRefusal::BadFileList(msg));
    let mut seen = HashSet::new();
    let mut pages = Vec::new();
    for f in &m.files {
        let Some(kind) = FileKind::parse(&f.name) else {
            return bad(format!("unknown file name {:?}", f.name));
        };
        if !seen.insert(kind) {
            return bad(format!("{} is listed twice", f.name));
        }
        if f.sha256.len() != 64
            || !f
                .sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return bad(format!("{} has no valid SHA-256", f.name));
        }
        if let FileKind::Carts(n) = kind {
            pages.push(n);
        }
    }
    for base in [FileKind::Store, FileKind::Theme, FileKind::Settings] {
        if !seen.contains(&base) {
            return bad(format!("{base} is not listed"));
        }
    }
    pages.sort_unstable();
    if pages.iter().enumerate().any(|(i, n)| *n as usize != i + 1) {
        return bad("cart pages are not numbered 1, 2, 3… without gaps".into());
    }
    let cart_lines: u64 = m
        .files
        .iter()
        .filter(|f| f.name.starts_with("carts-"))
        .map(|f| f.lines)
        .sum();
    if cart_lines != m.counts.carts {
        return bad(format!(
            "cart files hold {cart_lines} carts; the counts say {}",
            m.counts.carts
        ));
    }
    if m.files.len() as u64 != m.counts.files {
        return bad(format!(
            "{} files listed; the counts say {}",
            m.files.len(),
            m.counts.files
        ));
    }
    Ok(())
}

/// Checks a whole backup and reads it into a plan. `fetch` answers a file's bytes by R2 key
/// (`None` when the object does not exist). Every file is checked before the plan exists.
pub fn plan_restore(
    manifest: &[u8],
    store: &StoreSlug,
    id: &BackupId,
    key: &BackupKey,
    mut fetch: impl FnMut(&str) -> Option<Vec<u8>>,
) -> Result<RestorePlan, RestoreRefusal> {
    let check = RestoreCheck::from_manifest(manifest, store, id)?;
    let mut record = None;
    let mut theme = None;
    let mut settings = None;
    let mut carts = Vec::new();
    let mut shoppers: HashSet<ShopperId> = HashSet::new();
    for (kind, r2_key) in check.files() {
        let bytes = fetch(&r2_key);
        let bytes = bytes.as_deref();
        match kind {
            FileKind::Store => record = Some(check.read_record(bytes, key)?),
            FileKind::Theme => theme = Some(check.read_theme(bytes)?),
            FileKind::Settings => settings = Some(check.read_settings(bytes)?),
            FileKind::Carts(_) => {
                for (i, cart) in check.read_carts(kind, bytes)?.into_iter().enumerate() {
                    if !shoppers.insert(cart.shopper.clone()) {
                        return Err(RestoreRefusal::MalformedLine {
                            file: kind.file_name(),
                            line: i as u64 + 1,
                            message: "this shopper's cart is already in the backup".into(),
                        });
                    }
                    carts.push(cart);
                }
            }
        }
    }
    let (Some(record), Some(theme), Some(settings)) = (record, theme, settings) else {
        return Err(RestoreRefusal::BadFileList(
            "a base file is not listed".into(),
        ));
    };
    Ok(RestorePlan {
        manifest: check.manifest,
        record,
        theme,
        settings,
        carts,
    })
}
