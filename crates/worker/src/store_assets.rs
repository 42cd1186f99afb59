//! Serving a store's uploaded files straight from R2 (no object is asked): `{base}assets/
//! {sha256}.{ext}` with an immutable cache policy and a strong ETag, and `{base}favicon.ico`
//! (the theme's favicon, or the platform's). What to read and answer is `core::asset::serving`'s
//! [`Serve`]; here only the R2 reads and the response. Uploads are written ([`put`]) and
//! deleted ([`delete`]) here too, when the admin API or the console asks.

use crate::respond;
use std::collections::HashMap;
use wandstore_core::asset::serving::{Serve, ServePlan};
use wandstore_core::asset::{self, AssetKind};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::owner::PutAsset;
use worker::{Env, Headers, HttpMetadata, Response, ResponseBuilder};

/// The R2 bucket of owners' uploaded files.
pub const ASSETS_BUCKET: &str = "ASSETS";

/// Writes an upload's bytes under its key: its type, an immutable cache policy, its checked
/// metadata, and its digest for R2 to verify.
pub async fn put(env: &Env, asset: PutAsset) -> Result<(), String> {
    let PutAsset {
        key,
        checked,
        bytes,
    } = asset;
    let bucket = env.bucket(ASSETS_BUCKET).map_err(|e| e.to_string())?;
    let put = bucket.put(key, bytes).http_metadata(HttpMetadata {
        content_type: Some(checked.kind.content_type().to_owned()),
        cache_control: Some(asset::IMMUTABLE.to_owned()),
        ..HttpMetadata::default()
    });
    let put = put.custom_metadata(HashMap::from(checked.r2_metadata()));
    let written = put.sha256(checked.digest.to_vec()).execute().await;
    written.map(drop).map_err(|e| e.to_string())
}

/// Deletes a file's bytes, best effort (the caller unlisted it first).
pub async fn delete(env: &Env, key: String) {
    if let Ok(bucket) = env.bucket(ASSETS_BUCKET) {
        let _ = bucket.delete(key).await;
    }
}

/// The platform's favicon, for stores whose theme has none.
const DEFAULT_FAVICON: &[u8] = include_bytes!("../../../templates/favicon.ico");

fn missing() -> EdgeError {
    EdgeError::not_found("asset_not_found", "this store has no such file")
}

fn headers(pairs: &[(&str, String)]) -> Headers {
    pairs
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

/// The answer without a body (a 304, or a `HEAD`'s 200) for a file of `size` bytes.
fn no_body(serve: &Serve, size: u64) -> Response {
    let h = headers(&serve.no_body_headers(size));
    let status = serve.plan.status();
    ResponseBuilder::new()
        .with_status(status)
        .with_headers(h)
        .empty()
}

/// Serves one of the store's files. `head` answers without a body.
pub async fn serve(
    env: &Env,
    store: &StoreSlug,
    file: &str,
    if_none_match: Option<&str>,
    head: bool,
) -> Result<Response, EdgeError> {
    let found = Serve::uploaded(store.as_str(), file, if_none_match, head);
    let (key, serve) = found.ok_or_else(missing)?;
    let bucket = env.bucket(ASSETS_BUCKET).map_err(EdgeError::internal)?;
    if serve.plan != ServePlan::Body {
        let found = bucket.head(key).await.map_err(EdgeError::internal)?;
        return Ok(no_body(&serve, found.ok_or_else(missing)?.size()));
    }
    let found = bucket.get(key).execute().await;
    let object = found.map_err(EdgeError::internal)?.ok_or_else(missing)?;
    let body = object.body().ok_or_else(missing)?;
    // Handed to the runtime as it is: the bytes never pass through Wasm.
    let body = body.response_body().map_err(EdgeError::internal)?;
    Response::from_body(body)
        .map(|r| r.with_headers(headers(&serve.headers)))
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
    let serve = Serve::platform_favicon(if_none_match, head);
    if serve.plan != ServePlan::Body {
        return Ok(no_body(&serve, DEFAULT_FAVICON.len() as u64));
    }
    let resp = respond::bytes(200, AssetKind::Ico.content_type(), DEFAULT_FAVICON.to_vec());
    Ok(resp.with_headers(headers(&serve.headers)))
}
