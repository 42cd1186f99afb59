//! Platform routes and the headers every response carries.

use crate::support::{Ctx, Test};
use wandstore_e2e::Client;

pub const TESTS: &[(&str, Test)] = &[
    ("platform::health_live_is_ok", health_live_is_ok),
    (
        "platform::health_ready_checks_every_dependency",
        health_ready_checks_every_dependency,
    ),
    ("platform::security_txt_is_served", security_txt_is_served),
    (
        "platform::every_response_has_request_id_and_timing",
        every_response_has_request_id_and_timing,
    ),
    (
        "platform::a_plain_request_id_from_the_client_is_kept",
        a_plain_request_id_from_the_client_is_kept,
    ),
    (
        "platform::the_admin_metrics_count_this_isolates_requests",
        the_admin_metrics_count_this_isolates_requests,
    ),
    (
        "platform::a_page_logs_what_it_cost_and_leaks_no_internal_header",
        a_page_logs_what_it_cost_and_leaks_no_internal_header,
    ),
];

fn health_live_is_ok(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let page = Client::new(url).get("/health/live");
    assert_eq!(page.status, 200);
    assert_eq!(page.body, r#"{"status":"ok"}"#);
    assert_eq!(Client::new(url).get("/health/nope").status, 404);
}

fn every_response_has_request_id_and_timing(ctx: &Ctx) {
    let url = ctx.url.as_str();
    for path in ["/", "/s/outlet/", "/s/nowhere/", "/health/live"] {
        let page = Client::new(url).get(path);
        let id = page.header("x-request-id").unwrap_or_default();
        assert_eq!(id.len(), 32, "{path}: {id:?}");
        assert!(
            page.header("x-response-time")
                .is_some_and(|t| t.ends_with("ms")),
            "{path}"
        );
        assert_eq!(
            page.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(page.header("x-frame-options"), Some("DENY"), "{path}");
    }
    // Ids differ per request.
    let a = Client::new(url).get("/health/live");
    let b = Client::new(url).get("/health/live");
    assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
}

fn a_plain_request_id_from_the_client_is_kept(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let page = wandstore_e2e::Client::new(url).get_with_header(
        "/health/live",
        "x-request-id",
        "trace-123_abc",
    );
    assert_eq!(page.header("x-request-id"), Some("trace-123_abc"));
    let hostile = wandstore_e2e::Client::new(url).get_with_header(
        "/health/live",
        "x-request-id",
        "bad id\" {",
    );
    assert_ne!(hostile.header("x-request-id"), Some("bad id\" {"));
}

fn health_ready_checks_every_dependency(ctx: &Ctx) {
    let ready = Client::new(&ctx.url).get("/health/ready");
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.header("cache-control"), Some("no-store"));
    let body = ready.json();
    assert_eq!(body["status"], "ready");
    let names: Vec<&str> = body["checks"]
        .as_array()
        .map(|c| c.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        ["durable_objects", "r2:ASSETS", "r2:THEMES", "r2:BACKUPS"]
    );
    assert!(
        body["checks"]
            .as_array()
            .is_some_and(|c| c.iter().all(|x| x["ok"] == true))
    );
    let health = Client::new(&ctx.url).get("/health");
    assert_eq!(health.status, 200, "{}", health.body);
    let summary = health.json();
    // Other tests fault the upstream of stores they make, so the shared stack may be degraded.
    assert!(
        ["healthy", "degraded"].contains(&summary["status"].as_str().unwrap_or_default()),
        "{summary}"
    );
    assert_eq!(summary["environment"], "development");
    assert!(summary["version"].as_str().is_some_and(|v| !v.is_empty()));
    assert!(summary["uptime_ms"].is_u64() && summary["timestamp_ms"].is_u64());
    let checks = summary["checks"].as_array().cloned().unwrap_or_default();
    let named = |n: &str| checks.iter().find(|c| c["name"] == n).cloned();
    assert_eq!(
        named("durable_objects").map(|c| c["status"].clone()),
        Some("ok".into())
    );
    assert!(
        named("store:outlet").is_some(),
        "the demo stores are checked: {summary}"
    );
}

fn security_txt_is_served(ctx: &Ctx) {
    let page = Client::new(&ctx.url).get("/.well-known/security.txt");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .is_some_and(|c| c.starts_with("text/plain"))
    );
    assert!(page.body.contains("Contact: mailto:"), "{}", page.body);
    let expires = page
        .body
        .lines()
        .find_map(|l| l.strip_prefix("Expires: "))
        .unwrap_or_default();
    // ISO 8601, about a year ahead: at least in the year 300 days from now.
    assert!(expires.ends_with('Z') && expires.len() == 24, "{expires}");
    let year: u64 = expires[..4].parse().unwrap_or(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let min_year = 1970 + (now + 300 * 86_400) / 31_556_952;
    assert!(year >= min_year, "{expires} expires too soon");
}

/// The request's log line: one JSON object with this request id (logs flush asynchronously,
/// so the file is polled with a deadline).
pub(crate) fn log_line(ctx: &Ctx, request_id: &str) -> serde_json::Value {
    let path = ctx.state_dir.join("wrangler.log");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let log = std::fs::read_to_string(&path).unwrap_or_default();
        let found = log
            .lines()
            .filter_map(|l| l.find('{').map(|i| &l[i..]))
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|v| v["msg"] == "request" && v["request_id"] == request_id);
        if let Some(line) = found {
            return line;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no log line for {request_id}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn a_page_logs_what_it_cost_and_leaks_no_internal_header(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let first = shopper.get("/s/outlet/");
    assert_eq!(first.status, 200, "{}", first.body);
    for (name, _) in &first.headers {
        assert!(
            !name.starts_with("x-wandstore"),
            "internal header {name} leaked"
        );
    }
    let line = log_line(ctx, first.header("x-request-id").unwrap_or_default());
    assert_eq!(line["do"], "ShopperStorefront");
    // A first visit writes nothing (a visitor who never returns leaves no storage); its
    // home view is counted on the next one, through the cookie's hint.
    assert_eq!(line["rows_written"], 0, "{line}");
    assert_eq!(line["rows_read"], 0, "{line}");
    assert!(
        first.shopper_cookie().is_some_and(|c| c.ends_with("~h")),
        "the new cookie carries the home hint"
    );
    // The entry's call to the shopper object, and the object's calls to StoreConfig.
    assert!(line["do_calls"].as_u64().unwrap_or(0) >= 2, "{line}");
    assert!(line["cache"].is_string(), "{line}");

    // The same page again within the snapshot TTL asks StoreConfig nothing.
    let again = shopper.get("/s/outlet/");
    assert_eq!(again.status, 200);
    assert_eq!(again.visits(), Some(2), "the first, unrecorded view counts");
    assert!(
        again.shopper_cookie().is_some_and(|c| !c.ends_with("~h")),
        "the used hint is dropped from the cookie"
    );
    let line = log_line(ctx, again.header("x-request-id").unwrap_or_default());
    assert_eq!(line["new_shopper"], serde_json::Value::Null, "{line}");
    assert!(
        line["rows_written"].as_u64().unwrap_or(0) >= 1,
        "now it is written: {line}"
    );
    assert_eq!(line["do_calls"], 1, "{line}");
    assert_eq!(line["cache"], "local", "{line}");

    // What the edge says about the request is logged; the client's IP never is.
    let edge = Client::new(&ctx.url).send(
        "GET",
        "/s/outlet/",
        &[
            ("cf-ray", "8c1f2e3d4a5b6c7d-LHR"),
            ("cf-ipcountry", "DE"),
            ("cf-connecting-ip", "203.0.113.77"),
        ],
        None,
    );
    assert_eq!(edge.status, 200);
    let line = log_line(ctx, edge.header("x-request-id").unwrap_or_default());
    assert_eq!(line["cf_ray"], "8c1f2e3d4a5b6c7d-LHR", "{line}");
    assert_eq!(line["country"], "DE", "{line}");
    assert!(!line.to_string().contains("203.0.113.77"), "{line}");
}

fn the_admin_metrics_count_this_isolates_requests(ctx: &Ctx) {
    let anon = Client::new(&ctx.url).send("GET", "/admin/metrics", &[], None);
    assert_eq!(anon.status, 401);
    let mut shopper = Client::new(&ctx.url);
    assert_eq!(shopper.get("/s/outlet/no-such-page").status, 404);
    // A platform path nothing lives at: its error code is the entry's own.
    assert_eq!(shopper.get("/health/no-such-check").status, 404);
    let admin = wandstore_e2e::Admin::new(&ctx.url, &ctx.admin_token);
    let metrics = admin.get("/admin/metrics");
    assert_eq!(metrics.status, 200, "{}", metrics.body);
    let m = metrics.json();
    let isolate = &m["isolate"];
    assert!(isolate["requests"].as_u64().unwrap_or(0) >= 2, "{m}");
    assert!(
        isolate["by_status"]["4xx"].as_u64().unwrap_or(0) >= 1,
        "{m}"
    );
    assert!(
        isolate["by_route"]["page"].as_u64().unwrap_or(0) >= 1,
        "{m}"
    );
    assert!(
        isolate["errors"]["not_found"].as_u64().unwrap_or(0) >= 1,
        "{m}"
    );
    assert!(
        m["server_error_rate"].as_f64().is_some_and(|r| r < 0.05),
        "{m}"
    );
    // A latency percentile the monitor can alert on: a histogram bucket's bound in ms.
    assert!(
        isolate["p95_ms"]
            .as_u64()
            .is_some_and(|p| p > 0 && p <= 10_000),
        "{m}"
    );
    assert_eq!(
        admin.post("/admin/metrics", &serde_json::json!({})).status,
        405
    );
}
