//! The shopper object's view of its store: the settings and catalog answers from StoreConfig,
//! kept in memory for the snapshot TTL, so a busy store is not one hot object.

use super::ShopperStorefront;
use crate::objects::store_client;
use std::rc::Rc;
use std::sync::Arc;
use wandstore_core::cached::{Cached, TtlMap};
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_core::store::{SNAPSHOT_TTL_MS, StoreSettings};
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::ShopperContext;
use wandstore_protocol::store::{CatalogReply, Freshness, GetSettings, StoreError};
use wandstore_protocol::theme::{GetDraft, ThemeSlot};
use wandstore_protocol::wire::AskError;
use wandstore_theme::Theme;

/// How many distinct catalog answers one shopper object keeps.
const MAX_ANSWERS: usize = 64;

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
    settings: Option<Cached<StoreLook>>,
    /// The published theme last read, by version (0: the default theme).
    theme: (u32, Arc<Theme>),
    answers: TtlMap<String, CatalogResult>,
}

impl Default for StoreView {
    fn default() -> Self {
        StoreView {
            settings: None,
            theme: (0, Arc::new(Theme::default())),
            answers: TtlMap::new(SNAPSHOT_TTL_MS, MAX_ANSWERS),
        }
    }
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

impl ShopperStorefront {
    /// The store's settings and published theme, refetched from StoreConfig at most once
    /// per TTL (the theme's body only when its version changed); an unknown store is a 404
    /// page (and nothing is kept).
    pub(super) async fn store_look(&self, ctx: &ShopperContext) -> Result<StoreLook, EdgeError> {
        let now = now_ms();
        if let Some(hit) = self
            .view
            .borrow()
            .settings
            .as_ref()
            .and_then(|c| c.fresh(now, SNAPSHOT_TTL_MS))
        {
            return Ok(hit.clone());
        }
        self.count_call();
        let have = self.view.borrow().theme.0;
        let ask = GetSettings {
            have_theme: Some(have),
        };
        match store_client::ask(&self.env, &ctx.store, ask, &ctx.request_id).await {
            Ok(snapshot) => {
                let theme = self.theme_for(snapshot.theme)?;
                let look = StoreLook {
                    settings: snapshot.settings,
                    theme,
                    personalization: snapshot.personalization,
                };
                self.view.borrow_mut().settings = Some(Cached::new(look.clone(), now));
                Ok(look)
            }
            Err(e) => Err(unknown_store(ctx, e)),
        }
    }

    /// The draft theme for a preview page: asked for on every preview request (no cache).
    pub(super) async fn draft_theme(&self, ctx: &ShopperContext) -> Result<Arc<Theme>, EdgeError> {
        self.count_call();
        let slot = store_client::ask(&self.env, &ctx.store, GetDraft, &ctx.request_id)
            .await
            .map_err(|e| unknown_store(ctx, e))?;
        Ok(match slot.body {
            Some(body) => Arc::new(read_theme(&body)?),
            None => Arc::new(Theme::default()),
        })
    }

    /// The theme a slot names: the one held if the version is the same, else its body read.
    fn theme_for(&self, slot: ThemeSlot) -> Result<Arc<Theme>, EdgeError> {
        let mut view = self.view.borrow_mut();
        if view.theme.0 == slot.version {
            return Ok(Arc::clone(&view.theme.1));
        }
        let theme = match (slot.version, slot.body) {
            (0, _) => Arc::new(Theme::default()),
            (_, Some(body)) => Arc::new(read_theme(&body)?),
            (v, None) => {
                return Err(EdgeError::internal(format!(
                    "theme version {v} came without its body"
                )));
            }
        };
        view.theme = (slot.version, Arc::clone(&theme));
        Ok(theme)
    }

    /// StoreConfig's answer to `question`, from this object's memory if it asked the same
    /// within the TTL. Answers and misses are kept; failures are asked again next time.
    pub(super) async fn ask_catalog(
        &self,
        ctx: &ShopperContext,
        question: CatalogQuestion,
    ) -> Result<Rc<CatalogReply>, EdgeError> {
        let key = question.cache_key();
        let now = now_ms();
        let hit = self.view.borrow().answers.get(&key, now).cloned();
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
                self.view
                    .borrow_mut()
                    .answers
                    .insert(key, result.clone(), now);
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

fn unknown_store(ctx: &ShopperContext, e: AskError<StoreError>) -> EdgeError {
    match e {
        AskError::Refused(StoreError::NotFound) => EdgeError::not_found(
            "unknown_store",
            format!("we could not find a store named “{}”", ctx.store),
        ),
        e => e.into(),
    }
}

/// A theme body from StoreConfig (stored JSON, validated and migrated on read).
fn read_theme(body: &str) -> Result<Theme, EdgeError> {
    Theme::from_stored(body.as_bytes())
        .map_err(|e| EdgeError::internal(format!("a published theme is unreadable: {e}")))
}
