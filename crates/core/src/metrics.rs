//! Counters a Worker isolate keeps since it started, for `GET /admin/metrics`: requests by
//! status class and by kind of route, rate-limited requests, and errors by code. Per isolate
//! (each Cloudflare location runs its own): a monitor sums them or watches the ratios.

use serde::Serialize;
use std::collections::BTreeMap;

/// What kind of route a request was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteKind {
    Page,
    CartApi,
    Admin,
    Health,
    Other,
}

impl RouteKind {
    /// The kind of route a request path is for (on any host).
    pub fn for_path(path: &str) -> Self {
        if path.starts_with("/admin/") {
            RouteKind::Admin
        } else if path == "/health" || path.starts_with("/health/") {
            RouteKind::Health
        } else if path.ends_with("/api/cart") {
            RouteKind::CartApi
        } else if path.starts_with("/.well-known/") {
            RouteKind::Other
        } else {
            RouteKind::Page
        }
    }
}

/// One request as an Analytics Engine data point (when the `ANALYTICS` binding is
/// configured). Column order is part of the documented schema:
/// `index1` store; `blob1` store, `blob2` route kind, `blob3` cache, `blob4` error code;
/// `double1` status, `double2` duration ms, `double3` rows read, `double4` rows written.
#[derive(Debug, Clone, PartialEq)]
pub struct DataPoint {
    pub index: String,
    pub blobs: [String; 4],
    pub doubles: [f64; 4],
}

impl DataPoint {
    pub fn of(log: &crate::log::RequestLog) -> Self {
        let store = log.store.clone().unwrap_or_else(|| "-".to_owned());
        let route = serde_json::to_value(RouteKind::for_path(&log.path))
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        DataPoint {
            index: store.clone(),
            blobs: [
                store,
                route,
                log.cache.clone().unwrap_or_default(),
                log.error_code.clone().unwrap_or_default(),
            ],
            doubles: [
                f64::from(log.status),
                log.duration_ms as f64,
                log.rows_read.unwrap_or(0) as f64,
                log.rows_written.unwrap_or(0) as f64,
            ],
        }
    }

    /// The point as Analytics Engine's `writeDataPoint` takes it
    /// (`{"indexes":[…],"blobs":[…],"doubles":[…]}`), so the Worker hands it over with one call
    /// into JavaScript instead of one per column. (Strings and finite numbers always serialize.)
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Wire<'a> {
            indexes: [&'a str; 1],
            blobs: &'a [String; 4],
            doubles: &'a [f64; 4],
        }
        let wire = Wire {
            indexes: [&self.index],
            blobs: &self.blobs,
            doubles: &self.doubles,
        };
        serde_json::to_string(&wire).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IsolateMetrics {
    pub since_ms: u64,
    pub requests: u64,
    /// `2xx`, `3xx`, `4xx`, `5xx`.
    pub by_status: BTreeMap<String, u64>,
    pub by_route: BTreeMap<RouteKind, u64>,
    pub rate_limited: u64,
    /// Error codes of 4xx and 5xx answers (`store_not_found`, `catalog_unavailable`, …).
    pub errors: BTreeMap<String, u64>,
    /// The 95th percentile of the requests' durations, as the upper bound of its histogram
    /// bucket (`LATENCY_BUCKETS_MS`); `None` before the first request. What `cargo xtask
    /// monitor` compares with its p95 threshold.
    pub p95_ms: Option<u64>,
    #[serde(skip)]
    latency: [u64; LATENCY_BUCKETS_MS.len()],
}

/// Upper bounds (ms) of the latency histogram's buckets; the last one takes everything slower.
pub const LATENCY_BUCKETS_MS: [u64; 14] = [
    5, 10, 20, 30, 50, 75, 100, 150, 250, 500, 750, 1_000, 2_500, 10_000,
];

/// The most distinct error codes kept (codes are the platform's own, so this is a bound,
/// not a limit anyone should reach).
const MAX_CODES: usize = 100;

impl IsolateMetrics {
    pub fn new(since_ms: u64) -> Self {
        IsolateMetrics {
            since_ms,
            ..Default::default()
        }
    }

