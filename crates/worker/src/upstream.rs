//! The driver for sans-IO clients: executes a `wandstore_core::http::HttpRequest` with the
//! runtime's `fetch`, within the request's timeout.

use futures::FutureExt;
use std::time::Duration;
use wandstore_core::http::{HttpRequest, HttpResponse, Method as HttpMethod, TransportError};
use worker::js_sys::Uint8Array;
use worker::{
    AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect,
};

/// Sends `req` and reads the whole response, or reports a timeout or a connection failure.
/// The response body is read within the same deadline.
pub async fn execute(req: &HttpRequest) -> Result<HttpResponse, TransportError> {
    let request = build(req).map_err(|e| TransportError::Connection(e.to_string()))?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let call = async {
        let mut resp = Fetch::Request(request)
            .send_with_signal(&signal)
            .await
            .map_err(|e| TransportError::Connection(e.to_string()))?;
        let status = resp.status_code();
        let headers = resp
            .headers()
            .entries()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        let body = resp
            .bytes()
            .await
            .map_err(|e| TransportError::Connection(format!("reading the body: {e}")))?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    };
    let timeout = Delay::from(Duration::from_millis(u64::from(req.timeout_ms)));
    futures::select! {
        result = call.fuse() => result,
        _ = timeout.fuse() => {
            controller.abort();
            Err(TransportError::Timeout)
        }
    }
}

fn build(req: &HttpRequest) -> worker::Result<Request> {
    let headers = Headers::new();
    for (k, v) in &req.headers {
        headers.append(k, v)?;
    }
    let mut init = RequestInit::new();
    init.with_method(match req.method {
        HttpMethod::Get => Method::Get,
        HttpMethod::Post => Method::Post,
    })
    .with_headers(headers)
    // A redirect from an API is an answer to report, never something to follow silently.
    .with_redirect(RequestRedirect::Manual);
    if !req.body.is_empty() {
        init.with_body(Some(Uint8Array::from(req.body.as_slice()).into()));
    }
    Request::new_with_init(&req.url, &init)
}
