//! Catalog questions, always answered from the cache: stale data is served while one
//! background refresh runs; only a store that never synced waits for Shopify.

use super::{StoreState, internal};
use crate::clock::now_ms;
use std::rc::Rc;
use wandstore_core::catalog_index::CatalogIndex;
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_core::guarded::RetryPolicy;
use wandstore_protocol::catalog_read::CatalogRead;
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

/// The index to answer from and how fresh it is (`protocol::catalog_read`).
async fn index_for_read(
    s: &Rc<StoreState>,
    rid: &str,
) -> Result<(Rc<CatalogIndex>, Freshness, Option<UpstreamStats>), StoreError> {
    let (freshness, upstream) = match s.cache_view()?.read(now_ms()) {
        CatalogRead::Serve { freshness, refresh } => {
            if refresh {
                refresh_in_background(s, rid);
            }
            (freshness, None)
        }
        CatalogRead::AwaitSync => {
            let report = s.sync(RetryPolicy::default(), rid).await?;
            (Freshness::Miss, Some(report.upstream))
        }
    };
    let index = s.index()?;
    let index = index.ok_or_else(|| internal("a finished sync left no catalog"))?;
    Ok((index, freshness, upstream))
}

/// The cron's question: starts a background refresh if one is due.
pub fn refresh_if_stale(s: &Rc<StoreState>, rid: &str) -> Result<RefreshStarted, StoreError> {
    let started = s.cache_view()?.refresh_due(now_ms());
    if started {
        refresh_in_background(s, rid);
    }
    Ok(RefreshStarted { started })
}

/// Starts a sync nobody waits for (`StoreState::sync` runs it to its end).
fn refresh_in_background(s: &Rc<StoreState>, rid: &str) {
    drop(s.sync(RetryPolicy::background(), rid));
}
