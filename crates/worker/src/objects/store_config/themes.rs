//! The store's themes: the draft, the published pointer (with a copy of its body, so pages
//! never wait on R2) and the history in SQLite; every published body, immutable, in R2 THEMES
//! (`{store}/themes/{version}.json`). Publishing writes the body first with a conditional put
//! (only if no object has that key), then swaps the pointer in one transaction: a failed R2
//! write leaves the previous theme published, and two publishes cannot both take a version
//! (the order and the refusals are `protocol::theme_publish::PublishRun`'s; `io.rs` runs it).

use super::StoreState;
use std::rc::Rc;
use wandstore_protocol::store::StoreError;
use wandstore_protocol::theme::{Published, ThemeVersion};
use wandstore_protocol::theme_ledger::{PublishedCopy, ThemeLedger, unreadable};
use wandstore_protocol::theme_publish::PublishRun;
use wandstore_storage as storage;

impl StoreState {
    pub(super) fn theme_row(&self) -> Result<storage::store_config::ThemeStateRow, StoreError> {
        self.single_row(storage::store_config::SELECT_THEME_STATE, "theme_state")
    }

    /// The published theme, read from SQLite once per object lifetime; `None` for a store
    /// that never published (pages use the default theme).
    pub fn published(&self) -> Result<Option<PublishedCopy>, StoreError> {
        self.published.get_or_read_some(|| {
            let row = self.theme_row()?;
            PublishedCopy::from_row(row.published, row.published_body)
        })
    }

    /// Every published version, newest first.
    pub fn theme_versions(&self) -> Result<Vec<ThemeVersion>, StoreError> {
        self.db
            .json_rows(storage::store_config::SELECT_THEME_VERSIONS, &[])
            .map_err(|e| unreadable("theme version", e))
    }

    /// Publishes the draft as a new version, or (`rollback`) an earlier version's body again
    /// (`protocol::theme_publish`); another publish of the store is refused meanwhile.
    pub async fn publish(
        self: &Rc<Self>,
        rollback: Option<u32>,
        author: &str,
        now_ms: u64,
    ) -> Result<Published, StoreError> {
        let history = self.theme_versions()?;
        let slug = self.slug();
        let ledger = ThemeLedger {
            store: &slug,
            history: &history,
            publishing: self.publishing.get(),
        };
        let run = match rollback {
            Some(version) => PublishRun::rollback(ledger, version, author, now_ms),
            None => PublishRun::draft(ledger, self.theme_row()?.draft, author, now_ms),
        };
        self.drive(run, &self.publishing, "").await
    }
}
