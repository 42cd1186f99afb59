//! A collection: title, description, sort and page-size form, product grid, pagination.

use crate::cards::{CardView, card_views};
use crate::frame::Frame;
use crate::pager::{Pager, showing};
use crate::sections::{SectionView, around, grid_class};
use crate::seo::{Head, canonical_links, page_title};
use crate::{Chrome, Rendered};
use askama::Template;
use wandstore_core::catalog::{PageSize, SortKey};
use wandstore_core::catalog_index::{CollectionInfo, Listing};

/// Cards whose images load at once (about the first row).
const EAGER_IMAGES: usize = 4;

/// One page of a collection's products.
#[derive(Debug, Clone)]
pub struct CollectionPage<'a> {
    pub chrome: Chrome,
    pub collection: &'a CollectionInfo,
    /// The page to show, in its sort order and page size (`CatalogIndex::collection_products`).
    pub listing: &'a Listing,
}

/// An `<option>` of a select.
pub(crate) struct SelectOption {
    pub value: String,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "collection.html")]
struct CollectionView<'a> {
    frame: Frame<'a>,
    title: &'a str,
    description: &'a str,
    count: String,
    form_action: String,
    sort_options: Vec<SelectOption>,
    size_options: Vec<SelectOption>,
    cards: Vec<CardView<'a>>,
    /// The grid's classes from the theme's `product_grid` settings.
    grid_class: String,
    pager: Option<Pager>,
    /// The theme's sections above and below the products.
    before: Vec<SectionView<'a>>,
    after: Vec<SectionView<'a>>,
}

/// What the sort selector calls each order.
pub(crate) fn sort_label(key: SortKey) -> &'static str {
    match key {
        SortKey::Featured => "Featured",
        SortKey::PriceAsc => "Price, low to high",
        SortKey::PriceDesc => "Price, high to low",
        SortKey::TitleAsc => "Alphabetically, A–Z",
        SortKey::TitleDesc => "Alphabetically, Z–A",
        SortKey::Newest => "Newest",
    }
}

impl CollectionPage<'_> {
    pub fn html(&self) -> Rendered {
        let chrome = &self.chrome;
        let c = self.collection;
        let l = self.listing;
        let title = if l.page > 1 {
            page_title(&format!("{} – page {}", c.title, l.page), chrome)
        } else {
            page_title(&c.title, chrome)
        };
        let description = if c.description.trim().is_empty() {
            format!("Shop {} at {}.", c.title, chrome.store_name)
        } else {
            c.description.clone()
        };
        // Sorted and resized views of a page are the same page to a search engine.
        let canonical = canonical_links(chrome)
            .map(|links| links.collection(&c.handle, SortKey::Featured, l.page, PageSize::Small));
        let head = Head::new(title, &description, canonical)
            .with_image(c.image.as_ref().map(|i| i.url.as_str()));
        let frame = Frame::storefront(chrome, head);
        let links = &frame.links;
        let pager = Pager::new(l.page, l.total_pages, |n| {
            links.collection(&c.handle, l.sort, n, l.size)
        });
        let layout = &chrome.theme.layout.collection;
        let (before, after) = around(
            layout,
            wandstore_theme::SectionKind::ProductGrid,
            &chrome.store_name,
            links,
        );
        let view = CollectionView {
            grid_class: grid_class(layout.grid()),
            before,
            after,
            title: &c.title,
            description: &c.description,
            count: showing(
                l.page,
                l.size.get(),
                l.cards.len(),
                l.total_items,
                ("product", "products"),
            ),
            form_action: links.collection_base(&c.handle),
            sort_options: SortKey::ALL
                .into_iter()
                .map(|k| SelectOption {
                    value: k.as_str().to_owned(),
                    label: sort_label(k),
                    selected: k == l.sort,
                })
                .collect(),
            size_options: [(PageSize::Small, "24"), (PageSize::Large, "48")]
                .into_iter()
                .map(|(size, label)| SelectOption {
                    value: size.get().to_string(),
                    label,
                    selected: size == l.size,
                })
                .collect(),
            cards: card_views(&l.cards, links, EAGER_IMAGES),
            pager,
            frame,
        };
        view.render()
    }
}
