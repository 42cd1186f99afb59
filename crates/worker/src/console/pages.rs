//! Building the console's pages from what the store's object knows
//! (`ConsoleEditorPage::build` assembles the editor).

use crate::objects::store_client;
use crate::respond;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::admin_call::PreviewLink;
use wandstore_protocol::owner::ListAssets;
use wandstore_protocol::theme::{ListVersions, ShowTheme};
use wandstore_render::{
    ConsoleEditorPage, ConsoleNotice, ConsoleSignInPage, EditorFacts, EditorShown,
};
use worker::{Env, Response};

/// The editor page of `store` for its signed-in owner, with `status`.
pub async fn editor(
    env: &Env,
    store: &StoreSlug,
    csrf: String,
    rid: &str,
    status: u16,
    shown: EditorShown,
    preview: PreviewLink,
) -> Result<Response, EdgeError> {
    let facts = EditorFacts {
        overview: store_client::ask(env, store, ShowTheme, rid).await?,
        assets: store_client::ask(env, store, ListAssets, rid).await?,
        versions: store_client::ask(env, store, ListVersions, rid).await?,
    };
    let page = ConsoleEditorPage::build(store.as_str(), csrf, facts, shown, preview.url, rid);
    Ok(respond::html(status, page.html()))
}

/// The sign-in page, its form's token `csrf`.
pub fn sign_in(
    csrf: String,
    status: u16,
    store: String,
    notice: Option<ConsoleNotice>,
    rid: &str,
) -> Response {
    let request_id = rid.to_owned();
    let page = ConsoleSignInPage {
        csrf,
        store,
        notice,
        request_id,
    };
    respond::html(status, page.html())
}
