use super::*;
use std::rc::Rc;
use wandstore_core::headers::{Policy, security_headers_for};

const NOW: u64 = 20_000 * 86_400_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn slug(s: &str) -> StoreSlug {
    StoreSlug::parse(s).unwrap()
}

fn signer() -> Result<Rc<CookieSigner>, WeakSecret> {
    Ok(Rc::new(CookieSigner::new(SECRET, &[]).unwrap()))
}

fn store_path(store: &str, rest: &str) -> StorePath {
    StorePath {
        store: slug(store),
        base: format!("/s/{store}/"),
        rest: rest.to_owned(),
    }
}

#[test]
fn a_host_resolves_at_once_unless_it_is_a_custom_domain() {
    let platform = host_step(
        tenant::classify_host("wandstore.test", "wandstore.test"),
        "/s/demo/",
    );
    assert_eq!(platform, HostStep::Resolved(tenant::resolve("/s/demo/")));
    let sub = host_step(
        tenant::classify_host("demo.wandstore.test", "wandstore.test"),
        "/cart",
    );
    assert_eq!(
        sub,
        HostStep::Resolved(tenant::resolve_for_store("/cart", slug("demo")))
    );
    let bad = host_step(
        tenant::classify_host("x_y.wandstore.test", "wandstore.test"),
        "/",
    );
    assert!(
        matches!(bad, HostStep::Resolved(Target::BadStore(_))),
        "{bad:?}"
    );
    let custom = host_step(
        tenant::classify_host("Shop.Example.COM:443", "wandstore.test"),
        "/",
    );
    assert_eq!(custom, HostStep::LookUp("shop.example.com".to_owned()));
}

#[test]
fn a_custom_domain_is_its_stores_page_a_404_when_unclaimed_and_the_lookups_error_when_it_failed() {
    let found = custom_domain("/cart", Ok(Some(slug("demo")))).unwrap();
    assert_eq!(found, tenant::resolve_for_store("/cart", slug("demo")));
    let unclaimed = custom_domain("/", Ok(None)).unwrap_err();
    assert_eq!(
        (unclaimed.status, unclaimed.code.as_str()),
        (404, "store_not_found")
    );
    let down = custom_domain("/", Err(EdgeError::internal("registry down"))).unwrap_err();
    assert_eq!(down.status, 500);
    assert_eq!(down.detail.as_deref(), Some("registry down"));
}

#[test]
fn a_bad_store_address_is_a_404_naming_why() {
    let e = bad_store("too short");
    assert_eq!((e.status, e.code.as_str()), (404, "store_not_found"));
    assert!(e.message.ends_with("too short"), "{}", e.message);
}

#[test]
fn a_path_that_is_no_preview_is_kept_and_the_signer_is_never_read() {
    let target = store_path("demo", "/products/hat");
    let kept = preview_of(
        target.clone(),
        || panic!("the signer is read for a plain page"),
        NOW,
    );
    assert_eq!(kept.unwrap(), (target, false));
    // `preview/` without a token is no preview either.
    let bare = store_path("demo", "/preview/");
    assert_eq!(
        preview_of(bare.clone(), signer, NOW).unwrap(),
        (bare, false)
    );
}

#[test]
fn a_genuine_preview_link_opens_the_path_it_previews() {
    let token = signer().unwrap().sign_preview(&slug("demo"), NOW + 60_000);
    let link = store_path("demo", &format!("/preview/{token}/products/hat"));
    let (inner, preview) = preview_of(link, signer, NOW).unwrap();
    assert!(preview);
    assert_eq!(inner.rest, "/products/hat");
    assert_eq!(inner.base, format!("/s/demo/preview/{token}/"));
}

#[test]
fn a_forged_expired_or_other_stores_preview_is_a_404() {
    let s = signer().unwrap();
    let expired = s.sign_preview(&slug("demo"), NOW - 1);
    let other = s.sign_preview(&slug("other"), NOW + 60_000);
    let forged = "x".repeat(40);
    let huge = "a".repeat(10_000);
    for token in [expired, other, forged, huge] {
        let link = store_path("demo", &format!("/preview/{token}/"));
        let e = preview_of(link, signer, NOW).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (404, "preview_expired"));
    }
}

#[test]
fn a_preview_without_a_signer_is_a_503_with_the_reason_in_the_detail() {
    let link = store_path("demo", "/preview/abc/");
    let e = preview_of(link, || Err(WeakSecret(3)), NOW).unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (503, "config"));
    assert!(e.detail.is_some());
}

