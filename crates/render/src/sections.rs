//! A theme's page sections as views for `templates/partials/section.html`: hero, visit
//! counter, featured collections, recommended products, rich text. Owner text is carried as
//! plain text and escaped by the template like everything else.

use crate::cards::{CardView, CollectionCardView};
use crate::links::Links;
use wandstore_theme::{HeroSettings, ListSettings, Section, TextBlock};

/// The hero's default text (today's home page).
pub(crate) const DEFAULT_HERO_TEXT: &str =
    "Browse our collections, or search for something specific.";

/// One section, ready for the template.
pub(crate) enum SectionView<'a> {
    Hero(HeroView<'a>),
    Visits(u64),
    Collections(ListView<CollectionCardView<'a>>),
    Products(ListView<CardView<'a>>),
    RichText(RichTextView<'a>),
}

pub(crate) struct HeroView<'a> {
    /// The page's `<h1>` (the first hero of a page without another h1) or an `<h2>`.
    pub is_h1: bool,
    pub heading: String,
    /// Lines of the text (line breaks kept).
    pub lines: Vec<&'a str>,
    pub image: Option<String>,
    pub image_alt: &'a str,
}

pub(crate) struct ListView<T> {
    /// The heading's id (`collections-heading`, `recommended-heading`, then numbered).
    pub id: String,
    pub heading: String,
    pub items: Vec<T>,
    /// The recommendations block's `data-source` (`ai`, `baseline`, `holdout`).
    pub source: Option<&'static str>,
}

pub(crate) struct RichTextView<'a> {
    pub id: String,
    pub heading: Option<&'a str>,
    pub blocks: Vec<BlockView<'a>>,
}

pub(crate) struct BlockView<'a> {
    pub is_heading: bool,
    pub lines: Vec<&'a str>,
}

/// What a page has to fill its sections with.
///
/// Pages without visits, collections or recommendations (collection and product pages)
/// leave those empty, and their sections are left out.
pub(crate) struct SectionData<'a> {
    pub store_name: &'a str,
    pub links: Links,
    /// The page has no `<h1>` of its own: the first hero becomes it.
    pub hero_is_h1: bool,
    pub visits: Option<u64>,
    pub collections: Vec<CollectionCardView<'a>>,
    pub recommended: Vec<CardView<'a>>,
    /// Where the recommendations come from (the block's `data-source`).
    pub recommended_source: Option<&'static str>,
    /// The model's headline for the block (plain text, escaped), replacing its heading.
    pub recommended_headline: Option<&'a str>,
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

impl<'a> SectionData<'a> {
    /// Views for `sections`, in order. Sections with nothing to show (no collections, no
    /// recommendations, a second visit counter) are left out.
    pub fn views(&self, sections: &'a [Section]) -> Vec<SectionView<'a>> {
        let mut views = Vec::new();
        let mut h1_taken = !self.hero_is_h1;
        let mut visits_shown = false;
        let mut seen = [0usize; 3];
        let mut next_id = |slot: usize, base: &str| {
            seen[slot] += 1;
            if seen[slot] == 1 {
                base.to_owned()
            } else {
                format!("{base}-{}", seen[slot])
            }
        };
        for section in sections {
            match section {
                Section::Hero { settings } => {
                    views.push(SectionView::Hero(self.hero(settings, !h1_taken)));
                    h1_taken = true;
                }
                Section::VisitCounter {} => {
                    if let (Some(visits), false) = (self.visits, visits_shown) {
                        views.push(SectionView::Visits(visits));
                        visits_shown = true;
                    }
                }
                Section::FeaturedCollections { settings } if !self.collections.is_empty() => {
                    views.push(SectionView::Collections(ListView {
                        id: next_id(0, "collections-heading"),
                        heading: heading(settings, "Shop by collection"),
                        items: limited(&self.collections, settings),
                        source: None,
                    }));
                }
                Section::RecommendedProducts { settings } if !self.recommended.is_empty() => {
                    views.push(SectionView::Products(ListView {
                        id: next_id(1, "recommended-heading"),
                        heading: match self.recommended_headline {
                            Some(h) => h.to_owned(),
                            None => heading(settings, "Recommended for you"),
                        },
                        items: limited(&self.recommended, settings),
                        source: self.recommended_source,
                    }));
                }
                Section::RichText { settings, blocks } => {
                    views.push(SectionView::RichText(RichTextView {
                        id: next_id(2, "text-heading"),
                        heading: settings.heading.as_deref(),
                        blocks: blocks
                            .iter()
                            .map(|b| match b {
                                TextBlock::Heading { text } => BlockView {
                                    is_heading: true,
                                    lines: lines(text),
                                },
                                TextBlock::Paragraph { text } => BlockView {
                                    is_heading: false,
                                    lines: lines(text),
                                },
                            })
                            .collect(),
                    }));
                }
                Section::FeaturedCollections { .. }
                | Section::RecommendedProducts { .. }
                | Section::ProductGrid { .. }
                | Section::ProductDetails {} => {}
            }
        }
        views
    }

    fn hero(&self, s: &'a HeroSettings, is_h1: bool) -> HeroView<'a> {
        HeroView {
            is_h1,
            heading: s
                .heading
                .clone()
                .unwrap_or_else(|| format!("Welcome to {}", self.store_name)),
            lines: lines(s.text.as_deref().unwrap_or(DEFAULT_HERO_TEXT)),
            image: s
                .image
                .as_deref()
                .filter(|f| wandstore_theme::is_hashed_file(f))
                .map(|f| self.links.asset(f)),
            image_alt: s.image_alt.as_deref().unwrap_or(""),
        }
    }
}

fn heading(settings: &ListSettings, default: &str) -> String {
    settings
        .heading
        .clone()
        .unwrap_or_else(|| default.to_owned())
}

fn limited<T: Clone>(items: &[T], settings: &ListSettings) -> Vec<T> {
    let limit = settings.limit.map_or(items.len(), usize::from);
    items.iter().take(limit).cloned().collect()
}

/// The product grid's classes for a theme's grid settings (`grid grid-cols-4 ratio-portrait`).
pub(crate) fn grid_class(grid: wandstore_theme::GridSettings) -> String {
    let mut class = "grid".to_owned();
    if let Some(columns) = grid.columns {
        let (low, high) = wandstore_theme::limits::GRID_COLUMNS;
        class.push_str(&format!(" grid-cols-{}", columns.clamp(low, high)));
    }
    class.push_str(" ratio-");
    class.push_str(grid.image_ratio.key());
    class
}

/// The sections of a page around its main section (`product_grid`, `product_details`), as
/// views: heroes are `<h2>`s, since such pages have their own `<h1>`.
pub(crate) fn around<'a>(
    layout: &'a wandstore_theme::PageLayout,
    main: wandstore_theme::SectionKind,
    store_name: &'a str,
    links: &Links,
) -> (Vec<SectionView<'a>>, Vec<SectionView<'a>>) {
    let data = SectionData {
        store_name,
        links: links.clone(),
        hero_is_h1: false,
        visits: None,
        collections: Vec::new(),
        recommended: Vec::new(),
        recommended_source: None,
        recommended_headline: None,
    };
    let (before, after) = layout.around(main);
    (data.views(before), data.views(after))
}
