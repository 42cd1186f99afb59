//! The shopper objects' view of their stores, so a busy store is not one hot object:
//! - the store's settings snapshot, kept by each shopper object for the snapshot TTL (a new
//!   shopper asks StoreConfig, so a deleted or changed store shows at once to new shoppers);
//! - catalog answers, kept for the same TTL in the isolate's memory and shared by every
//!   shopper object the isolate runs: StoreConfig hears each catalog question about once per
//!   isolate per TTL, not once per shopper. They are asked only after the settings said the
//!   store exists;
//! - published themes by store and version (a version's body never changes).
//!
//! Only store-level answers are shared (keyed by store and typed question; a preview's draft
//! is never kept), so sharing shows no shopper anything of anyone else's.

use super::ShopperStorefront;
use crate::clock::now_ms;
use crate::objects::store_client;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use wandstore_core::cached::{Cached, TtlMap};
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_core::store::{SNAPSHOT_TTL_MS, StoreSettings};
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::{ShopperContext, unknown_store};
use wandstore_protocol::store::{CatalogReply, Freshness, GetSettings, StoreError};
use wandstore_protocol::theme::{GetDraft, ThemeSlot};
use wandstore_protocol::wire::AskError;
use wandstore_theme::Theme;

/// How many catalog answers one isolate keeps, all stores together (a collection page's
/// answer is a few KB to ~20 KB, so this stays within a few MB).
const MAX_ANSWERS: usize = 1024;
/// How many stores' themes one isolate keeps.
const MAX_STORES: usize = 256;
/// A theme is kept by version for this long; the settings snapshot says which version is
/// current, so a longer life only spares StoreConfig re-sending an unchanged body.
const THEME_TTL_MS: u64 = 3_600_000;

/// A catalog answer or the store's refusal (a missing product, an unknown collection).
pub type CatalogResult = Result<Rc<CatalogReply>, StoreError>;

/// What pages need of their store: its settings and the theme to render with.
#[derive(Clone)]
pub struct StoreLook {
    pub settings: StoreSettings,
    pub theme: Arc<Theme>,
    pub personalization: wandstore_ai::settings::PersonalizationSettings,
}

struct StoreView {
    /// The newest published theme version read per store (0: the default theme).
    latest_theme: TtlMap<String, u32>,
    /// Published themes by store and version (a version's body never changes).
    themes: TtlMap<(String, u32), Arc<Theme>>,
    /// By store slug and the question's cache key.
    answers: TtlMap<(String, String), CatalogResult>,
}

thread_local! {
    static VIEW: RefCell<StoreView> = RefCell::new(StoreView {
        latest_theme: TtlMap::new(THEME_TTL_MS, MAX_STORES),
        themes: TtlMap::new(THEME_TTL_MS, MAX_STORES),
        answers: TtlMap::new(SNAPSHOT_TTL_MS, MAX_ANSWERS),
    });
}

/// Runs `f` on the isolate's view (never across an `await`).
fn with_view<R>(f: impl FnOnce(&mut StoreView) -> R) -> R {
    VIEW.with(|v| f(&mut v.borrow_mut()))
}

impl ShopperStorefront {
    /// The store's settings and published theme, refetched from StoreConfig at most once
    /// per TTL (the theme's body only when its version changed); an unknown store is a 404
    /// page (and nothing is kept).
    pub(super) async fn store_look(&self, ctx: &ShopperContext) -> Result<StoreLook, EdgeError> {
        let now = now_ms();
        let store = ctx.store.to_string();
        if let Some(hit) = self
            .look
            .borrow()
            .as_ref()
            .and_then(|c| c.fresh(now, SNAPSHOT_TTL_MS))
        {
            return Ok(hit.clone());
        }
        self.count_call();
        // The version this isolate holds the body of (StoreConfig then leaves the body out).
        let have = with_view(|v| {
            let latest = v.latest_theme.get(&store, now).copied()?;
            v.themes.get(&(store.clone(), latest), now).map(|_| latest)
        })
        .unwrap_or(0);
        let ask = GetSettings {
            have_theme: Some(have),
        };
        match store_client::ask(&self.env, &ctx.store, ask, &ctx.request_id).await {
            Ok(snapshot) => {
                let theme = theme_for(&store, snapshot.theme, now)?;
                let look = StoreLook {
                    settings: snapshot.settings,
                    theme,
                    personalization: snapshot.personalization,
                };
                *self.look.borrow_mut() = Some(Cached::new(look.clone(), now));
                Ok(look)
            }
            Err(e) => Err(unknown_store(&ctx.store, e)),
        }
    }

    /// The draft theme for a preview page: asked for on every preview request (no cache).
    pub(super) async fn draft_theme(&self, ctx: &ShopperContext) -> Result<Arc<Theme>, EdgeError> {
        self.count_call();
        let slot = store_client::ask(&self.env, &ctx.store, GetDraft, &ctx.request_id)
            .await
            .map_err(|e| unknown_store(&ctx.store, e))?;
        Ok(Arc::new(slot.draft()?))
    }

    /// StoreConfig's answer to `question`, from this object's memory if it asked the same
    /// within the TTL
    /// (or another shopper object in this isolate did). Answers and misses are kept; failures are asked again next time.
    pub(super) async fn ask_catalog(
        &self,
        ctx: &ShopperContext,
        question: CatalogQuestion,
    ) -> Result<Rc<CatalogReply>, EdgeError> {
        let key = (ctx.store.to_string(), question.cache_key());
        let now = now_ms();
        let hit = with_view(|v| v.answers.get(&key, now).cloned());
        let result = match hit {
            Some(kept) => {
                self.note_freshness(Freshness::Local);
                kept
            }
            None => {
                self.count_call();
                let asked = store_client::ask(&self.env, &ctx.store, question, &ctx.request_id)
                    .await
                    .map(Rc::new);
                let result = match asked {
                    Ok(reply) => Ok(reply),
                    Err(AskError::Refused(e @ StoreError::Catalog { .. })) => Err(e),
                    Err(e) => return Err(e.into()),
                };
                if let Ok(reply) = &result {
                    self.note_freshness(reply.freshness);
                    if let Some(up) = reply.upstream {
                        self.note_upstream(up);
                    }
                }
                with_view(|v| v.answers.insert(key, result.clone(), now));
                result
            }
        };
        result.map_err(EdgeError::from)
    }

    fn count_call(&self) {
        let mut report = self.report.borrow_mut();
        report.do_calls = report.do_calls.saturating_add(1);
    }

    pub(super) fn note_upstream(&self, up: wandstore_protocol::store::UpstreamStats) {
        let mut report = self.report.borrow_mut();
        report.upstream_calls = report.upstream_calls.saturating_add(up.calls);
        report.upstream_ms = report.upstream_ms.saturating_add(up.ms);
    }

    fn note_freshness(&self, freshness: Freshness) {
        self.report.borrow_mut().cache = Some(freshness.as_str().to_owned());
    }
}

/// The theme a slot names: the one held if this isolate read that version before, else its
/// body read (versions are kept by number, so a concurrent publish cannot mix them up).
fn theme_for(store: &str, slot: ThemeSlot, now: u64) -> Result<Arc<Theme>, EdgeError> {
    let key = (store.to_owned(), slot.version);
    let held = with_view(|v| v.themes.get(&key, now).cloned());
    let theme = slot.published(held)?;
    with_view(|v| {
        v.latest_theme.insert(key.0.clone(), key.1, now);
        v.themes.insert(key, Arc::clone(&theme), now);
    });
    Ok(theme)
}
