//! StoreRegistry's SQLite: every store slug, custom domain and last reported size. The
//! rows it reads are `wandstore_registry::{StoreRow, DomainRow}` (the uniqueness rules are
//! `wandstore_registry::check_claim`); the primary keys here are the last line of defence.

use crate::Migration;

pub const MIGRATIONS: &[Migration] = &[
    &[
        "CREATE TABLE stores (
        slug TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        currency TEXT NOT NULL,
        updated_at_ms INTEGER NOT NULL
    )",
        "CREATE TABLE domains (host TEXT PRIMARY KEY, slug TEXT NOT NULL)",
        "CREATE INDEX domains_by_slug ON domains (slug)",
    ],
    // v2: each store's last reported storage.
    &["CREATE TABLE store_sizes (
        slug TEXT PRIMARY KEY,
        used_bytes INTEGER NOT NULL,
        reported_ms INTEGER NOT NULL
    )"],
];

/// Every store. Binds nothing; reads `wandstore_registry::StoreRow`.
pub const SELECT_STORES: &str = "SELECT slug, display_name, currency, updated_at_ms FROM stores";

/// Every custom domain. Binds nothing; reads `wandstore_registry::DomainRow`.
pub const SELECT_DOMAINS: &str = "SELECT host, slug FROM domains";

/// The domain row of a host. Binds the host; reads `wandstore_registry::DomainRow`.
pub const SELECT_DOMAIN: &str = "SELECT host, slug FROM domains WHERE host = ?";

/// Whether a slug is registered (a row or none). Binds the slug.
pub const SELECT_STORE_SLUG: &str = "SELECT slug FROM stores WHERE slug = ?";

/// Writes (or rewrites) a store. Binds the slug, the display name, the currency and the
/// time (ms).
pub const UPSERT_STORE: &str =
    "INSERT INTO stores (slug, display_name, currency, updated_at_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT (slug) DO UPDATE SET display_name = excluded.display_name,
       currency = excluded.currency, updated_at_ms = excluded.updated_at_ms";

/// Drops a store's custom domains (before they are written anew). Binds the slug.
pub const DELETE_DOMAINS_OF: &str = "DELETE FROM domains WHERE slug = ?";

/// Gives a host to a store; a host another store holds fails. Binds the host and the slug.
pub const INSERT_DOMAIN: &str = "INSERT INTO domains (host, slug) VALUES (?, ?)";

/// Forgets a store. Binds the slug.
pub const DELETE_STORE: &str = "DELETE FROM stores WHERE slug = ?";

/// Keeps a store's latest reported size. Binds the slug, the bytes and the time (ms).
pub const UPSERT_STORE_SIZE: &str =
    "INSERT INTO store_sizes (slug, used_bytes, reported_ms) VALUES (?, ?, ?)
     ON CONFLICT (slug) DO UPDATE SET used_bytes = excluded.used_bytes,
       reported_ms = excluded.reported_ms";

/// The largest registered stores, biggest first (then by slug). Binds the limit; reads
/// [`SizeRow`].
pub const SELECT_LARGEST_STORES: &str =
    "SELECT z.slug, z.used_bytes FROM store_sizes z JOIN stores s ON s.slug = z.slug
     ORDER BY z.used_bytes DESC, z.slug LIMIT ?";

/// A row of [`SELECT_LARGEST_STORES`].
#[derive(Debug, serde::Deserialize)]
pub struct SizeRow {
    pub slug: String,
    pub used_bytes: u64,
}

/// Every statement above (the tests prepare each one).
#[cfg(test)]
pub(crate) const STATEMENTS: &[&str] = &[
    SELECT_STORES,
    SELECT_DOMAINS,
    SELECT_DOMAIN,
    SELECT_STORE_SLUG,
    UPSERT_STORE,
    DELETE_DOMAINS_OF,
    INSERT_DOMAIN,
    DELETE_STORE,
    UPSERT_STORE_SIZE,
    SELECT_LARGEST_STORES,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdb;
    use rusqlite::{Connection, params};

    fn owner(db: &Connection, host: &str) -> Option<String> {
        db.query_row(SELECT_DOMAIN, params![host], |r| r.get(1))
            .ok()
    }

    #[test]
    fn a_rewrite_replaces_a_stores_fields_and_domains() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(UPSERT_STORE, params!["a", "A", "USD", 1])
            .unwrap();
        db.execute(INSERT_DOMAIN, params!["a.example", "a"])
            .unwrap();
        db.execute(UPSERT_STORE, params!["a", "A2", "EUR", 2])
            .unwrap();
        db.execute(DELETE_DOMAINS_OF, params!["a"]).unwrap();
        db.execute(INSERT_DOMAIN, params!["shop.example", "a"])
            .unwrap();
        let row: (String, String, i64) = db
            .query_row(SELECT_STORES, [], |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap();
        assert_eq!(row, ("A2".into(), "EUR".into(), 2));
        assert_eq!(owner(&db, "a.example"), None);
        assert_eq!(owner(&db, "shop.example").as_deref(), Some("a"));
    }

    #[test]
    fn a_host_belongs_to_one_store() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(INSERT_DOMAIN, params!["x.example", "a"])
            .unwrap();
        assert!(
            db.execute(INSERT_DOMAIN, params!["x.example", "b"])
                .is_err()
        );
        assert_eq!(owner(&db, "x.example").as_deref(), Some("a"));
    }

    #[test]
    fn forgetting_a_store_frees_its_slug_and_hosts() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(UPSERT_STORE, params!["a", "A", "USD", 1])
            .unwrap();
        db.execute(INSERT_DOMAIN, params!["a.example", "a"])
            .unwrap();
        db.execute(DELETE_DOMAINS_OF, params!["a"]).unwrap();
        db.execute(DELETE_STORE, params!["a"]).unwrap();
        assert!(
            db.query_row(SELECT_STORE_SLUG, params!["a"], |_| Ok(()))
                .is_err()
        );
        db.execute(INSERT_DOMAIN, params!["a.example", "b"])
            .unwrap();
        assert_eq!(owner(&db, "a.example").as_deref(), Some("b"));
    }

    #[test]
    fn the_largest_registered_stores_come_first() {
        let db = testdb::migrated(MIGRATIONS);
        for slug in ["a", "b", "c"] {
            db.execute(UPSERT_STORE, params![slug, slug, "USD", 1])
                .unwrap();
        }
        db.execute(UPSERT_STORE_SIZE, params!["a", 10, 1]).unwrap();
        db.execute(UPSERT_STORE_SIZE, params!["b", 30, 1]).unwrap();
        db.execute(UPSERT_STORE_SIZE, params!["c", 30, 1]).unwrap();
        db.execute(UPSERT_STORE_SIZE, params!["a", 50, 2]).unwrap();
        db.execute(UPSERT_STORE_SIZE, params!["gone", 99, 1])
            .unwrap();
        let got: Vec<(String, i64)> = testdb::all(&db, SELECT_LARGEST_STORES, params![3], |r| {
            Ok((r.get(0)?, r.get(1)?))
        });
        assert_eq!(
            got,
            [("a".into(), 50), ("b".into(), 30), ("c".into(), 30)],
            "an unregistered store's size is not listed"
        );
    }
}
