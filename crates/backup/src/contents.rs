//! What the lines of each data file hold, and building the files from a store's data.
//!
//! - `store.ndjson`: one [`SealedRecord`] line: the record as `StoreRecord::to_storage_json`
//!   stores it, with `storefront_token` replaced by `storefront_token_sealed` (a
//!   [`Sealed`](crate::crypto::Sealed)).
//! - `theme.ndjson`: [`ThemeLine`]s: at most one `{"kind":"pointer","data":…}` and one
//!   `{"kind":"version","data":…}` per theme version.
//! - `settings.ndjson`: one line, the personalization settings as JSON (`null` when none).
//! - `carts-NNNN.ndjson`: one [`ShopperCart`] line per shopper with a non-empty cart.
//!
//! Theme and personalization types are owned by other crates, so they travel here as
//! `serde_json::Value` ("typed at the edge"): the shell serializes its own types into
//! [`ThemeBackup`] and [`SettingsBackup`] and reads them back with their `typed` helpers.
//! Expected shapes: the pointer is StoreConfig's current theme pointer (e.g.
//! `{"published": 3}`); each version is a reference to an immutable body in THEMES, e.g.
//! `{"version": 3, "r2_key": "…", "sha256": "…", "author": "…", "created_ms": 0, "size": 0}`.
//! Bodies are never copied: they are immutable in THEMES.

use crate::crypto::{BackupKey, NONCE_LEN, Sealed};
use crate::keys::FileKind;
use crate::ndjson::{NdjsonWriter, WrittenFile};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;
use wandstore_core::cart::{CartLine, MAX_LINES, MAX_QUANTITY};
use wandstore_core::identity::ShopperId;
use wandstore_registry::StoreRecord;

/// The record line: the stored record's fields, the token sealed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealedRecord {
    /// Every field of the stored record except `storefront_token`.
    pub record: Map<String, Value>,
    pub storefront_token_sealed: Sealed,
}

/// A theme line (see the module docs for the shapes of `data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum ThemeLine {
    Pointer(Value),
    Version(Value),
}

/// A store's theme pointer and version history, as references.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThemeBackup {
    /// `None` when the store has no theme pointer.
    pub pointer: Option<Value>,
    /// Oldest first, as StoreConfig lists them.
    pub versions: Vec<Value>,
}

impl ThemeBackup {
    /// From the shell's own pointer and version types.
    pub fn from_typed<P: Serialize, V: Serialize>(
        pointer: Option<&P>,
        versions: &[V],
    ) -> Result<ThemeBackup, serde_json::Error> {
        Ok(ThemeBackup {
            pointer: pointer.map(serde_json::to_value).transpose()?,
            versions: versions
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()?,
        })
    }

    /// Back into the shell's own pointer and version types.
    pub fn typed<P: DeserializeOwned, V: DeserializeOwned>(
        &self,
    ) -> Result<(Option<P>, Vec<V>), serde_json::Error> {
        let pointer = self
            .pointer
            .clone()
            .map(serde_json::from_value)
            .transpose()?;
        let versions = self
            .versions
            .iter()
            .cloned()
            .map(serde_json::from_value)
            .collect::<Result<_, _>>()?;
        Ok((pointer, versions))
    }
}

/// A store's personalization settings (`Value::Null` when it has none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SettingsBackup(pub Value);

impl SettingsBackup {
    pub fn from_typed<S: Serialize>(settings: Option<&S>) -> Result<Self, serde_json::Error> {
        Ok(SettingsBackup(match settings {
            Some(s) => serde_json::to_value(s)?,
            None => Value::Null,
        }))
    }

    /// The settings in the shell's type; `None` when the backup had none.
    pub fn typed<S: DeserializeOwned>(&self) -> Result<Option<S>, serde_json::Error> {
        match &self.0 {
            Value::Null => Ok(None),
            v => serde_json::from_value(v.clone()).map(Some),
        }
    }
}

/// One shopper's cart as backed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopperCart {
    pub shopper: ShopperId,
    pub lines: Vec<CartLine>,
}

/// Why a cart from a backup would break the cart rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartRuleError {
    Empty,
    TooManyLines(usize),
    Quantity(String),
    DuplicateVariant(String),
}

