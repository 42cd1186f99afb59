use super::*;
use crate::theme::Published;
use wandstore_core::csrf::FORM_FIELD;
use wandstore_core::owner_access::SESSION_COOKIE;

const NOW: u64 = 1_700_000_000_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const NONCE: &str = "0123456789abcdef0123456789abcdef";

fn keys() -> ConsoleKeys {
    ConsoleKeys::of(
        CookieSigner::new(SECRET, &[]).map(Rc::new),
        Some(SECRET.to_vec()),
    )
    .unwrap()
}

fn facts(route: ConsoleRoute, cookies: &str) -> Facts {
    Facts {
        route,
        cookies: cookies.to_owned(),
        url: "https://platform.example/console".into(),
        client_ip: Some("203.0.113.7".into()),
        content_type: Some(match route {
            ConsoleRoute::Upload => UPLOAD_TYPE.into(),
            _ => "application/x-www-form-urlencoded".into(),
        }),
        limit: SignInLimit::from_var(None),
        now_ms: NOW,
    }
}

fn session() -> OwnerSession {
    OwnerSession {
        store: StoreSlug::parse("acme").unwrap(),
        fingerprint: wandstore_core::owner_access::fingerprint(
            &wandstore_core::secret::hash_token("the-token"),
        ),
        expires_at_ms: NOW + 60_000,
    }
}

fn session_cookie() -> String {
    let signer = CookieSigner::new(SECRET, &[]).unwrap();
    format!("{SESSION_COOKIE}={}", signer.sign_session(&session()))
}

fn signed_in(route: ConsoleRoute) -> ConsoleDriver {
    let mut d = ConsoleDriver::new(facts(route, &session_cookie()), keys());
    let (store, question) = asked(d.poll());
    assert_eq!(store.as_str(), "acme");
    assert!(matches!(
        question,
        StoreQuestion::CheckOwner(CheckOwner {
            credential: OwnerCredential::SessionFingerprint(_),
        })
    ));
    d.answer(reply::<CheckOwner>(Ok(())));
    d
}

/// The store and the question of an [`Io::Ask`].
fn asked(io: Io) -> (StoreSlug, StoreQuestion) {
    let Io::Ask(store, text) = io else {
        panic!("the store was not asked: {io:?}")
    };
    let question = wire::decode_question(text.as_bytes()).unwrap();
    (store, question)
}

/// What the store's object replies with `asked` (a broken call is no reply).
fn reply<Q: Question>(asked: Result<Q::Answer, AskError<Q::Error>>) -> Result<String, String> {
    match asked {
        Ok(answer) => Ok(wire::encode_reply::<Q>(&Ok(answer))),
        Err(AskError::Refused(e)) => Ok(wire::encode_reply::<Q>(&Err(e))),
        Err(AskError::Broken(why)) => Err(why),
    }
}

fn overview() -> ThemeOverview {
    ThemeOverview {
        schema_version: 1,
        published: None,
        draft: None,
    }
}

fn asset_info() -> AssetInfo {
    let checked = wandstore_core::asset::check_upload(
        "logo.png",
        Some("image/png"),
        wandstore_core::asset::samples::PNG,
    )
    .unwrap();
    AssetInfo::from_checked(&checked, NOW)
}

/// The editor's facts read in turn (theme, files, versions), then its page.
fn editor(d: &mut ConsoleDriver) -> Answer {
    assert!(matches!(asked(d.poll()).1, StoreQuestion::ShowTheme(_)));
    d.answer(reply::<ShowTheme>(Ok(overview())));
    assert!(matches!(asked(d.poll()).1, StoreQuestion::ListAssets(_)));
    d.answer(reply::<ListAssets>(Ok(vec![asset_info()])));
    assert!(matches!(asked(d.poll()).1, StoreQuestion::Versions(_)));
    d.answer(reply::<ListVersions>(Ok(Vec::new())));
    match d.poll() {
        Io::Answer(answer) => answer,
        other => panic!("no editor: {other:?}"),
    }
}

/// The pairs as an `application/x-www-form-urlencoded` body.
fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let pairs: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    pairs.join("&").into_bytes()
}

fn session_csrf() -> String {
    rules::issue(SECRET, CsrfBinding::Session(&session()), NOW)
}

