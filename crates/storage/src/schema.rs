//! The schema version table every object keeps, the statements that read and move it, and
//! the plans that bring a database up to date.

use crate::{Migration, Write};

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

/// The plans that take a database whose version row is `current` (none: a new database) up
/// to `migrations.len()`, one transaction each: a version's statements, then the version
/// moved. A current database, or one newer than `migrations` knows, needs none; a version
/// that cannot be one (negative) starts from the first.
pub fn upgrades(current: Option<VersionRow>, migrations: &[Migration]) -> Vec<Vec<Write>> {
    let current = current.map_or(0, |v| usize::try_from(v.version).unwrap_or(0));
    let upgrade = |(index, statements): (usize, &Migration)| {
        let version = u64::try_from(index + 1).unwrap_or(u64::MAX);
        let mut plan: Vec<Write> = statements.iter().map(|s| Write::new(s, vec![])).collect();
        plan.push(Write::new(SET_VERSION, vec![version.into()]));
        plan
    };
    migrations
        .iter()
        .enumerate()
        .skip(current)
        .map(upgrade)
        .collect()
}

/// Rows read and written (what Cloudflare bills) since the counts were last taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub read: u64,
    pub written: u64,
}

impl RowCounts {
    /// These counts and one statement's (which cannot overflow them).
    pub fn plus(self, read: usize, written: usize) -> Self {
        let widen = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        RowCounts {
            read: self.read.saturating_add(widen(read)),
            written: self.written.saturating_add(widen(written)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;
    use crate::testdb;

    const MIGRATIONS: &[Migration] = &[
        &["CREATE TABLE a (x)", "CREATE TABLE b (y)"],
        &["CREATE TABLE c (z)"],
    ];

    #[test]
    fn a_new_database_gets_every_version_in_order_one_plan_each() {
        let plans = upgrades(None, MIGRATIONS);
        assert_eq!(plans.len(), 2);
        assert_eq!(
            plans[0].iter().map(|w| w.sql).collect::<Vec<_>>(),
            ["CREATE TABLE a (x)", "CREATE TABLE b (y)", SET_VERSION]
        );
        assert_eq!(plans[0][2].args, vec![Value::Int(1)]);
        assert_eq!(plans[1][1], Write::new(SET_VERSION, vec![Value::Int(2)]));
    }

    #[test]
    fn a_current_or_newer_database_needs_nothing_and_a_bad_version_starts_over() {
        let at = |version| Some(VersionRow { version });
        assert_eq!(upgrades(at(1), MIGRATIONS).len(), 1);
        assert_eq!(upgrades(at(1), MIGRATIONS)[0][0].sql, "CREATE TABLE c (z)");
        assert!(upgrades(at(2), MIGRATIONS).is_empty());
        assert!(upgrades(at(9), MIGRATIONS).is_empty());
        assert_eq!(upgrades(at(-1), MIGRATIONS).len(), 2);
        assert!(upgrades(None, &[]).is_empty());
    }

    #[test]
    fn row_counts_add_up_without_overflowing() {
        let counts = RowCounts::default().plus(3, 1).plus(2, 0);
        assert_eq!(
            counts,
            RowCounts {
                read: 5,
                written: 1
            }
        );
        let full = RowCounts {
            read: u64::MAX,
            written: u64::MAX - 1,
        }
        .plus(usize::MAX, 5);
        assert_eq!(
            full,
            RowCounts {
                read: u64::MAX,
                written: u64::MAX
            }
        );
    }

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
