use super::*;
use wandstore_core::asset::samples;

fn admin() -> Caller {
    Caller::Admin
}

fn owner() -> Caller {
    Caller::Owner {
        token_hash: "h".into(),
    }
}

fn cx() -> CallContext {
    CallContext {
        author: Author::Owner,
        now_ms: 1_700_000_000_000,
        base_domain: "wandstore.dev".into(),
        local_upstreams: false,
    }
}

fn acme() -> Option<StoreSlug> {
    StoreSlug::parse("acme").ok()
}

fn read(route: AdminRoute<'_>, ct: Option<&str>, body: &[u8]) -> Result<AdminCall, EdgeError> {
    AdminCall::read(&route, acme(), ct, body.to_vec(), &cx())
}

fn refused(result: Result<AdminCall, EdgeError>) -> (u16, String) {
    match result {
        Err(e) => (e.status, e.code),
        Ok(call) => panic!("expected a refusal, got {call:?}"),
    }
}

fn store_call(result: Result<AdminCall, EdgeError>) -> StoreCall {
    match result {
        Ok(AdminCall::Store(store, call)) => {
            assert_eq!(store.as_str(), "acme");
            call
        }
        other => panic!("expected a store call, got {other:?}"),
    }
}

#[test]
fn a_slug_that_cannot_name_a_store_is_404_before_anything_else() {
    for caller in [admin(), owner()] {
        for route in [
            AdminRoute::ShowStore("Not A Slug"),
            AdminRoute::Theme("../etc"),
            AdminRoute::SyncCatalog(""),
        ] {
            let e = Gate::of(&route, &caller).unwrap_err();
            assert_eq!((e.status, e.code.as_str()), (404, "store_not_found"));
        }
    }
}

#[test]
fn an_owner_token_only_reaches_its_stores_owner_routes() {
    let gate = Gate::of(&AdminRoute::PutDraft("acme"), &owner()).unwrap();
    assert_eq!(gate.check, StoreCheck::OwnedBy("h".into()));
    assert_eq!(gate.store, acme());
    for route in [
        AdminRoute::ListStores,
        AdminRoute::CreateStore,
        AdminRoute::IsolateMetrics,
        AdminRoute::ShowStore("acme"),
        AdminRoute::PatchStore("acme"),
        AdminRoute::DeleteStore("acme"),
        AdminRoute::SyncCatalog("acme"),
        AdminRoute::ListBackups,
        AdminRoute::Restore("acme"),
    ] {
        let e = Gate::of(&route, &owner()).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (403, "forbidden"), "{route:?}");
    }
}

#[test]
fn the_admin_checks_that_a_store_exists_where_its_question_would_not() {
    let check = |route| Gate::of(&route, &admin()).unwrap().check;
    assert_eq!(check(AdminRoute::Theme("acme")), StoreCheck::Exists);
    assert_eq!(check(AdminRoute::SyncCatalog("acme")), StoreCheck::Exists);
    assert_eq!(check(AdminRoute::CatalogStatus("acme")), StoreCheck::Exists);
    assert_eq!(check(AdminRoute::Metrics("acme")), StoreCheck::Exists);
    assert_eq!(check(AdminRoute::ShowStore("acme")), StoreCheck::None);
    assert_eq!(check(AdminRoute::DeleteStore("acme")), StoreCheck::None);
    let gate = Gate::of(&AdminRoute::ListStores, &admin()).unwrap();
    assert_eq!((gate.store, gate.check), (None, StoreCheck::None));
    assert_eq!(Gate::not_owner().status, 403);
}

#[test]
fn json_routes_refuse_another_type_before_reading() {
    for route in [
        AdminRoute::PutDraft("acme"),
        AdminRoute::PutPersonalizationSettings("acme"),
        AdminRoute::Restore("acme"),
    ] {
        for ct in [
            None,
            Some("text/plain"),
            Some("application/jsonx"),
            Some(""),
        ] {
            let e = body_limit(&route, ct).unwrap_err();
            assert_eq!(e.status, 415, "{route:?} {ct:?}");
        }
    }
    let theme = body_limit(
        &AdminRoute::PutDraft("acme"),
        Some("Application/JSON; charset=utf-8"),
    );
    assert_eq!(theme.unwrap(), Some(BodyKind::Theme));
    let settings = body_limit(
        &AdminRoute::PutPersonalizationSettings("acme"),
        Some("application/json"),
    );
    assert_eq!(settings.unwrap(), Some(BodyKind::AdminJson));
}

