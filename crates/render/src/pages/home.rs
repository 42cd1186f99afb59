//! The store's home page: hero, featured collections, recommendations, visit counter.

use crate::cards::{CardView, CollectionCardView};
use crate::frame::Frame;
use crate::seo::{Head, canonical_links};
use crate::{Chrome, Rendered};
use askama::Template;
use wandstore_core::catalog_index::{CollectionInfo, ProductCard};

/// Images on the first row load at once; the rest lazily.
const EAGER_IMAGES: usize = 4;

/// The store's home page.
#[derive(Debug, Clone)]
pub struct HomePage {
    pub chrome: Chrome,
    /// How many pages this shopper has viewed at this store, this one included.
    pub visits: u64,
    /// Collections to feature, in order (see `CatalogIndex::featured_collections`).
    pub featured: Vec<CollectionInfo>,
    /// Products picked for this shopper; the section is left out when empty.
    pub recommended: Vec<Recommendation>,
}

/// A product recommended to the shopper, with the model's reason (shown escaped).
#[derive(Debug, Clone)]
pub struct Recommendation {
    pub card: ProductCard,
    pub reason: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeView<'a> {
    frame: Frame<'a>,
    visits: u64,
    collections: Vec<CollectionCardView<'a>>,
    cards: Vec<CardView<'a>>,
}

impl HomePage {
    /// A home page with nothing featured or recommended.
    pub fn new(chrome: Chrome, visits: u64) -> Self {
        HomePage {
            chrome,
            visits,
            featured: Vec::new(),
            recommended: Vec::new(),
        }
    }

    pub fn html(&self) -> Rendered {
        let chrome = &self.chrome;
        let description = format!("Shop {} online.", chrome.store_name);
        let head = Head::new(
            chrome.store_name.clone(),
            &description,
            canonical_links(chrome).map(|l| l.home().to_owned()),
        )
        .with_image(
            self.featured
                .iter()
                .find_map(|c| c.image.as_ref())
                .map(|i| i.url.as_str()),
        );
        let frame = Frame::new(chrome, head);
        let collections = self
            .featured
            .iter()
            .enumerate()
            .map(|(i, c)| CollectionCardView::new(c, &frame.links, i >= EAGER_IMAGES))
            .collect();
        let cards = self
            .recommended
            .iter()
            .map(|r| CardView::new(&r.card, &frame.links, true).with_reason(r.reason.as_deref()))
            .collect();
        HomeView {
            frame,
            visits: self.visits,
            collections,
            cards,
        }
        .render()
    }
}
