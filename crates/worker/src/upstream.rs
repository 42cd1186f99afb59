//! The executor of sans-IO upstream drivers (`wandstore_core::guarded_run`): executes a
//! `wandstore_core::http::HttpRequest` with the runtime's `fetch` within a timeout, and sleeps
//! when the driver says so. What to send, when to retry and what the breaker says are the
//! driver's.

use crate::clock::now_ms;
use std::time::Duration;
use wandstore_core::guarded_run::{Action, Outcome};
use wandstore_core::http::{HttpRequest, HttpResponse, TransportError};
use worker::js_sys::Uint8Array;
use worker::{AbortController, Delay, Fetch, Request, web_sys};

/// The one executor of every upstream call (Shopify's, the AI Gateway's): performs what a
/// sans-IO driver asks for (send a request within its timeout, sleep) and feeds the outcome
/// back to `step` with the time and a jitter in `[0, 1)`, until the driver is done.
pub async fn drive<T>(mut step: impl FnMut(Outcome, u64, f64) -> Action<T>) -> T {
    let mut outcome = Outcome::Start;
    loop {
        outcome = match step(outcome, now_ms(), worker::js_sys::Math::random()) {
            Action::Send {
                request,
                timeout_ms,
            } => {
                let sent = now_ms();
                let result = execute(&request, timeout_ms).await;
                let ms = now_ms().saturating_sub(sent);
                Outcome::Answered { result, ms }
            }
            Action::Wait { ms } => {
                Delay::from(Duration::from_millis(ms)).await;
                Outcome::Waited
            }
            Action::Done(value) => return value,
        };
    }
}

/// Sends `req` and reads the whole response, or reports a timeout or a connection failure.
/// The response body is read within the same deadline (`HttpRequest::deadline_ms`).
async fn execute(req: &HttpRequest, timeout_ms: u64) -> Result<HttpResponse, TransportError> {
    let connection = |e: worker::Error| TransportError::Connection(e.to_string());
    let request = build(req).map_err(connection)?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let call = async {
        let resp = Fetch::Request(request).send_with_signal(&signal).await;
        let resp = resp.map_err(connection)?;
        let raw: worker::web_sys::Response = resp.into();
        // Header names come lower-cased from the runtime's `Headers`.
        let headers = crate::internal::read_headers(&raw.headers());
        let body = body_bytes(&raw)
            .await
            .map_err(|e| TransportError::Connection(format!("reading the body: {e}")))?;
        Ok(HttpResponse {
            status: raw.status(),
            headers,
            body,
        })
    };
    let answered = crate::deadline::within(req.deadline_ms(timeout_ms), call).await;
    answered.unwrap_or_else(|| {
        controller.abort();
        Err(TransportError::Timeout)
    })
}

/// The whole body, copied into Wasm memory once.
async fn body_bytes(resp: &worker::web_sys::Response) -> worker::Result<Vec<u8>> {
    let buffer = worker::wasm_bindgen_futures::JsFuture::from(resp.array_buffer()?).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The request made directly in JavaScript, its headers from one array
/// (`internal::headers_init`).
fn build(req: &HttpRequest) -> worker::Result<Request> {
    let init = web_sys::RequestInit::new();
    init.set_method(req.method.as_str());
    init.set_headers(&crate::internal::headers_init(&req.headers)?);
    // A redirect from an API is an answer to report, never something to follow silently.
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if let Some(body) = crate::internal::bytes(&req.body) {
        init.set_body(&body);
    }
    Ok(web_sys::Request::new_with_str_and_init(&req.url, &init)?.into())
}
