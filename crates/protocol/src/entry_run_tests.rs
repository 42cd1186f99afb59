use super::*;
use crate::limit_run::LimitAction;
use wandstore_core::limits::BodyKind;

const NOW: u64 = 20_000 * 86_400_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const ADMIN: &str = "an-admin-token-of-at-least-32-bytes!";
const BASE: &str = "wandstore.test";

/// Which step it is (the signer a shopper's step carries has no `Debug`).
impl std::fmt::Debug for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Refused(e, reader) => write!(f, "Refused({} {}, {reader:?})", e.status, e.code),
            other => write!(f, "{:?}", std::mem::discriminant(other)),
        }
    }
}

fn signer() -> Result<Rc<CookieSigner>, WeakSecret> {
    Ok(Rc::new(CookieSigner::new(SECRET, &[]).unwrap()))
}

fn slug(s: &str) -> StoreSlug {
    StoreSlug::parse(s).unwrap()
}

fn headers(pairs: &[(&str, &str)]) -> ClientHeaders {
    ClientHeaders(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

/// A run for `method path` at `host`, with the client's `extra` headers.
fn run_with<'c>(
    client: &'c ClientHeaders,
    method: &'c str,
    url: &'c str,
    path: &'c str,
    signer: Result<Rc<CookieSigner>, WeakSecret>,
) -> EntryRun<'c> {
    EntryRun::new(Arrived {
        client,
        request_id: "req-1",
        method,
        url,
        path,
        url_host: Some(BASE),
        base_domain: BASE,
        signer,
        now_ms: NOW,
    })
}

