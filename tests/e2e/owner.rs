//! The owner API: who may use it (the auth matrix), the owner token's rotation, and assets:
//! upload with type checks, listing, serving with immutable caching and revalidation, delete.

use crate::admin::live_store;
use crate::support::{Ctx, Test};
use wandstore_core::asset::{check_upload, samples};
use wandstore_e2e::{Admin, Client, Page};

pub const TESTS: &[(&str, Test)] = &[
    (
        "owner::only_the_stores_owner_or_the_admin_get_in",
        only_the_stores_owner_or_the_admin_get_in,
    ),
    (
        "owner::a_rotated_token_stops_working_at_once",
        a_rotated_token_stops_working_at_once,
    ),
    (
        "owner::assets_are_checked_listed_served_and_deleted",
        assets_are_checked_listed_served_and_deleted,
    ),
    (
        "owner::asset_type_confusion_and_limits_are_refused",
        asset_type_confusion_and_limits_are_refused,
    ),
    (
        "owner::the_favicon_is_served_for_every_store",
        the_favicon_is_served_for_every_store,
    ),
];

/// Creates a store backed by devshop and answers its owner token.
pub(crate) fn store_with_owner(ctx: &Ctx, slug: &str) -> String {
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    let _ = admin.delete(&format!("/admin/stores/{slug}"));
    let created = admin.post("/admin/stores", &live_store(ctx, slug, &[]));
    assert_eq!(created.status, 201, "{}", created.body);
    created.json()["owner_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn upload(ctx: &Ctx, token: &str, slug: &str, name: &str, ct: &str, bytes: &[u8]) -> Page {
    let auth = bearer(token);
    Client::new(&ctx.url).send_bytes(
        "PUT",
        &format!("/admin/stores/{slug}/assets/{name}"),
        &[("authorization", &auth), ("content-type", ct)],
        bytes,
    )
}

fn owner_get(ctx: &Ctx, token: &str, path: &str) -> Page {
    let auth = bearer(token);
    Client::new(&ctx.url).send("GET", path, &[("authorization", &auth)], None)
}

fn only_the_stores_owner_or_the_admin_get_in(ctx: &Ctx) {
    let a = store_with_owner(ctx, "own-a");
    let b = store_with_owner(ctx, "own-b");
    let anon = Client::new(&ctx.url);
    let none = anon.send("GET", "/admin/stores/own-a/assets", &[], None);
    assert_eq!(none.status, 401, "{}", none.body);
    assert!(none.header("www-authenticate").is_some());

    assert_eq!(owner_get(ctx, &a, "/admin/stores/own-a/assets").status, 200);
    assert_eq!(
        owner_get(ctx, &ctx.admin_token, "/admin/stores/own-a/assets").status,
        200
    );
    for (token, path) in [
        (&b, "/admin/stores/own-a/assets"),
        (&a, "/admin/stores/own-b/assets"),
        (&a, "/admin/stores/no-such-store/assets"),
        (&a, "/admin/stores/own-a"),
        (&a, "/admin/stores"),
        (&a, "/admin/metrics"),
    ] {
        let page = owner_get(ctx, token, path);
        assert_eq!(page.status, 403, "{path}: {}", page.body);
        assert_eq!(page.json()["error"]["code"], "forbidden", "{path}");
    }
    // A made-up owner token is refused the same way, and a store's token never works
    // through another store's upload route: nothing is written.
    let forged = format!("wso_{}", "0".repeat(64));
    assert_eq!(
        owner_get(ctx, &forged, "/admin/stores/own-a/assets").status,
        403
    );
    let refused = upload(ctx, &b, "own-a", "logo.png", "image/png", samples::PNG);
    assert_eq!(refused.status, 403, "{}", refused.body);
    let listed = owner_get(ctx, &a, "/admin/stores/own-a/assets");
    assert_eq!(listed.json()["assets"], serde_json::json!([]));
    // Owner routes on a store's own host are not the admin API.
    let on_store_host = anon.send(
        "GET",
        "/admin/stores/own-a/assets",
        &[
            ("host", "own-a.wandstore.localhost"),
            ("authorization", &bearer(&a)),
        ],
        None,
    );
    assert_ne!(on_store_host.status, 200, "{}", on_store_host.body);
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete("/admin/stores/own-a").status, 204);
    assert_eq!(admin.delete("/admin/stores/own-b").status, 204);
}

fn a_rotated_token_stops_working_at_once(ctx: &Ctx) {
    let old = store_with_owner(ctx, "own-rot");
    let path = "/admin/stores/own-rot/owner-token/rotate";
    let auth = bearer(&old);
    let anon = Client::new(&ctx.url);
    let wrong_method = anon.send("GET", path, &[("authorization", &auth)], None);
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.header("allow"), Some("POST"));
    let rotated = anon.send("POST", path, &[("authorization", &auth)], None);
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new = rotated.json()["owner_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(new.starts_with("wso_") && new != old, "{new}");
    assert_eq!(
        owner_get(ctx, &old, "/admin/stores/own-rot/assets").status,
        403
    );
    assert_eq!(
        owner_get(ctx, &new, "/admin/stores/own-rot/assets").status,
        200
    );
    // The old token cannot rotate again either.
    assert_eq!(
        anon.send("POST", path, &[("authorization", &auth)], None)
            .status,
        403
    );
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete("/admin/stores/own-rot").status, 204);
}

