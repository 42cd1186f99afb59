//! ShopperStorefront's SQLite schema, as versioned migrations.

use super::ShopperStorefront;
use crate::sql;

const MIGRATIONS: &[sql::Migration] = &[
    &["CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"],
    // v2: the cart, idempotency keys of JSON writes, and events for personalization.
    &[
        "CREATE TABLE cart_lines (
            variant_id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            json TEXT NOT NULL
        )",
        "CREATE TABLE idempotency (
            key TEXT PRIMARY KEY,
            json TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL
        )",
        "CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at_ms INTEGER NOT NULL,
            json TEXT NOT NULL
        )",
    ],
    // v3: personalization: the stored model suggestion, the opt-out, the last refresh and
    // the last recommendation followed (JSON values by key).
    &["CREATE TABLE ai_state (key TEXT PRIMARY KEY, json TEXT NOT NULL)"],
];

/// Brings the schema up to date, once per object lifetime.
pub fn ensure(object: &ShopperStorefront) -> worker::Result<()> {
    object.db.ensure_schema(&object.state, MIGRATIONS)
}
