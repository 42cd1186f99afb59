//! This isolate's request counters (`core::metrics`), kept since it started.

use std::cell::RefCell;
use wandstore_core::log::RequestLog;
use wandstore_core::metrics::{IsolateMetrics, RouteKind};

thread_local! {
    static METRICS: RefCell<IsolateMetrics> =
        RefCell::new(IsolateMetrics::new(worker::Date::now().as_millis()));
}

/// Counts one answered request from its log line.
pub fn record(log: &RequestLog) {
    let kind = RouteKind::for_path(&log.path);
    METRICS.with(|m| {
        m.borrow_mut()
            .record(kind, log.status, log.error_code.as_deref())
    });
}

/// The counters so far.
pub fn snapshot() -> IsolateMetrics {
    METRICS.with(|m| m.borrow().clone())
}
