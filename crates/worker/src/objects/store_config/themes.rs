//! The store's themes: the draft, the published pointer (with a copy of its body, so pages
//! never wait on R2) and the history in SQLite; every published body, immutable, in R2 THEMES
//! (`{store}/themes/{version}.json`). Publishing writes the body first with a conditional put
//! (only if no object has that key), then swaps the pointer in one transaction: a failed R2
//! write leaves the previous theme published, and two publishes cannot both take a version.

use super::{StoreState, internal};
use crate::sql;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::rc::Rc;
use wandstore_protocol::store::{StoreError, Unavailable};
use wandstore_protocol::theme::{
    DraftTheme, Published, PublishedTheme, StoreSnapshot, ThemeOverview, ThemeProblem, ThemeSlot,
    ThemeVersion, theme_key,
};
use wandstore_theme::{AssetFile, AssetIndex, SCHEMA_VERSION, Theme, parse_draft};
use worker::{Conditional, HttpMetadata};

/// The R2 bucket of theme bodies.
const THEMES_BUCKET: &str = "THEMES";

/// The published theme as this object holds it in memory.
#[derive(Clone)]
pub struct PublishedCopy {
    pub version: u32,
    pub body: Rc<String>,
    pub theme: Rc<Theme>,
}

#[derive(Deserialize)]
struct StateRow {
    published: Option<i64>,
    published_body: Option<String>,
    draft: Option<String>,
    draft_meta: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct DraftMeta {
    author: String,
    updated_at_ms: u64,
}

#[derive(Deserialize)]
struct JsonRow {
    json: String,
}

fn unreadable(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal {
        message: format!("{what} is unreadable: {e}"),
    }
}

fn no_draft() -> StoreError {
    StoreError::Conflict {
        code: "no_draft".into(),
        message: "there is no draft to publish: save one with PUT theme/draft first".into(),
    }
}

fn r2_unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::CatalogUnavailable {
        why: Unavailable::upstream("r2_unavailable", format!("theme storage failed: {e}"), None),
    }
}

impl StoreState {
    fn theme_row(&self) -> Result<StateRow, StoreError> {
        let rows: Vec<StateRow> = self
            .db
            .rows(
                "SELECT published, published_body, draft, draft_meta FROM theme_state WHERE id = 1",
                None,
            )
            .map_err(internal)?;
        rows.into_iter().next().ok_or_else(|| StoreError::Internal {
            message: "theme_state has no row".into(),
        })
    }

    /// The published theme, read from SQLite once per object lifetime; `None` for a store
    /// that never published (pages use the default theme).
    pub fn published(&self) -> Result<Option<PublishedCopy>, StoreError> {
        if let Some(copy) = self.published.borrow().as_ref() {
            return Ok(Some(copy.clone()));
        }
        let row = self.theme_row()?;
        let (Some(version), Some(body)) = (row.published, row.published_body) else {
            return Ok(None);
        };
        let theme = Theme::from_stored(body.as_bytes()).map_err(|e| unreadable("theme", e))?;
        let copy = PublishedCopy {
            version: u32::try_from(version).unwrap_or(0),
            body: Rc::new(body),
            theme: Rc::new(theme),
        };
        *self.published.borrow_mut() = Some(copy.clone());
        Ok(Some(copy))
    }

    /// Settings and the published theme, its body only if the asker does not hold it.
    pub fn snapshot(&self, have_theme: Option<u32>) -> Result<StoreSnapshot, StoreError> {
        let settings = self.settings()?;
        let theme = match self.published()? {
            Some(p) => ThemeSlot {
                version: p.version,
                body: (have_theme != Some(p.version)).then(|| p.body.as_ref().clone()),
            },
            None => ThemeSlot {
                version: 0,
                body: None,
            },
        };
        let personalization = self.personalization_settings()?;
        Ok(StoreSnapshot {
            settings,
            theme,
            personalization,
        })
    }

