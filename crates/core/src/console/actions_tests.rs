use super::*;
use crate::console::{issue, nonce_from_random};
use crate::csrf::TOKEN_TTL_MS;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const KEY: &[u8] = b"fedcba9876543210fedcba9876543210";
const NOW: u64 = 1_800_000_000_000;

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn session(store: &str) -> OwnerSession {
    OwnerSession {
        store: StoreSlug::parse(store).unwrap(),
        fingerprint: "0123456789abcdef".into(),
        expires_at_ms: NOW + 1000,
    }
}

fn token_for(s: &OwnerSession) -> String {
    issue(SECRET, CsrfBinding::Session(s), NOW)
}

const POSTED: [ConsoleRoute; 4] = [
    ConsoleRoute::SignOut,
    ConsoleRoute::SaveDraft,
    ConsoleRoute::Publish,
    ConsoleRoute::Rollback,
];

#[test]
fn each_action_with_its_sessions_token_does_what_it_says() {
    let s = session("acme");
    let t = token_for(&s);
    let read = |route, extra: &[(&str, &str)]| {
        let mut f = form(&[(FORM_FIELD, &t)]);
        f.extend(form(extra));
        Action::read(route, &f, SECRET, &s, NOW).unwrap()
    };
    assert_eq!(read(ConsoleRoute::SignOut, &[]), Ok(Action::SignOut));
    assert_eq!(
        read(ConsoleRoute::SaveDraft, &[("radius", "3")]),
        Ok(Action::SaveDraft)
    );
    assert_eq!(read(ConsoleRoute::Publish, &[]), Ok(Action::Publish));
    assert_eq!(
        read(ConsoleRoute::Rollback, &[("version", " 7 ")]),
        Ok(Action::Rollback { version: 7 })
    );
    for route in [
        ConsoleRoute::Home,
        ConsoleRoute::SignIn,
        ConsoleRoute::Upload,
    ] {
        assert_eq!(Action::read(route, &[], SECRET, &s, NOW), None, "{route:?}");
    }
    let done: Vec<&str> = [
        Action::SignOut,
        Action::SaveDraft,
        Action::Publish,
        Action::Rollback { version: 1 },
    ]
    .iter()
    .map(|a| a.done().code())
    .collect();
    assert_eq!(done, ["signed-out", "saved", "published", "rolled-back"]);
    assert_eq!(Done::Published.location(), "/console?done=published");
}

#[test]
fn a_form_without_this_sessions_token_is_a_403_whatever_it_asks() {
    let s = session("acme");
    let foreign = token_for(&session("other"));
    let sign_in_token = issue(
        SECRET,
        CsrfBinding::Browser(&nonce_from_random([1; 16])),
        NOW,
    );
    let other_secret = issue(
        b"another secret entirely, 32 bytes",
        CsrfBinding::Session(&s),
        NOW,
    );
    let old = issue(SECRET, CsrfBinding::Session(&s), NOW - TOKEN_TTL_MS);
    let long = "v1.".repeat(100);
    for route in POSTED {
        for bad in [
            "",
            "garbage",
            &foreign,
            &sign_in_token,
            &other_secret,
            &old,
            &long,
        ] {
            let f = form(&[(FORM_FIELD, bad), ("version", "1")]);
            let e = Action::read(route, &f, SECRET, &s, NOW)
                .unwrap()
                .unwrap_err();
            assert_eq!(e.status, 403, "{route:?} {bad}");
        }
        // Missing the field entirely.
        let e = Action::read(route, &form(&[("version", "1")]), SECRET, &s, NOW)
            .unwrap()
            .unwrap_err();
        assert_eq!((e.status, e.code), (403, "csrf_missing"), "{route:?}");
    }
}

#[test]
fn a_rollback_needs_a_version_number() {
    let s = session("acme");
    let t = token_for(&s);
    for bad in [
        None,
        Some(""),
        Some("x"),
        Some("-1"),
        Some("1.5"),
        Some("4294967296"),
    ] {
        let mut f = form(&[(FORM_FIELD, &t)]);
        if let Some(v) = bad {
            f.push(("version".into(), v.into()));
        }
        let e = Action::read(ConsoleRoute::Rollback, &f, SECRET, &s, NOW)
            .unwrap()
            .unwrap_err();
        assert_eq!((e.status, e.code), (400, "bad_version"), "{bad:?}");
    }
}

