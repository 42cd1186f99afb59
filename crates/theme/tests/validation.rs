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
