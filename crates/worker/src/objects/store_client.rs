//! How other code talks to a store's StoreConfig object.

use super::STORE_CONFIG;
use crate::internal;
use wandstore_core::store::{StoreSettings, StoreSlug};
use wandstore_registry::StoreRecord;
use worker::{Env, Headers, Method, Response, Stub};

fn stub(env: &Env, store: &StoreSlug) -> worker::Result<Stub> {
    env.durable_object(STORE_CONFIG)?
        .id_from_name(store.as_str())?
        .get_stub()
}

fn headers(store: &StoreSlug, request_id: &str) -> worker::Result<Headers> {
    let h = Headers::new();
    h.set(internal::STORE, store.as_str())?;
    h.set(internal::REQUEST_ID, request_id)?;
    Ok(h)
}

async fn call(
    env: &Env,
    store: &StoreSlug,
    request_id: &str,
    method: Method,
    path: &str,
    extra: &[(&str, String)],
    body: Option<String>,
) -> worker::Result<Response> {
    let h = headers(store, request_id)?;
    for (name, value) in extra {
        h.set(name, value)?;
    }
    let req = internal::with_body(method, path, h, body)?;
    stub(env, store)?.fetch_with_request(req).await
}

fn unexpected(what: &str, store: &StoreSlug, status: u16) -> worker::Error {
    worker::Error::RustError(format!(
        "StoreConfig answered {status} to {what} for {store}"
    ))
}

/// The store's settings, `None` if no such store exists.
pub async fn settings(
    env: &Env,
    store: &StoreSlug,
    request_id: &str,
) -> worker::Result<Option<StoreSettings>> {
    let mut resp = call(
        env,
        store,
        request_id,
        Method::Get,
        internal::SETTINGS_PATH,
        &[],
        None,
    )
    .await?;
    match resp.status_code() {
        200 => Ok(Some(resp.json().await?)),
        404 => Ok(None),
        status => Err(unexpected("a settings read", store, status)),
    }
}

/// The store's whole record (platform admin only), `None` if no such store exists.
pub async fn record(
    env: &Env,
    store: &StoreSlug,
    request_id: &str,
) -> worker::Result<Option<StoreRecord>> {
    let mut resp = call(
        env,
        store,
        request_id,
        Method::Get,
        internal::RECORD_PATH,
        &[],
        None,
    )
    .await?;
    match resp.status_code() {
        200 => {
            let text = resp.text().await?;
            StoreRecord::from_storage_json(&text)
                .map(Some)
                .map_err(|e| {
                    worker::Error::RustError(format!("unreadable record for {store}: {e}"))
                })
        }
        404 => Ok(None),
        status => Err(unexpected("a record read", store, status)),
    }
}

/// Outcome of a compare-and-set write.
pub enum Saved {
    Ok,
    /// The stored version was not the expected one.
    Conflict,
}

/// Writes the record if the stored version is `expected_version` (0: create).
pub async fn save_record(
    env: &Env,
    record: &StoreRecord,
    expected_version: u64,
    request_id: &str,
) -> worker::Result<Saved> {
    let resp = call(
        env,
        &record.slug,
        request_id,
        Method::Put,
        internal::RECORD_PATH,
        &[(internal::IF_VERSION, expected_version.to_string())],
        Some(record.to_storage_json()),
    )
    .await?;
    match resp.status_code() {
        200 | 201 => Ok(Saved::Ok),
        409 => Ok(Saved::Conflict),
        status => Err(unexpected("a record write", &record.slug, status)),
    }
}

/// Deletes everything the store's object holds. True if there was a store.
pub async fn delete(env: &Env, store: &StoreSlug, request_id: &str) -> worker::Result<bool> {
    let resp = call(
        env,
        store,
        request_id,
        Method::Delete,
        internal::RECORD_PATH,
        &[],
        None,
    )
    .await?;
    match resp.status_code() {
        204 => Ok(true),
        404 => Ok(false),
        status => Err(unexpected("a delete", store, status)),
    }
}

/// A catalog route of the store's object (`/catalog/...`, query included), answered as is.
pub async fn catalog(
    env: &Env,
    store: &StoreSlug,
    request_id: &str,
    method: Method,
    path_and_query: &str,
) -> worker::Result<Response> {
    call(env, store, request_id, method, path_and_query, &[], None).await
}

/// Asks the store to create a Shopify cart for these lines (`POST /checkout`).
pub async fn checkout(
    env: &Env,
    store: &StoreSlug,
    request_id: &str,
    body: &str,
) -> worker::Result<Response> {
    call(
        env,
        store,
        request_id,
        Method::Post,
        internal::CHECKOUT_PATH,
        &[("content-type", "application/json".to_owned())],
        Some(body.to_owned()),
    )
    .await
}
