//! The catalog cache: syncing from devshop through the real Worker, and what happens when the
//! upstream fails.

use crate::pages::product_handles;
use crate::support::{Ctx, Test};
use std::time::{Duration, Instant};
use wandstore_e2e::{Admin, Client, Devshop, TestStack};

pub const TESTS: &[(&str, Test)] = &[
    (
        "catalog::each_store_syncs_its_own_catalog",
        each_store_syncs_its_own_catalog,
    ),
    (
        "catalog::cron_asks_every_store_to_refresh",
        cron_asks_every_store_to_refresh,
    ),
];

fn cron_asks_every_store_to_refresh(ctx: &Ctx) {
    let tick = Client::new(&ctx.url).get("/cdn-cgi/local/scheduled?cron=*/15+*+*+*+*");
    assert_eq!(tick.status, 200, "{}", tick.body);
    let log = wait_for_log(&ctx.state_dir, |log| {
        log.lines().any(|l| l.contains(r#""msg":"cron""#))
    });
    let line = log
        .lines()
        .find(|l| l.contains(r#""msg":"cron""#))
        .unwrap_or_default();
    let start = line.find('{').unwrap_or(0);
    let v: serde_json::Value = serde_json::from_str(&line[start..]).unwrap_or_default();
    assert_eq!(v["cron"], "*/15 * * * *", "{line}");
    assert!(v["stores"].as_u64().is_some_and(|n| n >= 2), "{line}");
    assert!(
        v["failed"].as_array().is_some_and(|f| f.is_empty()),
        "{line}"
    );
    assert!(v["refreshes_started"].as_u64().is_some(), "{line}");
}

fn each_store_syncs_its_own_catalog(ctx: &Ctx) {
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    let mut total = 0;
    for (store, at_least) in [("demo", 500), ("outlet", 400)] {
        let sync = admin.post(
            &format!("/admin/stores/{store}/sync"),
            &serde_json::json!({}),
        );
        assert_eq!(sync.status, 200, "{store}: {}", sync.body);
        let report = sync.json();
        let products = report["products"].as_u64().unwrap_or_default();
        assert!(products >= at_least, "{store}: {products} products");
        assert!(
            report["collections"].as_u64().unwrap_or_default() >= 10,
            "{}",
            sync.body
        );
        assert_eq!(report["truncated"], false);
        total += products;

        let status = admin.get(&format!("/admin/stores/{store}/catalog"));
        assert_eq!(status.status, 200, "{}", status.body);
        let status = status.json();
        assert_eq!(status["products"].as_u64(), Some(products));
        assert_eq!(status["breaker"], "closed");
        assert!(status["synced_at_ms"].as_u64().is_some());
        assert!(status["last_error"].is_null());
    }
    assert!(total >= 1000, "{total} products in all");
    // Each store was synced from its own shop, with its own token.
    let devshop = Devshop::new(&ctx.devshop_url);
    for shop in ["demo", "outlet"] {
        assert!(
            devshop.graphql_requests(shop) >= 3,
            "{shop} was never asked"
        );
    }
    assert_eq!(
        admin
            .post("/admin/stores/nowhere/sync", &serde_json::json!({}))
            .status,
        404
    );
    assert_eq!(admin.get("/admin/stores/demo/sync").status, 405);
}

/// Upstream failures on a stack of its own (faults would disturb the shared one), with a
/// breaker that lets probes through after 2 s and a catalog that is always due a refresh.
pub fn upstream_failures_open_the_breaker_and_it_recovers() {
    let stack = TestStack::start_with(&[
        ("UPSTREAM_BREAKER_OPEN_SECS", "2"),
        ("CATALOG_FRESH_SECS", "0"),
        ("CATALOG_SYNC_CAP", "300"),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let url = stack.url();
    let admin = Admin::new(&url, stack.stack.admin_token().unwrap_or_default());
    let devshop = Devshop::new(stack.stack.devshop_url().unwrap_or_default());

    // A cold store whose upstream fails: a clear 503 page with Retry-After, never a crash.
    devshop.fault("outlet", "http500");
    let page = Client::new(&url).get("/s/outlet/");
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(
        page.header("content-type")
            .is_some_and(|c| c.starts_with("text/html"))
    );
    assert!(page.body.contains("Temporarily unavailable"));
    assert!(
        page.header("retry-after")
            .is_some_and(|v| v.parse::<u64>().is_ok_and(|s| s >= 1))
    );
    let failed = admin.post("/admin/stores/outlet/sync", &serde_json::json!({}));
    assert_eq!(failed.status, 503, "{}", failed.body);
    assert!(failed.header("retry-after").is_some());
    let error = &failed.json()["error"];
    assert_eq!(error["code"], "catalog_unavailable");
    assert!(
        ["shopify_server_error", "breaker_open"]
            .contains(&error["cause"].as_str().unwrap_or_default()),
        "{error}"
    );

    // Five consecutive failures opened the breaker: no more calls reach the upstream.
    let status = admin.get("/admin/stores/outlet/catalog").json();
    assert_eq!(status["breaker"], "open", "{status}");
    assert!(status["last_error"].as_str().is_some_and(|e| !e.is_empty()));
    let calls = devshop.graphql_requests("outlet");
    let refused = admin.post("/admin/stores/outlet/sync", &serde_json::json!({}));
    assert_eq!(refused.status, 503);
    assert_eq!(refused.json()["error"]["cause"], "breaker_open");
    assert_eq!(Client::new(&url).get("/s/outlet/").status, 503);
    assert_eq!(
        devshop.graphql_requests("outlet"),
        calls,
        "an open breaker does not call upstream"
    );

    // An open breaker makes the service degraded, not down, and says where.
    let health = Client::new(&url).get("/health");
    assert_eq!(health.status, 200, "{}", health.body);
    let summary = health.json();
    assert_eq!(summary["status"], "degraded", "{summary}");
    let outlet = summary["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|x| x["name"] == "store:outlet").cloned())
        .unwrap_or_default();
    assert_eq!(outlet["status"], "degraded", "{summary}");
    assert!(
        outlet["detail"]
            .as_str()
            .is_some_and(|d| d.contains("breaker"))
    );

    // The store's object counted what happened.
    let metrics = admin.get("/admin/stores/outlet/metrics").json();
    assert!(
        metrics["breaker_opens"].as_u64().is_some_and(|n| n >= 1),
        "{metrics}"
    );
    let failures: u64 = metrics["upstream_errors"]
        .as_object()
        .map(|m| m.values().filter_map(serde_json::Value::as_u64).sum())
        .unwrap_or(0);
    assert!(failures >= 5, "{metrics}");

    // The upstream recovers; once the breaker lets a probe through, a sync succeeds and closes it.
    devshop.clear_faults();
    let deadline = Instant::now() + Duration::from_secs(30);
    let report = loop {
        let attempt = admin.post("/admin/stores/outlet/sync", &serde_json::json!({}));
        if attempt.status == 200 {
            break attempt.json();
        }
        assert_eq!(
            attempt.json()["error"]["cause"],
            "breaker_open",
            "{}",
            attempt.body
        );
        assert!(
            Instant::now() < deadline,
            "the breaker never let a probe through"
        );
        // Waiting for the breaker's open period (2 s) to pass: a time condition, polled.
        std::thread::sleep(Duration::from_millis(250));
    };
    // The outlet shop has 450 products; this stack caps a sync at 300 (two pages: 250 + 50).
    assert_eq!(report["products"].as_u64(), Some(300), "{report}");
    assert_eq!(report["truncated"], true);
    let status = admin.get("/admin/stores/outlet/catalog").json();
    assert_eq!(status["truncated"], true);
    assert_eq!(status["breaker"], "closed", "{status}");
    assert!(status["last_error"].is_null(), "{status}");
    let healed = Client::new(&url).get("/health").json();
    let outlet = healed["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|x| x["name"] == "store:outlet").cloned())
        .unwrap_or_default();
    assert_eq!(outlet["status"], "ok", "{healed}");

    // Upstream down again with a warm cache: pages are served from the (stale) cache, the
    // request's log line says so, and the failed background refresh is logged.
    devshop.fault("outlet", "http500");
    let stale = Client::new(&url).get("/s/outlet/collections/all");
    assert_eq!(stale.status, 200, "{}", stale.body);
    // Freshness is the log line's business (checked below); internal headers never reach
    // the client.
    assert_eq!(stale.header("x-wandstore-cache"), None);
    assert_eq!(stale.header("x-wandstore-report"), None);
    assert_eq!(product_handles(&stale, "/s/outlet/").len(), 24);
    let rid = stale.header("x-request-id").unwrap_or_default().to_owned();
    let log = wait_for_log(&stack.state_dir(), |log| {
        log.lines()
            .any(|l| l.contains(&rid) && l.contains(r#""cache":"stale""#))
            && log
                .lines()
                .any(|l| l.contains(r#""msg":"catalog.sync""#) && l.contains(r#""ok":false"#))
    });
    assert!(!log.is_empty());

    // Checkout while the upstream fails: the shopper is told, and the cart is kept.
    devshop.clear_faults();
    let mut shopper = Client::new(&url);
    let (_, variant) = crate::cart::buyable(&mut shopper, "/s/outlet/", 0);
    let add = format!(r#"{{"op":"add","variant_id":"{variant}","quantity":1}}"#);
    assert_eq!(
        shopper.post_json("/s/outlet/api/cart", &add, &[]).status,
        200
    );
    let csrf = shopper.get("/s/outlet/cart").csrf().unwrap_or_default();
    devshop.fault("outlet", "http500");
    let failed = shopper.post_form("/s/outlet/checkout", &[("csrf", &csrf)]);
    assert_eq!(failed.status, 503, "{}", failed.body);
    assert!(
        failed
            .body
            .contains("Checkout is unavailable right now; your cart is unchanged.")
    );
    let cookie = shopper.cookie.clone().unwrap_or_default();
    let cart = shopper.send("GET", "/s/outlet/api/cart", &[("cookie", &cookie)], None);
    assert_eq!(cart.json()["item_count"], 1, "{}", cart.body);
    devshop.clear_faults();
    // The demo store was never affected.
    assert_eq!(
        admin
            .post("/admin/stores/demo/sync", &serde_json::json!({}))
            .status,
        200
    );
}

/// The stack's log once `ready` says it holds what the test waits for (logs are written
/// asynchronously, and the background refresh finishes after the page was served).
fn wait_for_log(state_dir: &std::path::Path, ready: impl Fn(&str) -> bool) -> String {
    let path = state_dir.join("wrangler.log");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = std::fs::read_to_string(&path).unwrap_or_default();
        if ready(&log) {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "the log never showed it: {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// With 200 stores registered, one cron run asks every one of them (in batches, within one
/// invocation's subrequest budget) and none of the asks fails.
pub fn cron_reaches_200_stores() {
    let stack = TestStack::start().unwrap_or_else(|e| panic!("{e}"));
    let url = stack.url();
    let admin = Admin::new(&url, stack.stack.admin_token().unwrap_or_default());
    for i in 0..198 {
        let store = serde_json::json!({
            "slug": format!("many-{i:03}"),
            "display_name": format!("Store {i}"),
            "currency": "USD",
            // Never reached: the refresh each store starts fails on its own, in its object.
            "shopify": {"domain": format!("many-{i:03}.myshopify.com"), "storefront_token": "t"},
        });
        let created = admin.post("/admin/stores", &store);
        assert_eq!(created.status, 201, "store {i}: {}", created.body);
    }
    let tick = Client::new(&url).get("/cdn-cgi/local/scheduled?cron=*/15+*+*+*+*");
    assert_eq!(tick.status, 200, "{}", tick.body);
    let log = wait_for_log(&stack.state_dir(), |log| {
        log.lines().any(|l| l.contains(r#""msg":"cron""#))
    });
    let line = log
        .lines()
        .find(|l| l.contains(r#""msg":"cron""#))
        .unwrap_or_default();
    let v: serde_json::Value =
        serde_json::from_str(&line[line.find('{').unwrap_or(0)..]).unwrap_or_default();
    assert_eq!(v["stores"], 200, "{line}");
    assert_eq!(v["asked"], 200, "{line}");
    assert!(
        v["failed"].as_array().is_some_and(|f| f.is_empty()),
        "{line}"
    );
    assert!(
        v["refreshes_started"].as_u64().is_some_and(|n| n >= 198),
        "every never-synced store starts a refresh: {line}"
    );
}
