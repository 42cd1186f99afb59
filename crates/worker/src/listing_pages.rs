//! The catalog pages both the shopper's object and the entry (`edge_pages`) serve: collection,
//! search and product, one typed catalog question each (through the isolate's view) rendered
//! into a page model. They show nothing of the shopper but the cart count the page request
//! carries (and a product page's form token); a product view is recorded by the caller. Which
//! question, and which page an answer makes, is `render::listing_pages`' and
//! `render::shopper_pages`'.

use crate::page_request::PageRequest;
use crate::store_view;
use std::cell::RefCell;
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_protocol::shopper::ObjectReport;
use wandstore_render::listing_pages as listing;
use wandstore_render::shopper_pages;
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

/// A product page, with `csrf` for its add-to-cart form, and the handle of the product shown
/// (its view is the caller's to record, once the page is made).
pub async fn product(
    env: &Env,
    page: &PageRequest<'_>,
    handle: &str,
    report: &RefCell<ObjectReport>,
) -> Result<(String, String), wandstore_protocol::EdgeError> {
    let question = CatalogQuestion::Product {
        handle: handle.to_owned(),
    };
    let ctx = page.ctx;
    let reply = store_view::ask_catalog(env, &ctx.store, question, &ctx.request_id, report).await?;
    let product = shopper_pages::product(&reply.answer)?;
    let csrf = page.csrf_token(env);
    let html = shopper_pages::product_page(page.chrome(), product, page.query, csrf)?;
    Ok((html, product.handle.clone()))
}
