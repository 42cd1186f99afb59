//! Refreshing the catalog from the Shopify Storefront API: one sync in flight per store,
//! paged with the sans-IO state machines of wandstore-shopify, retried per `RetryPolicy`,
//! guarded by the circuit breaker.

use super::{Inner, SyncResult};
use crate::upstream;
use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use serde::Serialize;
use std::rc::Rc;
use std::time::Duration;
use wandstore_core::breaker::Decision;
use wandstore_core::catalog_index::SYNC_COLLECTION_CAP;
use wandstore_core::log::{Level, event_line};
use wandstore_shopify::sync::{PageKind, Paginated};
use wandstore_shopify::{CollectionSync, FullSync, RetryPolicy, ShopifyError, SyncOutcome};
use worker::{Delay, console_log};

/// What a finished sync did.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub products: usize,
    pub collections: usize,
    pub truncated: bool,
    /// Products left out because they could not be mapped (e.g. mixed currencies).
    pub skipped: usize,
    pub duration_ms: u64,
}

/// Why a sync did not finish. Messages never contain the storefront token.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SyncFailure {
    NoStore,
    /// The store's Shopify settings are invalid.
    Config {
        message: String,
    },
    /// The breaker is open: upstream is not called until it half-opens.
    BreakerOpen {
        retry_after_ms: u64,
    },
    /// Upstream failed (after retries, where retrying made sense).
    Upstream {
        code: String,
        message: String,
        retry_after_ms: Option<u64>,
    },
    /// Storage or runtime failure.
    Internal {
        message: String,
    },
}

impl SyncFailure {
    /// Seconds a client should wait before trying again.
    pub fn retry_after_secs(&self) -> u64 {
        let ms = match self {
            SyncFailure::BreakerOpen { retry_after_ms } => *retry_after_ms,
            SyncFailure::Upstream { retry_after_ms, .. } => retry_after_ms.unwrap_or(30_000),
            _ => 30_000,
        };
        ms.div_ceil(1000).max(1)
    }

    pub fn code(&self) -> &str {
        match self {
            SyncFailure::NoStore => "store_not_found",
            SyncFailure::Config { .. } => "shopify_config",
            SyncFailure::BreakerOpen { .. } => "breaker_open",
            SyncFailure::Upstream { code, .. } => code,
            SyncFailure::Internal { .. } => "internal",
        }
    }

    pub fn message(&self) -> String {
        match self {
            SyncFailure::NoStore => "there is no such store".into(),
            SyncFailure::Config { message } | SyncFailure::Internal { message } => message.clone(),
            SyncFailure::BreakerOpen { retry_after_ms } => format!(
                "the upstream circuit breaker is open for another {} s",
                retry_after_ms.div_ceil(1000)
            ),
            SyncFailure::Upstream { message, .. } => message.clone(),
        }
    }
}

fn internal(e: worker::Error) -> SyncFailure {
    SyncFailure::Internal {
        message: e.to_string(),
    }
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

impl Inner {
    /// The sync in flight, or a new one. Everyone who asks while it runs shares it.
    pub fn sync(
        self: &Rc<Self>,
        policy: RetryPolicy,
        request_id: &str,
    ) -> Shared<LocalBoxFuture<'static, SyncResult>> {
        if let Some(running) = self.sync.borrow().as_ref() {
            return running.clone();
        }
        let inner = Rc::clone(self);
        let rid = request_id.to_owned();
        let fut = async move {
            let started = now_ms();
            let result = inner.run_sync(policy, started).await;
            *inner.sync.borrow_mut() = None;
            inner.log_sync(&result, started, &rid);
            result
        }
        .boxed_local()
        .shared();
        *self.sync.borrow_mut() = Some(fut.clone());
        fut
    }

    async fn run_sync(&self, policy: RetryPolicy, started: u64) -> SyncResult {
        let record = self
            .load_record()
            .map_err(internal)?
            .ok_or(SyncFailure::NoStore)?;
        let config = record.shop_config().map_err(|e| SyncFailure::Config {
            message: e.to_string(),
        })?;
        let products = self
            .drive(
                FullSync::new(config.clone(), self.tuning.sync_product_cap),
                policy,
            )
            .await?;
        let collections = self
            .drive(CollectionSync::new(config, SYNC_COLLECTION_CAP), policy)
            .await?;
        let report = SyncReport {
            products: products.items.len(),
            collections: collections.items.len(),
            truncated: products.truncated,
            skipped: products.skipped.len(),
            duration_ms: 0,
        };
        let finished = now_ms();
        self.replace_catalog(
            products.items,
            collections.items,
            report.truncated,
            finished,
        )
        .map_err(internal)?;
        Ok(SyncReport {
            duration_ms: finished.saturating_sub(started),
            ..report
        })
    }

    /// Pages through one listing, retrying retryable failures and feeding the breaker.
    async fn drive<K: PageKind>(
        &self,
        mut machine: Paginated<K>,
        policy: RetryPolicy,
    ) -> Result<SyncOutcome<K::Item>, SyncFailure> {
        while let Some(request) = machine.next_request() {
            let mut attempt = 0;
            loop {
                let mut breaker = self.breaker().map_err(internal)?;
                let decision = breaker.allow(now_ms());
                self.save_breaker(&breaker).map_err(internal)?;
                if let Decision::Reject { retry_after_ms } = decision {
                    return Err(SyncFailure::BreakerOpen { retry_after_ms });
                }
                attempt += 1;
                let outcome = match upstream::execute(&request).await {
                    Ok(resp) => machine.on_response(&resp),
                    Err(transport) => Err(ShopifyError::from(transport)),
                };
                let mut breaker = self.breaker().map_err(internal)?;
                let err = match outcome {
                    Ok(_) => {
                        breaker.on_success(now_ms());
                        self.save_breaker(&breaker).map_err(internal)?;
                        break;
                    }
                    Err(err) => err,
                };
                // Only failures that say the upstream is unhealthy count against it.
                if err.trips_breaker() {
                    breaker.on_failure(now_ms());
                } else {
                    breaker.on_success(now_ms());
                }
                self.save_breaker(&breaker).map_err(internal)?;
                match policy.next_delay(attempt, &err, worker::js_sys::Math::random()) {
                    Some(ms) => Delay::from(Duration::from_millis(ms)).await,
                    None => {
                        return Err(SyncFailure::Upstream {
                            code: err.code().to_owned(),
                            message: err.to_string(),
                            retry_after_ms: err.retry_after_ms(),
                        });
                    }
                }
            }
        }
        machine.finish().map_err(|e| SyncFailure::Upstream {
            code: e.code().to_owned(),
            message: e.to_string(),
            retry_after_ms: e.retry_after_ms(),
        })
    }

    fn log_sync(&self, result: &SyncResult, started: u64, request_id: &str) {
        let now = now_ms();
        let line = match result {
            Ok(report) => event_line(
                now,
                Level::Info,
                "catalog.sync",
                request_id,
                serde_json::json!({ "ok": true, "report": report }),
            ),
            Err(failure) => {
                // Best effort: the sync already failed; a failure to record it is logged too.
                let recorded = self
                    .record_sync_error(&format!("{}: {}", failure.code(), failure.message()), now)
                    .err()
                    .map(|e| e.to_string());
                event_line(
                    now,
                    Level::Warn,
                    "catalog.sync",
                    request_id,
                    serde_json::json!({
                        "ok": false,
                        "error_code": failure.code(),
                        "error": failure.message(),
                        "duration_ms": now.saturating_sub(started),
                        "record_error": recorded,
                    }),
                )
            }
        };
        console_log!("{line}");
    }
}
