//! The Worker entry: request id, tenant resolution, shopper identity, forwarding to the
//! shopper's object, response headers and the JSON log line.

use crate::internal::{self, ShopperContext};
use crate::objects::SHOPPER_STOREFRONT;
use crate::{admin, body, domains, env_config, health, random, respond};
use wandstore_core::identity::{CookieScope, ShopperId, set_cookie_header};
use wandstore_core::log::{Level, RequestLog};
use wandstore_core::tenant::{self, HostRoute, StorePath, Target};
use wandstore_render::Chrome;
use worker::{Env, Headers, Method, Request, Response, console_log};

/// Handles one client request. Never fails: every error becomes a response and a log line.
pub async fn handle(req: Request, env: &Env) -> Response {
    let started = worker::Date::now().as_millis();
    let request_id = client_request_id(&req).unwrap_or_else(random::request_id);
    let mut log = RequestLog {
        ts: started,
        msg: "request",
        request_id: request_id.clone(),
        method: req.method().to_string(),
        path: req.path(),
        ..Default::default()
    };
    let mut resp = match route(req, env, &request_id, &mut log).await {
        Ok(resp) => resp,
        Err(e) => {
            log.error_code = Some("internal".into());
            log.error = Some(e.to_string());
            respond::error_page(
                500,
                Chrome::platform(&request_id),
                "Something went wrong",
                "We could not show this page. Please try again in a moment.",
            )
        }
    };
    let finished = worker::Date::now().as_millis();
    log.status = resp.status_code();
    log.level = Level::for_status(log.status);
    log.duration_ms = finished.saturating_sub(started);
    if let Err(e) = finish_headers(resp.headers_mut(), &request_id, log.duration_ms) {
        log.error
            .get_or_insert_with(|| format!("setting response headers: {e}"));
    }
    console_log!("{}", log.to_json());
    resp
}

