//! The platform admin's backup routes (platform admin token only): `POST /admin/backups`
//! starts a backup of every store (or the body's `{"store": slug}`), `GET /admin/backups`
//! lists complete backups with their manifest summaries (R2 custom metadata of
//! `manifests/…`, optionally `?store=`), `POST /admin/stores/{slug}/restore`
//! `{"backup": id}` restores one (in the store's object, `store_config/restore.rs`): 200 with
//! the restore's status when it finished within the request, 202 with it (`"status":
//! "running"`) when it goes on in the background; `GET /admin/stores/{slug}/restore` shows it.

use crate::admin::{no_store, now_ms, read_json};
use crate::objects::{registry_client, store_client};
use crate::{body, env_config, respond};
use serde::{Deserialize, Serialize};
use wandstore_backup::keys::{ALL_MANIFESTS_PREFIX, manifest_prefix, parse_manifest_key};
use wandstore_backup::manifest::SUMMARY_METADATA;
use wandstore_backup::{BackupId, BackupReason, ManifestSummary};
use wandstore_core::limits::{BodyKind, require_json};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::backup::{BackupStarted, RestoreBackup, ShowRestore, StartBackup};
use wandstore_protocol::registry::ListStores;
use worker::{Env, Include, Request, Response};

/// The most manifests one listing shows (newest stores' keys sort last; use `?store=`).
const LIST_MAX: usize = 5000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartBody {
    #[serde(default)]
    store: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RestoreBody {
    backup: String,
}

#[derive(Serialize)]
struct Started {
    backups: Vec<BackupStarted>,
    /// Stores whose backup could not start: `{store, code, message}`.
    failed: Vec<Failed>,
}

#[derive(Serialize)]
struct Failed {
    store: String,
    code: String,
    message: String,
}

#[derive(Serialize)]
struct Listing {
    backups: Vec<ManifestSummary>,
    truncated: bool,
}

fn json_type(req: &Request) -> Result<(), EdgeError> {
    let ct = req.headers().get("content-type").ok().flatten();
    require_json(ct.as_deref()).map_err(EdgeError::from)
}

/// `POST /admin/backups`.
pub async fn start(mut req: Request, env: &Env, rid: &str) -> Result<Response, EdgeError> {
    let bytes = body::read_limited(&mut req, BodyKind::AdminJson).await?;
    let only = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        json_type(&req)?;
        let body: StartBody = serde_json::from_slice(&bytes).map_err(|e| {
            EdgeError::bad_request("invalid_json", format!("expected {{\"store\": slug}}: {e}"))
        })?;
        body.store
    };
    let stores: Vec<StoreSlug> = match only {
        Some(slug) => vec![StoreSlug::parse(&slug).map_err(|_| no_store(&slug))?],
        None => registry_client::ask(env, ListStores, rid)
            .await?
            .into_iter()
            .map(|e| e.slug)
            .collect(),
    };
    let single = stores.len() == 1;
    let mut out = Started {
        backups: Vec::new(),
        failed: Vec::new(),
    };
    for batch in stores.chunks(10) {
        let asks = batch.iter().map(|store| {
            let q = StartBackup {
                reason: BackupReason::Manual,
                now_ms: now_ms(),
            };
            store_client::ask(env, store, q, rid)
        });
        for (store, answer) in batch.iter().zip(futures::future::join_all(asks).await) {
            match answer {
                Ok(started) => out.backups.push(started),
                Err(e) => {
                    let e = EdgeError::from(e);
                    if single {
                        return Err(if e.status == 404 {
                            no_store(store.as_str())
                        } else {
                            e
                        });
                    }
                    out.failed.push(Failed {
                        store: store.to_string(),
                        code: e.code,
                        message: e.message,
                    });
                }
            }
        }
    }
    crate::storage_report::record(env, &out.backups, rid).await;
    Ok(respond::json(202, &out))
}

/// `GET /admin/backups[?store=slug]`, newest first.
pub async fn list(req: &Request, env: &Env) -> Result<Response, EdgeError> {
    let url = req.url().map_err(EdgeError::internal)?;
    let mut prefix = ALL_MANIFESTS_PREFIX.to_owned();
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "store" => {
                let store = StoreSlug::parse(&v).map_err(|_| no_store(&v))?;
                prefix = manifest_prefix(&store);
            }
            other => {
                return Err(EdgeError::bad_request(
                    "unknown_parameter",
                    format!("unknown query parameter {other:?}; only store= is accepted"),
                ));
            }
        }
    }
    let bucket = env
        .bucket("BACKUPS")
        .map_err(|e| EdgeError::internal(format!("BACKUPS: {e}")))?;
    let mut backups = Vec::new();
    let mut cursor: Option<String> = None;
    let mut truncated = false;
    loop {
        let mut list = bucket
            .list()
            .prefix(prefix.clone())
            .include(vec![Include::CustomMetadata]);
        if let Some(c) = cursor.take() {
            list = list.cursor(c);
        }
        let page = list
            .execute()
            .await
            .map_err(|e| EdgeError::internal(format!("listing backups: {e}")))?;
        for object in page.objects() {
            if parse_manifest_key(&object.key()).is_none() {
                continue;
            }
            let metadata = object.custom_metadata().unwrap_or_default();
            if let Some(summary) =
                ManifestSummary::from_metadata(metadata.get(SUMMARY_METADATA).map(String::as_str))
            {
                backups.push(summary);
            }
        }
        if backups.len() >= LIST_MAX {
            truncated = page.truncated();
            break;
        }
        match page.cursor().filter(|_| page.truncated()) {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    backups.sort_by(|a, b| b.backup_id.cmp(&a.backup_id));
    Ok(respond::json(200, &Listing { backups, truncated }))
}

/// `POST /admin/stores/{slug}/restore`.
pub async fn restore(
    mut req: Request,
    env: &Env,
    store: &StoreSlug,
    rid: &str,
) -> Result<Response, EdgeError> {
    json_type(&req)?;
    let body: RestoreBody = read_json(&mut req).await?;
    let backup = BackupId::parse(&body.backup).map_err(|e| {
        EdgeError::bad_request("invalid_backup_id", format!("{:?}: {e}", body.backup))
    })?;
    let q = RestoreBackup {
        store: store.clone(),
        backup,
        base_domain: env_config::base_domain(env),
        local_upstreams: env_config::is_development(env),
        now_ms: now_ms(),
    };
    let status = store_client::ask(env, store, q, rid).await?;
    let code = if status.is_finished() { 200 } else { 202 };
    Ok(respond::json(code, &status))
}

/// `GET /admin/stores/{slug}/restore`: the current or last restore (404 `no_restore`).
pub async fn restore_status(
    env: &Env,
    store: &StoreSlug,
    rid: &str,
) -> Result<Response, EdgeError> {
    let q = ShowRestore { now_ms: now_ms() };
    let status = store_client::ask(env, store, q, rid).await?;
    Ok(respond::json(200, &status))
}
