//! The validator over tables of valid and invalid themes, hostile values, and the demo theme.

mod support;

use serde_json::json;
use support::*;
use wandstore_theme::*;

#[test]
fn every_valid_theme_validates() {
    for (name, doc) in valid_table() {
        let theme = parse_draft(&bytes(&doc), &assets());
        assert!(theme.is_ok(), "{name}: {theme:?}");
    }
}

#[test]
fn every_invalid_theme_reports_its_path() {
    for (name, doc, path) in invalid_table().into_iter().chain(server_only_invalid()) {
        let errors = match parse_draft(&bytes(&doc), &assets()) {
            Ok(theme) => panic!("{name}: accepted as {theme:?}"),
            Err(errors) => errors,
        };
        assert!(
            errors.iter().any(|e| e.path == path),
            "{name}: expected an error at {path:?}, got {errors:?}"
        );
        assert!(errors.iter().all(|e| !e.message.is_empty()), "{name}");
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let doc = json!({
        "colors": {"accent": "red", "text": "#12345g", "primary": "#000000"},
        "fonts": {"body": "comic"},
        "radius": 99,
        "logo": "missing.png",
        "wat": true,
        "layout": {"home": {"sections": [
            {"type": "hero", "settings": {"heading": "", "onload": "x"}},
            {"type": "marquee"}
        ]}},
        "custom_css": "@import 'x.css'; a { behavior: url(x.htc) }"
    });
    let errors = parse_draft(&bytes(&doc), &assets())
        .err()
        .unwrap_or_default();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    for expected in [
        "colors.accent",
        "colors.text",
        "colors.primary",
        "fonts.body",
        "radius",
        "logo",
        "wat",
        "layout.home.sections[0].settings.heading",
        "layout.home.sections[0].settings.onload",
        "layout.home.sections[1].type",
        "custom_css",
    ] {
        assert!(paths.contains(&expected), "{expected} in {paths:?}");
    }
    assert!(
        errors.iter().filter(|e| e.path == "custom_css").count() >= 2,
        "both CSS problems: {errors:?}"
    );
}

#[test]
fn errors_serialize_as_path_and_message() {
    let error = ThemeFieldError::new("colors.accent", "bad");
    assert_eq!(
        serde_json::to_value(&error).ok(),
        Some(json!({"path": "colors.accent", "message": "bad"}))
    );
}

#[test]
fn a_body_that_is_not_json_or_too_big_is_one_error_at_the_root() {
    for body in [&b"{"[..], b"", b"<html>", b"{\"a\":1}{", &[0xff, 0xfe]] {
        let errors = parse_draft(body, &assets()).err().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{body:?}");
        assert_eq!(errors[0].path, "");
        assert!(errors[0].message.contains("JSON"), "{}", errors[0].message);
    }
    let big = format!(
        "{{\"announcement\":\"{}\"}}",
        "x".repeat(limits::MAX_BODY_BYTES)
    );
    let errors = parse_draft(big.as_bytes(), &assets())
        .err()
        .unwrap_or_default();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "");
    assert!(
        errors[0].message.contains("262144"),
        "{}",
        errors[0].message
    );
}

#[test]
fn assets_normalize_to_hashed_files_and_are_listed_as_used() {
    let doc = json!({
        "logo": "logo.png",
        "favicon": "favicon.ico",
        "layout": {"home": {"sections": [{"type": "hero", "settings": {"image": file('b', "webp")}}]}},
        "custom_css": "@font-face { font-family: Brand; src: url(brand.woff2) format(\"woff2\") }"
    });
    let theme = parse_draft(&bytes(&doc), &assets()).unwrap_or_default();
    assert_eq!(theme.logo, Some(file('a', "png")));
    assert_eq!(theme.favicon, Some(file('d', "ico")));
    let used: Vec<String> = theme.asset_files_used().into_iter().collect();
    assert_eq!(
        used,
        vec![
            file('a', "png"),
            file('b', "webp"),
            file('c', "woff2"),
            file('d', "ico")
        ]
    );
    assert!(Theme::default().asset_files_used().is_empty());
}

