//! Custom domain → store, remembered per isolate for a short while so that routing a
//! custom-domain request rarely costs a call to the StoreRegistry object.

use crate::objects::registry_client;
use std::cell::RefCell;
use std::collections::HashMap;
use wandstore_core::cached::Cached;
use wandstore_core::store::StoreSlug;
use wandstore_core::tenant::{CUSTOM_DOMAIN_CACHE_MAX, CUSTOM_DOMAIN_TTL_MS};
use worker::Env;

thread_local! {
    static KNOWN: RefCell<HashMap<String, Cached<Option<StoreSlug>>>> = RefCell::new(HashMap::new());
}

/// The store a custom domain belongs to (unknown domains are remembered too).
pub async fn store_for(
    env: &Env,
    host: &str,
    request_id: &str,
) -> worker::Result<Option<StoreSlug>> {
    let now = worker::Date::now().as_millis();
    let hit = KNOWN.with(|k| {
        k.borrow()
            .get(host)
            .and_then(|c| c.fresh(now, CUSTOM_DOMAIN_TTL_MS).cloned())
    });
    if let Some(known) = hit {
        return Ok(known);
    }
    let found = registry_client::lookup(env, host, request_id).await?;
    KNOWN.with(|k| {
        let mut k = k.borrow_mut();
        if k.len() >= CUSTOM_DOMAIN_CACHE_MAX {
            k.retain(|_, c| c.fresh(now, CUSTOM_DOMAIN_TTL_MS).is_some());
        }
        if k.len() < CUSTOM_DOMAIN_CACHE_MAX {
            k.insert(host.to_owned(), Cached::new(found.clone(), now));
        }
    });
    Ok(found)
}
