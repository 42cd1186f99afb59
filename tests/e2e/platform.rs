//! Platform routes and the headers every response carries.

use crate::support::{Ctx, Test};
use wandstore_e2e::Client;

pub const TESTS: &[(&str, Test)] = &[
    ("platform::health_live_is_ok", health_live_is_ok),
    (
        "platform::every_response_has_request_id_and_timing",
        every_response_has_request_id_and_timing,
    ),
    (
        "platform::a_plain_request_id_from_the_client_is_kept",
        a_plain_request_id_from_the_client_is_kept,
    ),
];

fn health_live_is_ok(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let page = Client::new(url).get("/health/live");
    assert_eq!(page.status, 200);
    assert_eq!(page.body, r#"{"status":"ok"}"#);
    assert_eq!(Client::new(url).get("/health/nope").status, 404);
}

fn every_response_has_request_id_and_timing(ctx: &Ctx) {
    let url = ctx.url.as_str();
    for path in ["/", "/s/outlet/", "/s/nowhere/", "/health/live"] {
        let page = Client::new(url).get(path);
        let id = page.header("x-request-id").unwrap_or_default();
        assert_eq!(id.len(), 32, "{path}: {id:?}");
        assert!(
            page.header("x-response-time")
                .is_some_and(|t| t.ends_with("ms")),
            "{path}"
        );
        assert_eq!(
            page.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(page.header("x-frame-options"), Some("DENY"), "{path}");
    }
    // Ids differ per request.
    let a = Client::new(url).get("/health/live");
    let b = Client::new(url).get("/health/live");
    assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
}

fn a_plain_request_id_from_the_client_is_kept(ctx: &Ctx) {
    let url = ctx.url.as_str();
    let page = wandstore_e2e::Client::new(url).get_with_header(
        "/health/live",
        "x-request-id",
        "trace-123_abc",
    );
    assert_eq!(page.header("x-request-id"), Some("trace-123_abc"));
    let hostile = wandstore_e2e::Client::new(url).get_with_header(
        "/health/live",
        "x-request-id",
        "bad id\" {",
    );
    assert_ne!(hostile.header("x-request-id"), Some("bad id\" {"));
}
