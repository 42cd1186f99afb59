//! The Worker entry: request id, tenant resolution, shopper identity, forwarding to the
//! shopper's object (whose response streams back untouched), response headers and the JSON
//! log line. Every error becomes a response here, through `respond::error`.

use crate::edge_pages::EdgeAnswer;
use crate::internal;
use crate::objects::{SHOPPER_STOREFRONT, STORE_CONFIG, store_client};
use crate::respond::{self, Audience};
use crate::{admin, body, domains, env_config, health, random};
use wandstore_core::headers::{PageAllowances, Policy, security_headers_for};
use wandstore_core::identity::CookieScope;
use wandstore_core::limits::BodyKind;
use wandstore_core::log::{Level, RequestLog};
use wandstore_core::rate_limit::RateClass;
use wandstore_core::routes::{PlatformRoute, StoreRoute};
use wandstore_core::secret::admin_rate_key;
use wandstore_core::store_dispatch::{self, ShopperRequest, StoreDispatch};
use wandstore_core::tenant::{self, StorePath, Target};
use wandstore_protocol::EdgeError;
use wandstore_protocol::edge::route_error;
use wandstore_protocol::entry_route::{self, HostStep};
use wandstore_protocol::guard::Quota;
use wandstore_protocol::limit_run::LimitRun;
use wandstore_protocol::pass_through::{self, Finish};
use wandstore_protocol::shopper::CookieDraft;
use wandstore_protocol::theme::GetFavicon;
use wandstore_protocol::visit::{Arrival, Served, Visit};
use wandstore_render::Chrome;
use worker::worker_sys::ext::RequestExt;
use worker::{Env, Request, Response, console_log, web_sys};

pub use wandstore_protocol::entry_route::ClientHeaders;

/// What routing produced: a response made here, or a shopper object's answer whose body is
/// streamed through untouched (its headers are finished in one pass).
enum Routed {
    Local(Response),
    /// A page the entry rendered itself (`edge_pages`), answered 200 with every header set
    /// in one call.
    Page(String),
    /// An owner console page: made here, with the console's own security headers.
    Console(Response),
    Object {
        answer: web_sys::Response,
        cookie: Option<CookieDraft>,
        /// An exact limit's quota, reported in `RateLimit` headers.
        quota: Option<Quota>,
        /// What the page may do beyond the default policy (a preview's script and framing).
        allow: Option<PageAllowances>,
    },
}

/// Handles one client request. Never fails: every error becomes a response and a log line.
/// The answer is the runtime's own `Response`: a shopper object's answer streams through
/// without being wrapped in a `worker::Response` and built a second time.
pub async fn handle(req: web_sys::Request, env: &Env) -> web_sys::Response {
    let started = crate::clock::now_ms();
    // The runtime's request is read once (headers in one call, the URL parsed once), and only
    // wrapped in a `worker::Request` by the routes that read it further.
    let client = ClientHeaders(internal::read_headers(&req.headers()));
    let request_id = client.request_id(random::request_id);
    // Read and parsed once; everything below borrows it.
    let url = worker::Url::parse(&req.url()).ok();
    let colo = RequestExt::cf(&req).and_then(|cf| cf.colo().ok());
    let path = url.as_ref().map(worker::Url::path);
    // The method as sent: `worker::Method` reads an unknown one (PROPFIND…) as GET.
    let mut log = client.arrival_log(started, &request_id, req.method(), path, colo);
    let secure_transport = url
        .as_ref()
        .is_none_or(|u| CookieScope::new("/", u.scheme(), u.host_str().unwrap_or("")).secure);
    let checked = client
        .check_limits(&log.method, url.as_ref().map(|u| (u.as_str(), u.path())))
        .map_err(|e| (e, Audience::Api));
    let outcome = match (checked, &url) {
        (Ok(()), Some(url)) => route(req, url, env, &client, &request_id, &mut log).await,
        (Ok(()), None) => Err((
            EdgeError::bad_request("bad_url", "the request's URL cannot be read"),
            Audience::Api,
        )),
        (Err(refused), _) => Err(refused),
    };
    let routed = outcome.unwrap_or_else(|(e, audience)| {
        e.note_in(&mut log);
        let mut resp = respond::error(&e, audience, &request_id);
        admin::challenge(&mut resp);
        Routed::Local(resp)
    });
    let policy = match &routed {
        Routed::Console(_) => Policy::Console,
        Routed::Object {
            allow: Some(allow), ..
        } => Policy::Preview(allow),
        _ => Policy::Default,
    };
    let security = security_headers_for(policy, secure_transport, env_config::is_development(env));
    log.duration_ms = crate::clock::now_ms().saturating_sub(started);
    let timing = format!("{}ms", log.duration_ms);
    let resp = match routed {
        Routed::Local(mut resp) | Routed::Console(mut resp) => {
            let h = resp.headers_mut();
            let mut finishing = entry_route::finishing(&request_id, &timing, &security);
            if let Err(e) = finishing.try_for_each(|(name, value)| h.set(name, value)) {
                log.error
                    .get_or_insert_with(|| format!("setting response headers: {e}"));
            }
            web_sys::Response::from(resp)
        }
        Routed::Page(html) => page_response(&html, &request_id, &timing, &security)
            .unwrap_or_else(|e| unbuilt(e, &request_id, &mut log)),
        Routed::Object {
            answer,
            cookie,
            quota,
            allow: _,
        } => {
            let finish = Finish {
                request_id: &request_id,
                timing: &timing,
                security: &security,
                cookie: cookie.as_ref(),
                quota: quota.as_ref(),
            };
            pass_through(&answer, &finish, &mut log)
                .unwrap_or_else(|e| unbuilt(e, &request_id, &mut log))
        }
    };
    log.status = resp.status();
    log.level = Level::for_status(log.status);
    crate::isolate_metrics::record(&log);
    crate::isolate_metrics::write_data_point(env, &log);
    console_log!("{}", log.to_json());
    resp
}

