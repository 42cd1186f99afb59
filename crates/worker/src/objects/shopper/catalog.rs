//! The shopper object's view of its store's catalog: answers from StoreConfig, kept in memory
//! for a few seconds per question, so a busy store is not one hot object.

use super::ShopperStorefront;
use crate::internal::ShopperContext;
use crate::objects::store_client;
use std::collections::HashMap;
use std::rc::Rc;
use wandstore_core::cached::Cached;
use wandstore_core::store::SNAPSHOT_TTL_MS;
use worker::Method;

/// How many distinct catalog answers one shopper object keeps.
const MAX_ENTRIES: usize = 64;

/// One answer from StoreConfig.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Rc<String>,
    /// `fresh`, `stale` or `miss` as StoreConfig said; `local` when served from this cache.
    pub cache: String,
    pub retry_after: Option<String>,
}

impl Answer {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> worker::Result<T> {
        serde_json::from_str(&self.body)
            .map_err(|e| worker::Error::RustError(format!("unreadable catalog answer: {e}")))
    }
}

/// Catalog answers by StoreConfig path and query.
#[derive(Default)]
pub struct CatalogCache {
    entries: HashMap<String, Cached<Answer>>,
}

impl ShopperStorefront {
    /// StoreConfig's answer to `path_and_query` (e.g. `/catalog/product?handle=x`), from this
    /// object's memory if it asked the same within the snapshot TTL. Only 200 and 404 answers
    /// are kept; a 503 is asked again next time.
    pub(super) async fn catalog(
        &self,
        ctx: &ShopperContext,
        path_and_query: &str,
    ) -> worker::Result<Answer> {
        let now = worker::Date::now().as_millis();
        if let Some(hit) = self
            .catalog
            .borrow()
            .entries
            .get(path_and_query)
            .and_then(|c| c.fresh(now, SNAPSHOT_TTL_MS))
        {
            return Ok(Answer {
                cache: "local".into(),
                ..hit.clone()
            });
        }
        let mut resp = store_client::catalog(
            &self.env,
            &ctx.store,
            &ctx.request_id,
            Method::Get,
            path_and_query,
        )
        .await?;
        let answer = Answer {
            status: resp.status_code(),
            cache: resp
                .headers()
                .get(crate::internal::CACHE_HEADER)?
                .unwrap_or_default(),
            retry_after: resp.headers().get("retry-after")?,
            body: Rc::new(resp.text().await?),
        };
        if matches!(answer.status, 200 | 404) {
            let mut cache = self.catalog.borrow_mut();
            if cache.entries.len() >= MAX_ENTRIES {
                cache
                    .entries
                    .retain(|_, c| c.fresh(now, SNAPSHOT_TTL_MS).is_some());
                if cache.entries.len() >= MAX_ENTRIES {
                    cache.entries.clear();
                }
            }
            cache
                .entries
                .insert(path_and_query.to_owned(), Cached::new(answer.clone(), now));
        }
        Ok(answer)
    }
}
