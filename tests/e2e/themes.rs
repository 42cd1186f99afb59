//! Themes end to end: drafts validated with every problem's path, publishing that reaches
//! shoppers within the snapshot TTL, history and roll back, signed previews, the live-preview
//! socket, assets a published theme uses, and persistence across a restart.

use crate::owner::store_with_owner;
use crate::support::{Ctx, Test};
use serde_json::{Value, json};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use wandstore_core::asset::samples;
use wandstore_e2e::{Admin, Client, Page, TestStack};

pub const TESTS: &[(&str, Test)] = &[
    (
        "themes::drafts_are_validated_with_every_problems_path",
        drafts_are_validated_with_every_problems_path,
    ),
    (
        "themes::publish_reaches_shoppers_and_rollback_brings_the_old_one_back",
        publish_reaches_shoppers_and_rollback_brings_the_old_one_back,
    ),
    (
        "themes::a_preview_link_shows_the_draft_to_its_holder_only",
        a_preview_link_shows_the_draft_to_its_holder_only,
    ),
    (
        "themes::the_live_preview_hears_draft_changes",
        the_live_preview_hears_draft_changes,
    ),
    (
        "themes::an_asset_the_published_theme_uses_cannot_be_deleted",
        an_asset_the_published_theme_uses_cannot_be_deleted,
    ),
    (
        "themes::the_json_schema_is_published",
        the_json_schema_is_published,
    ),
    (
        "themes::concurrent_publishes_never_share_a_version",
        concurrent_publishes_never_share_a_version,
    ),
];

/// The demo theme with another accent colour.
pub(crate) fn theme_with_accent(accent: &str) -> Value {
    let mut theme: Value = serde_json::from_str(wandstore_theme_demo()).unwrap_or(Value::Null);
    theme["colors"]["accent"] = json!(accent);
    theme
}

fn wandstore_theme_demo() -> &'static str {
    include_str!("../../crates/theme/demo/outlet.json")
}

pub(crate) struct Owner {
    client: Client,
    auth: String,
    slug: String,
}

impl Owner {
    pub(crate) fn new(url: &str, token: &str, slug: &str) -> Owner {
        Owner {
            client: Client::new(url),
            auth: format!("Bearer {token}"),
            slug: slug.to_owned(),
        }
    }

    pub(crate) fn call(
        &self,
        method: &str,
        rest: &str,
        ct: Option<&str>,
        body: Option<&str>,
    ) -> Page {
        let mut headers = vec![("authorization", self.auth.as_str())];
        if let Some(ct) = ct {
            headers.push(("content-type", ct));
        }
        let path = format!("/admin/stores/{}/{rest}", self.slug);
        self.client.send(method, &path, &headers, body)
    }

    pub(crate) fn put_draft(&self, theme: &Value) -> Page {
        self.call(
            "PUT",
            "theme/draft",
            Some("application/json"),
            Some(&theme.to_string()),
        )
    }

    pub(crate) fn publish(&self) -> Page {
        self.call("POST", "theme/publish", None, None)
    }

    fn get(&self, rest: &str) -> Page {
        self.call("GET", rest, None, None)
    }

    fn rollback(&self, body: &str) -> Page {
        self.call(
            "POST",
            "theme/rollback",
            Some("application/json"),
            Some(body),
        )
    }

    fn preview(&self) -> Value {
        let page = self.call("POST", "theme/preview", None, None);
        assert_eq!(page.status, 201, "{}", page.body);
        page.json()
    }
}

fn accent_rule(color: &str) -> String {
    format!("--color-accent: {color}")
}

/// Polls `path` until its page shows the accent colour (or fails after 10 s: twice the
/// snapshot TTL the platform promises).
pub(crate) fn wait_for_accent(url: &str, path: &str, color: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut shopper = Client::new(url);
    loop {
        let page = shopper.get(path);
        if page.status == 200 && page.body.contains(&accent_rule(color)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{path} did not show accent {color} within 10 s: {}",
            page.status
        );
        std::thread::yield_now();
    }
}

