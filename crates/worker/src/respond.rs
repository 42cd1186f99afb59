//! Building responses without panicking: every constructor here is infallible.

use serde::Serialize;
use wandstore_render::{Chrome, ErrorPage, Rendered};
use worker::{Headers, Response, ResponseBuilder};

/// A response with a body and content type. Header names and values built here are static
/// or validated, so setting them cannot fail; if one ever did, it would be dropped, not panic.
pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", content_type);
    ResponseBuilder::new()
        .with_status(status)
        .with_headers(headers)
        .fixed(body)
}

/// An HTML page, or a plain-text 500 if the template failed to render.
pub fn html(status: u16, page: Rendered) -> Response {
    match page {
        Ok(body) => bytes(status, "text/html; charset=utf-8", body.into_bytes()),
        Err(e) => bytes(
            500,
            "text/plain; charset=utf-8",
            format!("internal error: a page failed to render ({e})").into_bytes(),
        ),
    }
}

/// A themed error page for browsers.
pub fn error_page(status: u16, chrome: Chrome, heading: &str, message: &str) -> Response {
    let page = ErrorPage {
        chrome,
        heading: heading.to_owned(),
        message: message.to_owned(),
    };
    html(status, page.html())
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
    request_id: &'a str,
    #[serde(flatten, skip_serializing_if = "serde_json::Value::is_null")]
    extra: serde_json::Value,
}

/// `{"error":{"code","message","request_id"}}` for API clients.
pub fn json_error(status: u16, code: &str, message: &str, request_id: &str) -> Response {
    json_error_with(status, code, message, request_id, serde_json::Value::Null)
}

/// The same, with extra fields (an object) inside `error`, e.g. `fields` for validation.
pub fn json_error_with(
    status: u16,
    code: &str,
    message: &str,
    request_id: &str,
    extra: serde_json::Value,
) -> Response {
    json(
        status,
        &ErrorBody {
            error: ErrorDetail {
                code,
                message,
                request_id,
                extra,
            },
        },
    )
}

/// 405 with the `Allow` header.
pub fn method_not_allowed(allow: &str, request_id: &str) -> Response {
    let mut resp = json_error(
        405,
        "method_not_allowed",
        &format!("this route accepts {allow}"),
        request_id,
    );
    let _ = resp.headers_mut().set("allow", allow);
    resp
}

/// A JSON body.
pub fn json<T: Serialize>(status: u16, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => bytes(status, "application/json", body),
        Err(e) => bytes(
            500,
            "text/plain; charset=utf-8",
            format!("internal error: a response failed to serialize ({e})").into_bytes(),
        ),
    }
}

/// Copies a response received from a Durable Object into one whose headers can be changed
/// (responses that crossed a `fetch` have immutable headers).
pub async fn into_mutable(mut resp: Response) -> worker::Result<Response> {
    let status = resp.status_code();
    let headers = Headers::new();
    for (name, value) in resp.headers().entries() {
        headers.append(&name, &value)?;
    }
    let body = resp.bytes().await?;
    Ok(ResponseBuilder::new()
        .with_status(status)
        .with_headers(headers)
        .fixed(body))
}