#[test]
fn a_favicon_is_the_stores_its_a_404_for_no_store_and_the_platforms_when_the_store_cannot_answer() {
    let demo = slug("demo");
    let own = favicon_file(&demo, Ok(Some("icon.png".to_owned()))).unwrap();
    assert_eq!(own.as_deref(), Some("icon.png"));
    assert_eq!(favicon_file(&demo, Ok(None)).unwrap(), None);
    let gone = favicon_file(&demo, Err(AskError::Refused(StoreError::NotFound))).unwrap_err();
    assert_eq!(gone.status, 404);
    assert!(gone.message.contains("demo"), "{}", gone.message);
    let broken = favicon_file(&demo, Err(AskError::Broken("garbage".to_owned())));
    assert_eq!(broken.unwrap(), None);
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn an_entry_page_is_private_html_with_its_id_time_and_every_security_header() {
    let security = security_headers_for(Policy::Default, true, false);
    let pairs = finished(page_headers(None), finishing("req-1", "3ms", &security));
    assert_eq!(pairs[0], ("content-type".to_owned(), HTML.to_owned()));
    assert_eq!(pairs[1], ("cache-control".into(), PRIVATE_NO_STORE.into()));
    assert!(pairs.contains(&("x-request-id".into(), "req-1".into())));
    assert!(pairs.contains(&("x-response-time".into(), "3ms".into())));
    for (name, value) in &security {
        assert!(pairs.contains(&(name.to_string(), value.clone())), "{name}");
    }
    assert_eq!(pairs.len(), security.len() + 4);
    assert_eq!(finishing("r", "t", &[]).count(), 2);

    // A page that sets the shopper's cookie carries it once, before the finishing headers.
    let with_cookie = finished(page_headers(Some("sid=1".into())), finishing("r", "t", &[]));
    let expected = [
        ("content-type", HTML),
        ("cache-control", PRIVATE_NO_STORE),
        ("set-cookie", "sid=1"),
        ("x-request-id", "r"),
        ("x-response-time", "t"),
    ];
    assert_eq!(with_cookie, owned(&expected));
}

#[test]
fn finishing_headers_replace_an_answers_own_of_the_same_name_and_keep_the_rest_in_order() {
    let security = vec![("x-frame-options", "DENY".to_owned())];
    let own = owned(&[
        ("content-type", "application/json"),
        ("X-Request-Id", "spoofed"),
        ("set-cookie", "a=1"),
        ("x-frame-options", "SAMEORIGIN"),
        ("set-cookie", "b=2"),
    ]);
    let pairs = finished(own, finishing("req-1", "3ms", &security));
    let expected = [
        ("content-type", "application/json"),
        ("set-cookie", "a=1"),
        ("set-cookie", "b=2"),
        ("x-request-id", "req-1"),
        ("x-response-time", "3ms"),
        ("x-frame-options", "DENY"),
    ];
    assert_eq!(pairs, owned(&expected));

    // An answer without headers of its own gets the finishing ones only.
    let bare = finished(Vec::<(String, String)>::new(), finishing("r", "t", &[]));
    assert_eq!(
        bare,
        owned(&[("x-request-id", "r"), ("x-response-time", "t")])
    );
}

#[test]
fn the_theme_schema_is_public_json_schema() {
    assert!(THEME_SCHEMA_HEADERS.contains(&("content-type", "application/schema+json")));
    assert!(
        THEME_SCHEMA_HEADERS
            .iter()
            .any(|(n, v)| *n == "cache-control" && v.starts_with("public"))
    );
}

fn client(pairs: &[(&str, &str)]) -> ClientHeaders {
    ClientHeaders::from(pairs)
}

#[test]
fn a_clients_request_id_is_kept_when_acceptable_else_a_new_one_is_minted() {
    let sent = client(&[("x-request-id", "abc-123")]);
    assert_eq!(sent.request_id(|| panic!("minted")), "abc-123");
    for bad in ["", "has space", "a\nb", &"x".repeat(500)] {
        let sent = client(&[("x-request-id", bad)]);
        assert_eq!(sent.request_id(|| "new".to_owned()), "new", "{bad:?}");
    }
    assert_eq!(client(&[]).request_id(|| "new".to_owned()), "new");
}

#[test]
fn the_arrival_log_has_the_path_never_the_query_and_only_safe_fields() {
    let c = client(&[("cf-ray", "ray\"1\n"), ("cf-ipcountry", "DE")]);
    let log = c.arrival_log(
        7,
        "rid",
        "PROPFIND".to_owned(),
        Some("/s/demo/"),
        Some(String::new()),
    );
    assert_eq!(
        (log.ts, log.msg, log.request_id.as_str()),
        (7, "request", "rid")
    );
    assert_eq!(
        (log.method.as_str(), log.path.as_str()),
        ("PROPFIND", "/s/demo/")
    );
    assert_eq!(log.country.as_deref(), Some("DE"));
    let ray = log.cf_ray.unwrap();
    assert!(!ray.contains('\n') && !ray.contains('"'), "{ray}");
    assert_eq!(log.colo, None, "an empty colo is left out");
    let unread = client(&[]).arrival_log(0, "r", "GET".into(), None, Some("FRA".into()));
    assert_eq!(
        (unread.path.as_str(), unread.colo.as_deref()),
        ("", Some("FRA"))
    );
}

#[test]
fn every_request_meets_the_method_url_and_header_limits() {
    let c = client(&[("host", "demo.test")]);
    assert!(
        c.check_limits("GET", Some(("https://demo.test/", "/")))
            .is_ok()
    );
    assert_eq!(
        c.check_limits("BREW", Some(("https://demo.test/", "/")))
            .unwrap_err()
            .status,
        405
    );
    let long = format!("https://demo.test/{}", "a".repeat(20_000));
    assert_eq!(
        c.check_limits("GET", Some((&long, &long[17..])))
            .unwrap_err()
            .status,
        414
    );
    let huge = client(&[("cookie", &"c".repeat(64 * 1024))]);
    assert_eq!(
        huge.check_limits("GET", Some(("https://demo.test/", "/")))
            .unwrap_err()
            .status,
        431
    );
}

#[test]
fn a_shoppers_object_gets_the_context_and_only_the_forwarded_headers() {
    let c = client(&[
        ("cookie", "secret"),
        ("accept", "text/html"),
        ("x-wandstore-context", "forged"),
    ]);
    let pairs = c.forwarded("ctx");
    assert_eq!(
        pairs,
        vec![
            (crate::shopper::CONTEXT_HEADER, "ctx"),
            ("accept", "text/html")
        ]
    );
}

#[test]
fn the_live_socket_is_asked_for_an_upgrade_only() {
    let pairs = live_socket(Some("websocket"), "rid").unwrap();
    assert_eq!(pairs, [("upgrade", "websocket"), ("x-request-id", "rid")]);
    for upgrade in [None, Some("h2c"), Some("")] {
        assert_eq!(
            live_socket(upgrade, "rid").unwrap_err().status,
            426,
            "{upgrade:?}"
        );
    }
}

#[test]
fn a_body_is_text_or_a_400() {
    assert_eq!(body_text(b"qty=1".to_vec()).unwrap(), "qty=1");
    let e = body_text(vec![0xff, 0xfe]).unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (400, "bad_encoding"));
}

