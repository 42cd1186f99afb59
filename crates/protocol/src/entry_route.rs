//! The entry's decisions around its I/O, made here so the shell only performs them: what a
//! client's headers say (its request id, the log line's fields, the limits they meet, what a
//! shopper's object may read), where a host sends a request (and what a custom domain's lookup answers), which preview a link
//! opens, which favicon a store's answer leaves, and the headers every answer made at the
//! entry carries on its way out.

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::EdgeError;
use crate::limit_run::LimitRun;
use crate::store::StoreError;
use crate::wire::AskError;
use wandstore_core::headers::PRIVATE_NO_STORE;
use wandstore_core::identity::{CookieSigner, WeakSecret};
use wandstore_core::limits;
use wandstore_core::log::{RequestLog, accept_request_id, log_safe};
use wandstore_core::rate_limit::{self, RateClass};
use wandstore_core::store::StoreSlug;
use wandstore_core::tenant::{self, HostRoute, StorePath, Target};

/// The client's request headers (lower-case names, in order), read from JavaScript once.
pub struct ClientHeaders(pub Vec<(String, String)>);

impl From<&[(&str, &str)]> for ClientHeaders {
    fn from(pairs: &[(&str, &str)]) -> Self {
        let owned = |(k, v): &(&str, &str)| ((*k).to_owned(), (*v).to_owned());
        ClientHeaders(pairs.iter().map(owned).collect())
    }
}

impl ClientHeaders {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The request id the client sent, if it is one we accept, else a new one (`mint`).
    pub fn request_id(&self, mint: impl FnOnce() -> String) -> String {
        accept_request_id(self.get("x-request-id")).unwrap_or_else(mint)
    }

    /// The log line as the request arrives: its time, id, method as sent (an unknown one
    /// too), path (never the query) and where it came from (`colo`: Cloudflare's data
    /// center, when the runtime says), each made safe to log.
    pub fn arrival_log(
        &self,
        started_ms: u64,
        request_id: &str,
        method: String,
        path: Option<&str>,
        colo: Option<String>,
    ) -> RequestLog {
        RequestLog {
            ts: started_ms,
            msg: "request",
            request_id: request_id.to_owned(),
            method,
            path: path.unwrap_or_default().to_owned(),
            cf_ray: self.get("cf-ray").map(log_safe),
            country: self.get("cf-ipcountry").map(log_safe),
            colo: colo.map(|c| log_safe(&c)).filter(|c| !c.is_empty()),
            ..Default::default()
        }
    }

    /// The limits every request meets before routing: its method, URL length and path
    /// (`url`: the full URL and its path; unreadable: none), and its headers' size.
    pub fn check_limits(&self, method: &str, url: Option<(&str, &str)>) -> Result<(), EdgeError> {
        let (full, path) = url.unwrap_or(("", ""));
        limits::check_request(method, full, path)?;
        let bytes = limits::header_bytes(self.0.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        limits::check_headers(bytes)?;
        Ok(())
    }

    /// The error for a request whose URL cannot be read: the limits it still meets (its
    /// method, its headers' size) first, else a 400.
    pub fn unreadable_url(&self, method: &str) -> EdgeError {
        match self.check_limits(method, None) {
            Err(e) => e,
            Ok(()) => EdgeError::bad_request("bad_url", "the request's URL cannot be read"),
        }
    }

    /// The headers a shopper's object gets: the planned context, then the client headers it
    /// may read (`visit::FORWARDED`), as they came.
    pub fn forwarded<'a>(&'a self, context: &'a str) -> Vec<(&'static str, &'a str)> {
        let mut pairs = vec![(crate::shopper::CONTEXT_HEADER, context)];
        let sent = |n: &&'static str| self.get(n).map(|v| (*n, v));
        pairs.extend(crate::visit::FORWARDED.iter().filter_map(sent));
        pairs
    }
}

/// A request the entry sends to an object (named `name` in its namespace), as the runtime is
/// given it: the method, the path (with its query), the headers and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectCall<'a> {
    pub name: String,
    pub method: &'a str,
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<&'a str>,
}

/// The live preview's WebSocket: the headers the store's event bus is asked with, or 426
/// for a request that is no WebSocket upgrade.
pub fn live_socket<'a>(
    upgrade: Option<&str>,
    request_id: &'a str,
) -> Result<[(&'static str, &'a str); 2], EdgeError> {
    if !crate::theme::is_websocket_upgrade(upgrade) {
        return Err(EdgeError::new(
            426,
            "upgrade_required",
            "this address is a WebSocket for the live preview",
        ));
    }
    Ok([("upgrade", "websocket"), ("x-request-id", request_id)])
}

/// A request body as text (400 when it is not UTF-8).
pub fn body_text(bytes: Vec<u8>) -> Result<String, EdgeError> {
    String::from_utf8(bytes)
        .map_err(|_| EdgeError::bad_request("bad_encoding", "the body is not UTF-8 text"))
}

/// Where a request's host sends it: a target known at once, or a custom domain whose store
/// must be looked up first ([`custom_domain`] then reads the lookup's outcome).
#[derive(Debug, PartialEq, Eq)]
pub enum HostStep {
    Resolved(Target),
    LookUp(String),
}

/// The target for `path` on a host classified as `host` (see `tenant::classify_host`).
pub fn host_step(host: HostRoute, path: &str) -> HostStep {
    match host {
        HostRoute::Platform => HostStep::Resolved(tenant::resolve(path)),
        HostRoute::Subdomain(store) => HostStep::Resolved(tenant::resolve_for_store(path, store)),
        HostRoute::BadSubdomain(e) => HostStep::Resolved(Target::BadStore(e)),
        HostRoute::Custom(host) => HostStep::LookUp(host),
    }
}

