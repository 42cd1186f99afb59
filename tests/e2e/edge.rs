//! The edge's own refusals, before any object is asked: sizes at and past each limit,
//! methods, malformed paths, content types, the admin wall and the security headers.

use crate::support::{Ctx, Test};
use serde_json::json;
use wandstore_e2e::{Admin, Client};

pub const TESTS: &[(&str, Test)] = &[
    (
        "edge::urls_past_2048_bytes_are_414",
        urls_past_2048_bytes_are_414,
    ),
    ("edge::headers_past_8_kb_are_431", headers_past_8_kb_are_431),
    (
        "edge::unknown_methods_are_405_before_routing",
        unknown_methods_are_405_before_routing,
    ),
    ("edge::malformed_paths_are_400", malformed_paths_are_400),
    (
        "edge::the_cart_api_takes_json_only_and_within_16_kb",
        the_cart_api_takes_json_only_and_within_16_kb,
    ),
    (
        "edge::the_admin_api_is_not_on_store_hosts",
        the_admin_api_is_not_on_store_hosts,
    ),
    (
        "edge::pages_carry_csp_and_no_store_and_no_hsts_on_localhost",
        pages_carry_csp_and_no_store_and_no_hsts_on_localhost,
    ),
    (
        "edge::reserved_slugs_and_ip_shops_are_refused",
        reserved_slugs_and_ip_shops_are_refused,
    ),
    (
        "edge::a_client_past_the_search_limit_gets_429",
        a_client_past_the_search_limit_gets_429,
    ),
];

fn error_code(page: &wandstore_e2e::Page) -> String {
    page.json()["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn urls_past_2048_bytes_are_414(ctx: &Ctx) {
    let client = Client::new(&ctx.url);
    let prefix = format!("{}/s/outlet/search?q=", ctx.url.trim_end_matches('/'));
    let fill = |total: usize| "a".repeat(total - prefix.len());
    let at = client.send(
        "GET",
        &format!("/s/outlet/search?q={}", fill(2048)),
        &[],
        None,
    );
    assert_ne!(at.status, 414, "exactly at the limit passes");
    assert!(at.status < 500, "{}", at.status);
    let past = client.send(
        "GET",
        &format!("/s/outlet/search?q={}", fill(2049)),
        &[],
        None,
    );
    assert_eq!(past.status, 414, "{}", past.body);
    assert_eq!(error_code(&past), "url_too_long");
}

fn headers_past_8_kb_are_431(ctx: &Ctx) {
    let client = Client::new(&ctx.url);
    let big = "b".repeat(9 * 1024);
    let past = client.send("GET", "/s/outlet/", &[("x-padding", &big)], None);
    assert_eq!(past.status, 431, "{}", past.body);
    assert_eq!(error_code(&past), "headers_too_large");
    let fine = "b".repeat(4 * 1024);
    let ok = client.send("GET", "/s/outlet/", &[("x-padding", &fine)], None);
    assert_eq!(ok.status, 200);
}

/// The status line and headers of a request sent as raw bytes (for methods no HTTP client
/// library will send).
fn raw_head(ctx: &Ctx, method: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let addr = ctx.url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{addr}: {e}"));
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap_or_else(|e| panic!("timeout: {e}"));
    let request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .unwrap_or_else(|e| panic!("write: {e}"));
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    text.split("\r\n\r\n").next().unwrap_or_default().to_owned()
}

fn unknown_methods_are_405_before_routing(ctx: &Ctx) {
    let client = Client::new(&ctx.url);
    for method in ["PROPFIND", "MKCOL"] {
        let head = raw_head(ctx, method, "/s/outlet/");
        assert!(head.starts_with("HTTP/1.1 405"), "{method}: {head}");
        let allow = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("allow:"))
            .unwrap_or_default();
        assert!(allow.contains("GET"), "{head}");
    }
    // A platform method a route does not take is a 405 with that route's methods.
    let put = client.send("PUT", "/s/outlet/products/anything", &[], None);
    assert_eq!(put.status, 405);
    assert_eq!(put.header("allow"), Some("GET, HEAD"));
    let get_add = client.send("GET", "/s/outlet/cart/add", &[], None);
    assert_eq!(
        (get_add.status, get_add.header("allow")),
        (405, Some("POST"))
    );
}

fn malformed_paths_are_400(ctx: &Ctx) {
    let client = Client::new(&ctx.url);
    for path in [
        "/s/outlet/%zz",
        "/s/outlet/products/a%00b",
        "/s/outlet/%0d%0aX:1",
    ] {
        let page = client.send("GET", path, &[], None);
        assert_eq!(page.status, 400, "{path}: {}", page.body);
        assert_eq!(error_code(&page), "bad_path", "{path}");
    }
}

fn the_cart_api_takes_json_only_and_within_16_kb(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    assert_eq!(shopper.get("/s/outlet/").status, 200);
    let cookie = shopper.cookie.clone().unwrap_or_default();
    let add = r#"{"op":"clear"}"#;
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut headers = vec![("cookie", cookie.as_str())];
        if let Some(ct) = ct {
            headers.push(("content-type", ct));
        }
        let page = shopper.send("POST", "/s/outlet/api/cart", &headers, Some(add));
        assert_eq!(page.status, 415, "{ct:?}: {}", page.body);
        assert_eq!(error_code(&page), "unsupported_media_type");
    }
    let too_big = format!(r#"{{"op":"clear","pad":"{}"}}"#, "x".repeat(16 * 1024));
    let page = shopper.post_json("/s/outlet/api/cart", &too_big, &[]);
    assert_eq!(page.status, 413, "{}", page.body);
    // Nothing changed: the cart is still empty and still answers.
    let cart = shopper.send("GET", "/s/outlet/api/cart", &[("cookie", &cookie)], None);
    assert_eq!(cart.status, 200);
    assert_eq!(cart.json()["item_count"], 0);
}

