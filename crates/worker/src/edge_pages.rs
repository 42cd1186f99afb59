//! The pages the entry renders itself (`core::edge_pages`): a returning shopper's collection,
//! search and product pages (and home page, while they have no history), from the isolate's
//! store look and catalog answers, with the cart count (and visit count) their cookie's hints
//! carry. No shopper object is woken and nothing is written (a product's or home page's view
//! goes into the cookie); what the catalog questions cost goes to the log line as an object's
//! report would.

use crate::listing_pages;
use crate::page_request::PageRequest;
use crate::respond::{Audience, Parts};
use crate::store_view;
use std::cell::RefCell;
use wandstore_core::edge_pages::EdgePage;
use wandstore_core::headers::PRIVATE_NO_STORE;
use wandstore_core::identity::CookieScope;
use wandstore_core::log::RequestLog;
use wandstore_protocol::EdgeError;
use wandstore_protocol::entry_route::page_headers;
use wandstore_protocol::shopper::ObjectReport;
use wandstore_protocol::visit::Visit;
use wandstore_render::listing_pages::CatalogPage;
use worker::Env;

/// The page (with the cookie that carries a home page's view, or a product's where the visit
/// has room: `scope` is read only then), the error page in the store's frame, or an error
/// before the store's frame is known (an unknown store). What the catalog questions cost goes
/// to the log line whatever the outcome.
pub async fn serve(
    env: &Env,
    visit: &Visit<'_>,
    page: EdgePage<'_>,
    cart_items: u32,
    url: &worker::Url,
    scope: impl FnOnce() -> CookieScope,
    log: &mut RequestLog,
) -> Result<Parts, EdgeError> {
    let (ctx, spent) = (&visit.ctx, RefCell::new(ObjectReport::default()));
    let answer = async {
        let look = store_view::edge_look(env, &ctx.store, &ctx.request_id, &spent).await?;
        let query = wandstore_core::query::pairs(url.query().unwrap_or(""));
        let request = PageRequest {
            ctx,
            store: &look.settings,
            theme: look.theme,
            cart_count: cart_items,
        };
        let catalog = CatalogPage::new(page, &query).with_visits(visit.edge_home_visits());
        let rendered = listing_pages::render_page(env, &request, catalog, &spent).await;
        Ok(match rendered {
            Ok(shown) => {
                let cookie = visit.edge_cookie(page, shown.viewed.as_deref(), scope);
                (200, page_headers(cookie), shown.html)
            }
            Err(mut e) => {
                e.note_in(log);
                let no_store = ("cache-control", PRIVATE_NO_STORE.to_owned());
                e.headers.push(no_store);
                let audience = Audience::page(request.chrome());
                let (headers, body) = audience.answer(&e, &ctx.request_id);
                (e.status, headers, body)
            }
        })
    }
    .await;
    spent.into_inner().log_at_edge(log);
    answer
}
