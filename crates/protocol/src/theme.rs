//! What StoreConfig answers about the store's theme: the snapshot shopper objects keep (the
//! published theme travels with the settings, and only when it changed), the draft, publishing,
//! history and roll back. A theme crosses object boundaries as its stored JSON
//! ([`ThemeSlot::body`]); the receiver reads it with `wandstore_theme::Theme::from_stored`,
//! which validates and migrates it, once per version.

use crate::EdgeError;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use wandstore_core::store::StoreSettings;
use wandstore_theme::Theme;

/// What a page needs of its store: settings and the published theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSnapshot {
    pub settings: StoreSettings,
    pub theme: ThemeSlot,
    /// The owner's personalization settings (the kill switch reaches shoppers with the
    /// snapshot, within its TTL).
    #[serde(default)]
    pub personalization: wandstore_ai::settings::PersonalizationSettings,
}

/// A theme version and, when the asker does not hold it yet, its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeSlot {
    /// The published version; 0 when the store has never published (the default theme).
    pub version: u32,
    /// The stored JSON of that version, unless the asker said it has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl ThemeSlot {
    /// The published theme this slot names, given the one the asker holds for its version
    /// (if any): that one, else the default for version 0, else its body read. A version
    /// without its body is StoreConfig's mistake.
    #[allow(clippy::result_large_err)]
    pub fn published(self, held: Option<Arc<Theme>>) -> Result<Arc<Theme>, EdgeError> {
        match (held, self.version, self.body) {
            (Some(theme), _, _) => Ok(theme),
            (None, 0, _) => Ok(Theme::shared_default()),
            (None, _, Some(body)) => read_theme(&body).map(Arc::new),
            (None, v, None) => Err(EdgeError::internal(format!(
                "theme version {v} came without its body"
            ))),
        }
    }

    /// The draft this slot carries (none: the default theme).
    #[allow(clippy::result_large_err)]
    pub fn draft(self) -> Result<Theme, EdgeError> {
        self.body
            .map_or_else(|| Ok(Theme::default()), |b| read_theme(&b))
    }
}

/// A theme body from StoreConfig (stored JSON, validated and migrated on read).
#[allow(clippy::result_large_err)]
fn read_theme(body: &str) -> Result<Theme, EdgeError> {
    Theme::from_stored(body.as_bytes())
        .map_err(|e| EdgeError::internal(format!("a published theme is unreadable: {e}")))
}

/// One problem with a theme document (`error.fields[]`: `{path, message}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeProblem {
    pub path: String,
    pub message: String,
}

/// The theme as the owner API shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowTheme;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeOverview {
    /// The schema version this platform writes.
    pub schema_version: u32,
    pub published: Option<PublishedTheme>,
    pub draft: Option<DraftTheme>,
}

impl ThemeOverview {
    /// The theme document an editor starts from: the draft, else the published theme, else
    /// the default.
    pub fn base_document(&self) -> serde_json::Value {
        self.draft
            .as_ref()
            .map(|d| d.theme.clone())
            .or_else(|| self.published.as_ref().map(|p| p.theme.clone()))
            .unwrap_or_else(wandstore_theme::form::default_document)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedTheme {
    pub version: u32,
    pub theme: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftTheme {
    pub theme: serde_json::Value,
    pub author: String,
    pub updated_at_ms: u64,
}

/// Replace the draft with this document (validated inside the object, where the asset list
/// is). Answers the draft as stored, or `StoreError::ThemeInvalid` with every problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutDraft {
    pub body: String,
    pub author: String,
    pub now_ms: u64,
}

/// Publish the draft as a new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishDraft {
    pub author: String,
    pub now_ms: u64,
}

/// Publish an earlier version again, as a new version (history only grows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollbackTheme {
    pub version: u32,
    pub author: String,
    pub now_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub version: u32,
}

/// Every published version, newest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListVersions;

/// One published version (its body is `{store}/themes/{version}.json` in R2 THEMES).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeVersion {
    pub version: u32,
    pub author: String,
    pub created_at_ms: u64,
    pub size: u64,
    pub sha256: String,
    /// For a roll back: the version it published again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolled_back_from: Option<u32>,
}

/// The draft for a preview page (the published theme when there is no draft), always with
/// its body; version is the published one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetDraft;

