//! Building responses, and the one place where an [`EdgeError`] becomes a response: JSON
//! for APIs, the themed page for browsers. Every constructor here is infallible.

use wandstore_protocol::EdgeError;
pub use wandstore_render::Audience;
use worker::{Headers, Response, ResponseBuilder};

/// An answer as its status, headers and body, finished and sent by the entry in one call
/// (`render::console_reply::Reply` is one).
pub type Parts = (u16, Vec<(&'static str, String)>, String);

/// An answer made at the entry as the runtime takes it: its body bytes already copied out of
/// Wasm, or a stream (an R2 file's) never copied in.
pub type Made = (
    u16,
    Vec<(&'static str, String)>,
    Option<worker::js_sys::Object>,
);

/// A response with a body and content type. Header names and values built here are static
/// or validated, so setting them cannot fail; if one ever did, it would be dropped, not panic.
pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    with_headers(status, &[("content-type", content_type)], body)
}

/// A response with a body and the headers given, made with one call into JavaScript (see
/// [`bytes`] on why making them cannot fail).
pub fn with_headers<K: AsRef<str>, V: AsRef<str>>(
    status: u16,
    pairs: &[(K, V)],
    body: Vec<u8>,
) -> Response {
    let made = crate::internal::make_headers(pairs).map(Headers);
    ResponseBuilder::new()
        .with_status(status)
        .with_headers(made.unwrap_or_else(|_| Headers::new()))
        .fixed(body)
}

/// The error as its audience reads it, with `Retry-After` and `Allow` where they apply.
pub fn error(e: &EdgeError, audience: Audience, request_id: &str) -> Response {
    let (headers, body) = audience.answer(e, request_id);
    with_headers(e.status, &headers, body.into_bytes())
}
