//! StoreConfig's SQLite schema, as versioned migrations.

use super::StoreState;
use crate::sql;

const MIGRATIONS: &[sql::Migration] = &[
    &["CREATE TABLE settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        slug TEXT NOT NULL,
        display_name TEXT NOT NULL,
        currency TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    )"],
    // v2: the whole store record, written by the platform admin API.
    &[
        "DROP TABLE settings",
        "CREATE TABLE record (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            json TEXT NOT NULL,
            version INTEGER NOT NULL
        )",
    ],
    // v3: the catalog cache and the upstream's circuit breaker.
    &[
        "CREATE TABLE products (
            position INTEGER PRIMARY KEY,
            handle TEXT NOT NULL UNIQUE,
            json TEXT NOT NULL
        )",
        "CREATE TABLE collections (
            position INTEGER PRIMARY KEY,
            handle TEXT NOT NULL UNIQUE,
            json TEXT NOT NULL
        )",
        "CREATE TABLE catalog_meta (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            synced_at_ms INTEGER,
            truncated INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            last_error_at_ms INTEGER,
            breaker TEXT
        )",
        "INSERT INTO catalog_meta (id) VALUES (1)",
    ],
    // v4: the owner's assets (bytes in R2 ASSETS) and themes (bodies in R2 THEMES; the
    // published pointer, the draft and the history here).
    &[
        "CREATE TABLE assets (
            name TEXT PRIMARY KEY,
            file TEXT NOT NULL,
            json TEXT NOT NULL
        )",
        "CREATE INDEX assets_by_file ON assets (file)",
        "CREATE TABLE theme_versions (
            version INTEGER PRIMARY KEY,
            json TEXT NOT NULL
        )",
        "CREATE TABLE theme_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            published INTEGER,
            published_body TEXT,
            draft TEXT,
            draft_meta TEXT
        )",
        "INSERT INTO theme_state (id) VALUES (1)",
    ],
    // v5: backups: the index of shoppers with a non-empty cart (paged by shopper id), the
    // run in progress (a serialized `wandstore_backup::BackupRun`) and the last one finished.
    &[
        "CREATE TABLE cart_index (shopper TEXT PRIMARY KEY, updated_at_ms INTEGER NOT NULL)",
        "CREATE TABLE backup_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            run TEXT,
            last_backup_ms INTEGER
        )",
        "INSERT INTO backup_state (id) VALUES (1)",
    ],
    // v6: personalization (settings, today's call budget, counters, AI Gateway breakers).
    &[
        "CREATE TABLE personalization (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            settings TEXT,
            budget TEXT,
            counters TEXT,
            breakers TEXT
        )",
        "INSERT INTO personalization (id) VALUES (1)",
    ],
    // v7: restores over alarms: the current or last run (a serialized
    // `wandstore_backup::RestoreRun`), and which restore last wrote each indexed cart.
    &[
        "CREATE TABLE restore_state (id INTEGER PRIMARY KEY CHECK (id = 1), run TEXT)",
        "INSERT INTO restore_state (id) VALUES (1)",
        "ALTER TABLE cart_index ADD COLUMN restored_by TEXT",
    ],
];

/// Brings the schema up to date, once per object lifetime (and again after a wipe).
pub fn ensure(s: &StoreState) -> worker::Result<()> {
    s.db.ensure_schema(&s.state, MIGRATIONS)
}