#[test]
fn bodies_are_read_by_type_and_route() {
    assert_eq!(FormBody::of(ConsoleRoute::Home), FormBody::None);
    assert_eq!(
        FormBody::of(ConsoleRoute::SaveDraft),
        FormBody::UrlEncoded(BodyKind::Theme)
    );
    assert_eq!(
        FormBody::of(ConsoleRoute::Publish),
        FormBody::UrlEncoded(BodyKind::Form)
    );
    assert_eq!(FormBody::of(ConsoleRoute::Upload), FormBody::Multipart);
    assert!(require_form(Some("Application/X-WWW-Form-Urlencoded; charset=utf-8")).is_ok());
    let f = parse_form(b"a=1&b=%3Cx%3E&a=2").unwrap();
    assert_eq!(f, form(&[("a", "1"), ("b", "<x>"), ("a", "2")]));
    assert_eq!(field(&f, "a"), Some("1"), "the first value counts");
    for ct in [
        None,
        Some("application/json"),
        Some("multipart/form-data; boundary=x"),
        Some(""),
    ] {
        let e = require_form(ct).unwrap_err();
        assert_eq!(e.status, 415, "{ct:?}");
    }
    assert_eq!(parse_form(b"a=\xff\xfe").unwrap_err().code, "bad_encoding");
    assert!(require_multipart(Some(" Multipart/Form-Data; boundary=x")).is_ok());
    for ct in [
        None,
        Some("application/x-www-form-urlencoded"),
        Some("text/plain"),
    ] {
        assert_eq!(require_multipart(ct).unwrap_err().status, 415, "{ct:?}");
    }
}

#[test]
fn only_known_done_codes_become_notices() {
    for d in DONE {
        let n = Done::notice(Some(d.code())).unwrap();
        assert!(!n.error);
        assert_eq!(n.message, d.message());
    }
    for bad in [
        None,
        Some(""),
        Some("<script>"),
        Some("Published"),
        Some("saved "),
    ] {
        assert_eq!(Done::notice(bad), None, "{bad:?}");
    }
}

#[test]
fn without_a_session_the_home_is_the_sign_in_page_and_forms_are_401() {
    let home = SignedOut::page(ConsoleRoute::Home, false, Some("signed-out"));
    assert_eq!(home.status, 200);
    assert_eq!(home.notice, Some(ConsoleNotice::info("Signed out.")));
    assert!(!home.clear_session);
    for route in POSTED {
        let p = SignedOut::page(route, false, Some("saved"));
        assert_eq!(p.status, 401, "{route:?}");
        assert_eq!(p.notice, Some(ConsoleNotice::error("Sign in first.")));
    }
    let ended = SignedOut::page(ConsoleRoute::Home, true, Some("saved"));
    assert_eq!(ended.status, 200);
    assert!(ended.clear_session);
    assert!(ended.notice.unwrap().message.contains("session has ended"));
    assert_eq!(
        SignedOut::page(ConsoleRoute::Publish, true, None).status,
        401
    );
}

#[test]
fn session_cookies_are_read_until_one_holds() {
    let signer = CookieSigner::new(KEY, &[]).unwrap();
    let s = session("acme");
    let good = signer.sign_session(&s);
    assert_eq!(Presented::read("", &signer, NOW), Presented::None);
    assert_eq!(Presented::read("other=1", &signer, NOW), Presented::None);
    assert_eq!(
        Presented::read(&format!("{SESSION_COOKIE}=forged"), &signer, NOW),
        Presented::Ended
    );
    assert_eq!(
        Presented::read(
            &format!("{SESSION_COOKIE}=x; {SESSION_COOKIE}={good}"),
            &signer,
            NOW
        ),
        Presented::Claimed(s.clone())
    );
    assert_eq!(
        Presented::read(
            &format!("{SESSION_COOKIE}={good}"),
            &signer,
            s.expires_at_ms
        ),
        Presented::Ended,
        "expired"
    );
    let other = CookieSigner::new(SECRET, &[]).unwrap();
    assert_eq!(
        Presented::read(&format!("{SESSION_COOKIE}={good}"), &other, NOW),
        Presented::Ended,
        "another platform's key"
    );
    let nonce = nonce_from_random([5; 16]);
    assert_eq!(
        browser_nonce(&format!("{BROWSER_COOKIE}=bad; {BROWSER_COOKIE}={nonce}")),
        Some(nonce)
    );
    assert_eq!(
        browser_nonce(&format!("{BROWSER_COOKIE}={}", "A".repeat(32))),
        None
    );
}

