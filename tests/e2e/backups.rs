//! Backups end to end: a store with a published theme and carts is backed up to local R2,
//! listed, deleted (and a cart cleared), restored, and comes back exactly; a backup file
//! tampered with in local R2 (through wrangler's own `r2 object get/put --local` on the
//! stack's state directory, so production code has no test-only route) is refused with 422
//! and changes nothing; the hourly cron backs up stores; the routes refuse hostile input.

use crate::cart::buyable;
use crate::owner::store_with_owner;
use crate::support::{Ctx, Test};
use crate::themes::{Owner, theme_with_accent, wait_for_accent};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use wandstore_e2e::{Admin, Client, Page, TestStack};

pub const TESTS: &[(&str, Test)] = &[
    (
        "backups::a_deleted_store_comes_back_exactly_from_its_backup",
        a_deleted_store_comes_back_exactly_from_its_backup,
    ),
    (
        "backups::a_tampered_backup_is_refused_and_changes_nothing",
        a_tampered_backup_is_refused_and_changes_nothing,
    ),
    (
        "backups::the_hourly_cron_backs_up_stores",
        the_hourly_cron_backs_up_stores,
    ),
    (
        "backups::the_routes_refuse_hostile_input",
        the_routes_refuse_hostile_input,
    ),
    (
        "backups::cargo_xtask_backups_and_restore_use_these_routes",
        cargo_xtask_backups_and_restore_use_these_routes,
    ),
];

fn admin_send(ctx: &Ctx, method: &str, path: &str, ct: Option<&str>, body: Option<&str>) -> Page {
    let auth = format!("Bearer {}", ctx.admin_token);
    let mut headers = vec![("authorization", auth.as_str())];
    if let Some(ct) = ct {
        headers.push(("content-type", ct));
    }
    Client::new(&ctx.url).send(method, path, &headers, body)
}

