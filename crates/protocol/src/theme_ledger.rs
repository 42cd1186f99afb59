//! The rules of a store's theme history, sans-IO: given what StoreConfig holds (the history,
//! the draft, whether a publish is in flight) and a command, what to write and what to
//! answer. The object only executes the plan: the R2 conditional put of a version's body,
//! then the history row and the published pointer in one SQLite transaction.
//!
//! - A draft is validated against the store's assets and kept in its canonical stored form,
//!   with who saved it and when ([`plan_draft`]).
//! - Publishing takes the next version number (newest + 1); a version's body is immutable in
//!   R2 under [`theme_key`], written only if no object has that key, with its author, time,
//!   size and SHA-256 as metadata. A lost race ([`VersionWrite::taken`]) and a publish while
//!   another is in flight are conflicts (409): nothing changed.
//! - Roll back publishes an earlier version's body again as a new version (history only
//!   grows), migrated to the current schema on the way, naming the version it came from.

use crate::owner::AssetInfo;
use crate::store::{StoreError, Unavailable};
use crate::theme::{
    DraftTheme, Published, PublishedTheme, ThemeOverview, ThemeProblem, ThemeSlot, ThemeVersion,
    theme_key,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::rc::Rc;
use wandstore_theme::{AssetFile, AssetIndex, SCHEMA_VERSION, Theme, parse_draft};

/// The content type of a stored theme body.
pub const BODY_CONTENT_TYPE: &str = "application/json";

/// Who saved the draft and when (stored beside it as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftMeta {
    pub author: String,
    pub updated_at_ms: u64,
}

/// A validated draft to store: its canonical body and its meta row, and the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftWrite {
    pub body: String,
    pub meta_json: String,
    pub answer: DraftTheme,
}

/// A new version to write: the R2 object (key, body, metadata, digest) and, once R2 took
/// it, the history row and the published pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionWrite {
    pub key: String,
    pub body: String,
    /// The body's SHA-256, for R2's integrity check.
    pub digest: [u8; 32],
    /// R2 custom metadata.
    pub metadata: Vec<(String, String)>,
    pub record: ThemeVersion,
    /// The history row's JSON.
    pub record_json: String,
    /// The published theme, for the object's in-memory copy.
    pub theme: Theme,
}

impl VersionWrite {
    /// The refusal when R2's conditional put found the key taken (another publish won).
    pub fn taken(&self) -> StoreError {
        StoreError::Conflict {
            code: "version_taken".into(),
            message: format!(
                "theme version {} was written meanwhile; try again",
                self.record.version
            ),
        }
    }

    /// The answer once both writes are done.
    pub fn answer(&self) -> Published {
        Published {
            version: self.record.version,
        }
    }
}

/// The published theme as StoreConfig holds it in memory, so pages never wait on R2.
#[derive(Debug, Clone)]
pub struct PublishedCopy {
    pub version: u32,
    pub body: Rc<String>,
    pub theme: Rc<Theme>,
}

impl PublishedCopy {
    /// From the stored pointer and body; `None` for a store that never published.
    pub fn from_row(
        version: Option<i64>,
        body: Option<String>,
    ) -> Result<Option<Self>, StoreError> {
        let (Some(version), Some(body)) = (version, body) else {
            return Ok(None);
        };
        let theme = Theme::from_stored(body.as_bytes()).map_err(|e| unreadable("theme", e))?;
        Ok(Some(PublishedCopy {
            version: u32::try_from(version).unwrap_or(0),
            body: Rc::new(body),
            theme: Rc::new(theme),
        }))
    }

    /// The version and its body, as [`overview`] and [`slot_for`] take them.
    pub fn parts(&self) -> (u32, &str) {
        (self.version, self.body.as_str())
    }
}

impl From<VersionWrite> for PublishedCopy {
    /// The copy once a planned version was written.
    fn from(write: VersionWrite) -> Self {
        PublishedCopy {
            version: write.record.version,
            body: Rc::new(write.body),
            theme: Rc::new(write.theme),
        }
    }
}

/// The store's theme history as the object holds it, for planning a publish.
#[derive(Debug, Clone, Copy)]
pub struct ThemeLedger<'a> {
    pub store: &'a str,
    /// Every published version, newest first.
    pub history: &'a [ThemeVersion],
    /// Whether a publish of this store is between its R2 write and its transaction.
    pub publishing: bool,
}