fn quota(allowed: bool) -> Quota {
    Quota {
        allowed,
        limit: 10,
        remaining: 0,
        reset_secs: 60,
        window_secs: 600,
    }
}

fn failed_status(io: Io) -> u16 {
    match io {
        Io::Failed(e) => e.status,
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn sign_in_counted(cookies: &str) -> ConsoleDriver {
    let mut d = ConsoleDriver::new(facts(ConsoleRoute::SignIn, cookies), keys());
    let mut log = RequestLog::default();
    assert!(matches!(
        d.poll(),
        Io::CountSignIn(SignInCount { attempts: 10, .. })
    ));
    d.on_counted(Ok::<_, String>(quota(true)), &mut log);
    assert_eq!(d.poll(), Io::ReadBody(BodyKind::Form));
    d
}

fn browser() -> String {
    format!("{}={NONCE}", rules::BROWSER_COOKIE)
}

fn sign_in_form(token: &str) -> Vec<u8> {
    let csrf = rules::issue(SECRET, CsrfBinding::Browser(NONCE), NOW);
    form(&[(FORM_FIELD, &csrf), ("store", "acme"), ("token", token)])
}

#[test]
fn a_missing_or_weak_secret_leaves_the_console_unconfigured() {
    let weak = CookieSigner::new(b"short", &[]).map(Rc::new);
    assert_eq!(
        ConsoleKeys::of(weak, Some(SECRET.to_vec()))
            .err()
            .unwrap()
            .status,
        503
    );
    let strong = CookieSigner::new(SECRET, &[]).map(Rc::new);
    assert_eq!(ConsoleKeys::of(strong, None).err().unwrap().status, 503);
}

#[test]
fn a_sign_in_is_counted_before_its_form_is_read_and_fails_closed() {
    for (counted, status) in [(Ok(quota(false)), 429), (Err("guard down".to_owned()), 503)] {
        let mut d = ConsoleDriver::new(facts(ConsoleRoute::SignIn, ""), keys());
        let mut log = RequestLog::default();
        let Io::CountSignIn(SignInCount { key, .. }) = d.poll() else {
            panic!("not counted first")
        };
        assert!(key.contains("203.0.113.7"), "{key}");
        d.on_counted(counted, &mut log);
        assert_eq!(failed_status(d.poll()), status);
        assert_eq!(log.rate_limit, Some("sign_in"));
        // The failure is the last step.
        assert_eq!(failed_status(d.poll()), status);
    }
}

#[test]
fn an_accepted_sign_in_sets_the_session_cookie_and_redirects() {
    let mut d = sign_in_counted(&browser());
    d.on_body(Ok(sign_in_form("the-token")));
    let (store, question) = asked(d.poll());
    let StoreQuestion::CheckOwner(CheckOwner {
        credential: OwnerCredential::TokenHash(hash),
    }) = question
    else {
        panic!("not the owner check: {question:?}")
    };
    assert_eq!(store.as_str(), "acme");
    assert_eq!(hash, wandstore_core::secret::hash_token("the-token"));
    d.answer(reply::<CheckOwner>(Ok(())));
    let Io::Answer(Answer::SeeOther { location, cookies }) = d.poll() else {
        panic!()
    };
    assert_eq!(location, Done::SignedIn.location());
    assert!(cookies[0].starts_with(SESSION_COOKIE) && cookies[0].contains("Secure"));
}

#[test]
fn another_stores_token_and_an_unknown_store_answer_the_same_401() {
    for refusal in [StoreError::Forbidden, StoreError::NotFound] {
        let mut d = sign_in_counted(&browser());
        d.on_body(Ok(sign_in_form("wrong")));
        assert!(matches!(asked(d.poll()).1, StoreQuestion::CheckOwner(_)));
        d.answer(reply::<CheckOwner>(Err(AskError::Refused(refusal))));
        let Io::Answer(Answer::SignIn {
            status,
            store,
            cookies,
            ..
        }) = d.poll()
        else {
            panic!()
        };
        assert_eq!((status, store.as_str()), (401, "acme"));
        assert!(cookies.is_empty());
    }
}

#[test]
fn a_failing_store_is_an_error_page_not_a_refusal() {
    let mut d = sign_in_counted(&browser());
    d.on_body(Ok(sign_in_form("t")));
    d.poll();
    d.answer(reply::<CheckOwner>(Err(AskError::Broken("down".into()))));
    assert!(failed_status(d.poll()) >= 500);
}

#[test]
fn a_sign_in_without_a_browser_nonce_draws_one_for_the_page_again() {
    let mut d = sign_in_counted("");
    d.on_body(Ok(sign_in_form("t")));
    assert_eq!(d.poll(), Io::Random);
    d.on_random(Ok::<_, String>([7; 16]));
    let Io::Answer(Answer::SignIn {
        status, cookies, ..
    }) = d.poll()
    else {
        panic!()
    };
    assert_eq!(status, 403);
    assert!(cookies[0].starts_with(rules::BROWSER_COOKIE));
}

#[test]
fn a_failed_random_source_is_an_error_page() {
    let mut d = ConsoleDriver::new(facts(ConsoleRoute::Home, ""), keys());
    assert_eq!(d.poll(), Io::Random);
    d.on_random(Err("no entropy"));
    assert_eq!(failed_status(d.poll()), 500);
}

#[test]
fn a_form_that_cannot_be_read_is_its_refusal() {
    let mut d = sign_in_counted(&browser());
    d.on_body(Err(EdgeError::new(413, "too_large", "too large")));
    assert_eq!(failed_status(d.poll()), 413);
}

/// A signed-in owner's request with `content_type`.
fn signed_in_sending(route: ConsoleRoute, content_type: Option<&str>) -> ConsoleDriver {
    let mut f = facts(route, &session_cookie());
    f.content_type = content_type.map(str::to_owned);
    let mut d = ConsoleDriver::new(f, keys());
    assert!(matches!(asked(d.poll()).1, StoreQuestion::CheckOwner(_)));
    d.answer(reply::<CheckOwner>(Ok(())));
    d
}

#[test]
fn a_form_of_another_type_is_415_before_it_is_read_and_one_not_utf8_is_400() {
    for ct in [
        None,
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
    ] {
        let mut d = signed_in_sending(ConsoleRoute::Publish, ct);
        assert_eq!(failed_status(d.poll()), 415, "{ct:?}");
    }
    let mut d = sign_in_counted(&browser());
    d.on_body(Ok(vec![0xff, 0xfe, b'=', b'x']));
    assert_eq!(failed_status(d.poll()), 400);
}

#[test]
fn no_session_is_the_sign_in_page_and_an_ended_one_is_cleared() {
    let mut d = ConsoleDriver::new(facts(ConsoleRoute::Home, &browser()), keys());
    let Io::Answer(Answer::SignIn {
        status, cookies, ..
    }) = d.poll()
    else {
        panic!()
    };
    assert_eq!((status, cookies.len()), (200, 0));
    let forged = format!("{}; {SESSION_COOKIE}=forged.value", browser());
    let mut d = ConsoleDriver::new(facts(ConsoleRoute::Publish, &forged), keys());
    let Io::Answer(Answer::SignIn {
        status, cookies, ..
    }) = d.poll()
    else {
        panic!()
    };
    assert_eq!(status, 401);
    assert!(cookies[0].contains("Max-Age=0"));
}

#[test]
fn a_session_its_store_no_longer_recognises_has_ended() {
    let cookies = format!("{}; {}", session_cookie(), browser());
    let mut d = ConsoleDriver::new(facts(ConsoleRoute::Home, &cookies), keys());
    d.poll();
    d.answer(reply::<CheckOwner>(Err(AskError::Refused(
        StoreError::Forbidden,
    ))));
    let Io::Answer(Answer::SignIn {
        cookies, notice, ..
    }) = d.poll()
    else {
        panic!()
    };
    assert!(cookies[0].contains("Max-Age=0"));
    assert!(notice.is_some());
}

#[test]
fn home_is_the_editor_with_a_fresh_token() {
    let mut d = signed_in(ConsoleRoute::Home);
    assert_eq!(d.store().map(StoreSlug::as_str), Some("acme"));
    let Answer::Editor(EditorAnswer {
        store,
        status,
        csrf,
        preview,
        facts,
        ..
    }) = editor(&mut d)
    else {
        panic!()
    };
    assert_eq!((store.as_str(), status), ("acme", 200));
    assert_eq!((facts.overview, facts.assets.len()), (overview(), 1));
    // The preview frame is a signed link on the console's own origin, for a day.
    assert!(
        preview.url.starts_with("/s/acme/preview/"),
        "{}",
        preview.url
    );
    let signer = CookieSigner::new(SECRET, &[]).unwrap();
    assert_eq!(preview, PreviewLink::signed(&signer, &store, "", NOW));
    assert!(rules::verify(SECRET, &csrf, CsrfBinding::Session(&session()), NOW).is_ok());
}

#[test]
fn publish_asks_the_store_then_redirects_or_shows_its_refusal() {
    let mut d = signed_in(ConsoleRoute::Publish);
    assert_eq!(d.poll(), Io::ReadBody(BodyKind::Form));
    d.on_body(Ok(form(&[(FORM_FIELD, &session_csrf())])));
    assert!(matches!(asked(d.poll()).1, StoreQuestion::Publish(_)));
    d.answer(reply::<PublishDraft>(Ok(published())));
    let Io::Answer(Answer::SeeOther { location, .. }) = d.poll() else {
        panic!()
    };
    assert_eq!(location, Done::Published.location());

    let mut d = signed_in(ConsoleRoute::Publish);
    d.poll();
    d.on_body(Ok(form(&[(FORM_FIELD, &session_csrf())])));
    d.poll();
    let nothing = StoreError::Conflict {
        code: "no_draft".into(),
        message: "nothing".into(),
    };
    d.answer(reply::<PublishDraft>(Err(AskError::Refused(nothing))));
    let Answer::Editor(EditorAnswer { status, .. }) = editor(&mut d) else {
        panic!()
    };
    assert_eq!(status, 409);
}

#[test]
fn a_form_without_its_token_is_refused_before_anything_is_asked() {
    let mut d = signed_in(ConsoleRoute::Rollback);
    d.poll();
    d.on_body(Ok(form(&[(FORM_FIELD, "forged"), ("version", "1")])));
    assert_eq!(failed_status(d.poll()), 403);
    let mut d = signed_in(ConsoleRoute::Rollback);
    d.poll();
    d.on_body(Ok(form(&[(FORM_FIELD, &session_csrf()), ("version", "x")])));
    assert_eq!(failed_status(d.poll()), 400);
}

#[test]
fn sign_out_clears_the_session_without_asking_the_store() {
    let mut d = signed_in(ConsoleRoute::SignOut);
    d.poll();
    d.on_body(Ok(form(&[(FORM_FIELD, &session_csrf())])));
    let Io::Answer(Answer::SeeOther { location, cookies }) = d.poll() else {
        panic!()
    };
    assert_eq!(location, Done::SignedOut.location());
    assert!(cookies[0].contains("Max-Age=0"));
}

#[test]
fn saving_reads_the_theme_first_and_a_failed_read_is_an_error() {
    let mut d = signed_in(ConsoleRoute::SaveDraft);
    d.poll();
    d.on_body(Ok(form(&[(FORM_FIELD, &session_csrf())])));
    assert!(matches!(asked(d.poll()).1, StoreQuestion::ShowTheme(_)));
    d.answer(reply::<ShowTheme>(Err(AskError::Broken("down".into()))));
    assert!(failed_status(d.poll()) >= 500);
}

#[test]
fn an_upload_with_a_forged_token_is_refused_and_a_good_one_is_stored() {
    let mut d = signed_in(ConsoleRoute::Upload);
    read_upload(&mut d, "forged");
    assert_eq!(failed_status(d.poll()), 403);

    let mut d = signed_in(ConsoleRoute::Upload);
    read_upload(&mut d, &session_csrf());
    let Io::PutAsset(PutAsset {
        key,
        checked,
        bytes,
    }) = d.poll()
    else {
        panic!()
    };
    assert_eq!(key, wandstore_core::asset::r2_key("acme", &checked.file));
    assert_eq!(bytes, wandstore_core::asset::samples::PNG);
    // Listed only once written.
    d.on_put(Ok::<(), String>(()));
    let (store, question) = asked(d.poll());
    let StoreQuestion::RecordAsset(record) = question else {
        panic!("not listed: {question:?}")
    };
    assert_eq!((store.as_str(), record.asset.file), ("acme", checked.file));
    d.answer(reply::<RecordAsset>(Ok(asset_info())));
    let Io::Answer(Answer::SeeOther { location, .. }) = d.poll() else {
        panic!()
    };
    assert_eq!(location, Done::Uploaded.location());
}

/// A multipart body of `parts` (the `file` part named `logo.png`, of type `image/png`).
fn multipart(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes) in parts {
        let file = match *name {
            "file" => "; filename=\"logo.png\"\r\nContent-Type: image/png",
            _ => "",
        };
        let head = format!("--x\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n");
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--x--\r\n");
    out
}

/// The upload's body (the token `csrf` and a PNG) read.
fn read_upload(d: &mut ConsoleDriver, csrf: &str) {
    assert_eq!(d.poll(), Io::ReadBody(BodyKind::Asset));
    let png = wandstore_core::asset::samples::PNG;
    d.on_body(Ok(multipart(&[("csrf", csrf.as_bytes()), ("file", png)])));
}

const UPLOAD_TYPE: &str = "multipart/form-data; boundary=x";

/// A signed-in owner's good upload, read.
fn uploaded() -> ConsoleDriver {
    let mut d = signed_in(ConsoleRoute::Upload);
    read_upload(&mut d, &session_csrf());
    d
}

#[test]
fn an_upload_the_store_refuses_is_its_refusal() {
    let mut d = uploaded();
    d.poll();
    d.on_put(Ok::<(), String>(()));
    d.poll();
    let full = StoreError::Conflict {
        code: "too_many_assets".into(),
        message: "full".into(),
    };
    d.answer(reply::<RecordAsset>(Err(AskError::Refused(full))));
    assert_eq!(failed_status(d.poll()), 409);
}

#[test]
fn an_upload_r2_did_not_take_is_never_listed() {
    let mut d = uploaded();
    assert!(matches!(d.poll(), Io::PutAsset(_)));
    d.on_put(Err("R2 is down"));
    assert_eq!(failed_status(d.poll()), 500);
    // A result out of turn fails too.
    d.answer(reply::<RecordAsset>(Ok(asset_info())));
    assert_eq!(failed_status(d.poll()), 500);
}

#[test]
fn a_body_past_its_limit_or_of_another_type_is_refused_before_the_store_is_asked() {
    let mut d = signed_in(ConsoleRoute::Upload);
    d.poll();
    d.on_body(Err(EdgeError::new(413, "too_large", "too large")));
    assert_eq!(failed_status(d.poll()), 413);
    // The type is checked once the body is read (its size first).
    for ct in [
        None,
        Some("application/x-www-form-urlencoded"),
        Some("image/png"),
    ] {
        let mut d = signed_in_sending(ConsoleRoute::Upload, ct);
        assert_eq!(d.poll(), Io::ReadBody(BodyKind::Asset));
        d.on_body(Ok(Vec::new()));
        assert_eq!(failed_status(d.poll()), 415, "{ct:?}");
    }
    // A body that is not the upload form.
    for body in [
        Vec::new(),
        b"garbage".to_vec(),
        multipart(&[("extra", b"1")]),
    ] {
        let mut d = signed_in(ConsoleRoute::Upload);
        d.poll();
        d.on_body(Ok(body));
        assert_eq!(failed_status(d.poll()), 400);
    }
}

#[test]
fn a_result_nobody_asked_for_is_an_internal_error() {
    let mut d = ConsoleDriver::new(facts(ConsoleRoute::Home, &browser()), keys());
    d.answer(reply::<PublishDraft>(Ok(published())));
    assert_eq!(failed_status(d.poll()), 500);
    // A step is asked for again until its result is given.
    let mut d = signed_in(ConsoleRoute::Publish);
    d.poll();
    d.on_body(Ok(form(&[(FORM_FIELD, &session_csrf())])));
    assert_eq!(d.poll(), d.poll());
}

fn published() -> Published {
    Published { version: 2 }
}

#[test]
fn a_reply_that_is_not_the_questions_answer_is_an_error_page() {
    let mut d = ConsoleDriver::new(facts(ConsoleRoute::Home, &session_cookie()), keys());
    d.poll();
    d.answer(Ok("{\"Ok\":{\"unexpected\":1}}".into()));
    assert_eq!(failed_status(d.poll()), 500);
    // Garbage for the editor's files, after a good theme.
    let mut d = signed_in(ConsoleRoute::Home);
    d.poll();
    d.answer(reply::<ShowTheme>(Ok(overview())));
    d.answer(Ok("not json".into()));
    assert_eq!(failed_status(d.poll()), 500);
}

#[test]
fn each_of_the_editors_reads_failing_is_an_error_page() {
    for failing in 0..3 {
        let mut d = signed_in(ConsoleRoute::Home);
        let replies = [
            reply::<ShowTheme>(Ok(overview())),
            reply::<ListAssets>(Ok(Vec::new())),
            reply::<ListVersions>(Ok(Vec::new())),
        ];
        for (i, good) in replies.into_iter().enumerate().take(failing + 1) {
            assert!(matches!(d.poll(), Io::Ask(..)), "read {i}");
            d.answer(if i == failing {
                Err("down".into())
            } else {
                good
            });
        }
        assert!(failed_status(d.poll()) >= 500, "read {failing}");
    }
}

#[test]
fn the_urls_scheme_and_host_decide_secure_cookies_and_its_done_the_editors_notice() {
    for (url, secure) in [
        ("http://localhost:8787/console", false),
        ("https://platform.example/console", true),
        ("http://localhost.evil.example/console", true),
    ] {
        let mut f = facts(ConsoleRoute::Home, "");
        f.url = url.into();
        let mut d = ConsoleDriver::new(f, keys());
        assert_eq!(d.poll(), Io::Random);
        d.on_random(Ok::<_, String>([7; 16]));
        let Io::Answer(Answer::SignIn { cookies, .. }) = d.poll() else {
            panic!("no sign-in page")
        };
        assert_eq!(cookies[0].contains("Secure"), secure, "{url}");
    }
    let mut f = facts(ConsoleRoute::Home, &session_cookie());
    f.url = "https://platform.example/console?done=saved&x=1".into();
    let mut d = ConsoleDriver::new(f, keys());
    d.poll();
    d.answer(reply::<CheckOwner>(Ok(())));
    let Answer::Editor(EditorAnswer { shown, .. }) = editor(&mut d) else {
        panic!("no editor")
    };
    assert_eq!(shown.notice, Done::notice(Some("saved")));
    assert!(shown.notice.is_some());
}

#[test]
fn the_log_line_names_the_store_once_its_owners_session_holds() {
    let mut log = RequestLog::default();
    let mut d = ConsoleDriver::new(facts(ConsoleRoute::Home, &session_cookie()), keys());
    d.poll();
    d.on_reply(reply::<CheckOwner>(Ok(())), &mut log);
    assert_eq!(log.store.as_deref(), Some("acme"));
    // A refused session, and a sign-in attempt's check, name none.
    for refused in [true, false] {
        let mut log = RequestLog::default();
        let mut d = match refused {
            true => ConsoleDriver::new(facts(ConsoleRoute::Home, &session_cookie()), keys()),
            false => {
                let mut d = sign_in_counted(&browser());
                d.on_body(Ok(sign_in_form("the-token")));
                d
            }
        };
        d.poll();
        let forbidden = Err(AskError::Refused(StoreError::Forbidden));
        d.on_reply(reply::<CheckOwner>(forbidden), &mut log);
        assert_eq!(log.store, None, "refused: {refused}");
    }
}

#[test]
fn the_sign_in_count_asks_for_the_platforms_configured_limit() {
    let mut f = facts(ConsoleRoute::SignIn, "");
    f.limit = SignInLimit {
        attempts: 3,
        window_ms: 60_000,
    };
    let mut d = ConsoleDriver::new(f, keys());
    assert!(matches!(
        d.poll(),
        Io::CountSignIn(SignInCount {
            attempts: 3,
            window_ms: 60_000,
            ..
        })
    ));
}
