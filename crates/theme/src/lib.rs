//! Store themes as data, never code: the model ([`Theme`]), its validation
//! ([`parse_draft`], every problem at once as [`ThemeFieldError`]s with paths), custom CSS
//! sanitizing ([`CustomCss`]), schema migrations ([`Theme::from_stored`]) and the theme's
//! JSON Schema ([`JSON_SCHEMA`], `theme.schema.json`, kept in step by tests).
//!
//! An owner can change how their store looks, never run script on a shopper's page: colours
//! are `#rrggbb`, fonts come from an allow-list of local stacks ([`FontStack`]), sizes are
//! bounded integers, sections come from a closed set with typed settings, texts are plain
//! (rendered escaped; invisible and direction-changing characters refused), images are the
//! store's own uploaded assets (stored as content-hashed file names, so a stored theme never
//! changes meaning), and custom CSS is re-serialized from the parse tree and scoped.
//!
//! ## Why cssparser and not lightningcss
//! Custom CSS is tokenized with `cssparser` 0.38 (Servo's and Firefox's tokenizer). It is
//! already in the workspace's lock file (through `scraper`/`selectors`); at run time it brings
//! only `dtoa-short`/`dtoa`, `itoa`, `phf` (+ `phf_shared`, `siphasher`) and `smallvec` (its
//! macros run at build time), and only its tokenizer and serializer end up in the binary.
//! `lightningcss` would bring a full property model, a minifier, browser-target tables,
//! `parcel_selectors`, `ahash`, `bitflags`, `data-encoding`, `const-str` and more — dozens of
//! crates and, by its own size, several hundred KB of Wasm — for features (minifying,
//! prefixing, typed properties) a sanitizer does not need. What a sanitizer does need
//! (unescaped token values, nesting, source locations, spec-correct re-serialization)
//! cssparser gives. No Wasm build was measured here; the final size is measured after merge.
//!
//! Architecture invariant: pure — no I/O, no clock, no randomness; nothing here renders HTML.

mod assets;
mod css;
mod defaults;
mod errors;
mod fonts;
pub mod form;
pub mod limits;
mod migrate;
mod model;
mod text;
mod validate;

pub use assets::{AssetFile, AssetIndex, is_hashed_file};
pub use css::{CustomCss, SCOPE_CLASS};
pub use errors::{StoredThemeError, ThemeFieldError};
pub use fonts::FontStack;
pub use model::{
    Color, Colors, Fonts, GridSettings, HeroSettings, ImageRatio, Layout, ListSettings, PageKind,
    PageLayout, RichTextSettings, SCHEMA_VERSION, Section, SectionKind, TextBlock, Theme,
};
pub use validate::parse_draft;

/// The JSON Schema (draft 2020-12) of a theme document, for editors and owners' tooling.
/// Some rules cannot be said in a schema and are checked only by [`parse_draft`]: that
/// assets exist, the custom CSS rules, and the characters refused in texts beyond control
/// and format characters.
pub const JSON_SCHEMA: &str = include_str!("../theme.schema.json");

/// The demo theme `cargo xtask dev` publishes for the `outlet` store.
pub const OUTLET_DEMO: &str = include_str!("../demo/outlet.json");
