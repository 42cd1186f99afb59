//! This isolate's request counters (`core::metrics`), kept since it started.

use std::cell::RefCell;
use wandstore_core::events::BestEffort;
use wandstore_core::log::RequestLog;
use wandstore_core::metrics::{DataPoint, IsolateMetrics};
use worker::wasm_bindgen::{self, prelude::*};

#[wasm_bindgen(module = "/js/analytics.js")]
extern "C" {
    /// `dataset.writeDataPoint(JSON.parse(json))`: the point in one call (`js/analytics.js`).
    #[wasm_bindgen(catch, js_name = writePoint)]
    fn write_point(dataset: &JsValue, json: &str) -> Result<(), JsValue>;
}

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
    let written = write_point(dataset.as_ref(), &DataPoint::of(log).to_json());
    if let Err(e) = written.map_err(worker::Error::from) {
        let store = log.store.clone();
        crate::best_effort::failed(BestEffort::AnalyticsPoint, store, e, &log.request_id);
    }
}

/// The counters so far.
pub fn snapshot() -> IsolateMetrics {
    METRICS.with(|m| m.borrow().clone())
}
