//! The theme a restore puts back, decided from the backup's `theme.ndjson` alone: its
//! pointer (the published version) and history, and the THEMES key and SHA-256 the published
//! body must have. The shell reads that one body and hands it to [`ThemeToRestore::accept_body`];
//! a body that is missing or changed refuses the restore before anything is written.

use crate::theme::{ThemeVersion, theme_key};
use serde::{Deserialize, Serialize};
use wandstore_backup::ndjson::sha256_hex;
use wandstore_backup::{RestoreRefusal, ThemeBackup};

/// The theme pointer as a backup holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemePointer {
    pub published: Option<u32>,
}

/// The history and pointer a restore writes, and the published body it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeToRestore {
    /// Oldest first, as the backup holds them.
    pub versions: Vec<ThemeVersion>,
    /// The published version and its history entry.
    pub published: Option<ThemeVersion>,
}

impl ThemeToRestore {
    /// Reads the backup's theme: the published version must be in the history.
    pub fn from_backup(theme: &ThemeBackup) -> Result<ThemeToRestore, RestoreRefusal> {
        let (pointer, versions): (Option<ThemePointer>, Vec<ThemeVersion>) = theme
            .typed()
            .map_err(|e| RestoreRefusal::ThemeUnreadable(e.to_string()))?;
        let published = match pointer.and_then(|p| p.published) {
            None => None,
            Some(version) => Some(
                versions
                    .iter()
                    .find(|v| v.version == version)
                    .cloned()
                    .ok_or_else(|| {
                        RestoreRefusal::ThemeUnreadable(format!(
                            "the published version {version} is not in the history"
                        ))
                    })?,
            ),
        };
        Ok(ThemeToRestore {
            versions,
            published,
        })
    }

    /// The THEMES key of the published body, if a version is published.
    pub fn body_key(&self, store: &str) -> Option<String> {
        self.published.as_ref().map(|v| theme_key(store, v.version))
    }

    /// Checks the published body read from THEMES (`None`: not there) against its SHA-256;
    /// answers it as text.
    pub fn accept_body(&self, body: Option<Vec<u8>>) -> Result<Option<String>, RestoreRefusal> {
        let Some(version) = &self.published else {
            return Ok(None);
        };
        let v = version.version;
        let body = body.ok_or(RestoreRefusal::ThemeBodyMissing { version: v })?;
        if sha256_hex(&body) != version.sha256 {
            return Err(RestoreRefusal::ThemeBodyChanged { version: v });
        }
        String::from_utf8(body)
            .map(Some)
            .map_err(|e| RestoreRefusal::ThemeUnreadable(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(v: u32, body: &[u8]) -> ThemeVersion {
        ThemeVersion {
            version: v,
            author: "owner".into(),
            created_at_ms: 1,
            size: body.len() as u64,
            sha256: sha256_hex(body),
            rolled_back_from: None,
        }
    }

    fn backup(published: Option<u32>, versions: &[ThemeVersion]) -> ThemeBackup {
        ThemeBackup::from_typed(Some(&ThemePointer { published }), versions).unwrap()
    }

    #[test]
    fn the_published_body_must_be_the_one_the_history_hashed() {
        let body = br#"{"schema_version":1}"#;
        let theme =
            ThemeToRestore::from_backup(&backup(Some(2), &[version(1, b"old"), version(2, body)]))
                .unwrap();
        assert_eq!(theme.versions.len(), 2);
        assert_eq!(
            theme.body_key("outlet").as_deref(),
            Some("outlet/themes/2.json")
        );
        assert_eq!(
            theme.accept_body(Some(body.to_vec())),
            Ok(Some(String::from_utf8_lossy(body).into_owned()))
        );
        let changed = theme.accept_body(Some(b"{}".to_vec())).unwrap_err();
        assert_eq!(changed.code(), "backup_theme_body_changed");
        let missing = theme.accept_body(None).unwrap_err();
        assert_eq!(missing.code(), "backup_theme_body_missing");
        assert_eq!(missing.status(), 422);
    }

    #[test]
    fn no_published_version_needs_no_body_and_a_dangling_pointer_is_refused() {
        let none = ThemeToRestore::from_backup(&backup(None, &[version(1, b"x")])).unwrap();
        assert_eq!(none.body_key("outlet"), None);
        assert_eq!(none.accept_body(None), Ok(None));
        let dangling = ThemeToRestore::from_backup(&backup(Some(3), &[version(1, b"x")]));
        assert_eq!(
            dangling.map(|_| ()).map_err(|e| e.code()),
            Err("backup_theme_unreadable")
        );
        let garbage = ThemeBackup {
            pointer: Some(serde_json::json!({"published": "two"})),
            versions: vec![],
        };
        assert!(ThemeToRestore::from_backup(&garbage).is_err());
        let not_utf8 = ThemeToRestore::from_backup(&backup(Some(1), &[version(1, &[0xff])]))
            .unwrap()
            .accept_body(Some(vec![0xff]));
        assert_eq!(
            not_utf8.map_err(|e| e.code()),
            Err("backup_theme_unreadable")
        );
    }
}
