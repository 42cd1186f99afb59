//! The catalog pages the entry (`edge_pages`) serves (the shopper's object makes them in
//! `render::page_run`): collection, search and product, and the home page without history,
//! one typed catalog question each (through the isolate's view) rendered into a page model.
//! They show nothing of the shopper but the cart count the page request carries (a home page
//! its visit count, a product page its form token); a view is recorded by the caller. Which
//! question, and which page an answer makes, is `render::listing_pages::CatalogPage`'s.

use crate::page_request::PageRequest;
use crate::store_view;
use std::cell::RefCell;
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::ObjectReport;
use wandstore_render::listing_pages::CatalogPage;
use worker::Env;

pub use wandstore_render::listing_pages::Shown;

/// The catalog page `catalog` (a home page with its visit count, say).
pub async fn render_page(
    env: &Env,
    page: &PageRequest<'_>,
    catalog: CatalogPage<'_>,
    report: &RefCell<ObjectReport>,
) -> Result<Shown, EdgeError> {
    let (store, rid) = (&page.ctx.store, &page.ctx.request_id);
    let reply = match catalog.question()? {
        Some(q) => Some(store_view::ask_catalog(env, store, q, rid, report).await?),
        None => None,
    };
    let answer = reply.as_ref().map(|r| &r.answer);
    catalog.render(page.chrome(), answer, || page.csrf_token(env))
}
