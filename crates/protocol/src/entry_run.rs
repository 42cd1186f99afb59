//! The entry's routing as a sans-IO driver: from a client's request to the handler that
//! answers it, in the order the house requires (limits first; an admin caller is authorized
//! before any admin route is revealed, then rate limited; a store's file is counted against
//! the client's page limit; a shopper's body is read within its limit before the signer is
//! needed), and who reads an error met on the way (an API client, or a browser in the
//! platform's frame).
//!
//! The shell asks [`EntryRun::next`] for a [`Step`], performs it (a domain lookup, the
//! admin token, a limit run, reading the body, asking for the favicon) and hands the
//! outcome back with the matching `on_*`; a terminal step names the handler, and the shell
//! answers with it (its errors read by [`Step::reader`]).

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::EdgeError;
use crate::edge::route_error;
use crate::entry_route::{self, ClientHeaders, HostStep, ObjectCall};
use crate::limit_run::LimitRun;
use crate::store::StoreError;
use crate::visit::{Arrival, Visit};
use crate::wire::AskError;
use std::rc::Rc;
use wandstore_core::health_run::HealthRoute;
use wandstore_core::identity::{CookieSigner, WeakSecret};
use wandstore_core::log::RequestLog;
use wandstore_core::rate_limit::RateClass;
use wandstore_core::routes::{AdminRoute, ConsoleRoute, PlatformRoute, StoreRoute};
use wandstore_core::secret::{Caller, admin_caller, admin_rate_key};
use wandstore_core::store::StoreSlug;
use wandstore_core::store_dispatch::{self, ShopperRequest, StoreDispatch};
use wandstore_core::tenant::{self, StorePath, Target};

/// Who reads an error: an API client (JSON) or a browser (a page in the platform's frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Api,
    Page,
}

/// What the entry knows of a request before routing it.
pub struct Arrived<'c> {
    pub client: &'c ClientHeaders,
    pub request_id: &'c str,
    /// The method as sent.
    pub method: &'c str,
    /// The URL as sent, its path and its host.
    pub url: &'c str,
    pub path: &'c str,
    pub url_host: Option<&'c str>,
    /// `BASE_DOMAIN`: stores answer at `{slug}.{base_domain}`.
    pub base_domain: &'c str,
    /// The shopper cookies' signer, or why the deployment has none.
    pub signer: Result<Rc<CookieSigner>, WeakSecret>,
    pub now_ms: u64,
}

