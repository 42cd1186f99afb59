//! The owner console's theme form, read into a theme document: the fields a browser posts
//! (without JavaScript) applied on top of the theme the form was shown for (the draft, or the
//! published theme, or the default). The result is a whole theme document for
//! [`crate::parse_draft`], which reports every problem with its path; the form's field names
//! are those paths, so each message lands next to its field.
//!
//! Values are put in the document as typed (a radius of `"abc"` stays a string), so the
//! validator's message explains it and the form can show the owner's input again.
//!
//! Fields:
//! - `colors.{name}` (an `<input type=color>`) and `colors.{name}.typed` (a text fallback that
//!   wins when not empty), for every colour of [`crate::Colors::named`];
//! - `fonts.body`, `fonts.heading` (font stack keys), `radius`, `spacing` (numbers);
//! - `logo`, `favicon` (an asset's file or name; empty: none), `announcement` (empty: none);
//! - `custom_css` (empty: none);
//! - home sections: each row `layout.home.sections[i].source` carries the section as JSON (so
//!   the form is complete in itself), with `.position` (a number; rows are sorted by it, ties
//!   keep their order), `.remove` (present: dropped), `.settings.heading` and, for a hero,
//!   `.settings.text` (empty: the platform's default wording); `layout.home.add` appends a
//!   new section of that type with default settings.

use crate::errors::ThemeFieldError;
use crate::limits::MAX_SECTIONS;
use crate::model::Theme;
use serde_json::{Map, Value, json};

/// The field that adds a home section.
pub const ADD_SECTION_FIELD: &str = "layout.home.add";
/// The section types the form can add to the home page.
pub const ADDABLE_HOME_SECTIONS: [&str; 5] = [
    "hero",
    "visit_counter",
    "featured_collections",
    "recommended_products",
    "rich_text",
];

/// The default theme as a document (what a store that never saved one edits).
pub fn default_document() -> Value {
    serde_json::from_slice(&Theme::default().to_stored()).unwrap_or(Value::Null)
}

/// A home section row's field name.
pub fn section_field(index: usize, rest: &str) -> String {
    format!("layout.home.sections[{index}].{rest}")
}