fn refused(step: Step<'_>) -> (u16, String, Reader) {
    match step {
        Step::Refused(e, reader) => (e.status, e.code, reader),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn limit_binding(step: Step<'_>) -> String {
    let Step::Limit(mut limits) = step else {
        panic!("expected limits, got {step:?}");
    };
    match limits.next_action() {
        LimitAction::AskBinding { key, .. } => key,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_request_past_the_limits_is_refused_as_json_before_any_routing() {
    let client = headers(&[("host", "demo.wandstore.test")]);
    let long = format!("/{}", "a".repeat(3000));
    let url = format!("https://demo.wandstore.test{long}");
    let run = run_with(&client, "GET", &url, &long, signer());
    assert_eq!(refused(run.next()).0, 414);
    let run = run_with(&client, "PROPFIND", "https://x/", "/", signer());
    let (status, _, reader) = refused(run.next());
    assert_eq!((status, reader), (405, Reader::Api));
    let mut log = RequestLog::default();
    run.note_in(&mut log);
    assert_eq!(log.store, None);
}

#[test]
fn platform_routes_are_answered_by_their_handlers_and_unknown_ones_are_json_404s() {
    let client = headers(&[]);
    let run = run_with(
        &client,
        "GET",
        "https://wandstore.test/health",
        "/health",
        signer(),
    );
    assert!(matches!(run.next(), Step::Platform(PlatformRoute::Health)));
    assert_eq!(run.next().reader(), Reader::Api);
    let run = run_with(
        &client,
        "GET",
        "https://wandstore.test/console",
        "/console",
        signer(),
    );
    assert!(matches!(run.next(), Step::Console(ConsoleRoute::Home)));
    let run = run_with(
        &client,
        "DELETE",
        "https://wandstore.test/console",
        "/console",
        signer(),
    );
    assert_eq!(refused(run.next()).0, 405);
    let run = run_with(
        &client,
        "GET",
        "https://wandstore.test/health/x",
        "/health/x",
        signer(),
    );
    assert_eq!(
        refused(run.next()),
        (404, "not_found".to_owned(), Reader::Api)
    );
}

#[test]
fn an_admin_caller_is_authorized_then_limited_before_any_admin_route_is_revealed() {
    let client = headers(&[("authorization", &format!("Bearer {ADMIN}"))]);
    let path = "/admin/no-such-route";
    let url = format!("https://wandstore.test{path}");
    let mut run = run_with(&client, "GET", &url, path, signer());
    assert!(matches!(run.next(), Step::AdminToken));
    run.on_admin_token(Some(ADMIN));
    let key = limit_binding(run.next());
    assert!(
        key.ends_with(&admin_rate_key(&format!("Bearer {ADMIN}"))),
        "{key}"
    );
    run.on_limited(Ok(()));
    assert_eq!(refused(run.next()).0, 404);

    let path = "/admin/stores";
    let url = format!("https://wandstore.test{path}");
    let mut run = run_with(&client, "GET", &url, path, signer());
    run.on_admin_token(Some(ADMIN));
    run.on_limited(Ok(Some(3)));
    match run.next() {
        Step::Admin(_, caller) => assert_eq!(caller, &Caller::Admin),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_admin_request_without_a_good_token_or_past_its_limit_is_refused_as_json() {
    let path = "/admin/no-such-route";
    let url = format!("https://wandstore.test{path}");
    let none = headers(&[]);
    let mut run = run_with(&none, "GET", &url, path, signer());
    run.on_admin_token(Some(ADMIN));
    assert_eq!(
        refused(run.next()),
        (401, "unauthorized".to_owned(), Reader::Api)
    );
    let wrong = headers(&[("authorization", "Bearer wrong")]);
    let mut run = run_with(&wrong, "GET", &url, path, signer());
    run.on_admin_token(Some(ADMIN));
    assert_eq!(refused(run.next()).0, 401);
    let good = headers(&[("authorization", &format!("Bearer {ADMIN}"))]);
    let mut run = run_with(&good, "GET", &url, path, signer());
    run.on_admin_token(None);
    assert_eq!(refused(run.next()).1, "admin_disabled");
    let mut run = run_with(&good, "GET", &url, path, signer());
    run.on_admin_token(Some(ADMIN));
    run.on_limited::<()>(Err(EdgeError::rate_limited("admin", 7)));
    assert_eq!(
        refused(run.next()),
        (429, "rate_limited".to_owned(), Reader::Api)
    );
}

#[test]
fn a_custom_domain_is_looked_up_and_an_unclaimed_or_failed_one_is_a_page() {
    let client = headers(&[("host", "Shop.Example.com")]);
    let mut run = run_with(&client, "GET", "https://shop.example.com/", "/", signer());
    assert!(matches!(run.next(), Step::LookUpDomain("shop.example.com")));
    run.on_domain(Ok(None));
    assert_eq!(
        refused(run.next()),
        (404, "store_not_found".to_owned(), Reader::Page)
    );

    let mut run = run_with(&client, "GET", "https://shop.example.com/", "/", signer());
    run.on_domain(Err(EdgeError::internal("registry down")));
    assert_eq!(
        refused(run.next()),
        (500, "internal".to_owned(), Reader::Page)
    );

    let mut run = run_with(&client, "GET", "https://shop.example.com/", "/", signer());
    run.on_domain(Ok(Some(slug("demo"))));
    match run.next() {
        Step::Shopper(shopper) => {
            assert_eq!(shopper.target.store, slug("demo"));
            assert_eq!((shopper.body, shopper.preview), (None, false));
        }
        other => panic!("{other:?}"),
    }
    let mut log = RequestLog::default();
    run.note_in(&mut log);
    assert_eq!(log.store.as_deref(), Some("demo"));
}

#[test]
fn an_address_no_store_can_have_is_a_404_page() {
    let client = headers(&[("host", "x_y.wandstore.test")]);
    let run = run_with(&client, "GET", "https://x_y.wandstore.test/", "/", signer());
    assert_eq!(
        refused(run.next()),
        (404, "store_not_found".to_owned(), Reader::Page)
    );
}

#[test]
fn a_stores_file_is_counted_against_the_clients_page_limit_then_served() {
    let client = headers(&[
        ("host", "demo.wandstore.test"),
        ("cf-connecting-ip", "203.0.113.9"),
    ]);
    let path = "/assets/logo.png";
    let url = format!("https://demo.wandstore.test{path}");
    let mut run = run_with(&client, "GET", &url, path, signer());
    assert!(matches!(run.next(), Step::Limit(_)));
    run.on_limited(Ok(None::<()>));
    assert!(matches!(
        run.next(),
        Step::Asset {
            file: "logo.png",
            ..
        }
    ));
    assert_eq!(run.next().reader(), Reader::Page);

    let mut run = run_with(&client, "GET", &url, path, signer());
    run.on_limited::<()>(Err(EdgeError::rate_limited("pages", 3)));
    assert_eq!(
        refused(run.next()),
        (429, "rate_limited".to_owned(), Reader::Page)
    );

    // A client without a usable address meets no limit here.
    let local = headers(&[("host", "demo.wandstore.test")]);
    let run = run_with(&local, "GET", &url, path, signer());
    assert!(matches!(run.next(), Step::Asset { .. }));
}

#[test]
fn a_favicon_is_asked_for_once_and_an_unknown_store_is_a_404_page() {
    let client = headers(&[("host", "demo.wandstore.test")]);
    let url = "https://demo.wandstore.test/favicon.ico";
    let mut run = run_with(&client, "GET", url, "/favicon.ico", signer());
    assert!(matches!(run.next(), Step::AskFavicon(s) if s.as_str() == "demo"));
    run.on_favicon(Ok(Some("icon.png".to_owned())));
    assert!(matches!(
        run.next(),
        Step::Favicon {
            file: Some("icon.png"),
            ..
        }
    ));

    let mut run = run_with(&client, "GET", url, "/favicon.ico", signer());
    run.on_favicon(Err(AskError::Broken("garbage".to_owned())));
    assert!(matches!(run.next(), Step::Favicon { file: None, .. }));

    let mut run = run_with(&client, "GET", url, "/favicon.ico", signer());
    run.on_favicon(Err(AskError::Refused(StoreError::NotFound)));
    assert_eq!(
        refused(run.next()),
        (404, "store_not_found".to_owned(), Reader::Page)
    );
}

#[test]
fn a_shoppers_body_is_read_within_its_limit_and_its_errors_read_by_the_routes_audience() {
    let client = headers(&[("host", "demo.wandstore.test")]);
    let url = "https://demo.wandstore.test/api/cart";
    let mut run = run_with(&client, "POST", url, "/api/cart", signer());
    assert!(matches!(run.next(), Step::ReadBody(BodyKind::CartJson)));
    run.on_body(Ok(b"{\"lines\":[]}".to_vec()));
    let step = run.next();
    assert_eq!(step.reader(), Reader::Api);
    assert!(matches!(step, Step::Shopper(s) if s.body == Some("{\"lines\":[]}")));

    let mut run = run_with(&client, "POST", url, "/api/cart", signer());
    run.on_body(Ok(vec![0xff, 0xfe]));
    assert_eq!(
        refused(run.next()),
        (400, "bad_encoding".to_owned(), Reader::Api)
    );

    let form = "https://demo.wandstore.test/cart/add";
    let mut run = run_with(&client, "POST", form, "/cart/add", signer());
    assert!(matches!(run.next(), Step::ReadBody(BodyKind::Form)));
    run.on_body(Err(EdgeError::new(413, "too_large", "too large")));
    assert_eq!(
        refused(run.next()),
        (413, "too_large".to_owned(), Reader::Page)
    );
}

#[test]
fn a_store_without_a_signer_is_not_configured_and_a_page_is_read_in_the_platforms_frame() {
    let client = headers(&[("host", "demo.wandstore.test")]);
    let run = run_with(
        &client,
        "GET",
        "https://demo.wandstore.test/",
        "/",
        Err(WeakSecret(3)),
    );
    assert_eq!(
        refused(run.next()),
        (503, "config".to_owned(), Reader::Page)
    );
    let url = "https://demo.wandstore.test/api/cart";
    let run = run_with(&client, "GET", url, "/api/cart", Err(WeakSecret(3)));
    assert_eq!(refused(run.next()), (503, "config".to_owned(), Reader::Api));
}

#[test]
fn the_live_socket_opens_under_a_preview_link_only_for_a_websocket_upgrade() {
    let token = signer().unwrap().sign_preview(&slug("demo"), NOW + 60_000);
    let path = format!("/preview/{token}/live");
    let url = format!("https://demo.wandstore.test{path}");
    let upgrade = headers(&[("host", "demo.wandstore.test"), ("upgrade", "websocket")]);
    let run = run_with(&upgrade, "GET", &url, &path, signer());
    match run.next() {
        Step::LiveSocket { store, headers } => {
            assert_eq!(store.as_str(), "demo");
            assert_eq!(
                headers,
                [("upgrade", "websocket"), ("x-request-id", "req-1")]
            );
        }
        other => panic!("{other:?}"),
    }
    let plain = headers(&[("host", "demo.wandstore.test")]);
    let run = run_with(&plain, "GET", &url, &path, signer());
    assert_eq!(
        refused(run.next()),
        (426, "upgrade_required".to_owned(), Reader::Api)
    );
    // A forged preview link is a 404 page, and the store is still in the log line.
    let forged = format!("/preview/{}/live", "x".repeat(40));
    let run = run_with(&upgrade, "GET", &url, &forged, signer());
    assert_eq!(
        refused(run.next()),
        (404, "preview_expired".to_owned(), Reader::Page)
    );
    let mut log = RequestLog::default();
    run.note_in(&mut log);
    assert_eq!(log.store.as_deref(), Some("demo"));
}
