//! The driver for sans-IO clients: executes a `wandstore_core::http::HttpRequest` with the
//! runtime's `fetch` within a timeout, and runs a [`GuardedCall`] (retries, backoff, the
//! breaker) by doing only what it says: send, sleep, store the breaker.

use crate::clock::now_ms;
use futures::FutureExt;
use std::time::Duration;
use wandstore_core::breaker::CircuitBreaker;
use wandstore_core::guarded::{GuardFailure, GuardedCall, Step, UpstreamFailure};
use wandstore_core::http::{HttpRequest, HttpResponse, Method as HttpMethod, TransportError};
use wandstore_protocol::store::UpstreamStats;
use worker::js_sys::Uint8Array;
use worker::{
    AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect,
};

/// Where an upstream's one circuit breaker lives (e.g. a StoreConfig object).
pub trait BreakerHome {
    /// Runs `f` on the breaker.
    fn with_breaker<R>(&self, f: impl FnOnce(&mut CircuitBreaker) -> R) -> R;
    /// Stores the breaker if it changed since it was last stored (and logs a transition).
    fn store_breaker(&self);
    /// Counts a failed attempt by its kind (for the object's metrics).
    fn count_failure(&self, _kind: &str) {}
}

/// Sends `request` as `call` directs, turning each answer into a `T` or an `E` with
/// `interpret`, adding each attempt to `stats`. Returns when the call is done or has failed for
/// good.
pub async fn guarded<T, E>(
    call: &mut GuardedCall,
    home: &impl BreakerHome,
    request: &HttpRequest,
    stats: &mut UpstreamStats,
    mut interpret: impl FnMut(&HttpResponse) -> Result<T, E>,
) -> Result<T, GuardFailure<E>>
where
    E: UpstreamFailure + From<TransportError>,
{
    loop {
        let step = home.with_breaker(|b| call.begin_attempt::<E>(b, now_ms()));
        let timeout_ms = match step {
            Step::Send { timeout_ms } => timeout_ms,
            Step::Failed(failure) => return Err(failure),
            // begin_attempt only sends or refuses.
            Step::Wait { .. } | Step::Done => 0,
        };
        let sent = now_ms();
        let outcome = execute(request, timeout_ms)
            .await
            .map_err(E::from)
            .and_then(|resp| interpret(&resp));
        *stats = stats.plus(UpstreamStats {
            calls: 1,
            ms: now_ms().saturating_sub(sent),
        });
        let next = match outcome {
            Ok(value) => {
                home.with_breaker(|b| call.on_success::<E>(b, now_ms()));
                home.store_breaker();
                return Ok(value);
            }
            Err(err) => {
                home.count_failure(err.kind());
                let jitter = worker::js_sys::Math::random();
                home.with_breaker(|b| call.on_failure(b, err, now_ms(), jitter))
            }
        };
        home.store_breaker();
        match next {
            Step::Wait { ms } => Delay::from(Duration::from_millis(ms)).await,
            Step::Failed(failure) => return Err(failure),
            Step::Send { .. } | Step::Done => {}
        }
    }
}

/// Sends `req` and reads the whole response, or reports a timeout or a connection failure.
/// The response body is read within the same deadline (the shorter of the request's own
/// timeout and `timeout_ms`).
pub async fn execute(req: &HttpRequest, timeout_ms: u64) -> Result<HttpResponse, TransportError> {
    let request = build(req).map_err(|e| TransportError::Connection(e.to_string()))?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let call = async {
        let resp = Fetch::Request(request)
            .send_with_signal(&signal)
            .await
            .map_err(|e| TransportError::Connection(e.to_string()))?;
        let status = resp.status_code();
        let headers = resp
            .headers()
            .entries()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        let raw: worker::web_sys::Response = resp.into();
        let body = body_bytes(&raw)
            .await
            .map_err(|e| TransportError::Connection(format!("reading the body: {e}")))?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    };
    let limit = timeout_ms.min(u64::from(req.timeout_ms)).max(1);
    let timeout = Delay::from(Duration::from_millis(limit));
    futures::select! {
        result = call.fuse() => result,
        _ = timeout.fuse() => {
            controller.abort();
            Err(TransportError::Timeout)
        }
    }
}

/// The whole body, copied into Wasm memory once.
async fn body_bytes(resp: &worker::web_sys::Response) -> worker::Result<Vec<u8>> {
    let buffer = worker::wasm_bindgen_futures::JsFuture::from(resp.array_buffer()?).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
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