fn drafts_are_validated_with_every_problems_path(ctx: &Ctx) {
    let token = store_with_owner(ctx, "thm-valid");
    let owner = Owner::new(&ctx.url, &token, "thm-valid");
    let empty = owner.get("theme");
    assert_eq!(empty.status, 200, "{}", empty.body);
    let empty = empty.json();
    assert_eq!(empty["published"], Value::Null);
    assert_eq!(empty["draft"], Value::Null);
    assert!(empty["schema_version"].as_u64().is_some_and(|v| v >= 1));

    let mut bad = theme_with_accent("red");
    bad["layout"]["home"]["sections"][0]["type"] = json!("marquee");
    bad["custom_css"] = json!("@import url(https://evil.example/x.css); a { color: red }");
    bad["announcement"] = json!("x".repeat(5_000));
    let refused = owner.put_draft(&bad);
    assert_eq!(refused.status, 422, "{}", refused.body);
    let error = &refused.json()["error"];
    assert_eq!(error["code"], "invalid_theme");
    let paths: Vec<String> = error["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|e| e["path"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    for want in [
        "colors.accent",
        "layout.home.sections[0]",
        "custom_css",
        "announcement",
    ] {
        assert!(
            paths.iter().any(|p| p.starts_with(want)),
            "{want} not among {paths:?}"
        );
    }
    // Not JSON, not declared as JSON, too large: refused, and nothing was saved.
    let not_json = owner.call("PUT", "theme/draft", Some("application/json"), Some("{"));
    assert_eq!(not_json.status, 422, "{}", not_json.body);
    let text = owner.call("PUT", "theme/draft", Some("text/plain"), Some("{}"));
    assert_eq!(text.status, 415, "{}", text.body);
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(256 * 1024));
    let too_big = owner.call("PUT", "theme/draft", Some("application/json"), Some(&huge));
    assert_eq!(too_big.status, 413, "{}", too_big.body);
    assert_eq!(owner.get("theme").json()["draft"], Value::Null);
    let nothing = owner.publish();
    assert_eq!(nothing.status, 409, "{}", nothing.body);
    assert_eq!(nothing.json()["error"]["code"], "no_draft");
    let wrong_method = owner.call("GET", "theme/draft", None, None);
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.header("allow"), Some("PUT"));
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete("/admin/stores/thm-valid").status, 204);
}

