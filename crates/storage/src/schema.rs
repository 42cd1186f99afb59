//! The schema version table every object keeps, and the statements that read and move it.

/// Creates the one-row table holding the schema version (nothing if it exists). Binds nothing.
pub const CREATE_VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS _schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)";

/// The schema version (no row: a new database, version 0). Binds nothing; reads [`VersionRow`].
pub const SELECT_VERSION: &str = "SELECT version FROM _schema WHERE id = 1";

/// Sets the schema version. Binds the version.
pub const SET_VERSION: &str = "INSERT INTO _schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version";

/// A row of [`SELECT_VERSION`].
#[derive(Debug, serde::Deserialize)]
pub struct VersionRow {
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use crate::testdb;

    #[test]
    fn the_version_starts_absent_and_moves() {
        let db = testdb::empty();
        db.execute(super::CREATE_VERSION_TABLE, []).unwrap();
        db.execute(super::CREATE_VERSION_TABLE, []).unwrap();
        assert_eq!(testdb::version(&db), 0);
        db.execute(super::SET_VERSION, [3]).unwrap();
        db.execute(super::SET_VERSION, [4]).unwrap();
        assert_eq!(testdb::version(&db), 4);
        let rows: i64 = db
            .query_row("SELECT COUNT(*) FROM _schema", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }
}