impl fmt::Display for CartRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CartRuleError::Empty => f.write_str("a backed-up cart has no lines"),
            CartRuleError::TooManyLines(n) => {
                write!(
                    f,
                    "a cart holds at most {MAX_LINES} lines; this one has {n}"
                )
            }
            CartRuleError::Quantity(v) => {
                write!(f, "line {v:?} has a quantity outside 1..={MAX_QUANTITY}")
            }
            CartRuleError::DuplicateVariant(v) => write!(f, "variant {v:?} appears twice"),
        }
    }
}

impl ShopperCart {
    /// Checks the cart rules a restored cart must obey.
    pub fn check(&self) -> Result<(), CartRuleError> {
        if self.lines.is_empty() {
            return Err(CartRuleError::Empty);
        }
        if self.lines.len() > MAX_LINES {
            return Err(CartRuleError::TooManyLines(self.lines.len()));
        }
        let mut seen = HashSet::new();
        for line in &self.lines {
            if !(1..=MAX_QUANTITY).contains(&line.quantity) {
                return Err(CartRuleError::Quantity(line.variant_id.clone()));
            }
            if !seen.insert(line.variant_id.as_str()) {
                return Err(CartRuleError::DuplicateVariant(line.variant_id.clone()));
            }
        }
        Ok(())
    }
}

/// The record with its token sealed for its store. `nonce`: 24 fresh CSPRNG bytes.
pub fn seal_record(
    record: &StoreRecord,
    key: &BackupKey,
    nonce: [u8; NONCE_LEN],
) -> Result<SealedRecord, serde_json::Error> {
    let mut fields: Map<String, Value> = serde_json::from_str(&record.to_storage_json())?;
    let token = match fields.remove("storefront_token") {
        Some(Value::String(t)) => t,
        _ => String::new(),
    };
    Ok(SealedRecord {
        storefront_token_sealed: key.seal(&token, record.slug.as_str(), nonce),
        record: fields,
    })
}

/// Why a sealed record could not be turned back into a store record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenRecordError {
    Crypto(crate::crypto::CryptoError),
    Shape(String),
}

impl fmt::Display for OpenRecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenRecordError::Crypto(e) => e.fmt(f),
            OpenRecordError::Shape(m) => write!(f, "the store record is not readable: {m}"),
        }
    }
}

/// The store record, token opened with `key` for `store`.
pub fn open_record(
    sealed: &SealedRecord,
    key: &BackupKey,
    store: &str,
) -> Result<StoreRecord, OpenRecordError> {
    let token = key
        .open(&sealed.storefront_token_sealed, store)
        .map_err(OpenRecordError::Crypto)?;
    let mut fields = sealed.record.clone();
    fields.insert("storefront_token".into(), Value::String(token));
    let json = serde_json::to_string(&fields).map_err(|e| OpenRecordError::Shape(e.to_string()))?;
    StoreRecord::from_storage_json(&json).map_err(|e| OpenRecordError::Shape(e.to_string()))
}

/// The three files every backup starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseFiles {
    /// Record, theme, settings: the order of [`crate::run::BackupRun::base_keys`].
    pub files: [WrittenFile; 3],
    /// Theme versions referenced, for the manifest's counts.
    pub theme_versions: u64,
}

/// Builds the record, theme and settings files.
pub fn base_files(
    record: &SealedRecord,
    theme: &ThemeBackup,
    settings: &SettingsBackup,
) -> Result<BaseFiles, serde_json::Error> {
    let mut store = NdjsonWriter::new(FileKind::Store);
    store.push(record)?;
    let mut themes = NdjsonWriter::new(FileKind::Theme);
    if let Some(p) = &theme.pointer {
        themes.push(&ThemeLine::Pointer(p.clone()))?;
    }
    for v in &theme.versions {
        themes.push(&ThemeLine::Version(v.clone()))?;
    }
    let mut s = NdjsonWriter::new(FileKind::Settings);
    s.push(settings)?;
    Ok(BaseFiles {
        files: [store.finish(), themes.finish(), s.finish()],
        theme_versions: theme.versions.len() as u64,
    })
}

/// One page's cart file, skipping empty carts; `None` when every cart was empty (nothing to
/// write). The second value is the number of cart lines written.
pub fn cart_file(
    page: u32,
    carts: &[ShopperCart],
) -> Result<Option<(WrittenFile, u64)>, serde_json::Error> {
    let mut w = NdjsonWriter::new(FileKind::Carts(page));
    let mut lines = 0u64;
    for cart in carts.iter().filter(|c| !c.lines.is_empty()) {
        w.push(cart)?;
        lines += cart.lines.len() as u64;
    }
    Ok((w.lines() > 0).then(|| (w.finish(), lines)))
}
