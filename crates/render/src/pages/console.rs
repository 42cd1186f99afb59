//! The owner console's pages (platform host, no JavaScript): sign in, and the editor of a
//! store's draft theme with the live preview beside it, publish, history with roll back,
//! uploads and sign out. The editor is drawn from a theme *document* (JSON), not a validated
//! theme, so after a refused save (422) it shows the owner's input as typed, with each
//! problem next to its field (field names are the problems' paths, see
//! `wandstore_theme::form`).

use crate::Rendered;
use askama::Template;
use serde_json::Value;
use wandstore_core::owner_access::rfc3339;
use wandstore_protocol::console_driver::Answer;
pub use wandstore_protocol::console_step::{EditorFacts, EditorShown};
use wandstore_theme::form::{ADD_SECTION_FIELD, ADDABLE_HOME_SECTIONS, section_field};
use wandstore_theme::{FontStack, Theme, limits};

pub use wandstore_core::console::actions::ConsoleNotice;

/// The sign-in page.
#[derive(Debug, Clone)]
pub struct ConsoleSignInPage {
    pub csrf: String,
    /// The store slug as the owner typed it (kept after a failed attempt).
    pub store: String,
    pub notice: Option<ConsoleNotice>,
    pub request_id: String,
}

/// An uploaded asset the logo and favicon may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleAsset {
    pub name: String,
    /// `{sha256}.{ext}`.
    pub file: String,
    pub content_type: String,
    pub size: u64,
}

/// A published version in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleVersion {
    pub version: u32,
    pub author: String,
    /// RFC 3339.
    pub created_at: String,
    pub size: u64,
    pub sha256: String,
    pub rolled_back_from: Option<u32>,
}

/// A problem with the submitted theme (`path` is the field's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleProblem {
    pub path: String,
    pub message: String,
}

/// The editor of a signed-in owner's store.
#[derive(Debug, Clone)]
pub struct ConsoleEditorPage {
    pub store: String,
    pub csrf: String,
    /// The theme document the form shows: the draft, the published theme or the default,
    /// or what the owner just submitted when it was refused.
    pub theme: Value,
    /// Whether there is a saved draft (otherwise the form shows the published theme).
    pub has_draft: bool,
    pub published_version: Option<u32>,
    pub problems: Vec<ConsoleProblem>,
    pub assets: Vec<ConsoleAsset>,
    /// Newest first.
    pub versions: Vec<ConsoleVersion>,
    /// A fresh preview link's path (on the platform host) for the iframe.
    pub preview_path: String,
    pub notice: Option<ConsoleNotice>,
    pub request_id: String,
}

impl ConsoleEditorPage {
    /// The editor of `store` from its object's answers: the refused input if any, else the
    /// draft, the published theme or the default.
    pub fn build(
        store: &str,
        csrf: String,
        facts: EditorFacts,
        shown: EditorShown,
        preview_path: String,
        request_id: &str,
    ) -> Self {
        let EditorFacts {
            overview,
            assets,
            versions,
        } = facts;
        ConsoleEditorPage {
            store: store.to_owned(),
            csrf,
            theme: shown.theme.unwrap_or_else(|| overview.base_document()),
            has_draft: overview.draft.is_some(),
            published_version: overview.published.as_ref().map(|p| p.version),
            problems: shown
                .problems
                .into_iter()
                .map(|p| ConsoleProblem {
                    path: p.path,
                    message: p.message,
                })
                .collect(),
            assets: assets
                .into_iter()
                .map(|a| ConsoleAsset {
                    name: a.name,
                    file: a.file,
                    content_type: a.content_type,
                    size: a.size,
                })
                .collect(),
            versions: versions
                .into_iter()
                .map(|v| ConsoleVersion {
                    version: v.version,
                    author: v.author,
                    created_at: rfc3339(v.created_at_ms),
                    size: v.size,
                    sha256: v.sha256,
                    rolled_back_from: v.rolled_back_from,
                })
                .collect(),
            preview_path,
            notice: shown.notice,
            request_id: request_id.to_owned(),
        }
    }
}

#[derive(Template)]
#[template(path = "console_sign_in.html")]
struct SignInView<'a> {
    page: &'a ConsoleSignInPage,
    title: String,
    csrf: &'a str,
}