/// The posted form on top of `base`: a theme document to validate, or the problems that
/// kept the form from being read (a section row without its source, too many rows).
pub fn apply_form(
    base: &Value,
    fields: &[(String, String)],
) -> Result<Value, Vec<ThemeFieldError>> {
    let mut doc = match base {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    let get = |name: &str| -> Option<&str> {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let mut errors = Vec::new();

    let mut colors = match doc.get("colors") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    for (name, _) in Theme::default().colors.named() {
        let typed = get(&format!("colors.{name}.typed")).map(str::trim);
        let picked = get(&format!("colors.{name}")).map(str::trim);
        if let Some(value) = typed.filter(|t| !t.is_empty()).or(picked) {
            colors.insert(name.to_owned(), json!(value));
        }
    }
    doc.insert("colors".into(), Value::Object(colors));

    let mut fonts = match doc.get("fonts") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    for key in ["body", "heading"] {
        if let Some(v) = get(&format!("fonts.{key}")) {
            fonts.insert(key.into(), json!(v));
        }
    }
    doc.insert("fonts".into(), Value::Object(fonts));

    for key in ["radius", "spacing"] {
        if let Some(v) = get(key) {
            let v = v.trim();
            let value = v.parse::<i64>().map_or_else(|_| json!(v), |n| json!(n));
            doc.insert(key.into(), value);
        }
    }
    for key in ["logo", "favicon", "announcement", "custom_css"] {
        if let Some(v) = get(key) {
            let value = if v.trim().is_empty() {
                Value::Null
            } else {
                json!(v)
            };
            doc.insert(key.into(), value);
        }
    }

    if let Some(sections) = home_sections(fields, &get, &mut errors) {
        let layout = doc
            .entry("layout")
            .or_insert_with(|| Value::Object(Map::new()));
        if !layout.is_object() {
            *layout = Value::Object(Map::new());
        }
        if let Value::Object(layout) = layout {
            let home = layout
                .entry("home")
                .or_insert_with(|| Value::Object(Map::new()));
            if !home.is_object() {
                *home = Value::Object(Map::new());
            }
            if let Value::Object(home) = home {
                home.insert("sections".into(), Value::Array(sections));
            }
        }
    }
    if errors.is_empty() {
        Ok(Value::Object(doc))
    } else {
        Err(errors)
    }
}

/// The home sections the form describes, in their new order; `None` when the form has no
/// section rows and adds nothing (the base's sections stay).
fn home_sections<'f>(
    fields: &'f [(String, String)],
    get: &impl Fn(&str) -> Option<&'f str>,
    errors: &mut Vec<ThemeFieldError>,
) -> Option<Vec<Value>> {
    const PREFIX: &str = "layout.home.sections[";
    let rows = fields
        .iter()
        .filter_map(|(k, _)| k.strip_prefix(PREFIX)?.split_once(']'))
        .filter_map(|(i, _)| i.parse::<usize>().ok())
        .max()
        .map(|m| m.saturating_add(1));
    let add = get(ADD_SECTION_FIELD)
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if rows.is_none() && add.is_none() {
        return None;
    }
    let rows = rows.unwrap_or(0);
    if rows > MAX_SECTIONS {
        errors.push(ThemeFieldError::new(
            "layout.home.sections",
            format!("at most {MAX_SECTIONS} sections a page"),
        ));
        return None;
    }
    let mut kept: Vec<(i64, usize, Value)> = Vec::with_capacity(rows + 1);
    for i in 0..rows {
        let source = get(&section_field(i, "source")).unwrap_or("");
        let mut section = match serde_json::from_str::<Value>(source) {
            Ok(Value::Object(map)) => map,
            _ => {
                errors.push(ThemeFieldError::new(
                    &format!("layout.home.sections[{i}]"),
                    "this section's form is incomplete; reload the page and try again",
                ));
                continue;
            }
        };
        if get(&section_field(i, "remove")).is_some() {
            continue;
        }
        let position = get(&section_field(i, "position"))
            .and_then(|p| p.trim().parse::<i64>().ok())
            .unwrap_or(i64::try_from(i).unwrap_or(i64::MAX).saturating_add(1));
        let is_hero = section.get("type").and_then(Value::as_str) == Some("hero");
        let mut edits: Vec<(&str, &str)> = Vec::new();
        if let Some(h) = get(&section_field(i, "settings.heading")) {
            edits.push(("heading", h));
        }
        if is_hero && let Some(t) = get(&section_field(i, "settings.text")) {
            edits.push(("text", t));
        }
        if !edits.is_empty() {
            let settings = section
                .entry("settings")
                .or_insert_with(|| Value::Object(Map::new()));
            if !settings.is_object() {
                *settings = Value::Object(Map::new());
            }
            if let Value::Object(settings) = settings {
                for (key, value) in edits {
                    if value.trim().is_empty() {
                        settings.remove(key);
                    } else {
                        settings.insert(key.into(), json!(value));
                    }
                }
            }
        }
        kept.push((position, i, Value::Object(section)));
    }
    kept.sort_by_key(|(position, i, _)| (*position, *i));
    let mut sections: Vec<Value> = kept.into_iter().map(|(_, _, s)| s).collect();
    if let Some(kind) = add {
        sections.push(new_section(kind));
    }
    Some(sections)
}

/// A new section of `kind` with default settings (an unknown kind stays as typed, for the
/// validator to name).
pub fn new_section(kind: &str) -> Value {
    match kind {
        "visit_counter" => json!({ "type": kind }),
        "rich_text" => json!({ "type": kind, "settings": {}, "blocks": [] }),
        _ => json!({ "type": kind, "settings": {} }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::{AssetFile, AssetIndex};
    use crate::parse_draft;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn demo() -> Value {
        serde_json::from_str(crate::OUTLET_DEMO).unwrap()
    }

    fn validate(doc: &Value) -> Result<Theme, Vec<ThemeFieldError>> {
        let mut assets = AssetIndex::new();
        assets.insert(
            "logo.png",
            AssetFile {
                file: format!("{}.png", "a".repeat(64)),
                content_type: "image/png".into(),
            },
        );
        parse_draft(&serde_json::to_vec(doc).unwrap(), &assets)
    }

    fn paths(errors: &[ThemeFieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.path.as_str()).collect()
    }

    /// The rows of the demo's home sections as the console renders them.
    fn rows(doc: &Value) -> Vec<(String, String)> {
        let sections = doc["layout"]["home"]["sections"].as_array().unwrap();
        let mut out = Vec::new();
        for (i, s) in sections.iter().enumerate() {
            out.push((section_field(i, "source"), s.to_string()));
            out.push((section_field(i, "position"), (i + 1).to_string()));
        }
        out
    }

    #[test]
    fn an_empty_form_changes_nothing() {
        let base = demo();
        let doc = apply_form(&base, &[]).unwrap();
        assert_eq!(validate(&doc).unwrap(), validate(&base).unwrap());
        let default = default_document();
        let doc = apply_form(&default, &[]).unwrap();
        assert_eq!(validate(&doc).unwrap(), Theme::default());
        // A base that is not an object (nothing saved yet) starts from nothing.
        assert_eq!(
            validate(&apply_form(&Value::Null, &[]).unwrap()).unwrap(),
            Theme::default()
        );
    }

    #[test]
    fn tokens_map_to_their_paths() {
        let doc = apply_form(
            &demo(),
            &form(&[
                ("colors.accent", "#112233"),
                ("colors.text", "#000000"),
                ("colors.text.typed", "#abcdef"),
                ("colors.muted.typed", "   "),
                ("colors.muted", "#222222"),
                ("fonts.body", "slab"),
                ("fonts.heading", "monospace"),
                ("radius", "12"),
                ("spacing", " 40 "),
                ("logo", "logo.png"),
                ("favicon", ""),
                ("announcement", "Hello"),
                ("custom_css", ""),
            ]),
        )
        .unwrap();
        let theme = validate(&doc).unwrap();
        assert_eq!(theme.colors.accent, "#112233");
        assert_eq!(theme.colors.text, "#abcdef", "the typed value wins");
        assert_eq!(
            theme.colors.muted, "#222222",
            "a blank typed value does not"
        );
        assert_eq!(theme.fonts.body.key(), "slab");
        assert_eq!(theme.fonts.heading.key(), "monospace");
        assert_eq!((theme.radius, theme.spacing), (12, 40));
        assert_eq!(theme.logo, Some(format!("{}.png", "a".repeat(64))));
        assert_eq!(theme.favicon, None);
        assert_eq!(theme.announcement.as_deref(), Some("Hello"));
        assert_eq!(theme.custom_css, None);
    }

    #[test]
    fn hostile_values_reach_the_validator_as_typed_and_come_back_with_their_paths() {
        let table: &[(&str, &str, &str)] = &[
            ("colors.accent.typed", "red", "colors.accent"),
            ("colors.accent.typed", "#12345g", "colors.accent"),
            (
                "colors.background",
                "javascript:alert(1)",
                "colors.background",
            ),
            ("fonts.body", "Comic Sans\"; }", "fonts.body"),
            ("radius", "abc", "radius"),
            ("radius", "33", "radius"),
            ("spacing", "-1", "spacing"),
            ("spacing", "1e3", "spacing"),
            ("logo", "../../etc/passwd", "logo"),
            ("favicon", "https://evil.example/x.ico", "favicon"),
            ("announcement", "\u{202e}evil", "announcement"),
            (
                "custom_css",
                "</style><script>alert(1)</script>",
                "custom_css",
            ),
            (
                "custom_css",
                "@import url(https://evil.example/x.css);",
                "custom_css",
            ),
        ];
        for (field, value, path) in table {
            let doc = apply_form(&demo(), &form(&[(field, value)])).unwrap();
            let errors = validate(&doc).expect_err(&format!("{field}={value}"));
            assert!(
                paths(&errors).iter().any(|p| p.starts_with(path)),
                "{field}={value}: {errors:?}"
            );
        }
        let long = "x".repeat(5_000);
        let doc = apply_form(&demo(), &form(&[("announcement", &long)])).unwrap();
        assert_eq!(
            doc["announcement"],
            json!(long),
            "the owner's input is kept"
        );
        assert_eq!(paths(&validate(&doc).unwrap_err()), ["announcement"]);
    }

    #[test]
    fn sections_reorder_drop_edit_and_add() {
        let base = demo();
        let mut f = rows(&base);
        // Demo home: hero, visit_counter, recommended_products, featured_collections, rich_text.
        f.retain(|(k, _)| k != &section_field(0, "position") && k != &section_field(4, "position"));
        f.push((section_field(0, "position"), "9".into()));
        f.push((section_field(4, "position"), "0".into()));
        f.push((section_field(1, "remove"), "on".into()));
        f.push((
            section_field(0, "settings.heading"),
            "New <b>heading</b>".into(),
        ));
        f.push((section_field(0, "settings.text"), String::new()));
        f.push((section_field(3, "settings.heading"), "Shop".into()));
        f.push((
            section_field(3, "settings.text"),
            "ignored: not a hero".into(),
        ));
        f.push((ADD_SECTION_FIELD.into(), "hero".into()));
        let doc = apply_form(&base, &f).unwrap();
        let theme = validate(&doc).unwrap();
        let kinds: Vec<&str> = theme
            .layout
            .home
            .sections
            .iter()
            .map(|s| s.kind().key())
            .collect();
        assert_eq!(
            kinds,
            [
                "rich_text",
                "recommended_products",
                "featured_collections",
                "hero",
                "hero"
            ]
        );
        let sections = doc["layout"]["home"]["sections"].as_array().unwrap();
        assert_eq!(sections[3]["settings"]["heading"], "New <b>heading</b>");
        assert_eq!(
            sections[3]["settings"].get("text"),
            None,
            "empty: default wording"
        );
        assert_eq!(sections[2]["settings"]["heading"], "Shop");
        assert_eq!(sections[2]["settings"].get("text"), None);
        // Other pages are untouched.
        assert_eq!(doc["layout"]["collection"], base["layout"]["collection"]);
    }

    #[test]
    fn every_addable_section_validates_and_unknown_ones_are_named() {
        for kind in ADDABLE_HOME_SECTIONS {
            let doc = apply_form(&default_document(), &form(&[(ADD_SECTION_FIELD, kind)])).unwrap();
            let theme = validate(&doc).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            assert_eq!(
                theme.layout.home.sections.last().unwrap().kind().key(),
                kind
            );
        }
        for bad in ["marquee", "product_grid", "<script>"] {
            let doc = apply_form(&default_document(), &form(&[(ADD_SECTION_FIELD, bad)])).unwrap();
            let errors = validate(&doc).unwrap_err();
            assert!(
                paths(&errors)
                    .iter()
                    .any(|p| p.starts_with("layout.home.sections[")),
                "{bad}: {errors:?}"
            );
        }
    }

    #[test]
    fn a_broken_form_is_refused_before_validation() {
        let f = form(&[(&section_field(1, "position"), "1")]);
        let errors = apply_form(&demo(), &f).unwrap_err();
        assert_eq!(
            paths(&errors),
            ["layout.home.sections[0]", "layout.home.sections[1]"]
        );
        let f = form(&[(&section_field(0, "source"), "[1,2]")]);
        assert!(apply_form(&demo(), &f).is_err());
        let f = form(&[(&section_field(26, "source"), "{}")]);
        assert_eq!(
            paths(&apply_form(&demo(), &f).unwrap_err()),
            ["layout.home.sections"]
        );
        // Names that only look like rows are ignored.
        let f = form(&[
            ("layout.home.sections[x].source", "{}"),
            ("layout.home.sections[", ""),
        ]);
        assert!(apply_form(&demo(), &f).is_ok());
    }
}
