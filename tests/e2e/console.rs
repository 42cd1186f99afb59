//! The owner console, driven over HTTP like a browser without JavaScript: sign in (bad and
//! good tokens), the editor with current values, CSRF on every form, a refused draft (422)
//! with the message next to its field, a multipart upload chosen as the logo, publish
//! reaching shoppers, roll back from the history, sign out, a rotated token ending the
//! session, the sign-in limit, and no console on store hosts.

use crate::owner::store_with_owner;
use crate::support::{Ctx, Test};
use crate::themes::wait_for_accent;
use scraper::{Html, Selector};
use std::collections::BTreeMap;
use wandstore_core::asset::samples;
use wandstore_e2e::{Client, Page};

pub const TESTS: &[(&str, Test)] = &[
    (
        "console::sign_in_edit_upload_publish_roll_back_and_sign_out",
        sign_in_edit_upload_publish_roll_back_and_sign_out,
    ),
    (
        "console::a_rotated_owner_token_ends_the_session",
        a_rotated_owner_token_ends_the_session,
    ),
    (
        "console::sign_in_attempts_are_limited_per_client",
        sign_in_attempts_are_limited_per_client,
    ),
    (
        "console::the_console_is_only_on_the_platform_host",
        the_console_is_only_on_the_platform_host,
    ),
    (
        "console::hostile_requests_are_4xx_and_change_nothing",
        hostile_requests_are_4xx_and_change_nothing,
    ),
];

