//! Custom domain → store, remembered per isolate for a short while so that routing a
//! custom-domain request rarely costs a call to the StoreRegistry object (what is kept, for
//! how long and within which bounds is `core::domain_cache`'s).

use crate::objects::registry_client;
use std::cell::RefCell;
use wandstore_core::domain_cache::DomainCache;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::registry::LookupDomain;
use worker::Env;

thread_local! {
    static KNOWN: RefCell<DomainCache> = RefCell::new(DomainCache::default());
}

/// The store a custom domain belongs to (unknown domains are remembered too).
pub async fn store_for(
    env: &Env,
    host: &str,
    request_id: &str,
) -> Result<Option<StoreSlug>, EdgeError> {
    let now = crate::clock::now_ms();
    if let Some(known) = KNOWN.with(|k| k.borrow().get(host, now)) {
        return Ok(known);
    }
    let lookup = LookupDomain {
        host: host.to_owned(),
    };
    let found = registry_client::ask(env, lookup, request_id).await?;
    KNOWN.with(|k| k.borrow_mut().learn(host, found.clone(), now));
    Ok(found)
}
