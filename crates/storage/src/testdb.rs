//! Test helpers: an in-memory SQLite, migrated the way the shell's `sql::migrate` does it
//! (one transaction per version, the version written last).

use crate::{Migration, schema};
use rusqlite::Connection;

/// An empty in-memory database.
pub fn empty() -> Connection {
    Connection::open_in_memory().unwrap()
}

/// The schema version (0: none).
pub fn version(db: &Connection) -> usize {
    db.execute(schema::CREATE_VERSION_TABLE, []).unwrap();
    let v: Option<i64> = db.query_row(schema::SELECT_VERSION, [], |r| r.get(0)).ok();
    usize::try_from(v.unwrap_or(0)).unwrap()
}

/// Brings `db` up to `migrations[..upto]`, as the shell does.
pub fn migrate_to(db: &mut Connection, migrations: &[Migration], upto: usize) {
    let current: Option<i64> = {
        db.execute(schema::CREATE_VERSION_TABLE, []).unwrap();
        db.query_row(schema::SELECT_VERSION, [], |r| r.get(0)).ok()
    };
    let current = current.map(|version| schema::VersionRow { version });
    for plan in schema::upgrades(current, &migrations[..upto]) {
        apply(db, &plan);
    }
}

/// A database at the newest schema.
pub fn migrated(migrations: &[Migration]) -> Connection {
    let mut db = empty();
    migrate_to(&mut db, migrations, migrations.len());
    db
}

/// Every migration applies on an empty database, and from each earlier version (a
/// database some object already has) up to the newest.
pub fn check_migrations(migrations: &[Migration]) {
    for start in 0..=migrations.len() {
        let mut db = empty();
        migrate_to(&mut db, migrations, start);
        assert_eq!(version(&db), start);
        migrate_to(&mut db, migrations, migrations.len());
        assert_eq!(version(&db), migrations.len());
        // A second run on a current database changes nothing.
        migrate_to(&mut db, migrations, migrations.len());
        assert_eq!(version(&db), migrations.len());
    }
}

/// Every statement prepares against the newest schema.
pub fn check_prepare(migrations: &[Migration], statements: &[&str]) {
    let db = migrated(migrations);
    for statement in statements {
        db.prepare(statement)
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

/// Every row a query answers, as read by `row`.
pub fn all<T>(
    db: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    let mut statement = db.prepare(sql).unwrap();
    statement
        .query_map(params, row)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The first column of every row a query answers, as text.
pub fn texts(db: &Connection, sql: &str) -> Vec<String> {
    all(db, sql, [], |r| r.get(0))
}

/// Runs a plan's writes in one transaction, as the shell's `sql::apply` does.
pub fn apply(db: &mut Connection, writes: &[crate::Write]) {
    use crate::Value;
    use rusqlite::types::Value as Sql;
    let tx = db.transaction().unwrap();
    for w in writes {
        let args = w.args.iter().map(|a| match a {
            Value::Null => Sql::Null,
            Value::Int(n) => Sql::Integer(*n),
            Value::Text(t) => Sql::Text(t.clone()),
        });
        tx.execute(w.sql, rusqlite::params_from_iter(args))
            .unwrap_or_else(|e| panic!("{}: {e}", w.sql));
    }
    tx.commit().unwrap();
}
