//! Reads a theme document (JSON) into a [`Theme`], reporting every problem with its path.
//! The one reader for drafts ([`parse_draft`]) and stored themes ([`Theme::from_stored`]).

use crate::assets::{AssetIndex, Assets};
use crate::css;
use crate::errors::{StoredThemeError, ThemeFieldError};
use crate::fonts::FontStack;
use crate::limits::*;
use crate::migrate;
use crate::model::*;
use crate::text;
use serde_json::{Map, Value};

/// Validates a theme draft as an owner sends it: every problem at once, with its path.
/// Missing fields take the default theme's value; unknown fields, section types and settings
/// are errors. Asset references (names or hashed files of `assets`) come back as hashed file
/// names, so the result can be stored as is. A draft with an older `schema_version` is
/// migrated first; a newer one is refused.
pub fn parse_draft(body: &[u8], assets: &AssetIndex) -> Result<Theme, Vec<ThemeFieldError>> {
    let mut doc = read_document(body)?;
    let version = match doc.get("schema_version") {
        None | Some(Value::Null) => SCHEMA_VERSION,
        Some(v) => match v.as_u64() {
            Some(n) if (1..=u64::from(SCHEMA_VERSION)).contains(&n) => n as u32,
            _ => {
                return Err(vec![ThemeFieldError::new(
                    "schema_version",
                    format!("must be an integer from 1 to {SCHEMA_VERSION}"),
                )]);
            }
        },
    };
    migrate::upgrade(&mut doc, version);
    read_theme(&doc, Assets::Index(assets))
}

impl Theme {
    /// Reads a stored theme, migrating older schema versions; a newer version is an error.
    /// Everything is checked again (a stored body is not trusted blindly), with asset
    /// references taken as the hashed file names validation stored.
    pub fn from_stored(bytes: &[u8]) -> Result<Theme, StoredThemeError> {
        let mut doc = read_document(bytes).map_err(StoredThemeError::Invalid)?;
        let version = doc
            .get("schema_version")
            .and_then(Value::as_u64)
            .filter(|v| *v >= 1)
            .ok_or_else(|| {
                StoredThemeError::Invalid(vec![ThemeFieldError::new(
                    "schema_version",
                    "a stored theme needs a schema_version",
                )])
            })?;
        if version > u64::from(SCHEMA_VERSION) {
            return Err(StoredThemeError::TooNew {
                found: u32::try_from(version).unwrap_or(u32::MAX),
                known: SCHEMA_VERSION,
            });
        }
        migrate::upgrade(&mut doc, version as u32);
        read_theme(&doc, Assets::Stored).map_err(StoredThemeError::Invalid)
    }
}

fn read_document(body: &[u8]) -> Result<Map<String, Value>, Vec<ThemeFieldError>> {
    if body.len() > MAX_BODY_BYTES {
        return Err(vec![ThemeFieldError::new(
            "",
            format!(
                "the theme is {} bytes; at most {MAX_BODY_BYTES} bytes are accepted",
                body.len()
            ),
        )]);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(vec![ThemeFieldError::new("", "a theme is a JSON object")]),
        Err(e) => Err(vec![ThemeFieldError::new(
            "",
            format!("not valid JSON: {e}"),
        )]),
    }
}

/// Collects problems while reading.
struct Reader<'a> {
    assets: Assets<'a>,
    errors: Vec<ThemeFieldError>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A present, non-null value.
fn field<'m>(map: &'m Map<String, Value>, key: &str) -> Option<&'m Value> {
    map.get(key).filter(|v| !v.is_null())
}

