//! Stored themes of older schema versions are migrated on read, losing no setting.

mod support;

use serde_json::json;
use support::*;
use wandstore_theme::*;

#[test]
fn a_v1_theme_migrates_to_v2_losing_no_setting() {
    let v1 = json!({
        "schema_version": 1,
        "colors": {"primary": "#AA3300", "on_primary": "#fefefe", "text": "#101010", "sale": "#ff0000"},
        "fonts": {"body": "grotesque", "heading": "slab"},
        "radius": "0.75rem",
        "spacing": 24,
        "logo": file('a', "png"),
        "announcement": "Old but gold",
        "layout": {"home": {"sections": [{"type": "rich_text", "blocks": [{"type": "paragraph", "text": "Hi"}]}]}},
        "custom_css": ".card { border-width: 2px }"
    });
    let theme = match Theme::from_stored(&bytes(&v1)) {
        Ok(theme) => theme,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(theme.schema_version, SCHEMA_VERSION);
    assert_eq!(theme.colors.accent, "#aa3300");
    assert_eq!(theme.colors.on_accent, "#fefefe");
    assert_eq!(theme.colors.text, "#101010");
    assert_eq!(theme.colors.sale, "#ff0000");
    assert_eq!(theme.fonts.body, FontStack::Grotesque);
    assert_eq!(theme.fonts.heading, FontStack::Slab);
    assert_eq!(theme.radius, 12);
    assert_eq!(theme.spacing, 24);
    assert_eq!(theme.logo, Some(file('a', "png")));
    assert_eq!(theme.announcement.as_deref(), Some("Old but gold"));
    assert_eq!(theme.layout.home.sections.len(), 1);
    assert_eq!(
        theme.custom_css.as_ref().map(CustomCss::as_stored),
        Some(".card { border-width: 2px }\n")
    );
    // And it stores as v2.
    let stored: serde_json::Value = serde_json::from_slice(&theme.to_stored()).unwrap_or_default();
    assert_eq!(stored["schema_version"], json!(2));
    assert_eq!(stored["colors"]["accent"], json!("#aa3300"));
    assert!(stored["colors"].get("primary").is_none());
}

#[test]
fn a_v1_setting_the_migration_cannot_read_is_reported_not_dropped() {
    let v1 = json!({"schema_version": 1, "radius": "calc(1px + 1em)"});
    match Theme::from_stored(&bytes(&v1)) {
        Err(StoredThemeError::Invalid(errors)) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].path, "radius");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn newer_and_unversioned_stored_themes_are_errors() {
    assert_eq!(
        Theme::from_stored(br#"{"schema_version": 3}"#),
        Err(StoredThemeError::TooNew { found: 3, known: 2 })
    );
    assert_eq!(
        Theme::from_stored(br#"{"schema_version": 99999999999}"#),
        Err(StoredThemeError::TooNew {
            found: u32::MAX,
            known: 2
        })
    );
    for body in [
        &br#"{}"#[..],
        br#"{"schema_version": 0}"#,
        br#"{"schema_version": "2"}"#,
        b"nope",
    ] {
        assert!(
            matches!(Theme::from_stored(body), Err(StoredThemeError::Invalid(_))),
            "{body:?}"
        );
    }
}

#[test]
fn a_tampered_stored_theme_is_checked_again() {
    let stored = json!({"schema_version": 2, "logo": "../../../etc/passwd",
                        "custom_css": "a { background: url(https://evil.example/x) }"});
    match Theme::from_stored(&bytes(&stored)) {
        Err(StoredThemeError::Invalid(errors)) => {
            let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
            assert_eq!(paths, vec!["logo", "custom_css"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_v1_draft_is_migrated_too() {
    let theme = parse_draft(
        br##"{"schema_version":1,"colors":{"primary":"#010203"}}"##,
        &assets(),
    );
    assert_eq!(
        theme.map(|t| t.colors.accent).ok().as_deref(),
        Some("#010203")
    );
}
