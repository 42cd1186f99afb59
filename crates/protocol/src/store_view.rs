//! The isolate's view of its stores as a pure cache policy (the shell keeps one per isolate
//! and performs the asking): how long and how many of each thing are kept, what a theme
//! version read before spares, and what an answer, a refusal or a failure leaves behind.
//! Only store-level answers are kept (keyed by store and typed question; a preview's draft is
//! never kept), so sharing shows no shopper anything of anyone else's.

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::EdgeError;
use crate::shopper::{ObjectReport, unknown_store};
use crate::store::{CatalogReply, Freshness, StoreError, UpstreamStats};
use crate::theme::StoreSnapshot;
use crate::wire::AskError;
use std::rc::Rc;
use std::sync::Arc;
use wandstore_core::cached::TtlMap;
use wandstore_core::store::{SNAPSHOT_TTL_MS, StoreSettings, StoreSlug};
use wandstore_theme::Theme;

/// How many catalog answers one isolate keeps, all stores together (a collection page's
/// answer is a few KB to ~20 KB, so this stays within a few MB).
pub const MAX_ANSWERS: usize = 1024;
/// How many stores' themes and looks one isolate keeps.
pub const MAX_STORES: usize = 256;
/// A theme is kept by version for this long; the settings snapshot says which version is
/// current, so a longer life only spares StoreConfig re-sending an unchanged body.
pub const THEME_TTL_MS: u64 = 3_600_000;

/// A catalog answer or the store's refusal (a missing product, an unknown collection).
pub type CatalogResult = Result<Rc<CatalogReply>, StoreError>;

/// What pages need of their store: its settings and the theme to render with.
#[derive(Clone)]
pub struct StoreLook {
    pub settings: StoreSettings,
    pub theme: Arc<Theme>,
    pub personalization: wandstore_ai::settings::PersonalizationSettings,
}

pub struct StoreView {
    /// The newest published theme version read per store (0: the default theme).
    latest_theme: TtlMap<String, u32>,
    /// Published themes by store and version (a version's body never changes).
    themes: TtlMap<(String, u32), Arc<Theme>>,
    /// By store slug and the question's cache key.
    answers: TtlMap<(String, String), CatalogResult>,
    /// The entry's looks by store slug.
    looks: TtlMap<String, StoreLook>,
}

impl Default for StoreView {
    fn default() -> Self {
        StoreView {
            latest_theme: TtlMap::new(THEME_TTL_MS, MAX_STORES),
            themes: TtlMap::new(THEME_TTL_MS, MAX_STORES),
            answers: TtlMap::new(SNAPSHOT_TTL_MS, MAX_ANSWERS),
            looks: TtlMap::new(SNAPSHOT_TTL_MS, MAX_STORES),
        }
    }
}

impl StoreView {
    /// The newest theme version whose body this view holds for `store` (0: none), which the
    /// settings question names so StoreConfig does not send that body again.
    pub fn theme_held(&self, store: &str, now_ms: u64) -> u32 {
        let latest = self.latest_theme.get(store, now_ms).copied();
        latest
            .filter(|v| self.themes.get(&(store.to_owned(), *v), now_ms).is_some())
            .unwrap_or(0)
    }

    /// The look StoreConfig's answer gives (an unknown store is a 404 and nothing is kept);
    /// the theme is the one held if this view read that version before, else its body read
    /// and kept (versions are kept by number, so a concurrent publish cannot mix them up).
    pub fn look_from(
        &mut self,
        store: &StoreSlug,
        asked: Result<StoreSnapshot, AskError<StoreError>>,
        now_ms: u64,
    ) -> Result<StoreLook, EdgeError> {
        let snapshot = asked.map_err(|e| unknown_store(store, e))?;
        let key = (store.to_string(), snapshot.theme.version);
        let held = self.themes.get(&key, now_ms).cloned();
        let theme = snapshot.theme.published(held)?;
        self.latest_theme.insert(key.0.clone(), key.1, now_ms);
        self.themes.insert(key, Arc::clone(&theme), now_ms);
        Ok(StoreLook {
            settings: snapshot.settings,
            theme,
            personalization: snapshot.personalization,
        })
    }

    /// The entry's look for `store` while within the TTL.
    pub fn look(&self, store: &str, now_ms: u64) -> Option<StoreLook> {
        self.looks.get(store, now_ms).cloned()
    }

    pub fn keep_look(&mut self, store: &str, look: StoreLook, now_ms: u64) {
        self.looks.insert(store.to_owned(), look, now_ms);
    }

    /// The kept answer to a catalog question (`key`: the store and the question's cache key),
    /// noted in `report` as answered locally; none, and the call that follows is counted.
    pub fn catalog(
        &self,
        key: &(String, String),
        now_ms: u64,
        report: &mut ObjectReport,
    ) -> Option<CatalogResult> {
        let kept = self.answers.get(key, now_ms).cloned();
        match kept {
            Some(_) => report.note_local(),
            None => report.count_call(),
        }
        kept
    }

    /// What StoreConfig answered a catalog question, as the page reads it: answers and the
    /// store's catalog refusals (a missing product) are kept for the TTL; any other failure
    /// is an error kept nowhere, so the next request asks again.
    /// What the answer cost goes into `report`.
    pub fn keep_catalog(
        &mut self,
        key: (String, String),
        asked: Result<CatalogReply, AskError<StoreError>>,
        now_ms: u64,
        report: &mut ObjectReport,
    ) -> Result<CatalogResult, EdgeError> {
        let result = match asked {
            Ok(reply) => Ok(Rc::new(reply)),
            Err(AskError::Refused(e @ StoreError::Catalog { .. })) => Err(e),
            Err(e) => return Err(e.into()),
        };
        report.note_catalog(&result);
        self.answers.insert(key, result.clone(), now_ms);
        Ok(result)
    }
}

impl ObjectReport {
    /// One more object call in the request's report.
    pub fn count_call(&mut self) {
        self.do_calls = self.do_calls.saturating_add(1);
    }

    pub fn note_upstream(&mut self, up: UpstreamStats) {
        self.upstream_calls = self.upstream_calls.saturating_add(up.calls);
        self.upstream_ms = self.upstream_ms.saturating_add(up.ms);
    }

    /// A catalog answer kept in this isolate: no call made.
    pub fn note_local(&mut self) {
        self.cache = Some(Freshness::Local.as_str().to_owned());
    }

    /// What an answer StoreConfig gave says of its cost: its freshness and upstream calls.
    pub fn note_catalog(&mut self, result: &CatalogResult) {
        if let Ok(reply) = result {
            self.cache = Some(reply.freshness.as_str().to_owned());
            if let Some(up) = reply.upstream {
                self.note_upstream(up);
            }
        }
    }
}

#[cfg(test)]
#[path = "store_view_tests.rs"]
mod tests;