#[test]
fn a_sign_in_form_needs_this_browsers_token_then_a_well_formed_store_and_token() {
    let nonce = nonce_from_random([1; 16]);
    let t = issue(SECRET, CsrfBinding::Browser(&nonce), NOW);
    let attempt = |nonce: Option<&str>, pairs: &[(&str, &str)]| {
        read_sign_in(&form(pairs), nonce, SECRET, NOW)
    };
    let ok = attempt(
        Some(&nonce),
        &[(FORM_FIELD, &t), ("store", " acme "), ("token", "wso_x")],
    )
    .unwrap();
    assert_eq!(ok.store.as_str(), "acme");
    assert_eq!(ok.token_hash, hash_token("wso_x"));
    let s = ok.session(NOW);
    assert_eq!(s.expires_at_ms, NOW + SESSION_TTL_MS);
    assert_eq!(s.fingerprint, fingerprint(&ok.token_hash));

    // Without the browser's nonce, or with another browser's token: 403, store kept.
    let other = nonce_from_random([2; 16]);
    for (nonce, token) in [
        (None, t.as_str()),
        (Some(other.as_str()), t.as_str()),
        (Some(nonce.as_str()), ""),
    ] {
        let e = attempt(
            nonce,
            &[(FORM_FIELD, token), ("store", "acme"), ("token", "wso_x")],
        )
        .unwrap_err();
        assert_eq!(
            (e.status, e.store.as_str()),
            (403, "acme"),
            "{nonce:?} {token}"
        );
        assert!(e.notice.error);
    }
    // Malformed names and tokens are refused like wrong ones, the name shown cut short.
    let long_store = "a".repeat(100);
    let long_token = "t".repeat(MAX_OWNER_TOKEN_LEN + 1);
    let at_limit = "t".repeat(MAX_OWNER_TOKEN_LEN);
    let table: [(&str, &str, &str); 5] = [
        ("", "wso_x", ""),
        ("Bad Store!", "wso_x", "Bad Store!"),
        (&long_store, "wso_x", &long_store[..63]),
        ("acme", "", "acme"),
        ("acme", &long_token, "acme"),
    ];
    for (store, token, shown) in table {
        let e = attempt(
            Some(&nonce),
            &[(FORM_FIELD, &t), ("store", store), ("token", token)],
        )
        .unwrap_err();
        assert_eq!(
            e,
            SignInRefused::not_recognised(shown),
            "{store} {}",
            token.len()
        );
        assert_eq!(e.status, 401);
    }
    assert!(
        attempt(
            Some(&nonce),
            &[(FORM_FIELD, &t), ("store", "acme"), ("token", &at_limit)]
        )
        .is_ok()
    );
}

#[test]
fn a_failed_limiter_is_a_503_to_retry_in_a_minute() {
    let e = ConsoleRefusal::sign_in_unavailable();
    assert_eq!(
        (e.status, e.code, e.retry_after_secs),
        (503, "sign_in_unavailable", Some(60))
    );
}

#[test]
fn an_upload_form_has_one_token_and_one_named_non_empty_file() {
    let mut parts = UploadParts::default();
    assert_eq!(parts.next(Some("csrf")), Ok(UploadPart::Csrf));
    parts.csrf("t".into());
    assert_eq!(
        parts.next(Some("csrf")).unwrap_err().code,
        "bad_upload",
        "repeated"
    );
    assert_eq!(parts.next(Some("file")), Ok(UploadPart::File));
    parts.file("logo.png".into(), Some("image/png".into()), vec![1]);
    for other in [Some("file"), Some("extra"), Some(""), None] {
        assert_eq!(parts.next(other).unwrap_err().status, 400, "{other:?}");
    }
    let form = parts.finish().unwrap();
    assert_eq!(
        form,
        UploadForm {
            csrf: "t".into(),
            file_name: "logo.png".into(),
            content_type: Some("image/png".into()),
            bytes: vec![1],
        }
    );
    // No token: an empty one, refused by the CSRF check that follows.
    let mut no_token = UploadParts::default();
    no_token.file("a.png".into(), None, vec![1]);
    assert_eq!(no_token.finish().unwrap().csrf, "");
    for (name, bytes) in [("", vec![1]), ("a.png", vec![])] {
        let mut p = UploadParts::default();
        p.file(name.into(), None, bytes);
        assert_eq!(p.finish().unwrap_err().message, "choose a file to upload");
    }
    assert_eq!(
        UploadParts::default().finish().unwrap_err().message,
        "choose a file to upload"
    );
}
