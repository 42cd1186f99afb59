//! The entry's decisions around its I/O, made here so the shell only performs them: where a
//! host sends a request (and what a custom domain's lookup answers), which preview a link
//! opens, which favicon a store's answer leaves, and the headers every answer made at the
//! entry carries on its way out.

// `EdgeError` is the edge's one error (under the limit on wasm32).
#![allow(clippy::result_large_err)]

use crate::EdgeError;
use crate::store::StoreError;
use crate::wire::AskError;
use wandstore_core::headers::PRIVATE_NO_STORE;
use wandstore_core::identity::{CookieSigner, WeakSecret};
use wandstore_core::store::StoreSlug;
use wandstore_core::tenant::{self, HostRoute, StorePath, Target};

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

/// The headers of a page the entry rendered itself: HTML, private, then [`finishing`].
pub fn page_headers<'a>(
    request_id: &'a str,
    timing: &'a str,
    security: &'a [(&'a str, String)],
) -> Vec<(&'a str, &'a str)> {
    let mut pairs = Vec::with_capacity(security.len() + 4);
    pairs.extend([("content-type", HTML), ("cache-control", PRIVATE_NO_STORE)]);
    pairs.extend(finishing(request_id, timing, security));
    pairs
}

#[cfg(test)]
#[path = "entry_route_tests.rs"]
mod tests;