#[test]
fn each_route_reads_its_own_body_limit_or_none() {
    let limit = |route| body_limit(&route, None).unwrap();
    assert_eq!(limit(AdminRoute::CreateStore), Some(BodyKind::AdminJson));
    assert_eq!(
        limit(AdminRoute::PatchStore("acme")),
        Some(BodyKind::AdminJson)
    );
    assert_eq!(
        limit(AdminRoute::Rollback("acme")),
        Some(BodyKind::AdminJson)
    );
    assert_eq!(
        limit(AdminRoute::PutAsset("acme", "logo.png")),
        Some(BodyKind::Asset)
    );
    // Any body or none: an empty one backs up every store.
    assert_eq!(limit(AdminRoute::StartBackups), Some(BodyKind::AdminJson));
    for route in [
        AdminRoute::Theme("acme"),
        AdminRoute::Publish("acme"),
        AdminRoute::DeleteAsset("acme", "logo.png"),
    ] {
        assert_eq!(limit(route), None);
    }
}

#[test]
fn a_draft_is_utf8_text_with_its_author_and_time() {
    match store_call(read(AdminRoute::PutDraft("acme"), None, b"{\"a\":1}")) {
        StoreCall::PutDraft(put) => {
            assert_eq!(put.body, "{\"a\":1}");
            assert_eq!((put.author.as_str(), put.now_ms), ("owner", cx().now_ms));
        }
        other => panic!("{other:?}"),
    }
    let bad = refused(read(AdminRoute::PutDraft("acme"), None, &[0xff, 0xfe]));
    assert_eq!(bad, (400, "bad_encoding".into()));
}

#[test]
fn a_rollback_names_a_version_and_nothing_else() {
    match store_call(read(
        AdminRoute::Rollback("acme"),
        None,
        br#"{"version":3}"#,
    )) {
        StoreCall::Rollback(r) => assert_eq!((r.version, r.author.as_str()), (3, "owner")),
        other => panic!("{other:?}"),
    }
    for body in [
        &br#"{"version":3,"extra":1}"#[..],
        br#"{"version":-1}"#,
        br#"{"version":"3"}"#,
        b"",
        b"not json",
    ] {
        let e = refused(read(AdminRoute::Rollback("acme"), None, body));
        assert_eq!(e, (400, "invalid_json".into()), "{body:?}");
    }
}

