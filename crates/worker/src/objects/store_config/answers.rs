//! Catalog questions, always answered from the cache: stale data is served while one
//! background refresh runs; only a store that never synced waits for Shopify.

use super::{StoreState, internal};
use crate::clock::now_ms;
use futures::FutureExt;
use std::rc::Rc;
use wandstore_core::catalog_index::{CatalogIndex, refresh_due};
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_core::guarded::RetryPolicy;
use wandstore_protocol::personalization::{Personalize, Personalized};
use wandstore_protocol::store::{
    CatalogReply, Freshness, RefreshStarted, StoreError, UpstreamStats,
};

/// The answer to one catalog question and how fresh it is.
pub async fn catalog(
    s: &Rc<StoreState>,
    question: &CatalogQuestion,
    rid: &str,
) -> Result<CatalogReply, StoreError> {
    let (index, freshness, upstream) = index_for_read(s, rid).await?;
    Ok(CatalogReply {
        answer: index.answer(question)?,
        freshness,
        upstream,
    })
}

/// Personalization's profile and candidates, from the catalog index (a cold store waits for
/// its first sync).
pub async fn personalize(
    s: &Rc<StoreState>,
    q: &Personalize,
    rid: &str,
) -> Result<Personalized, StoreError> {
    index_for_read(s, rid)
        .await
        .map(|(index, _, _)| q.answer(&index))
}

/// The index to answer from and how fresh it is; a cold store waits for its first sync.
async fn index_for_read(
    s: &Rc<StoreState>,
    rid: &str,
) -> Result<(Rc<CatalogIndex>, Freshness, Option<UpstreamStats>), StoreError> {
    if let Some(index) = s.index().map_err(internal)? {
        let (stale, _) = refresh_if_due(s, rid)?;
        let freshness = if stale {
            Freshness::Stale
        } else {
            Freshness::Fresh
        };
        return Ok((index, freshness, None));
    }
    let report = s.sync(RetryPolicy::default(), rid).await?;
    match s.index().map_err(internal)? {
        Some(index) => Ok((index, Freshness::Miss, Some(report.upstream))),
        None => Err(StoreError::Internal {
            message: "a finished sync left no catalog".into(),
        }),
    }
}

/// The cron's question: starts a background refresh if the cache is stale.
pub fn refresh_if_stale(s: &Rc<StoreState>, rid: &str) -> Result<RefreshStarted, StoreError> {
    let (_, started) = refresh_if_due(s, rid)?;
    Ok(RefreshStarted { started })
}

/// Starts a background refresh if `catalog_index::refresh_due` says so: (stale, started).
fn refresh_if_due(s: &Rc<StoreState>, rid: &str) -> Result<(bool, bool), StoreError> {
    let now = now_ms();
    let stale = s.is_stale(now).map_err(internal)?;
    let due = refresh_due(stale, s.sync.borrow().is_some(), Some(s.breaker_now()), now);
    if due {
        let running = s.sync(RetryPolicy::background(), rid);
        s.state.wait_until(running.map(|_| ()));
    }
    Ok((stale, due))
}
