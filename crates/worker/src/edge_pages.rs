//! The pages the entry renders itself (`core::edge_pages`): a returning shopper's collection,
//! search and product pages (and home page, while they have no history), from the isolate's
//! store look and catalog answers, with the cart count (and visit count) their cookie's hints
//! carry. No shopper object is woken and nothing is written (a product's or home page's view
//! goes into the cookie); what the catalog questions cost goes to the log line as an object's
//! report would.

use crate::listing_pages::{self, Shown};
use crate::page_request::PageRequest;
use crate::store_view;
use std::cell::RefCell;
use wandstore_core::edge_pages::EdgePage;
use wandstore_core::headers::PRIVATE_NO_STORE;
use wandstore_core::log::RequestLog;
use wandstore_protocol::EdgeError;
use wandstore_protocol::shopper::{ObjectReport, ShopperContext};
use wandstore_render::listing_pages::CatalogPage;
use worker::{Env, Response};

/// The page (a home page shows `visits`; or, `Err`, the error page in the store's frame), or an
/// error before the store's frame is known (an unknown store). What the catalog questions cost goes to the log line
/// whatever the outcome.
pub async fn serve(
    env: &Env,
    ctx: &ShopperContext,
    page: EdgePage<'_>,
    cart_items: u32,
    visits: u64,
    url: &worker::Url,
    log: &mut RequestLog,
) -> Result<Result<Shown, Response>, EdgeError> {
    let spent = RefCell::new(ObjectReport::default());
    let answer = async {
        let look = store_view::edge_look(env, &ctx.store, &ctx.request_id, &spent).await?;
        let query = wandstore_core::query::pairs(url.query().unwrap_or(""));
        let request = PageRequest {
            ctx,
            store: &look.settings,
            theme: look.theme,
            cart_count: cart_items,
        };
        let catalog = CatalogPage::new(page, &query).with_visits(visits);
        let answer = listing_pages::render_page(env, &request, catalog, &spent).await;
        Ok(answer.map_err(|mut e| {
            e.note_in(log);
            e.headers
                .push(("cache-control", PRIVATE_NO_STORE.to_owned()));
            request.error(&e)
        }))
    }
    .await;
    spent.into_inner().log_at_edge(log);
    answer
}
