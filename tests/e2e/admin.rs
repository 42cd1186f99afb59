//! The platform admin API: authentication, the store lifecycle, validation, conflicts,
//! host-based routing, and secrets that never leave.

use crate::support::{Ctx, Test};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wandstore_e2e::{Admin, Client};

pub const TESTS: &[(&str, Test)] = &[
    (
        "admin::a_cold_stores_first_page_logs_its_upstream_calls",
        a_cold_stores_first_page_logs_its_upstream_calls,
    ),
    ("admin::requires_the_admin_token", requires_the_admin_token),
    (
        "admin::store_lifecycle_without_leaking_the_token",
        store_lifecycle_without_leaking_the_token,
    ),
    (
        "admin::invalid_input_is_refused_and_changes_nothing",
        invalid_input_is_refused_and_changes_nothing,
    ),
    (
        "admin::slugs_and_domains_are_unique",
        slugs_and_domains_are_unique,
    ),
    (
        "admin::patch_changes_what_it_names",
        patch_changes_what_it_names,
    ),
    (
        "admin::a_busy_shopper_rarely_asks_store_config",
        a_busy_shopper_rarely_asks_store_config,
    ),
    (
        "admin::stores_route_by_subdomain_and_custom_domain",
        stores_route_by_subdomain_and_custom_domain,
    ),
];

/// A store backed by devshop's `outlet` shop when `token` is the real one (pages work), or by
/// a Shopify domain that is never called when it is not.
pub(crate) fn new_store(slug: &str, token: &str, domains: &[&str]) -> Value {
    json!({
        "slug": slug,
        "display_name": format!("Store {slug}"),
        "currency": "GBP",
        "shopify": {"domain": format!("{slug}.myshopify.com"), "storefront_token": token},
        "custom_domains": domains,
    })
}

/// A store whose pages work: backed by devshop's `outlet` shop.
pub(crate) fn live_store(ctx: &Ctx, slug: &str, domains: &[&str]) -> Value {
    let mut store = new_store(slug, &ctx.outlet_token, domains);
    store["shopify"]["domain"] = json!(ctx.devshop_url);
    store
}

fn requires_the_admin_token(ctx: &Ctx) {
    let anon = Client::new(&ctx.url);
    let missing = anon.send("GET", "/admin/stores", &[], None);
    assert_eq!(missing.status, 401, "{}", missing.body);
    assert!(
        missing
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer"))
    );
    assert_eq!(missing.json()["error"]["code"], "unauthorized");

    for bad in [
        "Bearer wrong-token-wrong-token-wrong-token",
        "Basic abc",
        "Bearer",
        ctx.admin_token.as_str(),
    ] {
        let page = anon.send("GET", "/admin/stores", &[("authorization", bad)], None);
        assert_eq!(page.status, 401, "{bad}: {}", page.body);
    }

    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    let created = admin.post("/admin/stores", &new_store("owner-tok", "tok-owner-1", &[]));
    assert_eq!(created.status, 201, "{}", created.body);
    let owner = created.json()["owner_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(owner.starts_with("wso_") && owner.len() > 60, "{owner}");
    let page = anon.send(
        "GET",
        "/admin/stores",
        &[("authorization", &format!("Bearer {owner}"))],
        None,
    );
    assert_eq!(page.status, 403, "{}", page.body);
    assert_eq!(page.json()["error"]["code"], "forbidden");
    assert_eq!(admin.delete("/admin/stores/owner-tok").status, 204);
}

fn store_lifecycle_without_leaking_the_token(ctx: &Ctx) {
    let secret = ctx.outlet_token.as_str();
    assert!(secret.len() > 20);
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    let created = admin.post(
        "/admin/stores",
        &live_store(ctx, "acme-life", &["shop.acme-life.example"]),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let body = created.json();
    assert_eq!(body["store"]["slug"], "acme-life");
    assert_eq!(body["store"]["currency"], "GBP");
    assert_eq!(body["store"]["shopify"]["storefront_token_set"], true);
    assert_eq!(
        body["store"]["custom_domains"],
        json!(["shop.acme-life.example"])
    );

    let got = admin.get("/admin/stores/acme-life");
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["store"]["display_name"], "Store acme-life");
    let listed = admin.get("/admin/stores");
    assert_eq!(listed.status, 200);
    assert!(
        listed.json()["stores"]
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x["slug"] == "acme-life"))
    );

    let page = Client::new(&ctx.url).get("/s/acme-life/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Store acme-life"));

    for resp in [&created, &got, &listed, &page] {
        assert!(!resp.body.contains(secret), "token leaked: {}", resp.body);
        assert!(!resp.body.contains("owner_token_hash"));
    }

    assert_eq!(admin.delete("/admin/stores/acme-life").status, 204);
    assert_eq!(admin.get("/admin/stores/acme-life").status, 404);
    assert_eq!(admin.delete("/admin/stores/acme-life").status, 404);
    assert_eq!(Client::new(&ctx.url).get("/s/acme-life/").status, 404);

    // The log lines of these requests are there, and the token is not.
    let rid = got.header("x-request-id").unwrap_or_default().to_owned();
    let log = wait_for_log_line(ctx, &rid);
    assert!(
        !log.contains(secret),
        "the storefront token reached the log"
    );
    let devshop_log =
        std::fs::read_to_string(ctx.state_dir.join("devshop.log")).unwrap_or_default();
    assert!(!devshop_log.is_empty(), "devshop logged its requests");
    assert!(!devshop_log.contains(secret), "devshop logged the token");
}

