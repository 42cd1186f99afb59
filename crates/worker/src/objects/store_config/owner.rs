//! The owner's side of the store: checking an owner credential, rotating the owner token,
//! and the list of uploaded assets (their bytes are in R2 ASSETS, written by the Worker).

use super::{StoreState, internal};
use wandstore_protocol::owner::{AssetInfo, DeleteAsset, DeletedAsset, OwnerCredential};
use wandstore_protocol::store::StoreError;
use wandstore_storage::{self as storage, plans};

impl StoreState {
    /// `Ok` if the credential is the store owner's; `Forbidden` otherwise.
    pub fn check_owner(&self, credential: &OwnerCredential) -> Result<(), StoreError> {
        let record = self.existing_record()?;
        credential
            .matches(&record.owner_token_hash)
            .then_some(())
            .ok_or(StoreError::Forbidden)
    }

    /// Replaces the owner token's hash.
    pub fn rotate_owner(&self, new_hash: &str, now_ms: u64) -> Result<(), StoreError> {
        let record = self.existing_record()?.with_owner_token(new_hash, now_ms);
        self.save_record(&record).map_err(internal)
    }

    /// Every asset, by name.
    pub fn assets(&self) -> Result<Vec<AssetInfo>, StoreError> {
        self.db
            .json_rows(storage::store_config::SELECT_ASSETS, None)
            .map_err(internal)
    }

    /// Lists an uploaded asset under its name (replacing what the name pointed at).
    pub fn record_asset(&self, asset: &AssetInfo) -> Result<AssetInfo, StoreError> {
        let json = storage::json_text(asset).map_err(internal)?;
        let write = plans::record_asset(&asset.name, &asset.file, json);
        self.db.write(&write).map_err(internal)?;
        Ok(asset.clone())
    }

    /// Forgets an asset, unless the published theme uses its file.
    pub fn delete_asset(&self, delete: &DeleteAsset) -> Result<DeletedAsset, StoreError> {
        let assets = self.assets()?;
        let used = self
            .published()?
            .map(|p| p.theme.asset_files_used())
            .unwrap_or_default();
        let deleted = delete.plan(&assets, |file| used.contains(file))?;
        let write = plans::delete_asset(&delete.name);
        self.db.write(&write).map_err(internal)?;
        Ok(deleted)
    }
}
