//! The store routes of the admin API under `/admin/stores/{slug}/`: the store's record and
//! catalog (admin), and the owner routes (admin or that store's owner token): theme drafts,
//! publishing, versions, preview links, assets, the owner token and personalization. Each is
//! one typed question (`wandstore_protocol::admin_call::StoreCall`) to the store's object, or
//! to R2 for an asset's bytes.

use crate::clock::now_ms;
use crate::objects::{registry_client, store_client};
use crate::{env_config, random, respond};
use std::collections::HashMap;
use wandstore_core::asset::{self, CheckedAsset};
use wandstore_core::secret::{hash_token, new_owner_token};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::admin_call::CallContext;
use wandstore_protocol::admin_call::{PreviewLink, Rotated, StoreCall, deleted};
use wandstore_protocol::owner::{AssetInfo, RecordAsset, RotateOwnerToken};
use wandstore_protocol::registry::ForgetStore;
use wandstore_protocol::store::DeleteStore;
use wandstore_protocol::store_call_step::StoreStep;
use worker::{Env, HttpMetadata, Request, Response};

/// The R2 bucket of owners' uploaded files.
pub const ASSETS_BUCKET: &str = "ASSETS";

/// Asks `store` what `call` asks, for a caller already let through, and answers in JSON.
pub async fn run(
    call: StoreCall,
    req: &Request,
    env: &Env,
    store: &StoreSlug,
    cx: &CallContext,
    rid: &str,
) -> Result<Response, EdgeError> {
    let step = call.step().map_err(EdgeError::internal)?;
    match step {
        StoreStep::Ask(asked) => {
            let status = asked.status;
            let json = store_client::ask_step(env, store, asked, rid).await?;
            Ok(respond::bytes(
                status,
                "application/json",
                json.into_bytes(),
            ))
        }
        StoreStep::Delete => {
            let forget = ForgetStore {
                slug: store.clone(),
            };
            let registered = registry_client::ask(env, forget, rid).await?;
            let stored = store_client::ask(env, store, DeleteStore, rid).await?;
            deleted(store, registered, stored)?;
            Ok(respond::empty(204))
        }
        StoreStep::Preview => {
            let origin = req.url().map_err(EdgeError::internal)?.origin();
            let link = preview_link(env, store, &origin.ascii_serialization())?;
            Ok(respond::json(201, &link))
        }
        StoreStep::PutAsset(checked, bytes) => {
            let asset = put_asset(env, store, &checked, bytes, rid).await?;
            Ok(respond::json(201, &asset))
        }
        StoreStep::DeleteAsset(delete) => {
            let deleted = store_client::ask(env, store, delete, rid).await?;
            if deleted.unreferenced {
                let bucket = env.bucket(ASSETS_BUCKET).map_err(EdgeError::internal)?;
                // The listing no longer names it; bytes left behind by a failure here are
                // unreachable through the store and harmless.
                let _ = bucket
                    .delete(asset::r2_key(store.as_str(), &deleted.file))
                    .await;
            }
            Ok(respond::empty(204))
        }
        StoreStep::RotateOwnerToken => {
            let (owner_token, new_token_hash) = new_token()?;
            let rotate = RotateOwnerToken {
                new_token_hash,
                now_ms: cx.now_ms,
            };
            store_client::ask(env, store, rotate, rid).await?;
            Ok(respond::json(200, &Rotated { owner_token }))
        }
    }
}

/// A fresh owner token and its hash (only the hash is kept).
pub(crate) fn new_token() -> Result<(String, String), EdgeError> {
    let owner_token = new_owner_token(random::bytes::<32>().map_err(EdgeError::internal)?);
    let hash = hash_token(&owner_token);
    Ok((owner_token, hash))
}

/// Writes the bytes to R2 under their content hash, then lists them under their name. If the
/// listing fails the bytes stay unreachable (nothing names them); the upload can be retried.
pub(crate) async fn put_asset(
    env: &Env,
    store: &StoreSlug,
    checked: &CheckedAsset,
    bytes: Vec<u8>,
    rid: &str,
) -> Result<AssetInfo, EdgeError> {
    let bucket = env.bucket(ASSETS_BUCKET).map_err(EdgeError::internal)?;
    bucket
        .put(asset::r2_key(store.as_str(), &checked.file), bytes)
        .http_metadata(HttpMetadata {
            content_type: Some(checked.kind.content_type().to_owned()),
            cache_control: Some(asset::IMMUTABLE.to_owned()),
            ..HttpMetadata::default()
        })
        .custom_metadata(HashMap::from(checked.r2_metadata()))
        .sha256(checked.digest.to_vec())
        .execute()
        .await
        .map_err(|e| EdgeError::internal(format!("writing the asset to R2: {e}")))?;
    let asset = AssetInfo::from_checked(checked, now_ms());
    Ok(store_client::ask(env, store, RecordAsset { asset }, rid).await?)
}

/// A signed link to the store's draft on the platform host (`origin` empty: its path).
pub(crate) fn preview_link(
    env: &Env,
    store: &StoreSlug,
    origin: &str,
) -> Result<PreviewLink, EdgeError> {
    let signer = env_config::cookie_signer(env).map_err(|weak| {
        EdgeError::misconfigured("config", "previews are not configured yet", weak)
    })?;
    Ok(PreviewLink::signed(&signer, store, origin, now_ms()))
}
