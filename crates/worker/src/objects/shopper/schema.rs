//! ShopperStorefront's SQLite schema, as versioned migrations.

use super::ShopperStorefront;
use wandstore_storage as storage;

/// Brings the schema up to date, once per object lifetime.
pub fn ensure(object: &ShopperStorefront) -> worker::Result<()> {
    object
        .db
        .ensure_schema(&object.state, storage::shopper::MIGRATIONS)
}
