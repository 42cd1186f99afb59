//! The Worker entry: request id, tenant resolution, shopper identity, forwarding to the
//! shopper's object (whose response streams back untouched), response headers and the JSON
//! log line. Every error becomes a response here, through `respond::error`.

use crate::internal;
use crate::objects::SHOPPER_STOREFRONT;
use crate::respond::{self, Audience};
use crate::{admin, body, domains, env_config, health, random};
use wandstore_core::headers::{PRIVATE_NO_STORE, security_headers};
use wandstore_core::identity::{CookieScope, ShopperId, set_cookie_header};
use wandstore_core::limits::{self, BodyKind};
use wandstore_core::log::{Level, RequestLog, accept_request_id};
use wandstore_core::routes::{PlatformRoute, StoreRoute};
use wandstore_core::tenant::{self, HostRoute, StorePath, Target};
use wandstore_protocol::EdgeError;
use wandstore_protocol::edge::route_error;
use wandstore_protocol::shopper::{CONTEXT_HEADER, ObjectReport, REPORT_HEADER, ShopperContext};
use wandstore_render::Chrome;
use worker::{Env, Headers, Method, Request, Response, console_log, web_sys};

/// Handles one client request. Never fails: every error becomes a response and a log line.
pub async fn handle(req: Request, env: &Env) -> Response {
    let started = worker::Date::now().as_millis();
    let header = req.headers().get("x-request-id").ok().flatten();
    let request_id = accept_request_id(header.as_deref()).unwrap_or_else(random::request_id);
    let mut log = RequestLog {
        ts: started,
        msg: "request",
        request_id: request_id.clone(),
        method: req.inner().method(),
        path: req.path(),
        ..Default::default()
    };
    let url = req.url().ok();
    let secure_transport = url
        .as_ref()
        .is_none_or(|u| CookieScope::new("/", u.scheme(), u.host_str().unwrap_or("")).secure);
    let checked = check_limits(&req, url.as_ref()).map_err(|e| (e, Audience::Api));
    let outcome = match checked {
        Ok(()) => route(req, env, &request_id, &mut log).await,
        Err(refused) => Err(refused),
    };
    let mut resp = match outcome {
        Ok(resp) => resp,
        Err((e, audience)) => {
            log.error_code = Some(e.code.clone());
            log.error = e.detail.clone().or_else(|| Some(e.message.clone()));
            let mut resp = respond::error(&e, audience, &request_id);
            admin::challenge(&mut resp);
            resp
        }
    };
    let finished = worker::Date::now().as_millis();
    log.status = resp.status_code();
    log.level = Level::for_status(log.status);
    log.duration_ms = finished.saturating_sub(started);
    let development = env_config::is_development(env);
    let headers = security_headers(secure_transport, development);
    if let Err(e) = finish_headers(resp.headers_mut(), &request_id, log.duration_ms, &headers) {
        log.error
            .get_or_insert_with(|| format!("setting response headers: {e}"));
    }
    console_log!("{}", log.to_json());
    resp
}

