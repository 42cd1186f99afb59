//! The platform admin API under `/admin/`: create, read, update, list and delete stores,
//! sync and inspect their catalogs; the owner routes run in `crate::owner_api`. Bearer
//! `ADMIN_TOKEN`; a store-owner token may use the owner routes of its own store only. Who may
//! run what, which body is read and which question it asks are
//! `wandstore_protocol::admin_call`'s; here the reads, the asks and the answers.

use crate::clock::now_ms;
use crate::objects::{registry_client, store_client};
use crate::respond;
use crate::{body, env_config, random};
use wandstore_core::owner_access::Author;
use wandstore_core::routes::AdminRoute;
use wandstore_core::secret::{admin_caller, hash_token, new_owner_token};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::admin_call::{
    AdminCall, CallContext, Created, Gate, PlatformCall, StoreCheck, Stores, body_limit,
    plan_create,
};
use wandstore_protocol::owner::OwnerCredential;
use wandstore_protocol::registry::ListStores;
use wandstore_protocol::store::ShowStore;
use worker::{Env, Request, Response};

/// Who [`authorize`] let in (`wandstore_core::secret::admin_caller` decides).
pub use wandstore_core::secret::Caller;
pub(crate) use wandstore_protocol::admin_call::no_store_named as no_store;

/// Runs an admin route for a caller [`authorize`] let in.
pub async fn handle(
    mut req: Request,
    env: &Env,
    route: AdminRoute<'_>,
    caller: Caller,
    rid: &str,
) -> Result<Response, EdgeError> {
    let gate = Gate::of(&route, &caller)?;
    match (&gate.store, gate.check) {
        (Some(store), StoreCheck::Exists) => known_store(env, store, rid).await?,
        (Some(store), StoreCheck::OwnedBy(hash)) => {
            let credential = OwnerCredential::TokenHash(hash);
            if !crate::owner_api::owns(env, store, credential, rid).await? {
                return Err(Gate::not_owner());
            }
        }
        _ => {}
    }
    let content_type = req.headers().get("content-type").ok().flatten();
    let body = match body_limit(&route, content_type.as_deref())? {
        Some(kind) => body::read_limited(&mut req, kind).await?,
        None => Vec::new(),
    };
    let cx = CallContext {
        author: Author::of(&caller),
        now_ms: now_ms(),
        base_domain: env_config::base_domain(env),
        local_upstreams: env_config::is_development(env),
    };
    match AdminCall::read(&route, gate.store, content_type.as_deref(), body, &cx)? {
        AdminCall::Platform(call) => platform(call, env, &cx, rid).await,
        AdminCall::Store(store, call) => {
            crate::owner_api::run(call, &req, env, &store, &cx, rid).await
        }
        AdminCall::Backups(store) => match (route, store) {
            (AdminRoute::ListBackups, _) => crate::backups_api::list(&req, env).await,
            (AdminRoute::StartBackups, _) => crate::backups_api::start(req, env, rid).await,
            (AdminRoute::Restore(_), Some(store)) => {
                crate::backups_api::restore(req, env, &store, rid).await
            }
            (AdminRoute::RestoreStatus(_), Some(store)) => {
                crate::backups_api::restore_status(env, &store, rid).await
            }
            (route, _) => Err(EdgeError::internal(format!(
                "{route:?} is not a backup route"
            ))),
        },
    }
}

async fn platform(
    call: PlatformCall,
    env: &Env,
    cx: &CallContext,
    rid: &str,
) -> Result<Response, EdgeError> {
    match call {
        PlatformCall::IsolateMetrics => {
            let metrics = crate::isolate_metrics::snapshot();
            Ok(respond::json(
                200,
                &serde_json::json!({
                    "isolate": metrics,
                    "server_error_rate": metrics.server_error_rate(),
                    "storage": crate::storage_report::largest(env, rid).await,
                }),
            ))
        }
        PlatformCall::ListStores => {
            let stores = registry_client::ask(env, ListStores, rid).await?;
            Ok(respond::json(200, &Stores::from(stores)))
        }
        PlatformCall::CreateStore(input) => {
            let owner_token = new_owner_token(random::bytes32().map_err(EdgeError::internal)?);
            let (slug, create) = plan_create(input, hash_token(&owner_token), cx)?;
            let store = store_client::ask(env, &slug, create, rid).await?;
            Ok(respond::json(201, &Created { store, owner_token }))
        }
    }
}

/// Who the request's bearer token says it is: the platform admin, or someone presenting a
/// store-owner token (checked against the store later); otherwise the refusal to send.
pub fn authorize(req: &Request, env: &Env) -> Result<Caller, EdgeError> {
    let header = req
        .headers()
        .get("authorization")
        .ok()
        .flatten()
        .unwrap_or_default();
    let admin = env_config::admin_token(env);
    Ok(admin_caller(admin.as_deref(), &header)?)
}

/// Adds `WWW-Authenticate` to a 401 from [`handle`].
pub fn challenge(resp: &mut Response) {
    if resp.status_code() == 401 {
        let _ = resp
            .headers_mut()
            .set("www-authenticate", r#"Bearer realm="wandstore-admin""#);
    }
}

/// `Ok` if the store exists, else a 404.
pub(crate) async fn known_store(env: &Env, store: &StoreSlug, rid: &str) -> Result<(), EdgeError> {
    store_client::ask(env, store, ShowStore, rid)
        .await
        .map(|_| ())
        .map_err(|e| match EdgeError::from(e) {
            e if e.status == 404 => no_store(store.as_str()),
            e => e,
        })
}
