//! theme.schema.json agrees with the validator on the same tables, so it cannot drift.

mod support;

use serde_json::Value;
use support::*;
use wandstore_theme::*;

fn schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(JSON_SCHEMA).unwrap_or_else(|e| panic!("{e}"));
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_schema_accepts_every_valid_theme() {
    let schema = schema();
    for (name, doc) in valid_table() {
        let errors: Vec<String> = schema.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    let demo: Value = serde_json::from_str(OUTLET_DEMO).unwrap_or_default();
    assert!(schema.is_valid(&demo));
    let stored: Value = serde_json::from_slice(&Theme::default().to_stored()).unwrap_or_default();
    assert!(schema.is_valid(&stored), "the stored default theme");
}

#[test]
fn the_schema_refuses_every_invalid_theme_it_can_express() {
    let schema = schema();
    for (name, doc, _) in invalid_table() {
        assert!(!schema.is_valid(&doc), "{name}: schema accepted {doc}");
    }
}

#[test]
fn the_schema_names_the_limits_the_validator_enforces() {
    let schema: Value = serde_json::from_str(JSON_SCHEMA).unwrap_or_default();
    let home = &schema["properties"]["layout"]["properties"]["home"]["properties"]["sections"];
    assert_eq!(home["maxItems"], limits::MAX_SECTIONS);
    assert_eq!(
        schema["properties"]["custom_css"]["maxLength"],
        limits::MAX_CSS_BYTES
    );
    assert_eq!(
        schema["properties"]["radius"]["maximum"],
        limits::RADIUS_PX.1
    );
    assert_eq!(
        schema["properties"]["schema_version"]["maximum"],
        SCHEMA_VERSION
    );
    let fonts: Vec<&str> = schema["$defs"]["font"]["enum"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let keys: Vec<&str> = FontStack::ALL.iter().map(|f| f.key()).collect();
    assert_eq!(fonts, keys);
}