    /// Counts one answered request.
    pub fn record(&mut self, route: RouteKind, status: u16, error_code: Option<&str>) {
        self.requests = self.requests.saturating_add(1);
        let class = format!("{}xx", (status / 100).clamp(1, 5));
        *self.by_status.entry(class).or_default() += 1;
        *self.by_route.entry(route).or_default() += 1;
        if status == 429 {
            self.rate_limited = self.rate_limited.saturating_add(1);
        }
        if let Some(code) = error_code.filter(|_| status >= 400)
            && (self.errors.len() < MAX_CODES || self.errors.contains_key(code))
        {
            *self.errors.entry(code.to_owned()).or_default() += 1;
        }
    }

    /// Counts one answered request from its log line: its route kind, status, error code
    /// and duration.
    pub fn count(&mut self, log: &crate::log::RequestLog) {
        self.record(
            RouteKind::for_path(&log.path),
            log.status,
            log.error_code.as_deref(),
        );
        self.record_latency(log.duration_ms);
    }

    /// Counts one request's duration in the latency histogram and updates `p95_ms`.
    pub fn record_latency(&mut self, duration_ms: u64) {
        let last = LATENCY_BUCKETS_MS.len() - 1;
        let i = LATENCY_BUCKETS_MS
            .iter()
            .position(|&bound| duration_ms <= bound)
            .unwrap_or(last);
        self.latency[i] = self.latency[i].saturating_add(1);
        let total: u64 = self.latency.iter().sum();
        // The smallest bucket bound with at least 95 % of the requests at or below it.
        let wanted = total.saturating_mul(95).div_ceil(100);
        let mut seen = 0u64;
        self.p95_ms = LATENCY_BUCKETS_MS
            .iter()
            .zip(self.latency)
            .find(|(_, n)| {
                seen += n;
                seen >= wanted
            })
            .map(|(bound, _)| *bound);
    }