/// The 500 for an answer the runtime refused to build, its detail in the log line.
fn unbuilt(e: worker::Error, request_id: &str, log: &mut RequestLog) -> web_sys::Response {
    let e = EdgeError::internal(e);
    log.error = e.detail.clone();
    web_sys::Response::from(respond::error(&e, Audience::Api, request_id))
}

/// A page made here as the client gets it: its headers and the finishing ones made in one
/// call into JavaScript, the body copied out of Wasm once.
fn page_response(
    html: &str,
    request_id: &str,
    timing: &str,
    security: &[(&str, String)],
) -> worker::Result<web_sys::Response> {
    let pairs = entry_route::page_headers(request_id, timing, security);
    let init = internal::response_init(200, &pairs)?;
    let body = worker::js_sys::Uint8Array::from(html.as_bytes());
    Ok(web_sys::Response::new_with_opt_buffer_source_and_init(
        Some(&body),
        &init,
    )?)
}

/// The object's answer as the client gets it: the same status and streamed body (never
/// copied into Wasm), its headers without the internal report (which goes to the log line),
/// plus the finishing headers, all set in one pass.
fn pass_through(
    answer: &web_sys::Response,
    finish: &Finish<'_>,
    log: &mut RequestLog,
) -> worker::Result<web_sys::Response> {
    let from_object = internal::read_headers(&answer.headers());
    let (pairs, report) = pass_through::outgoing(answer.status(), from_object, finish);
    report.log_into(log);
    let init = internal::response_init(answer.status(), &pairs)?;
    let body = answer.body();
    Ok(web_sys::Response::new_with_opt_readable_stream_and_init(
        body.as_ref(),
        &init,
    )?)
}

/// An error and who reads it.
type Refusal = (EdgeError, Audience);

fn page_error(e: EdgeError, request_id: &str) -> Refusal {
    (e, Audience::page(Chrome::platform(request_id)))
}