#[test]
fn a_stores_file_meets_the_clients_page_limit_when_the_client_has_an_address() {
    let mut run = file_limits(Some("203.0.113.9"), NOW).unwrap();
    match run.next_action() {
        crate::limit_run::LimitAction::AskBinding { binding, key } => {
            assert_eq!(binding, RateClass::Pages.binding());
            assert!(key.contains("203.0.113.9"), "{key}");
        }
        other => panic!("{other:?}"),
    }
    for ip in [
        None,
        Some(""),
        Some("not an ip"),
        Some("127.0.0.1"),
        Some("::1"),
    ] {
        assert!(file_limits(ip, NOW).is_none(), "{ip:?}");
    }
}

#[test]
fn a_store_without_a_signer_is_not_configured_yet() {
    let e = unsigned_store(WeakSecret(5));
    assert_eq!((e.status, e.code.as_str()), (503, "config"));
    assert!(e.message.contains("not configured"), "{}", e.message);
    assert!(e.detail.is_some_and(|d| d.contains('5')));
}

#[test]
fn an_unreadable_url_is_a_400_unless_the_request_is_past_another_limit_first() {
    let client = ClientHeaders(vec![("host".to_owned(), "demo.wandstore.test".to_owned())]);
    let e = client.unreadable_url("GET");
    assert_eq!((e.status, e.code.as_str()), (400, "bad_url"));
    assert_eq!(client.unreadable_url("PROPFIND").status, 405);
    let huge = ClientHeaders(vec![("x-big".to_owned(), "a".repeat(9000))]);
    assert_eq!(huge.unreadable_url("GET").status, 431);
}

#[test]
fn every_answer_is_finished_here_but_a_sockets_101() {
    assert!(
        !finished_here(101),
        "the runtime's socket answer is passed as it is"
    );
    for status in [100, 200, 204, 304, 400, 426, 500, 503] {
        assert!(finished_here(status), "{status}");
    }
}
