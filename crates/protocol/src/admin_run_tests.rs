use super::*;
use crate::store::{CreateStore, StoreError, StoreQuestion};
use crate::wire::encode_reply;
use wandstore_core::asset::samples::PNG;
use wandstore_core::identity::CookieSigner;
use wandstore_core::metrics::IsolateMetrics;
use wandstore_registry::{Platform, validate_new};

const NOW: u64 = 1_700_000_000_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn acme() -> StoreSlug {
    StoreSlug::parse("acme").unwrap()
}

fn owner() -> Caller {
    Caller::Owner {
        token_hash: hash_token("acme-owner-token"),
    }
}

fn facts(caller: Caller, content_type: Option<&str>) -> Facts {
    Facts {
        caller,
        content_type: content_type.map(str::to_owned),
        query: Vec::new(),
        origin: "https://admin.wandstore.dev".into(),
        platform: Rc::new(platform(SECRET)),
        now_ms: NOW,
        request_id: "rid-1".into(),
    }
}

fn platform(secret: &[u8]) -> PlatformEnv {
    PlatformEnv {
        signer: CookieSigner::new(secret, &[]).map(Rc::new),
        csrf: None,
        admin_token: None,
        base_domain: "wandstore.dev".into(),
        development: false,
        sign_in_limit: wandstore_core::console::SignInLimit::from_var(None),
    }
}