/// What the shell does next.
// A step lives for one turn of the executor's loop: boxing the limits would cost an
// allocation per request (and on wasm32 the variants are closer in size).
#[allow(clippy::large_enum_variant)]
pub enum Step<'r> {
    /// Which store claims this custom domain ([`EntryRun::on_domain`]).
    LookUpDomain(&'r str),
    /// The deployment's admin token ([`EntryRun::on_admin_token`]).
    AdminToken,
    /// Run these limits ([`EntryRun::on_limited`]).
    Limit(LimitRun),
    /// Read the request's body within this limit ([`EntryRun::on_body`]).
    ReadBody(wandstore_core::limits::BodyKind),
    /// Ask the store for its favicon's file ([`EntryRun::on_favicon`]).
    AskFavicon(&'r StoreSlug),
    /// Answer with this handler.
    Answer(Handler<'r>),
}

/// The handler that answers a routed request.
pub enum Handler<'r> {
    /// Answer with the owner console.
    Console(ConsoleRoute),
    /// Answer with the admin API, for this caller.
    Admin(AdminRoute<'r>, &'r Caller),
    /// Answer with a health route (`core::health_run`).
    Health(HealthRoute),
    /// Answer 200 with these headers and this body (the theme's JSON Schema).
    Fixed(&'static [(&'static str, &'static str)], &'static str),
    /// Hand the live-preview socket to the store's event bus (its StoreConfig object) with
    /// this call.
    LiveSocket(ObjectCall<'r>),
    /// Serve the store's uploaded file or favicon (`None`: the platform's favicon).
    File(Option<&'r str>, FileRead<'r>),
    /// Plan the shopper's visit (`visit::Visit`), then render or forward it.
    Shopper(ShopperStep<'r>),
    /// Answer with this error.
    Refused(EdgeError, Reader),
}

/// A read of a store's file from R2, conditional on the client's `If-None-Match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRead<'r> {
    pub store: &'r StoreSlug,
    pub if_none_match: Option<&'r str>,
    /// A `HEAD`: the headers without the body.
    pub head: bool,
}

/// A shopper's request as routed: its store path, route, body (read) and the signer.
pub struct ShopperStep<'r> {
    pub target: &'r StorePath,
    pub route: ShopperRequest<'r>,
    /// Came under a valid preview link.
    pub preview: bool,
    pub body: Option<&'r str>,
    pub signer: &'r CookieSigner,
    method: &'r str,
    client: &'r ClientHeaders,
    request_id: &'r str,
    now_ms: u64,
}

impl<'r> ShopperStep<'r> {
    /// What the visit is planned from (`visit::Visit::plan`), the shopper having reached the
    /// Worker at `origin`.
    pub fn arrival<'a>(&'a self, origin: &'a str) -> Arrival<'a> {
        Arrival {
            target: self.target,
            route: self.route,
            preview: self.preview,
            origin,
            request_id: self.request_id,
            cookie: self.client.get("cookie").unwrap_or(""),
            client_ip: self.client.get("cf-connecting-ip"),
            country: self.client.get("cf-ipcountry"),
            now_ms: self.now_ms,
        }
    }

    /// The call to the shopper's object for a visit the entry does not render (`visit`'s
    /// preview allowances made first: their nonce is in the context it is sent): the
    /// shopper's object, the path within the store with `query` as sent, the context and the
    /// client headers the object may read, and the body. The log line names the object.
    pub fn object_call(
        &self,
        visit: &Visit,
        query: Option<&str>,
        log: &mut RequestLog,
    ) -> ObjectCall<'r> {
        log.durable_object = Some("ShopperStorefront");
        let context = visit.ctx.to_header();
        let forwarded = self.client.forwarded(&context);
        ObjectCall {
            name: visit.object_name(),
            method: self.method,
            path: visit.object_path(&self.target.rest, query),
            headers: forwarded
                .into_iter()
                .map(|(n, v)| (n, v.to_owned()))
                .collect(),
            body: self.body,
        }
    }
}

impl Handler<'_> {
    /// Who reads an error the handler answers.
    pub fn reader(&self) -> Reader {
        match self {
            Handler::File(..) => Reader::Page,
            Handler::Shopper(shopper) => shopper_reader(&shopper.route),
            Handler::Refused(_, reader) => *reader,
            Handler::Console(_)
            | Handler::Admin(..)
            | Handler::Health(_)
            | Handler::Fixed(..)
            | Handler::LiveSocket(_) => Reader::Api,
        }
    }
}

fn shopper_reader(route: &ShopperRequest<'_>) -> Reader {
    if route.api { Reader::Api } else { Reader::Page }
}

/// Where the run is.
enum At {
    /// The custom domain's store is being looked up.
    LookUp(String),
    /// A platform route other than the admin API.
    Platform(String),
    /// The admin API: its caller (once authorized) and whether its limit ran.
    Admin {
        path: String,
        caller: Option<Caller>,
        limited: bool,
    },
    Store(StoreAt),
    Refused(EdgeError, Reader),
}

/// A request for a store, and what was learned of it so far.
struct StoreAt {
    target: StorePath,
    preview: bool,
    limited: bool,
    favicon: Option<Option<String>>,
    body: Option<Result<String, EdgeError>>,
}

/// One request's routing.
pub struct EntryRun<'c> {
    client: &'c ClientHeaders,
    request_id: &'c str,
    method: &'c str,
    path: &'c str,
    signer: Result<Rc<CookieSigner>, WeakSecret>,
    now_ms: u64,
    /// The store the request is for, once known (for the log line).
    store: Option<StoreSlug>,
    at: At,
}