/// `POST /admin/backups {"store": slug}`: the new backup's id (finished within the call).
/// Retried while the hourly cron's backup of the store (another test ticks it) is running.
fn back_up(ctx: &Ctx, slug: &str) -> String {
    let body = json!({ "store": slug }).to_string();
    let deadline = Instant::now() + Duration::from_secs(20);
    let page = loop {
        let ct = Some("application/json");
        let page = admin_send(ctx, "POST", "/admin/backups", ct, Some(&body));
        assert_eq!(page.status, 202, "{}", page.body);
        if page.json()["backups"][0]["skipped"] != "running" || Instant::now() > deadline {
            break page;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let started = &page.json()["backups"][0];
    assert_eq!(started["store"], slug, "{}", page.body);
    assert_eq!(
        started["done"], true,
        "a small store is backed up in one call: {}",
        page.body
    );
    started["backup"].as_str().unwrap_or_default().to_owned()
}

/// The store's backups other than the hourly cron's (another test ticks it at any time).
fn unscheduled(ctx: &Ctx, slug: &str) -> Vec<Value> {
    listed(ctx, slug)
        .into_iter()
        .filter(|b| b["reason"] != "scheduled")
        .collect()
}

fn listed(ctx: &Ctx, slug: &str) -> Vec<Value> {
    let page = admin_send(
        ctx,
        "GET",
        &format!("/admin/backups?store={slug}"),
        None,
        None,
    );
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()["backups"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// `POST /admin/stores/{slug}/restore`, retried while a backup of the store is running.
fn restore(ctx: &Ctx, slug: &str, backup: &str) -> Page {
    let body = json!({ "backup": backup }).to_string();
    let path = format!("/admin/stores/{slug}/restore");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let page = admin_send(ctx, "POST", &path, Some("application/json"), Some(&body));
        if page.status != 409 || Instant::now() > deadline {
            return page;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The shopper's cart lines as the JSON API shows them (variant and quantity), once the
/// store answers (a shopper object may remember a deleted store for its 5 s snapshot).
fn cart_lines(client: &Client, base: &str) -> Vec<(String, u64)> {
    let cookie = client.cookie.clone().unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let page = client.send(
            "GET",
            &format!("{base}api/cart"),
            &[("cookie", &cookie)],
            None,
        );
        if page.status == 200 {
            let cart = page.json();
            return cart["lines"]
                .as_array()
                .map(|lines| {
                    lines
                        .iter()
                        .map(|l| {
                            (
                                l["variant_id"].as_str().unwrap_or_default().to_owned(),
                                l["quantity"].as_u64().unwrap_or_default(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        assert!(
            Instant::now() < deadline,
            "{base}api/cart: {} {}",
            page.status,
            page.body
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn add(client: &mut Client, base: &str, variant: &str, quantity: u64) {
    let body = json!({"op": "add", "variant_id": variant, "quantity": quantity}).to_string();
    let page = client.post_json(&format!("{base}api/cart"), &body, &[]);
    assert_eq!(page.status, 200, "{}", page.body);
}

fn published(owner: &Owner, accent: &str) -> u64 {
    let saved = owner.put_draft(&theme_with_accent(accent));
    assert_eq!(saved.status, 200, "{}", saved.body);
    let page = owner.publish();
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()["version"].as_u64().unwrap_or_default()
}

fn a_deleted_store_comes_back_exactly_from_its_backup(ctx: &Ctx) {
    let slug = "bk-shop";
    let base = "/s/bk-shop/";
    let token = store_with_owner(ctx, slug);
    let owner = Owner::new(&ctx.url, &token, slug);
    assert_eq!(published(&owner, "#bb0001"), 1);
    assert_eq!(published(&owner, "#bb0002"), 2);
    wait_for_accent(&ctx.url, base, "#bb0002");

    let mut alice = Client::new(&ctx.url);
    let (_, first) = buyable(&mut alice, base, 0);
    add(&mut alice, base, &first, 2);
    let mut bob = Client::new(&ctx.url);
    let (_, second) = buyable(&mut bob, base, 1);
    add(&mut bob, base, &second, 1);
    add(&mut bob, base, &first, 3);
    let alice_cart = cart_lines(&alice, base);
    let bob_cart = cart_lines(&bob, base);
    assert_eq!(alice_cart, vec![(first.clone(), 2)]);
    assert_eq!(bob_cart.len(), 2);

    let id = back_up(ctx, slug);
    let summary = listed(ctx, slug)
        .into_iter()
        .find(|b| b["backup_id"] == id.as_str())
        .unwrap_or(Value::Null);
    assert_eq!(summary["store"], slug, "listed: {summary}");
    assert_eq!(summary["reason"], "manual");
    assert_eq!(summary["counts"]["carts"], 2, "{summary}");
    assert_eq!(summary["counts"]["cart_lines"], 3, "{summary}");
    assert_eq!(summary["counts"]["theme_versions"], 2, "{summary}");
    let everyone = admin_send(ctx, "GET", "/admin/backups", None, None);
    assert_eq!(everyone.status, 200);
    assert!(everyone.body.contains(&id), "the full listing has it too");

    // A cart emptied, then the store deleted.
    let cleared = bob.post_json(
        &format!("{base}api/cart"),
        &json!({"op": "clear"}).to_string(),
        &[],
    );
    assert_eq!(cleared.json()["item_count"], 0, "{}", cleared.body);
    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete(&format!("/admin/stores/{slug}")).status, 204);
    assert_eq!(admin.get(&format!("/admin/stores/{slug}")).status, 404);

    let page = restore(ctx, slug, &id);
    assert_eq!(page.status, 200, "{}", page.body);
    let restored = page.json();
    assert_eq!(restored["backup"], id.as_str());
    assert_eq!(restored["reclaimed"], true, "{restored}");
    assert_eq!(
        restored["safety_backup"],
        Value::Null,
        "nothing to back up first"
    );
    assert_eq!(restored["carts"], 2);
    assert_eq!(restored["cart_lines"], 3);
    assert_eq!(restored["theme_versions"], 2);
    assert_eq!(restored["published_theme"], 2);
    assert_eq!(restored["catalog"], "synced", "{restored}");

    // The store, its registry entry, its owner, its theme and its carts are back.
    let shown = admin.get(&format!("/admin/stores/{slug}"));
    assert_eq!(shown.status, 200, "{}", shown.body);
    let all = admin.get("/admin/stores");
    assert!(all.body.contains(&format!("\"{slug}\"")), "{}", all.body);
    wait_for_accent(&ctx.url, base, "#bb0002");
    let versions = owner.call("GET", "theme/versions", None, None);
    assert_eq!(
        versions.status, 200,
        "the owner token works again: {}",
        versions.body
    );
    assert_eq!(
        versions.json()["versions"].as_array().map(Vec::len),
        Some(2),
        "{}",
        versions.body
    );
    assert_eq!(cart_lines(&alice, base), alice_cart);
    assert_eq!(cart_lines(&bob, base), bob_cart, "the cleared cart is back");

    // Restoring again over the live store takes a safety backup first, and clears carts the
    // backup does not hold.
    let mut carol = Client::new(&ctx.url);
    add(&mut carol, base, &second, 1);
    let page = restore(ctx, slug, &id);
    assert_eq!(page.status, 200, "{}", page.body);
    let again = page.json();
    assert_eq!(again["reclaimed"], false, "{again}");
    assert_eq!(again["cleared"], 1, "{again}");
    let safety = again["safety_backup"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let safety_summary = listed(ctx, slug)
        .into_iter()
        .find(|b| b["backup_id"] == safety.as_str())
        .unwrap_or(Value::Null);
    assert_eq!(
        safety_summary["reason"], "before_restore",
        "{safety_summary}"
    );
    assert_eq!(safety_summary["counts"]["carts"], 3, "{safety_summary}");
    assert!(cart_lines(&carol, base).is_empty());
    assert_eq!(cart_lines(&alice, base), alice_cart);
}

/// Runs the stack's own wrangler on its local state (`wrangler r2 object …  --local`).
fn wrangler(ctx: &Ctx, args: &[&str]) -> std::process::Output {
    let root = wandstore_e2e::repo_root();
    let node = root.join("node_modules/node/bin/node");
    let wrangler = root.join("node_modules/wrangler/bin/wrangler.js");
    let output = Command::new(node)
        .arg(wrangler)
        .args(args)
        .arg("--local")
        .arg("--persist-to")
        .arg(&ctx.state_dir)
        .current_dir(&root)
        .env("WRANGLER_SEND_METRICS", "false")
        .output();
    match output {
        Ok(o) => o,
        Err(e) => panic!("running wrangler: {e}"),
    }
}

/// Changes one byte of a backup file in local R2 (same size: only the checksum tells).
fn tamper(ctx: &Ctx, key: &str) {
    let object = format!("wandstore-dev-backups/{key}");
    let got = wrangler(ctx, &["r2", "object", "get", &object, "--pipe"]);
    assert!(
        got.status.success(),
        "{}",
        String::from_utf8_lossy(&got.stderr)
    );
    let text = String::from_utf8_lossy(&got.stdout).into_owned();
    assert!(
        text.contains("\"author\":\"owner\""),
        "theme.ndjson: {text}"
    );
    let changed = text.replacen("\"author\":\"owner\"", "\"author\":\"0wner\"", 1);
    let file = ctx.state_dir.join("tampered.ndjson");
    assert!(std::fs::write(&file, changed.as_bytes()).is_ok());
    let path = file.to_string_lossy().into_owned();
    let put = wrangler(ctx, &["r2", "object", "put", &object, "--file", &path]);
    assert!(
        put.status.success(),
        "{}",
        String::from_utf8_lossy(&put.stderr)
    );
}

fn a_tampered_backup_is_refused_and_changes_nothing(ctx: &Ctx) {
    let slug = "bk-tamper";
    let base = "/s/bk-tamper/";
    let token = store_with_owner(ctx, slug);
    let owner = Owner::new(&ctx.url, &token, slug);
    assert_eq!(published(&owner, "#cc0001"), 1);
    let id = back_up(ctx, slug);
    assert_eq!(published(&owner, "#cc0002"), 2);
    wait_for_accent(&ctx.url, base, "#cc0002");
    let before = unscheduled(ctx, slug).len();
    tamper(ctx, &format!("stores/{slug}/{id}/theme.ndjson"));

    let page = restore(ctx, slug, &id);
    assert_eq!(page.status, 422, "{}", page.body);
    let error = &page.json()["error"];
    assert_eq!(error["code"], "backup_checksum_mismatch", "{}", page.body);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("theme.ndjson"))
    );
    // Nothing changed: the newer theme is still published, no safety backup was taken.
    wait_for_accent(&ctx.url, base, "#cc0002");
    let versions = owner.call("GET", "theme/versions", None, None);
    assert_eq!(
        versions.json()["versions"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(unscheduled(ctx, slug).len(), before);

    // A backup id the store does not have: 404; another store's backup: 404 too.
    let unknown = restore(ctx, slug, "20200101T000000Z-0000000000000000");
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(unknown.json()["error"]["code"], "backup_not_found");
    let foreign = restore(ctx, "outlet", &id);
    assert_eq!(foreign.status, 404, "{}", foreign.body);
}

fn the_hourly_cron_backs_up_stores(ctx: &Ctx) {
    let slug = "bk-cron";
    let _ = store_with_owner(ctx, slug);
    assert!(listed(ctx, slug).is_empty());
    let tick = Client::new(&ctx.url).get("/cdn-cgi/local/scheduled?cron=0+*+*+*+*");
    assert_eq!(tick.status, 200, "{}", tick.body);
    let deadline = Instant::now() + Duration::from_secs(30);
    let scheduled = loop {
        if let Some(b) = listed(ctx, slug).into_iter().next() {
            break b;
        }
        assert!(
            Instant::now() < deadline,
            "no scheduled backup of {slug} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(scheduled["reason"], "scheduled", "{scheduled}");
    // Within the hour, another tick does not back it up again.
    let tick = Client::new(&ctx.url).get("/cdn-cgi/local/scheduled?cron=0+*+*+*+*");
    assert_eq!(tick.status, 200);
    let log = wait_for_log(&ctx.state_dir, 2);
    assert!(
        log.contains("backups_started"),
        "the cron logs what it started"
    );
    assert_eq!(listed(ctx, slug).len(), 1);
}

/// The wrangler log once it holds `n` backup cron lines.
fn wait_for_log(state_dir: &Path, n: usize) -> String {
    let path = state_dir.join("wrangler.log");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = std::fs::read_to_string(&path).unwrap_or_default();
        if log.matches("\"cron\":\"0 * * * *\"").count() >= n {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "no backup cron lines in {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Method, path, content type, body, expected status.
type Case<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, u16);

fn the_routes_refuse_hostile_input(ctx: &Ctx) {
    let slug = "bk-hostile";
    let token = store_with_owner(ctx, slug);
    let json = Some("application/json");
    let cases: &[Case] = &[
        (
            "POST",
            "/admin/backups",
            Some("text/plain"),
            Some(r#"{"store":"bk-hostile"}"#),
            415,
        ),
        ("POST", "/admin/backups", json, Some("{"), 400),
        (
            "POST",
            "/admin/backups",
            json,
            Some(r#"{"store":"bk-hostile","x":1}"#),
            400,
        ),
        (
            "POST",
            "/admin/backups",
            json,
            Some(r#"{"store":"no-such-store"}"#),
            404,
        ),
        (
            "POST",
            "/admin/backups",
            json,
            Some(r#"{"store":"Not A Slug!"}"#),
            404,
        ),
        ("PUT", "/admin/backups", None, None, 405),
        (
            "GET",
            "/admin/backups?store=Not%20A%20Slug",
            None,
            None,
            404,
        ),
        ("GET", "/admin/backups?cursor=x", None, None, 400),
        ("PUT", "/admin/stores/bk-hostile/restore", None, None, 405),
        ("GET", "/admin/stores/bk-hostile/restore", None, None, 404),
        (
            "POST",
            "/admin/stores/bk-hostile/restore",
            Some("text/plain"),
            Some(r#"{"backup":"x"}"#),
            415,
        ),
        (
            "POST",
            "/admin/stores/bk-hostile/restore",
            json,
            Some(r#"{"backup":"../../etc"}"#),
            400,
        ),
        (
            "POST",
            "/admin/stores/bk-hostile/restore",
            json,
            Some(r#"{"backup":1}"#),
            400,
        ),
        (
            "POST",
            "/admin/stores/bk-hostile/restore",
            json,
            Some("{}"),
            400,
        ),
    ];
    for (method, path, ct, body, status) in cases {
        let page = admin_send(ctx, method, path, *ct, *body);
        assert_eq!(
            page.status, *status,
            "{method} {path} {body:?}: {}",
            page.body
        );
        assert!(page.json()["error"]["code"].is_string(), "{}", page.body);
    }
    let huge = format!(r#"{{"backup":"{}"}}"#, "x".repeat(100 * 1024));
    let big = admin_send(
        ctx,
        "POST",
        "/admin/stores/bk-hostile/restore",
        json,
        Some(&huge),
    );
    assert_eq!(big.status, 413, "{}", big.body);
    // The store's owner token is not the platform admin's.
    let auth = format!("Bearer {token}");
    for (method, path) in [
        ("GET", "/admin/backups"),
        ("POST", "/admin/backups"),
        ("POST", "/admin/stores/bk-hostile/restore"),
    ] {
        let page =
            Client::new(&ctx.url).send(method, path, &[("authorization", &auth)], Some("{}"));
        assert_eq!(page.status, 403, "{method} {path}: {}", page.body);
    }
    let anon = Client::new(&ctx.url).send("GET", "/admin/backups", &[], None);
    assert_eq!(anon.status, 401);
    // None of it started a backup.
    assert!(unscheduled(ctx, slug).is_empty());
}

/// `cargo xtask backups|restore --url URL` (the admin token from `ADMIN_TOKEN`).
fn xtask(ctx: &Ctx, args: &[&str]) -> std::process::Output {
    let output = Command::new(wandstore_e2e::xtask_bin())
        .args(args)
        .args(["--url", &ctx.url])
        .env("ADMIN_TOKEN", &ctx.admin_token)
        .output();
    match output {
        Ok(o) => o,
        Err(e) => panic!("running xtask: {e}"),
    }
}

fn cargo_xtask_backups_and_restore_use_these_routes(ctx: &Ctx) {
    let slug = "bk-xtask";
    let token = store_with_owner(ctx, slug);
    let owner = Owner::new(&ctx.url, &token, slug);
    assert_eq!(published(&owner, "#dd0001"), 1);
    let id = back_up(ctx, slug);
    let listed = xtask(ctx, &["backups"]);
    let out = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(out.contains(&id), "{out}");

    let admin = Admin::new(&ctx.url, &ctx.admin_token);
    assert_eq!(admin.delete(&format!("/admin/stores/{slug}")).status, 204);
    let unknown = xtask(
        ctx,
        &[
            "restore",
            "--backup",
            "20200101T000000Z-0000000000000000",
            "--store",
            slug,
        ],
    );
    assert!(!unknown.status.success());
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        err.contains("404") && err.contains("backup_not_found"),
        "{err}"
    );
    assert_eq!(admin.get(&format!("/admin/stores/{slug}")).status, 404);

    let restored = xtask(ctx, &["restore", "--backup", &id, "--store", slug]);
    let out = String::from_utf8_lossy(&restored.stdout);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert!(out.contains("\"reclaimed\": true"), "{out}");
    assert_eq!(admin.get(&format!("/admin/stores/{slug}")).status, 200);
    wait_for_accent(&ctx.url, "/s/bk-xtask/", "#dd0001");
}

/// `GET /admin/stores/{slug}/restore` until the restore is no longer running.
fn finished_restore(ctx: &Ctx, slug: &str) -> Value {
    let path = format!("/admin/stores/{slug}/restore");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = admin_send(ctx, "GET", &path, None, None);
        assert_eq!(page.status, 200, "{}", page.body);
        let status = page.json();
        if status["status"] != "running" {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "still running after 60 s: {status}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A restore in pages of one cart, on a stack of its own (`RESTORE_PAGE_SIZE=1`): the
/// request answers 202 and the restore goes on over several alarms; a second restore
/// meanwhile is a 409; the stack is restarted mid-run and the restore resumes from its state
/// in SQLite; the carts come back exactly and the status ends `restored`.
pub fn a_restore_spans_alarms_and_survives_a_restart() {
    const VARS: &[(&str, &str)] = &[("RESTORE_PAGE_SIZE", "1")];
    let mut stack = TestStack::start_with(VARS).unwrap_or_else(|e| panic!("{e}"));
    let ctx = Ctx::of(&stack);
    let slug = "bk-alarms";
    let base = "/s/bk-alarms/";
    let _ = store_with_owner(&ctx, slug);
    let mut shoppers = Vec::new();
    for i in 0..8u64 {
        let mut client = Client::new(&ctx.url);
        let (_, variant) = buyable(&mut client, base, (i % 3) as usize);
        add(&mut client, base, &variant, i + 1);
        shoppers.push(client);
    }
    let carts: Vec<_> = shoppers.iter().map(|c| cart_lines(c, base)).collect();
    let id = back_up(&ctx, slug);
    // After the backup: two carts emptied, and a new shopper's cart.
    for client in &mut shoppers[..2] {
        let clear = json!({"op": "clear"}).to_string();
        let page = client.post_json(&format!("{base}api/cart"), &clear, &[]);
        assert_eq!(page.json()["item_count"], 0, "{}", page.body);
    }
    let mut newcomer = Client::new(&ctx.url);
    let (_, variant) = buyable(&mut newcomer, base, 0);
    add(&mut newcomer, base, &variant, 1);

    let body = json!({ "backup": id }).to_string();
    let path = format!("/admin/stores/{slug}/restore");
    let json = Some("application/json");
    let started = admin_send(&ctx, "POST", &path, json, Some(&body));
    assert_eq!(started.status, 202, "{}", started.body);
    let status = started.json();
    assert_eq!(status["status"], "running", "{status}");
    assert_eq!(status["backup"], id.as_str());
    assert_eq!(status["carts_total"], 8, "{status}");
    assert!(status["carts"].as_u64() < Some(8), "{status}");
    let run = status["run"].as_str().unwrap_or_default().to_owned();
    let again = admin_send(&ctx, "POST", &path, json, Some(&body));
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.json()["error"]["code"], "restore_in_progress");
    let shown = admin_send(&ctx, "GET", &path, None, None);
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(shown.json()["run"], run.as_str());
    assert_eq!(shown.json()["status"], "running", "{}", shown.body);

    // The stack stops mid-run and starts again on its state.
    stack.stack.stop();
    stack.stack = TestStack::start_in(&stack.state_dir(), VARS).unwrap_or_else(|e| panic!("{e}"));
    let ctx = Ctx::of(&stack);
    let done = finished_restore(&ctx, slug);
    assert_eq!(done["status"], "restored", "{done}");
    assert_eq!(done["run"], run.as_str());
    assert_eq!(done["carts"], 8, "{done}");
    assert_eq!(
        done["cart_lines"],
        carts.iter().map(Vec::len).sum::<usize>(),
        "{done}"
    );
    assert_eq!(done["cleared"], 1, "the newcomer's cart: {done}");
    assert!(done["safety_backup"].is_string(), "{done}");
    assert_eq!(done["error"], Value::Null, "{done}");
    for (client, cart) in shoppers.iter().zip(&carts) {
        let mut again = Client::new(&ctx.url);
        again.cookie = client.cookie.clone();
        assert_eq!(&cart_lines(&again, base), cart);
    }
    let mut newcomer_again = Client::new(&ctx.url);
    newcomer_again.cookie = newcomer.cookie.clone();
    assert!(cart_lines(&newcomer_again, base).is_empty());
}