/// The limits every request meets before routing: method, URL length, path, header size.
fn check_limits(req: &Request, url: Option<&worker::Url>) -> Result<(), EdgeError> {
    // The method as sent: `Request::method` reads an unknown one (PROPFIND…) as GET.
    let method = req.inner().method();
    let (full, path) = url.map_or(("", ""), |u| (u.as_str(), u.path()));
    limits::check_request(&method, full, path)?;
    let entries: Vec<(String, String)> = req.headers().entries().collect();
    let bytes = limits::header_bytes(entries.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    limits::check_headers(bytes)?;
    Ok(())
}

fn finish_headers(
    h: &mut Headers,
    request_id: &str,
    duration_ms: u64,
    security: &[(&str, String)],
) -> worker::Result<()> {
    h.set("x-request-id", request_id)?;
    h.set("x-response-time", &format!("{duration_ms}ms"))?;
    for (name, value) in security {
        h.set(name, value)?;
    }
    Ok(())
}

/// An error and who reads it.
type Refusal = (EdgeError, Audience);

fn page_error(e: EdgeError, request_id: &str) -> Refusal {
    (e, Audience::page(Chrome::platform(request_id)))
}

async fn route(
    req: Request,
    env: &Env,
    request_id: &str,
    log: &mut RequestLog,
) -> Result<Response, Refusal> {
    let path = req.path();
    let host = req
        .headers()
        .get("host")
        .ok()
        .flatten()
        .or_else(|| req.url().ok().and_then(|u| u.host_str().map(str::to_owned)))
        .unwrap_or_default();
    let target = match tenant::classify_host(&host, &env_config::base_domain(env)) {
        HostRoute::Platform => tenant::resolve(&path),
        HostRoute::Subdomain(store) => tenant::resolve_for_store(&path, store),
        HostRoute::BadSubdomain(e) => Target::BadStore(e),
        HostRoute::Custom(host) => match domains::store_for(env, &host, request_id).await {
            Ok(Some(store)) => tenant::resolve_for_store(&path, store),
            Ok(None) => {
                let e = EdgeError::no_store("no store is connected to this domain");
                return Err(page_error(e, request_id));
            }
            Err(e) => return Err(page_error(e, request_id)),
        },
    };
    match target {
        Target::Platform(path) => platform(req, env, &path, request_id)
            .await
            .map_err(|e| (e, Audience::Api)),
        Target::BadStore(e) => Err(page_error(
            EdgeError::no_store(format!("there is no store at this address: {e}")),
            request_id,
        )),
        Target::Store(target) => {
            log.store = Some(target.store.to_string());
            storefront(req, env, target, request_id, log)
                .await
                .map_err(|e| page_error(e, request_id))
        }
    }
}

async fn platform(
    req: Request,
    env: &Env,
    path: &str,
    request_id: &str,
) -> Result<Response, EdgeError> {
    if path.starts_with("/admin/") {
        // Who is asking comes first: without the admin token, no route is revealed.
        admin::authorize(&req, env)?;
    }
    let method = req.method();
    Ok(
        match PlatformRoute::parse(method.as_ref(), path).map_err(route_error)? {
            PlatformRoute::Admin(route) => return admin::handle(req, env, route, request_id).await,
            PlatformRoute::HealthLive => health::live(),
            PlatformRoute::HealthReady => health::ready(env, request_id, false).await,
            PlatformRoute::Health => health::ready(env, request_id, true).await,
            PlatformRoute::SecurityTxt => health::security_txt(env),
        },
    )
}

/// Client headers a shopper's object may need.
const FORWARDED: [&str; 3] = ["content-type", "accept", "idempotency-key"];

async fn storefront(
    mut req: Request,
    env: &Env,
    target: StorePath,
    request_id: &str,
    log: &mut RequestLog,
) -> Result<Response, EdgeError> {
    let body = read_body(&mut req, &target.rest).await?;
    let signer = env_config::cookie_signer(env).map_err(|weak| {
        EdgeError::misconfigured(
            "config",
            "this store is not configured yet; please try again later",
            weak,
        )
    })?;
    let client = req.headers();
    let get = |name: &str| client.get(name).ok().flatten();
    let known =
        signer.shopper_from_cookie_header(&get("cookie").unwrap_or_default(), &target.store);
    let is_new = known.is_none();
    let shopper = match known {
        Some(s) => s,
        None => ShopperId::from_random(random::bytes16().map_err(EdgeError::internal)?),
    };
    log.shopper = Some(shopper.log_tag());
    log.new_shopper = is_new;
    log.durable_object = Some("ShopperStorefront");

    let url = req.url().map_err(EdgeError::internal)?;
    let ctx = ShopperContext {
        store: target.store.clone(),
        shopper: shopper.clone(),
        base: target.base.clone(),
        origin: url.origin().ascii_serialization(),
        request_id: request_id.to_owned(),
        buyer_ip: get("cf-connecting-ip"),
        buyer_country: get("cf-ipcountry"),
    };
    let headers = Headers::new();
    let internal_err = EdgeError::internal;
    headers
        .set(CONTEXT_HEADER, &ctx.to_header())
        .map_err(internal_err)?;
    for name in FORWARDED {
        if let Some(value) = get(name) {
            headers.set(name, &value).map_err(internal_err)?;
        }
    }
    let rest = match url.query() {
        Some(q) if !q.is_empty() => format!("{}?{q}", target.rest),
        _ => target.rest.clone(),
    };
    let inner = internal::request(req.method(), &rest, headers, body).map_err(internal_err)?;
    let name = format!("{}/{}", target.store, shopper);
    let stub = internal::stub(env, SHOPPER_STOREFRONT, &name).map_err(internal_err)?;
    let answer = internal::fetch(stub, &inner).await.map_err(internal_err)?;

    let cookie = (is_new && answer.status() < 400).then(|| {
        let scope = CookieScope::new(&target.base, url.scheme(), url.host_str().unwrap_or(""));
        set_cookie_header(&signer.sign(&target.store, &shopper), &scope)
    });
    let (resp, report) = pass_through(&answer, cookie.as_deref()).map_err(internal_err)?;
    if let Some(report) = report {
        log.cache = report.cache;
        log.rows_read = Some(report.rows_read);
        log.rows_written = Some(report.rows_written);
        log.do_calls = Some(report.do_calls.saturating_add(1));
    }
    Ok(resp)
}

/// The object's response as the client gets it: the same status and streamed body (never
/// copied into Wasm), its headers without the internal report, plus a new shopper's cookie.
fn pass_through(
    answer: &web_sys::Response,
    cookie: Option<&str>,
) -> worker::Result<(Response, Option<ObjectReport>)> {
    let headers = web_sys::Headers::new_with_headers(&answer.headers())?;
    let report = headers
        .get(REPORT_HEADER)?
        .as_deref()
        .and_then(ObjectReport::from_header);
    headers.delete(REPORT_HEADER)?;
    if let Some(cookie) = cookie {
        headers.append("set-cookie", cookie)?;
    }
    // Every store page carries the shopper's data (at least their cart count).
    headers.set("cache-control", PRIVATE_NO_STORE)?;
    let init = web_sys::ResponseInit::new();
    init.set_status(answer.status());
    init.set_headers(&headers);
    let body = answer.body();
    let resp = web_sys::Response::new_with_opt_readable_stream_and_init(body.as_ref(), &init)?;
    Ok((Response::from(resp), report))
}

/// The request body as text (`None` for GET/HEAD) within its route's limit (the cart API's
/// JSON or a form): 413 when too large, 400 when not UTF-8.
async fn read_body(req: &mut Request, rest: &str) -> Result<Option<String>, EdgeError> {
    let method = req.method();
    if matches!(method, Method::Get | Method::Head) {
        return Ok(None);
    }
    let kind = match StoreRoute::parse(method.as_ref(), rest) {
        Ok(StoreRoute::CartApi) => BodyKind::CartJson,
        _ => BodyKind::Form,
    };
    let bytes = body::read_limited(req, kind).await?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| EdgeError::bad_request("bad_encoding", "the body is not UTF-8 text"))
}