fn publish_reaches_shoppers_and_rollback_brings_the_old_one_back(ctx: &Ctx) {
    let token = store_with_owner(ctx, "thm-pub");
    let owner = Owner::new(&ctx.url, &token, "thm-pub");
    let home = "/s/thm-pub/";
    let first = "#aa0001";
    let saved = owner.put_draft(&theme_with_accent(first));
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.json()["theme"]["colors"]["accent"], first);
    assert_eq!(saved.json()["author"], "owner");
    let mut shopper = Client::new(&ctx.url);
    let before = shopper.get(home);
    assert_eq!(before.status, 200);
    assert!(
        !before.body.contains(&accent_rule(first)),
        "a draft is not public"
    );

    let v1 = owner.publish();
    assert_eq!(v1.status, 200, "{}", v1.body);
    assert_eq!(v1.json(), json!({"version": 1}));
    wait_for_accent(&ctx.url, home, first);
    let shown = owner.get("theme").json();
    assert_eq!(shown["published"]["version"], 1);
    assert_eq!(shown["published"]["theme"]["colors"]["accent"], first);

    let second = "#00aa02";
    assert_eq!(owner.put_draft(&theme_with_accent(second)).status, 200);
    assert_eq!(owner.publish().json(), json!({"version": 2}));
    wait_for_accent(&ctx.url, home, second);

    let back = owner.rollback(r#"{"version": 1}"#);
    assert_eq!(back.status, 200, "{}", back.body);
    assert_eq!(back.json(), json!({"version": 3}), "history only grows");
    wait_for_accent(&ctx.url, home, first);
    let versions = owner.get("theme/versions").json();
    let list = versions["versions"].as_array().cloned().unwrap_or_default();
    let numbers: Vec<u64> = list.iter().filter_map(|v| v["version"].as_u64()).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(list[0]["rolled_back_from"], 1);
    for v in &list {
        assert_eq!(v["author"], "owner");
        assert!(v["size"].as_u64().is_some_and(|s| s > 100), "{v}");
        let hash = v["sha256"].as_str().unwrap_or_default();
        assert!(
            hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{v}"
        );
        assert!(v["created_at_ms"].as_u64().is_some());
    }
    assert_eq!(list[0]["sha256"], list[2]["sha256"], "the same body again");

    let missing = owner.rollback(r#"{"version": 99}"#);
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(missing.json()["error"]["code"], "version_not_found");
    for bad in [
        r#"{"version": "1"}"#,
        r#"{"version": -1}"#,
        "{}",
        "nope",
        r#"{"version":1,"x":1}"#,
    ] {
        assert_eq!(owner.rollback(bad).status, 400, "{bad}");
    }
    assert_eq!(
        owner.get("theme/versions").json()["versions"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );

    // The admin can do all of it too, and is named as the author.
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(
        admin
            .post("/admin/stores/thm-pub/theme/publish", &json!({}))
            .status,
        200
    );
    let latest = owner.get("theme/versions").json();
    assert_eq!(latest["versions"][0]["author"], "admin");
    assert_eq!(admin.delete("/admin/stores/thm-pub").status, 204);
}

fn a_preview_link_shows_the_draft_to_its_holder_only(ctx: &Ctx) {
    let token = store_with_owner(ctx, "thm-prev");
    let owner = Owner::new(&ctx.url, &token, "thm-prev");
    let draft = "#123abc";
    assert_eq!(owner.put_draft(&theme_with_accent(draft)).status, 200);
    let link = owner.preview();
    let url = link["url"].as_str().unwrap_or_default().to_owned();
    assert!(
        url.starts_with(&ctx.url) && url.contains("/s/thm-prev/preview/v1."),
        "{url}"
    );
    assert!(
        link["expires_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{link}"
    );
    let path = url.trim_start_matches(&ctx.url).to_owned();

    let mut holder = Client::new(&ctx.url);
    let page = holder.get(&path);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(&accent_rule(draft)),
        "the preview shows the draft"
    );
    assert!(page.body.contains("noindex"), "marked noindex in the page");
    assert_eq!(page.header("x-robots-tag"), Some("noindex, nofollow"));
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'nonce-"), "{csp}");
    // Links on the page stay inside the preview.
    assert!(
        page.body.contains(&format!("href=\"{path}")),
        "links keep the preview base"
    );
    let checkout = holder.post_form(&format!("{path}checkout"), &[]);
    assert_eq!(checkout.status, 403, "{}", checkout.body);

    let mut shopper = Client::new(&ctx.url);
    let public = shopper.get("/s/thm-prev/");
    assert_eq!(public.status, 200);
    assert!(
        !public.body.contains(&accent_rule(draft)),
        "shoppers see no draft"
    );
    assert!(public.header("x-robots-tag").is_none());

    // A tampered, foreign or malformed link is refused.
    let tampered = path.replacen("/preview/v1.thm-prev.", "/preview/v1.thm-prev.9", 1);
    let other_store = path.replacen("/s/thm-prev/", "/s/outlet/", 1);
    for bad in [
        tampered,
        other_store,
        "/s/thm-prev/preview/junk/".to_owned(),
    ] {
        let page = shopper.get(&bad);
        assert_eq!(page.status, 404, "{bad}: {}", page.status);
        assert!(page.body.contains("preview"), "{bad}");
    }
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete("/admin/stores/thm-prev").status, 204);
}

fn the_live_preview_hears_draft_changes(ctx: &Ctx) {
    let token = store_with_owner(ctx, "thm-live");
    let owner = Owner::new(&ctx.url, &token, "thm-live");
    assert_eq!(owner.put_draft(&theme_with_accent("#010101")).status, 200);
    let link = owner.preview();
    let url = link["url"].as_str().unwrap_or_default();
    let ws_url = format!("{}live", url.replacen("http://", "ws://", 1));
    let host = ctx.url.trim_start_matches("http://").to_owned();
    let stream = TcpStream::connect(&host).unwrap_or_else(|e| panic!("{e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut request = tungstenite::client::IntoClientRequest::into_client_request(ws_url.as_str())
        .unwrap_or_else(|e| panic!("{ws_url}: {e}"));
    let request_id = "live-socket-thm-live";
    request.headers_mut().insert(
        "x-request-id",
        tungstenite::http::HeaderValue::from_static(request_id),
    );
    let (mut socket, resp) =
        tungstenite::client(request, stream).unwrap_or_else(|e| panic!("{ws_url}: {e}"));
    assert_eq!(resp.status().as_u16(), 101);
    // The 101 goes back as the store's object made it: its log line is a clean one.
    let line = crate::platform::log_line(ctx, request_id);
    assert_eq!(line["status"], 101, "{line}");
    assert!(line.get("error").is_none(), "{line}");

    assert_eq!(owner.put_draft(&theme_with_accent("#020202")).status, 200);
    let message = socket.read().unwrap_or_else(|e| panic!("no event: {e}"));
    let text = message.into_text().unwrap_or_else(|e| panic!("{e}"));
    let event: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
    assert_eq!(event["type"], "draft-changed");
    let _ = socket.close(None);

    // Without a valid link there is no socket.
    let bad = ws_url.replacen("/preview/v1.", "/preview/v1.x", 1);
    let stream = TcpStream::connect(&host).unwrap_or_else(|e| panic!("{e}"));
    assert!(tungstenite::client(bad.as_str(), stream).is_err());
    let plain = Client::new(&ctx.url).get(&format!("{}live", url.trim_start_matches(&ctx.url)));
    assert_eq!(plain.status, 426, "{}", plain.body);
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete("/admin/stores/thm-live").status, 204);
}

fn an_asset_the_published_theme_uses_cannot_be_deleted(ctx: &Ctx) {
    let token = store_with_owner(ctx, "thm-asset");
    let owner = Owner::new(&ctx.url, &token, "thm-asset");
    let auth = format!("Bearer {token}");
    let anon = Client::new(&ctx.url);
    let put = anon.send_bytes(
        "PUT",
        "/admin/stores/thm-asset/assets/logo.png",
        &[("authorization", &auth), ("content-type", "image/png")],
        samples::PNG,
    );
    assert_eq!(put.status, 201, "{}", put.body);
    let file = put.json()["file"].as_str().unwrap_or_default().to_owned();
    let mut theme = theme_with_accent("#333333");
    theme["logo"] = json!("no-such-asset.png");
    let refused = owner.put_draft(&theme);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("logo"), "{}", refused.body);
    theme["logo"] = json!("logo.png");
    let saved = owner.put_draft(&theme);
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(
        saved.json()["theme"]["logo"],
        file.as_str(),
        "stored by its hash"
    );
    assert_eq!(owner.publish().status, 200);
    let mut shopper = Client::new(&ctx.url);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !shopper
        .get("/s/thm-asset/")
        .body
        .contains(&format!("/s/thm-asset/assets/{file}"))
    {
        assert!(Instant::now() < deadline, "the logo never showed");
        std::thread::yield_now();
    }
    let delete = anon.send(
        "DELETE",
        "/admin/stores/thm-asset/assets/logo.png",
        &[("authorization", &auth)],
        None,
    );
    assert_eq!(delete.status, 409, "{}", delete.body);
    assert_eq!(delete.json()["error"]["code"], "asset_in_use");
    assert_eq!(
        shopper.get(&format!("/s/thm-asset/assets/{file}")).status,
        200
    );
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete("/admin/stores/thm-asset").status, 204);
}