/// The stack's log once it holds a line with this request id (logs flush asynchronously).
fn wait_for_log_line(ctx: &Ctx, request_id: &str) -> String {
    let path = ctx.state_dir.join("wrangler.log");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = std::fs::read_to_string(&path).unwrap_or_default();
        if log.contains(request_id) {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "no log line for request {request_id} in {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn invalid_input_is_refused_and_changes_nothing(ctx: &Ctx) {
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    let mut bad = new_store("bad-input", "t", &["1.2.3.4"]);
    bad["currency"] = json!("euro");
    let page = admin.post("/admin/stores", &bad);
    assert_eq!(page.status, 422, "{}", page.body);
    let fields: Vec<String> = page.json()["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(fields, ["currency", "custom_domains[0]"]);

    let mut bad_slug = new_store("bad-input", "t", &[]);
    bad_slug["slug"] = json!("Not A Slug");
    let page = admin.post("/admin/stores", &bad_slug);
    assert_eq!(page.status, 422);
    assert!(
        page.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("slug"))
    );

    let anon = Client::new(&ctx.url);
    let auth = format!("Bearer {}", ctx.admin_token);
    let malformed = anon.send(
        "POST",
        "/admin/stores",
        &[("authorization", &auth)],
        Some("{not json"),
    );
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.json()["error"]["code"], "invalid_json");

    let mut unknown = new_store("bad-input", "t", &[]);
    unknown["colour"] = json!("red");
    assert_eq!(admin.post("/admin/stores", &unknown).status, 400);

    let huge = "x".repeat(70 * 1024);
    let page = anon.send(
        "POST",
        "/admin/stores",
        &[("authorization", &auth)],
        Some(&huge),
    );
    assert_eq!(page.status, 413);

    assert_eq!(
        admin.get("/admin/stores/bad-input").status,
        404,
        "nothing was created"
    );
    let wrong_method = anon.send("PUT", "/admin/stores", &[("authorization", &auth)], None);
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.header("allow"), Some("GET, POST"));
}

fn slugs_and_domains_are_unique(ctx: &Ctx) {
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(
        admin
            .post(
                "/admin/stores",
                &new_store("dup-a", "t1", &["shop.dup.example"])
            )
            .status,
        201
    );
    let again = admin.post("/admin/stores", &new_store("dup-a", "t2", &[]));
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["error"]["code"], "slug_taken");
    let taken = admin.post(
        "/admin/stores",
        &new_store("dup-b", "t3", &["SHOP.dup.example"]),
    );
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert_eq!(taken.json()["error"]["code"], "domain_taken");
    assert_eq!(
        admin.get("/admin/stores/dup-b").status,
        404,
        "the refused store does not exist"
    );
    // The original keeps its settings.
    assert_eq!(
        admin.get("/admin/stores/dup-a").json()["store"]["custom_domains"],
        json!(["shop.dup.example"])
    );
    assert_eq!(admin.delete("/admin/stores/dup-a").status, 204);
    // Once deleted, the domain is free again.
    assert_eq!(
        admin
            .post(
                "/admin/stores",
                &new_store("dup-b", "t3", &["shop.dup.example"])
            )
            .status,
        201
    );
    assert_eq!(admin.delete("/admin/stores/dup-b").status, 204);
}

