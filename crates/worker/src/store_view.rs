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
//! What is kept, for how long and after which answer is `protocol::store_view`'s policy; this
//! shell holds the view and asks. What each call cost goes into the request's `ObjectReport`.

use crate::clock::now_ms;
use crate::objects::store_client;
use std::cell::RefCell;
use std::rc::Rc;
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::ObjectReport;
use wandstore_protocol::store::{CatalogReply, GetSettings};
pub use wandstore_protocol::store_view::StoreLook;
use wandstore_protocol::store_view::StoreView;
use worker::Env;

thread_local! {
    static VIEW: RefCell<StoreView> = RefCell::new(StoreView::default());
}

/// Runs `f` on the isolate's view (never across an `await`).
fn with_view<R>(f: impl FnOnce(&mut StoreView) -> R) -> R {
    VIEW.with(|v| f(&mut v.borrow_mut()))
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
    report.borrow_mut().count_call();
    let have = with_view(|v| v.theme_held(store.as_str(), now));
    let ask = GetSettings {
        have_theme: Some(have),
    };
    let asked = store_client::ask(env, store, ask, request_id).await;
    with_view(|v| v.look_from(store, asked, now))
}

/// The store's look for a page the entry renders: the isolate's copy within the TTL, else
/// asked (and kept).
pub async fn edge_look(
    env: &Env,
    store: &StoreSlug,
    request_id: &str,
    report: &RefCell<ObjectReport>,
) -> Result<StoreLook, EdgeError> {
    if let Some(hit) = with_view(|v| v.look(store.as_str(), now_ms())) {
        return Ok(hit);
    }
    let look = ask_look(env, store, request_id, report).await?;
    with_view(|v| v.keep_look(store.as_str(), look.clone(), now_ms()));
    Ok(look)
}

/// StoreConfig's answer to `question`, from the isolate's memory if anyone in it asked the
/// same within the TTL.
pub async fn ask_catalog(
    env: &Env,
    store: &StoreSlug,
    question: CatalogQuestion,
    request_id: &str,
    report: &RefCell<ObjectReport>,
) -> Result<Rc<CatalogReply>, EdgeError> {
    let key = (store.to_string(), question.cache_key());
    let now = now_ms();
    let result = match with_view(|v| v.catalog(&key, now, &mut report.borrow_mut())) {
        Some(kept) => kept,
        None => {
            let asked = store_client::ask(env, store, question, request_id).await;
            with_view(|v| v.keep_catalog(key, asked, now, &mut report.borrow_mut()))?
        }
    };
    result.map_err(EdgeError::from)
}