fn run(route: AdminRoute<'static>, caller: Caller, ct: Option<&str>) -> AdminRun<'static> {
    AdminRun::new(route, facts(caller, ct))
}

fn ok<Q: Question>(answer: Q::Answer) -> Result<String, String> {
    Ok(encode_reply::<Q>(&Ok(answer)))
}

fn refused<Q: Question>(refusal: Q::Error) -> Result<String, String> {
    Ok(encode_reply::<Q>(&Err(refusal)))
}

fn public_store() -> wandstore_registry::PublicStore {
    let input: NewStore = serde_json::from_value(serde_json::json!({
        "slug": "acme",
        "display_name": "Acme",
        "currency": "EUR",
        "shopify": {"domain": "acme.myshopify.com", "storefront_token": "shpat_x"},
    }))
    .unwrap();
    let platform = Platform {
        base_domain: "wandstore.dev",
        local_upstreams: false,
    };
    validate_new(input, platform, "h".into(), NOW)
        .unwrap()
        .public()
}

/// The question asked of `to`, decoded as the object reads it.
fn asked<E: serde::de::DeserializeOwned>(io: AdminIo, to: Object) -> E {
    match io {
        AdminIo::Ask(object, q) => {
            assert_eq!(object, to);
            wire::decode_question(q.as_bytes()).unwrap()
        }
        other => panic!("expected a question, got {other:?}"),
    }
}

fn failed(io: AdminIo) -> (u16, String) {
    match io {
        AdminIo::Failed(e) => (e.status, e.code),
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn answered(io: AdminIo) -> (u16, serde_json::Value) {
    match io {
        AdminIo::Answer(Reply { status, json }) => (
            status,
            json.map_or(serde_json::Value::Null, |j| {
                serde_json::from_str(&j).unwrap()
            }),
        ),
        other => panic!("expected an answer, got {other:?}"),
    }
}

/// An admin past the store's existence check.
fn admin_past_check(route: AdminRoute<'static>, ct: Option<&str>) -> AdminRun<'static> {
    let mut r = run(route, Caller::Admin, ct);
    let q: StoreQuestion = asked(r.poll(), Object::Store(acme()));
    assert!(matches!(q, StoreQuestion::Show(_)));
    r.on_reply(ok::<ShowStore>(public_store()));
    r
}

#[test]
fn an_owner_token_is_checked_with_its_store_and_refused_at_another() {
    let mut r = run(AdminRoute::Theme("acme"), owner(), None);
    let q: StoreQuestion = asked(r.poll(), Object::Store(acme()));
    match q {
        StoreQuestion::CheckOwner(c) => assert_eq!(
            c.credential,
            OwnerCredential::TokenHash(hash_token("acme-owner-token"))
        ),
        other => panic!("{other:?}"),
    }
    // Another store's token: the object does not recognise it (or there is no such store).
    for refusal in [StoreError::Forbidden, StoreError::NotFound] {
        let mut r = run(AdminRoute::Theme("acme"), owner(), None);
        r.poll();
        r.on_reply(refused::<CheckOwner>(refusal));
        assert_eq!(failed(r.poll()).0, 403);
    }
    // A broken check is a failure, never a pass.
    let mut r = run(AdminRoute::Theme("acme"), owner(), None);
    r.poll();
    r.on_reply(Err("the object is down".into()));
    assert_eq!(failed(r.poll()).0, 500);
    let mut r = run(AdminRoute::Theme("acme"), owner(), None);
    r.poll();
    r.on_reply(Ok("garbage".into()));
    assert_eq!(failed(r.poll()).0, 500);
}

#[test]
fn an_owner_token_never_reaches_platform_or_admin_only_routes() {
    for route in [
        AdminRoute::ListStores,
        AdminRoute::CreateStore,
        AdminRoute::ListBackups,
        AdminRoute::StartBackups,
        AdminRoute::ShowStore("acme"),
        AdminRoute::DeleteStore("acme"),
        AdminRoute::Restore("acme"),
    ] {
        let mut r = run(route, owner(), Some("application/json"));
        assert_eq!(failed(r.poll()).0, 403, "{route:?}");
        assert_eq!(failed(r.poll()).0, 500, "polled past its end");
    }
}

#[test]
fn an_unknown_or_unnameable_store_is_404_before_any_body() {
    let mut r = run(
        AdminRoute::PutDraft("acme"),
        Caller::Admin,
        Some("application/json"),
    );
    r.poll();
    r.on_reply(refused::<ShowStore>(StoreError::NotFound));
    assert_eq!(failed(r.poll()), (404, "store_not_found".into()));
    let mut r = run(AdminRoute::Theme("Not A Slug!"), Caller::Admin, None);
    assert_eq!(failed(r.poll()).0, 404);
}

#[test]
fn a_body_of_the_wrong_type_or_past_its_limit_is_refused_and_nothing_asked() {
    let mut r = admin_past_check(AdminRoute::PutDraft("acme"), Some("text/plain"));
    assert_eq!(failed(r.poll()).0, 415);
    let mut r = admin_past_check(AdminRoute::PutDraft("acme"), Some("application/json"));
    assert!(matches!(r.poll(), AdminIo::ReadBody(BodyKind::Theme)));
    r.on_body(Err(EdgeError::new(413, "payload_too_large", "too large")));
    assert_eq!(failed(r.poll()).0, 413);
    let mut r = admin_past_check(AdminRoute::Rollback("acme"), None);
    assert!(matches!(r.poll(), AdminIo::ReadBody(BodyKind::AdminJson)));
    r.on_body(Ok(b"{\"version\":\"x\"}".to_vec()));
    assert_eq!(failed(r.poll()).0, 400);
}

#[test]
fn a_one_question_route_answers_what_the_object_answered() {
    let mut r = admin_past_check(AdminRoute::Versions("acme"), None);
    let q: StoreQuestion = asked(r.poll(), Object::Store(acme()));
    assert!(matches!(q, StoreQuestion::Versions(_)));
    r.on_reply(ok::<crate::theme::ListVersions>(Vec::new()));
    assert_eq!(
        answered(r.poll()),
        (200, serde_json::json!({"versions": []}))
    );
    // The object's refusal is the answer's error; a broken call a 500.
    let mut r = admin_past_check(AdminRoute::Versions("acme"), None);
    r.poll();
    r.on_reply(refused::<crate::theme::ListVersions>(StoreError::NotFound));
    assert_eq!(failed(r.poll()).0, 404);
    let mut r = admin_past_check(AdminRoute::Versions("acme"), None);
    r.poll();
    r.on_reply(Err("timed out".into()));
    assert_eq!(failed(r.poll()).0, 500);
}

fn upload() -> AdminRun<'static> {
    let mut r = admin_past_check(AdminRoute::PutAsset("acme", "logo.png"), Some("image/png"));
    assert!(matches!(r.poll(), AdminIo::ReadBody(BodyKind::Asset)));
    r.on_body(Ok(PNG.to_vec()));
    r
}

#[test]
fn an_upload_is_written_to_r2_before_it_is_listed() {
    let mut r = upload();
    let file = match r.poll() {
        AdminIo::PutAsset(PutAsset {
            key,
            checked,
            bytes,
        }) => {
            assert_eq!(bytes, PNG);
            assert_eq!(key, asset::r2_key("acme", &checked.file));
            checked.file
        }
        other => panic!("{other:?}"),
    };
    r.on_put(Ok::<(), String>(()));
    let q: StoreQuestion = asked(r.poll(), Object::Store(acme()));
    let StoreQuestion::RecordAsset(record) = q else {
        panic!("{q:?}")
    };
    assert_eq!(
        (record.asset.file.as_str(), record.asset.name.as_str()),
        (file.as_str(), "logo.png")
    );
    r.on_reply(ok::<RecordAsset>(record.asset.clone()));
    let (status, body) = answered(r.poll());
    assert_eq!((status, body["file"].as_str()), (201, Some(file.as_str())));
}

#[test]
fn a_failed_r2_write_lists_nothing() {
    let mut r = upload();
    r.poll();
    r.on_put(Err("R2 is down"));
    assert_eq!(failed(r.poll()).0, 500);
    // A bad upload never reaches R2.
    let mut r = admin_past_check(AdminRoute::PutAsset("acme", "logo.png"), Some("image/png"));
    r.poll();
    r.on_body(Ok(b"not a png".to_vec()));
    assert!(failed(r.poll()).0 / 100 == 4);
}

#[test]
fn deleting_an_asset_deletes_its_bytes_only_when_nothing_references_them() {
    for (unreferenced, deletes) in [(true, true), (false, false)] {
        let mut r = admin_past_check(AdminRoute::DeleteAsset("acme", "logo.png"), None);
        let q: StoreQuestion = asked(r.poll(), Object::Store(acme()));
        assert!(matches!(q, StoreQuestion::DeleteAsset(d) if d.name == "logo.png"));
        let unlisted = crate::owner::DeletedAsset {
            file: "abc.png".into(),
            unreferenced,
        };
        r.on_reply(ok::<crate::owner::DeleteAsset>(unlisted));
        let mut io = r.poll();
        if deletes {
            assert!(
                matches!(&io, AdminIo::DeleteAsset(k) if *k == asset::r2_key("acme", "abc.png"))
            );
            r.on_deleted(Ok::<(), String>(()));
            io = r.poll();
        }
        assert_eq!(answered(io), (204, serde_json::Value::Null));
    }
}

#[test]
fn bytes_left_by_a_failed_delete_are_logged_and_the_file_stays_deleted() {
    let mut r = admin_past_check(AdminRoute::DeleteAsset("acme", "logo.png"), None);
    let _: StoreQuestion = asked(r.poll(), Object::Store(acme()));
    let unlisted = crate::owner::DeletedAsset {
        file: "abc.png".into(),
        unreferenced: true,
    };
    r.on_reply(ok::<crate::owner::DeleteAsset>(unlisted));
    assert!(matches!(r.poll(), AdminIo::DeleteAsset(_)));
    r.on_deleted(Err("R2 is down"));
    let AdminIo::Log(line) = r.poll() else {
        panic!("the failure is logged first")
    };
    assert!(line.contains("asset.bytes_undeleted"), "{line}");
    assert!(line.contains(&asset::r2_key("acme", "abc.png")), "{line}");
    assert!(
        line.contains("R2 is down") && line.contains("rid-1"),
        "{line}"
    );
    assert_eq!(answered(r.poll()), (204, serde_json::Value::Null));

    // A deletion nobody asked for is a bug: the run fails rather than answer.
    let mut early = run(AdminRoute::ListStores, Caller::Admin, None);
    early.on_deleted(Ok::<(), String>(()));
    assert!(matches!(early.poll(), AdminIo::Failed(e) if e.status == 500));
}

#[test]
fn a_store_is_forgotten_by_the_registry_then_deleted_404_if_neither_had_it() {
    for (registered, stored, status) in
        [(true, false, 204), (false, true, 204), (false, false, 404)]
    {
        let mut r = run(AdminRoute::DeleteStore("acme"), Caller::Admin, None);
        let q: crate::registry::RegistryQuestion = asked(r.poll(), Object::Registry);
        assert!(matches!(q, crate::registry::RegistryQuestion::Forget(f) if f.slug == acme()));
        r.on_reply(ok::<ForgetStore>(registered));
        let q: StoreQuestion = asked(r.poll(), Object::Store(acme()));
        assert!(matches!(q, StoreQuestion::Delete(_)));
        r.on_reply(ok::<DeleteStore>(stored));
        let io = r.poll();
        if status == 204 {
            assert_eq!(answered(io).0, 204);
        } else {
            assert_eq!(failed(io).0, 404);
        }
    }
    // The registry failing stops the delete before the store's data is touched.
    let mut r = run(AdminRoute::DeleteStore("acme"), Caller::Admin, None);
    r.poll();
    r.on_reply(Err("registry down".into()));
    assert_eq!(failed(r.poll()).0, 500);
}

#[test]
fn a_rotated_token_goes_to_the_caller_and_only_its_hash_to_the_store() {
    let mut r = run(AdminRoute::RotateOwnerToken("acme"), owner(), None);
    r.poll();
    r.on_reply(ok::<CheckOwner>(()));
    assert!(matches!(r.poll(), AdminIo::Random));
    r.on_random(Ok([9; 32]));
    let q: StoreQuestion = asked(r.poll(), Object::Store(acme()));
    let StoreQuestion::RotateOwner(rotate) = q else {
        panic!("{q:?}")
    };
    r.on_reply(ok::<RotateOwnerToken>(()));
    let (status, body) = answered(r.poll());
    let token = body["owner_token"].as_str().unwrap();
    assert_eq!(status, 200);
    assert_eq!(hash_token(token), rotate.new_token_hash);
    assert_eq!(token, new_owner_token([9; 32]));
    // No randomness, no rotation.
    let mut r = run(AdminRoute::RotateOwnerToken("acme"), owner(), None);
    r.poll();
    r.on_reply(ok::<CheckOwner>(()));
    r.poll();
    r.on_random(Err("getRandomValues failed".into()));
    assert_eq!(failed(r.poll()).0, 500);
}

#[test]
fn a_new_store_goes_to_its_own_object_or_is_refused_whole_before_any_ask() {
    let body = br#"{"slug":"acme","display_name":"Acme","currency":"EUR","shopify":{"domain":"acme.myshopify.com","storefront_token":"shpat_x"}}"#;
    let mut r = run(
        AdminRoute::CreateStore,
        Caller::Admin,
        Some("application/json"),
    );
    assert!(matches!(r.poll(), AdminIo::ReadBody(BodyKind::AdminJson)));
    r.on_body(Ok(body.to_vec()));
    assert!(matches!(r.poll(), AdminIo::Random));
    r.on_random(Ok([1; 32]));
    let q: StoreQuestion = asked(r.poll(), Object::Store(acme()));
    assert!(
        matches!(q, StoreQuestion::Create(c) if c.owner_token_hash == hash_token(&new_owner_token([1; 32])))
    );
    r.on_reply(ok::<CreateStore>(public_store()));
    let (status, body) = answered(r.poll());
    assert_eq!(status, 201);
    assert_eq!(body["owner_token"], new_owner_token([1; 32]));
    assert_eq!(body["store"]["slug"], "acme");
    let mut r = run(AdminRoute::CreateStore, Caller::Admin, None);
    r.poll();
    r.on_body(Ok(br#"{"slug":"acme","display_name":"","currency":"XXX","shopify":{"domain":"x","storefront_token":""}}"#.to_vec()));
    r.poll();
    r.on_random(Ok([1; 32]));
    assert_eq!(failed(r.poll()).0, 422);
}

#[test]
fn a_preview_link_is_signed_on_the_request_origin_or_503_unconfigured() {
    let mut r = admin_past_check(AdminRoute::Preview("acme"), None);
    let (status, body) = answered(r.poll());
    assert_eq!(status, 201);
    let url = body["url"].as_str().unwrap();
    assert!(url.starts_with("https://admin.wandstore.dev/"), "{url}");
    let mut weak = facts(Caller::Admin, None);
    weak.platform = Rc::new(platform(b"short"));
    let mut r = AdminRun::new(AdminRoute::Preview("acme"), weak);
    r.poll();
    r.on_reply(ok::<ShowStore>(public_store()));
    assert_eq!(failed(r.poll()).0, 503);
}

fn listing(query: &[(&str, &str)]) -> AdminRun<'static> {
    let mut f = facts(Caller::Admin, None);
    f.query = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    AdminRun::new(AdminRoute::ListBackups, f)
}

#[test]
fn the_backup_listing_follows_the_cursor_until_the_last_page() {
    let mut r = listing(&[("store", "acme")]);
    let AdminIo::ListBackups { prefix, cursor } = r.poll() else {
        panic!()
    };
    assert!(prefix.contains("acme"), "{prefix}");
    assert_eq!(cursor, None);
    r.on_listed(Ok(ListedPage {
        objects: vec![("not/a/manifest".into(), None)],
        truncated: true,
        cursor: Some("c1".into()),
    }));
    let AdminIo::ListBackups {
        prefix: again,
        cursor,
    } = r.poll()
    else {
        panic!()
    };
    assert_eq!((again, cursor.as_deref()), (prefix, Some("c1")));
    // A cursor on a page that is not truncated is not followed.
    r.on_listed(Ok(ListedPage {
        objects: Vec::new(),
        truncated: false,
        cursor: Some("c2".into()),
    }));
    let (status, body) = answered(r.poll());
    assert_eq!(
        (status, body["backups"].clone()),
        (200, serde_json::json!([]))
    );
}

#[test]
fn a_bad_listing_query_or_a_failed_page_is_an_error() {
    let mut r = listing(&[("store", "Not A Slug!")]);
    assert_eq!(failed(r.poll()).0 / 100, 4);
    let mut r = listing(&[]);
    r.poll();
    r.on_listed(Err("R2 is down".into()));
    assert_eq!(failed(r.poll()).0, 500);
}

#[test]
fn starting_backups_reads_the_target_and_a_single_store_answers_its_error() {
    let mut r = run(AdminRoute::StartBackups, Caller::Admin, None);
    assert!(matches!(r.poll(), AdminIo::ReadBody(BodyKind::AdminJson)));
    r.on_body(Ok(Vec::new()));
    assert!(matches!(
        r.poll(),
        AdminIo::StartBackups(None, BackupReason::Manual)
    ));
    let down = || Err(EdgeError::internal("down"));
    r.on_started(Ok(vec![
        (acme(), down()),
        (StoreSlug::parse("bravo").unwrap(), down()),
    ]));
    let (status, body) = answered(r.poll());
    assert_eq!(status, 202);
    assert_eq!(body["failed"].as_array().map(Vec::len), Some(2));
    let mut r = run(
        AdminRoute::StartBackups,
        Caller::Admin,
        Some("application/json"),
    );
    r.poll();
    r.on_body(Ok(br#"{"store":"acme"}"#.to_vec()));
    assert!(matches!(r.poll(), AdminIo::StartBackups(Some(s), _) if s == acme()));
    r.on_started(Ok(vec![(acme(), Err(EdgeError::not_found("x", "gone")))]));
    assert_eq!(failed(r.poll()), (404, "store_not_found".into()));
    // A body of another type is refused before anything starts.
    let mut r = run(AdminRoute::StartBackups, Caller::Admin, Some("text/plain"));
    r.poll();
    r.on_body(Ok(br#"{"store":"acme"}"#.to_vec()));
    assert_eq!(failed(r.poll()).0, 415);
    let mut r = run(AdminRoute::StartBackups, Caller::Admin, None);
    r.poll();
    r.on_body(Ok(Vec::new()));
    r.poll();
    r.on_started(Err(EdgeError::internal("registry down")));
    assert_eq!(failed(r.poll()).0, 500);
}

#[test]
fn a_restore_names_a_valid_backup_or_is_refused_before_the_store_is_asked() {
    let mut r = run(
        AdminRoute::Restore("acme"),
        Caller::Admin,
        Some("text/plain"),
    );
    assert_eq!(failed(r.poll()).0, 415);
    let mut r = run(
        AdminRoute::Restore("acme"),
        Caller::Admin,
        Some("application/json"),
    );
    r.poll();
    r.on_body(Ok(br#"{"backup":"nope"}"#.to_vec()));
    assert_eq!(failed(r.poll()), (400, "invalid_backup_id".into()));
    let mut r = run(AdminRoute::RestoreStatus("acme"), Caller::Admin, None);
    let q: StoreQuestion = asked(r.poll(), Object::Store(acme()));
    assert!(matches!(q, StoreQuestion::ShowRestore(s) if s.now_ms == NOW));
    r.on_reply(refused::<ShowRestore>(StoreError::Missing {
        code: "no_restore".into(),
        message: "none".into(),
    }));
    assert_eq!(failed(r.poll()), (404, "no_restore".into()));
}

#[test]
fn results_out_of_turn_fail_the_request() {
    let mut r = run(AdminRoute::Theme("acme"), Caller::Admin, None);
    r.poll();
    r.on_body(Ok(Vec::new()));
    assert_eq!(failed(r.poll()).0, 500);
    let mut r = run(AdminRoute::ListStores, Caller::Admin, None);
    r.poll();
    r.on_put(Ok::<(), String>(()));
    assert_eq!(failed(r.poll()).0, 500);
    let mut r = run(AdminRoute::ListStores, Caller::Admin, None);
    let q: crate::registry::RegistryQuestion = asked(r.poll(), Object::Registry);
    assert!(matches!(q, crate::registry::RegistryQuestion::List(_)));
    r.on_reply(ok::<ListStores>(Vec::new()));
    assert_eq!(answered(r.poll()), (200, serde_json::json!({"stores": []})));
}

#[test]
fn the_metrics_answer_the_isolate_and_the_largest_stores() {
    let mut r = run(AdminRoute::IsolateMetrics, Caller::Admin, None);
    let q: crate::registry::RegistryQuestion = asked(r.poll(), Object::Registry);
    assert!(
        matches!(q, crate::registry::RegistryQuestion::ShowStorage(s) if s.limit == REPORTED_STORES)
    );
    let sizes = crate::registry::StorageReport {
        registry_bytes: 10,
        stores: vec![("acme".into(), 2_000)],
    };
    r.on_reply(ok::<ShowStorage>(sizes));
    assert!(matches!(r.poll(), AdminIo::IsolateMetrics));
    r.on_metrics(IsolateMetrics::new(NOW));
    let (status, body) = answered(r.poll());
    assert_eq!(status, 200);
    let objects: Vec<_> = body["storage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["object"].clone())
        .collect();
    assert_eq!(objects, ["StoreRegistry", "StoreConfig:acme"]);
    assert_eq!(body["isolate"]["since_ms"], NOW);
}

#[test]
fn metrics_without_the_registry_log_the_failure_and_leave_the_storage_out() {
    let mut r = run(AdminRoute::IsolateMetrics, Caller::Admin, None);
    r.poll();
    r.on_reply(Err("registry down".into()));
    let AdminIo::Log(line) = r.poll() else {
        panic!()
    };
    assert!(
        line.contains("registry down") && line.contains("rid-1"),
        "{line}"
    );
    assert!(matches!(r.poll(), AdminIo::IsolateMetrics), "once logged");
    r.on_metrics(IsolateMetrics::new(NOW));
    let (status, body) = answered(r.poll());
    assert_eq!(
        (status, body["storage"].clone()),
        (200, serde_json::json!([]))
    );
}

#[test]
fn facts_read_the_query_origin_and_content_type_from_the_request() {
    let client = ClientHeaders(vec![("content-type".into(), "application/json".into())]);
    let url = "http://localhost:8787/admin/backups?store=acme&store=b+c#top";
    let read = Facts::of(
        owner(),
        url,
        &client,
        Rc::new(platform(SECRET)),
        NOW,
        "rid-9",
    );
    assert_eq!(read.origin, "http://localhost:8787");
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(read.query, [pair("store", "acme"), pair("store", "b c")]);
    assert_eq!(read.content_type.as_deref(), Some("application/json"));
    assert_eq!((read.now_ms, read.request_id.as_str()), (NOW, "rid-9"));
    assert_eq!(read.caller, owner());

    // No query, no content type, and a URL without an origin.
    let bare = Facts::of(
        Caller::Admin,
        "data:,x",
        &ClientHeaders(Vec::new()),
        read.platform,
        1,
        "",
    );
    assert_eq!((bare.origin.as_str(), bare.query.len()), ("null", 0));
    assert_eq!(bare.content_type, None);
}

#[test]
fn a_listed_page_keeps_each_key_with_its_summary_only() {
    let meta = |pairs: &[(&str, &str)]| {
        let owned = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        owned.collect::<HashMap<_, _>>()
    };
    let listed = [
        (
            "a/manifest.json".to_owned(),
            meta(&[("summary", "{}"), ("other", "x")]),
        ),
        ("b/manifest.json".to_owned(), meta(&[("other", "x")])),
        ("c/manifest.json".to_owned(), HashMap::new()),
    ];
    let page = ListedPage::of(listed, true, Some("next".into()));
    assert_eq!(
        page.objects,
        [
            ("a/manifest.json".to_owned(), Some("{}".to_owned())),
            ("b/manifest.json".to_owned(), None),
            ("c/manifest.json".to_owned(), None),
        ]
    );
    assert!(page.truncated);
    assert_eq!(page.cursor.as_deref(), Some("next"));
    assert_eq!(ListedPage::of([], false, None), ListedPage::default());
}

#[test]
fn a_reply_is_sent_as_json_or_with_no_body_and_no_content_type() {
    let json = Reply {
        status: 201,
        json: Some(r#"{"ok":true}"#.into()),
    };
    let (status, headers, body) = json.parts();
    assert_eq!((status, body.as_str()), (201, r#"{"ok":true}"#));
    assert_eq!(headers, [("content-type", "application/json".to_owned())]);

    let (status, headers, body) = Reply {
        status: 204,
        json: None,
    }
    .parts();
    assert_eq!((status, headers.len(), body.as_str()), (204, 0, ""));
}