impl<'c> EntryRun<'c> {
    /// The run, its request checked against the limits every request meets and its host
    /// classified.
    pub fn new(arrived: Arrived<'c>) -> Self {
        let mut run = EntryRun {
            client: arrived.client,
            request_id: arrived.request_id,
            method: arrived.method,
            path: arrived.path,
            signer: arrived.signer,
            now_ms: arrived.now_ms,
            store: None,
            at: At::LookUp(String::new()),
        };
        let url = Some((arrived.url, arrived.path));
        if let Err(e) = run.client.check_limits(run.method, url) {
            run.at = At::Refused(e, Reader::Api);
            return run;
        }
        let host = run.client.get("host").or(arrived.url_host).unwrap_or("");
        let host = tenant::classify_host(host, arrived.base_domain);
        run.at = match entry_route::host_step(host, arrived.path) {
            HostStep::Resolved(target) => run.resolved(target),
            HostStep::LookUp(host) => At::LookUp(host),
        };
        run
    }

    /// The next thing to do.
    pub fn next(&self) -> Step<'_> {
        match &self.at {
            At::LookUp(host) => Step::LookUpDomain(host),
            At::Refused(e, reader) => Step::Answer(Handler::Refused(e.clone(), *reader)),
            At::Platform(path) => Step::Answer(self.platform(path, None)),
            At::Admin { caller: None, .. } => Step::AdminToken,
            At::Admin {
                caller: Some(_),
                limited: false,
                ..
            } => {
                let token = self.client.get("authorization").unwrap_or_default();
                let who = admin_rate_key(token);
                Step::Limit(LimitRun::binding(RateClass::Admin, &who, None, self.now_ms))
            }
            At::Admin { path, caller, .. } => Step::Answer(self.platform(path, caller.as_ref())),
            At::Store(at) => self.store_step(at),
        }
    }

    /// The store the request is for, into the log line (once known).
    pub fn note_in(&self, log: &mut RequestLog) {
        if let Some(store) = &self.store {
            log.store = Some(store.to_string());
        }
    }

    /// The custom domain's lookup answered: its store's page, or a 404 when none claims it.
    pub fn on_domain(&mut self, found: Result<Option<StoreSlug>, EdgeError>) {
        self.at = match entry_route::custom_domain(self.path, found) {
            Ok(target) => self.resolved(target),
            Err(e) => At::Refused(e, Reader::Page),
        };
    }

    /// The deployment's admin token (`None`: the admin API is disabled).
    pub fn on_admin_token(&mut self, admin_token: Option<&str>) {
        let header = self.client.get("authorization").unwrap_or_default();
        match (&mut self.at, admin_caller(admin_token, header)) {
            (At::Admin { caller, .. }, Ok(who)) => *caller = Some(who),
            (_, Err(refusal)) => self.at = At::Refused(refusal.into(), Reader::Api),
            (_, Ok(_)) => {}
        }
    }

    /// The limits' outcome: go on, or the 429 (an exact quota is not reported here).
    pub fn on_limited<Q>(&mut self, outcome: Result<Q, EdgeError>) {
        let reader = match &mut self.at {
            At::Admin { limited, .. } => {
                *limited = true;
                Reader::Api
            }
            At::Store(at) => {
                at.limited = true;
                Reader::Page
            }
            _ => return,
        };
        if let Err(e) = outcome {
            self.at = At::Refused(e, reader);
        }
    }

    /// The body as read (413 when too large), as text (400 when not UTF-8).
    pub fn on_body(&mut self, read: Result<Vec<u8>, EdgeError>) {
        if let At::Store(at) = &mut self.at {
            at.body = Some(read.and_then(entry_route::body_text));
        }
    }

    /// The store's answer about its favicon: its file, the platform's, or a 404.
    pub fn on_favicon(&mut self, asked: Result<Option<String>, AskError<StoreError>>) {
        let At::Store(at) = &mut self.at else {
            return;
        };
        match entry_route::favicon_file(&at.target.store, asked) {
            Ok(file) => at.favicon = Some(file),
            Err(e) => self.at = At::Refused(e, Reader::Page),
        }
    }

    /// Where a resolved target leads (a preview link is checked here).
    fn resolved(&mut self, target: Target) -> At {
        match target {
            Target::Platform(path) if path.starts_with("/admin/") => At::Admin {
                path,
                caller: None,
                limited: false,
            },
            Target::Platform(path) => At::Platform(path),
            Target::BadStore(e) => At::Refused(entry_route::bad_store(e), Reader::Page),
            Target::Store(target) => {
                self.store = Some(target.store.clone());
                let signer = || self.signer.clone();
                match entry_route::preview_of(target, signer, self.now_ms) {
                    Ok((target, preview)) => At::Store(StoreAt {
                        target,
                        preview,
                        limited: false,
                        favicon: None,
                        body: None,
                    }),
                    Err(e) => At::Refused(e, Reader::Page),
                }
            }
        }
    }

    /// A platform route's handler; the admin API's only for an authorized `caller`.
    fn platform<'r>(&'r self, path: &'r str, caller: Option<&'r Caller>) -> Handler<'r> {
        match (PlatformRoute::parse(self.method, path), caller) {
            (Ok(PlatformRoute::Console(route)), _) => Handler::Console(route),
            (Ok(PlatformRoute::Admin(route)), Some(caller)) => Handler::Admin(route, caller),
            (Ok(PlatformRoute::Admin(_)), None) => Handler::Refused(
                EdgeError::internal("an admin route was reached unauthorized"),
                Reader::Api,
            ),
            (Ok(PlatformRoute::HealthLive), _) => Handler::Health(HealthRoute::Live),
            (Ok(PlatformRoute::HealthReady), _) => Handler::Health(HealthRoute::Ready),
            (Ok(PlatformRoute::Health), _) => Handler::Health(HealthRoute::Summary),
            (Ok(PlatformRoute::SecurityTxt), _) => Handler::Health(HealthRoute::SecurityTxt),
            (Ok(PlatformRoute::ThemeSchema), _) => Handler::Fixed(
                &entry_route::THEME_SCHEMA_HEADERS,
                wandstore_theme::JSON_SCHEMA,
            ),
            (Err(e), _) => Handler::Refused(route_error(e), Reader::Api),
        }
    }

    fn store_step<'r>(&'r self, at: &'r StoreAt) -> Step<'r> {
        let store = &at.target.store;
        match store_dispatch::dispatch(self.method, &at.target.rest, at.preview) {
            StoreDispatch::LiveSocket => {
                match entry_route::live_socket(self.client.get("upgrade"), self.request_id) {
                    Ok(headers) => Step::Answer(Handler::LiveSocket(ObjectCall {
                        name: store.to_string(),
                        method: "GET",
                        path: "/live".to_owned(),
                        headers: headers.map(|(n, v)| (n, v.to_owned())).to_vec(),
                        body: None,
                    })),
                    Err(e) => Step::Answer(Handler::Refused(e, Reader::Api)),
                }
            }
            StoreDispatch::File(route) => {
                let ip = self.client.get("cf-connecting-ip");
                if !at.limited
                    && let Some(limits) = entry_route::file_limits(ip, self.now_ms)
                {
                    return Step::Limit(limits);
                }
                let read = FileRead {
                    store,
                    if_none_match: self.client.get("if-none-match"),
                    head: self.method == "HEAD",
                };
                match (route, &at.favicon) {
                    (StoreRoute::Asset(file), _) => Step::Answer(Handler::File(Some(file), read)),
                    (_, None) => Step::AskFavicon(store),
                    (_, Some(file)) => Step::Answer(Handler::File(file.as_deref(), read)),
                }
            }
            StoreDispatch::Shopper(route) => {
                let body = match (route.body, &at.body) {
                    (None, _) => None,
                    (Some(kind), None) => return Step::ReadBody(kind),
                    (Some(_), Some(Ok(text))) => Some(text.as_str()),
                    (Some(_), Some(Err(e))) => {
                        let e = e.clone();
                        return Step::Answer(Handler::Refused(e, shopper_reader(&route)));
                    }
                };
                match &self.signer {
                    Ok(signer) => Step::Answer(Handler::Shopper(ShopperStep {
                        target: &at.target,
                        route,
                        preview: at.preview,
                        body,
                        signer,
                        method: self.method,
                        client: self.client,
                        request_id: self.request_id,
                        now_ms: self.now_ms,
                    })),
                    Err(weak) => {
                        let e = entry_route::unsigned_store(weak.clone());
                        Step::Answer(Handler::Refused(e, shopper_reader(&route)))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "entry_run_tests.rs"]
mod tests;
