//! The SQL of the Durable Objects, pure and natively tested: per object, its schema as
//! versioned migrations, every statement it runs (a named constant saying what it does and
//! what it binds) and the rows it reads. The shell (`crates/worker`) only binds values, runs
//! the statements and maps errors; the tests here run every migration and statement against
//! an in-memory SQLite (`rusqlite`).

pub mod guard;
pub mod plans;
pub mod registry;
pub mod schema;
pub mod shopper;
pub mod store_config;
pub mod transfer;
pub mod write;

pub use write::{Lenient, ParsedCell, Value, Write, json_text, keyed};

#[cfg(test)]
mod testdb;

/// One schema version: the statements that take the database from the previous version.
pub type Migration = &'static [&'static str];

/// A row with one JSON text column, `json`.
#[derive(Debug, serde::Deserialize)]
pub struct JsonRow {
    pub json: String,
}

/// A row with one optional JSON text column, `json` (NULL: `None`).
#[derive(Debug, serde::Deserialize)]
pub struct OptionalJsonRow {
    pub json: Option<String>,
}

/// A row with one integer column, `value`.
#[derive(Debug, serde::Deserialize)]
pub struct ValueRow {
    pub value: u64,
}

#[cfg(test)]
mod tests {
    use crate::{Migration, guard, registry, shopper, store_config, testdb};

    /// Each object: its migrations, its statements and its source (to count its constants).
    const OBJECTS: &[(&str, &[Migration], &[&str], &str)] = &[
        (
            "shopper",
            shopper::MIGRATIONS,
            shopper::STATEMENTS,
            include_str!("shopper.rs"),
        ),
        (
            "store_config",
            store_config::MIGRATIONS,
            store_config::STATEMENTS,
            include_str!("store_config.rs"),
        ),
        (
            "registry",
            registry::MIGRATIONS,
            registry::STATEMENTS,
            include_str!("registry.rs"),
        ),
        (
            "guard",
            guard::MIGRATIONS,
            guard::STATEMENTS,
            include_str!("guard.rs"),
        ),
    ];

    #[test]
    fn every_migration_applies_from_every_earlier_version() {
        for (_, migrations, _, _) in OBJECTS {
            testdb::check_migrations(migrations);
        }
    }

    #[test]
    fn every_statement_prepares_on_the_newest_schema() {
        for (_, migrations, statements, _) in OBJECTS {
            testdb::check_prepare(migrations, statements);
        }
    }

    #[test]
    fn every_statement_constant_is_in_its_objects_list() {
        for (name, _, statements, source) in OBJECTS {
            let constants = source.matches(": &str =").count();
            assert_eq!(
                constants,
                statements.len(),
                "{name}: a statement is missing from STATEMENTS"
            );
        }
    }
}