    /// The share of requests answered 5xx.
    pub fn server_error_rate(&self) -> f64 {
        let errors = self.by_status.get("5xx").copied().unwrap_or(0);
        if self.requests == 0 {
            0.0
        } else {
            errors as f64 / self.requests as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_is_the_bucket_bound_under_which_95_percent_fall() {
        let mut m = IsolateMetrics::new(0);
        assert_eq!(m.p95_ms, None);
        for _ in 0..95 {
            m.record_latency(8);
        }
        for _ in 0..5 {
            m.record_latency(700);
        }
        assert_eq!(m.p95_ms, Some(10), "95 of 100 were at most 10 ms");
        m.record_latency(700);
        assert_eq!(m.p95_ms, Some(750), "now 6 of 101 were slower");
        let mut slow = IsolateMetrics::new(0);
        slow.record_latency(60_000);
        assert_eq!(
            slow.p95_ms,
            Some(10_000),
            "the last bucket takes everything slower"
        );
        let json = serde_json::to_value(&slow).unwrap();
        assert_eq!(json["p95_ms"], 10_000);
        assert!(json.get("latency").is_none());
    }

    #[test]
    fn requests_are_counted_by_class_route_and_error() {
        let mut m = IsolateMetrics::new(5);
        m.record(RouteKind::Page, 200, None);
        m.record(RouteKind::Page, 404, Some("product_not_found"));
        m.record(RouteKind::CartApi, 429, Some("rate_limited"));
        m.record(RouteKind::Admin, 503, Some("catalog_unavailable"));
        assert_eq!(m.requests, 4);
        assert_eq!(m.by_status["2xx"], 1);
        assert_eq!(m.by_status["4xx"], 2);
        assert_eq!(m.by_status["5xx"], 1);
        assert_eq!(m.by_route[&RouteKind::Page], 2);
        assert_eq!(m.rate_limited, 1);
        assert_eq!(m.errors["catalog_unavailable"], 1);
        assert!((m.server_error_rate() - 0.25).abs() < 1e-9);
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["by_route"]["cart_api"], 1);
    }

    #[test]
    fn a_log_line_counts_its_route_status_error_and_latency() {
        let mut m = IsolateMetrics::new(0);
        m.count(&crate::log::RequestLog {
            path: "/s/outlet/api/cart".into(),
            status: 503,
            duration_ms: 700,
            error_code: Some("catalog_unavailable".into()),
            ..Default::default()
        });
        // A success's code (none is expected) is not an error.
        m.count(&crate::log::RequestLog {
            path: "/health".into(),
            status: 200,
            duration_ms: 3,
            error_code: Some("ignored".into()),
            ..Default::default()
        });
        assert_eq!(m.requests, 2);
        assert_eq!((m.by_status["5xx"], m.by_status["2xx"]), (1, 1));
        assert_eq!(m.by_route[&RouteKind::for_path("/s/outlet/api/cart")], 1);
        assert_eq!(m.errors.len(), 1);
        assert_eq!(m.errors["catalog_unavailable"], 1);
        assert_eq!(m.latency.iter().sum::<u64>(), 2);
    }

    #[test]
    fn a_request_becomes_a_data_point_in_the_documented_columns() {
        let log = crate::log::RequestLog {
            path: "/s/outlet/api/cart".into(),
            store: Some("outlet".into()),
            status: 422,
            duration_ms: 12,
            cache: Some("local".into()),
            error_code: Some("quantity_limit".into()),
            rows_read: Some(5),
            rows_written: Some(2),
            ..Default::default()
        };
        let p = DataPoint::of(&log);
        assert_eq!(p.index, "outlet");
        assert_eq!(
            p.blobs,
            ["outlet", "cart_api", "local", "quantity_limit"].map(String::from)
        );
        assert_eq!(p.doubles, [422.0, 12.0, 5.0, 2.0]);
        let platform = DataPoint::of(&crate::log::RequestLog {
            path: "/health".into(),
            status: 200,
            ..Default::default()
        });
        assert_eq!(platform.index, "-");
        assert_eq!(platform.blobs[1], "health");
    }

    #[test]
    fn a_data_point_crosses_as_the_object_write_data_point_takes() {
        let log = crate::log::RequestLog {
            path: "/s/outlet/products/hat".into(),
            store: Some("out\"let</script>".into()),
            status: 200,
            duration_ms: 7,
            ..Default::default()
        };
        let json = DataPoint::of(&log).to_json();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "indexes": ["out\"let</script>"],
                "blobs": ["out\"let</script>", "page", "", ""],
                "doubles": [200.0, 7.0, 0.0, 0.0],
            })
        );
        let fields: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(fields, ["blobs", "doubles", "indexes"], "nothing else");
    }

    #[test]
    fn paths_have_kinds() {
        assert_eq!(RouteKind::for_path("/admin/stores"), RouteKind::Admin);
        assert_eq!(RouteKind::for_path("/health/ready"), RouteKind::Health);
        assert_eq!(RouteKind::for_path("/healthy-snacks"), RouteKind::Page);
        assert_eq!(
            RouteKind::for_path("/s/outlet/api/cart"),
            RouteKind::CartApi
        );
        assert_eq!(
            RouteKind::for_path("/.well-known/security.txt"),
            RouteKind::Other
        );
        assert_eq!(RouteKind::for_path("/s/outlet/products/x"), RouteKind::Page);
    }

    #[test]
    fn error_codes_stay_bounded() {
        let mut m = IsolateMetrics::new(0);
        for i in 0..500 {
            m.record(RouteKind::Other, 400, Some(&format!("code_{i}")));
        }
        assert_eq!(m.errors.len(), MAX_CODES);
        assert_eq!(m.requests, 500);
        assert_eq!(IsolateMetrics::new(0).server_error_rate(), 0.0);
    }
}