async fn route(
    req: web_sys::Request,
    url: &worker::Url,
    env: &Env,
    client: &ClientHeaders,
    request_id: &str,
    log: &mut RequestLog,
) -> Result<Routed, Refusal> {
    let path = url.path().to_owned();
    let host = client
        .get("host")
        .or_else(|| url.host_str())
        .unwrap_or_default()
        .to_owned();
    let target = match entry_route::host_step(
        tenant::classify_host(&host, &env_config::base_domain(env)),
        &path,
    ) {
        HostStep::Resolved(target) => target,
        HostStep::LookUp(host) => {
            let found = domains::store_for(env, &host, request_id).await;
            entry_route::custom_domain(&path, found).map_err(|e| page_error(e, request_id))?
        }
    };
    match target {
        Target::Platform(path) => {
            if let Ok(PlatformRoute::Console(console)) = PlatformRoute::parse(&log.method, &path) {
                let req = Request::from(req);
                let page = crate::console::handle(req, env, client, console, request_id, log).await;
                return Ok(Routed::Console(page));
            }
            platform(Request::from(req), env, &path, request_id, log)
                .await
                .map(Routed::Local)
                .map_err(|e| (e, Audience::Api))
        }
        Target::BadStore(e) => Err(page_error(entry_route::bad_store(e), request_id)),
        Target::Store(target) => {
            log.store = Some(target.store.to_string());
            let signer = || env_config::cookie_signer(env);
            let (target, preview) = entry_route::preview_of(target, signer, crate::clock::now_ms())
                .map_err(|e| page_error(e, request_id))?;
            // Routed once here; the shopper's object routes the request itself too.
            match store_dispatch::dispatch(&log.method, &target.rest, preview) {
                StoreDispatch::LiveSocket => live_socket(client, env, &target, request_id)
                    .await
                    .map(Routed::Local)
                    .map_err(|e| (e, Audience::Api)),
                StoreDispatch::File(file) => store_file(env, client, &target, file, log)
                    .await
                    .map(Routed::Local)
                    .map_err(|e| page_error(e, request_id)),
                StoreDispatch::Shopper(facts) => storefront(
                    req, url, env, client, &target, facts, preview, request_id, log,
                )
                .await
                .map_err(|e| {
                    if facts.api {
                        (e, Audience::Api)
                    } else {
                        page_error(e, request_id)
                    }
                }),
            }
        }
    }
}

async fn platform(
    req: Request,
    env: &Env,
    path: &str,
    request_id: &str,
    log: &mut RequestLog,
) -> Result<Response, EdgeError> {
    let mut caller = None;
    if path.starts_with("/admin/") {
        // Who is asking comes first: without a token, no route is revealed.
        caller = Some(admin::authorize(&req, env)?);
        let token = req.headers().get("authorization").ok().flatten();
        let who = admin_rate_key(token.as_deref().unwrap_or_default());
        let limits = LimitRun::binding(RateClass::Admin, &who, None, crate::clock::now_ms());
        crate::rate_limit::run(env, limits, log).await?;
    }
    let method = req.method();
    Ok(
        match PlatformRoute::parse(method.as_ref(), path).map_err(route_error)? {
            PlatformRoute::Admin(route) => {
                let caller = caller.ok_or_else(|| EdgeError::internal("admin route unchecked"))?;
                return admin::handle(req, env, route, caller, request_id).await;
            }
            PlatformRoute::HealthLive => health::live(),
            PlatformRoute::HealthReady => health::ready(env, request_id).await,
            PlatformRoute::Health => health::summary(env, request_id).await,
            PlatformRoute::SecurityTxt => health::security_txt(env),
            PlatformRoute::ThemeSchema => respond::with_headers(
                200,
                &entry_route::THEME_SCHEMA_HEADERS,
                wandstore_theme::JSON_SCHEMA.as_bytes().to_vec(),
            ),
            PlatformRoute::Console(_) => {
                return Err(EdgeError::internal(
                    "console routes are answered in route()",
                ));
            }
        },
    )
}

/// The live-preview WebSocket: handed to the store's StoreConfig object (the event bus),
/// whose answer (a 101 with the socket) goes back as it is.
async fn live_socket(
    client: &ClientHeaders,
    env: &Env,
    target: &StorePath,
    request_id: &str,
) -> Result<Response, EdgeError> {
    let pairs = entry_route::live_socket(client.get("upgrade"), request_id)?;
    let headers = internal::headers_init(&pairs).map_err(EdgeError::internal)?;
    let inner = internal::request("GET", "/live", &headers, None).map_err(EdgeError::internal)?;
    let stub =
        internal::stub(env, STORE_CONFIG, target.store.as_str()).map_err(EdgeError::internal)?;
    let answer = internal::fetch(stub, &inner)
        .await
        .map_err(EdgeError::internal)?;
    Ok(Response::from(answer))
}

