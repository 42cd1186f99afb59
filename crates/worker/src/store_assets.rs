//! Serving a store's uploaded files straight from R2 (no object is asked): `{base}assets/
//! {sha256}.{ext}` with an immutable cache policy and a strong ETag, and `{base}favicon.ico`
//! (the theme's favicon, or the platform's). What to read and answer is
//! `core::asset::serving`'s [`Serve`] and [`FileIo`]; here only the R2 reads and the
//! response. Uploads are written ([`put`]) and deleted ([`delete`]) here too, when the admin
//! API or the console asks.

use crate::internal;
use crate::respond::Made;
use std::collections::HashMap;
use wandstore_core::asset;
use wandstore_core::asset::serving::{FileIo, Serve};
use wandstore_protocol::EdgeError;
use wandstore_protocol::entry_run::FileRead;
use wandstore_protocol::owner::PutAsset;
use worker::{Env, HttpMetadata, ResponseBody};

/// The R2 bucket of owners' uploaded files.
pub const ASSETS_BUCKET: &str = "ASSETS";

/// Writes an upload's bytes under its key: its type, an immutable cache policy, its checked
/// metadata, and its digest for R2 to verify.
pub async fn put(env: &Env, asset: PutAsset) -> worker::Result<()> {
    let (key, bytes, checked) = (asset.key, asset.bytes, asset.checked);
    let bucket = env.bucket(ASSETS_BUCKET)?;
    let put = bucket.put(key, bytes).http_metadata(HttpMetadata {
        content_type: Some(checked.kind.content_type().to_owned()),
        cache_control: Some(asset::IMMUTABLE.to_owned()),
        ..HttpMetadata::default()
    });
    let put = put.custom_metadata(HashMap::from(checked.r2_metadata()));
    put.sha256(checked.digest.to_vec())
        .execute()
        .await
        .map(drop)
}

/// Deletes a file's bytes (the caller unlisted it first; a failure leaves them unreachable).
pub async fn delete(env: &Env, key: &str) -> worker::Result<()> {
    env.bucket(ASSETS_BUCKET)?.delete(key).await
}

/// The platform's favicon, for stores whose theme has none.
const DEFAULT_FAVICON: &[u8] = include_bytes!("../../../templates/favicon.ico");

fn missing() -> EdgeError {
    EdgeError::not_found("asset_not_found", "this store has no such file")
}

/// Serves one of the store's files (`file`), or the platform's favicon (`None`): the read
/// [`Serve::file`] says, and its answer. A `HEAD` or a 304 answers without a body.
pub async fn serve(env: &Env, file: Option<&str>, read: FileRead<'_>) -> Result<Made, EdgeError> {
    let found = Serve::file(read.store.as_str(), file, read.if_none_match, read.head);
    let (io, serve) = found.ok_or_else(missing)?;
    let bucket = || env.bucket(ASSETS_BUCKET).map_err(EdgeError::internal);
    let (headers, body) = match io {
        FileIo::PlatformBody => (serve.headers.to_vec(), internal::bytes(DEFAULT_FAVICON)),
        FileIo::PlatformNoBody => (serve.no_body_headers(DEFAULT_FAVICON.len() as u64), None),
        FileIo::Get(key) => {
            let found = bucket()?.get(key).execute().await;
            let object = found.map_err(EdgeError::internal)?.ok_or_else(missing)?;
            // Handed to the runtime as it is: the bytes never pass through Wasm.
            let body = object.body().ok_or_else(missing)?.response_body();
            let Ok(ResponseBody::Stream(stream)) = body else {
                return Err(EdgeError::internal("an R2 file's body is no stream"));
            };
            (serve.headers.to_vec(), Some(stream.into()))
        }
        FileIo::Head(key) => {
            let found = bucket()?.head(key).await.map_err(EdgeError::internal)?;
            let size = found.ok_or_else(missing)?.size();
            (serve.no_body_headers(size), None)
        }
    };
    Ok((serve.plan.status(), headers, body))
}
