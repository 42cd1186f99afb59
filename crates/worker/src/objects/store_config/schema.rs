//! StoreConfig's SQLite schema, as versioned migrations.

use super::StoreState;
use wandstore_storage as storage;

/// Brings the schema up to date, once per object lifetime (and again after a wipe).
pub fn ensure(s: &StoreState) -> worker::Result<()> {
    s.db.ensure_schema(&s.state, storage::store_config::MIGRATIONS)
}
