//! The SQL of the Durable Objects, pure and natively tested: per object, its schema as
//! versioned migrations, every statement it runs (a named constant saying what it does and
//! what it binds) and the rows it reads. The shell (`crates/worker`) only binds values, runs
//! the statements and maps errors; the tests here run every migration and statement against
//! an in-memory SQLite (`rusqlite`).

pub mod guard;
pub mod registry;
pub mod schema;
pub mod shopper;
pub mod store_config;

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
