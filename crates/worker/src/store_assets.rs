//! Serving a store's uploaded files straight from R2 (no object is asked): `{base}assets/
//! {sha256}.{ext}` with an immutable cache policy and a strong ETag, and `{base}favicon.ico`
//! (the theme's favicon, or the platform's).

use crate::owner_api::ASSETS_BUCKET;
use crate::respond;
use wandstore_core::asset::{self, AssetKind};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use worker::{Env, Headers, Response, ResponseBuilder};

/// The platform's favicon, for stores whose theme has none.
const DEFAULT_FAVICON: &[u8] = include_bytes!("../../../templates/favicon.ico");
/// Browsers ask for the favicon often; an hour keeps a theme change visible the same day.
const FAVICON_CACHE: &str = "public, max-age=3600";

fn missing() -> EdgeError {
    EdgeError::not_found("asset_not_found", "this store has no such file")
}

fn headers(kind: AssetKind, sha256: &str, cache: &str) -> Headers {
    let h = Headers::new();
    let _ = h.set("content-type", kind.content_type());
    let _ = h.set("cache-control", cache);
    let _ = h.set("etag", &format!("\"{sha256}\""));
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
    if head || asset::not_modified(if_none_match, sha256) {
        let found = bucket.head(key).await.map_err(EdgeError::internal)?;
        let object = found.ok_or_else(missing)?;
        let status = if head && !asset::not_modified(if_none_match, sha256) {
            200
        } else {
            304
        };
        let h = headers(kind, sha256, asset::IMMUTABLE);
        if status == 200 {
            let _ = h.set("content-length", &object.size().to_string());
        }
        return Ok(ResponseBuilder::new()
            .with_status(status)
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
        .map(|r| r.with_headers(headers(kind, sha256, asset::IMMUTABLE)))
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
    let etag = "platform-favicon-1";
    let h = headers(AssetKind::Ico, etag, FAVICON_CACHE);
    if asset::not_modified(if_none_match, etag) {
        return Ok(ResponseBuilder::new()
            .with_status(304)
            .with_headers(h)
            .empty());
    }
    let body = if head {
        Vec::new()
    } else {
        DEFAULT_FAVICON.to_vec()
    };
    let resp = respond::bytes(200, AssetKind::Ico.content_type(), body);
    Ok(resp.with_headers(h))
}
