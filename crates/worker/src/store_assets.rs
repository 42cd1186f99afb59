//! Serving a store's uploaded files straight from R2 (no object is asked): `{base}assets/
//! {sha256}.{ext}` with an immutable cache policy and a strong ETag, and `{base}favicon.ico`
//! (the theme's favicon, or the platform's). What to answer is `core::asset::serving`'s
//! [`ServePlan`]; here only the R2 reads and the response.

use crate::owner_api::ASSETS_BUCKET;
use crate::respond;
use wandstore_core::asset::serving::{
    FAVICON_CACHE, PLATFORM_FAVICON_ETAG, ServePlan, served_headers, uploaded_headers,
};
use wandstore_core::asset::{self, AssetKind};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use worker::{Env, Headers, Response, ResponseBuilder};

/// The platform's favicon, for stores whose theme has none.
const DEFAULT_FAVICON: &[u8] = include_bytes!("../../../templates/favicon.ico");

fn missing() -> EdgeError {
    EdgeError::not_found("asset_not_found", "this store has no such file")
}

fn headers(pairs: [(&str, String); 3]) -> Headers {
    let h = Headers::new();
    for (name, value) in pairs {
        let _ = h.set(name, &value);
    }
    h
}

/// Serves one of the store's files. `head` answers without a body.
pub async fn serve(
    env: &Env,
    store: &StoreSlug,
    file: &str,
    if_none_match: Option<&str>,
    head: bool,
) -> Result<Response, EdgeError> {
    let (sha256, kind) = asset::parse_file(file).ok_or_else(missing)?;
    let bucket = env.bucket(ASSETS_BUCKET).map_err(EdgeError::internal)?;
    let key = asset::r2_key(store.as_str(), file);
    let plan = ServePlan::for_request(if_none_match, sha256, head);
    if plan != ServePlan::Body {
        let found = bucket.head(key).await.map_err(EdgeError::internal)?;
        let object = found.ok_or_else(missing)?;
        let h = headers(uploaded_headers(kind, sha256));
        if plan.with_length() {
            let _ = h.set("content-length", &object.size().to_string());
        }
        return Ok(ResponseBuilder::new()
            .with_status(plan.status())
            .with_headers(h)
            .empty());
    }
    let object = bucket
        .get(key)
        .execute()
        .await
        .map_err(EdgeError::internal)?
        .ok_or_else(missing)?;
    let body = object.body().ok_or_else(missing)?;
    // Handed to the runtime as it is: the bytes never pass through Wasm.
    let body = body.response_body().map_err(EdgeError::internal)?;
    Response::from_body(body)
        .map(|r| r.with_headers(headers(uploaded_headers(kind, sha256))))
        .map_err(EdgeError::internal)
}

/// The store's favicon: the published theme's, or the platform's default.
pub async fn favicon(
    env: &Env,
    store: &StoreSlug,
    theme_favicon: Option<&str>,
    if_none_match: Option<&str>,
    head: bool,
) -> Result<Response, EdgeError> {
    if let Some(file) = theme_favicon {
        return serve(env, store, file, if_none_match, head).await;
    }
    let etag = PLATFORM_FAVICON_ETAG;
    let h = headers(served_headers(AssetKind::Ico, etag, FAVICON_CACHE));
    let plan = ServePlan::for_request(if_none_match, etag, head);
    if plan.status() == 304 {
        return Ok(ResponseBuilder::new()
            .with_status(304)
            .with_headers(h)
            .empty());
    }
    let body = if plan == ServePlan::Body {
        DEFAULT_FAVICON.to_vec()
    } else {
        Vec::new()
    };
    let resp = respond::bytes(200, AssetKind::Ico.content_type(), body);
    Ok(resp.with_headers(h))
}
