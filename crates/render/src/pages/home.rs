//! The store's home page: the theme's home sections in its order (by default: hero, visit
//! counter, featured collections, recommendations).

use crate::cards::{CardView, CollectionCardView};
use crate::frame::Frame;
use crate::sections::{SectionData, SectionView};
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
    /// No hero is the page's `<h1>`: a visually hidden one names the store.
    hidden_h1: bool,
    sections: Vec<SectionView<'a>>,
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
        let frame = Frame::storefront(chrome, head);
        let collections: Vec<CollectionCardView<'_>> = self
            .featured
            .iter()
            .enumerate()
            .map(|(i, c)| CollectionCardView::new(c, &frame.links, i >= EAGER_IMAGES))
            .collect();
        let cards: Vec<CardView<'_>> = self
            .recommended
            .iter()
            .map(|r| CardView::new(&r.card, &frame.links, true).with_reason(r.reason.as_deref()))
            .collect();
        let data = SectionData {
            store_name: &chrome.store_name,
            links: frame.links.clone(),
            hero_is_h1: true,
            visits: Some(self.visits),
            collections,
            recommended: cards,
        };
        let sections = data.views(&chrome.theme.layout.home.sections);
        let hidden_h1 = !sections
            .iter()
            .any(|s| matches!(s, SectionView::Hero(hero) if hero.is_h1));
        HomeView {
            frame,
            hidden_h1,
            sections,
        }
        .render()
    }
}
