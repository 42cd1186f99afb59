//! The catalog cache in SQLite and its in-memory index.

use super::{StoreState, internal};
use std::rc::Rc;
use wandstore_core::catalog_index::{CatalogIndex, CatalogStatus};
use wandstore_protocol::catalog_read::CacheView;
use wandstore_protocol::store::StoreError;
use wandstore_storage as storage;
use worker::Result;

impl StoreState {
    pub(super) fn meta(&self) -> Result<storage::store_config::CatalogMetaRow, StoreError> {
        self.single_row(storage::store_config::SELECT_CATALOG_META, "catalog_meta")
    }

    /// What a read needs to know about the cache (`protocol::catalog_read`): its meta row,
    /// read once.
    pub fn cache_view(&self) -> Result<CacheView, StoreError> {
        Ok(CacheView {
            meta: self.meta()?,
            syncing: self.sync.borrow().is_some(),
            breaker: self.breaker_now(),
            fresh_for_ms: self.tuning.catalog_fresh_ms,
        })
    }

    /// What the cache knows about itself.
    pub fn status(&self) -> Result<CatalogStatus, StoreError> {
        Ok(self.cache_view()?.status(self.index()?.as_deref()))
    }

    /// The catalog index: from memory, else built from SQLite; `None` before the first sync.
    pub fn index(&self) -> Result<Option<Rc<CatalogIndex>>, StoreError> {
        self.catalog.get_or_read_some(|| {
            if self.meta()?.synced_at_ms.is_none() {
                return Ok(None);
            }
            let products = (self.db).json_rows(storage::store_config::SELECT_PRODUCTS, &[]);
            let collections = (self.db).json_rows(storage::store_config::SELECT_COLLECTIONS, &[]);
            let index =
                CatalogIndex::new(products.map_err(internal)?, collections.map_err(internal)?);
            Ok(Some(Rc::new(index)))
        })
    }
}
