use super::*;
use wandstore_core::store::StoreSlug;

fn json(e: &EdgeError) -> Value {
    serde_json::from_str(&e.json_body("rid-1")).unwrap()
}

#[test]
fn the_json_body_has_code_message_request_id_and_extras() {
    let e = EdgeError::from(CatalogMiss::NoSuchPage { total_pages: 3 });
    assert_eq!(e.status, 404);
    let body = json(&e);
    assert_eq!(body["error"]["code"], "page_not_found");
    assert_eq!(body["error"]["request_id"], "rid-1");
    assert_eq!(body["error"]["total_pages"], 3);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("3 page")
    );
}

#[test]
fn extras_cannot_overwrite_the_standard_fields() {
    let e = EdgeError::bad_request("x", "m").with_extra("request_id", "forged");
    assert_eq!(json(&e)["error"]["request_id"], "rid-1");
}

#[test]
fn store_errors_map_to_their_statuses() {
    let why = Unavailable {
        cause: "breaker_open".into(),
        message: "the upstream circuit breaker is open for another 30 s".into(),
        retry_after_secs: 30,
    };
    let cases: Vec<(StoreError, u16, &str)> = vec![
        (StoreError::NotFound, 404, "store_not_found"),
        (
            StoreError::Catalog {
                miss: CatalogMiss::UnknownProduct,
            },
            404,
            "product_not_found",
        ),
        (
            StoreError::CatalogUnavailable { why: why.clone() },
            503,
            "catalog_unavailable",
        ),
        (
            StoreError::CheckoutUnavailable { why: why.clone() },
            503,
            "checkout_unavailable",
        ),
        (
            StoreError::CheckoutRefused {
                message: "sold out".into(),
            },
            422,
            "checkout_refused",
        ),
        (StoreError::AlreadyExists, 409, "store_exists"),
        (
            StoreError::Misconfigured {
                what: "BACKUP_SECRET: too short".into(),
            },
            503,
            "config",
        ),
        (
            StoreError::Internal {
                message: "disk on fire".into(),
            },
            500,
            "internal",
        ),
    ];
    for (store_error, status, code) in cases {
        let e = EdgeError::from(store_error);
        assert_eq!((e.status, e.code.as_str()), (status, code));
    }
}

#[test]
fn unavailable_carries_retry_after_and_its_cause() {
    let why = Unavailable {
        cause: "upstream_timeout".into(),
        message: "Shopify did not answer in time".into(),
        retry_after_secs: 7,
    };
    let e = EdgeError::from(StoreError::CatalogUnavailable { why });
    assert_eq!(e.retry_after_secs, Some(7));
    let body = json(&e);
    assert_eq!(body["error"]["cause"], "upstream_timeout");
    assert_eq!(body["error"]["retry_after_secs"], 7);
    assert!(e.page_message().contains("7 seconds"));
    assert_eq!(e.heading(), "Temporarily unavailable");
}

#[test]
fn internal_details_reach_the_log_not_the_client() {
    let e = EdgeError::internal("sqlite: table cart_lines is locked");
    assert_eq!(e.status, 500);
    assert!(!e.json_body("r").contains("sqlite"));
    assert!(!e.page_message().contains("sqlite"));
    assert_eq!(
        e.detail.as_deref(),
        Some("sqlite: table cart_lines is locked")
    );
    assert!(e.is_server_error());
}

#[test]
fn registry_refusals_are_conflicts_or_not_found() {
    let slug = StoreSlug::parse("acme").unwrap();
    let taken = EdgeError::from(RegistryRefusal::SlugTaken { slug: slug.clone() });
    assert_eq!((taken.status, taken.code.as_str()), (409, "slug_taken"));
    let domain = EdgeError::from(RegistryRefusal::DomainTaken {
        host: "shop.x.com".into(),
        owner: slug.clone(),
    });
    assert_eq!((domain.status, domain.code.as_str()), (409, "domain_taken"));
    assert!(!domain.message.contains("acme"), "another tenant's name");
    let gone = EdgeError::from(RegistryRefusal::UnknownStore { slug });
    assert_eq!((gone.status, gone.heading()), (404, "Store not found"));
}

#[test]
fn invalid_input_lists_every_field() {
    let e = EdgeError::invalid(vec![
        FieldError {
            field: "slug".into(),
            message: "too short".into(),
        },
        FieldError {
            field: "currency".into(),
            message: "unknown".into(),
        },
    ]);
    assert_eq!(e.status, 422);
    let body = json(&e);
    assert_eq!(body["error"]["fields"][1]["field"], "currency");
    assert_eq!(e.message, "slug: too short; currency: unknown");
}

#[test]
fn method_not_allowed_names_the_methods() {
    let e = EdgeError::method_not_allowed("GET, HEAD");
    assert_eq!((e.status, e.allow), (405, Some("GET, HEAD")));
    assert_eq!(e.heading(), "Method not allowed");
    assert_eq!(e.page_message(), "This address accepts GET, HEAD.");
}

#[test]
fn malformed_internal_answers_are_server_errors() {
    let e = EdgeError::from(MalformedMessage("expected value".into()));
    assert_eq!(e.status, 500);
    assert!(e.detail.unwrap().contains("expected value"));
}

