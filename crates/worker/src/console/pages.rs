//! Building the console's pages from what the store's object knows
//! (`ConsoleEditorPage::build` assembles the editor).

use super::session::Keys;
use crate::clock::now_ms;
use crate::objects::store_client;
use crate::respond;
use wandstore_core::console::{self, CsrfBinding};
use wandstore_core::owner_access::OwnerSession;
use wandstore_protocol::EdgeError;
use wandstore_protocol::owner::ListAssets;
use wandstore_protocol::theme::{ListVersions, ShowTheme};
use wandstore_render::{ConsoleEditorPage, ConsoleNotice, ConsoleSignInPage, EditorFacts};
use worker::{Env, Response};

use wandstore_render::EditorShown;

/// The editor page for a signed-in owner, with `status`.
pub async fn editor(
    env: &Env,
    keys: &Keys,
    session: &OwnerSession,
    rid: &str,
    status: u16,
    shown: EditorShown,
) -> Result<Response, EdgeError> {
    let store = &session.store;
    let facts = EditorFacts {
        overview: store_client::ask(env, store, ShowTheme, rid).await?,
        assets: store_client::ask(env, store, ListAssets, rid).await?,
        versions: store_client::ask(env, store, ListVersions, rid).await?,
    };
    // An empty origin gives the link's path: the frame is on the console's own origin.
    let preview = crate::owner_api::preview_link(env, store, "")?;
    let csrf = console::issue(&keys.csrf, CsrfBinding::Session(session), now_ms());
    let page = ConsoleEditorPage::build(store.as_str(), csrf, facts, shown, preview.url, rid);
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
