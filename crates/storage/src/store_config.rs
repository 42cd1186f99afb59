//! StoreConfig's SQLite: the record, the catalog cache and its breaker, themes and assets,
//! the cart index, backup and restore runs, and personalization.

use crate::Migration;

pub const MIGRATIONS: &[Migration] = &[
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

/// The store's record (JSON), if the store exists. Binds nothing; reads [`crate::JsonRow`].
pub const SELECT_RECORD: &str = "SELECT json FROM record WHERE id = 1";

/// Writes (or replaces) the store's record. Binds its JSON and its version (updated at, ms).
pub const UPSERT_RECORD: &str = "INSERT INTO record (id, json, version) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET json = excluded.json, version = excluded.version";

/// The catalog's sync state and breaker. Binds nothing; reads [`CatalogMetaRow`].
pub const SELECT_CATALOG_META: &str =
    "SELECT synced_at_ms, truncated, last_error, last_error_at_ms, breaker
     FROM catalog_meta WHERE id = 1";

/// The cached products (JSON) in catalog order. Binds nothing; read with the
/// shell's `Db::json_rows`, each text parsed on its own ([`crate::transfer::parse_texts`]).
pub const SELECT_PRODUCTS: &str = "SELECT json FROM products ORDER BY position";

/// The cached collections (JSON) in catalog order. Binds nothing; read with the
/// shell's `Db::json_rows`, each text parsed on its own ([`crate::transfer::parse_texts`]).
pub const SELECT_COLLECTIONS: &str = "SELECT json FROM collections ORDER BY position";

/// Empties the product cache (before a sync writes it anew). Binds nothing.
pub const DELETE_PRODUCTS: &str = "DELETE FROM products";

/// Empties the collection cache. Binds nothing.
pub const DELETE_COLLECTIONS: &str = "DELETE FROM collections";

/// Caches a product; a handle already written keeps its first row. Binds the position, the
/// handle and the JSON.
pub const INSERT_PRODUCT: &str =
    "INSERT OR IGNORE INTO products (position, handle, json) VALUES (?, ?, ?)";

/// Caches a collection; a handle already written keeps its first row. Binds the position,
/// the handle and the JSON.
pub const INSERT_COLLECTION: &str =
    "INSERT OR IGNORE INTO collections (position, handle, json) VALUES (?, ?, ?)";

/// Records a finished sync and clears the last error. Binds the time (ms) and whether the
/// catalog was truncated (0 or 1).
pub const SET_SYNCED: &str =
    "UPDATE catalog_meta SET synced_at_ms = ?, truncated = ?, last_error = NULL,
     last_error_at_ms = NULL WHERE id = 1";

/// Records a failed sync. Binds the message and the time (ms).
pub const SET_SYNC_ERROR: &str =
    "UPDATE catalog_meta SET last_error = ?, last_error_at_ms = ? WHERE id = 1";

/// Stores the upstream's breaker. Binds its JSON.
pub const SET_BREAKER: &str = "UPDATE catalog_meta SET breaker = ? WHERE id = 1";

/// The theme pointer, published body and draft. Binds nothing; reads [`ThemeStateRow`].
pub const SELECT_THEME_STATE: &str =
    "SELECT published, published_body, draft, draft_meta FROM theme_state WHERE id = 1";

/// Saves the draft. Binds its body and its metadata JSON.
pub const SET_DRAFT: &str = "UPDATE theme_state SET draft = ?, draft_meta = ? WHERE id = 1";

/// The theme history (JSON), newest first. Binds nothing; read with the
/// shell's `Db::json_rows`, each text parsed on its own ([`crate::transfer::parse_texts`]).
pub const SELECT_THEME_VERSIONS: &str = "SELECT json FROM theme_versions ORDER BY version DESC";

/// Adds a theme version (a version number is written once). Binds the version and its JSON.
pub const INSERT_THEME_VERSION: &str = "INSERT INTO theme_versions (version, json) VALUES (?, ?)";

/// Empties the theme history (a restore rewrites it). Binds nothing.
pub const DELETE_THEME_VERSIONS: &str = "DELETE FROM theme_versions";

/// Points the store at a published version. Binds the version and the published body.
pub const SET_PUBLISHED: &str =
    "UPDATE theme_state SET published = ?, published_body = ? WHERE id = 1";

/// The owner's assets (JSON) by name. Binds nothing; read with the
/// shell's `Db::json_rows`, each text parsed on its own ([`crate::transfer::parse_texts`]).
pub const SELECT_ASSETS: &str = "SELECT json FROM assets ORDER BY name";

/// Writes (or replaces) an asset. Binds its name, its file and its JSON.
pub const UPSERT_ASSET: &str = "INSERT INTO assets (name, file, json) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET file = excluded.file, json = excluded.json";

/// Deletes an asset. Binds its name.
pub const DELETE_ASSET: &str = "DELETE FROM assets WHERE name = ?";

/// Indexes a shopper whose cart is not empty (a re-announcement moves its time and keeps
/// its restore mark). Binds the shopper and the time (ms).
pub const INDEX_CART: &str = "INSERT INTO cart_index (shopper, updated_at_ms) VALUES (?, ?)
     ON CONFLICT (shopper) DO UPDATE SET updated_at_ms = excluded.updated_at_ms";

/// Indexes a shopper whose cart a restore wrote, marking it with the restore. Binds the
/// shopper, the time (ms) and the restore's id.
pub const INDEX_RESTORED_CART: &str =
    "INSERT INTO cart_index (shopper, updated_at_ms, restored_by) VALUES (?, ?, ?)
     ON CONFLICT (shopper) DO UPDATE SET updated_at_ms = excluded.updated_at_ms,
       restored_by = excluded.restored_by";

/// Drops a shopper from the cart index. Binds the shopper.
pub const UNINDEX_CART: &str = "DELETE FROM cart_index WHERE shopper = ?";

/// Drops a shopper whose cart was read empty, unless it was indexed again since. Binds the
/// shopper and the time the cart was read (ms).
pub const UNINDEX_CART_UNCHANGED_SINCE: &str =
    "DELETE FROM cart_index WHERE shopper = ? AND updated_at_ms < ?";

/// One page of the cart index, by shopper id after a cursor (`""`: from the start). Binds
/// the cursor and the page size; reads [`CartIndexRow`].
pub const SELECT_CART_INDEX_PAGE: &str =
    "SELECT shopper, restored_by FROM cart_index WHERE shopper > ? ORDER BY shopper LIMIT ?";

/// When the last backup started (ms). Binds nothing; reads [`BackupStateRow`].
pub const SELECT_LAST_BACKUP: &str = "SELECT last_backup_ms FROM backup_state WHERE id = 1";

/// Records when the last backup started. Binds the time (ms).
pub const SET_LAST_BACKUP: &str = "UPDATE backup_state SET last_backup_ms = ? WHERE id = 1";

/// The backup run in progress (JSON). Binds nothing; reads [`crate::OptionalJsonRow`].
pub const SELECT_BACKUP_RUN: &str = "SELECT run AS json FROM backup_state WHERE id = 1";

/// Stores (or clears, NULL) the backup run. Binds its JSON.
pub const SET_BACKUP_RUN: &str = "UPDATE backup_state SET run = ? WHERE id = 1";

/// The current or last restore run (JSON). Binds nothing; reads [`crate::OptionalJsonRow`].
pub const SELECT_RESTORE_RUN: &str = "SELECT run AS json FROM restore_state WHERE id = 1";

/// Stores (or clears, NULL) the restore run. Binds its JSON.
pub const SET_RESTORE_RUN: &str = "UPDATE restore_state SET run = ? WHERE id = 1";

/// Personalization settings, budget, counters and breakers. Binds nothing; reads
/// `wandstore_protocol::personalization_row::PersonalizationColumns`.
pub const SELECT_PERSONALIZATION: &str =
    "SELECT settings, budget, counters, breakers FROM personalization WHERE id = 1";

/// Stores the personalization settings. Binds their JSON.
pub const SET_PERSONALIZATION_SETTINGS: &str =
    "UPDATE personalization SET settings = ? WHERE id = 1";

/// Stores today's call budget. Binds its JSON.
pub const SET_PERSONALIZATION_BUDGET: &str = "UPDATE personalization SET budget = ? WHERE id = 1";

/// Stores the personalization counters. Binds their JSON.
pub const SET_PERSONALIZATION_COUNTERS: &str =
    "UPDATE personalization SET counters = ? WHERE id = 1";

/// Stores the AI Gateway breakers. Binds their JSON.
pub const SET_PERSONALIZATION_BREAKERS: &str =
    "UPDATE personalization SET breakers = ? WHERE id = 1";

/// A row of [`SELECT_CATALOG_META`].
#[derive(Debug, serde::Deserialize)]
pub struct CatalogMetaRow {
    pub synced_at_ms: Option<u64>,
    pub truncated: i64,
    pub last_error: Option<String>,
    pub last_error_at_ms: Option<u64>,
    pub breaker: Option<String>,
}

/// A row of [`SELECT_THEME_STATE`].
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ThemeStateRow {
    pub published: Option<i64>,
    pub published_body: Option<String>,
    pub draft: Option<String>,
    pub draft_meta: Option<String>,
}

/// A row of [`SELECT_CART_INDEX_PAGE`].
#[derive(Debug, serde::Deserialize)]
pub struct CartIndexRow {
    pub shopper: String,
    pub restored_by: Option<String>,
}

/// A row of [`SELECT_LAST_BACKUP`].
#[derive(Debug, serde::Deserialize)]
pub struct BackupStateRow {
    pub last_backup_ms: Option<i64>,
}

/// Every statement above (the tests prepare each one).
#[cfg(test)]
pub(crate) const STATEMENTS: &[&str] = &[
    SELECT_RECORD,
    UPSERT_RECORD,
    SELECT_CATALOG_META,
    SELECT_PRODUCTS,
    SELECT_COLLECTIONS,
    DELETE_PRODUCTS,
    DELETE_COLLECTIONS,
    INSERT_PRODUCT,
    INSERT_COLLECTION,
    SET_SYNCED,
    SET_SYNC_ERROR,
    SET_BREAKER,
    SELECT_THEME_STATE,
    SET_DRAFT,
    SELECT_THEME_VERSIONS,
    INSERT_THEME_VERSION,
    DELETE_THEME_VERSIONS,
    SET_PUBLISHED,
    SELECT_ASSETS,
    UPSERT_ASSET,
    DELETE_ASSET,
    INDEX_CART,
    INDEX_RESTORED_CART,
    UNINDEX_CART,
    UNINDEX_CART_UNCHANGED_SINCE,
    SELECT_CART_INDEX_PAGE,
    SELECT_LAST_BACKUP,
    SET_LAST_BACKUP,
    SELECT_BACKUP_RUN,
    SET_BACKUP_RUN,
    SELECT_RESTORE_RUN,
    SET_RESTORE_RUN,
    SELECT_PERSONALIZATION,
    SET_PERSONALIZATION_SETTINGS,
    SET_PERSONALIZATION_BUDGET,
    SET_PERSONALIZATION_COUNTERS,
    SET_PERSONALIZATION_BREAKERS,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdb;
    use rusqlite::{Connection, params};

    fn page(db: &Connection, after: &str, limit: i64) -> Vec<(String, Option<String>)> {
        testdb::all(db, SELECT_CART_INDEX_PAGE, params![after, limit], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }

    #[test]
    fn a_new_store_has_its_one_row_tables_and_no_record() {
        let db = testdb::migrated(MIGRATIONS);
        assert!(testdb::texts(&db, SELECT_RECORD).is_empty());
        let (synced, truncated): (Option<i64>, i64) = db
            .query_row(SELECT_CATALOG_META, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((synced, truncated), (None, 0));
        let theme: (Option<i64>, Option<String>) = db
            .query_row(SELECT_THEME_STATE, [], |r| Ok((r.get(0)?, r.get(2)?)))
            .unwrap();
        assert_eq!(theme, (None, None));
        let run: Option<String> = db.query_row(SELECT_BACKUP_RUN, [], |r| r.get(0)).unwrap();
        assert_eq!(run, None);
        let run: Option<String> = db.query_row(SELECT_RESTORE_RUN, [], |r| r.get(0)).unwrap();
        assert_eq!(run, None);
        let last: Option<i64> = db.query_row(SELECT_LAST_BACKUP, [], |r| r.get(0)).unwrap();
        assert_eq!(last, None);
        let settings: Option<String> = db
            .query_row(SELECT_PERSONALIZATION, [], |r| r.get(0))
            .unwrap();
        assert_eq!(settings, None);
    }

    #[test]
    fn the_record_is_one_row_replaced_whole() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(UPSERT_RECORD, params!["r1", 1]).unwrap();
        db.execute(UPSERT_RECORD, params!["r2", 2]).unwrap();
        assert_eq!(testdb::texts(&db, SELECT_RECORD), ["r2"]);
    }

    #[test]
    fn a_sync_rewrites_the_cache_in_order_and_clears_the_error() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(INSERT_PRODUCT, params![0, "old", "old"])
            .unwrap();
        db.execute(SET_SYNC_ERROR, params!["upstream down", 5])
            .unwrap();
        db.execute(DELETE_PRODUCTS, []).unwrap();
        db.execute(DELETE_COLLECTIONS, []).unwrap();
        for (pos, handle) in ["b", "a", "b", "c"].iter().enumerate() {
            db.execute(
                INSERT_PRODUCT,
                params![pos as i64, handle, format!("{handle}{pos}")],
            )
            .unwrap();
        }
        db.execute(INSERT_COLLECTION, params![0, "all", "all"])
            .unwrap();
        db.execute(SET_SYNCED, params![10, 1]).unwrap();
        assert_eq!(
            testdb::texts(&db, SELECT_PRODUCTS),
            ["b0", "a1", "c3"],
            "a repeated handle keeps its first row"
        );
        assert_eq!(testdb::texts(&db, SELECT_COLLECTIONS), ["all"]);
        let meta: (Option<i64>, i64, Option<String>, Option<i64>) = db
            .query_row(SELECT_CATALOG_META, [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap();
        assert_eq!(meta, (Some(10), 1, None, None));
        db.execute(SET_BREAKER, params!["{}"]).unwrap();
        let breaker: Option<String> = db.query_row(SELECT_CATALOG_META, [], |r| r.get(4)).unwrap();
        assert_eq!(breaker.as_deref(), Some("{}"));
    }

    #[test]
    fn publishing_adds_a_version_once_and_moves_the_pointer() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(SET_DRAFT, params!["body", "meta"]).unwrap();
        db.execute(INSERT_THEME_VERSION, params![1, "v1"]).unwrap();
        db.execute(SET_PUBLISHED, params![1, "p1"]).unwrap();
        db.execute(INSERT_THEME_VERSION, params![2, "v2"]).unwrap();
        db.execute(SET_PUBLISHED, params![2, "p2"]).unwrap();
        assert!(
            db.execute(INSERT_THEME_VERSION, params![2, "again"])
                .is_err(),
            "a version is written once"
        );
        assert_eq!(testdb::texts(&db, SELECT_THEME_VERSIONS), ["v2", "v1"]);
        let row: (Option<i64>, Option<String>, Option<String>, Option<String>) = db
            .query_row(SELECT_THEME_STATE, [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap();
        assert_eq!(
            row,
            (
                Some(2),
                Some("p2".into()),
                Some("body".into()),
                Some("meta".into())
            ),
            "publishing keeps the draft"
        );
        db.execute(DELETE_THEME_VERSIONS, []).unwrap();
        db.execute(INSERT_THEME_VERSION, params![7, "restored"])
            .unwrap();
        assert_eq!(testdb::texts(&db, SELECT_THEME_VERSIONS), ["restored"]);
    }

    #[test]
    fn assets_are_replaced_by_name_and_listed_by_name() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(UPSERT_ASSET, params!["logo", "f1", "l1"])
            .unwrap();
        db.execute(UPSERT_ASSET, params!["banner", "f2", "b1"])
            .unwrap();
        db.execute(UPSERT_ASSET, params!["logo", "f3", "l2"])
            .unwrap();
        assert_eq!(testdb::texts(&db, SELECT_ASSETS), ["b1", "l2"]);
        db.execute(DELETE_ASSET, params!["logo"]).unwrap();
        db.execute(DELETE_ASSET, params!["missing"]).unwrap();
        assert_eq!(testdb::texts(&db, SELECT_ASSETS), ["b1"]);
    }

    #[test]
    fn the_cart_index_pages_by_shopper_id() {
        let db = testdb::migrated(MIGRATIONS);
        for s in ["c", "a", "e", "b", "d"] {
            db.execute(INDEX_CART, params![s, 1]).unwrap();
        }
        db.execute(INDEX_CART, params!["a", 2]).unwrap();
        let first = page(&db, "", 2);
        assert_eq!(first, [("a".into(), None), ("b".into(), None)]);
        let second = page(&db, "b", 2);
        assert_eq!(second, [("c".into(), None), ("d".into(), None)]);
        assert_eq!(page(&db, "d", 2), [("e".into(), None)]);
        assert!(page(&db, "e", 2).is_empty());
    }

    #[test]
    fn a_restore_mark_stays_through_a_reannouncement_and_is_replaced_by_the_next_restore() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(INDEX_RESTORED_CART, params!["s", 1, "r1"])
            .unwrap();
        db.execute(INDEX_CART, params!["s", 2]).unwrap();
        assert_eq!(page(&db, "", 10), [("s".into(), Some("r1".into()))]);
        db.execute(INDEX_RESTORED_CART, params!["s", 3, "r2"])
            .unwrap();
        assert_eq!(page(&db, "", 10), [("s".into(), Some("r2".into()))]);
        db.execute(UNINDEX_CART, params!["s"]).unwrap();
        assert!(page(&db, "", 10).is_empty());
    }

    #[test]
    fn a_cart_read_empty_is_unindexed_only_if_not_indexed_again_since() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(INDEX_CART, params!["quiet", 100]).unwrap();
        db.execute(INDEX_CART, params!["busy", 300]).unwrap();
        db.execute(UNINDEX_CART_UNCHANGED_SINCE, params!["quiet", 200])
            .unwrap();
        db.execute(UNINDEX_CART_UNCHANGED_SINCE, params!["busy", 200])
            .unwrap();
        assert_eq!(page(&db, "", 10), [("busy".into(), None)]);
    }

    #[test]
    fn runs_are_stored_and_cleared() {
        let db = testdb::migrated(MIGRATIONS);
        for (set, get) in [
            (SET_BACKUP_RUN, SELECT_BACKUP_RUN),
            (SET_RESTORE_RUN, SELECT_RESTORE_RUN),
        ] {
            db.execute(set, params!["run"]).unwrap();
            let run: Option<String> = db.query_row(get, [], |r| r.get(0)).unwrap();
            assert_eq!(run.as_deref(), Some("run"));
            db.execute(set, params![None::<String>]).unwrap();
            let run: Option<String> = db.query_row(get, [], |r| r.get(0)).unwrap();
            assert_eq!(run, None);
        }
        db.execute(SET_LAST_BACKUP, params![42]).unwrap();
        let last: Option<i64> = db.query_row(SELECT_LAST_BACKUP, [], |r| r.get(0)).unwrap();
        assert_eq!(last, Some(42));
    }

    #[test]
    fn personalization_columns_are_written_one_at_a_time() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(SET_PERSONALIZATION_SETTINGS, params!["s"])
            .unwrap();
        db.execute(SET_PERSONALIZATION_BUDGET, params!["b"])
            .unwrap();
        db.execute(SET_PERSONALIZATION_COUNTERS, params!["c"])
            .unwrap();
        db.execute(SET_PERSONALIZATION_BREAKERS, params!["k"])
            .unwrap();
        db.execute(SET_PERSONALIZATION_BUDGET, params!["b2"])
            .unwrap();
        let row: (String, String, String, String) = db
            .query_row(SELECT_PERSONALIZATION, [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap();
        assert_eq!(row, ("s".into(), "b2".into(), "c".into(), "k".into()));
    }
}