#[test]
fn edge_limits_keep_their_statuses() {
    use wandstore_core::limits::{MAX_URL_BYTES, METHODS};
    let e = EdgeError::from(LimitError::UnknownMethod);
    assert_eq!(e.status, 405);
    assert_eq!(e.allow, Some(METHODS.join(", ")).as_deref());
    let e = EdgeError::from(LimitError::UrlTooLong {
        bytes: MAX_URL_BYTES + 1,
    });
    assert_eq!((e.status, e.code.as_str()), (414, "url_too_long"));
    assert_eq!(
        EdgeError::from(LimitError::BodyTooLarge { max: 1 }).status,
        413
    );
}

#[test]
fn rate_limits_are_429_with_retry_after_and_no_invented_count() {
    let e = EdgeError::rate_limited("search", 60);
    assert_eq!((e.status, e.retry_after_secs), (429, Some(60)));
    assert_eq!(e.heading(), "Too many requests");
    let body = json(&e);
    assert_eq!(body["error"]["class"], "search");
    assert!(body["error"].get("remaining").is_none());
}

#[test]
fn echoed_input_never_reads_as_markup() {
    let e = EdgeError::bad_request("x", "bad <script>alert(1)</script> & more");
    let body = e.json_body("r");
    assert!(
        !body.contains('<') && !body.contains('>') && !body.contains('&'),
        "{body}"
    );
    let back: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        back["error"]["message"],
        "bad <script>alert(1)</script> & more"
    );
}

#[test]
fn a_missing_secret_is_a_503_that_names_it_only_in_the_log() {
    let e = EdgeError::from(StoreError::Misconfigured {
        what: "BACKUP_SECRET: 0 bytes".into(),
    });
    assert_eq!(e.status, 503);
    assert!(!json(&e).to_string().contains("BACKUP_SECRET"));
    assert!(
        e.detail
            .as_deref()
            .is_some_and(|d| d.contains("BACKUP_SECRET"))
    );
}

#[test]
fn admin_refusals_are_503_or_a_401_that_says_how_to_authenticate() {
    use wandstore_core::secret::AuthRefusal;
    let off = EdgeError::from(AuthRefusal::AdminDisabled);
    assert_eq!((off.status, off.code.as_str()), (503, "admin_disabled"));
    assert!(off.detail.is_some(), "the detail goes to the log");
    assert!(off.headers.is_empty(), "{:?}", off.headers);
    for r in [AuthRefusal::NoBearer, AuthRefusal::WrongToken] {
        let e = EdgeError::from(r);
        assert_eq!((e.status, e.code.as_str()), (401, "unauthorized"));
        let (headers, _) = e.answer(None, "req-1");
        let challenge = headers.iter().find(|(k, _)| *k == "www-authenticate");
        assert_eq!(challenge.unwrap().1, r#"Bearer realm="wandstore-admin""#);
    }
}

#[test]
fn an_error_notes_its_code_and_its_detail_or_else_its_message_in_the_request_log() {
    let mut log = wandstore_core::log::RequestLog::default();
    EdgeError::bad_request("bad_url", "the request's URL cannot be read").note_in(&mut log);
    assert_eq!(log.error_code.as_deref(), Some("bad_url"));
    assert_eq!(
        log.error.as_deref(),
        Some("the request's URL cannot be read")
    );
    EdgeError::internal("disk on fire").note_in(&mut log);
    assert_eq!(log.error_code.as_deref(), Some("internal"));
    assert!(
        log.error
            .as_deref()
            .is_some_and(|e| e.contains("disk on fire"))
    );
}

#[test]
fn an_errors_answer_is_json_for_apis_and_the_page_for_browsers_with_its_headers() {
    let mut e = EdgeError::rate_limited("pages", 7);
    e.headers.push(("x-extra", "1".to_owned()));
    let (headers, body) = e.answer(None, "req-9");
    assert_eq!(headers[0], ("content-type", "application/json".to_owned()));
    assert!(headers.contains(&("retry-after", "7".to_owned())));
    assert!(headers.contains(&("x-extra", "1".to_owned())));
    assert_eq!(body, e.json_body("req-9"));
    let (headers, body) = e.answer(Some("<p>slow down</p>".to_owned()), "req-9");
    assert_eq!(
        headers[0],
        ("content-type", "text/html; charset=utf-8".to_owned())
    );
    assert_eq!(body, "<p>slow down</p>");
    let (headers, _) = EdgeError::method_not_allowed("GET, HEAD").answer(None, "");
    assert!(headers.contains(&("allow", "GET, HEAD".to_owned())));
    assert!(!headers.iter().any(|(n, _)| *n == "retry-after"));
    let (plain, _) = EdgeError::not_found("x", "gone").answer(None, "");
    assert_eq!(plain.len(), 1, "{plain:?}");
}

#[test]
fn a_question_without_an_answer_reads_as_its_errors_message() {
    let broken: AskError<StoreError> = AskError::Broken("object reset".into());
    let message = EdgeError::from(broken.clone()).message;
    assert_eq!(broken.to_string(), format!("{message} (object reset)"));
    let refused: AskError<StoreError> = AskError::Refused(StoreError::NotFound);
    assert_eq!(
        refused.to_string(),
        EdgeError::from(StoreError::NotFound).message
    );
    assert_ne!(refused.to_string(), broken.to_string());
}
