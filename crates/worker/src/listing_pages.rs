//! The listing pages, collection and search: one typed catalog question each (through the
//! isolate's view) rendered into a page model. They show nothing of the shopper but the cart
//! count the page request carries, so the shopper's object and the entry (`edge_pages`) both
//! serve them.

use crate::page_request::PageRequest;
use crate::store_view;
use std::cell::RefCell;
use wandstore_core::catalog_question::{CatalogAnswer, CatalogQuestion};
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::ObjectReport;
use wandstore_render::{CollectionPage, SearchPage};
use worker::Env;

/// A rendered page, or the error to show instead.
pub type Page = Result<String, EdgeError>;

/// An answer of another kind than the question asked (a bug in StoreConfig).
pub fn mismatch(asked: &str) -> EdgeError {
    EdgeError::internal(format!(
        "StoreConfig answered a {asked} question with another kind"
    ))
}

fn rendered(page: wandstore_render::Rendered) -> Page {
    page.map_err(crate::respond::unrendered)
}

pub async fn collection(
    env: &Env,
    page: &PageRequest<'_>,
    handle: &str,
    report: &RefCell<ObjectReport>,
) -> Page {
    let question = CatalogQuestion::Collection {
        handle: handle.to_owned(),
        query: page.listing_query()?,
    };
    let ctx = page.ctx;
    let reply = store_view::ask_catalog(env, &ctx.store, question, &ctx.request_id, report).await?;
    let CatalogAnswer::Collection {
        collection,
        listing,
    } = &reply.answer
    else {
        return Err(mismatch("collection"));
    };
    let view = CollectionPage {
        chrome: page.chrome(),
        collection,
        listing,
    };
    rendered(view.html())
}

pub async fn search(env: &Env, page: &PageRequest<'_>, report: &RefCell<ObjectReport>) -> Page {
    let text = page.param("q").unwrap_or_default().trim().to_owned();
    if text.is_empty() {
        let view = SearchPage {
            chrome: page.chrome(),
            query: text,
            listing: None,
        };
        return rendered(view.html());
    }
    let question = CatalogQuestion::search(&text, page.listing_query()?);
    let ctx = page.ctx;
    let reply = store_view::ask_catalog(env, &ctx.store, question, &ctx.request_id, report).await?;
    let CatalogAnswer::Search { listing } = &reply.answer else {
        return Err(mismatch("search"));
    };
    let view = SearchPage {
        chrome: page.chrome(),
        query: text,
        listing: Some(listing),
    };
    rendered(view.html())
}
