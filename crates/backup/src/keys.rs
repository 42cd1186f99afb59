//! Where a backup lives in the BACKUPS bucket, and the names of its files.
//!
//! ```text
//! stores/{store}/{backup_id}/store.ndjson       the record (token sealed)
//! stores/{store}/{backup_id}/theme.ndjson       theme pointer + version references
//! stores/{store}/{backup_id}/settings.ndjson    personalization settings
//! stores/{store}/{backup_id}/carts-0001.ndjson  one file per page of shoppers with a cart
//! manifests/{store}/{backup_id}.json            written last: a backup exists once this does
//! ```
//!
//! Manifests live under their own prefix so listing a store's backups (`list` with prefix
//! [`manifest_prefix`]) returns only complete backups, one key each, however many cart files
//! they hold; a half-made backup has data files but no manifest and is never listed.

use crate::id::BackupId;
use std::fmt;
use wandstore_core::store::StoreSlug;

/// One of a backup's data files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// `store.ndjson`: one line, the store record.
    Store,
    /// `theme.ndjson`: the theme pointer and version references.
    Theme,
    /// `settings.ndjson`: one line, the personalization settings.
    Settings,
    /// `carts-NNNN.ndjson`: the carts of one page of shoppers (numbered from 1).
    Carts(u32),
}

impl FileKind {
    /// The file's name inside its backup.
    pub fn file_name(self) -> String {
        match self {
            FileKind::Store => "store.ndjson".into(),
            FileKind::Theme => "theme.ndjson".into(),
            FileKind::Settings => "settings.ndjson".into(),
            FileKind::Carts(n) => format!("carts-{n:04}.ndjson"),
        }
    }

    /// The kind a file name stands for; `None` for anything [`FileKind::file_name`] would not
    /// make (so a hostile manifest cannot name another key).
    pub fn parse(name: &str) -> Option<FileKind> {
        match name {
            "store.ndjson" => Some(FileKind::Store),
            "theme.ndjson" => Some(FileKind::Theme),
            "settings.ndjson" => Some(FileKind::Settings),
            _ => {
                let n = name.strip_prefix("carts-")?.strip_suffix(".ndjson")?;
                if n.len() < 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let page: u32 = n.parse().ok()?;
                (page >= 1 && FileKind::Carts(page).file_name() == name)
                    .then_some(FileKind::Carts(page))
            }
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file_name())
    }
}

/// The prefix under which all of one backup's data files live.
pub fn data_prefix(store: &StoreSlug, id: &BackupId) -> String {
    format!("stores/{store}/{id}/")
}

/// The R2 key of one data file.
pub fn file_key(store: &StoreSlug, id: &BackupId, file: FileKind) -> String {
    format!("{}{}", data_prefix(store, id), file.file_name())
}

/// The R2 key of a backup's manifest.
pub fn manifest_key(store: &StoreSlug, id: &BackupId) -> String {
    format!("{}{id}.json", manifest_prefix(store))
}

/// The prefix that lists one store's complete backups.
pub fn manifest_prefix(store: &StoreSlug) -> String {
    format!("manifests/{store}/")
}

/// The prefix that lists every store's complete backups.
pub const ALL_MANIFESTS_PREFIX: &str = "manifests/";

/// The store and backup a manifest key names, if it is one.
pub fn parse_manifest_key(key: &str) -> Option<(StoreSlug, BackupId)> {
    let rest = key.strip_prefix(ALL_MANIFESTS_PREFIX)?;
    let (store, file) = rest.split_once('/')?;
    let id = file.strip_suffix(".json")?;
    Some((StoreSlug::parse(store).ok()?, BackupId::parse(id).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> StoreSlug {
        StoreSlug::parse("outlet").expect("slug")
    }

    fn id() -> BackupId {
        BackupId::parse("20261128T220000Z-0a1b2c3d4e5f6071").expect("id")
    }

    #[test]
    fn keys_follow_the_documented_layout() {
        assert_eq!(
            file_key(&store(), &id(), FileKind::Carts(1)),
            "stores/outlet/20261128T220000Z-0a1b2c3d4e5f6071/carts-0001.ndjson"
        );
        assert_eq!(
            file_key(&store(), &id(), FileKind::Store),
            "stores/outlet/20261128T220000Z-0a1b2c3d4e5f6071/store.ndjson"
        );
        assert_eq!(
            manifest_key(&store(), &id()),
            "manifests/outlet/20261128T220000Z-0a1b2c3d4e5f6071.json"
        );
        assert!(manifest_key(&store(), &id()).starts_with(&manifest_prefix(&store())));
        assert_eq!(
            parse_manifest_key(&manifest_key(&store(), &id())),
            Some((store(), id()))
        );
    }

    #[test]
    fn file_names_round_trip_and_others_are_refused() {
        for kind in [
            FileKind::Store,
            FileKind::Theme,
            FileKind::Settings,
            FileKind::Carts(1),
            FileKind::Carts(9999),
            FileKind::Carts(10_000),
        ] {
            assert_eq!(FileKind::parse(&kind.file_name()), Some(kind));
        }
        for bad in [
            "carts-0000.ndjson",
            "carts-1.ndjson",
            "carts-00001.ndjson",
            "carts-+001.ndjson",
            "carts-0001.ndjson/../../x",
            "../store.ndjson",
            "manifest.json",
            "",
        ] {
            assert_eq!(FileKind::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn foreign_keys_are_not_manifest_keys() {
        assert_eq!(parse_manifest_key("stores/outlet/x/store.ndjson"), None);
        assert_eq!(parse_manifest_key("manifests/outlet/not-an-id.json"), None);
        assert_eq!(
            parse_manifest_key("manifests/UP/20261128T220000Z-0a1b2c3d4e5f6071.json"),
            None
        );
    }
}