fn the_admin_api_is_not_on_store_hosts(ctx: &Ctx) {
    let client = Client::new(&ctx.url);
    let auth = format!("Bearer {}", ctx.admin_token);
    let on_store = client.send(
        "GET",
        "/admin/stores",
        &[
            ("host", "outlet.wandstore.localhost"),
            ("authorization", &auth),
        ],
        None,
    );
    assert_eq!(on_store.status, 404, "{}", on_store.body);
    assert!(!on_store.body.contains("\"stores\""));
    let on_platform = client.send("GET", "/admin/stores", &[("authorization", &auth)], None);
    assert_eq!(on_platform.status, 200);
}

fn pages_carry_csp_and_no_store_and_no_hsts_on_localhost(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let page = shopper.get("/s/outlet/");
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.header("cache-control"), Some("private, no-store"));
    assert_eq!(
        page.header("strict-transport-security"),
        None,
        "plain-HTTP localhost"
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
}

fn reserved_slugs_and_ip_shops_are_refused(ctx: &Ctx) {
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    let store = |slug: &str, domain: &str| {
        json!({
            "slug": slug,
            "display_name": "X",
            "currency": "USD",
            "shopify": {"domain": domain, "storefront_token": "t"},
        })
    };
    let reserved = admin.post("/admin/stores", &store("admin", "x.myshopify.com"));
    assert_eq!(reserved.status, 422, "{}", reserved.body);
    assert!(reserved.body.contains("reserved"));
    for ip in [
        "0x7f.1",
        "0xa9.0xfe.0xa9.0xfe",
        "2130706433",
        "10.0.0.1",
        "metadata.internal",
    ] {
        let refused = admin.post("/admin/stores", &store("ip-shop", ip));
        assert_eq!(refused.status, 422, "{ip}: {}", refused.body);
        assert_eq!(admin.get("/admin/stores/ip-shop").status, 404);
    }
}

fn a_client_past_the_search_limit_gets_429(ctx: &Ctx) {
    let client = Client::new(&ctx.url);
    let search = |ip: &str| {
        client.send(
            "GET",
            "/s/outlet/search?q=hat",
            &[("cf-connecting-ip", ip), ("accept", "text/html")],
            None,
        )
    };
    // The limit is 60 a minute per client (wrangler.toml), counted in windows: the first 50
    // pass whatever the window, and of 150 more (a few seconds, so at most one window edge)
    // some window holds more than 60, so a 429 comes.
    for i in 0..50 {
        let page = search("198.51.100.23");
        assert_eq!(page.status, 200, "search {i}: {}", page.body);
    }
    let limited = (0..150)
        .map(|_| search("198.51.100.23"))
        .find(|p| p.status == 429)
        .unwrap_or_else(|| panic!("no 429 after 200 searches from one client"));
    assert_eq!(limited.header("retry-after"), Some("60"));
    assert!(
        limited.body.contains("Too many requests"),
        "{}",
        limited.body
    );
    assert!(
        limited.header("ratelimit-remaining").is_none(),
        "no invented count"
    );
    // Another client, and this client's page reads, are not affected.
    assert_eq!(search("198.51.100.24").status, 200);
    let home = client.send(
        "GET",
        "/s/outlet/",
        &[("cf-connecting-ip", "198.51.100.23")],
        None,
    );
    assert_eq!(home.status, 200);
}

/// A client that goes past a limit five times within the window is banned for 24 hours,
/// from every store route, and the ban survives a restart.
pub fn a_ban_survives_a_restart() {
    let mut stack = wandstore_e2e::TestStack::start().unwrap_or_else(|e| panic!("{e}"));
    let ip = "198.51.100.77";
    let search = |url: &str| {
        Client::new(url).send(
            "GET",
            "/s/outlet/search?q=hat",
            &[("cf-connecting-ip", ip)],
            None,
        )
    };
    let url = stack.url();
    let banned = (0..300)
        .map(|_| search(&url))
        .find(|p| p.status == 429 && p.body.contains("blocked for now"));
    let Some(banned) = banned else {
        panic!("no ban after 300 searches from one client");
    };
    let retry: u64 = banned
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    assert!(retry > 23 * 3600, "banned for about a day, not {retry} s");
    let home = |url: &str, ip: &str| {
        Client::new(url).send("GET", "/s/outlet/", &[("cf-connecting-ip", ip)], None)
    };
    assert_eq!(home(&url, ip).status, 429, "every store route");
    assert_eq!(home(&url, "198.51.100.78").status, 200, "only that client");

    stack.restart().unwrap_or_else(|e| panic!("{e}"));
    let url = stack.url();
    let after = home(&url, ip);
    assert_eq!(
        after.status, 429,
        "the ban survived the restart: {}",
        after.body
    );
    assert_eq!(home(&url, "198.51.100.78").status, 200);
}
