//! The owner API's theme routes: the draft (validated inside the store's object, where the
//! asset list is), publishing, versions, roll back and signed preview links.

use crate::admin::{Caller, now_ms, read_json};
use crate::objects::store_client;
use crate::{body, env_config, respond};
use serde::{Deserialize, Serialize};
use wandstore_core::limits::{self, BodyKind};
use wandstore_core::owner_access::{Author, PREVIEW_TTL_MS, preview_url, rfc3339};
use wandstore_core::routes::AdminRoute;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::theme::{ListVersions, PublishDraft, PutDraft, RollbackTheme, ShowTheme};
use worker::{Env, Request, Response};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RollbackBody {
    version: u32,
}

#[derive(Serialize)]
struct Versions {
    versions: Vec<wandstore_protocol::theme::ThemeVersion>,
}

#[derive(Serialize)]
pub(crate) struct PreviewLink {
    pub url: String,
    expires_at: String,
}

/// Who the history names as a change's author (never a token).
pub fn author(caller: &Caller) -> Author {
    match caller {
        Caller::Admin => Author::Admin,
        Caller::Owner { .. } => Author::Owner,
    }
}

/// Runs a theme route for a caller already checked to own `store`.
pub async fn handle(
    mut req: Request,
    env: &Env,
    route: AdminRoute<'_>,
    store: &StoreSlug,
    caller: &Caller,
    rid: &str,
) -> Result<Response, EdgeError> {
    let author = author(caller).name().to_owned();
    match route {
        AdminRoute::Theme(_) => {
            let overview = store_client::ask(env, store, ShowTheme, rid).await?;
            Ok(respond::json(200, &overview))
        }
        AdminRoute::PutDraft(_) => {
            let content_type = req.headers().get("content-type").ok().flatten();
            limits::require_json(content_type.as_deref())?;
            let bytes = body::read_limited(&mut req, BodyKind::Theme).await?;
            let body = String::from_utf8(bytes).map_err(|_| {
                EdgeError::bad_request("bad_encoding", "the theme is not UTF-8 text")
            })?;
            let put = PutDraft {
                body,
                author,
                now_ms: now_ms(),
            };
            let draft = store_client::ask(env, store, put, rid).await?;
            Ok(respond::json(200, &draft))
        }
        AdminRoute::Publish(_) => {
            let publish = PublishDraft {
                author,
                now_ms: now_ms(),
            };
            let published = store_client::ask(env, store, publish, rid).await?;
            Ok(respond::json(200, &published))
        }
        AdminRoute::Versions(_) => {
            let versions = store_client::ask(env, store, ListVersions, rid).await?;
            Ok(respond::json(200, &Versions { versions }))
        }
        AdminRoute::Rollback(_) => {
            let wanted: RollbackBody = read_json(&mut req).await?;
            let rollback = RollbackTheme {
                version: wanted.version,
                author,
                now_ms: now_ms(),
            };
            let published = store_client::ask(env, store, rollback, rid).await?;
            Ok(respond::json(200, &published))
        }
        AdminRoute::Preview(_) => {
            let origin = req
                .url()
                .map_err(EdgeError::internal)?
                .origin()
                .ascii_serialization();
            let link = preview_link(env, store, &origin)?;
            Ok(respond::json(201, &link))
        }
        other => Err(EdgeError::internal(format!(
            "{other:?} is not a theme route"
        ))),
    }
}

/// A signed link to the store's draft on the platform host, valid for 24 hours.
pub(crate) fn preview_link(
    env: &Env,
    store: &StoreSlug,
    origin: &str,
) -> Result<PreviewLink, EdgeError> {
    let signer = env_config::cookie_signer(env).map_err(|weak| {
        EdgeError::misconfigured("config", "previews are not configured yet", weak)
    })?;
    let expires = now_ms().saturating_add(PREVIEW_TTL_MS);
    let token = signer.sign_preview(store, expires);
    Ok(PreviewLink {
        url: preview_url(origin, store, &token),
        expires_at: rfc3339(expires),
    })
}
