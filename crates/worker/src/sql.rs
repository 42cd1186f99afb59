//! SQLite in Durable Objects: a handle that counts the rows each request reads and writes,
//! versioned migrations, and atomic multi-statement changes.

use serde::de::DeserializeOwned;
use std::cell::Cell;
use std::rc::Rc;
use wandstore_storage as storage;
use worker::wasm_bindgen::{self, closure::Closure, prelude::*};
use worker::{SqlStorage, SqlStorageValue, State};

pub use wandstore_storage::{Migration, Write};

#[wasm_bindgen]
extern "C" {
    /// The storage's own JavaScript object, for `transactionSync` (not wrapped by `worker`).
    type RawStorage;
    #[wasm_bindgen(method, catch, js_name = transactionSync)]
    fn transaction_sync(this: &RawStorage, body: &JsValue) -> Result<JsValue, JsValue>;
}

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
    /// [`Db::forget_schema`]), one version per transaction.
    pub fn ensure_schema(
        &self,
        state: &State,
        migrations: &'static [Migration],
    ) -> worker::Result<()> {
        if !self.migrated.get() {
            self.run(storage::schema::CREATE_VERSION_TABLE, None)?;
            let current = self.first_row(storage::schema::SELECT_VERSION, None)?;
            let upgrades = storage::schema::upgrades(current, migrations);
            (upgrades.into_iter()).try_for_each(|plan| apply(state, self, plan))?;
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

    fn count(&self, cursor: &worker::SqlCursor) {
        let counts = self.counts.get();
        (self.counts).set(counts.plus(cursor.rows_read(), cursor.rows_written()));
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

    /// Runs one planned write.
    pub fn write(&self, write: &Write) -> worker::Result<()> {
        let args: worker::Result<Vec<_>> = write.args.iter().map(value).collect();
        self.run(write.sql, args?)
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
        // No rows are read back: a write answers none, and converting them costs a call.
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

/// Runs `f` inside the storage's `transactionSync` and answers what it answers: every
/// statement it executes commits together, or none does if it returns an error.
pub fn transaction<T: 'static>(
    state: &State,
    f: impl FnOnce() -> worker::Result<T> + 'static,
) -> worker::Result<T> {
    let storage = state.storage();
    let answer = Rc::new(Cell::new(None));
    let out = Rc::clone(&answer);
    let body = Closure::once_into_js(move || -> Result<JsValue, JsValue> {
        out.set(Some(f().map_err(|e| JsValue::from_str(&e.to_string()))?));
        Ok(JsValue::UNDEFINED)
    });
    let raw: &RawStorage = storage.as_raw().unchecked_ref();
    raw.transaction_sync(&body)?;
    (answer.take()).ok_or_else(|| worker::Error::RustError("the transaction did not run".into()))
}

/// Runs a plan's writes (`wandstore_storage::plans`) in one transaction.
pub fn apply(state: &State, db: &Db, plan: Vec<Write>) -> worker::Result<()> {
    let db = db.clone();
    transaction(state, move || db.write_all(&plan))
}

/// A planned binding as an SQLite binding.
pub fn value(v: &storage::Value) -> worker::Result<SqlStorageValue> {
    Ok(match v {
        storage::Value::Null => SqlStorageValue::Null,
        storage::Value::Int(n) => SqlStorageValue::try_from_i64(*n)?,
        storage::Value::Text(t) => t.clone().into(),
    })
}

/// A u64 (a timestamp or a counter) as an SQLite integer binding.
pub fn int(n: u64) -> worker::Result<SqlStorageValue> {
    value(&n.into())
}
