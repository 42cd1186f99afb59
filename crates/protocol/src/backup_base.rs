//! The three files every backup starts with, built from what StoreConfig holds: the record
//! with its storefront token sealed, the theme pointer and history, the settings.

use crate::restore_theme::ThemePointer;
use crate::store::StoreError;
use crate::theme::ThemeVersion;
use wandstore_backup::contents::{BaseFiles, base_files, seal_record};
use wandstore_backup::crypto::NONCE_LEN;
use wandstore_backup::{BackupKey, SettingsBackup, ThemeBackup};
use wandstore_registry::StoreRecord;

/// The base files of a backup. `nonce`: fresh random bytes for the token's seal;
/// `newest_first`: the theme history as the object lists it (the file holds it oldest
/// first). No personalization settings are stored per store yet: the settings file holds
/// `null`. A file that does not serialize is the object's internal error.
pub fn store_base_files(
    record: &StoreRecord,
    key: &BackupKey,
    nonce: [u8; NONCE_LEN],
    published: Option<u32>,
    mut newest_first: Vec<ThemeVersion>,
) -> Result<BaseFiles, StoreError> {
    let mut files = || {
        let sealed = seal_record(record, key, nonce)?;
        newest_first.reverse();
        let theme = ThemeBackup::from_typed(Some(&ThemePointer { published }), &newest_first)?;
        let settings = SettingsBackup::from_typed::<()>(None)?;
        base_files(&sealed, &theme, &settings)
    };
    files().map_err(|e: serde_json::Error| StoreError::Internal {
        message: format!("building a backup file: {e}"),
    })
}