#[derive(Template)]
#[template(path = "console.html")]
struct EditorView<'a> {
    page: &'a ConsoleEditorPage,
    title: String,
    csrf: &'a str,
    colors: Vec<ColorField>,
    fonts: Vec<FontField>,
    /// Radius and spacing: field, label, min, max.
    numbers: Vec<(Field, &'static str, u8, u8)>,
    /// Logo and favicon.
    asset_fields: Vec<AssetField>,
    announcement: Field,
    custom_css: Field,
    sections: Vec<SectionRow>,
    add: Field,
    addable: [&'static str; 5],
    limits: Limits,
}

/// The bounds the number inputs and text fields state.
struct Limits {
    announcement: usize,
    heading: usize,
    hero_text: usize,
}

/// A form field: its name (also its id), value and problems.
struct Field {
    name: String,
    value: String,
    errors: Vec<String>,
}

impl Field {
    fn new(name: &str, value: String, problems: &[ConsoleProblem]) -> Field {
        Field {
            name: name.to_owned(),
            value,
            errors: errors_for(name, problems),
        }
    }

    fn error_id(&self) -> String {
        format!("{}-error", self.name)
    }

    fn invalid(&self) -> bool {
        !self.errors.is_empty()
    }
}

struct ColorField {
    field: Field,
    label: String,
    /// The colour input's value: the colour if it is `#rrggbb`, else the default's.
    picker: String,
    /// The text fallback: empty, or the owner's value when it is not `#rrggbb`.
    typed: String,
}

struct FontField {
    field: Field,
    label: &'static str,
    /// (key, label, selected).
    options: Vec<(&'static str, String, bool)>,
}

struct AssetField {
    field: Field,
    label: &'static str,
    /// (value, label, selected).
    options: Vec<(String, String, bool)>,
}

struct SectionRow {
    index: usize,
    kind: String,
    source: String,
    position: Field,
    remove: String,
    heading: Option<Field>,
    text: Option<Field>,
    /// Problems with the section itself (its type, its blocks).
    errors: Vec<String>,
}

impl SectionRow {
    fn label(&self) -> String {
        format!(
            "Section {}: {}",
            self.index + 1,
            self.kind.replace('_', " ")
        )
    }

    fn name(&self, rest: &str) -> String {
        section_field(self.index, rest)
    }
}

/// Messages for a field: problems at its path or inside it (`colors.accent`,
/// `layout.home.sections[2].settings.heading`).
fn errors_for(name: &str, problems: &[ConsoleProblem]) -> Vec<String> {
    problems
        .iter()
        .filter(|p| p.path == name)
        .map(|p| p.message.clone())
        .collect()
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// What the console answers, drawn: a redirect, or a page with its status.
#[derive(Debug)]
pub enum ConsoleShown {
    SeeOther(String),
    Page(u16, Rendered),
}

/// The console driver's answer drawn (its page with `request_id`), and the cookies to set.
pub fn console_answer(answer: Answer, request_id: &str) -> (ConsoleShown, Vec<String>) {
    match answer {
        Answer::SeeOther { location, cookies } => (ConsoleShown::SeeOther(location), cookies),
        Answer::SignIn {
            status,
            store,
            notice,
            csrf,
            cookies,
        } => {
            let page = ConsoleSignInPage {
                csrf,
                store,
                notice,
                request_id: request_id.to_owned(),
            };
            (ConsoleShown::Page(status, page.html()), cookies)
        }
        Answer::Editor(e) => {
            let store = e.store.as_str();
            let page = ConsoleEditorPage::build(
                store,
                e.csrf,
                e.facts,
                e.shown,
                e.preview.url,
                request_id,
            );
            (ConsoleShown::Page(e.status, page.html()), Vec::new())
        }
    }
}

impl ConsoleSignInPage {
    pub fn html(&self) -> Rendered {
        SignInView {
            page: self,
            title: "Sign in · WandStore console".to_owned(),
            csrf: &self.csrf,
        }
        .render()
    }
}

impl ConsoleEditorPage {
    /// Whether `version` is the one shoppers see.
    pub fn is_live(&self, version: &u32) -> bool {
        self.published_version == Some(*version)
    }

    pub fn html(&self) -> Rendered {
        let doc = &self.theme;
        let p = &self.problems;
        let defaults = Theme::default();
        let colors = defaults
            .colors
            .named()
            .iter()
            .map(|(name, default)| {
                let raw = text_of(doc.get("colors").and_then(|c| c.get(*name)));
                let ok = is_hex_color(&raw);
                let field = Field::new(&format!("colors.{name}"), raw.clone(), p);
                ColorField {
                    label: name.replace('_', " "),
                    picker: if ok {
                        raw.to_ascii_lowercase()
                    } else {
                        (*default).to_owned()
                    },
                    typed: if ok { String::new() } else { raw },
                    field,
                }
            })
            .collect();
        let fonts = [("body", "Body font"), ("heading", "Heading font")]
            .into_iter()
            .map(|(key, label)| {
                let name = format!("fonts.{key}");
                let value = text_of(doc.get("fonts").and_then(|f| f.get(key)));
                FontField {
                    options: FontStack::ALL
                        .iter()
                        .map(|f| (f.key(), f.key().replace('_', " "), f.key() == value))
                        .collect(),
                    field: Field::new(&name, value, p),
                    label,
                }
            })
            .collect();
        let asset_field = |key: &str, label: &'static str, images_only: bool| {
            let value = text_of(doc.get(key));
            let mut options = vec![(String::new(), "None".to_owned(), value.is_empty())];
            for a in &self.assets {
                if images_only && !a.content_type.starts_with("image/") {
                    continue;
                }
                let selected = value == a.file || value == a.name;
                options.push((a.file.clone(), a.name.clone(), selected));
            }
            AssetField {
                field: Field::new(key, value, p),
                label,
                options,
            }
        };
        let sections = doc
            .pointer("/layout/home/sections")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .enumerate()
                    .map(|(i, s)| section_row(i, s, p))
                    .collect()
            })
            .unwrap_or_default();
        EditorView {
            page: self,
            title: format!("{} · theme · WandStore console", self.store),
            csrf: &self.csrf,
            colors,
            fonts,
            numbers: vec![
                (
                    Field::new("radius", text_of(doc.get("radius")), p),
                    "Corner radius (px)",
                    limits::RADIUS_PX.0,
                    limits::RADIUS_PX.1,
                ),
                (
                    Field::new("spacing", text_of(doc.get("spacing")), p),
                    "Section spacing (px)",
                    limits::SPACING_PX.0,
                    limits::SPACING_PX.1,
                ),
            ],
            asset_fields: vec![
                asset_field("logo", "Logo", true),
                asset_field("favicon", "Favicon", true),
            ],
            announcement: Field::new("announcement", text_of(doc.get("announcement")), p),
            custom_css: Field::new("custom_css", text_of(doc.get("custom_css")), p),
            sections,
            add: Field::new(ADD_SECTION_FIELD, String::new(), p),
            addable: ADDABLE_HOME_SECTIONS,
            limits: Limits {
                announcement: limits::MAX_ANNOUNCEMENT_CHARS,
                heading: limits::MAX_HEADING_CHARS,
                hero_text: limits::MAX_HERO_TEXT_CHARS,
            },
        }
        .render()
    }
}

