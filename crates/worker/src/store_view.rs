//! The isolate's view of its stores, shared by the entry and every shopper object it runs, so
//! a busy store is not one hot object:
//! - catalog answers, kept for the snapshot TTL: StoreConfig hears each catalog question about
//!   once per isolate per TTL, not once per shopper. They are asked only after the settings
//!   said the store exists;
//! - published themes by store and version (a version's body never changes);
//! - each store's look (settings, theme, personalization settings) for the pages the entry
//!   renders itself (`edge_pages`); shopper objects keep their own copy, so a new shopper's
//!   object asks StoreConfig and a deleted or changed store shows at once to new shoppers.
//!
//! Only store-level answers are shared (keyed by store and typed question; a preview's draft
//! is never kept), so sharing shows no shopper anything of anyone else's. What each call cost
//! goes into the request's `ObjectReport`.

use crate::clock::now_ms;
use crate::objects::store_client;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use wandstore_core::cached::TtlMap;
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_core::store::{SNAPSHOT_TTL_MS, StoreSettings, StoreSlug};
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::{ObjectReport, unknown_store};
use wandstore_protocol::store::{CatalogReply, Freshness, GetSettings, StoreError};
use wandstore_protocol::theme::ThemeSlot;
use wandstore_protocol::wire::AskError;
use wandstore_theme::Theme;
use worker::Env;

/// How many catalog answers one isolate keeps, all stores together (a collection page's
/// answer is a few KB to ~20 KB, so this stays within a few MB).
const MAX_ANSWERS: usize = 1024;
/// How many stores' themes and looks one isolate keeps.
const MAX_STORES: usize = 256;
/// A theme is kept by version for this long; the settings snapshot says which version is
/// current, so a longer life only spares StoreConfig re-sending an unchanged body.
const THEME_TTL_MS: u64 = 3_600_000;

/// A catalog answer or the store's refusal (a missing product, an unknown collection).
type CatalogResult = Result<Rc<CatalogReply>, StoreError>;

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
    /// The entry's looks by store slug.
    looks: TtlMap<String, StoreLook>,
}

thread_local! {
    static VIEW: RefCell<StoreView> = RefCell::new(StoreView {
        latest_theme: TtlMap::new(THEME_TTL_MS, MAX_STORES),
        themes: TtlMap::new(THEME_TTL_MS, MAX_STORES),
        answers: TtlMap::new(SNAPSHOT_TTL_MS, MAX_ANSWERS),
        looks: TtlMap::new(SNAPSHOT_TTL_MS, MAX_STORES),
    });
}

/// Runs `f` on the isolate's view (never across an `await`).
fn with_view<R>(f: impl FnOnce(&mut StoreView) -> R) -> R {
    VIEW.with(|v| f(&mut v.borrow_mut()))
}

/// One more object call in the request's report.
pub fn count_call(report: &RefCell<ObjectReport>) {
    let mut report = report.borrow_mut();
    report.do_calls = report.do_calls.saturating_add(1);
}

/// The store's settings and published theme from StoreConfig (the theme's body only when this
/// isolate does not hold its version); an unknown store is a 404 (and nothing is kept).
pub async fn ask_look(
    env: &Env,
    store: &StoreSlug,
    request_id: &str,
    report: &RefCell<ObjectReport>,
) -> Result<StoreLook, EdgeError> {
    let now = now_ms();
    let slug = store.to_string();
    count_call(report);
    let have = with_view(|v| {
        let latest = v.latest_theme.get(&slug, now).copied()?;
        v.themes.get(&(slug.clone(), latest), now).map(|_| latest)
    })
    .unwrap_or(0);
    let ask = GetSettings {
        have_theme: Some(have),
    };
    let snapshot = store_client::ask(env, store, ask, request_id)
        .await
        .map_err(|e| unknown_store(store, e))?;
    Ok(StoreLook {
        settings: snapshot.settings,
        theme: theme_for(&slug, snapshot.theme, now)?,
        personalization: snapshot.personalization,
    })
}

/// The store's look for a page the entry renders: the isolate's copy within the TTL, else
/// asked (and kept).
pub async fn edge_look(
    env: &Env,
    store: &StoreSlug,
    request_id: &str,
    report: &RefCell<ObjectReport>,
) -> Result<StoreLook, EdgeError> {
    let slug = store.to_string();
    if let Some(hit) = with_view(|v| v.looks.get(&slug, now_ms()).cloned()) {
        return Ok(hit);
    }
    let look = ask_look(env, store, request_id, report).await?;
    with_view(|v| v.looks.insert(slug, look.clone(), now_ms()));
    Ok(look)
}

/// StoreConfig's answer to `question`, from the isolate's memory if anyone in it asked the
/// same within the TTL. Answers and misses are kept; failures are asked again next time.
pub async fn ask_catalog(
    env: &Env,
    store: &StoreSlug,
    question: CatalogQuestion,
    request_id: &str,
    report: &RefCell<ObjectReport>,
) -> Result<Rc<CatalogReply>, EdgeError> {
    let key = (store.to_string(), question.cache_key());
    let now = now_ms();
    let hit = with_view(|v| v.answers.get(&key, now).cloned());
    let result = match hit {
        Some(kept) => {
            note_freshness(report, Freshness::Local);
            kept
        }
        None => {
            count_call(report);
            let asked = store_client::ask(env, store, question, request_id)
                .await
                .map(Rc::new);
            let result = match asked {
                Ok(reply) => Ok(reply),
                Err(AskError::Refused(e @ StoreError::Catalog { .. })) => Err(e),
                Err(e) => return Err(e.into()),
            };
            if let Ok(reply) = &result {
                note_freshness(report, reply.freshness);
                if let Some(up) = reply.upstream {
                    note_upstream(report, up);
                }
            }
            with_view(|v| v.answers.insert(key, result.clone(), now));
            result
        }
    };
    result.map_err(EdgeError::from)
}

pub fn note_upstream(report: &RefCell<ObjectReport>, up: wandstore_protocol::store::UpstreamStats) {
    let mut report = report.borrow_mut();
    report.upstream_calls = report.upstream_calls.saturating_add(up.calls);
    report.upstream_ms = report.upstream_ms.saturating_add(up.ms);
}

fn note_freshness(report: &RefCell<ObjectReport>, freshness: Freshness) {
    report.borrow_mut().cache = Some(freshness.as_str().to_owned());
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
