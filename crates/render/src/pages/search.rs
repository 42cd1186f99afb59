//! Search: the form, results, and the "no results" state.

use crate::cards::{CardView, card_views};
use crate::frame::Frame;
use crate::pager::{Pager, showing};
use crate::sections::grid_class;
use crate::seo::{Head, page_title};
use crate::{Chrome, Rendered};
use askama::Template;
use wandstore_core::catalog_index::Listing;

/// Cards whose images load at once (about the first row).
const EAGER_IMAGES: usize = 4;

/// The search page. With an empty query it shows only the form.
#[derive(Debug, Clone)]
pub struct SearchPage<'a> {
    pub chrome: Chrome,
    /// What the shopper typed (echoed escaped).
    pub query: String,
    /// The results (`CatalogIndex::search`); `None` when nothing was searched.
    pub listing: Option<&'a Listing>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchView<'a> {
    frame: Frame<'a>,
    query: &'a str,
    count: String,
    cards: Vec<CardView<'a>>,
    /// The grid's classes from the theme's collection `product_grid` settings.
    grid_class: String,
    pager: Option<Pager>,
}

impl SearchPage<'_> {
    pub fn html(&self) -> Rendered {
        let chrome = &self.chrome;
        let query = self.query.trim();
        let title = if query.is_empty() {
            page_title("Search", chrome)
        } else {
            page_title(&format!("Search: {query}"), chrome)
        };
        let frame = Frame::storefront(chrome, Head::private(title));
        let (count, cards, pager) = match (self.listing, query.is_empty()) {
            (Some(l), false) => (
                showing(
                    l.page,
                    l.size.get(),
                    l.cards.len(),
                    l.total_items,
                    ("result", "results"),
                ),
                card_views(&l.cards, &frame.links, EAGER_IMAGES),
                Pager::new(l.page, l.total_pages, |n| frame.links.search(query, n)),
            ),
            _ => (String::new(), Vec::new(), None),
        };
        SearchView {
            grid_class: grid_class(chrome.theme.layout.collection.grid()),
            frame,
            query,
            count,
            cards,
            pager,
        }
        .render()
    }
}