fn patch_changes_what_it_names(ctx: &Ctx) {
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(
        admin
            .post("/admin/stores", &live_store(ctx, "patchy", &[]))
            .status,
        201
    );
    let patched = admin.patch(
        "/admin/stores/patchy",
        &json!({"display_name": "Patchy & Co"}),
    );
    assert_eq!(patched.status, 200, "{}", patched.body);
    let store = &patched.json()["store"];
    assert_eq!(store["display_name"], "Patchy & Co");
    assert_eq!(store["currency"], "GBP", "unchanged");
    assert_eq!(
        store["shopify"]["storefront_token_set"], true,
        "the token is kept"
    );
    let page = Client::new(&ctx.url).get("/s/patchy/");
    assert!(page.body.contains("Patchy &#38; Co"), "{}", page.body);

    assert_eq!(
        admin
            .patch("/admin/stores/patchy", &json!({"currency": "XX"}))
            .status,
        422
    );
    assert_eq!(
        admin
            .patch("/admin/stores/patchy", &json!({"colour": "red"}))
            .status,
        400
    );
    assert_eq!(
        admin
            .patch("/admin/stores/nope-nope", &json!({"display_name": "x"}))
            .status,
        404
    );
    assert_eq!(
        admin.get("/admin/stores/patchy").json()["store"]["display_name"],
        "Patchy & Co"
    );
    assert_eq!(admin.delete("/admin/stores/patchy").status, 204);
}

fn stores_route_by_subdomain_and_custom_domain(ctx: &Ctx) {
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(
        admin
            .post(
                "/admin/stores",
                &live_store(ctx, "hosty", &["shop.hosty.example"])
            )
            .status,
        201
    );
    let client = Client::new(&ctx.url);
    let by_domain = client.send("GET", "/", &[("host", "shop.hosty.example")], None);
    assert_eq!(by_domain.status, 200, "{}", by_domain.body);
    assert!(by_domain.body.contains("Store hosty"));
    let by_sub = client.send("GET", "/", &[("host", "outlet.wandstore.localhost")], None);
    assert_eq!(by_sub.status, 200);
    assert!(by_sub.body.contains("Wand Outlet"));
    let unknown = client.send("GET", "/", &[("host", "nobody.example")], None);
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("No store is connected"));
    let bad_sub = client.send("GET", "/", &[("host", "no_such.wandstore.localhost")], None);
    assert_eq!(bad_sub.status, 404);
    assert_eq!(admin.delete("/admin/stores/hosty").status, 204);
}

/// Hot-store protection: a shopper's object keeps the store's settings and catalog answers for
/// a few seconds, so repeated page views cost StoreConfig almost nothing. (A store of its own,
/// so other tests' traffic does not count.)
fn a_busy_shopper_rarely_asks_store_config(ctx: &Ctx) {
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(
        admin
            .post("/admin/stores", &live_store(ctx, "hot-store", &[]))
            .status,
        201
    );
    let mut shopper = Client::new(&ctx.url);
    let listing = shopper.get("/s/hot-store/collections/all");
    assert_eq!(listing.status, 200, "{}", listing.body);
    let served = |admin: &Admin| -> u64 {
        let page = admin.get("/admin/stores/hot-store/metrics");
        assert_eq!(page.status, 200, "{}", page.body);
        page.json()["requests_served"].as_u64().unwrap_or(u64::MAX)
    };
    let before = served(&admin);
    for _ in 0..20 {
        assert_eq!(shopper.get("/s/hot-store/collections/all").status, 200);
    }
    let after = served(&admin);
    // The admin's own metrics call counts one record read each; page views add at most a
    // refresh or two if the 5 s window rolled over during the loop.
    assert!(
        after - before <= 4,
        "20 page views cost {} StoreConfig requests",
        after - before
    );
    assert_eq!(admin.delete("/admin/stores/hot-store").status, 204);
}

/// The first page of a store that never synced waits for Shopify: its log line says how
/// many upstream calls it waited for and how long they took; a warm page says nothing.
fn a_cold_stores_first_page_logs_its_upstream_calls(ctx: &Ctx) {
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    let created = admin.post("/admin/stores", &live_store(ctx, "upstream-log", &[]));
    assert_eq!(created.status, 201, "{}", created.body);
    // The request's own line (the sync logs a line with the same request id first).
    let line_of = |page: &wandstore_e2e::Page| {
        crate::platform::log_line(ctx, page.header("x-request-id").unwrap_or_default())
    };
    let cold = Client::new(&ctx.url).get("/s/upstream-log/");
    assert_eq!(cold.status, 200, "{}", cold.body);
    let line = line_of(&cold);
    assert_eq!(line["cache"], "miss", "{line}");
    assert!(
        line["upstream_calls"].as_u64().is_some_and(|n| n >= 2),
        "products and collections: {line}"
    );
    assert!(line["upstream_ms"].is_u64(), "{line}");
    let warm = Client::new(&ctx.url).get("/s/upstream-log/");
    assert_eq!(warm.status, 200);
    let line = line_of(&warm);
    assert!(line.get("upstream_calls").is_none(), "{line}");
    assert_eq!(admin.delete("/admin/stores/upstream-log").status, 204);
}
