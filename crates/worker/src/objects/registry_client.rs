//! How other code talks to the StoreRegistry object.

use super::STORE_REGISTRY;
use super::registry::{Entry, NAME, Summary};
use crate::internal;
use wandstore_core::store::StoreSlug;
use wandstore_registry::StoreRecord;
use worker::{Env, Headers, Method, Response};

/// A registry refusal the admin API passes on to the client.
pub struct Refused {
    pub status: u16,
    pub code: String,
    pub message: String,
}

async fn call(
    env: &Env,
    request_id: &str,
    method: Method,
    path: &str,
    body: Option<String>,
) -> worker::Result<Response> {
    let h = Headers::new();
    h.set(internal::REQUEST_ID, request_id)?;
    if body.is_some() {
        h.set("content-type", "application/json")?;
    }
    let req = internal::with_body(method, path, h, body)?;
    env.durable_object(STORE_REGISTRY)?
        .id_from_name(NAME)?
        .get_stub()?
        .fetch_with_request(req)
        .await
}

fn entry(record: &StoreRecord) -> Entry {
    Entry {
        slug: record.slug.to_string(),
        display_name: record.display_name.clone(),
        currency: record.currency.as_str().to_owned(),
        custom_domains: record.custom_domains.clone(),
        updated_at_ms: record.updated_at_ms,
    }
}

async fn refusal(mut resp: Response) -> worker::Result<Refused> {
    let status = resp.status_code();
    let body: serde_json::Value = resp.json().await.unwrap_or_default();
    let field = |k: &str| {
        body["error"][k]
            .as_str()
            .unwrap_or("registry refused the change")
            .to_owned()
    };
    Ok(Refused {
        status,
        code: field("code"),
        message: field("message"),
    })
}

/// Claims a new slug and its domains (create) or updates them (update).
pub async fn write(
    env: &Env,
    record: &StoreRecord,
    create: bool,
    request_id: &str,
) -> worker::Result<Result<(), Refused>> {
    let (method, path) = if create {
        (Method::Post, "/reserve")
    } else {
        (Method::Put, "/entry")
    };
    let body = serde_json::to_string(&entry(record))?;
    let resp = call(env, request_id, method, path, Some(body)).await?;
    if matches!(resp.status_code(), 200 | 201) {
        Ok(Ok(()))
    } else {
        Ok(Err(refusal(resp).await?))
    }
}

/// Every registered store.
pub async fn list(env: &Env, request_id: &str) -> worker::Result<Vec<Summary>> {
    let mut resp = call(env, request_id, Method::Get, "/stores", None).await?;
    resp.json().await
}

/// Forgets a store and its domains. True if it was registered.
pub async fn remove(env: &Env, store: &StoreSlug, request_id: &str) -> worker::Result<bool> {
    let resp = call(
        env,
        request_id,
        Method::Delete,
        &format!("/stores/{store}"),
        None,
    )
    .await?;
    Ok(resp.status_code() == 204)
}

/// The store that registered this custom domain, if any.
pub async fn lookup(env: &Env, host: &str, request_id: &str) -> worker::Result<Option<StoreSlug>> {
    let h = Headers::new();
    h.set(internal::REQUEST_ID, request_id)?;
    h.set(internal::HOST, host)?;
    let req = internal::request(Method::Get, "/lookup", h)?;
    let mut resp = env
        .durable_object(STORE_REGISTRY)?
        .id_from_name(NAME)?
        .get_stub()?
        .fetch_with_request(req)
        .await?;
    if resp.status_code() != 200 {
        return Ok(None);
    }
    let body: serde_json::Value = resp.json().await?;
    Ok(body["slug"].as_str().and_then(|s| StoreSlug::parse(s).ok()))
}