/// A browser without JavaScript: keeps cookies, sends forms, never follows redirects.
struct Browser {
    client: Client,
    /// The client address Cloudflare would report (each test its own, for the sign-in limit).
    ip: String,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn new(ctx: &Ctx, ip: &str) -> Browser {
        Browser {
            client: Client::new(&ctx.url),
            ip: ip.to_owned(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, page: &Page) {
        for c in page.headers_named("set-cookie") {
            let pair = c.split(';').next().unwrap_or("");
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            if c.contains("Max-Age=0") || value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    fn send(&mut self, method: &str, path: &str, ct: Option<&str>, body: &[u8]) -> Page {
        let cookie = self.cookie_header();
        let mut headers = vec![
            ("cf-connecting-ip", self.ip.as_str()),
            ("accept", "text/html"),
        ];
        if !cookie.is_empty() {
            headers.push(("cookie", &cookie));
        }
        if let Some(ct) = ct {
            headers.push(("content-type", ct));
        }
        let page = self.client.send_bytes(method, path, &headers, body);
        self.keep_cookies(&page);
        page
    }

    fn get(&mut self, path: &str) -> Page {
        self.send("GET", path, None, b"")
    }

    fn post(&mut self, path: &str, fields: &[(String, String)]) -> Page {
        let body = encode(fields);
        self.send(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        )
    }

    /// Signs in (GET the form, POST it) and answers the POST's response.
    fn sign_in(&mut self, store: &str, token: &str) -> Page {
        let form = self.get("/console");
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = form.csrf().unwrap_or_default();
        self.post(
            "/console/sign-in",
            &owned(&[("csrf", &csrf), ("store", store), ("token", token)]),
        )
    }

    /// The editor page (asserting it is one).
    fn editor(&mut self) -> Page {
        let page = self.get("/console");
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("action=\"/console/theme\""),
            "{}",
            page.body
        );
        page
    }
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// `application/x-www-form-urlencoded`.
fn encode(fields: &[(String, String)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

/// What a browser would send for the form posting to `action`: its inputs (checked boxes
/// only), selected options and textareas.
fn form_fields(page: &Page, action: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(&page.body);
    let form = doc
        .select(&sel(&format!("form[action=\"{action}\"]")))
        .next()
        .unwrap_or_else(|| panic!("no form for {action}"));
    let mut out = Vec::new();
    for e in form.select(&sel("input, select, textarea")) {
        let Some(name) = e.value().attr("name") else {
            continue;
        };
        let value = match e.value().name() {
            "select" => e
                .select(&sel("option[selected]"))
                .next()
                .or_else(|| e.select(&sel("option")).next())
                .and_then(|o| o.value().attr("value"))
                .unwrap_or("")
                .to_owned(),
            "textarea" => e.text().collect(),
            _ => {
                let kind = e.value().attr("type").unwrap_or("text");
                if kind == "checkbox" && e.value().attr("checked").is_none() {
                    continue;
                }
                if kind == "file" {
                    continue;
                }
                e.value().attr("value").unwrap_or("").to_owned()
            }
        };
        out.push((name.to_owned(), value));
    }
    out
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(slot) => slot.1 = value.to_owned(),
        None => fields.push((name.to_owned(), value.to_owned())),
    }
}

fn without(fields: &[(String, String)], name: &str) -> Vec<(String, String)> {
    fields.iter().filter(|(k, _)| k != name).cloned().collect()
}

/// The value attribute of the element with this id.
fn value_of(page: &Page, id: &str) -> Option<String> {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel(&format!("[id=\"{id}\"]")))
        .next()
        .and_then(|e| e.value().attr("value").map(str::to_owned))
}

fn selected(page: &Page, id: &str) -> Option<String> {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel(&format!("[id=\"{id}\"] option[selected]")))
        .next()
        .and_then(|e| e.value().attr("value").map(str::to_owned))
}

fn assert_console_headers(page: &Page) {
    assert_eq!(page.header("cache-control"), Some("private, no-store"));
    let csp = page.header("content-security-policy").unwrap_or_default();
    for d in [
        "script-src 'none'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(d), "{d} in {csp}");
    }
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
}

fn multipart(csrf: &str, file_name: &str, ct: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----wandstore-e2e-7d1f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: {ct}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn sign_in_edit_upload_publish_roll_back_and_sign_out(ctx: &Ctx) {
    let slug = "con-flow";
    let token = store_with_owner(ctx, slug);
    let mut b = Browser::new(ctx, "198.51.100.71");

    // The sign-in page: a form with its token, a browser cookie, the console's headers.
    let form = b.get("/console");
    assert_eq!(form.status, 200, "{}", form.body);
    assert_console_headers(&form);
    assert!(form.body.contains("action=\"/console/sign-in\""));
    let browser_cookie = form
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("wandstore_console="))
        .unwrap_or_default()
        .to_owned();
    assert!(browser_cookie.contains("HttpOnly") && browser_cookie.contains("SameSite=Strict"));

    // Wrong token, unknown store, no CSRF token: refused, no session.
    for (store, tok, status) in [
        (slug, "wso_not-the-token", 401),
        ("no-such-store", token.as_str(), 401),
        ("Not A Slug!", token.as_str(), 401),
    ] {
        let page = b.sign_in(store, tok);
        assert_eq!(page.status, status, "{store}: {}", page.body);
        assert!(
            page.body.contains("store or token not recognised"),
            "{}",
            page.body
        );
        assert!(!b.cookies.contains_key("wandstore_owner"));
    }
    let no_csrf = b.post(
        "/console/sign-in",
        &owned(&[("store", slug), ("token", &token)]),
    );
    assert_eq!(no_csrf.status, 403, "{}", no_csrf.body);
    assert!(!b.cookies.contains_key("wandstore_owner"));

    // The right token: a strict, HttpOnly session cookie scoped to the console.
    let signed_in = b.sign_in(slug, &token);
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(
        signed_in.header("location"),
        Some("/console?done=signed-in")
    );
    let session = signed_in
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("wandstore_owner="))
        .unwrap_or_default()
        .to_owned();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(session.contains(part), "{part} in {session}");
    }
    assert!(
        !session.contains("Secure"),
        "plain-HTTP localhost: {session}"
    );

    // The editor shows the current (default) values, the preview frame and no history.
    let editor = b.get("/console?done=signed-in");
    assert_eq!(editor.status, 200, "{}", editor.body);
    assert_console_headers(&editor);
    assert!(editor.body.contains("Signed in."));
    let default_accent = value_of(&editor, "colors.accent").unwrap_or_default();
    assert!(default_accent.starts_with('#') && default_accent.len() == 7);
    assert_eq!(selected(&editor, "fonts.body").as_deref(), Some("system"));
    assert!(editor.body.contains("Nothing has been published yet."));
    let doc = Html::parse_document(&editor.body);
    let frame = doc
        .select(&sel("iframe"))
        .next()
        .and_then(|f| f.value().attr("src").map(str::to_owned))
        .unwrap_or_default();
    assert!(frame.starts_with(&format!("/s/{slug}/preview/")), "{frame}");
    let preview = Client::new(&ctx.url).send("GET", &frame, &[], None);
    assert_eq!(preview.status, 200, "the frame's preview: {}", preview.body);

    // Saving without the CSRF token changes nothing; with it, the draft is saved (303).
    let mut fields = form_fields(&editor, "/console/theme");
    let first = "#1f7a3d";
    set(&mut fields, "colors.accent", first);
    set(&mut fields, "announcement", "Console <b>sale</b> & more");
    let refused = b.post("/console/theme", &without(&fields, "csrf"));
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(
        value_of(&b.editor(), "colors.accent").as_deref(),
        Some(default_accent.as_str())
    );
    let saved = b.post("/console/theme", &fields);
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.header("location"), Some("/console?done=saved"));
    let editor = b.get("/console?done=saved");
    assert!(editor.body.contains("Draft saved."));
    assert_eq!(value_of(&editor, "colors.accent").as_deref(), Some(first));
    assert_eq!(
        value_of(&editor, "announcement").as_deref(),
        Some("Console <b>sale</b> & more")
    );
    assert!(
        !editor.body.contains("<b>sale</b>"),
        "owner text is escaped"
    );

