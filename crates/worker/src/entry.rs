//! The Worker entry: request id, tenant resolution, shopper identity, forwarding to the
//! shopper's object (whose response streams back untouched), response headers and the JSON
//! log line. Every error becomes a response here, through `respond::error`.

use crate::internal;
use crate::objects::{SHOPPER_STOREFRONT, STORE_CONFIG, store_client};
use crate::respond::{self, Audience, Made, Parts};
use crate::{admin, body, domains, env_config, health, random};
use wandstore_core::headers::{Policy, security_headers_for};
use wandstore_core::identity::CookieScope;
use wandstore_core::log::{Level, RequestLog};
use wandstore_protocol::EdgeError;
use wandstore_protocol::entry_route;
use wandstore_protocol::entry_run::{Arrived, EntryRun, Handler, ShopperStep, Step};
use wandstore_protocol::pass_through::{self, Forwarded};
use wandstore_protocol::theme::GetFavicon;
use wandstore_protocol::visit::{Served, Visit};
use worker::worker_sys::ext::RequestExt;
use worker::{Env, web_sys};

pub use wandstore_protocol::entry_route::ClientHeaders;

/// What routing produced: an answer made here, or an object's answer whose body is streamed
/// through untouched. Each is finished in one pass (`entry_route::finished`): its headers and
/// the entry's made with one call into JavaScript.
enum Routed {
    /// An answer made here (an owner console page, an admin API or health answer, a page the
    /// entry rendered, a store's file, an error) with the security policy it carries.
    Made(Made, Policy<'static>),
    /// An object's answer (a shopper's page, or StoreConfig's to a live-preview socket),
    /// streamed through and finished as `pass_through::Forwarded` says; a socket's 101 goes
    /// back as the object made it.
    Object(web_sys::Response, Forwarded),
}

/// An answer made here under `policy`, its body copied out of Wasm once.
fn made((status, headers, body): Parts, policy: Policy<'static>) -> Routed {
    Routed::Made((status, headers, internal::bytes(body.as_bytes())), policy)
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
    let outcome = match &url {
        Some(url) => route(req, url, env, &client, &request_id, &mut log).await,
        None => Err((client.unreadable_url(&log.method), Audience::Api)),
    };
    let routed = outcome.unwrap_or_else(|(e, audience)| {
        e.note_in(&mut log);
        let (headers, body) = audience.answer(&e, &request_id);
        made((e.status, headers, body), Policy::Default)
    });
    let policy = match &routed {
        Routed::Made(_, policy) => *policy,
        Routed::Object(_, forwarded) => forwarded.policy(),
    };
    let development = env_config::platform(env).development;
    let security = security_headers_for(policy, secure_transport, development);
    log.duration_ms = crate::clock::now_ms().saturating_sub(started);
    let timing = format!("{}ms", log.duration_ms);
    let finishing = entry_route::finishing(&request_id, &timing, &security);
    // The status is read from the object's answer once (each read is a call into JavaScript).
    let (status, made) = match routed {
        Routed::Object(answer, forwarded) => {
            let status = answer.status();
            // A live-preview socket's 101: the runtime's own, passed on as StoreConfig made it.
            if !entry_route::finished_here(status) {
                (status, Ok(answer))
            } else {
                // Streamed through (never copied into Wasm), the internal report moved to the
                // log line.
                let finish = forwarded.finish(&request_id, &timing, &security);
                let own = internal::read_headers(&answer.headers());
                let (pairs, report) = pass_through::outgoing(status, own, &finish);
                report.log_into(&mut log);
                let body = answer.body().map(Into::into);
                (status, internal::response(status, &pairs, body.as_ref()))
            }
        }
        Routed::Made((status, own, body), _) => {
            let pairs = entry_route::finished(own, finishing);
            (status, internal::response(status, &pairs, body.as_ref()))
        }
    };
    let (resp, status) = match made {
        Ok(resp) => (resp, status),
        Err(e) => unbuilt(e, &request_id, &mut log),
    };
    log.status = status;
    log.level = Level::for_status(log.status);
    crate::isolate_metrics::record(env, &log);
    // The line as it is made (no `format!` copy), in one call into JavaScript.
    web_sys::console::log_1(&log.to_json().into());
    resp
}

/// The 500 for an answer the runtime refused to build (and its status), its detail in the log
/// line.
fn unbuilt(e: worker::Error, request_id: &str, log: &mut RequestLog) -> (web_sys::Response, u16) {
    let e = EdgeError::internal(e);
    log.error = e.detail.clone();
    let resp = respond::error(&e, Audience::Api, request_id);
    (web_sys::Response::from(resp), e.status)
}

/// An error and who reads it.
type Refusal = (EdgeError, Audience);

/// Performs the steps of the request's routing (`protocol::entry_run`), then answers with
/// the handler it ends with.
async fn route(
    req: web_sys::Request,
    url: &worker::Url,
    env: &Env,
    client: &ClientHeaders,
    request_id: &str,
    log: &mut RequestLog,
) -> Result<Routed, Refusal> {
    let method = log.method.clone();
    let platform = env_config::platform(env);
    let mut run = EntryRun::new(Arrived {
        client,
        request_id,
        method: &method,
        url: url.as_str(),
        path: url.path(),
        url_host: url.host_str(),
        base_domain: &platform.base_domain,
        signer: platform.signer.clone(),
        now_ms: crate::clock::now_ms(),
    });
    let handler = loop {
        match run.next() {
            Step::LookUpDomain(host) => {
                run.on_domain(domains::store_for(env, host, request_id).await);
            }
            Step::AdminToken => run.on_admin_token(platform.admin_token.as_deref()),
            Step::Limit(limits) => run.on_limited(crate::rate_limit::run(env, limits, log).await),
            Step::ReadBody(kind) => run.on_body(body::read(&req, client, kind).await),
            Step::AskFavicon(store) => {
                run.on_favicon(store_client::ask(env, store, GetFavicon, request_id).await);
            }
            Step::Answer(handler) => break handler,
        }
    };
    run.note_in(log);
    let audience = Audience::for_reader(handler.reader(), request_id);
    let default = |parts| made(parts, Policy::Default);
    let answered = match handler {
        Handler::Console(route) => {
            let page = crate::console::handle(req, url, env, client, route, request_id, log);
            Ok(made(page.await, Policy::Console))
        }
        Handler::Admin(route, caller) => {
            let caller = caller.clone();
            let answer = admin::handle(req, url, env, client, route, caller, request_id);
            answer.await.map(default)
        }
        Handler::Health(route) => Ok(default(health::answer(env, route, request_id).await)),
        Handler::Fixed(headers, body) => {
            let headers = headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect();
            Ok(default((200, headers, body.to_owned())))
        }
        // Streamed through like a shopper object's answer (its headers are immutable).
        Handler::LiveSocket(call) => internal::send(env, STORE_CONFIG, &call)
            .await
            .map(|answer| Routed::Object(answer, Forwarded::default())),
        Handler::File(file, read) => crate::store_assets::serve(env, file, read)
            .await
            .map(|served| Routed::Made(served, Policy::Default)),
        Handler::Shopper(shopper) => storefront(url, env, shopper, log).await,
        Handler::Refused(e, _) => Err(e),
    };
    answered.map_err(|e| (e, audience))
}

/// A request for a shopper's page: planned (`protocol::visit`), limited, then rendered here
/// or forwarded to the shopper's object.
async fn storefront(
    url: &worker::Url,
    env: &Env,
    shopper: ShopperStep<'_>,
    log: &mut RequestLog,
) -> Result<Routed, EdgeError> {
    let target = shopper.target;
    let origin = url.origin().ascii_serialization();
    let arrival = shopper.arrival(&origin);
    let mut visit =
        Visit::plan(arrival, shopper.signer, random::pooled16).map_err(EdgeError::internal)?;
    visit.note_in(log);
    let quota = match visit.limits() {
        Some(limits) => crate::rate_limit::run(env, limits, log).await?,
        None => None,
    };
    // Set, changed or left alone once the page is made or the object's report is read.
    let scope = || CookieScope::new(&target.base, url.scheme(), url.host_str().unwrap_or(""));
    if let Served::Edge { page, cart_items } = visit.served(url.query().unwrap_or("")) {
        let shown = crate::edge_pages::serve(env, &visit, page, cart_items, url, scope, log);
        return shown.await.map(|parts| made(parts, Policy::Default));
    }
    let base_domain = || env_config::platform(env).base_domain.clone();
    let forwarded = visit.forwarded(scope(), quota, random::nonce, base_domain);
    let forwarded = forwarded.map_err(EdgeError::internal)?;
    let call = shopper.object_call(&visit, url.query(), log);
    let answer = internal::send(env, SHOPPER_STOREFRONT, &call).await?;
    Ok(Routed::Object(answer, forwarded))
}