fn assets_are_checked_listed_served_and_deleted(ctx: &Ctx) {
    let token = store_with_owner(ctx, "own-assets");
    let expected =
        check_upload("logo.png", Some("image/png"), samples::PNG).unwrap_or_else(|e| panic!("{e}"));
    let put = upload(
        ctx,
        &token,
        "own-assets",
        "logo.png",
        "image/png",
        samples::PNG,
    );
    assert_eq!(put.status, 201, "{}", put.body);
    let info = put.json();
    assert_eq!(info["file"], expected.file.as_str());
    assert_eq!(info["sha256"], expected.sha256.as_str());
    assert_eq!(info["content_type"], "image/png");
    assert_eq!(info["size"], samples::PNG.len());

    let listed = owner_get(ctx, &token, "/admin/stores/own-assets/assets").json();
    assert_eq!(listed["assets"][0]["name"], "logo.png");
    assert_eq!(listed["assets"].as_array().map(Vec::len), Some(1));

    let mut shopper = Client::new(&ctx.url);
    let url = format!("/s/own-assets/assets/{}", expected.file);
    let served = shopper.get(&url);
    assert_eq!(served.status, 200, "{}", served.body);
    assert_eq!(served.bytes, samples::PNG);
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert_eq!(
        served.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(served.header("x-content-type-options"), Some("nosniff"));
    let etag = served.header("etag").unwrap_or_default().to_owned();
    assert_eq!(etag, format!("\"{}\"", expected.sha256));
    assert!(served.shopper_cookie().is_none(), "assets set no cookie");

    let again = shopper.get_with_header(&url, "if-none-match", &etag);
    assert_eq!(again.status, 304, "{}", again.body);
    assert!(again.bytes.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let changed = shopper.get_with_header(&url, "if-none-match", "\"something-else\"");
    assert_eq!(changed.status, 200);
    let head = shopper.send("HEAD", &url, &[], None);
    assert_eq!(head.status, 200);
    assert!(head.bytes.is_empty());

    // The file is this store's only: another store's path to it is a 404.
    let elsewhere = shopper.get(&format!("/s/demo/assets/{}", expected.file));
    assert_eq!(elsewhere.status, 404);
    for bad in ["logo.png", "../x", "%2e%2e%2fx.png"] {
        let page = shopper.get(&format!("/s/own-assets/assets/{bad}"));
        assert_eq!(page.status / 100, 4, "{bad}: {}", page.status);
    }

    let auth = bearer(&token);
    let anon = Client::new(&ctx.url);
    let del = anon.send(
        "DELETE",
        "/admin/stores/own-assets/assets/logo.png",
        &[("authorization", &auth)],
        None,
    );
    assert_eq!(del.status, 204, "{}", del.body);
    let gone = anon.send(
        "DELETE",
        "/admin/stores/own-assets/assets/logo.png",
        &[("authorization", &auth)],
        None,
    );
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["error"]["code"], "asset_not_found");
    assert_eq!(shopper.get(&url).status, 404, "its bytes are gone too");
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete("/admin/stores/own-assets").status, 204);
}

fn asset_type_confusion_and_limits_are_refused(ctx: &Ctx) {
    let token = store_with_owner(ctx, "own-hostile");
    let html = b"<!doctype html><script>alert(document.cookie)</script>";
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>";
    let cases: &[(&str, &str, &[u8], u16, &str)] = &[
        ("logo.png", "image/png", html, 422, "asset_type_mismatch"),
        (
            "logo.png",
            "image/gif",
            samples::PNG,
            422,
            "asset_type_mismatch",
        ),
        (
            "logo.gif",
            "image/png",
            samples::PNG,
            422,
            "asset_type_mismatch",
        ),
        ("logo.svg", "image/svg+xml", svg, 415, "svg_refused"),
        ("page.png", "text/html", html, 415, "unsupported_media_type"),
        ("x.png", "image/png", b"", 422, "empty_asset"),
        (
            ".hidden.png",
            "image/png",
            samples::PNG,
            422,
            "bad_asset_name",
        ),
        (
            &"a".repeat(101),
            "image/png",
            samples::PNG,
            422,
            "bad_asset_name",
        ),
    ];
    for (name, ct, bytes, status, code) in cases {
        let page = upload(ctx, &token, "own-hostile", name, ct, bytes);
        assert_eq!(page.status, *status, "{name} {ct}: {}", page.body);
        assert_eq!(page.json()["error"]["code"], *code, "{name} {ct}");
    }
    // 2 MB passes, one byte more is a 413 before the body is read.
    let mut big = samples::PNG.to_vec();
    big.resize(2 * 1024 * 1024, 0);
    assert_eq!(
        upload(ctx, &token, "own-hostile", "big.png", "image/png", &big).status,
        201
    );
    big.push(0);
    let too_big = upload(ctx, &token, "own-hostile", "bigger.png", "image/png", &big);
    assert_eq!(too_big.status, 413, "{}", too_big.body);
    let listed = owner_get(ctx, &token, "/admin/stores/own-hostile/assets").json();
    let names: Vec<&str> = listed["assets"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["big.png"], "nothing refused was kept");
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete("/admin/stores/own-hostile").status, 204);
}

fn the_favicon_is_served_for_every_store(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    for path in ["/favicon.ico", "/s/outlet/favicon.ico"] {
        let icon = shopper.get(path);
        assert_eq!(icon.status, 200, "{path}: {}", icon.body);
        assert_eq!(icon.header("content-type"), Some("image/x-icon"));
        assert_eq!(&icon.bytes[..4], &[0, 0, 1, 0], "an ICO file");
        let etag = icon.header("etag").unwrap_or_default().to_owned();
        let again = shopper.get_with_header(path, "if-none-match", &etag);
        assert_eq!(again.status, 304);
    }
}
