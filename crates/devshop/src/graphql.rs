//! `POST /api/{version}/graphql.json`: the Storefront API endpoint. Order of checks, as on
//! Shopify: the version must look like `YYYY-MM` (or `unstable`), else 404; the token must
//! select a shop, else 401; then the shop's fault (if any) applies; then the query runs.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::auth;
use crate::control;
use crate::faults::{self, Target};
use crate::schema::Scope;
use crate::server::AppState;

/// `2025-07`-like versions (month 01–12), and `unstable`.
pub fn is_api_version(version: &str) -> bool {
    if version == "unstable" {
        return true;
    }
    let b = version.as_bytes();
    b.len() == 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(version[5..].parse::<u8>(), Ok(1..=12))
}

pub async fn handle(
    State(app): State<Arc<AppState>>,
    Path(version): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_api_version(&version) {
        return control::not_found().await;
    }
    let Some(shop) = app.auth.shop_for(&headers) else {
        app.stats.unauthorized();
        return auth::unauthorized();
    };
    app.stats.request(&shop.name);
    if let Some(response) =
        faults::inject(&app.faults, &app.stats, &shop.name, Target::Graphql).await
    {
        return response;
    }
    let request = match parse_request(&headers, &body) {
        Some(r) => r,
        None => {
            return (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                r#"{"errors":{"query":"Required parameter missing or invalid"}}"#,
            )
                .into_response();
        }
    };
    let request = request.data(Scope {
        shop,
        base_url: app.base_url.clone(),
        carts: app.carts.clone(),
    });
    let response = app.schema.execute(request).await;
    let body = match serde_json::to_vec(&response) {
        Ok(b) => b,
        Err(e) => {
            return control::json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
        }
    };
    let mut http = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response();
    if let Ok(id) = HeaderValue::from_str(&app.next_request_id()) {
        http.headers_mut().insert("x-request-id", id);
    }
    http
}

/// A JSON body `{"query", "variables", "operationName"}`, or a raw `application/graphql` query.
fn parse_request(headers: &HeaderMap, body: &[u8]) -> Option<async_graphql::Request> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let request = if content_type.starts_with("application/graphql") {
        async_graphql::Request::new(std::str::from_utf8(body).ok()?)
    } else {
        serde_json::from_slice::<async_graphql::Request>(body).ok()?
    };
    (!request.query.trim().is_empty()).then_some(request)
}

#[cfg(test)]
mod tests {
    use super::is_api_version;

    #[test]
    fn versions() {
        assert!(is_api_version("2025-07"));
        assert!(is_api_version("unstable"));
        assert!(!is_api_version("2025-13"));
        assert!(!is_api_version("2025-7"));
        assert!(!is_api_version("latest"));
    }
}