#[test]
fn store_json_that_is_not_the_routes_is_400() {
    let e = refused(read(AdminRoute::PatchStore("acme"), None, br#"{"nope":1}"#));
    assert_eq!(e, (400, "invalid_json".into()));
    let e = refused(AdminCall::read(
        &AdminRoute::CreateStore,
        None,
        None,
        b"{".to_vec(),
        &cx(),
    ));
    assert_eq!(e, (400, "invalid_json".into()));
}

#[test]
fn a_patch_carries_the_platform() {
    match store_call(read(
        AdminRoute::PatchStore("acme"),
        None,
        br#"{"display_name":"X"}"#,
    )) {
        StoreCall::Update(u) => {
            assert_eq!(u.base_domain, "wandstore.dev");
            assert_eq!((u.local_upstreams, u.now_ms), (false, cx().now_ms));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_upload_is_checked_by_name_type_and_content() {
    let png = Some("image/png");
    match store_call(read(
        AdminRoute::PutAsset("acme", "logo.png"),
        png,
        samples::PNG,
    )) {
        StoreCall::PutAsset(checked, bytes) => {
            assert_eq!(bytes, samples::PNG);
            assert!(checked.file.ends_with(".png"));
        }
        other => panic!("{other:?}"),
    }
    let html = b"<html><script>alert(1)</script></html>";
    for (name, ct, body) in [
        ("logo.png", png, &html[..]),
        ("../logo.png", png, samples::PNG),
        ("logo.svg", Some("image/svg+xml"), b"<svg/>"),
        ("logo.png", png, b""),
    ] {
        let (status, _) = refused(read(AdminRoute::PutAsset("acme", name), ct, body));
        assert!((400..500).contains(&status), "{name} {status}");
    }
}

#[test]
fn personalization_settings_must_be_an_object_the_rules_accept() {
    for body in [&b"[]"[..], b"nope", br#"{"daily_budget_cents":-5}"#] {
        let put = read(AdminRoute::PutPersonalizationSettings("acme"), None, body);
        let (status, _) = refused(put);
        assert!((400..500).contains(&status), "{body:?} {status}");
    }
    let report = store_call(read(AdminRoute::PersonalizationReport("acme"), None, b""));
    assert!(matches!(report, StoreCall::PersonalizationReport(s) if s.now_ms == cx().now_ms));
}

#[test]
fn routes_without_a_body_map_to_their_question() {
    assert!(matches!(
        store_call(read(AdminRoute::DeleteAsset("acme", "logo.png"), None, b"")),
        StoreCall::DeleteAsset(d) if d.name == "logo.png"
    ));
    assert!(matches!(
        store_call(read(AdminRoute::Publish("acme"), None, b"")),
        StoreCall::Publish(p) if p.author == "owner"
    ));
    assert!(matches!(
        read(AdminRoute::Restore("acme"), None, b""),
        Ok(AdminCall::Backups(BackupCall::Restore(s))) if s.as_str() == "acme"
    ));
    assert!(matches!(
        AdminCall::read(&AdminRoute::ListStores, None, None, Vec::new(), &cx()),
        Ok(AdminCall::Platform(PlatformCall::ListStores))
    ));
    // A store route without its store is a bug of the caller, not a client mistake.
    let e = refused(AdminCall::read(
        &AdminRoute::Theme("acme"),
        None,
        None,
        Vec::new(),
        &cx(),
    ));
    assert_eq!(e.0, 500);
}

fn new_store(slug: &str) -> NewStore {
    serde_json::from_value(serde_json::json!({
        "slug": slug,
        "display_name": "Acme",
        "currency": "EUR",
        "shopify": {"domain": "acme.myshopify.com", "storefront_token": "shpat_x"},
    }))
    .unwrap()
}

#[test]
fn a_new_store_is_planned_for_its_own_object_or_refused_whole() {
    let (slug, create) = plan_create(new_store("acme"), "hash".into(), &cx()).unwrap();
    assert_eq!(slug.as_str(), "acme");
    assert_eq!(create.owner_token_hash, "hash");
    assert_eq!(
        (create.base_domain.as_str(), create.now_ms),
        ("wandstore.dev", cx().now_ms)
    );
    let mut bad = new_store("Bad Slug");
    bad.currency = "XXX!".into();
    let e = plan_create(bad, "hash".into(), &cx()).unwrap_err();
    assert_eq!(e.status, 422);
    let fields = e
        .extra
        .get("fields")
        .and_then(|f| f.as_array())
        .map(Vec::len);
    assert!(fields.unwrap_or(0) >= 2, "{:?}", e.extra);
}

#[test]
fn deleting_what_nobody_had_is_404() {
    let acme = acme().unwrap();
    assert!(deleted(&acme, true, false).is_ok());
    assert!(deleted(&acme, false, true).is_ok());
    assert_eq!(deleted(&acme, false, false).unwrap_err().status, 404);
}

#[test]
fn a_preview_link_is_signed_for_its_store_for_a_day() {
    let signer = CookieSigner::new(&[7u8; 32], &[]).unwrap();
    let acme = acme().unwrap();
    let link = PreviewLink::signed(&signer, &acme, "https://wandstore.dev", 0);
    assert_eq!(link.expires_at, "1970-01-02T00:00:00Z");
    let token = link
        .url
        .strip_prefix("https://wandstore.dev/s/acme/preview/")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap();
    assert_eq!(signer.verify_preview(token, &acme, 1), Some(PREVIEW_TTL_MS));
    assert_eq!(signer.verify_preview(token, &acme, PREVIEW_TTL_MS), None);
    let path = PreviewLink::signed(&signer, &acme, "", 0);
    assert!(path.url.starts_with("/s/acme/preview/"));
}

#[test]
fn list_answers_name_what_they_list() {
    let assets = serde_json::to_value(Assets::from(Vec::new())).unwrap();
    assert_eq!(assets, serde_json::json!({"assets": []}));
    let versions = serde_json::to_value(Versions::from(Vec::new())).unwrap();
    assert_eq!(versions, serde_json::json!({"versions": []}));
    let stores = serde_json::to_value(Stores::from(Vec::new())).unwrap();
    assert_eq!(stores, serde_json::json!({"stores": []}));
}

fn gate(check: StoreCheck) -> Gate {
    Gate {
        store: StoreSlug::parse("acme").ok(),
        check,
    }
}

fn broken() -> Result<(), AskError<StoreError>> {
    Err(AskError::Broken("the object failed".into()))
}

#[test]
fn a_store_that_must_exist_and_does_not_is_a_404_naming_it() {
    let exists = gate(StoreCheck::Exists);
    assert_eq!(exists.checked(Ok(())), Ok(()));
    let e = exists
        .checked(Err(AskError::Refused(StoreError::NotFound)))
        .unwrap_err();
    assert_eq!(e.status, 404);
    assert!(e.message.contains("acme"), "{}", e.message);
    assert_eq!(exists.checked(broken()).unwrap_err().status, 500);
}

#[test]
fn another_stores_owner_token_is_a_403_and_reveals_nothing() {
    let owned = gate(StoreCheck::OwnedBy("h".into()));
    assert_eq!(owned.checked(Ok(())), Ok(()));
    // A store that does not exist and a token that is not its owner's answer the same.
    for refusal in [StoreError::NotFound, StoreError::Forbidden] {
        let e = owned.checked(Err(AskError::Refused(refusal))).unwrap_err();
        assert_eq!(e, Gate::not_owner());
    }
    assert_eq!(owned.checked(broken()).unwrap_err().status, 500);
}

#[test]
fn no_check_needs_no_answer() {
    assert_eq!(gate(StoreCheck::None).checked(broken()), Ok(()));
}

#[test]
fn a_failed_owner_check_is_an_error_not_a_refusal() {
    assert_eq!(recognised(Ok(())), Ok(true));
    assert_eq!(
        recognised(Err(AskError::Refused(StoreError::Forbidden))),
        Ok(false)
    );
    assert!(recognised(broken()).is_err());
}

#[test]
fn the_backup_routes_are_their_own_calls() {
    let call = |route| {
        AdminCall::read(
            &route,
            StoreSlug::parse("acme").ok(),
            None,
            Vec::new(),
            &cx(),
        )
    };
    assert!(matches!(
        call(AdminRoute::ListBackups),
        Ok(AdminCall::Backups(BackupCall::List))
    ));
    assert!(matches!(
        call(AdminRoute::StartBackups),
        Ok(AdminCall::Backups(BackupCall::Start))
    ));
    assert!(matches!(
        call(AdminRoute::RestoreStatus("acme")),
        Ok(AdminCall::Backups(BackupCall::RestoreStatus(_)))
    ));
    let e = AdminCall::read(&AdminRoute::Restore("acme"), None, None, Vec::new(), &cx());
    assert_eq!(e.unwrap_err().status, 500);
}

#[test]
fn the_isolate_report_states_its_error_rate() {
    let mut metrics = IsolateMetrics::new(0);
    metrics.record(
        wandstore_core::metrics::RouteKind::Admin,
        500,
        Some("internal"),
    );
    metrics.record(wandstore_core::metrics::RouteKind::Admin, 200, None);
    let report = serde_json::to_value(IsolateReport::of(metrics, Vec::new())).unwrap();
    assert_eq!(report["server_error_rate"], serde_json::json!(0.5));
    assert_eq!(report["isolate"]["requests"], serde_json::json!(2));
    assert_eq!(report["storage"], serde_json::json!([]));
}
