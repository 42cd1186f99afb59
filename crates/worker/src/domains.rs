//! Custom domain → store, remembered per isolate for a short while so that routing a
//! custom-domain request rarely costs a call to the StoreRegistry object.

use crate::objects::registry_client;
use std::cell::RefCell;
use wandstore_core::cached::TtlMap;
use wandstore_core::store::StoreSlug;
use wandstore_core::tenant::{CUSTOM_DOMAIN_CACHE_MAX, CUSTOM_DOMAIN_TTL_MS};
use wandstore_protocol::EdgeError;
use wandstore_protocol::registry::LookupDomain;
use worker::Env;

thread_local! {
    static KNOWN: RefCell<TtlMap<String, Option<StoreSlug>>> =
        RefCell::new(TtlMap::new(CUSTOM_DOMAIN_TTL_MS, CUSTOM_DOMAIN_CACHE_MAX));
}

/// The store a custom domain belongs to (unknown domains are remembered too).
pub async fn store_for(
    env: &Env,
    host: &str,
    request_id: &str,
) -> Result<Option<StoreSlug>, EdgeError> {
    let now = crate::clock::now_ms();
    if let Some(known) = KNOWN.with(|k| k.borrow().get(host, now).cloned()) {
        return Ok(known);
    }
    let lookup = LookupDomain {
        host: host.to_owned(),
    };
    let found = registry_client::ask(env, lookup, request_id).await?;
    KNOWN.with(|k| k.borrow_mut().insert(host.to_owned(), found.clone(), now));
    Ok(found)
}
