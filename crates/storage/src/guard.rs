//! AbuseGuard's SQLite: each client's strikes and ban, and exact counters.

use crate::Migration;

pub const MIGRATIONS: &[Migration] = &[
    &[
        "CREATE TABLE clients (client TEXT PRIMARY KEY, json TEXT NOT NULL, banned_until_ms INTEGER)",
    ],
    // v2: exact counters (checkout hand-offs).
    &["CREATE TABLE counters (key TEXT PRIMARY KEY, json TEXT NOT NULL)"],
];

/// A client's record (JSON). Binds the client; reads [`crate::Lenient`].
pub const SELECT_CLIENT: &str = "SELECT json FROM clients WHERE client = ?";

/// Writes (or replaces) a client's record. Binds the client, the JSON and the ban's end
/// (ms, or NULL).
pub const UPSERT_CLIENT: &str =
    "INSERT INTO clients (client, json, banned_until_ms) VALUES (?, ?, ?)
     ON CONFLICT (client) DO UPDATE SET json = excluded.json,
       banned_until_ms = excluded.banned_until_ms";

/// A counter (JSON). Binds the key; reads [`crate::Lenient`].
pub const SELECT_COUNTER: &str = "SELECT json FROM counters WHERE key = ?";

/// Writes (or replaces) a counter. Binds the key and the JSON.
pub const UPSERT_COUNTER: &str = "INSERT INTO counters (key, json) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET json = excluded.json";

/// Every statement above (the tests prepare each one).
#[cfg(test)]
pub(crate) const STATEMENTS: &[&str] =
    &[SELECT_CLIENT, UPSERT_CLIENT, SELECT_COUNTER, UPSERT_COUNTER];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdb;
    use rusqlite::params;

    #[test]
    fn a_client_record_is_replaced_with_its_ban() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(UPSERT_CLIENT, params!["c", "1", 100]).unwrap();
        db.execute(UPSERT_CLIENT, params!["c", "2", None::<i64>])
            .unwrap();
        let (json, until): (String, Option<i64>) = db
            .query_row(
                "SELECT json, banned_until_ms FROM clients WHERE client = 'c'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((json.as_str(), until), ("2", None));
        let got: String = db
            .query_row(SELECT_CLIENT, params!["c"], |r| r.get(0))
            .unwrap();
        assert_eq!(got, "2");
    }

    #[test]
    fn counters_are_kept_by_key() {
        let db = testdb::migrated(MIGRATIONS);
        db.execute(UPSERT_COUNTER, params!["k", "1"]).unwrap();
        db.execute(UPSERT_COUNTER, params!["k", "2"]).unwrap();
        db.execute(UPSERT_COUNTER, params!["other", "x"]).unwrap();
        let got: String = db
            .query_row(SELECT_COUNTER, params!["k"], |r| r.get(0))
            .unwrap();
        assert_eq!(got, "2");
        assert!(
            db.query_row(SELECT_COUNTER, params!["none"], |r| r.get::<_, String>(0))
                .is_err()
        );
    }
}