fn concurrent_publishes_never_share_a_version(ctx: &Ctx) {
    let token = store_with_owner(ctx, "thm-race");
    let owner = Owner::new(&ctx.url, &token, "thm-race");
    assert_eq!(owner.put_draft(&theme_with_accent("#0a0b0c")).status, 200);
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (url, token) = (ctx.url.clone(), token.clone());
                scope.spawn(move || Owner::new(&url, &token, "thm-race").publish().status)
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    let won = statuses.iter().filter(|s| **s == 200).count();
    assert!(won >= 1, "{statuses:?}");
    let versions = owner.get("theme/versions").json();
    let mut numbers: Vec<u64> = versions["versions"]
        .as_array()
        .map(|v| v.iter().filter_map(|x| x["version"].as_u64()).collect())
        .unwrap_or_default();
    numbers.sort_unstable();
    let expected: Vec<u64> = (1..=won as u64).collect();
    assert_eq!(
        numbers, expected,
        "one version per publish that won, none shared"
    );
    let shown = owner.get("theme").json();
    assert_eq!(shown["published"]["version"], won as u64);
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete("/admin/stores/thm-race").status, 204);
}

fn the_json_schema_is_published(ctx: &Ctx) {
    let mut client = Client::new(&ctx.url);
    let page = client.get("/schemas/theme.json");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("application/schema+json"));
    let schema = page.json();
    assert!(
        schema["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("json-schema.org"))
    );
    assert!(schema["properties"]["colors"].is_object());
    assert_eq!(page.body, wandstore_theme_demo_schema());
}