/// Accepts a caller's `X-Request-ID` only if it is short and plain, so it is safe to log.
fn client_request_id(req: &Request) -> Option<String> {
    let id = req.headers().get("x-request-id").ok().flatten()?;
    (!id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then_some(id)
}

fn finish_headers(h: &mut Headers, request_id: &str, duration_ms: u64) -> worker::Result<()> {
    h.set("x-request-id", request_id)?;
    h.set("x-response-time", &format!("{duration_ms}ms"))?;
    h.set("x-content-type-options", "nosniff")?;
    h.set("referrer-policy", "strict-origin-when-cross-origin")?;
    h.set("x-frame-options", "DENY")?;
    Ok(())
}

async fn route(
    req: Request,
    env: &Env,
    request_id: &str,
    log: &mut RequestLog,
) -> worker::Result<Response> {
    let path = req.path();
    let host = req
        .headers()
        .get("host")?
        .or_else(|| req.url().ok().and_then(|u| u.host_str().map(str::to_owned)))
        .unwrap_or_default();
    let target = match tenant::classify_host(&host, &env_config::base_domain(env)) {
        HostRoute::Platform => tenant::resolve(&path),
        HostRoute::Subdomain(store) => tenant::resolve_for_store(&path, store),
        HostRoute::BadSubdomain(e) => Target::BadStore(e),
        HostRoute::Custom(host) => match domains::store_for(env, &host, request_id).await? {
            Some(store) => tenant::resolve_for_store(&path, store),
            None => {
                return Ok(respond::error_page(
                    404,
                    Chrome::platform(request_id),
                    "Store not found",
                    "No store is connected to this domain.",
                ));
            }
        },
    };
    match target {
        Target::Platform(path) => platform(req, env, &path, request_id).await,
        Target::BadStore(e) => Ok(respond::error_page(
            404,
            Chrome::platform(request_id),
            "Store not found",
            &format!("There is no store at this address: {e}."),
        )),
        Target::Store(target) => {
            log.store = Some(target.store.to_string());
            storefront(req, env, target, request_id, log).await
        }
    }
}

async fn platform(
    req: Request,
    env: &Env,
    path: &str,
    request_id: &str,
) -> worker::Result<Response> {
    if path.starts_with("/admin/") {
        return admin::handle(req, env, path, request_id).await;
    }
    Ok(match path {
        "/health/live" => health::live(),
        "/health/ready" => health::ready(env, request_id, false).await,
        "/health" => health::ready(env, request_id, true).await,
        "/.well-known/security.txt" => health::security_txt(env),
        _ => respond::json_error(404, "not_found", "no such route", request_id),
    })
}

async fn storefront(
    mut req: Request,
    env: &Env,
    target: StorePath,
    request_id: &str,
    log: &mut RequestLog,
) -> worker::Result<Response> {
    let body = match read_body(&mut req, request_id).await? {
        Ok(body) => body,
        Err(resp) => return Ok(resp),
    };
    let signer = match env_config::cookie_signer(env) {
        Ok(signer) => signer,
        Err(weak) => {
            log.error_code = Some("config".into());
            log.error = Some(weak.to_string());
            return Ok(respond::error_page(
                503,
                Chrome::platform(request_id),
                "Temporarily unavailable",
                "This store is not configured yet. Please try again later.",
            ));
        }
    };
    let cookies = req.headers().get("cookie")?.unwrap_or_default();
    let known = signer.shopper_from_cookie_header(&cookies, &target.store);
    let is_new = known.is_none();
    let shopper = match known {
        Some(s) => s,
        None => ShopperId::from_random(random::bytes16()?),
    };
    log.shopper = Some(shopper.log_tag());
    log.new_shopper = is_new;
    log.durable_object = Some("ShopperStorefront");

    let origin = req
        .url()
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    let ctx = ShopperContext {
        store: target.store.clone(),
        shopper: shopper.clone(),
        base: target.base.clone(),
        origin,
        request_id: request_id.to_owned(),
    };
    let headers = Headers::new();
    ctx.write(&headers)?;
    for (from, to) in FORWARDED {
        if let Some(value) = req.headers().get(from)? {
            headers.set(to, &value)?;
        }
    }
    let rest = match req.url()?.query() {
        Some(q) if !q.is_empty() => format!("{}?{q}", target.rest),
        _ => target.rest.clone(),
    };
    let inner = internal::with_body(req.method(), &rest, headers, body)?;
    let stub = env
        .durable_object(SHOPPER_STOREFRONT)?
        .id_from_name(&format!("{}/{}", target.store, shopper))?
        .get_stub()?;
    let mut resp = respond::into_mutable(stub.fetch_with_request(inner).await?).await?;

    log.cache = resp.headers().get(internal::CACHE_HEADER)?;
    if is_new && resp.status_code() < 400 {
        let scope = CookieScope {
            path: target.base.clone(),
            secure: !is_plain_localhost(&req),
        };
        let token = signer.sign(&target.store, &shopper);
        resp.headers_mut()
            .append("set-cookie", &set_cookie_header(&token, &scope))?;
    }
    Ok(resp)
}

/// Client headers a shopper's object may need, and the name it gets them under.
const FORWARDED: [(&str, &str); 5] = [
    ("content-type", "content-type"),
    ("accept", "accept"),
    ("idempotency-key", "idempotency-key"),
    ("cf-connecting-ip", internal::BUYER_IP),
    ("cf-ipcountry", internal::BUYER_COUNTRY),
];

/// The largest body a storefront route accepts (cart forms and JSON are far smaller).
pub const MAX_STORE_BODY: usize = 64 * 1024;

/// The request body as text (`None` for GET/HEAD), or the response refusing it: 413 when too
/// large, 400 when it is not UTF-8.
async fn read_body(
    req: &mut Request,
    request_id: &str,
) -> worker::Result<Result<Option<String>, Response>> {
    if matches!(req.method(), Method::Get | Method::Head) {
        return Ok(Ok(None));
    }
    let bytes = match body::read_limited(req, MAX_STORE_BODY, request_id).await? {
        Ok(bytes) => bytes,
        Err(resp) => return Ok(Err(resp)),
    };
    Ok(String::from_utf8(bytes).map(Some).map_err(|_| {
        respond::json_error(
            400,
            "bad_encoding",
            "the body is not UTF-8 text",
            request_id,
        )
    }))
}

/// Plain HTTP on localhost (local development) is the only place a cookie may lack `Secure`.
fn is_plain_localhost(req: &Request) -> bool {
    req.url().is_ok_and(|u| {
        u.scheme() == "http" && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
    })
}
