//! The listing pages, collection and search: one typed catalog question each (through the
//! isolate's view) rendered into a page model. They show nothing of the shopper but the cart
//! count the page request carries, so the shopper's object and the entry (`edge_pages`) both
//! serve them. Which question, and which page an answer makes, is `render::listing_pages`'.

use crate::page_request::PageRequest;
use crate::store_view;
use std::cell::RefCell;
use wandstore_protocol::shopper::ObjectReport;
use wandstore_render::listing_pages as listing;
use worker::Env;

pub use wandstore_render::listing_pages::Page;

/// A collection page, or why there is none (unknown collection, bad query string…).
pub async fn collection(
    env: &Env,
    page: &PageRequest<'_>,
    handle: &str,
    report: &RefCell<ObjectReport>,
) -> Page {
    let question = listing::collection_question(handle, page.query)?;
    let ctx = page.ctx;
    let reply = store_view::ask_catalog(env, &ctx.store, question, &ctx.request_id, report).await?;
    listing::collection_page(page.chrome(), &reply.answer)
}

/// The search page: the form alone for an empty query (no question asked), else results.
pub async fn search(env: &Env, page: &PageRequest<'_>, report: &RefCell<ObjectReport>) -> Page {
    let text = listing::search_text(page.query);
    let ctx = page.ctx;
    let reply = match listing::search_question(&text, page.query)? {
        Some(q) => {
            Some(store_view::ask_catalog(env, &ctx.store, q, &ctx.request_id, report).await?)
        }
        None => None,
    };
    listing::search_page(page.chrome(), text, reply.as_ref().map(|r| &r.answer))
}