fn wandstore_theme_demo_schema() -> &'static str {
    include_str!("../../crates/theme/theme.schema.json")
}

/// Runs on a stack of its own: a theme and an asset survive a restart of workerd.
pub fn theme_and_assets_survive_a_restart() {
    let mut stack = TestStack::start().unwrap_or_else(|e| panic!("{e}"));
    let ctx = Ctx::of(&stack);
    let token = store_with_owner(&ctx, "thm-keep");
    let owner = Owner::new(&ctx.url, &token, "thm-keep");
    let auth = format!("Bearer {token}");
    let put = Client::new(&ctx.url).send_bytes(
        "PUT",
        "/admin/stores/thm-keep/assets/icon.ico",
        &[("authorization", &auth), ("content-type", "image/x-icon")],
        samples::ICO,
    );
    assert_eq!(put.status, 201, "{}", put.body);
    let mut theme = theme_with_accent("#445566");
    theme["favicon"] = json!("icon.ico");
    assert_eq!(owner.put_draft(&theme).status, 200);
    assert_eq!(owner.publish().status, 200);

    stack.restart().unwrap_or_else(|e| panic!("{e}"));
    let url = stack.url();
    // The restarted stack has a new devshop: point the store at it (its theme is untouched).
    let admin = Admin::new(&url, stack.stack.admin_token().unwrap_or_default());
    let shopify = json!({"shopify": {
        "domain": stack.stack.devshop_url().unwrap_or_default(),
        "storefront_token": stack.stack.shop_token("outlet").unwrap_or_default(),
    }});
    let patched = admin.patch("/admin/stores/thm-keep", &shopify);
    assert_eq!(patched.status, 200, "{}", patched.body);
    wait_for_accent(&url, "/s/thm-keep/", "#445566");
    let mut shopper = Client::new(&url);
    let icon = shopper.get("/s/thm-keep/favicon.ico");
    assert_eq!(icon.status, 200);
    assert_eq!(icon.bytes, samples::ICO, "the theme's favicon, from R2");
    let owner = Owner::new(&url, &token, "thm-keep");
    let versions = owner.get("theme/versions").json();
    assert_eq!(versions["versions"].as_array().map(Vec::len), Some(1));
    let rolled = owner.rollback(r#"{"version": 1}"#);
    assert_eq!(
        rolled.status, 200,
        "the body is read back from R2: {}",
        rolled.body
    );
}
