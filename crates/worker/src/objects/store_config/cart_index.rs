//! The index of the store's shoppers with a non-empty cart (`cart_index`), kept from what the
//! shopper objects announce after their cart writes, and read page by page (ordered by
//! shopper id) by a backup and a restore, so reaching every cart never scans every object.

use super::StoreState;
use wandstore_core::identity::ShopperId;
use wandstore_protocol::backup::cart_marks;
use wandstore_storage as storage;

impl StoreState {
    /// Up to `limit` index entries after `after` with the restore that last wrote each cart.
    pub(super) fn cart_marks(
        &self,
        after: Option<&ShopperId>,
        limit: u32,
    ) -> worker::Result<Vec<(ShopperId, Option<String>)>> {
        let rows = self.db.rows(
            storage::store_config::SELECT_CART_INDEX_PAGE,
            &[
                after.map_or("", ShopperId::as_str).into(),
                u64::from(limit).into(),
            ],
        )?;
        Ok(cart_marks(rows))
    }
}