    // An invalid colour: 422, the message next to the field, the input kept, nothing saved.
    let mut bad = form_fields(&editor, "/console/theme");
    set(&mut bad, "colors.accent.typed", "not-a-colour");
    set(&mut bad, "radius", "99");
    let page = b.post("/console/theme", &bad);
    assert_eq!(page.status, 422, "{}", page.body);
    assert_console_headers(&page);
    let doc = Html::parse_document(&page.body);
    let accent = doc.select(&sel("[id=\"colors.accent\"]")).next();
    let described = accent
        .and_then(|e| e.value().attr("aria-describedby"))
        .unwrap_or_default()
        .to_owned();
    assert_eq!(described, "colors.accent-error");
    let message: String = doc
        .select(&sel("[id=\"colors.accent-error\"]"))
        .next()
        .map(|e| e.text().collect())
        .unwrap_or_default();
    assert!(!message.trim().is_empty(), "{}", page.body);
    assert!(doc.select(&sel("[id=\"radius-error\"]")).next().is_some());
    assert_eq!(
        value_of(&page, "colors.accent.typed").as_deref(),
        Some("not-a-colour")
    );
    assert_eq!(value_of(&page, "radius").as_deref(), Some("99"));
    assert_eq!(
        value_of(&b.editor(), "colors.accent").as_deref(),
        Some(first)
    );

