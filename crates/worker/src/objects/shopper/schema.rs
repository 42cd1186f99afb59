//! ShopperStorefront's SQLite schema, as versioned migrations.

use super::ShopperStorefront;
use crate::sql;

const MIGRATIONS: &[sql::Migration] =
    &[&["CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"]];

/// Brings the schema up to date once per object lifetime.
pub fn ensure(object: &ShopperStorefront) -> worker::Result<()> {
    if !object.migrated.get() {
        sql::migrate(&object.state, MIGRATIONS)?;
        object.migrated.set(true);
    }
    Ok(())
}
