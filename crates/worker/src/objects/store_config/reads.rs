//! The catalog questions StoreConfig answers (internal routes under `/catalog/`), always from
//! the cache: stale data is served while a refresh runs; only a store that never synced
//! waits for Shopify.

use super::Inner;
use crate::internal::CACHE_HEADER;
use crate::respond;
use futures::FutureExt;
use serde::Serialize;
use std::rc::Rc;
use wandstore_core::breaker::Decision;
use wandstore_core::catalog::SortKey;
use wandstore_core::catalog_index::{
    CatalogIndex, CollectionInfo, Listing, ListingError, ListingQuery,
};
use wandstore_core::store::StoreSlug;
use wandstore_shopify::RetryPolicy;
use worker::{Method, Request, Response, Result};

/// How many products the home page recommends.
const RECOMMENDATIONS: usize = 8;

/// How many collections the home page features.
const FEATURED_COLLECTIONS: usize = 6;

#[derive(Serialize)]
struct Home {
    featured: Vec<CollectionInfo>,
    listing: Listing,
}

#[derive(Serialize)]
struct CollectionPage {
    collection: CollectionInfo,
    listing: Listing,
}

pub async fn handle(
    inner: &Rc<Inner>,
    req: Request,
    store: &StoreSlug,
    rid: &str,
) -> Result<Response> {
    let url = req.url()?;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let path = url.path();
    match (req.method(), path) {
        (Method::Get, "/catalog/status") => Ok(respond::json(200, &inner.status()?)),
        (Method::Post, "/catalog/sync") => match inner.sync(RetryPolicy::background(), rid).await {
            Ok(report) => Ok(respond::json(200, &report)),
            Err(failure) => Ok(unavailable(&failure, rid)),
        },
        (Method::Post, "/catalog/refresh") => {
            let started = refresh_if_stale(inner, rid)?;
            Ok(respond::json(
                202,
                &serde_json::json!({ "started": started }),
            ))
        }
        (Method::Get, _) => {
            let (index, cache) = match catalog_for_read(inner, rid).await? {
                Ok(found) => found,
                Err(resp) => return Ok(resp),
            };
            let query =
                match ListingQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
                    Ok(q) => q,
                    Err(m) => return Ok(respond::json_error(400, "bad_query", &m, rid)),
                };
            let mut resp = answer(&index, path, &param, query, store, rid);
            resp.headers_mut().set(CACHE_HEADER, cache)?;
            Ok(resp)
        }
        _ => Ok(respond::json_error(
            404,
            "not_found",
            "no such catalog route",
            rid,
        )),
    }
}

