//! Building responses, and the one place where an [`EdgeError`] becomes a response: JSON
//! for APIs, the themed page for browsers. Every constructor here is infallible.

use serde::Serialize;
use wandstore_protocol::EdgeError;
use wandstore_protocol::edge::html_safe_json;
pub use wandstore_render::Audience;
use wandstore_render::Rendered;
use worker::{Headers, Response, ResponseBuilder};

/// A response with a body and content type. Header names and values built here are static
/// or validated, so setting them cannot fail; if one ever did, it would be dropped, not panic.
pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    with_headers(status, &[("content-type", content_type)], body)
}

/// A response with a body and the headers given, made with one call into JavaScript (see
/// [`bytes`] on why making them cannot fail).
pub fn with_headers<K, V>(status: u16, pairs: &[(K, V)], body: Vec<u8>) -> Response
where
    K: AsRef<str> + Serialize,
    V: AsRef<str> + Serialize,
{
    let made = crate::internal::make_headers(pairs).map(Headers);
    ResponseBuilder::new()
        .with_status(status)
        .with_headers(made.unwrap_or_else(|_| Headers::new()))
        .fixed(body)
}

/// An HTML page, or the error page for a template that failed to render.
pub fn html(status: u16, page: Rendered) -> Response {
    match page {
        Ok(body) => html_page(status, body),
        Err(e) => error(&unrendered(e), Audience::Api, ""),
    }
}

pub use wandstore_render::listing_pages::unrendered;

/// A rendered page.
pub fn html_page(status: u16, html: String) -> Response {
    bytes(status, HTML, html.into_bytes())
}

pub use wandstore_protocol::entry_route::HTML;

/// A JSON body (with `<`, `>`, `&` escaped, see [`html_safe_json`]).
pub fn json<T: Serialize>(status: u16, value: &T) -> Response {
    match serde_json::to_string(value) {
        Ok(body) => bytes(
            status,
            "application/json",
            html_safe_json(&body).into_bytes(),
        ),
        Err(e) => error(
            &EdgeError::internal(format!("a response failed to serialize: {e}")),
            Audience::Api,
            "",
        ),
    }
}

/// An empty response (204 and the like).
pub fn empty(status: u16) -> Response {
    ResponseBuilder::new().with_status(status).empty()
}

/// 303 See Other to `location` (after a form post).
pub fn see_other(location: &str) -> Response {
    let mut resp = empty(303);
    let _ = resp.headers_mut().set("location", location);
    resp
}

/// The error as its audience reads it, with `Retry-After` and `Allow` where they apply.
pub fn error(e: &EdgeError, audience: Audience, request_id: &str) -> Response {
    let (headers, body) = audience.answer(e, request_id);
    with_headers(e.status, &headers, body.into_bytes())
}
