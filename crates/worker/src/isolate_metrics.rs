//! This isolate's request counters (`core::metrics`), kept since it started.

use std::cell::RefCell;
use wandstore_core::events::BestEffort;
use wandstore_core::log::RequestLog;
use wandstore_core::metrics::IsolateMetrics;

thread_local! {
    static METRICS: RefCell<IsolateMetrics> =
        RefCell::new(IsolateMetrics::new(crate::clock::now_ms()));
}

/// Counts one answered request from its log line, and writes its data point if an Analytics
/// Engine dataset is bound as `ANALYTICS` (optional: without the binding nothing is written).
pub fn record(env: &worker::Env, log: &RequestLog) {
    METRICS.with(|m| m.borrow_mut().count(log));
    let Ok(dataset) = crate::bindings::held("ANALYTICS", || env.analytics_engine("ANALYTICS"))
    else {
        return;
    };
    let point = wandstore_core::metrics::DataPoint::of(log);
    let written = worker::AnalyticsEngineDataPointBuilder::new()
        .indexes([point.index.as_str()])
        .blobs(point.blobs)
        .doubles(point.doubles)
        .write_to(&dataset);
    if let Err(e) = written {
        let store = log.store.clone();
        crate::best_effort::failed(BestEffort::AnalyticsPoint, store, e, &log.request_id);
    }
}

/// The counters so far.
pub fn snapshot() -> IsolateMetrics {
    METRICS.with(|m| m.borrow().clone())
}
