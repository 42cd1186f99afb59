//! How other code asks a store's StoreConfig object for its settings.

use super::STORE_CONFIG;
use crate::internal;
use wandstore_core::store::{StoreSettings, StoreSlug};
use worker::{Env, Headers, Method};

/// The store's settings, `None` if no such store exists.
pub async fn settings(
    env: &Env,
    store: &StoreSlug,
    request_id: &str,
) -> worker::Result<Option<StoreSettings>> {
    let stub = env
        .durable_object(STORE_CONFIG)?
        .id_from_name(store.as_str())?
        .get_stub()?;
    let headers = Headers::new();
    headers.set(internal::STORE, store.as_str())?;
    headers.set(internal::REQUEST_ID, request_id)?;
    let req = internal::request(Method::Get, internal::SETTINGS_PATH, headers)?;
    let mut resp = stub.fetch_with_request(req).await?;
    match resp.status_code() {
        200 => Ok(Some(resp.json().await?)),
        404 => Ok(None),
        status => Err(worker::Error::RustError(format!(
            "StoreConfig answered {status} for the settings of {store}"
        ))),
    }
}
