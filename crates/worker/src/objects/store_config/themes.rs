//! The store's themes: the draft, the published pointer (with a copy of its body, so pages
//! never wait on R2) and the history in SQLite; every published body, immutable, in R2 THEMES
//! (`{store}/themes/{version}.json`). Publishing writes the body first with a conditional put
//! (only if no object has that key), then swaps the pointer in one transaction: a failed R2
//! write leaves the previous theme published, and two publishes cannot both take a version.

use super::{StoreState, internal};
use crate::sql;
use std::collections::HashMap;
use std::rc::Rc;
use wandstore_protocol::store::StoreError;
use wandstore_protocol::theme::{
    DraftTheme, Published, StoreSnapshot, ThemeOverview, ThemeSlot, ThemeVersion,
};
use wandstore_protocol::theme_ledger::{
    self as ledger, BODY_CONTENT_TYPE, ThemeLedger, VersionWrite, r2_unavailable, unreadable,
};
use wandstore_storage::{self as storage, plans};
use wandstore_theme::Theme;
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

impl StoreState {
    fn theme_row(&self) -> Result<storage::store_config::ThemeStateRow, StoreError> {
        let rows: Vec<storage::store_config::ThemeStateRow> = self
            .db
            .rows(storage::store_config::SELECT_THEME_STATE, None)
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
        let published = self.published()?;
        let theme = ledger::slot_for(
            published.as_ref().map(|p| (p.version, p.body.as_str())),
            have_theme,
        );
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

    /// Published and draft, as the owner API shows them.
    pub fn theme_overview(&self) -> Result<ThemeOverview, StoreError> {
        self.settings()?;
        let row = self.theme_row()?;
        let published = self.published()?;
        ledger::overview(
            published.as_ref().map(|p| (p.version, p.body.as_str())),
            row.draft.as_deref(),
            row.draft_meta.as_deref(),
        )
    }

    /// Validates the document against the store's assets and saves it as the draft.
    pub fn put_draft(
        &self,
        body: &str,
        author: &str,
        now_ms: u64,
    ) -> Result<DraftTheme, StoreError> {
        self.settings()?;
        let write = ledger::plan_draft(body, &self.assets()?, author, now_ms)?;
        self.db
            .run(
                storage::store_config::SET_DRAFT,
                vec![write.body.into(), write.meta_json.into()],
            )
            .map_err(internal)?;
        self.broadcast_draft_changed();
        Ok(write.answer)
    }

    /// Every published version, newest first.
    pub fn theme_versions(&self) -> Result<Vec<ThemeVersion>, StoreError> {
        self.settings()?;
        self.db
            .json_rows(storage::store_config::SELECT_THEME_VERSIONS, None)
            .map_err(|e| unreadable("theme version", e))
    }

    /// Publishes the draft as a new version.
    pub async fn publish_draft(&self, author: &str, now_ms: u64) -> Result<Published, StoreError> {
        self.settings()?;
        let draft = self.theme_row()?.draft;
        let history = self.theme_versions()?;
        let slug = self.slug.borrow().clone();
        let write = self
            .ledger(&slug, &history)
            .publish_draft(draft.as_deref(), author, now_ms)?;
        self.write_version(write).await
    }

    /// Publishes an earlier version's body again as a new version.
    pub async fn rollback_theme(
        &self,
        version: u32,
        author: &str,
        now_ms: u64,
    ) -> Result<Published, StoreError> {
        let history = self.theme_versions()?;
        let slug = self.slug.borrow().clone();
        let key = self.ledger(&slug, &history).rollback_source(version)?;
        let bucket = self.env.bucket(THEMES_BUCKET).map_err(r2_unavailable)?;
        let fetched = match bucket.get(key).execute().await.map_err(r2_unavailable)? {
            Some(object) => Some(
                object
                    .body()
                    .ok_or_else(|| r2_unavailable("empty body"))?
                    .text()
                    .await
                    .map_err(r2_unavailable)?,
            ),
            None => None,
        };
        let write =
            self.ledger(&slug, &history)
                .rollback(version, fetched.as_deref(), author, now_ms)?;
        self.write_version(write).await
    }

    fn ledger<'a>(&self, slug: &'a str, history: &'a [ThemeVersion]) -> ThemeLedger<'a> {
        ThemeLedger {
            store: slug,
            history,
            publishing: self.publishing.get(),
        }
    }

    /// Executes a planned version: the body to R2 only if the key is free, then the history
    /// row and the pointer in one transaction. Another publish is refused meanwhile.
    async fn write_version(&self, write: VersionWrite) -> Result<Published, StoreError> {
        self.publishing.set(true);
        let result = self.execute_version(write).await;
        self.publishing.set(false);
        result
    }

    async fn execute_version(&self, write: VersionWrite) -> Result<Published, StoreError> {
        let bucket = self.env.bucket(THEMES_BUCKET).map_err(r2_unavailable)?;
        let written = bucket
            .put(&write.key, write.body.clone())
            .http_metadata(HttpMetadata {
                content_type: Some(BODY_CONTENT_TYPE.into()),
                ..HttpMetadata::default()
            })
            .custom_metadata(write.metadata.iter().cloned().collect::<HashMap<_, _>>())
            .sha256(write.digest.to_vec())
            .only_if(Conditional {
                etag_does_not_match: Some("*".into()),
                ..Conditional::default()
            })
            .execute()
            .await
            .map_err(r2_unavailable)?;
        if written.is_none() {
            return Err(write.taken());
        }
        let plan = plans::publish_theme(
            write.record.version,
            write.record_json.clone(),
            write.body.clone(),
        );
        sql::apply(&self.state, &self.db, plan).map_err(internal)?;
        let answer = write.answer();
        *self.published.borrow_mut() = Some(PublishedCopy {
            version: answer.version,
            body: Rc::new(write.body),
            theme: Rc::new(write.theme),
        });
        Ok(answer)
    }
}