#[test]
fn missing_fields_take_defaults_and_colours_are_lowercased() {
    let theme = parse_draft(br##"{"colors":{"accent":"#ABCDEF"}}"##, &assets()).unwrap_or_default();
    assert_eq!(theme.colors.accent, "#abcdef");
    assert_eq!(
        Theme {
            colors: Colors {
                accent: "#5b3cc4".to_owned(),
                ..theme.colors.clone()
            },
            ..theme
        },
        Theme::default()
    );
}

#[test]
fn hostile_text_is_kept_as_text_or_refused_never_interpreted() {
    let hostile = [
        "<script>alert(1)</script>",
        "</style><script>alert(1)</script>",
        "javascript:alert(1)",
        "\" onmouseover=\"alert(1)",
        "＜script＞",
        "{{ 7*7 }}",
    ];
    for text in hostile {
        let doc = json!({
            "announcement": text,
            "layout": {"home": {"sections": [
                {"type": "hero", "settings": {"heading": text, "text": text, "image_alt": text}},
                {"type": "rich_text", "settings": {"heading": text}, "blocks": [{"type": "paragraph", "text": text}]}
            ]}}
        });
        let theme = parse_draft(&bytes(&doc), &assets());
        let theme = theme.unwrap_or_default();
        assert_eq!(
            theme.announcement.as_deref(),
            Some(text),
            "kept verbatim, escaped at render"
        );
    }
    for field in ["logo", "favicon"] {
        for value in [
            "javascript:alert(1)",
            "https://evil.example/x.png",
            "/assets/../x",
            "logo.png\u{0}",
        ] {
            let errors = parse_draft(&bytes(&json!({ field: value })), &assets())
                .err()
                .unwrap_or_default();
            assert_eq!(errors.len(), 1, "{field}={value:?}");
            assert_eq!(errors[0].path, field);
        }
    }
    for color in [
        "javascript:alert(1)",
        "#00000０",
        "#0000000",
        "expression(1)",
        "#ｆｆｆｆｆｆ",
    ] {
        let errors = parse_draft(&bytes(&json!({"colors": {"accent": color}})), &assets())
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 1, "{color:?}");
    }
}

#[test]
fn default_home_is_todays_home() {
    let theme = Theme::default();
    let kinds: Vec<SectionKind> = theme
        .layout
        .home
        .sections
        .iter()
        .map(Section::kind)
        .collect();
    assert_eq!(
        kinds,
        vec![
            SectionKind::Hero,
            SectionKind::VisitCounter,
            SectionKind::FeaturedCollections,
            SectionKind::RecommendedProducts
        ]
    );
    assert_eq!(theme.colors.accent, "#5b3cc4");
    assert_eq!(theme.fonts.body, FontStack::System);
}

#[test]
fn the_outlet_demo_validates_and_differs_from_the_default() {
    let theme = parse_draft(OUTLET_DEMO.as_bytes(), &AssetIndex::new());
    let theme = match theme {
        Ok(theme) => theme,
        Err(errors) => panic!("{errors:?}"),
    };
    let d = Theme::default();
    assert_ne!(theme.colors.accent, d.colors.accent);
    assert_ne!(theme.fonts, d.fonts);
    assert!(theme.announcement.is_some());
    assert_ne!(theme.layout.home, d.layout.home);
    assert!(theme.asset_files_used().is_empty());
    let kinds: Vec<SectionKind> = theme
        .layout
        .home
        .sections
        .iter()
        .map(Section::kind)
        .collect();
    assert!(
        kinds.contains(&SectionKind::VisitCounter),
        "e2e tests count visits on outlet"
    );
    assert!(kinds.contains(&SectionKind::RecommendedProducts));
}

#[test]
fn stored_form_round_trips() {
    for (name, doc) in valid_table() {
        let Ok(theme) = parse_draft(&bytes(&doc), &assets()) else {
            panic!("{name}");
        };
        let again = Theme::from_stored(&theme.to_stored());
        assert_eq!(again.as_ref().ok(), Some(&theme), "{name}: {again:?}");
        let redraft = parse_draft(&theme.to_stored(), &assets());
        assert_eq!(
            redraft.ok(),
            Some(theme),
            "{name}: a stored theme is a valid draft"
        );
    }
}

/// Hostile strings for every field.
const HOSTILE: [&str; 12] = [
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "</style><style>*{display:none}",
    "\\3c script\\3e",
    "\u{202E}gnp.exe",
    "zero\u{200B}width",
    "＜script＞",
    "nul\u{0}byte",
    "\"; } body { display: none } a { x: \"",
    "expression(alert(1))",
    "url(https://evil.example/x)",
    "",
];

