//! The owner API under `/admin/stores/{slug}/`: theme drafts, publishing, versions, preview
//! links, assets and the owner token. The platform admin token or that store's owner token;
//! the store's object says whether an owner token is its own (403 otherwise, and for a store
//! that does not exist, so a token reveals nothing about other stores).

use crate::admin::{Caller, now_ms};
use crate::objects::store_client;
use crate::{body, random, respond};
use serde::Serialize;
use std::collections::HashMap;
use wandstore_core::asset::{self, CheckedAsset};
use wandstore_core::limits::BodyKind;
use wandstore_core::routes::AdminRoute;
use wandstore_core::secret::{hash_token, new_owner_token};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::owner::{
    AssetInfo, CheckOwner, DeleteAsset, ListAssets, OwnerCredential, RecordAsset, RotateOwnerToken,
};
use wandstore_protocol::store::StoreError;
use wandstore_protocol::wire::AskError;
use worker::{Env, HttpMetadata, Request, Response};

/// The R2 bucket of owners' uploaded files.
pub const ASSETS_BUCKET: &str = "ASSETS";

#[derive(Serialize)]
struct Assets {
    assets: Vec<AssetInfo>,
}

#[derive(Serialize)]
struct Rotated {
    /// Shown once; only its hash is kept. The old token stopped working.
    owner_token: String,
}

/// Runs an owner route for the admin or the store's owner.
pub async fn handle(
    mut req: Request,
    env: &Env,
    route: AdminRoute<'_>,
    store: &StoreSlug,
    caller: &Caller,
    rid: &str,
) -> Result<Response, EdgeError> {
    check_owner(env, store, caller, rid).await?;
    match route {
        AdminRoute::Assets(_) => {
            let assets = store_client::ask(env, store, ListAssets, rid).await?;
            Ok(respond::json(200, &Assets { assets }))
        }
        AdminRoute::PutAsset(_, name) => {
            let content_type = req.headers().get("content-type").ok().flatten();
            let bytes = body::read_limited(&mut req, BodyKind::Asset).await?;
            let checked = asset::check_upload(name, content_type.as_deref(), &bytes)?;
            let info = put_asset(env, store, &checked, bytes, rid).await?;
            Ok(respond::json(201, &info))
        }
        AdminRoute::DeleteAsset(_, name) => {
            let deleted =
                store_client::ask(env, store, DeleteAsset { name: name.into() }, rid).await?;
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
        AdminRoute::RotateOwnerToken(_) => {
            let owner_token = new_owner_token(random::bytes32().map_err(EdgeError::internal)?);
            let rotate = RotateOwnerToken {
                new_token_hash: hash_token(&owner_token),
                now_ms: now_ms(),
            };
            store_client::ask(env, store, rotate, rid).await?;
            Ok(respond::json(200, &Rotated { owner_token }))
        }
        AdminRoute::PersonalizationReport(_)
        | AdminRoute::PersonalizationSettings(_)
        | AdminRoute::PutPersonalizationSettings(_) => {
            crate::personalization_api::handle(req, env, route, store, rid).await
        }
        other => crate::themes_api::handle(req, env, other, store, caller, rid).await,
    }
}

/// `Ok` for the admin, or for an owner token the store's object recognises as its own.
async fn check_owner(
    env: &Env,
    store: &StoreSlug,
    caller: &Caller,
    rid: &str,
) -> Result<(), EdgeError> {
    let Caller::Owner { token_hash } = caller else {
        return crate::admin::known_store(env, store, rid).await;
    };
    let credential = OwnerCredential::TokenHash(token_hash.clone());
    if owns(env, store, credential, rid).await? {
        Ok(())
    } else {
        Err(EdgeError::new(
            403,
            "forbidden",
            "this owner token does not own this store",
        ))
    }
}

/// Whether the store's object recognises the credential as its owner's (`false` too for a
/// store that does not exist, so a credential reveals nothing about other stores).
pub(crate) async fn owns(
    env: &Env,
    store: &StoreSlug,
    credential: OwnerCredential,
    rid: &str,
) -> Result<bool, EdgeError> {
    match store_client::ask(env, store, CheckOwner { credential }, rid).await {
        Ok(()) => Ok(true),
        Err(AskError::Refused(StoreError::NotFound | StoreError::Forbidden)) => Ok(false),
        Err(e) => Err(e.into()),
    }
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