fn section_row(index: usize, section: &Value, problems: &[ConsoleProblem]) -> SectionRow {
    let kind = text_of(section.get("type"));
    let settings = section.get("settings");
    let has_heading = matches!(
        kind.as_str(),
        "hero" | "featured_collections" | "recommended_products" | "rich_text"
    );
    let name = |rest: &str| section_field(index, rest);
    let heading = has_heading.then(|| {
        Field::new(
            &name("settings.heading"),
            text_of(settings.and_then(|s| s.get("heading"))),
            problems,
        )
    });
    let text = (kind == "hero").then(|| {
        Field::new(
            &name("settings.text"),
            text_of(settings.and_then(|s| s.get("text"))),
            problems,
        )
    });
    let prefix = format!("layout.home.sections[{index}]");
    let own_fields = [name("settings.heading"), name("settings.text")];
    let errors = problems
        .iter()
        .filter(|p| {
            (p.path == prefix || p.path.starts_with(&format!("{prefix}.")))
                && !own_fields.contains(&p.path)
        })
        .map(|p| format!("{}: {}", p.path, p.message))
        .collect();
    SectionRow {
        index,
        source: section.to_string(),
        position: Field::new(&name("position"), (index + 1).to_string(), problems),
        remove: name("remove"),
        heading,
        text,
        errors,
        kind,
    }
}
