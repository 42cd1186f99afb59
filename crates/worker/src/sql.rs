//! SQLite in Durable Objects: a handle that counts the rows each request reads and writes,
//! versioned migrations, and atomic multi-statement changes.

use serde::de::DeserializeOwned;
use std::cell::Cell;
use std::rc::Rc;
use wandstore_storage as storage;
use worker::js_sys::{Function, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue, closure::Closure};
use worker::{SqlStorage, SqlStorageValue, State};

pub use wandstore_storage::{Migration, Write};

/// An object's SQLite, counting rows read and written (what Cloudflare bills) since the
/// counts were last taken.
#[derive(Clone)]
pub struct Db {
    sql: SqlStorage,
    counts: Rc<Cell<storage::schema::RowCounts>>,
    /// The schema is known to be current (checked once per object lifetime).
    migrated: Rc<Cell<bool>>,
}

impl Db {
    pub fn new(state: &State) -> Self {
        Db {
            sql: state.storage().sql(),
            counts: Rc::default(),
            migrated: Rc::new(Cell::new(false)),
        }
    }

    /// Brings the schema up to `migrations` once per object lifetime (and again after
    /// [`Db::forget_schema`]).
    pub fn ensure_schema(
        &self,
        state: &State,
        migrations: &'static [Migration],
    ) -> worker::Result<()> {
        if !self.migrated.get() {
            migrate(state, self, migrations)?;
            self.migrated.set(true);
        }
        Ok(())
    }

    /// Whether this object has used its storage (its schema is in place) in this lifetime.
    pub fn is_migrated(&self) -> bool {
        self.migrated.get()
    }

    /// The storage was wiped: the next use migrates again.
    pub fn forget_schema(&self) {
        self.migrated.set(false);
    }

    fn count(&self, cursor: &worker::SqlCursor) {
        let counts = self.counts.get();
        self.counts
            .set(counts.plus(cursor.rows_read(), cursor.rows_written()));
    }

    /// The rows a query answers.
    pub fn rows<T: DeserializeOwned>(
        &self,
        query: &str,
        bindings: impl Into<Option<Vec<SqlStorageValue>>>,
    ) -> worker::Result<Vec<T>> {
        let cursor = self.sql.exec(query, bindings)?;
        let rows = cursor.to_array()?;
        self.count(&cursor);
        Ok(rows)
    }

    /// The first row a query answers, if any.
    pub fn first_row<T: DeserializeOwned>(
        &self,
        query: &str,
        bindings: impl Into<Option<Vec<SqlStorageValue>>>,
    ) -> worker::Result<Option<T>> {
        Ok(self.rows(query, bindings)?.into_iter().next())
    }

    /// Every row's `json` column, parsed (unreadable JSON is an error).
    pub fn json_rows<T: DeserializeOwned>(
        &self,
        query: &str,
        bindings: impl Into<Option<Vec<SqlStorageValue>>>,
    ) -> worker::Result<Vec<T>> {
        let rows: Vec<storage::Parsed<T>> = self.rows(query, bindings)?;
        Ok(rows.into_iter().map(|r| r.json).collect())
    }

    /// The first row's `json` column, parsed; no row or unreadable JSON: `None`.
    pub fn lenient_json_row<T: DeserializeOwned>(
        &self,
        query: &str,
        bindings: impl Into<Option<Vec<SqlStorageValue>>>,
    ) -> worker::Result<Option<T>> {
        let row: Option<storage::Lenient<T>> = self.first_row(query, bindings)?;
        Ok(row.and_then(|r| r.json))
    }

    /// Runs one planned write.
    pub fn write(&self, write: &Write) -> worker::Result<()> {
        let args = write
            .args
            .iter()
            .map(value)
            .collect::<worker::Result<Vec<_>>>()?;
        self.run(write.sql, args)
    }

    /// Runs planned writes in order (stopping at the first that fails).
    pub fn write_all(&self, plan: &[Write]) -> worker::Result<()> {
        plan.iter().try_for_each(|w| self.write(w))
    }

    /// Runs a statement whose rows (if any) are not needed.
    pub fn run(
        &self,
        query: &str,
        bindings: impl Into<Option<Vec<SqlStorageValue>>>,
    ) -> worker::Result<()> {
        let cursor = self.sql.exec(query, bindings)?;
        self.count(&cursor);
        Ok(())
    }

    /// The JSON in a one-row table's column, selected by `query` as `json` (`None`: NULL or
    /// no row).
    pub fn json_cell<T: DeserializeOwned>(&self, query: &str) -> worker::Result<Option<T>> {
        let row: Option<storage::ParsedCell<T>> = self.first_row(query, None)?;
        Ok(row.and_then(|r| r.json))
    }

    /// (rows read, rows written) since the last call.
    pub fn take_counts(&self) -> (u64, u64) {
        let counts = self.counts.take();
        (counts.read, counts.written)
    }
}

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

/// Runs a plan's writes (`wandstore_storage::plans`) in one transaction.
pub fn apply(state: &State, db: &Db, plan: Vec<Write>) -> worker::Result<()> {
    let db = db.clone();
    transaction(state, move || db.write_all(&plan))
}

fn value(v: &storage::Value) -> worker::Result<SqlStorageValue> {
    Ok(match v {
        storage::Value::Null => SqlStorageValue::Null,
        storage::Value::Int(n) => SqlStorageValue::try_from_i64(*n)?,
        storage::Value::Text(t) => t.clone().into(),
    })
}

/// Brings the object's schema up to `migrations.len()`, one version per transaction.
/// Safe to call on every request: a current schema costs one indexed read.
fn migrate(state: &State, db: &Db, migrations: &'static [Migration]) -> worker::Result<()> {
    db.run(storage::schema::CREATE_VERSION_TABLE, None)?;
    let current = db.first_row(storage::schema::SELECT_VERSION, None)?;
    storage::schema::upgrades(current, migrations)
        .into_iter()
        .try_for_each(|plan| apply(state, db, plan))
}

/// A u64 (a timestamp or a counter) as an SQLite integer binding.
pub fn int(n: u64) -> worker::Result<SqlStorageValue> {
    value(&n.into())
}
