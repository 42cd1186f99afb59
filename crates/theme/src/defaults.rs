//! The theme every store starts with: today's look and today's home page.

use crate::fonts::FontStack;
use crate::model::*;
use std::sync::{Arc, LazyLock};

impl Default for Colors {
    fn default() -> Self {
        Colors {
            accent: "#5b3cc4".to_owned(),
            on_accent: "#ffffff".to_owned(),
            background: "#fbfbfd".to_owned(),
            surface: "#ffffff".to_owned(),
            text: "#1d1d1f".to_owned(),
            muted: "#5f5f66".to_owned(),
            border: "#d9d9e0".to_owned(),
            sale: "#b42318".to_owned(),
            announcement: "#1d1d1f".to_owned(),
            announcement_text: "#ffffff".to_owned(),
        }
    }
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            home: PageLayout {
                sections: vec![
                    Section::Hero {
                        settings: HeroSettings {
                            heading: None,
                            text: None,
                            image: None,
                            image_alt: None,
                        },
                    },
                    Section::VisitCounter {},
                    Section::FeaturedCollections {
                        settings: ListSettings {
                            heading: None,
                            limit: None,
                        },
                    },
                    Section::RecommendedProducts {
                        settings: ListSettings {
                            heading: None,
                            limit: None,
                        },
                    },
                ],
            },
            collection: PageLayout {
                sections: vec![Section::ProductGrid {
                    settings: GridSettings {
                        columns: None,
                        image_ratio: ImageRatio::Square,
                    },
                }],
            },
            product: PageLayout {
                sections: vec![Section::ProductDetails {}],
            },
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            schema_version: SCHEMA_VERSION,
            colors: Colors::default(),
            fonts: Fonts {
                body: FontStack::System,
                heading: FontStack::System,
            },
            radius: 8,
            spacing: 40,
            logo: None,
            favicon: None,
            announcement: None,
            layout: Layout::default(),
            custom_css: None,
        }
    }
}

/// The default theme, built once per isolate and shared by every page that starts from it.
static SHARED_DEFAULT: LazyLock<Arc<Theme>> = LazyLock::new(|| Arc::new(Theme::default()));

impl Theme {
    /// The default theme, shared (cloning it copies a pointer): frames start from it, the
    /// theme's CSS falls back to its colours, and a store without a published theme uses it.
    pub fn shared_default() -> Arc<Theme> {
        Arc::clone(&SHARED_DEFAULT)
    }
}
