//! The platform admin API under `/admin/`: create, read, update, list and delete stores.
//! Bearer `ADMIN_TOKEN`; store-owner tokens are refused with 403.

use crate::objects::{registry_client, store_client};
use crate::{body, env_config, internal, random, respond};
use serde::Serialize;
use wandstore_core::secret::{
    OWNER_TOKEN_PREFIX, bearer, hash_token, new_owner_token, token_matches,
};
use wandstore_core::store::StoreSlug;
use wandstore_registry::{
    FieldError, NewStore, PublicStore, StorePatch, apply_patch, validate_new,
};
use worker::{Env, Method, Request, Response};

/// The largest admin request body.
pub const MAX_BODY: usize = 64 * 1024;

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

pub async fn handle(
    mut req: Request,
    env: &Env,
    path: &str,
    rid: &str,
) -> worker::Result<Response> {
    if let Some(refusal) = authorize(&req, env, rid) {
        return Ok(refusal);
    }
    let parts: Vec<&str> = path
        .trim_start_matches("/admin/")
        .trim_end_matches('/')
        .split('/')
        .collect();
    match (parts.as_slice(), req.method()) {
        (["stores"], Method::Get) => {
            let stores = registry_client::list(env, rid).await?;
            Ok(respond::json(200, &serde_json::json!({ "stores": stores })))
        }
        (["stores"], Method::Post) => {
            let body = match read_json::<NewStore>(&mut req, rid).await? {
                Ok(b) => b,
                Err(resp) => return Ok(resp),
            };
            create(env, body, rid).await
        }
        (["stores"], _) => Ok(respond::method_not_allowed("GET, POST", rid)),
        (["stores", slug, action @ ("sync" | "catalog" | "metrics")], method) => {
            let Ok(store) = StoreSlug::parse(slug) else {
                return Ok(no_store(slug, rid));
            };
            if store_client::record(env, &store, rid).await?.is_none() {
                return Ok(no_store(slug, rid));
            }
            let (expected, path) = match *action {
                "sync" => (Method::Post, "/catalog/sync"),
                "metrics" => (Method::Get, internal::METRICS_PATH),
                _ => (Method::Get, "/catalog/status"),
            };
            if method != expected {
                return Ok(respond::method_not_allowed(expected.as_ref(), rid));
            }
            respond::into_mutable(store_client::catalog(env, &store, rid, expected, path).await?)
                .await
        }
        ([_, slug], method) => {
            let Ok(store) = StoreSlug::parse(slug) else {
                return Ok(no_store(slug, rid));
            };
            match method {
                Method::Get => Ok(match store_client::record(env, &store, rid).await? {
                    Some(r) => respond::json(200, &One { store: r.public() }),
                    None => no_store(slug, rid),
                }),
                Method::Patch => {
                    let patch = match read_json::<StorePatch>(&mut req, rid).await? {
                        Ok(p) => p,
                        Err(resp) => return Ok(resp),
                    };
                    update(env, &store, patch, rid).await
                }
                Method::Delete => {
                    let registered = registry_client::remove(env, &store, rid).await?;
                    let stored = store_client::delete(env, &store, rid).await?;
                    Ok(if registered || stored {
                        respond::bytes(204, "text/plain", Vec::new())
                    } else {
                        no_store(slug, rid)
                    })
                }
                _ => Ok(respond::method_not_allowed("GET, PATCH, DELETE", rid)),
            }
        }
        _ => Ok(respond::json_error(
            404,
            "not_found",
            "no such admin route",
            rid,
        )),
    }
}

/// `None` if the request carries the admin token; otherwise the refusal to send.
fn authorize(req: &Request, env: &Env, rid: &str) -> Option<Response> {
    let Some(admin) = env_config::admin_token(env) else {
        return Some(respond::json_error(
            503,
            "admin_disabled",
            "the admin API is disabled: set the ADMIN_TOKEN secret",
            rid,
        ));
    };
    let header = req
        .headers()
        .get("authorization")
        .ok()
        .flatten()
        .unwrap_or_default();
    let Some(token) = bearer(&header) else {
        return Some(unauthorized(
            "send Authorization: Bearer <admin token>",
            rid,
        ));
    };
    if token.starts_with(OWNER_TOKEN_PREFIX) {
        return Some(respond::json_error(
            403,
            "forbidden",
            "a store-owner token cannot use the platform admin API",
            rid,
        ));
    }
    if !token_matches(token, &hash_token(&admin)) {
        return Some(unauthorized("the admin token is not valid", rid));
    }
    None
}