    /// The draft for a preview page (or the published theme when there is none).
    pub fn draft_slot(&self) -> Result<ThemeSlot, StoreError> {
        self.settings()?;
        let row = self.theme_row()?;
        let version = self.published()?.map_or(0, |p| p.version);
        Ok(ThemeSlot {
            version,
            body: row.draft.or(row.published_body),
        })
    }

    /// The published theme's favicon file.
    pub fn favicon(&self) -> Result<Option<String>, StoreError> {
        self.settings()?;
        Ok(self.published()?.and_then(|p| p.theme.favicon.clone()))
    }

    /// Whether the published theme refers to this asset file.
    pub fn published_uses(&self, file: &str) -> Result<bool, StoreError> {
        Ok(self
            .published()?
            .is_some_and(|p| p.theme.asset_files_used().contains(file)))
    }

    fn asset_index(&self) -> Result<AssetIndex, StoreError> {
        let mut index = AssetIndex::new();
        for a in self.assets()? {
            let file = AssetFile {
                file: a.file,
                content_type: a.content_type,
            };
            index.insert(&a.name, file);
        }
        Ok(index)
    }

    /// Published and draft, as the owner API shows them.
    pub fn theme_overview(&self) -> Result<ThemeOverview, StoreError> {
        self.settings()?;
        let row = self.theme_row()?;
        let json = |body: &str| serde_json::from_str(body).map_err(|e| unreadable("theme", e));
        let published = match self.published()? {
            Some(p) => Some(PublishedTheme {
                version: p.version,
                theme: json(&p.body)?,
            }),
            None => None,
        };
        let draft = match (row.draft, row.draft_meta) {
            (Some(body), Some(meta)) => {
                let meta: DraftMeta =
                    serde_json::from_str(&meta).map_err(|e| unreadable("draft", e))?;
                Some(DraftTheme {
                    theme: json(&body)?,
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

    /// Validates the document against the store's assets and saves it as the draft.
    pub fn put_draft(
        &self,
        body: &str,
        author: &str,
        now_ms: u64,
    ) -> Result<DraftTheme, StoreError> {
        self.settings()?;
        let theme = parse_draft(body.as_bytes(), &self.asset_index()?).map_err(|errors| {
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
        let stored = serde_json::to_string(&theme).map_err(|e| unreadable("theme", e))?;
        let meta = DraftMeta {
            author: author.to_owned(),
            updated_at_ms: now_ms,
        };
        let meta_json = serde_json::to_string(&meta).map_err(|e| unreadable("draft", e))?;
        self.db
            .run(
                "UPDATE theme_state SET draft = ?, draft_meta = ? WHERE id = 1",
                vec![stored.clone().into(), meta_json.into()],
            )
            .map_err(internal)?;
        self.broadcast_draft_changed();
        Ok(DraftTheme {
            theme: serde_json::from_str(&stored).map_err(|e| unreadable("theme", e))?,
            author: meta.author,
            updated_at_ms: now_ms,
        })
    }

    /// Every published version, newest first.
    pub fn theme_versions(&self) -> Result<Vec<ThemeVersion>, StoreError> {
        self.settings()?;
        let rows: Vec<JsonRow> = self
            .db
            .rows(
                "SELECT json FROM theme_versions ORDER BY version DESC",
                None,
            )
            .map_err(internal)?;
        rows.iter()
            .map(|r| serde_json::from_str(&r.json).map_err(|e| unreadable("theme version", e)))
            .collect()
    }

    /// Publishes the draft as a new version.
    pub async fn publish_draft(&self, author: &str, now_ms: u64) -> Result<Published, StoreError> {
        self.settings()?;
        let draft = self.theme_row()?.draft.ok_or_else(no_draft)?;
        self.publish_body(draft, author, now_ms, None).await
    }

    /// Publishes an earlier version's body again as a new version (migrated to the current
    /// schema on the way: an old version is never rejected).
    pub async fn rollback_theme(
        &self,
        version: u32,
        author: &str,
        now_ms: u64,
    ) -> Result<Published, StoreError> {
        let known = self.theme_versions()?.iter().any(|v| v.version == version);
        if !known {
            return Err(StoreError::Missing {
                code: "version_not_found".into(),
                message: format!("there is no published theme version {version}"),
            });
        }
        let bucket = self.env.bucket(THEMES_BUCKET).map_err(r2_unavailable)?;
        let key = theme_key(&self.slug.borrow(), version);
        let object = bucket
            .get(key)
            .execute()
            .await
            .map_err(r2_unavailable)?
            .ok_or_else(|| r2_unavailable(format!("version {version}'s body is missing")))?;
        let body = object
            .body()
            .ok_or_else(|| r2_unavailable("empty body"))?
            .text()
            .await
            .map_err(r2_unavailable)?;
        let theme = Theme::from_stored(body.as_bytes()).map_err(|e| unreadable("theme", e))?;
        let stored = serde_json::to_string(&theme).map_err(|e| unreadable("theme", e))?;
        self.publish_body(stored, author, now_ms, Some(version))
            .await
    }

    async fn publish_body(
        &self,
        body: String,
        author: &str,
        now_ms: u64,
        rolled_back_from: Option<u32>,
    ) -> Result<Published, StoreError> {
        if self.publishing.replace(true) {
            return Err(StoreError::Conflict {
                code: "publish_in_progress".into(),
                message: "another publish of this store is in progress; try again".into(),
            });
        }
        let result = self
            .write_version(body, author, now_ms, rolled_back_from)
            .await;
        self.publishing.set(false);
        result
    }

    async fn write_version(
        &self,
        body: String,
        author: &str,
        now_ms: u64,
        rolled_back_from: Option<u32>,
    ) -> Result<Published, StoreError> {
        let theme = Theme::from_stored(body.as_bytes()).map_err(|e| unreadable("theme", e))?;
        let latest = self.theme_versions()?.first().map_or(0, |v| v.version);
        let version = latest.saturating_add(1);
        let digest: [u8; 32] = Sha256::digest(body.as_bytes()).into();
        let sha256: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let record = ThemeVersion {
            version,
            author: author.to_owned(),
            created_at_ms: now_ms,
            size: body.len() as u64,
            sha256: sha256.clone(),
            rolled_back_from,
        };
        let metadata = HashMap::from([
            ("author".to_owned(), record.author.clone()),
            ("created_at_ms".to_owned(), now_ms.to_string()),
            ("size".to_owned(), record.size.to_string()),
            ("sha256".to_owned(), sha256),
        ]);
        let bucket = self.env.bucket(THEMES_BUCKET).map_err(r2_unavailable)?;
        let key = theme_key(&self.slug.borrow(), version);
        let written = bucket
            .put(key, body.clone())
            .http_metadata(HttpMetadata {
                content_type: Some("application/json".into()),
                ..HttpMetadata::default()
            })
            .custom_metadata(metadata)
            .sha256(digest.to_vec())
            .only_if(Conditional {
                etag_does_not_match: Some("*".into()),
                ..Conditional::default()
            })
            .execute()
            .await
            .map_err(r2_unavailable)?;
        if written.is_none() {
            return Err(StoreError::Conflict {
                code: "version_taken".into(),
                message: format!("theme version {version} was written meanwhile; try again"),
            });
        }
        let record_json = serde_json::to_string(&record).map_err(|e| unreadable("version", e))?;
        let db = self.db.clone();
        let published_body = body.clone();
        let v = sql::int(u64::from(version)).map_err(internal)?;
        let v2 = v.clone();
        sql::transaction(&self.state, move || {
            db.run(
                "INSERT INTO theme_versions (version, json) VALUES (?, ?)",
                vec![v, record_json.into()],
            )?;
            db.run(
                "UPDATE theme_state SET published = ?, published_body = ? WHERE id = 1",
                vec![v2, published_body.into()],
            )
        })
        .map_err(internal)?;
        *self.published.borrow_mut() = Some(PublishedCopy {
            version,
            body: Rc::new(body),
            theme: Rc::new(theme),
        });
        Ok(Published { version })
    }
}
