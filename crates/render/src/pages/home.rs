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
    /// Which ranking picked them (`ai`, `baseline`, `holdout`): the block's `data-source`,
    /// and the `?rec=` marker on its links (clicks are counted by source).
    pub recommended_source: Option<&'static str>,
    /// The model's headline (plain text; escaped like everything else).
    pub recommended_headline: Option<String>,
    /// The shopper's personalization choice form (shown with the block).
    pub personalization: Option<PersonalizationChoice>,
}

/// The opt-out form: `POST personalization` with `choice=off` (or `on` to opt back in).
#[derive(Debug, Clone)]
pub struct PersonalizationChoice {
    pub csrf: String,
    pub opted_out: bool,
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
    choice: Option<&'a PersonalizationChoice>,
    choice_action: String,
}

impl HomePage {
    /// A home page with nothing featured or recommended.
    pub fn new(chrome: Chrome, visits: u64) -> Self {
        HomePage {
            chrome,
            visits,
            featured: Vec::new(),
            recommended: Vec::new(),
            recommended_source: None,
            recommended_headline: None,
            personalization: None,
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
            .map(|r| {
                let mut card =
                    CardView::new(&r.card, &frame.links, true).with_reason(r.reason.as_deref());
                if let Some(source) = self.recommended_source {
                    card.url = format!("{}?rec={source}", card.url);
                }
                card
            })
            .collect();
        let data = SectionData {
            store_name: &chrome.store_name,
            links: frame.links.clone(),
            hero_is_h1: true,
            visits: Some(self.visits),
            collections,
            recommended: cards,
            recommended_source: self.recommended_source,
            recommended_headline: self.recommended_headline.as_deref(),
        };
        let sections = data.views(&chrome.theme.layout.home.sections);
        let hidden_h1 = !sections
            .iter()
            .any(|s| matches!(s, SectionView::Hero(hero) if hero.is_h1));
        let choice_action = format!("{}personalization", frame.links.home());
        HomeView {
            frame,
            hidden_h1,
            sections,
            choice: self.personalization.as_ref(),
            choice_action,
        }
        .render()
    }
}