/// The target for `path` on a custom domain once its lookup answered: its store's page, a
/// 404 when no store claims the domain, the lookup's own error when it failed.
pub fn custom_domain(
    path: &str,
    found: Result<Option<StoreSlug>, EdgeError>,
) -> Result<Target, EdgeError> {
    match found? {
        Some(store) => Ok(tenant::resolve_for_store(path, store)),
        None => Err(EdgeError::no_store("no store is connected to this domain")),
    }
}

/// The 404 for an address no store can have (`Target::BadStore`).
pub fn bad_store(e: impl std::fmt::Display) -> EdgeError {
    EdgeError::no_store(format!("there is no store at this address: {e}"))
}

/// The store path a preview link previews, if the path is one and its signature holds
/// (`true`); the path as it is otherwise (the signer is read only for a preview link). A
/// link that is forged, for another store, or expired is a 404 that says so; without a
/// signer, previews are not configured (503).
pub fn preview_of(
    target: StorePath,
    signer: impl FnOnce() -> Result<std::rc::Rc<CookieSigner>, WeakSecret>,
    now_ms: u64,
) -> Result<(StorePath, bool), EdgeError> {
    let Some((token, inner)) = target.preview() else {
        return Ok((target, false));
    };
    let signer = signer().map_err(|weak| {
        EdgeError::misconfigured("config", "previews are not configured yet", weak)
    })?;
    match signer.verify_preview(&token, &inner.store, now_ms) {
        Some(_) => Ok((inner, true)),
        None => Err(EdgeError::not_found(
            "preview_expired",
            "this preview link is not valid or has expired; ask the store's owner for a new one",
        )),
    }
}

/// The limit a store's file (an upload or the favicon) meets: the client's page limit, by
/// its address; none for a client without a usable one (local, missing, malformed).
pub fn file_limits(client_ip: Option<&str>, now_ms: u64) -> Option<LimitRun> {
    let who = rate_limit::client_key(client_ip)?;
    Some(LimitRun::binding(
        RateClass::Pages,
        &who,
        Some(&who),
        now_ms,
    ))
}

/// A store's shopper cookies without a signer (a weak or missing secret): the store is not
/// configured yet (503, the reason in the log line only).
pub fn unsigned_store(weak: WeakSecret) -> EdgeError {
    let message = "this store is not configured yet; please try again later";
    EdgeError::misconfigured("config", message, weak)
}

/// The favicon file to serve after asking the store for its own (`None`: the platform's):
/// an unknown store is a 404; a store that cannot answer gets the platform's icon rather
/// than none.
pub fn favicon_file(
    store: &StoreSlug,
    asked: Result<Option<String>, AskError<StoreError>>,
) -> Result<Option<String>, EdgeError> {
    match asked {
        Ok(file) => Ok(file),
        Err(AskError::Refused(StoreError::NotFound)) => Err(EdgeError::no_store(format!(
            "there is no store named {store}"
        ))),
        Err(_) => Ok(None),
    }
}

/// The theme schema's answer headers (public: it is the same for everyone).
pub const THEME_SCHEMA_HEADERS: [(&str, &str); 2] = [
    ("content-type", "application/schema+json"),
    ("cache-control", "public, max-age=3600"),
];

/// The content type of every page.
pub const HTML: &str = "text/html; charset=utf-8";

/// The headers every answer made at the entry gets last: its request id, its time and the
/// security policy's headers.
pub fn finishing<'a>(
    request_id: &'a str,
    timing: &'a str,
    security: &'a [(&'a str, String)],
) -> impl Iterator<Item = (&'a str, &'a str)> {
    [("x-request-id", request_id), ("x-response-time", timing)]
        .into_iter()
        .chain(security.iter().map(|(k, v)| (*k, v.as_str())))
}

/// Whether the entry sets its [`finishing`] headers on an answer of `status`: every answer
/// but a WebSocket's 101, which goes back as the object made it (its headers are the
/// runtime's and cannot be changed).
pub fn finished_here(status: u16) -> bool {
    status != 101
}

/// The headers of a page the entry rendered itself: HTML, private, and the shopper's cookie
/// when it is set (finished by [`finished`]).
pub fn page_headers(cookie: Option<String>) -> Vec<(&'static str, String)> {
    let mut pairs = vec![
        ("content-type", HTML.to_owned()),
        ("cache-control", PRIVATE_NO_STORE.to_owned()),
    ];
    pairs.extend(cookie.map(|c| ("set-cookie", c)));
    pairs
}

/// An answer made at the entry as the client gets it: its `own` headers but those a
/// [`finishing`] one replaces (names compared without case), then the finishing ones.
pub fn finished<'a, K, V>(
    own: impl IntoIterator<Item = (K, V)>,
    finishing: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<(String, String)>
where
    K: AsRef<str> + Into<String>,
    V: Into<String>,
{
    let last: Vec<(&str, &str)> = finishing.collect();
    let replaced = |name: &K| {
        last.iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name.as_ref()))
    };
    let kept = own.into_iter().filter(|(name, _)| !replaced(name));
    let mut pairs: Vec<(String, String)> = kept.map(|(n, v)| (n.into(), v.into())).collect();
    pairs.extend(last.into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())));
    pairs
}

#[cfg(test)]
#[path = "entry_route_tests.rs"]
mod tests;
