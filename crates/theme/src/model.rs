//! The theme model: design tokens, per-page layouts of sections, custom CSS. Every value in
//! here has been validated (see [`crate::parse_draft`] and [`Theme::from_stored`]); the
//! serialized form is what is stored and what [`Theme::from_stored`] reads back.

use crate::css::CustomCss;
use crate::fonts::FontStack;
use serde::Serialize;
use std::collections::BTreeSet;

/// The schema version this code writes. Older stored versions are migrated on read.
pub const SCHEMA_VERSION: u32 = 2;

/// A store's look: data only, never code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Theme {
    pub schema_version: u32,
    pub colors: Colors,
    pub fonts: Fonts,
    /// Corner radius of cards, buttons and inputs, in CSS pixels (0–32).
    pub radius: u8,
    /// Vertical space between page sections, in CSS pixels (16–96).
    pub spacing: u8,
    /// The header logo: a hashed asset file name (`<sha256hex>.<ext>`).
    pub logo: Option<String>,
    /// The favicon: a hashed asset file name.
    pub favicon: Option<String>,
    /// One line of text above the header ("Free shipping over €50"); plain text.
    pub announcement: Option<String>,
    pub layout: Layout,
    /// Sanitized, re-serialized custom CSS (never the text as typed).
    pub custom_css: Option<CustomCss>,
}

/// A colour as lowercase `#rrggbb`.
pub type Color = String;

/// The palette. Each reaches the page as `--color-<name>` (underscores become dashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Colors {
    /// Links, buttons, focus rings, badges.
    pub accent: Color,
    /// Text on accent-coloured buttons and badges.
    pub on_accent: Color,
    pub background: Color,
    /// Cards, panels, the header.
    pub surface: Color,
    pub text: Color,
    /// Secondary text (vendors, counts, the footer).
    pub muted: Color,
    pub border: Color,
    /// Sale prices and error notices.
    pub sale: Color,
    /// The announcement bar's background.
    pub announcement: Color,
    /// The announcement bar's text.
    pub announcement_text: Color,
}

impl Colors {
    /// Every colour with its token name, in a fixed order.
    pub fn named(&self) -> [(&'static str, &str); 10] {
        [
            ("accent", &self.accent),
            ("on_accent", &self.on_accent),
            ("background", &self.background),
            ("surface", &self.surface),
            ("text", &self.text),
            ("muted", &self.muted),
            ("border", &self.border),
            ("sale", &self.sale),
            ("announcement", &self.announcement),
            ("announcement_text", &self.announcement_text),
        ]
    }
}

/// Body and heading fonts, from the allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Fonts {
    pub body: FontStack,
    pub heading: FontStack,
}

/// The ordered sections of each page kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    pub home: PageLayout,
    /// Must hold exactly one `product_grid`; sections before it render above the products,
    /// sections after it below.
    pub collection: PageLayout,
    /// Must hold exactly one `product_details`; same before/after rule.
    pub product: PageLayout,
}

/// The kinds of page a layout exists for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    Collection,
    Product,
}

impl PageKind {
    pub const ALL: [PageKind; 3] = [PageKind::Home, PageKind::Collection, PageKind::Product];

    /// The key under `layout`.
    pub fn key(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Collection => "collection",
            PageKind::Product => "product",
        }
    }

    /// The section types this page kind accepts.
    pub fn allows(self, kind: SectionKind) -> bool {
        use SectionKind as S;
        match self {
            PageKind::Home => matches!(
                kind,
                S::Hero
                    | S::VisitCounter
                    | S::FeaturedCollections
                    | S::RecommendedProducts
                    | S::RichText
            ),
            PageKind::Collection => matches!(kind, S::Hero | S::ProductGrid | S::RichText),
            PageKind::Product => matches!(kind, S::Hero | S::ProductDetails | S::RichText),
        }
    }

    /// The section a page of this kind must hold exactly once, if any.
    pub fn main_section(self) -> Option<SectionKind> {
        match self {
            PageKind::Home => None,
            PageKind::Collection => Some(SectionKind::ProductGrid),
            PageKind::Product => Some(SectionKind::ProductDetails),
        }
    }
}

/// A page kind's sections, in display order (at most [`crate::limits::MAX_SECTIONS`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageLayout {
    pub sections: Vec<Section>,
}

/// One section of a page: a type from a closed set, with typed settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Section {
    /// A banner: heading, text and an optional image.
    Hero { settings: HeroSettings },
    /// "This is your first visit" / "You have visited this store N times".
    VisitCounter {},
    /// The store's featured collections as cards.
    FeaturedCollections { settings: ListSettings },
    /// Products picked for this shopper (left out when there are none).
    RecommendedProducts { settings: ListSettings },
    /// An optional heading and up to 50 blocks of text.
    RichText {
        settings: RichTextSettings,
        blocks: Vec<TextBlock>,
    },
    /// How a collection's products are laid out.
    ProductGrid { settings: GridSettings },
    /// The product itself: gallery, price, options, add to cart.
    ProductDetails {},
}

/// Section types by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    Hero,
    VisitCounter,
    FeaturedCollections,
    RecommendedProducts,
    RichText,
    ProductGrid,
    ProductDetails,
}

impl SectionKind {
    pub const ALL: [SectionKind; 7] = [
        SectionKind::Hero,
        SectionKind::VisitCounter,
        SectionKind::FeaturedCollections,
        SectionKind::RecommendedProducts,
        SectionKind::RichText,
        SectionKind::ProductGrid,
        SectionKind::ProductDetails,
    ];