fn read_theme(doc: &Map<String, Value>, assets: Assets<'_>) -> Result<Theme, Vec<ThemeFieldError>> {
    let mut r = Reader {
        assets,
        errors: Vec::new(),
    };
    let d = Theme::default();
    r.known(
        doc,
        "",
        &[
            "schema_version",
            "colors",
            "fonts",
            "radius",
            "spacing",
            "logo",
            "favicon",
            "announcement",
            "layout",
            "custom_css",
        ],
    );
    let colors = match r.object(field(doc, "colors"), "colors") {
        Some(map) => {
            let names: Vec<&str> = d.colors.named().iter().map(|(n, _)| *n).collect();
            r.known(map, "colors", &names);
            let c = |r: &mut Reader, key: &str, default: &str| r.color(map, "colors", key, default);
            Colors {
                accent: c(&mut r, "accent", &d.colors.accent),
                on_accent: c(&mut r, "on_accent", &d.colors.on_accent),
                background: c(&mut r, "background", &d.colors.background),
                surface: c(&mut r, "surface", &d.colors.surface),
                text: c(&mut r, "text", &d.colors.text),
                muted: c(&mut r, "muted", &d.colors.muted),
                border: c(&mut r, "border", &d.colors.border),
                sale: c(&mut r, "sale", &d.colors.sale),
                announcement: c(&mut r, "announcement", &d.colors.announcement),
                announcement_text: c(&mut r, "announcement_text", &d.colors.announcement_text),
            }
        }
        None => d.colors.clone(),
    };
    let fonts = match r.object(field(doc, "fonts"), "fonts") {
        Some(map) => {
            r.known(map, "fonts", &["body", "heading"]);
            Fonts {
                body: r.font(map, "fonts", "body", d.fonts.body),
                heading: r.font(map, "fonts", "heading", d.fonts.heading),
            }
        }
        None => d.fonts,
    };
    let radius = r.int(doc, "", "radius", RADIUS_PX).unwrap_or(d.radius);
    let spacing = r.int(doc, "", "spacing", SPACING_PX).unwrap_or(d.spacing);
    let logo = r.asset(doc, "", "logo");
    let favicon = r.asset(doc, "", "favicon");
    let announcement = r.text(doc, "", "announcement", MAX_ANNOUNCEMENT_CHARS, false);
    let layout = match r.object(field(doc, "layout"), "layout") {
        Some(map) => {
            r.known(map, "layout", &["home", "collection", "product"]);
            Layout {
                home: r.page(map, PageKind::Home, &d.layout.home),
                collection: r.page(map, PageKind::Collection, &d.layout.collection),
                product: r.page(map, PageKind::Product, &d.layout.product),
            }
        }
        None => d.layout.clone(),
    };
    let custom_css = r.custom_css(doc);
    if r.errors.is_empty() {
        Ok(Theme {
            schema_version: SCHEMA_VERSION,
            colors,
            fonts,
            radius,
            spacing,
            logo,
            favicon,
            announcement,
            layout,
            custom_css,
        })
    } else {
        Err(r.errors)
    }
}

