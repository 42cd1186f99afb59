//! The catalog pages that show the shopper's own data: home (their visit count and
//! personalization) and product (which records the view). Each asks one typed catalog question
//! (through the isolate's view) and renders a page model; the listing pages are
//! `crate::listing_pages`.

use super::ShopperStorefront;
use super::page_request::PageRequest;
use crate::listing_pages::mismatch;
use crate::respond;
use wandstore_core::catalog_question::{CatalogAnswer, CatalogQuestion};
use wandstore_core::shopper_events::ShopperEvent;
use wandstore_protocol::EdgeError;
use wandstore_render::{HomePage, ProductPage};
use wandstore_storage as storage;

type Page = Result<worker::Response, EdgeError>;

impl ShopperStorefront {
    pub(super) async fn home(&self, page: &PageRequest<'_>) -> Page {
        let reply = self.ask_catalog(page.ctx, CatalogQuestion::Home).await?;
        let CatalogAnswer::Home { featured } = &reply.answer else {
            return Err(mismatch("home"));
        };
        let visits = self
            .count_page_view(page.ctx.saw_home)
            .map_err(EdgeError::internal)?;
        let mut home = HomePage::new(page.chrome(), visits);
        home.featured = featured.clone();
        if let Some(block) = self.personalized_block(page).await {
            home.recommended = block.cards;
            home.recommended_source = Some(block.source.as_str());
            home.recommended_headline = block.headline;
            if !page.ctx.preview {
                home.personalization = Some(wandstore_render::PersonalizationChoice {
                    csrf: self.csrf_token(page.ctx),
                    opted_out: block.opted_out,
                });
            }
        }
        Ok(respond::html(200, home.html()))
    }

    pub(super) async fn product(&self, page: &PageRequest<'_>, handle: &str) -> Page {
        let question = CatalogQuestion::Product {
            handle: handle.to_owned(),
        };
        let reply = self.ask_catalog(page.ctx, question).await?;
        let CatalogAnswer::Product { product } = &reply.answer else {
            return Err(mismatch("product"));
        };
        self.record_event(&ShopperEvent::Viewed {
            handle: product.handle.clone(),
        })
        .map_err(EdgeError::internal)?;
        self.note_recommendation_click(page, &product.handle);
        let view = ProductPage {
            chrome: page.chrome(),
            product: (**product).clone(),
            selected_variant_id: page.param("variant").map(str::to_owned),
            csrf: self.csrf_token(page.ctx),
        };
        Ok(respond::html(200, view.html()))
    }

    /// Counts a home page view. A first visit's is not written (it is counted on the next
    /// home view, through the cookie's hint), so a visitor who never returns leaves nothing.
    fn count_page_view(&self, saw_home: bool) -> worker::Result<u64> {
        if self.unrecorded.get() {
            self.report.borrow_mut().unrecorded_home_view = true;
            return Ok(1);
        }
        if saw_home {
            self.report.borrow_mut().hint_used = true;
        }
        let first = 1 + u64::from(saw_home);
        let row: Option<storage::ValueRow> = self.db.first_row(
            storage::shopper::COUNT_PAGE_VIEW,
            vec![crate::sql::int(first)?],
        )?;
        row.map(|c| c.value)
            .ok_or_else(|| worker::Error::RustError("page view counter returned no row".into()))
    }
}
