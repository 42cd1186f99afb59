//! Building the console's pages from what the store's object knows.

use super::session::{Keys, now_ms};
use crate::objects::store_client;
use crate::respond;
use serde_json::Value;
use wandstore_core::console::{self, CsrfBinding};
use wandstore_core::owner_access::{OwnerSession, rfc3339};
use wandstore_protocol::EdgeError;
use wandstore_protocol::owner::ListAssets;
use wandstore_protocol::theme::{ListVersions, ShowTheme};
use wandstore_render::{
    ConsoleAsset, ConsoleEditorPage, ConsoleNotice, ConsoleProblem, ConsoleSignInPage,
    ConsoleVersion,
};
use worker::{Env, Response};

/// What the editor shows besides the saved theme: the owner's refused input and its problems.
#[derive(Default)]
pub struct Shown {
    pub theme: Option<Value>,
    pub problems: Vec<ConsoleProblem>,
    pub notice: Option<ConsoleNotice>,
}

/// The editor page for a signed-in owner, with `status`.
pub async fn editor(
    env: &Env,
    keys: &Keys,
    session: &OwnerSession,
    rid: &str,
    status: u16,
    shown: Shown,
) -> Result<Response, EdgeError> {
    let store = &session.store;
    let overview = store_client::ask(env, store, ShowTheme, rid).await?;
    let assets = store_client::ask(env, store, ListAssets, rid).await?;
    let versions = store_client::ask(env, store, ListVersions, rid).await?;
    // An empty origin gives the link's path: the frame is on the console's own origin.
    let preview = crate::themes_api::preview_link(env, store, "")?;
    let page = ConsoleEditorPage {
        store: store.to_string(),
        csrf: console::issue(&keys.csrf, CsrfBinding::Session(session), now_ms()),
        theme: shown.theme.unwrap_or_else(|| overview.base_document()),
        has_draft: overview.draft.is_some(),
        published_version: overview.published.as_ref().map(|p| p.version),
        problems: shown.problems,
        assets: assets
            .into_iter()
            .map(|a| ConsoleAsset {
                name: a.name,
                file: a.file,
                content_type: a.content_type,
                size: a.size,
            })
            .collect(),
        versions: versions
            .into_iter()
            .map(|v| ConsoleVersion {
                version: v.version,
                author: v.author,
                created_at: rfc3339(v.created_at_ms),
                size: v.size,
                sha256: v.sha256,
                rolled_back_from: v.rolled_back_from,
            })
            .collect(),
        preview_path: preview.url,
        notice: shown.notice,
        request_id: rid.to_owned(),
    };
    Ok(respond::html(status, page.html()))
}

/// The sign-in page, its form bound to `nonce`.
pub fn sign_in(
    keys: &Keys,
    nonce: &str,
    status: u16,
    store: &str,
    notice: Option<ConsoleNotice>,
    rid: &str,
) -> Response {
    let page = ConsoleSignInPage {
        csrf: console::issue(&keys.csrf, CsrfBinding::Browser(nonce), now_ms()),
        store: store.to_owned(),
        notice,
        request_id: rid.to_owned(),
    };
    respond::html(status, page.html())
}