fn unauthorized(message: &str, rid: &str) -> Response {
    let mut resp = respond::json_error(401, "unauthorized", message, rid);
    let _ = resp
        .headers_mut()
        .set("www-authenticate", r#"Bearer realm="wandstore-admin""#);
    resp
}

fn no_store(slug: &str, rid: &str) -> Response {
    respond::json_error(
        404,
        "store_not_found",
        &format!("there is no store named {slug:?}"),
        rid,
    )
}

fn invalid(errors: Vec<FieldError>, rid: &str) -> Response {
    let message = errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    respond::json_error_with(
        422,
        "invalid",
        &message,
        rid,
        serde_json::json!({ "fields": errors }),
    )
}

/// Reads a JSON body of at most [`MAX_BODY`] bytes; the `Err` is the response to send.
async fn read_json<T: serde::de::DeserializeOwned>(
    req: &mut Request,
    rid: &str,
) -> worker::Result<Result<T, Response>> {
    let bytes = match body::read_limited(req, MAX_BODY, rid).await? {
        Ok(bytes) => bytes,
        Err(resp) => return Ok(Err(resp)),
    };
    Ok(serde_json::from_slice(&bytes).map_err(|e| {
        respond::json_error(
            400,
            "invalid_json",
            &format!("the body is not the expected JSON: {e}"),
            rid,
        )
    }))
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

async fn create(env: &Env, input: NewStore, rid: &str) -> worker::Result<Response> {
    let owner_token = new_owner_token(random::bytes32()?);
    let base = env_config::base_domain(env);
    let record = match validate_new(input, &base, hash_token(&owner_token), now_ms()) {
        Ok(r) => r,
        Err(errors) => return Ok(invalid(errors, rid)),
    };
    if let Err(refused) = registry_client::write(env, &record, true, rid).await? {
        return Ok(respond::json_error(
            refused.status,
            &refused.code,
            &refused.message,
            rid,
        ));
    }
    match store_client::save_record(env, &record, 0, rid).await {
        Ok(store_client::Saved::Ok) => Ok(respond::json(
            201,
            &Created {
                store: record.public(),
                owner_token,
            },
        )),
        outcome => {
            // Undo the reservation so the slug is not stuck half-created.
            registry_client::remove(env, &record.slug, rid).await?;
            match outcome {
                Err(e) => Err(e),
                _ => Ok(respond::json_error(
                    409,
                    "store_exists",
                    "the store's object already holds a store; delete it first",
                    rid,
                )),
            }
        }
    }
}

async fn update(
    env: &Env,
    store: &StoreSlug,
    patch: StorePatch,
    rid: &str,
) -> worker::Result<Response> {
    let Some(current) = store_client::record(env, store, rid).await? else {
        return Ok(no_store(store.as_str(), rid));
    };
    let base = env_config::base_domain(env);
    let next = match apply_patch(&current, patch, &base, now_ms()) {
        Ok(r) => r,
        Err(errors) => return Ok(invalid(errors, rid)),
    };
    if let Err(refused) = registry_client::write(env, &next, false, rid).await? {
        return Ok(respond::json_error(
            refused.status,
            &refused.code,
            &refused.message,
            rid,
        ));
    }
    match store_client::save_record(env, &next, current.updated_at_ms, rid).await? {
        store_client::Saved::Ok => Ok(respond::json(
            200,
            &One {
                store: next.public(),
            },
        )),
        store_client::Saved::Conflict => Ok(respond::json_error(
            409,
            "version_conflict",
            "the store changed meanwhile; read it again and retry",
            rid,
        )),
    }
}
