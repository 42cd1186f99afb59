//! The platform admin API under `/admin/`: create, read, update, list and delete stores,
//! sync and inspect their catalogs. Bearer `ADMIN_TOKEN`; a store-owner token may use the
//! owner routes of its own store only (`crate::owner_api`), and gets 403 anywhere else. Each
//! route is one typed question to the store's object or the registry.

use crate::objects::{registry_client, store_client};
use crate::respond;
use crate::{body, env_config, random};
use serde::Serialize;
use wandstore_core::limits::BodyKind;
use wandstore_core::routes::AdminRoute;
use wandstore_core::secret::{admin_caller, hash_token, new_owner_token};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::registry::{ForgetStore, ListStores};
use wandstore_protocol::store::{
    CreateStore, DeleteStore, ShowCatalogStatus, ShowMetrics, ShowStore, SyncNow, UpdateStore,
};
use wandstore_registry::{
    NewStore, Platform, PublicStore, RegistryEntry, StorePatch, validate_new,
};
use worker::{Env, Request, Response};

#[derive(Serialize)]
struct Created {
    store: PublicStore,
    /// Shown once; only its hash is kept.
    owner_token: String,
}

#[derive(Serialize)]
struct One {
    store: PublicStore,
}

#[derive(Serialize)]
struct Stores {
    stores: Vec<RegistryEntry>,
}

/// Who [`authorize`] let in (`wandstore_core::secret::admin_caller` decides).
pub use wandstore_core::secret::Caller;

/// Runs an admin route for a caller [`authorize`] let in.
pub async fn handle(
    mut req: Request,
    env: &Env,
    route: AdminRoute<'_>,
    caller: Caller,
    rid: &str,
) -> Result<Response, EdgeError> {
    let store = match route.store() {
        Some(slug) => Some(StoreSlug::parse(slug).map_err(|_| no_store(slug))?),
        None => None,
    };
    if route.owner_may() {
        let Some(store) = store else {
            return Err(EdgeError::internal(format!("{route:?} names no store")));
        };
        return crate::owner_api::handle(req, env, route, &store, &caller, rid).await;
    }
    if caller != Caller::Admin {
        return Err(owner_refused());
    }
    match (route, store) {
        (AdminRoute::IsolateMetrics, _) => {
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
        (AdminRoute::ListStores, _) => {
            let stores = registry_client::ask(env, ListStores, rid).await?;
            Ok(respond::json(200, &Stores { stores }))
        }
        (AdminRoute::CreateStore, _) => {
            let input: NewStore = read_json(&mut req).await?;
            create(env, input, rid).await
        }
        (AdminRoute::ShowStore(_), Some(store)) => {
            let store = store_client::ask(env, &store, ShowStore, rid).await?;
            Ok(respond::json(200, &One { store }))
        }
        (AdminRoute::PatchStore(_), Some(store)) => {
            let patch: StorePatch = read_json(&mut req).await?;
            let update = UpdateStore {
                patch,
                base_domain: env_config::base_domain(env),
                local_upstreams: env_config::is_development(env),
                now_ms: now_ms(),
            };
            let store = store_client::ask(env, &store, update, rid).await?;
            Ok(respond::json(200, &One { store }))
        }
        (AdminRoute::DeleteStore(slug), Some(store)) => {
            let forget = ForgetStore {
                slug: store.clone(),
            };
            let registered = registry_client::ask(env, forget, rid).await?;
            let stored = store_client::ask(env, &store, DeleteStore, rid).await?;
            if registered || stored {
                Ok(respond::empty(204))
            } else {
                Err(no_store(slug))
            }
        }
        (AdminRoute::SyncCatalog(_), Some(store)) => {
            known_store(env, &store, rid).await?;
            let report = store_client::ask(env, &store, SyncNow, rid).await?;
            Ok(respond::json(200, &report))
        }
        (AdminRoute::CatalogStatus(_), Some(store)) => {
            known_store(env, &store, rid).await?;
            let status = store_client::ask(env, &store, ShowCatalogStatus, rid).await?;
            Ok(respond::json(200, &status))
        }
        (AdminRoute::Metrics(_), Some(store)) => {
            known_store(env, &store, rid).await?;
            let metrics = store_client::ask(env, &store, ShowMetrics, rid).await?;
            Ok(respond::json(200, &metrics))
        }
        (AdminRoute::ListBackups, _) => crate::backups_api::list(&req, env).await,
        (AdminRoute::StartBackups, _) => crate::backups_api::start(req, env, rid).await,
        (AdminRoute::Restore(_), Some(store)) => {
            crate::backups_api::restore(req, env, &store, rid).await
        }
        (AdminRoute::RestoreStatus(_), Some(store)) => {
            crate::backups_api::restore_status(env, &store, rid).await
        }
        (route, _) => Err(EdgeError::internal(format!(
            "{route:?} is not an admin route"
        ))),
    }
}

fn owner_refused() -> EdgeError {
    EdgeError::new(
        403,
        "forbidden",
        "a store-owner token can only use its own store's theme, assets and token routes",
    )
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

pub(crate) fn no_store(slug: &str) -> EdgeError {
    EdgeError::no_store(format!("there is no store named {slug:?}"))
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

/// Reads a JSON body within the admin API's limit (64 KB).
pub(crate) async fn read_json<T: serde::de::DeserializeOwned>(
    req: &mut Request,
) -> Result<T, EdgeError> {
    let bytes = body::read_limited(req, BodyKind::AdminJson).await?;
    serde_json::from_slice(&bytes).map_err(|e| {
        EdgeError::bad_request(
            "invalid_json",
            format!("the body is not the expected JSON: {e}"),
        )
    })
}

pub(crate) fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

async fn create(env: &Env, input: NewStore, rid: &str) -> Result<Response, EdgeError> {
    let owner_token = new_owner_token(random::bytes32().map_err(EdgeError::internal)?);
    let base_domain = env_config::base_domain(env);
    let owner_token_hash = hash_token(&owner_token);
    let now_ms = now_ms();
    let local_upstreams = env_config::is_development(env);
    let platform = Platform {
        base_domain: &base_domain,
        local_upstreams,
    };
    // Every problem at once, before any object is asked (the slug names the object).
    let record = validate_new(input.clone(), platform, owner_token_hash.clone(), now_ms)
        .map_err(EdgeError::invalid)?;
    let create = CreateStore {
        input,
        owner_token_hash,
        base_domain,
        local_upstreams,
        now_ms,
    };
    let store = store_client::ask(env, &record.slug, create, rid).await?;
    Ok(respond::json(201, &Created { store, owner_token }))
}
