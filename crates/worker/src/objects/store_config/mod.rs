//! StoreConfig: one object per store (`"{store}"`). Owns the store's record (settings,
//! Shopify connection, owner token hash), its catalog cache (SQLite, indexed in memory) and
//! the upstream circuit breaker.

mod catalog;
mod checkout;
mod reads;
mod records;
mod schema;
mod sync;

use crate::env_config::{self, Tuning};
use crate::{internal, respond};
use futures::future::{LocalBoxFuture, Shared};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wandstore_core::catalog_index::CatalogIndex;
use wandstore_core::store::StoreSlug;
use wandstore_registry::StoreRecord;
use worker::{DurableObject, Env, Method, Request, Response, Result, State, durable_object};

pub use sync::SyncFailure;

/// What a finished sync reports.
pub type SyncResult = std::result::Result<sync::SyncReport, SyncFailure>;

/// The object's state, shared with the background refresh it may start.
pub struct Inner {
    state: State,
    tuning: Tuning,
    migrated: Cell<bool>,
    /// The stored record, read once per object lifetime (this object is its only writer).
    record: RefCell<Option<StoreRecord>>,
    /// The catalog as last synced, built from SQLite on first use.
    catalog: RefCell<Option<Rc<CatalogIndex>>>,
    /// Requests this object instance has served (for the hot-store benchmark), and since when.
    served: Cell<u64>,
    started_at_ms: u64,
    /// The sync in flight, shared by everyone who waits for it (one at a time per store).
    sync: RefCell<Option<Shared<LocalBoxFuture<'static, SyncResult>>>>,
}

#[durable_object]
pub struct StoreConfig {
    inner: Rc<Inner>,
}

impl DurableObject for StoreConfig {
    fn new(state: State, env: Env) -> Self {
        StoreConfig {
            inner: Rc::new(Inner {
                state,
                tuning: env_config::tuning(&env),
                migrated: Cell::new(false),
                record: RefCell::new(None),
                catalog: RefCell::new(None),
                served: Cell::new(0),
                started_at_ms: worker::Date::now().as_millis(),
                sync: RefCell::new(None),
            }),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let rid = req.headers().get(internal::REQUEST_ID)?.unwrap_or_default();
        let Some(store) = req
            .headers()
            .get(internal::STORE)?
            .and_then(|s| StoreSlug::parse(&s).ok())
        else {
            return Ok(respond::json_error(
                400,
                "bad_internal_request",
                "missing or invalid store header",
                &rid,
            ));
        };
        schema::ensure(&self.inner)?;
        let path = req.path();
        if path == internal::METRICS_PATH {
            return Ok(respond::json(
                200,
                &serde_json::json!({
                    "requests_served": self.inner.served.get(),
                    "since_ms": self.inner.started_at_ms,
                }),
            ));
        }
        self.inner
            .served
            .set(self.inner.served.get().saturating_add(1));
        if path.starts_with("/catalog/") {
            return reads::handle(&self.inner, req, &store, &rid).await;
        }
        match (req.method(), path.as_str()) {
            (Method::Get, internal::SETTINGS_PATH) => records::settings(&self.inner, &store, &rid),
            (Method::Post, internal::CHECKOUT_PATH) => {
                checkout::handle(&self.inner, req, &rid).await
            }
            (Method::Get, internal::RECORD_PATH) => records::get(&self.inner, &store, &rid),
            (Method::Put, internal::RECORD_PATH) => {
                records::put(&self.inner, req, &store, &rid).await
            }
            (Method::Delete, internal::RECORD_PATH) => {
                records::delete(&self.inner, &store, &rid).await
            }
            _ => Ok(respond::json_error(
                404,
                "not_found",
                "no such StoreConfig route",
                &rid,
            )),
        }
    }
}
