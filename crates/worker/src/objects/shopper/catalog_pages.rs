//! The catalog pages that show or write the shopper's own data: home (their visit count and
//! personalization; without history, the count goes into the cookie so the entry answers the
//! next ones) and product (which records the view at once; the entry's product pages
//! carry it in the cookie instead). Home asks one typed catalog question (through the
//! isolate's view) and renders the page `render::shopper_pages` makes of the answer; the pages
//! the entry serves too are `crate::listing_pages`.

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::listing_pages;
use crate::respond;
use crate::store_view::ask_catalog;
use wandstore_core::catalog_question::CatalogQuestion;
use wandstore_core::edge_pages::EdgePage;
use wandstore_core::shopper_events::ShopperEvent;
use wandstore_protocol::EdgeError;
use wandstore_protocol::page_plan::{self, HomeView, home_view};
use wandstore_render::shopper_pages as pages;
use wandstore_storage as storage;

type Page = Result<worker::Response, EdgeError>;

impl ShopperStorefront {
    pub(super) async fn home(&self, page: &PageRequest<'_>) -> Page {
        let (ctx, report) = (page.ctx, &self.memory.report);
        let home = CatalogQuestion::Home;
        let reply = ask_catalog(&self.env, &ctx.store, home, &ctx.request_id, report).await?;
        let featured = pages::featured(&reply.answer)?;
        let visits = self.count_home_view(page.ctx.saw_home)?;
        let block = self.personalized_block(page).await;
        // No history yet (the block read it): the entry may answer the next home pages.
        let history = || {
            self.timed_events()
                .map_or(true, |events| !events.is_empty())
        };
        let stored = !self.memory.unrecorded.get();
        let hinted = page_plan::hint_visits(visits, stored, page.ctx.preview, history);
        self.memory.report.borrow_mut().visits_shown = hinted;
        let csrf = || page.csrf_token(&self.env);
        let html = pages::home_page(
            page.chrome(),
            visits,
            featured,
            block,
            page.ctx.preview,
            csrf,
        );
        Ok(respond::html_page(200, html?))
    }

    pub(super) async fn product(&self, page: &PageRequest<'_>, handle: &str) -> Page {
        let which = EdgePage::Product(handle);
        let shown = listing_pages::render(&self.env, page, which, &self.memory.report).await?;
        let (html, handle) = (
            shown.html,
            shown.viewed.unwrap_or_else(|| handle.to_owned()),
        );
        let viewed = ShopperEvent::Viewed {
            handle: handle.clone(),
        };
        self.record_event(&viewed, crate::clock::now_ms())
            .map_err(EdgeError::internal)?;
        self.note_recommendation_click(page, &handle);
        Ok(respond::html_page(200, html))
    }

    /// The visit count the home page shows (`page_plan::home_view` decides what is written).
    fn count_home_view(&self, saw_home: bool) -> Result<u64, EdgeError> {
        let unrecorded = self.memory.unrecorded.get();
        let first = match home_view(&mut self.memory.report.borrow_mut(), unrecorded, saw_home) {
            HomeView::Shown(visits) => return Ok(visits),
            HomeView::Count { first } => crate::sql::int(first).map_err(EdgeError::internal)?,
        };
        let row: Option<storage::ValueRow> = (self.db)
            .first_row(storage::shopper::COUNT_PAGE_VIEW, vec![first])
            .map_err(EdgeError::internal)?;
        row.map(|c| c.value)
            .ok_or_else(|| EdgeError::internal("page view counter returned no row"))
    }
}
