//! SQLite in Durable Objects: versioned migrations and atomic multi-statement changes.

use serde::Deserialize;
use worker::js_sys::{Function, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue, closure::Closure};
use worker::{SqlStorage, State};

/// One schema version: the statements that take the database from the previous version.
pub type Migration = &'static [&'static str];

/// Runs `f` inside the storage's `transactionSync`: every statement it executes commits
/// together, or none does if it returns an error.
pub fn transaction<F>(state: &State, f: F) -> worker::Result<()>
where
    F: FnOnce() -> worker::Result<()> + 'static,
{
    let storage = state.storage();
    let raw: &JsValue = storage.as_raw().as_ref();
    let transaction_sync: Function = Reflect::get(raw, &JsValue::from_str("transactionSync"))?
        .dyn_into()
        .map_err(|_| worker::Error::JsError("storage.transactionSync is not a function".into()))?;
    let body = Closure::once_into_js(move || -> Result<JsValue, JsValue> {
        f().map(|()| JsValue::UNDEFINED)
            .map_err(|e| JsValue::from_str(&e.to_string()))
    });
    transaction_sync.call1(raw, &body)?;
    Ok(())
}

#[derive(Deserialize)]
struct Version {
    version: i64,
}

/// Brings the object's schema up to `migrations.len()`, one version per transaction.
/// Safe to call on every request: a current schema costs one indexed read.
pub fn migrate(state: &State, migrations: &'static [Migration]) -> worker::Result<()> {
    let sql = state.storage().sql();
    sql.exec(
        "CREATE TABLE IF NOT EXISTS _schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
        None,
    )?;
    let current = sql
        .exec("SELECT version FROM _schema WHERE id = 1", None)?
        .to_array::<Version>()?
        .first()
        .map_or(0, |v| v.version);
    let current = usize::try_from(current).unwrap_or(0);
    for (index, statements) in migrations.iter().enumerate().skip(current) {
        let version = i64::try_from(index + 1).unwrap_or(i64::MAX);
        let sql: SqlStorage = sql.clone();
        transaction(state, move || {
            for statement in statements.iter() {
                sql.exec(statement, None)?;
            }
            sql.exec(
                "INSERT INTO _schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                vec![version.into()],
            )?;
            Ok(())
        })?;
    }
    Ok(())
}

/// A u64 (a timestamp or a counter) as an SQLite integer binding.
pub fn int(value: u64) -> worker::Result<worker::SqlStorageValue> {
    worker::SqlStorageValue::try_from_i64(i64::try_from(value).unwrap_or(i64::MAX))
}