fn answer<'a>(
    index: &CatalogIndex,
    path: &str,
    param: &impl Fn(&str) -> Option<&'a str>,
    q: ListingQuery,
    store: &StoreSlug,
    rid: &str,
) -> Response {
    let listing_error = |e: ListingError| match e {
        ListingError::UnknownCollection => {
            respond::json_error(404, "collection_not_found", "no such collection", rid)
        }
        ListingError::NoSuchPage { total_pages } => respond::json_error_with(
            404,
            "page_not_found",
            &format!("this listing has {total_pages} page(s)"),
            rid,
            serde_json::json!({ "total_pages": total_pages }),
        ),
    };
    match path {
        "/catalog/home" => match index.all_products(SortKey::Featured, 1, q.size) {
            Ok(listing) => respond::json(
                200,
                &Home {
                    featured: index.featured_collections(FEATURED_COLLECTIONS),
                    listing,
                },
            ),
            Err(e) => listing_error(e),
        },
        "/catalog/collection" => {
            let handle = param("handle").unwrap_or_default();
            let result = if handle == "all" {
                index
                    .all_products(q.sort, q.page, q.size)
                    .map(|listing| CollectionPage {
                        collection: CollectionInfo {
                            handle: "all".into(),
                            title: "All products".into(),
                            description: String::new(),
                            image: None,
                            product_count: index.product_count(),
                        },
                        listing,
                    })
            } else {
                index
                    .collection(handle)
                    .ok_or(ListingError::UnknownCollection)
                    .and_then(|collection| {
                        index
                            .collection_products(handle, q.sort, q.page, q.size)
                            .map(|listing| CollectionPage {
                                collection,
                                listing,
                            })
                    })
            };
            match result {
                Ok(page) => respond::json(200, &page),
                Err(e) => listing_error(e),
            }
        }
        "/catalog/product" => match index.product(param("handle").unwrap_or_default()) {
            Some(p) => respond::json(200, p),
            None => respond::json_error(
                404,
                "product_not_found",
                &format!("{store} has no such product"),
                rid,
            ),
        },
        "/catalog/search" => match index.search(param("q").unwrap_or_default(), q.page, q.size) {
            Ok(listing) => respond::json(200, &listing),
            Err(e) => listing_error(e),
        },
        "/catalog/recommend" => {
            let seen: Vec<String> = param("seen")
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .take(10)
                .map(str::to_owned)
                .collect();
            let picks: Vec<_> = index
                .recommend(&seen, RECOMMENDATIONS)
                .into_iter()
                .map(|(card, because)| serde_json::json!({ "card": card, "because": because }))
                .collect();
            respond::json(200, &picks)
        }
        "/catalog/variants" => {
            let ids = param("ids").unwrap_or_default();
            let hits: Vec<_> = ids
                .split(',')
                .filter(|s| !s.is_empty())
                .take(100)
                .filter_map(|id| index.variant(id))
                .collect();
            respond::json(200, &hits)
        }
        _ => respond::json_error(404, "not_found", "no such catalog route", rid),
    }
}

/// The index to answer from and how fresh it is, or the 503 to send when a cold store
/// cannot reach Shopify.
async fn catalog_for_read(
    inner: &Rc<Inner>,
    rid: &str,
) -> Result<std::result::Result<(Rc<CatalogIndex>, &'static str), Response>> {
    if let Some(index) = inner.index()? {
        let stale = inner.is_stale(now_ms())?;
        if stale {
            start_refresh(inner, rid)?;
        }
        return Ok(Ok((index, if stale { "stale" } else { "fresh" })));
    }
    match inner.sync(RetryPolicy::default(), rid).await {
        Ok(_) => match inner.index()? {
            Some(index) => Ok(Ok((index, "miss"))),
            None => Err(worker::Error::RustError(
                "a finished sync left no catalog".into(),
            )),
        },
        Err(failure) => Ok(Err(unavailable(&failure, rid))),
    }
}

/// Starts a background refresh if the cache is stale (the cron's question). True if one was
/// started.
fn refresh_if_stale(inner: &Rc<Inner>, rid: &str) -> Result<bool> {
    if !inner.is_stale(now_ms())? {
        return Ok(false);
    }
    start_refresh(inner, rid)
}

/// Starts a background refresh unless one is running or the breaker would refuse it. True if
/// one was started.
fn start_refresh(inner: &Rc<Inner>, rid: &str) -> Result<bool> {
    if inner.sync.borrow().is_some() {
        return Ok(false);
    }
    // Peek at the breaker without taking its half-open probe.
    if let Decision::Reject { .. } = inner.breaker()?.clone().allow(now_ms()) {
        return Ok(false);
    }
    let running = inner.sync(RetryPolicy::background(), rid);
    inner.state.wait_until(running.map(|_| ()));
    Ok(true)
}

fn unavailable(failure: &super::SyncFailure, rid: &str) -> Response {
    let retry = failure.retry_after_secs();
    let mut resp = respond::json_error_with(
        503,
        "catalog_unavailable",
        &format!(
            "the catalog cannot be loaded from Shopify right now: {}",
            failure.message()
        ),
        rid,
        serde_json::json!({ "cause": failure.code(), "retry_after_secs": retry }),
    );
    let _ = resp.headers_mut().set("retry-after", &retry.to_string());
    resp
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}