impl ThemeLedger<'_> {
    /// Publishing the draft (`None`: there is none).
    pub fn publish_draft(
        &self,
        draft: Option<&str>,
        author: &str,
        now_ms: u64,
    ) -> Result<VersionWrite, StoreError> {
        let draft = draft.ok_or_else(|| StoreError::Conflict {
            code: "no_draft".into(),
            message: "there is no draft to publish: save one with PUT theme/draft first".into(),
        })?;
        self.next_version(draft.to_owned(), author, now_ms, None)
    }

    /// The R2 key to read for rolling back to `version`, if the history has it.
    pub fn rollback_source(&self, version: u32) -> Result<String, StoreError> {
        if self.history.iter().any(|v| v.version == version) {
            Ok(theme_key(self.store, version))
        } else {
            Err(StoreError::Missing {
                code: "version_not_found".into(),
                message: format!("there is no published theme version {version}"),
            })
        }
    }

    /// Publishing `version`'s body (`fetched` from [`Self::rollback_source`]'s key; `None`:
    /// R2 has no such object) again, migrated to the current schema.
    pub fn rollback(
        &self,
        version: u32,
        fetched: Option<&str>,
        author: &str,
        now_ms: u64,
    ) -> Result<VersionWrite, StoreError> {
        let body = fetched
            .ok_or_else(|| r2_unavailable(format!("version {version}'s body is missing")))?;
        let theme = Theme::from_stored(body.as_bytes()).map_err(|e| unreadable("theme", e))?;
        let stored = serde_json::to_string(&theme).map_err(|e| unreadable("theme", e))?;
        self.next_version(stored, author, now_ms, Some(version))
    }

    /// Refuses while another publish of the store is in flight.
    pub fn check_free(&self) -> Result<(), StoreError> {
        if self.publishing {
            return Err(publish_in_progress());
        }
        Ok(())
    }

    fn next_version(
        &self,
        body: String,
        author: &str,
        now_ms: u64,
        rolled_back_from: Option<u32>,
    ) -> Result<VersionWrite, StoreError> {
        self.check_free()?;
        let theme = Theme::from_stored(body.as_bytes()).map_err(|e| unreadable("theme", e))?;
        let latest = self.history.iter().map(|v| v.version).max().unwrap_or(0);
        let version = latest.saturating_add(1);
        let digest: [u8; 32] = Sha256::digest(body.as_bytes()).into();
        let sha256 = hex::encode(digest);
        let record = ThemeVersion {
            version,
            author: author.to_owned(),
            created_at_ms: now_ms,
            size: body.len() as u64,
            sha256: sha256.clone(),
            rolled_back_from,
        };
        let metadata = vec![
            ("author".to_owned(), record.author.clone()),
            ("created_at_ms".to_owned(), now_ms.to_string()),
            ("size".to_owned(), record.size.to_string()),
            ("sha256".to_owned(), sha256),
        ];
        let record_json = serde_json::to_string(&record).map_err(|e| unreadable("version", e))?;
        Ok(VersionWrite {
            key: theme_key(self.store, version),
            body,
            digest,
            metadata,
            record,
            record_json,
            theme,
        })
    }
}

/// Validates a posted draft against the store's assets: its stored form and meta, or every
/// problem with its path (`ThemeInvalid`, 422).
pub fn plan_draft(
    body: &str,
    assets: &[AssetInfo],
    author: &str,
    now_ms: u64,
) -> Result<DraftWrite, StoreError> {
    let theme = parse_draft(body.as_bytes(), &asset_index(assets)).map_err(|errors| {
        StoreError::ThemeInvalid {
            fields: errors
                .into_iter()
                .map(|e| ThemeProblem {
                    path: e.path,
                    message: e.message,
                })
                .collect(),
        }
    })?;
    let body = serde_json::to_string(&theme).map_err(|e| unreadable("theme", e))?;
    let meta = DraftMeta {
        author: author.to_owned(),
        updated_at_ms: now_ms,
    };
    Ok(DraftWrite {
        meta_json: serde_json::to_string(&meta).map_err(|e| unreadable("draft", e))?,
        answer: DraftTheme {
            theme: serde_json::from_str(&body).map_err(|e| unreadable("theme", e))?,
            author: meta.author,
            updated_at_ms: now_ms,
        },
        body,
    })
}

/// The store's assets by name, as the validator checks a theme's images against them.
pub fn asset_index(assets: &[AssetInfo]) -> AssetIndex {
    let mut index = AssetIndex::new();
    for a in assets {
        let file = AssetFile {
            file: a.file.clone(),
            content_type: a.content_type.clone(),
        };
        index.insert(&a.name, file);
    }
    index
}

/// The owner's view of the stored rows: the published version and body, and the draft
/// with its meta (a draft without meta is not shown).
pub fn overview(
    published: Option<(u32, &str)>,
    draft: Option<&str>,
    draft_meta: Option<&str>,
) -> Result<ThemeOverview, StoreError> {
    let json = |body: &str| serde_json::from_str(body).map_err(|e| unreadable("theme", e));
    let published = match published {
        Some((version, body)) => Some(PublishedTheme {
            version,
            theme: json(body)?,
        }),
        None => None,
    };
    let draft = match (draft, draft_meta) {
        (Some(body), Some(meta)) => {
            let meta: DraftMeta = serde_json::from_str(meta).map_err(|e| unreadable("draft", e))?;
            Some(DraftTheme {
                theme: json(body)?,
                author: meta.author,
                updated_at_ms: meta.updated_at_ms,
            })
        }
        _ => None,
    };
    Ok(ThemeOverview {
        schema_version: SCHEMA_VERSION,
        published,
        draft,
    })
}

/// The published theme for an asker that holds `have`: its body only when the asker lacks
/// it; version 0 and no body for a store that never published.
pub fn slot_for(published: Option<(u32, &str)>, have: Option<u32>) -> ThemeSlot {
    match published {
        Some((version, body)) => ThemeSlot {
            version,
            body: (have != Some(version)).then(|| body.to_owned()),
        },
        None => ThemeSlot {
            version: 0,
            body: None,
        },
    }
}

/// What a preview page shows: the draft, else the published body, at the published version
/// (0 for a store that never published).
pub fn preview_slot(
    published: Option<u32>,
    draft: Option<String>,
    body: Option<String>,
) -> ThemeSlot {
    ThemeSlot {
        version: published.unwrap_or(0),
        body: draft.or(body),
    }
}

/// A stored row that does not read back (a 500: the object's own data).
pub fn unreadable(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal {
        message: format!("{what} is unreadable: {e}"),
    }
}

/// Theme storage (R2) failed: a 503 the owner may retry.
pub fn r2_unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::CatalogUnavailable {
        why: Unavailable::upstream("r2_unavailable", format!("theme storage failed: {e}"), None),
    }
}

/// The refusal of a publish while another publish of the store is in flight.
pub fn publish_in_progress() -> StoreError {
    StoreError::Conflict {
        code: "publish_in_progress".into(),
        message: "another publish of this store is in progress; try again".into(),
    }
}

#[cfg(test)]
#[path = "theme_ledger_tests.rs"]
pub(crate) mod tests;