impl Reader<'_> {
    fn error(&mut self, path: String, message: impl Into<String>) {
        self.errors.push(ThemeFieldError {
            path,
            message: message.into(),
        });
    }

    /// Reports every key of `map` that is not in `known`.
    fn known(&mut self, map: &Map<String, Value>, path: &str, known: &[&str]) {
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                self.error(
                    join(path, key),
                    format!("unknown field; expected one of: {}", known.join(", ")),
                );
            }
        }
    }

    /// An object, if present; anything else but null is an error.
    fn object<'m>(
        &mut self,
        value: Option<&'m Value>,
        path: &str,
    ) -> Option<&'m Map<String, Value>> {
        match value? {
            Value::Object(map) => Some(map),
            _ => {
                self.error(path.to_owned(), "expected an object");
                None
            }
        }
    }

    fn color(&mut self, map: &Map<String, Value>, path: &str, key: &str, default: &str) -> String {
        let Some(value) = field(map, key) else {
            return default.to_owned();
        };
        let ok = value.as_str().filter(|s| {
            s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
        });
        match ok {
            Some(s) => s.to_ascii_lowercase(),
            None => {
                self.error(
                    join(path, key),
                    "a colour is written #rrggbb (e.g. #5b3cc4)",
                );
                default.to_owned()
            }
        }
    }

    fn font(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        default: FontStack,
    ) -> FontStack {
        let Some(value) = field(map, key) else {
            return default;
        };
        match value.as_str().and_then(FontStack::from_key) {
            Some(font) => font,
            None => {
                let keys: Vec<&str> = FontStack::ALL.iter().map(|f| f.key()).collect();
                self.error(
                    join(path, key),
                    format!("expected one of: {}", keys.join(", ")),
                );
                default
            }
        }
    }

    /// An integer within `range`, if present.
    fn int(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        range: (u8, u8),
    ) -> Option<u8> {
        let value = field(map, key)?;
        match value
            .as_u64()
            .filter(|n| (u64::from(range.0)..=u64::from(range.1)).contains(n))
        {
            Some(n) => u8::try_from(n).ok(),
            None => {
                self.error(
                    join(path, key),
                    format!("expected an integer from {} to {}", range.0, range.1),
                );
                None
            }
        }
    }

    /// Owner text, if present.
    fn text(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        max: usize,
        multiline: bool,
    ) -> Option<String> {
        let value = field(map, key)?;
        let Some(s) = value.as_str() else {
            self.error(join(path, key), "expected a string");
            return None;
        };
        match text::problem(s, max, multiline) {
            Some(problem) => {
                self.error(join(path, key), problem);
                None
            }
            None => Some(s.to_owned()),
        }
    }

    /// An image asset reference, as its hashed file name.
    fn asset(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        let value = field(map, key)?;
        let Some(s) = value
            .as_str()
            .filter(|s| s.chars().count() <= MAX_ASSET_REF_CHARS)
        else {
            self.error(
                join(path, key),
                format!("expected an asset name (at most {MAX_ASSET_REF_CHARS} characters)"),
            );
            return None;
        };
        match self.assets.resolve(s) {
            Some(found) if found.is_image => Some(found.file),
            Some(_) => {
                self.error(join(path, key), "this asset is not an image");
                None
            }
            None => {
                self.error(
                    join(path, key),
                    "no uploaded asset has this name or file (upload it first)",
                );
                None
            }
        }
    }

    fn custom_css(&mut self, doc: &Map<String, Value>) -> Option<css::CustomCss> {
        let value = field(doc, "custom_css")?;
        let Some(s) = value.as_str() else {
            self.error("custom_css".to_owned(), "expected a string");
            return None;
        };
        if s.len() > MAX_CSS_BYTES {
            self.error(
                "custom_css".to_owned(),
                format!("at most {MAX_CSS_BYTES} bytes (this is {})", s.len()),
            );
            return None;
        }
        if s.trim().is_empty() {
            return None;
        }
        match css::sanitize(s, self.assets) {
            Ok(css) => Some(css),
            Err(problems) => {
                for p in problems {
                    self.error("custom_css".to_owned(), p);
                }
                None
            }
        }
    }

    /// One page kind's layout.
    fn page(
        &mut self,
        layout: &Map<String, Value>,
        kind: PageKind,
        default: &PageLayout,
    ) -> PageLayout {
        let path = join("layout", kind.key());
        let Some(map) = self.object(field(layout, kind.key()), &path) else {
            return default.clone();
        };
        self.known(map, &path, &["sections"]);
        let list_path = join(&path, "sections");
        let Some(value) = field(map, "sections") else {
            return default.clone();
        };
        let Some(items) = value.as_array() else {
            self.error(list_path, "expected a list of sections");
            return default.clone();
        };
        if items.len() > MAX_SECTIONS {
            self.error(
                list_path.clone(),
                format!(
                    "at most {MAX_SECTIONS} sections a page (this has {})",
                    items.len()
                ),
            );
        }
        let mut sections = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{list_path}[{i}]");
            if let Some(section) = self.section(item, &item_path, kind) {
                sections.push(section);
            }
        }
        if let Some(main) = kind.main_section() {
            let count = items
                .iter()
                .filter(|s| s.get("type").and_then(Value::as_str) == Some(main.key()))
                .count();
            if count != 1 {
                self.error(
                    list_path,
                    format!(
                        "a {} page needs exactly one {} section (this has {count})",
                        kind.key(),
                        main.key()
                    ),
                );
            }
        }
        PageLayout { sections }
    }

    fn section(&mut self, item: &Value, path: &str, page: PageKind) -> Option<Section> {
        let Value::Object(map) = item else {
            self.error(path.to_owned(), "expected a section object with a type");
            return None;
        };
        let type_path = join(path, "type");
        let Some(type_name) = map.get("type").and_then(Value::as_str) else {
            self.error(type_path, "a section needs a type");
            return None;
        };
        let allowed: Vec<&str> = SectionKind::ALL
            .iter()
            .filter(|k| page.allows(**k))
            .map(|k| k.key())
            .collect();
        let Some(kind) = SectionKind::from_key(type_name) else {
            self.error(
                type_path,
                format!(
                    "unknown section type; expected one of: {}",
                    allowed.join(", ")
                ),
            );
            return None;
        };
        if !page.allows(kind) {
            self.error(
                type_path,
                format!(
                    "a {} section cannot go on a {} page; expected one of: {}",
                    kind.key(),
                    page.key(),
                    allowed.join(", ")
                ),
            );
            return None;
        }
        let keys: &[&str] = if kind == SectionKind::RichText {
            &["type", "settings", "blocks"]
        } else {
            &["type", "settings"]
        };
        self.known(map, path, keys);
        let settings_path = join(path, "settings");
        let settings = self.object(field(map, "settings"), &settings_path);
        let empty = Map::new();
        let s = settings.unwrap_or(&empty);
        let sp = settings_path.as_str();
        let section = match kind {
            SectionKind::Hero => {
                self.known(s, sp, &["heading", "text", "image", "image_alt"]);
                Section::Hero {
                    settings: HeroSettings {
                        heading: self.text(s, sp, "heading", MAX_HEADING_CHARS, false),
                        text: self.text(s, sp, "text", MAX_HERO_TEXT_CHARS, true),
                        image: self.asset(s, sp, "image"),
                        image_alt: self.text(s, sp, "image_alt", MAX_ALT_CHARS, false),
                    },
                }
            }
            SectionKind::VisitCounter => {
                self.known(s, sp, &[]);
                Section::VisitCounter {}
            }
            SectionKind::ProductDetails => {
                self.known(s, sp, &[]);
                Section::ProductDetails {}
            }
            SectionKind::FeaturedCollections | SectionKind::RecommendedProducts => {
                self.known(s, sp, &["heading", "limit"]);
                let settings = ListSettings {
                    heading: self.text(s, sp, "heading", MAX_HEADING_CHARS, false),
                    limit: self.int(s, sp, "limit", LIST_LIMIT),
                };
                if kind == SectionKind::FeaturedCollections {
                    Section::FeaturedCollections { settings }
                } else {
                    Section::RecommendedProducts { settings }
                }
            }
            SectionKind::RichText => {
                self.known(s, sp, &["heading"]);
                let settings = RichTextSettings {
                    heading: self.text(s, sp, "heading", MAX_HEADING_CHARS, false),
                };
                let blocks = self.blocks(map, path);
                Section::RichText { settings, blocks }
            }
            SectionKind::ProductGrid => {
                self.known(s, sp, &["columns", "image_ratio"]);
                let columns = self.int(s, sp, "columns", GRID_COLUMNS);
                let image_ratio = match field(s, "image_ratio") {
                    None => ImageRatio::Square,
                    Some(v) => match v.as_str().and_then(ImageRatio::from_key) {
                        Some(r) => r,
                        None => {
                            let keys: Vec<&str> = ImageRatio::ALL.iter().map(|r| r.key()).collect();
                            self.error(
                                join(sp, "image_ratio"),
                                format!("expected one of: {}", keys.join(", ")),
                            );
                            ImageRatio::Square
                        }
                    },
                };
                Section::ProductGrid {
                    settings: GridSettings {
                        columns,
                        image_ratio,
                    },
                }
            }
        };
        Some(section)
    }

    fn blocks(&mut self, section: &Map<String, Value>, path: &str) -> Vec<TextBlock> {
        let list_path = join(path, "blocks");
        let Some(value) = field(section, "blocks") else {
            return Vec::new();
        };
        let Some(items) = value.as_array() else {
            self.error(list_path, "expected a list of blocks");
            return Vec::new();
        };
        if items.len() > MAX_BLOCKS {
            self.error(
                list_path.clone(),
                format!(
                    "at most {MAX_BLOCKS} blocks a section (this has {})",
                    items.len()
                ),
            );
        }
        let mut blocks = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let bp = format!("{list_path}[{i}]");
            let Value::Object(map) = item else {
                self.error(bp, "expected a block object with a type");
                continue;
            };
            self.known(map, &bp, &["type", "text"]);
            let block_type = map.get("type").and_then(Value::as_str);
            let (max, multiline) = match block_type {
                Some("paragraph") => (MAX_PARAGRAPH_CHARS, true),
                Some("heading") => (MAX_HEADING_CHARS, false),
                _ => {
                    self.error(join(&bp, "type"), "expected one of: paragraph, heading");
                    continue;
                }
            };
            let Some(text) = self.text(map, &bp, "text", max, multiline) else {
                if field(map, "text").is_none() {
                    self.error(join(&bp, "text"), "a block needs its text");
                }
                continue;
            };
            blocks.push(if block_type == Some("heading") {
                TextBlock::Heading { text }
            } else {
                TextBlock::Paragraph { text }
            });
        }
        blocks
    }
}
