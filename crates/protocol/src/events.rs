//! Event lines about StoreConfig's work, as types (see `wandstore_core::events`).

use crate::store::{StoreError, SyncReport};
use serde::Serialize;
use wandstore_core::events::Event;
use wandstore_core::log::Level;

/// A catalog sync finished (`"msg":"catalog.sync"`, `"ok":true`).
#[derive(Debug, Clone, Serialize)]
pub struct SyncSucceeded<'a> {
    pub store: &'a str,
    pub ok: bool,
    pub report: &'a SyncReport,
}

impl<'a> SyncSucceeded<'a> {
    pub fn new(store: &'a str, report: &'a SyncReport) -> Self {
        SyncSucceeded {
            store,
            ok: true,
            report,
        }
    }
}

impl Event for SyncSucceeded<'_> {
    fn msg(&self) -> &'static str {
        "catalog.sync"
    }
}

/// A catalog sync failed (`"ok":false`), with why and whether recording that failed too.
#[derive(Debug, Clone, Serialize)]
pub struct SyncFailed {
    pub store: String,
    pub ok: bool,
    pub error_code: String,
    pub error: String,
    pub duration_ms: u64,
    pub record_error: Option<String>,
}

impl SyncFailed {
    pub fn new(store: &str, failure: &StoreError, duration_ms: u64) -> Self {
        SyncFailed {
            store: store.to_owned(),
            ok: false,
            error_code: failure.cause_code(),
            error: failure.to_string(),
            duration_ms,
            record_error: None,
        }
    }

    /// What the catalog status keeps as its last error: `"{code}: {message}"`.
    pub fn last_error(&self) -> String {
        format!("{}: {}", self.error_code, self.error)
    }
}

impl Event for SyncFailed {
    fn msg(&self) -> &'static str {
        "catalog.sync"
    }

    fn level(&self) -> Level {
        Level::Warn
    }
}

/// The log line of a finished sync (`took_ms` after it started). A failure is first recorded
/// as the catalog status's last error with `record`; if that fails too, the line says so.
pub fn sync_line(
    store: &str,
    result: &Result<SyncReport, StoreError>,
    took_ms: u64,
    (now_ms, request_id): (u64, &str),
    record: impl FnOnce(&str) -> Result<(), String>,
) -> String {
    match result {
        Ok(report) => SyncSucceeded::new(store, report).line(now_ms, request_id),
        Err(failure) => {
            let mut event = SyncFailed::new(store, failure, took_ms);
            event.record_error = record(&event.last_error()).err();
            event.line(now_ms, request_id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Unavailable, UpstreamStats};

    #[test]
    fn a_failed_sync_is_recorded_before_it_is_logged_and_a_success_records_nothing() {
        let failure = StoreError::CatalogUnavailable {
            why: Unavailable::breaker_open(30_000),
        };
        let mut recorded = Vec::new();
        let line = sync_line("demo", &Err(failure.clone()), 40, (5, "r"), |e| {
            recorded.push(e.to_owned());
            Ok(())
        });
        assert_eq!(recorded.len(), 1);
        assert!(recorded[0].starts_with("breaker_open: "), "{recorded:?}");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            (v["ok"].as_bool(), v["duration_ms"].as_u64()),
            (Some(false), Some(40))
        );
        assert!(v["record_error"].is_null());
        let line = sync_line("demo", &Err(failure), 40, (5, "r"), |_| {
            Err("disk full".into())
        });
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["record_error"], "disk full");
        let report = SyncReport {
            products: 1,
            collections: 0,
            truncated: false,
            skipped: 0,
            duration_ms: 3,
            upstream: UpstreamStats { calls: 1, ms: 2 },
        };
        let line = sync_line("demo", &Ok(report), 3, (5, "r"), |_| {
            panic!("nothing to record")
        });
        assert!(line.contains("\"ok\":true"), "{line}");
    }

    #[test]
    fn sync_events_keep_the_documented_shape() {
        let report = SyncReport {
            products: 3,
            collections: 1,
            truncated: false,
            skipped: 0,
            duration_ms: 12,
            upstream: UpstreamStats { calls: 2, ms: 10 },
        };
        let v: serde_json::Value =
            serde_json::from_str(&SyncSucceeded::new("demo", &report).line(5, "r")).unwrap();
        assert_eq!(
            (v["msg"].as_str(), v["ok"].as_bool()),
            (Some("catalog.sync"), Some(true))
        );
        assert_eq!(v["report"]["products"], 3);
        let failure = StoreError::CatalogUnavailable {
            why: Unavailable::breaker_open(30_000),
        };
        let failed = SyncFailed::new("demo", &failure, 40);
        assert_eq!(failed.error_code, "breaker_open");
        assert!(failed.last_error().starts_with("breaker_open: "));
        let v: serde_json::Value = serde_json::from_str(&failed.line(5, "r")).unwrap();
        assert_eq!(
            (v["level"].as_str(), v["ok"].as_bool()),
            (Some("warn"), Some(false))
        );
        assert_eq!(v["duration_ms"], 40);
        assert!(v["record_error"].is_null());
        assert_eq!(
            SyncFailed::new("d", &StoreError::NotFound, 0).error_code,
            "store_not_found"
        );
    }
}
