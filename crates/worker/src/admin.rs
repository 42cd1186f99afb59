//! The platform admin API under `/admin/`: create, read, update, list and delete stores,
//! sync and inspect their catalogs; the owner routes run in `crate::owner_api`. Bearer
//! `ADMIN_TOKEN`; a store-owner token may use the owner routes of its own store only. Who may
//! run what, which body is read and which question it asks are
//! `wandstore_protocol::admin_call`'s; here the reads, the asks and the answers.

use crate::clock::now_ms;
use crate::objects::{registry_client, store_client};
use crate::respond;
use crate::{body, env_config};
use wandstore_core::owner_access::Author;
use wandstore_core::routes::AdminRoute;
use wandstore_core::secret::admin_caller;
use wandstore_protocol::EdgeError;
use wandstore_protocol::admin_call::{
    AdminCall, BackupCall, CallContext, Created, Gate, IsolateReport, PlatformCall, StoreCheck,
    Stores, body_limit, plan_create,
};
use wandstore_protocol::owner::{CheckOwner, OwnerCredential};
use wandstore_protocol::registry::ListStores;
use wandstore_protocol::store::ShowStore;
use worker::{Env, Request, Response};

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
    let gate = Gate::of(&route, &caller)?;
    if let Some(store) = &gate.store {
        let asked = match &gate.check {
            StoreCheck::None => Ok(()),
            StoreCheck::Exists => store_client::ask(env, store, ShowStore, rid)
                .await
                .map(drop),
            StoreCheck::OwnedBy(hash) => {
                let credential = OwnerCredential::TokenHash(hash.clone());
                store_client::ask(env, store, CheckOwner { credential }, rid).await
            }
        };
        gate.checked(asked)?;
    }
    let content_type = crate::backups_api::content_type(&req);
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
        AdminCall::Backups(call) => match call {
            BackupCall::List => crate::backups_api::list(&req, env).await,
            BackupCall::Start => crate::backups_api::start(req, env, rid).await,
            BackupCall::Restore(store) => crate::backups_api::restore(req, env, &store, rid).await,
            BackupCall::RestoreStatus(store) => {
                crate::backups_api::restore_status(env, &store, rid).await
            }
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
            let storage = crate::storage_report::largest(env, rid).await;
            let report = IsolateReport::of(crate::isolate_metrics::snapshot(), storage);
            Ok(respond::json(200, &report))
        }
        PlatformCall::ListStores => {
            let stores = registry_client::ask(env, ListStores, rid).await?;
            Ok(respond::json(200, &Stores::from(stores)))
        }
        PlatformCall::CreateStore(input) => {
            let (owner_token, hash) = crate::owner_api::new_token()?;
            let (slug, create) = plan_create(input, hash, cx)?;
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