/// Every field a theme has, as (document with `V` where the value goes, reported path, is_text).
fn fields() -> Vec<(serde_json::Value, String, bool)> {
    let v = serde_json::Value::String("V".to_owned());
    let section = |kind: &str, key: &str| json!({"layout": {"home": {"sections": [{"type": kind, "settings": {key: v.clone()}}]}}});
    let out: Vec<(serde_json::Value, &str, bool)> = vec![
        (json!({"fonts": {"body": v.clone()}}), "fonts.body", false),
        (
            json!({"fonts": {"heading": v.clone()}}),
            "fonts.heading",
            false,
        ),
        (json!({"radius": v.clone()}), "radius", false),
        (json!({"spacing": v.clone()}), "spacing", false),
        (json!({"logo": v.clone()}), "logo", false),
        (json!({"favicon": v.clone()}), "favicon", false),
        (json!({"announcement": v.clone()}), "announcement", true),
        (
            section("hero", "heading"),
            "layout.home.sections[0].settings.heading",
            true,
        ),
        (
            section("hero", "text"),
            "layout.home.sections[0].settings.text",
            true,
        ),
        (
            section("hero", "image"),
            "layout.home.sections[0].settings.image",
            false,
        ),
        (
            section("hero", "image_alt"),
            "layout.home.sections[0].settings.image_alt",
            true,
        ),
        (
            section("featured_collections", "heading"),
            "layout.home.sections[0].settings.heading",
            true,
        ),
        (
            section("featured_collections", "limit"),
            "layout.home.sections[0].settings.limit",
            false,
        ),
        (
            section("recommended_products", "limit"),
            "layout.home.sections[0].settings.limit",
            false,
        ),
        (
            section("rich_text", "heading"),
            "layout.home.sections[0].settings.heading",
            true,
        ),
        (
            json!({"layout": {"home": {"sections": [{"type": "rich_text", "blocks": [{"type": "paragraph", "text": v.clone()}]}]}}}),
            "layout.home.sections[0].blocks[0].text",
            true,
        ),
        (
            json!({"layout": {"home": {"sections": [{"type": "rich_text", "blocks": [{"type": v.clone(), "text": "x"}]}]}}}),
            "layout.home.sections[0].blocks[0].type",
            false,
        ),
        (
            json!({"layout": {"home": {"sections": [{"type": v.clone()}]}}}),
            "layout.home.sections[0].type",
            false,
        ),
        (
            json!({"layout": {"collection": {"sections": [{"type": "product_grid", "settings": {"image_ratio": v.clone()}}]}}}),
            "layout.collection.sections[0].settings.image_ratio",
            false,
        ),
        (
            json!({"layout": {"collection": {"sections": [{"type": "product_grid", "settings": {"columns": v.clone()}}]}}}),
            "layout.collection.sections[0].settings.columns",
            false,
        ),
    ];
    let mut out: Vec<(serde_json::Value, String, bool)> = out
        .into_iter()
        .map(|(doc, path, is_text)| (doc, path.to_owned(), is_text))
        .collect();
    for color in Colors::default().named().map(|(name, _)| name) {
        out.push((
            json!({"colors": {color: v.clone()}}),
            format!("colors.{color}"),
            false,
        ));
    }
    out
}

fn with_value(doc: &serde_json::Value, value: &str) -> serde_json::Value {
    let text = serde_json::to_string(doc).unwrap_or_default();
    let encoded = serde_json::to_string(value).unwrap_or_default();
    serde_json::from_str(&text.replace("\"V\"", &encoded)).unwrap_or_default()
}

#[test]
fn hostile_values_in_every_field_are_refused_at_their_path_or_kept_as_plain_text() {
    for (doc, path, is_text) in fields() {
        for value in HOSTILE {
            let result = parse_draft(&bytes(&with_value(&doc, value)), &assets());
            match result {
                Err(errors) => {
                    assert!(
                        errors.iter().all(|e| e.path == path),
                        "{path} = {value:?}: {errors:?}"
                    );
                }
                Ok(theme) => {
                    assert!(is_text, "{path} = {value:?} accepted");
                    let stored = String::from_utf8(theme.to_stored()).unwrap_or_default();
                    let kept: serde_json::Value = serde_json::from_str(&stored).unwrap_or_default();
                    assert!(
                        serde_json::to_string(&kept).unwrap_or_default().contains(
                            serde_json::to_string(value)
                                .unwrap_or_default()
                                .trim_matches('"')
                        ),
                        "{path}: kept verbatim"
                    );
                    let invisible = value
                        .chars()
                        .any(|c| c.is_control() || ('\u{200B}'..='\u{202E}').contains(&c));
                    assert!(
                        !invisible && !value.is_empty(),
                        "{path} = {value:?} accepted"
                    );
                }
            }
        }
    }
}