/// A store's uploaded file (`route` is `Asset`) or favicon, served from R2 without asking
/// an object (counted against the client's page limit).
async fn store_file(
    env: &Env,
    client: &ClientHeaders,
    target: &StorePath,
    route: StoreRoute<'_>,
    log: &mut RequestLog,
) -> Result<Response, EdgeError> {
    let head = log.method == "HEAD";
    let inm = client.get("if-none-match");
    let now = crate::clock::now_ms();
    if let Some(limits) = entry_route::file_limits(client.get("cf-connecting-ip"), now) {
        crate::rate_limit::run(env, limits, log).await?;
    }
    match route {
        StoreRoute::Asset(file) => {
            crate::store_assets::serve(env, &target.store, file, inm, head).await
        }
        _ => {
            let ask = store_client::ask(env, &target.store, GetFavicon, &log.request_id).await;
            let file = entry_route::favicon_file(&target.store, ask)?;
            crate::store_assets::favicon(env, &target.store, file.as_deref(), inm, head).await
        }
    }
}

/// A request for a shopper's page: planned (`protocol::visit`), limited, then rendered here
/// or forwarded to the shopper's object.
#[allow(clippy::too_many_arguments)]
async fn storefront(
    req: web_sys::Request,
    url: &worker::Url,
    env: &Env,
    client: &ClientHeaders,
    target: &StorePath,
    route: ShopperRequest<'_>,
    preview: bool,
    request_id: &str,
    log: &mut RequestLog,
) -> Result<Routed, EdgeError> {
    let body = read_body(&req, client, route.body).await?;
    let signer = entry_route::store_signer(env_config::cookie_signer(env))?;
    let origin = url.origin().ascii_serialization();
    let arrival = Arrival {
        target,
        route,
        preview,
        origin: &origin,
        request_id,
        cookie: client.get("cookie").unwrap_or(""),
        client_ip: client.get("cf-connecting-ip"),
        country: client.get("cf-ipcountry"),
        now_ms: crate::clock::now_ms(),
    };
    let mut visit =
        Visit::plan(arrival, &signer, random::bytes::<16>).map_err(EdgeError::internal)?;
    visit.note_in(log);
    let quota = match visit.limits() {
        Some(limits) => crate::rate_limit::run(env, limits, log).await?,
        None => None,
    };
    if let Served::Edge { page, cart_items } = visit.served() {
        return Ok(
            match crate::edge_pages::serve(env, &visit.ctx, page, cart_items, url, log).await? {
                EdgeAnswer::Page(html) => Routed::Page(html),
                EdgeAnswer::Refused(resp) => Routed::Local(resp),
            },
        );
    }
    log.durable_object = Some("ShopperStorefront");
    let base_domain = || env_config::base_domain(env);
    let allow = visit
        .allow_preview(random::nonce, base_domain)
        .map_err(EdgeError::internal)?;
    let context = visit.ctx.to_header();
    let pairs = client.forwarded(&context);
    let internal_err = EdgeError::internal;
    let headers = internal::headers_init(&pairs).map_err(internal_err)?;
    let path = visit.object_path(&target.rest, url.query());
    let inner = internal::request(&log.method, &path, &headers, body).map_err(internal_err)?;
    let stub =
        internal::stub(env, SHOPPER_STOREFRONT, &visit.object_name()).map_err(internal_err)?;
    let answer = internal::fetch(stub, &inner).await.map_err(internal_err)?;
    // Set, changed or left alone once the object's report is read (`CookieDraft::header`).
    let scope = CookieScope::new(&target.base, url.scheme(), url.host_str().unwrap_or(""));
    Ok(Routed::Object {
        answer,
        cookie: Some(visit.cookie(scope)),
        quota,
        allow,
    })
}

/// The request body as text (`None` when the route takes none) within its limit (the cart
/// API's JSON or a form): 413 when too large, 400 when not UTF-8.
async fn read_body(
    req: &web_sys::Request,
    client: &ClientHeaders,
    kind: Option<BodyKind>,
) -> Result<Option<String>, EdgeError> {
    let Some(kind) = kind else {
        return Ok(None);
    };
    let bytes = body::read(req, client.get("content-length"), kind).await?;
    entry_route::body_text(bytes).map(Some)
}