    /// The `type` of the section in a theme document.
    pub fn key(self) -> &'static str {
        match self {
            SectionKind::Hero => "hero",
            SectionKind::VisitCounter => "visit_counter",
            SectionKind::FeaturedCollections => "featured_collections",
            SectionKind::RecommendedProducts => "recommended_products",
            SectionKind::RichText => "rich_text",
            SectionKind::ProductGrid => "product_grid",
            SectionKind::ProductDetails => "product_details",
        }
    }

    pub fn from_key(key: &str) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

impl Section {
    pub fn kind(&self) -> SectionKind {
        match self {
            Section::Hero { .. } => SectionKind::Hero,
            Section::VisitCounter {} => SectionKind::VisitCounter,
            Section::FeaturedCollections { .. } => SectionKind::FeaturedCollections,
            Section::RecommendedProducts { .. } => SectionKind::RecommendedProducts,
            Section::RichText { .. } => SectionKind::RichText,
            Section::ProductGrid { .. } => SectionKind::ProductGrid,
            Section::ProductDetails {} => SectionKind::ProductDetails,
        }
    }
}

/// A hero banner's settings. `None` texts render the platform's default wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeroSettings {
    /// Default: "Welcome to {store name}".
    pub heading: Option<String>,
    /// Default: "Browse our collections, or search for something specific."
    pub text: Option<String>,
    /// A hashed asset file name.
    pub image: Option<String>,
    /// The image's alternative text (empty: decorative).
    pub image_alt: Option<String>,
}

/// Settings of a section listing cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListSettings {
    /// Default: the platform's ("Shop by collection", "Recommended for you").
    pub heading: Option<String>,
    /// At most this many cards (1–48); `None`: all there are.
    pub limit: Option<u8>,
}

/// A rich-text section's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RichTextSettings {
    pub heading: Option<String>,
}

/// A block of a rich-text section: plain text, never markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TextBlock {
    /// A paragraph (line breaks kept).
    Paragraph { text: String },
    /// A sub-heading.
    Heading { text: String },
}

/// How the product grid looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GridSettings {
    /// Columns on wide screens (2–6); `None`: as many as fit (today's look).
    pub columns: Option<u8>,
    pub image_ratio: ImageRatio,
}

/// The shape of product images in cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageRatio {
    /// 1:1 (today's look).
    Square,
    /// 3:4.
    Portrait,
    /// 4:3.
    Landscape,
    /// The image's own shape.
    Natural,
}

impl ImageRatio {
    pub const ALL: [ImageRatio; 4] = [
        ImageRatio::Square,
        ImageRatio::Portrait,
        ImageRatio::Landscape,
        ImageRatio::Natural,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ImageRatio::Square => "square",
            ImageRatio::Portrait => "portrait",
            ImageRatio::Landscape => "landscape",
            ImageRatio::Natural => "natural",
        }
    }

    pub fn from_key(key: &str) -> Option<ImageRatio> {
        ImageRatio::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The CSS `aspect-ratio` value.
    pub fn css(self) -> &'static str {
        match self {
            ImageRatio::Square => "1 / 1",
            ImageRatio::Portrait => "3 / 4",
            ImageRatio::Landscape => "4 / 3",
            ImageRatio::Natural => "auto",
        }
    }
}

impl PageLayout {
    /// The page's main section's index (see [`PageKind::main_section`]).
    pub fn main_index(&self, kind: SectionKind) -> Option<usize> {
        self.sections.iter().position(|s| s.kind() == kind)
    }

    /// The sections before and after the main section (all "before" without one).
    pub fn around(&self, kind: SectionKind) -> (&[Section], &[Section]) {
        match self.main_index(kind) {
            Some(i) => (&self.sections[..i], &self.sections[i + 1..]),
            None => (&self.sections[..], &[]),
        }
    }

    /// The product grid's settings (today's look without one).
    pub fn grid(&self) -> GridSettings {
        self.sections
            .iter()
            .find_map(|s| match s {
                Section::ProductGrid { settings } => Some(*settings),
                _ => None,
            })
            .unwrap_or(GridSettings {
                columns: None,
                image_ratio: ImageRatio::Square,
            })
    }
}

impl Layout {
    pub fn page(&self, kind: PageKind) -> &PageLayout {
        match kind {
            PageKind::Home => &self.home,
            PageKind::Collection => &self.collection,
            PageKind::Product => &self.product,
        }
    }
}

impl Theme {
    /// Every hashed asset file the theme refers to (logo, favicon, hero images, custom CSS
    /// `url()`s). An asset in this set must not be deleted while the theme is published.
    pub fn asset_files_used(&self) -> BTreeSet<String> {
        let mut used: BTreeSet<String> = BTreeSet::new();
        used.extend(self.logo.iter().cloned());
        used.extend(self.favicon.iter().cloned());
        for kind in PageKind::ALL {
            for section in &self.layout.page(kind).sections {
                if let Section::Hero { settings } = section {
                    used.extend(settings.image.iter().cloned());
                }
            }
        }
        if let Some(css) = &self.custom_css {
            used.extend(css.asset_files().iter().cloned());
        }
        used
    }

    /// The theme as stored: compact JSON that [`Theme::from_stored`] reads back.
    pub fn to_stored(&self) -> Vec<u8> {
        // Serializing plain structs, strings and integers cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}