    // Upload a logo (multipart, with the token), then choose it and save.
    let csrf = b.editor().csrf().unwrap_or_default();
    let (ct, body) = multipart("", "logo.png", "image/png", samples::PNG);
    let refused = b.send("POST", "/console/assets", Some(&ct), &body);
    assert_eq!(refused.status, 403, "{}", refused.body);
    let (ct, body) = multipart(&csrf, "logo.png", "image/png", samples::PNG);
    let uploaded = b.send("POST", "/console/assets", Some(&ct), &body);
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    let (ct, body) = multipart(&csrf, "fake.png", "image/png", b"<html>not a png</html>");
    let confused = b.send("POST", "/console/assets", Some(&ct), &body);
    assert!(
        (400..500).contains(&confused.status),
        "type confusion: {} {}",
        confused.status,
        confused.body
    );
    let editor = b.get("/console?done=uploaded");
    assert!(editor.body.contains("Uploaded."));
    let doc = Html::parse_document(&editor.body);
    let logo_file = doc
        .select(&sel("[id=\"logo\"] option"))
        .find(|o| o.text().collect::<String>() == "logo.png")
        .and_then(|o| o.value().attr("value").map(str::to_owned))
        .unwrap_or_else(|| panic!("logo.png is offered: {}", editor.body));
    assert!(!editor.body.contains("fake.png"));
    let mut fields = form_fields(&editor, "/console/theme");
    set(&mut fields, "logo", &logo_file);
    assert_eq!(b.post("/console/theme", &fields).status, 303);
    assert_eq!(selected(&b.editor(), "logo"), Some(logo_file.clone()));

    // Publish: shoppers see the new accent within the promised time.
    let csrf = b.editor().csrf().unwrap_or_default();
    let no_token = b.post("/console/publish", &[]);
    assert_eq!(no_token.status, 403);
    let published = b.post("/console/publish", &owned(&[("csrf", &csrf)]));
    assert_eq!(published.status, 303, "{}", published.body);
    let home = format!("/s/{slug}/");
    wait_for_accent(&ctx.url, &home, first);

    // A second version, then roll back to the first from the history.
    let mut fields = form_fields(&b.editor(), "/console/theme");
    let second = "#8a2be2";
    set(&mut fields, "colors.accent", second);
    assert_eq!(b.post("/console/theme", &fields).status, 303);
    let csrf = b.editor().csrf().unwrap_or_default();
    assert_eq!(
        b.post("/console/publish", &owned(&[("csrf", &csrf)]))
            .status,
        303
    );
    wait_for_accent(&ctx.url, &home, second);
    let editor = b.editor();
    let doc = Html::parse_document(&editor.body);
    let versions: Vec<String> = doc
        .select(&sel(
            "form[action=\"/console/rollback\"] input[name=version]",
        ))
        .filter_map(|e| e.value().attr("value").map(str::to_owned))
        .collect();
    assert_eq!(versions, ["2", "1"]);
    let rows: String = doc
        .select(&sel("tbody"))
        .next()
        .map(|t| t.text().collect())
        .unwrap_or_default();
    assert!(rows.contains("owner") && rows.contains("bytes"), "{rows}");
    let csrf = editor.csrf().unwrap_or_default();
    let back_to_1 = owned(&[("csrf", &csrf), ("version", "1")]);
    assert_eq!(
        b.post("/console/rollback", &without(&back_to_1, "csrf"))
            .status,
        403
    );
    let rolled = b.post("/console/rollback", &back_to_1);
    assert_eq!(rolled.status, 303, "{}", rolled.body);
    assert_eq!(rolled.header("location"), Some("/console?done=rolled-back"));
    wait_for_accent(&ctx.url, &home, first);
    let editor = b.get("/console?done=rolled-back");
    assert!(editor.body.contains("Rolled back"));
    assert!(
        editor.body.contains("3 (roll back to 1) · live"),
        "{}",
        editor.body
    );
    let missing = b.post(
        "/console/rollback",
        &owned(&[("csrf", &csrf), ("version", "999")]),
    );
    assert!(
        (400..500).contains(&missing.status),
        "{} {}",
        missing.status,
        missing.body
    );

    // Sign out: needs its token too; then the console is the sign-in page again.
    let editor = b.editor();
    let sign_out = form_fields(&editor, "/console/sign-out");
    assert_eq!(
        b.post("/console/sign-out", &without(&sign_out, "csrf"))
            .status,
        403
    );
    let out = b.post("/console/sign-out", &sign_out);
    assert_eq!(out.status, 303, "{}", out.body);
    assert!(!b.cookies.contains_key("wandstore_owner"), "cookie cleared");
    let page = b.get("/console?done=signed-out");
    assert!(page.body.contains("action=\"/console/sign-in\""));
    assert!(page.body.contains("Signed out."));
}

