//! The store owner's personalization settings (admin API), validated field by field.

use serde::{Deserialize, Serialize};

/// Longest brand voice, in characters.
pub const MAX_BRAND_VOICE_CHARS: usize = 160;
/// Shortest and longest refresh interval per shopper, in minutes.
pub const REFRESH_MINUTES: std::ops::RangeInclusive<u32> = 1..=1440;
/// Largest daily call budget per store.
pub const MAX_DAILY_BUDGET: u32 = 1_000_000;

/// What the owner decides. JSON:
/// `{"enabled":true,"brand_voice":"…","holdout_pct":10,"refresh_minutes":30,"daily_budget":1000}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalizationSettings {
    /// The kill switch: `false` means no model call at all; pages show the baseline.
    #[serde(default)]
    pub enabled: bool,
    /// How the headline should sound: short plain text (no markup, no line breaks).
    #[serde(default)]
    pub brand_voice: String,
    /// Shoppers (0–100 %) kept on the baseline to compare against.
    #[serde(default = "default_holdout")]
    pub holdout_pct: u8,
    /// At most one model call per shopper per this many minutes.
    #[serde(default = "default_refresh")]
    pub refresh_minutes: u32,
    /// Model calls per store per UTC day.
    #[serde(default = "default_budget")]
    pub daily_budget: u32,
}

fn default_holdout() -> u8 {
    10
}
fn default_refresh() -> u32 {
    30
}
fn default_budget() -> u32 {
    1_000
}

impl Default for PersonalizationSettings {
    /// Off, no brand voice, 10 % holdout, 30 minutes, 1000 calls a day.
    fn default() -> Self {
        PersonalizationSettings {
            enabled: false,
            brand_voice: String::new(),
            holdout_pct: default_holdout(),
            refresh_minutes: default_refresh(),
            daily_budget: default_budget(),
        }
    }
}

/// One refused field, for a 422 body: `{"field":"holdout_pct","message":"…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn err(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// Why an owner's settings body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsRefusal {
    /// Not JSON at all (a 400).
    NotJson,
    /// JSON, but not an object (a 400).
    NotObject,
    /// Wrong types, unknown fields or values out of bounds: every refused field (a 422).
    Fields(Vec<FieldError>),
}

impl PersonalizationSettings {
    /// The settings in an owner's request body: a JSON object whose fields have the right
    /// types (an unknown or mistyped field is reported as `body`) and bounds (every refused
    /// field at once).
    pub fn from_body(bytes: &[u8]) -> Result<PersonalizationSettings, SettingsRefusal> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|_| SettingsRefusal::NotJson)?;
        if !value.is_object() {
            return Err(SettingsRefusal::NotObject);
        }
        let settings: PersonalizationSettings = serde_json::from_value(value)
            .map_err(|e| SettingsRefusal::Fields(vec![err("body", e.to_string())]))?;
        settings.validate().map_err(SettingsRefusal::Fields)?;
        Ok(settings)
    }

    /// Every field that is out of bounds (empty when all are fine).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(m) = validate_brand_voice(&self.brand_voice) {
            errors.push(err("brand_voice", m));
        }
        if self.holdout_pct > 100 {
            errors.push(err("holdout_pct", "must be between 0 and 100"));
        }
        if !REFRESH_MINUTES.contains(&self.refresh_minutes) {
            errors.push(err(
                "refresh_minutes",
                format!(
                    "must be between {} and {}",
                    REFRESH_MINUTES.start(),
                    REFRESH_MINUTES.end()
                ),
            ));
        }
        if self.daily_budget > MAX_DAILY_BUDGET {
            errors.push(err(
                "daily_budget",
                format!("must be at most {MAX_DAILY_BUDGET}"),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A brand voice is short plain text: at most [`MAX_BRAND_VOICE_CHARS`] characters, no line
/// breaks or hidden characters, no markup (`<`, `>`), no braces or backticks (it is placed
/// in a prompt).
pub fn validate_brand_voice(voice: &str) -> Result<(), String> {
    if voice.chars().count() > MAX_BRAND_VOICE_CHARS {
        return Err(format!(
            "must be at most {MAX_BRAND_VOICE_CHARS} characters"
        ));
    }
    if crate::text::has_hidden_chars(voice) {
        return Err("must be one line of plain text without control characters".into());
    }
    if voice
        .chars()
        .any(|c| matches!(c, '<' | '>' | '{' | '}' | '`'))
    {
        return Err("must be plain text: no <, >, {, } or `".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &PersonalizationSettings) -> Vec<String> {
        s.validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn defaults_are_valid_and_off() {
        let d = PersonalizationSettings::default();
        assert!(!d.enabled);
        assert!(d.validate().is_ok());
        let parsed: PersonalizationSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(parsed, d);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let s = PersonalizationSettings {
            enabled: true,
            brand_voice: "x".repeat(161),
            holdout_pct: 101,
            refresh_minutes: 0,
            daily_budget: MAX_DAILY_BUDGET + 1,
        };
        assert_eq!(
            fields(&s),
            [
                "brand_voice",
                "holdout_pct",
                "refresh_minutes",
                "daily_budget"
            ]
        );
        let s = PersonalizationSettings {
            refresh_minutes: 1441,
            ..PersonalizationSettings::default()
        };
        assert_eq!(fields(&s), ["refresh_minutes"]);
    }

    #[test]
    fn brand_voice_is_short_plain_text() {
        assert!(validate_brand_voice("Warm, witty, never pushy.").is_ok());
        assert!(validate_brand_voice("").is_ok());
        assert!(validate_brand_voice(&"é".repeat(160)).is_ok());
        for bad in [
            "<b>loud</b>",
            "line\nbreak",
            "rtl\u{202E}trick",
            "{\"ids\":[]}",
            "use `code`",
        ] {
            assert!(validate_brand_voice(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn bodies_are_json_objects_of_valid_settings() {
        let ok = PersonalizationSettings::from_body(br#"{"enabled":true,"holdout_pct":0}"#);
        assert_eq!(ok.map(|s| (s.enabled, s.holdout_pct)), Ok((true, 0)));
        assert_eq!(
            PersonalizationSettings::from_body(b"{nope"),
            Err(SettingsRefusal::NotJson)
        );
        assert_eq!(
            PersonalizationSettings::from_body(b""),
            Err(SettingsRefusal::NotJson)
        );
        for not_object in [&b"[1,2]"[..], b"null", b"\"on\"", b"7"] {
            assert_eq!(
                PersonalizationSettings::from_body(not_object),
                Err(SettingsRefusal::NotObject)
            );
        }
        let field_names = |body: &[u8]| match PersonalizationSettings::from_body(body) {
            Err(SettingsRefusal::Fields(f)) => f.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        };
        let names: Vec<String> = field_names(br#"{"enabld":true}"#);
        assert_eq!(names, ["body"], "unknown field");
        let names: Vec<String> = field_names(br#"{"holdout_pct":"ten"}"#);
        assert_eq!(names, ["body"], "wrong type");
        let names: Vec<String> = field_names(br#"{"holdout_pct":101,"refresh_minutes":0}"#);
        assert_eq!(
            names,
            ["holdout_pct", "refresh_minutes"],
            "every bound at once"
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(
            serde_json::from_str::<PersonalizationSettings>(r#"{"enabled":true,"x":1}"#).is_err()
        );
        assert!(serde_json::from_str::<PersonalizationSettings>(r#"{"holdout_pct":300}"#).is_err());
    }
}
