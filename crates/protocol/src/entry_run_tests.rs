use super::*;
use crate::limit_run::LimitAction;
use wandstore_core::limits::BodyKind;

const NOW: u64 = 20_000 * 86_400_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const ADMIN: &str = "an-admin-token-of-at-least-32-bytes!";
const BASE: &str = "wandstore.test";

/// Which step it is (the signer a shopper's handler carries has no `Debug`).
impl std::fmt::Debug for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Answer(Handler::Refused(e, reader)) => {
                write!(f, "Refused({} {}, {reader:?})", e.status, e.code)
            }
            Step::Answer(h) => write!(f, "Answer({:?})", std::mem::discriminant(h)),
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
    ClientHeaders::from(pairs)
}

/// A run for `method url` (its path `path`) with the client's headers `client`.
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

/// The handler the step answers with.
fn handler(step: Step<'_>) -> Handler<'_> {
    match step {
        Step::Answer(h) => h,
        other => panic!("expected a handler, got {other:?}"),
    }
}

fn refused(step: Step<'_>) -> (u16, String, Reader) {
    match handler(step) {
        Handler::Refused(e, reader) => (e.status, e.code, reader),
        other => panic!("expected a refusal, got {:?}", Step::Answer(other)),
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
fn each_health_path_names_its_health_answer_and_the_theme_schema_is_a_fixed_public_answer() {
    let client = headers(&[]);
    let health = [
        ("/health/live", HealthRoute::Live),
        ("/health/ready", HealthRoute::Ready),
        ("/health", HealthRoute::Summary),
        ("/.well-known/security.txt", HealthRoute::SecurityTxt),
    ];
    for (path, route) in health {
        let url = format!("https://wandstore.test{path}");
        let run = run_with(&client, "GET", &url, path, signer());
        match handler(run.next()) {
            Handler::Health(asked) => assert_eq!(asked, route, "{path}"),
            other => panic!("{path}: {:?}", Step::Answer(other)),
        }
    }
    let url = "https://wandstore.test/schemas/theme.json";
    let run = run_with(&client, "GET", url, "/schemas/theme.json", signer());
    let schema = handler(run.next());
    assert_eq!(schema.reader(), Reader::Api);
    match schema {
        Handler::Fixed(headers, body) => {
            assert!(headers.contains(&("content-type", "application/schema+json")));
            assert_eq!(body, wandstore_theme::JSON_SCHEMA);
        }
        other => panic!("{:?}", Step::Answer(other)),
    }
    // A write to a fixed answer is refused before any handler.
    let run = run_with(&client, "POST", url, "/schemas/theme.json", signer());
    assert_eq!(refused(run.next()).0, 405);
}

#[test]
fn platform_routes_are_answered_by_their_handlers_and_unknown_ones_are_json_404s() {
    let client = headers(&[]);
    let health = "https://wandstore.test/health";
    let run = run_with(&client, "GET", health, "/health", signer());
    let platform = handler(run.next());
    assert_eq!(platform.reader(), Reader::Api);
    assert!(matches!(platform, Handler::Health(HealthRoute::Summary)));
    let console = "https://wandstore.test/console";
    let run = run_with(&client, "GET", console, "/console", signer());
    let page = handler(run.next());
    assert!(matches!(page, Handler::Console(ConsoleRoute::Home)));
    let run = run_with(&client, "DELETE", console, "/console", signer());
    assert_eq!(refused(run.next()).0, 405);
    let unknown = "https://wandstore.test/health/x";
    let run = run_with(&client, "GET", unknown, "/health/x", signer());
    let expected = (404, "not_found".to_owned(), Reader::Api);
    assert_eq!(refused(run.next()), expected);
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
    let who = admin_rate_key(&format!("Bearer {ADMIN}"));
    assert!(key.ends_with(&who), "{key}");
    run.on_limited(Ok(()));
    assert_eq!(refused(run.next()).0, 404);

    let path = "/admin/stores";
    let url = format!("https://wandstore.test{path}");
    let mut run = run_with(&client, "GET", &url, path, signer());
    run.on_admin_token(Some(ADMIN));
    run.on_limited(Ok(Some(3)));
    match handler(run.next()) {
        Handler::Admin(_, caller) => assert_eq!(caller, &Caller::Admin),
        other => panic!("{:?}", Step::Answer(other)),
    }
}

#[test]
fn an_admin_request_without_a_good_token_or_past_its_limit_is_refused_as_json() {
    let path = "/admin/no-such-route";
    let url = format!("https://wandstore.test{path}");
    let unauthorized = (401, "unauthorized".to_owned(), Reader::Api);
    let none = headers(&[]);
    let mut run = run_with(&none, "GET", &url, path, signer());
    run.on_admin_token(Some(ADMIN));
    assert_eq!(refused(run.next()), unauthorized);
    let wrong = headers(&[("authorization", "Bearer wrong")]);
    let mut run = run_with(&wrong, "GET", &url, path, signer());
    run.on_admin_token(Some(ADMIN));
    assert_eq!(refused(run.next()), unauthorized);
    let good = headers(&[("authorization", &format!("Bearer {ADMIN}"))]);
    let mut run = run_with(&good, "GET", &url, path, signer());
    run.on_admin_token(None);
    assert_eq!(refused(run.next()).1, "admin_disabled");
    let mut run = run_with(&good, "GET", &url, path, signer());
    run.on_admin_token(Some(ADMIN));
    run.on_limited::<()>(Err(EdgeError::rate_limited("admin", 7)));
    let limited = (429, "rate_limited".to_owned(), Reader::Api);
    assert_eq!(refused(run.next()), limited);
}

#[test]
fn a_custom_domain_is_looked_up_and_an_unclaimed_or_failed_one_is_a_page() {
    let client = headers(&[("host", "Shop.Example.com")]);
    let url = "https://shop.example.com/";
    let mut run = run_with(&client, "GET", url, "/", signer());
    assert!(matches!(run.next(), Step::LookUpDomain("shop.example.com")));
    run.on_domain(Ok(None));
    let unclaimed = (404, "store_not_found".to_owned(), Reader::Page);
    assert_eq!(refused(run.next()), unclaimed);

    let mut run = run_with(&client, "GET", url, "/", signer());
    run.on_domain(Err(EdgeError::internal("registry down")));
    let down = (500, "internal".to_owned(), Reader::Page);
    assert_eq!(refused(run.next()), down);

    let client = headers(&[
        ("host", "Shop.Example.com"),
        ("cookie", "a=b"),
        ("cf-connecting-ip", "203.0.113.9"),
        ("cf-ipcountry", "NL"),
    ]);
    let mut run = run_with(&client, "GET", url, "/", signer());
    run.on_domain(Ok(Some(slug("demo"))));
    match handler(run.next()) {
        Handler::Shopper(shopper) => {
            assert_eq!(shopper.target.store, slug("demo"));
            assert_eq!((shopper.body, shopper.preview), (None, false));
            let arrival = shopper.arrival("https://shop.example.com");
            assert_eq!(arrival.origin, "https://shop.example.com");
            assert_eq!((arrival.cookie, arrival.request_id), ("a=b", "req-1"));
            let from = (arrival.client_ip, arrival.country, arrival.now_ms);
            assert_eq!(from, (Some("203.0.113.9"), Some("NL"), NOW));
        }
        other => panic!("{:?}", Step::Answer(other)),
    }
    let mut log = RequestLog::default();
    run.note_in(&mut log);
    assert_eq!(log.store.as_deref(), Some("demo"));
}

#[test]
fn an_address_no_store_can_have_is_a_404_page() {
    let client = headers(&[("host", "x_y.wandstore.test")]);
    let run = run_with(&client, "GET", "https://x_y.wandstore.test/", "/", signer());
    let expected = (404, "store_not_found".to_owned(), Reader::Page);
    assert_eq!(refused(run.next()), expected);
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
    let asset = handler(run.next());
    assert_eq!(asset.reader(), Reader::Page);
    match asset {
        Handler::File(file, read) => {
            assert_eq!(file, Some("logo.png"));
            let facts = (read.store.as_str(), read.if_none_match, read.head);
            assert_eq!(facts, ("demo", None, false));
        }
        other => panic!("{:?}", Step::Answer(other)),
    }

    let mut run = run_with(&client, "GET", &url, path, signer());
    run.on_limited::<()>(Err(EdgeError::rate_limited("pages", 3)));
    let limited = (429, "rate_limited".to_owned(), Reader::Page);
    assert_eq!(refused(run.next()), limited);

    // A client without a usable address meets no limit here; a conditional HEAD says so.
    let local = headers(&[("host", "demo.wandstore.test"), ("if-none-match", "\"a\"")]);
    let run = run_with(&local, "HEAD", &url, path, signer());
    match handler(run.next()) {
        Handler::File(_, read) => {
            assert_eq!((read.if_none_match, read.head), (Some("\"a\""), true))
        }
        other => panic!("{:?}", Step::Answer(other)),
    }
}

#[test]
fn a_favicon_is_asked_for_once_and_an_unknown_store_is_a_404_page() {
    let client = headers(&[("host", "demo.wandstore.test")]);
    let url = "https://demo.wandstore.test/favicon.ico";
    let mut run = run_with(&client, "GET", url, "/favicon.ico", signer());
    assert!(matches!(run.next(), Step::AskFavicon(s) if s.as_str() == "demo"));
    run.on_favicon(Ok(Some("icon.png".to_owned())));
    let own = handler(run.next());
    assert!(matches!(own, Handler::File(Some("icon.png"), _)));

    let mut run = run_with(&client, "GET", url, "/favicon.ico", signer());
    run.on_favicon(Err(AskError::Broken("garbage".to_owned())));
    let platforms = handler(run.next());
    assert!(matches!(platforms, Handler::File(None, _)));

    let mut run = run_with(&client, "GET", url, "/favicon.ico", signer());
    run.on_favicon(Err(AskError::Refused(StoreError::NotFound)));
    let gone = (404, "store_not_found".to_owned(), Reader::Page);
    assert_eq!(refused(run.next()), gone);
}

#[test]
fn a_shoppers_body_is_read_within_its_limit_and_its_errors_read_by_the_routes_audience() {
    let client = headers(&[("host", "demo.wandstore.test")]);
    let url = "https://demo.wandstore.test/api/cart";
    let mut run = run_with(&client, "POST", url, "/api/cart", signer());
    assert!(matches!(run.next(), Step::ReadBody(BodyKind::CartJson)));
    run.on_body(Ok(b"{\"lines\":[]}".to_vec()));
    let cart = handler(run.next());
    assert_eq!(cart.reader(), Reader::Api);
    assert!(matches!(cart, Handler::Shopper(s) if s.body == Some("{\"lines\":[]}")));

    let mut run = run_with(&client, "POST", url, "/api/cart", signer());
    run.on_body(Ok(vec![0xff, 0xfe]));
    let not_text = (400, "bad_encoding".to_owned(), Reader::Api);
    assert_eq!(refused(run.next()), not_text);

    let form = "https://demo.wandstore.test/cart/add";
    let mut run = run_with(&client, "POST", form, "/cart/add", signer());
    assert!(matches!(run.next(), Step::ReadBody(BodyKind::Form)));
    run.on_body(Err(EdgeError::new(413, "too_large", "too large")));
    let too_large = (413, "too_large".to_owned(), Reader::Page);
    assert_eq!(refused(run.next()), too_large);
}

#[test]
fn a_shoppers_object_is_called_with_its_name_path_query_context_allowed_headers_and_body() {
    let client = headers(&[
        ("host", "demo.wandstore.test"),
        ("content-type", "application/json"),
        ("accept", "application/json"),
        ("x-wandstore-context", "forged"),
        ("authorization", "Bearer not-for-the-object"),
    ]);
    let url = "https://demo.wandstore.test/api/cart?x=1";
    let mut run = run_with(&client, "POST", url, "/api/cart", signer());
    assert!(matches!(run.next(), Step::ReadBody(BodyKind::CartJson)));
    run.on_body(Ok(b"{}".to_vec()));
    let Handler::Shopper(shopper) = handler(run.next()) else {
        panic!("expected the shopper's handler");
    };
    let arrival = shopper.arrival("https://demo.wandstore.test");
    let visit = Visit::plan(arrival, shopper.signer, || Ok::<_, ()>([7; 16])).unwrap();
    let mut log = RequestLog::default();
    let call = shopper.object_call(&visit, Some("x=1"), &mut log);
    assert_eq!(log.durable_object, Some("ShopperStorefront"));
    assert_eq!(call.name, visit.object_name());
    assert_eq!((call.method, call.path.as_str()), ("POST", "/api/cart?x=1"));
    assert_eq!(call.body, Some("{}"));
    let context = visit.ctx.to_header();
    let sent = [
        (crate::shopper::CONTEXT_HEADER, context),
        ("content-type", "application/json".to_owned()),
        ("accept", "application/json".to_owned()),
    ];
    assert_eq!(call.headers, sent);
    // An empty query is no `?`; a read has no body.
    let client = headers(&[("host", "demo.wandstore.test")]);
    let url = "https://demo.wandstore.test/search";
    let run = run_with(&client, "GET", url, "/search", signer());
    let Handler::Shopper(shopper) = handler(run.next()) else {
        panic!("expected the shopper's handler");
    };
    let call = shopper.object_call(&visit, Some(""), &mut log);
    assert_eq!(
        (call.method, call.path.as_str(), call.body),
        ("GET", "/search", None)
    );
}

#[test]
fn a_store_without_a_signer_is_not_configured_and_a_page_is_read_in_the_platforms_frame() {
    let client = headers(&[("host", "demo.wandstore.test")]);
    let home = "https://demo.wandstore.test/";
    let run = run_with(&client, "GET", home, "/", Err(WeakSecret(3)));
    let page = (503, "config".to_owned(), Reader::Page);
    assert_eq!(refused(run.next()), page);
    let url = "https://demo.wandstore.test/api/cart";
    let run = run_with(&client, "GET", url, "/api/cart", Err(WeakSecret(3)));
    let api = (503, "config".to_owned(), Reader::Api);
    assert_eq!(refused(run.next()), api);
}

#[test]
fn the_live_socket_opens_under_a_preview_link_only_for_a_websocket_upgrade() {
    let token = signer().unwrap().sign_preview(&slug("demo"), NOW + 60_000);
    let path = format!("/preview/{token}/live");
    let url = format!("https://demo.wandstore.test{path}");
    let upgrade = headers(&[("host", "demo.wandstore.test"), ("upgrade", "websocket")]);
    let run = run_with(&upgrade, "GET", &url, &path, signer());
    match handler(run.next()) {
        Handler::LiveSocket(call) => {
            assert_eq!((call.name.as_str(), call.method), ("demo", "GET"));
            assert_eq!((call.path.as_str(), call.body), ("/live", None));
            let sent = [("upgrade", "websocket"), ("x-request-id", "req-1")];
            assert_eq!(call.headers, sent.map(|(n, v)| (n, v.to_owned())));
        }
        other => panic!("{:?}", Step::Answer(other)),
    }
    let plain = headers(&[("host", "demo.wandstore.test")]);
    let run = run_with(&plain, "GET", &url, &path, signer());
    let no_upgrade = (426, "upgrade_required".to_owned(), Reader::Api);
    assert_eq!(refused(run.next()), no_upgrade);
    // A forged preview link is a 404 page, and the store is still in the log line.
    let forged = format!("/preview/{}/live", "x".repeat(40));
    let run = run_with(&upgrade, "GET", &url, &forged, signer());
    let expired = (404, "preview_expired".to_owned(), Reader::Page);
    assert_eq!(refused(run.next()), expired);
    let mut log = RequestLog::default();
    run.note_in(&mut log);
    assert_eq!(log.store.as_deref(), Some("demo"));
}