/// The published theme's favicon file, if it has one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetFavicon;

/// What a draft save sends every live preview of the store (the preview page reloads its
/// frame; `templates/base.html` listens for it).
pub const DRAFT_CHANGED: &str = r#"{"type":"draft-changed"}"#;
/// Live preview sockets one store keeps open at most.
pub const MAX_PREVIEW_SOCKETS: usize = 200;

/// How many of the oldest open preview sockets to close before one more is accepted, so that
/// at most [`MAX_PREVIEW_SOCKETS`] stay open.
pub fn preview_sockets_to_close(open: usize) -> usize {
    (open + 1).saturating_sub(MAX_PREVIEW_SOCKETS)
}

/// Whether an `Upgrade` header asks for a WebSocket (a live preview's socket).
pub fn is_websocket_upgrade(upgrade: Option<&str>) -> bool {
    upgrade.is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// The R2 key of a theme version's body.
pub fn theme_key(store: &str, version: u32) -> String {
    format!("{store}/themes/{version}.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(version: u32, body: Option<&str>) -> ThemeSlot {
        ThemeSlot {
            version,
            body: body.map(str::to_owned),
        }
    }

    #[test]
    fn a_published_slot_resolves_to_the_held_default_or_read_theme() {
        let held = Arc::new(Theme::default());
        let kept = slot(4, None).published(Some(Arc::clone(&held))).unwrap();
        assert!(Arc::ptr_eq(&kept, &held));
        assert_eq!(*slot(0, None).published(None).unwrap(), Theme::default());
        let body = serde_json::to_string(&Theme::default()).unwrap();
        assert_eq!(
            *slot(2, Some(&body)).published(None).unwrap(),
            Theme::default()
        );
        let missing = slot(2, None).published(None).unwrap_err();
        assert_eq!(missing.status, 500);
        let garbage = slot(2, Some("{not json")).published(None).unwrap_err();
        assert_eq!(garbage.status, 500);
    }

    #[test]
    fn a_draft_slot_reads_its_body_or_is_the_default() {
        assert_eq!(slot(0, None).draft().unwrap(), Theme::default());
        let body = serde_json::to_string(&Theme::default()).unwrap();
        assert_eq!(slot(3, Some(&body)).draft().unwrap(), Theme::default());
        assert!(slot(3, Some("[]")).draft().is_err());
    }

    #[test]
    fn a_slot_without_a_body_leaves_it_out() {
        let slot = ThemeSlot {
            version: 3,
            body: None,
        };
        assert_eq!(serde_json::to_string(&slot).unwrap(), r#"{"version":3}"#);
        assert_eq!(theme_key("acme", 3), "acme/themes/3.json");
    }

    #[test]
    fn previews_keep_at_most_their_limit_of_sockets_and_hear_draft_changes() {
        assert_eq!(preview_sockets_to_close(0), 0);
        assert_eq!(preview_sockets_to_close(MAX_PREVIEW_SOCKETS - 1), 0);
        assert_eq!(preview_sockets_to_close(MAX_PREVIEW_SOCKETS), 1);
        assert_eq!(preview_sockets_to_close(MAX_PREVIEW_SOCKETS + 5), 6);
        let event: serde_json::Value = serde_json::from_str(DRAFT_CHANGED).unwrap();
        assert_eq!(event["type"], "draft-changed");
        assert!(is_websocket_upgrade(Some("WebSocket")));
        for no in [None, Some(""), Some("h2c"), Some("websocket2")] {
            assert!(!is_websocket_upgrade(no), "{no:?}");
        }
    }

    #[test]
    fn the_editor_starts_from_the_draft_then_the_published_theme_then_the_default() {
        let mut o = ThemeOverview {
            schema_version: 2,
            published: None,
            draft: None,
        };
        assert_eq!(o.base_document(), wandstore_theme::form::default_document());
        o.published = Some(PublishedTheme {
            version: 1,
            theme: serde_json::json!({"p": 1}),
        });
        assert_eq!(o.base_document(), serde_json::json!({"p": 1}));
        o.draft = Some(DraftTheme {
            theme: serde_json::json!({"d": 1}),
            author: "owner".into(),
            updated_at_ms: 0,
        });
        assert_eq!(o.base_document(), serde_json::json!({"d": 1}));
    }
}
