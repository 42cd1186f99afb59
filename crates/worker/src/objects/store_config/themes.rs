//! The store's themes: the draft and the published pointer in SQLite, immutable bodies in R2
//! THEMES (`{store}/themes/{version}.json`).

use super::StoreState;
use wandstore_protocol::store::StoreError;

impl StoreState {
    /// Whether the published theme refers to this asset file.
    pub fn published_uses(&self, _file: &str) -> Result<bool, StoreError> {
        Ok(false)
    }
}