fn a_rotated_owner_token_ends_the_session(ctx: &Ctx) {
    let slug = "con-rotate";
    let token = store_with_owner(ctx, slug);
    let mut b = Browser::new(ctx, "198.51.100.72");
    assert_eq!(b.sign_in(slug, &token).status, 303);
    let editor = b.editor();
    let fields = form_fields(&editor, "/console/theme");

    let rotated = Client::new(&ctx.url).send(
        "POST",
        &format!("/admin/stores/{slug}/owner-token/rotate"),
        &[("authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_token = rotated.json()["owner_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // At once: the console is the sign-in page again, and the cookie is cleared.
    let kept_cookie = b.cookie_header();
    let page = b.get("/console");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("action=\"/console/sign-in\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("session has ended"));
    assert!(!b.cookies.contains_key("wandstore_owner"));
    // The old cookie, replayed, saves nothing.
    let replay = Client::new(&ctx.url).send_bytes(
        "POST",
        "/console/theme",
        &[
            ("cookie", &kept_cookie),
            ("content-type", "application/x-www-form-urlencoded"),
            ("cf-connecting-ip", "198.51.100.72"),
        ],
        encode(&fields).as_bytes(),
    );
    assert_eq!(replay.status, 401, "{}", replay.body);
    // The old token no longer signs in; the new one does.
    assert_eq!(b.sign_in(slug, &token).status, 401);
    assert_eq!(b.sign_in(slug, &new_token).status, 303);
    b.editor();
}

fn sign_in_attempts_are_limited_per_client(ctx: &Ctx) {
    let slug = "con-limit";
    let token = store_with_owner(ctx, slug);
    let mut b = Browser::new(ctx, "198.51.100.73");
    for attempt in 1..=10 {
        let page = b.sign_in(slug, "wso_guess");
        assert_eq!(page.status, 401, "attempt {attempt}: {}", page.body);
    }
    let limited = b.sign_in(slug, "wso_guess");
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.header("retry-after").is_some());
    assert!(limited.header("ratelimit-policy").is_some());
    assert_eq!(limited.header("cache-control"), Some("private, no-store"));
    // Even the right token waits now: the limit counts attempts, not failures.
    let right = b.sign_in(slug, &token);
    assert_eq!(right.status, 429);
    assert!(!b.cookies.contains_key("wandstore_owner"));
    // Another client is not affected.
    let mut other = Browser::new(ctx, "198.51.100.74");
    assert_eq!(other.sign_in(slug, &token).status, 303);
}

fn the_console_is_only_on_the_platform_host(ctx: &Ctx) {
    let slug = "con-host";
    let token = store_with_owner(ctx, slug);
    let client = Client::new(&ctx.url);
    let host = format!("{slug}.wandstore.localhost");
    for path in ["/console", "/console/", "/console/sign-in"] {
        let page = client.send("GET", path, &[("host", &host)], None);
        assert_eq!(page.status, 404, "{path}: {}", page.body);
        assert!(!page.body.contains("action=\"/console/sign-in\""));
    }
    let body = format!("store={slug}&token={token}");
    let post = client.send(
        "POST",
        "/console/sign-in",
        &[
            ("host", &host),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        Some(&body),
    );
    assert!(
        (400..500).contains(&post.status),
        "{} {}",
        post.status,
        post.body
    );
    assert!(
        post.header("set-cookie")
            .is_none_or(|c| !c.contains("wandstore_owner"))
    );
    // On the platform host, the store's path is not the console either.
    let under_store = client.send("GET", &format!("/s/{slug}/console"), &[], None);
    assert_eq!(under_store.status, 404);
    // One store's token never signs in to another store.
    let other = store_with_owner(ctx, "con-host-b");
    let mut b = Browser::new(ctx, "198.51.100.75");
    assert_eq!(b.sign_in(slug, &other).status, 401);
    assert_eq!(b.sign_in("con-host-b", &token).status, 401);
}

fn hostile_requests_are_4xx_and_change_nothing(ctx: &Ctx) {
    let slug = "con-hostile";
    let token = store_with_owner(ctx, slug);
    let mut b = Browser::new(ctx, "198.51.100.76");
    assert_eq!(b.sign_in(slug, &token).status, 303);
    let editor = b.editor();
    let before = value_of(&editor, "colors.accent");
    let mut fields = form_fields(&editor, "/console/theme");
    set(&mut fields, "colors.accent", "#123456");
    let body = encode(&fields);
    // Wrong content types.
    for ct in [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        let page = b.send("POST", "/console/theme", Some(ct), body.as_bytes());
        assert_eq!(page.status, 415, "{ct}: {}", page.body);
    }
    // Too large (the theme form's limit is the theme's, 256 KB).
    let mut huge = fields.clone();
    set(&mut huge, "custom_css", &"a".repeat(300 * 1024));
    assert_eq!(b.post("/console/theme", &huge).status, 413);
    // Wrong methods.
    for (method, path) in [
        ("GET", "/console/publish"),
        ("PUT", "/console/theme"),
        ("DELETE", "/console"),
    ] {
        let page = b.send(method, path, None, b"");
        assert_eq!(page.status, 405, "{method} {path}: {}", page.body);
    }
    // A forged or foreign session cookie is no session.
    for cookie in [
        "wandstore_owner=v1.con-hostile.0123456789abcdef.99999999999999.AAAA",
        "wandstore_owner=<script>",
    ] {
        let page = Client::new(&ctx.url).send("GET", "/console", &[("cookie", cookie)], None);
        assert_eq!(page.status, 200);
        assert!(page.body.contains("action=\"/console/sign-in\""));
    }
    // A CSRF token from another session does not hold.
    let mut other = Browser::new(ctx, "198.51.100.77");
    assert_eq!(other.sign_in(slug, &token).status, 303);
    let theirs = other.editor().csrf().unwrap_or_default();
    set(&mut fields, "csrf", &theirs);
    assert_eq!(b.post("/console/theme", &fields).status, 403);
    // A broken upload.
    let csrf = b.editor().csrf().unwrap_or_default();
    let page = b.send(
        "POST",
        "/console/assets",
        Some("multipart/form-data; boundary=zz"),
        format!(
            "--zz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--zz--\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(page.status, 400, "{}", page.body);
    // Nothing changed.
    assert_eq!(value_of(&b.editor(), "colors.accent"), before);

    // The sign-in form: over-long fields, a body past the form limit, the wrong type.
    let mut s = Browser::new(ctx, "198.51.100.78");
    let long_token = format!("{token}{}", "x".repeat(300));
    assert_eq!(s.sign_in(slug, &long_token).status, 401);
    assert_eq!(s.sign_in(&"a".repeat(64), &token).status, 401);
    let csrf = s.get("/console").csrf().unwrap_or_default();
    let big = owned(&[
        ("csrf", &csrf),
        ("store", slug),
        ("token", &"t".repeat(17 * 1024)),
    ]);
    assert_eq!(s.post("/console/sign-in", &big).status, 413);
    let json = format!(r#"{{"csrf":"{csrf}","store":"{slug}","token":"{token}"}}"#);
    let page = s.send(
        "POST",
        "/console/sign-in",
        Some("application/json"),
        json.as_bytes(),
    );
    assert_eq!(page.status, 415, "{}", page.body);
    assert!(!s.cookies.contains_key("wandstore_owner"));
    // Exactly at a valid sign-in: still works from this client.
    assert_eq!(s.sign_in(slug, &token).status, 303);
}
