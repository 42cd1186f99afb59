//! The platform admin's backup routes (platform admin token only): `POST /admin/backups`
//! starts a backup of every store (or the body's `{"store": slug}`), `GET /admin/backups`
//! lists complete backups with their manifest summaries (R2 custom metadata of
//! `manifests/…`, optionally `?store=`), `POST /admin/stores/{slug}/restore`
//! `{"backup": id}` restores one (in the store's object, `store_config/restore.rs`): 200 with
//! the restore's status when it finished within the request, 202 with it (`"status":
//! "running"`) when it goes on in the background; `GET /admin/stores/{slug}/restore` shows it.
//! What a request asks and how answers add up: `wandstore_protocol::backup_admin`.

use crate::clock::now_ms;
use crate::objects::store_client;
use crate::{body, env_config, respond};
use wandstore_backup::BackupReason;
use wandstore_backup::manifest::SUMMARY_METADATA;
use wandstore_core::limits::{BodyKind, require_json};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::backup::{RestoreBackup, ShowRestore};
use wandstore_protocol::backup_admin::{self as admin, Listing, Started};
use worker::{Bucket, Env, Include, Object, Request, Response};

/// The request's `Content-Type`, if any.
pub(crate) fn content_type(req: &Request) -> Option<String> {
    req.headers().get("content-type").ok().flatten()
}

/// `POST /admin/backups`.
pub async fn start(mut req: Request, env: &Env, rid: &str) -> Result<Response, EdgeError> {
    let bytes = body::read_limited(&mut req, BodyKind::AdminJson).await?;
    let target = admin::backup_target(content_type(&req).as_deref(), &bytes)?;
    let answers = crate::backup_cron::start_all(env, target, BackupReason::Manual, rid).await?;
    let single = answers.len() == 1;
    let started = Started::collect(answers, single).map_err(|e| *e)?;
    Ok(respond::json(202, &started))
}

/// `GET /admin/backups[?store=slug]`, newest first.
pub async fn list(req: &Request, env: &Env) -> Result<Response, EdgeError> {
    let url = req.url().map_err(EdgeError::internal)?;
    let prefix = admin::listing_prefix(url.query_pairs())?;
    let bucket = env
        .bucket("BACKUPS")
        .map_err(|e| EdgeError::internal(format!("BACKUPS: {e}")))?;
    let mut listing = Listing::default();
    let listed = list_pages(&bucket, &prefix, true, |objects, more| {
        for object in objects {
            let metadata = object.custom_metadata().unwrap_or_default();
            let summary = metadata.get(SUMMARY_METADATA).map(String::as_str);
            listing.add(&object.key(), summary);
        }
        !listing.is_full(more)
    });
    let listed = listed.await;
    listed.map_err(|e| EdgeError::internal(format!("listing backups: {e}")))?;
    Ok(respond::json(200, &listing.finish()))
}

/// `POST /admin/stores/{slug}/restore`.
pub async fn restore(
    mut req: Request,
    env: &Env,
    store: &StoreSlug,
    rid: &str,
) -> Result<Response, EdgeError> {
    require_json(content_type(&req).as_deref())?;
    let bytes = body::read_limited(&mut req, BodyKind::AdminJson).await?;
    let q = RestoreBackup {
        store: store.clone(),
        backup: admin::restore_target(&bytes)?,
        base_domain: env_config::base_domain(env),
        local_upstreams: env_config::is_development(env),
        now_ms: now_ms(),
    };
    let status = store_client::ask(env, store, q, rid).await?;
    Ok(respond::json(admin::restore_http_status(&status), &status))
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

/// Lists the objects under `prefix` (with their custom metadata if `metadata`) page by page,
/// following the cursor, handing each page (and whether more follow) to `page` until it
/// answers false.
pub(crate) async fn list_pages(
    bucket: &Bucket,
    prefix: &str,
    metadata: bool,
    mut page: impl FnMut(Vec<Object>, bool) -> bool,
) -> worker::Result<()> {
    let mut cursor: Option<String> = None;
    loop {
        let mut list = bucket.list().prefix(prefix);
        if metadata {
            list = list.include(vec![Include::CustomMetadata]);
        }
        if let Some(c) = cursor.take() {
            list = list.cursor(c);
        }
        let listed = list.execute().await?;
        let more = listed.truncated();
        cursor = listed.cursor().filter(|_| more);
        if !page(listed.objects(), more) || cursor.is_none() {
            return Ok(());
        }
    }
}
