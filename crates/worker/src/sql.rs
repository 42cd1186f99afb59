//! SQLite in Durable Objects: a handle that counts the rows each request reads and writes,
//! versioned migrations, and atomic multi-statement changes.

use serde::de::DeserializeOwned;
use std::cell::Cell;
use std::rc::Rc;
use wandstore_storage as storage;
use worker::State;
use worker::wasm_bindgen::{self, closure::Closure, prelude::*};

pub use wandstore_storage::{Migration, Value, Write};

#[wasm_bindgen]
extern "C" {
    /// The storage's own JavaScript object, for `transactionSync` (not wrapped by `worker`).
    type RawStorage;
    #[wasm_bindgen(method, catch, js_name = transactionSync)]
    fn transaction_sync(this: &RawStorage, body: &JsValue) -> Result<JsValue, JsValue>;
}

/// `ctx.storage.sql` called through `js/sql.js`, one call per statement: `worker`'s wrapper
/// makes one call into JavaScript per binding and several per row and column.
#[wasm_bindgen(module = "/js/sql.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = sqlRun)]
    fn sql_run(sql: &JsValue, query: &str, args: &str, counts: &mut [f64]) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = sqlRows)]
    fn sql_rows(
        sql: &JsValue,
        query: &str,
        args: &str,
        counts: &mut [f64],
    ) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = sqlJsonColumn)]
    fn sql_json_column(
        sql: &JsValue,
        query: &str,
        args: &str,
        counts: &mut [f64],
    ) -> Result<String, JsValue>;
}

/// What `js/sql.js` reports of a statement: [rows read, rows written, rows answered].
type Counts = [f64; 3];

/// One of `js/sql.js`'s calls: `ctx.storage.sql`, the query, its bindings (a JSON array),
/// and where it reports the statement's [`Counts`].
type SqlCall<R> = fn(&JsValue, &str, &str, &mut [f64]) -> Result<R, JsValue>;

/// An object's SQLite, counting rows read and written (what Cloudflare bills) since the
/// counts were last taken.
#[derive(Clone)]
pub struct Db {
    /// `ctx.storage.sql`.
    sql: Rc<JsValue>,
    counts: Rc<Cell<storage::schema::RowCounts>>,
    /// The schema is known to be current (checked once per object lifetime).
    migrated: Rc<Cell<bool>>,
}

impl Db {
    pub fn new(state: &State) -> Self {
        Db {
            sql: Rc::new(state.storage().sql().as_ref().clone()),
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
            self.run(storage::schema::CREATE_VERSION_TABLE, &[])?;
            let current = self.first_row(storage::schema::SELECT_VERSION, &[])?;
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

    /// Runs `query` with `args` through `call`, adding its rows read and written to the
    /// counts; answers what the call answers and how many rows the query answered.
    fn call<R>(&self, call: SqlCall<R>, query: &str, args: &[Value]) -> worker::Result<(R, usize)> {
        let bindings = storage::transfer::bindings_json(args).map_err(worker::Error::RustError)?;
        let mut counts = Counts::default();
        let answer = call(&self.sql, query, &bindings, &mut counts)?;
        let [read, written, answered] = counts;
        // Row counts are whole numbers well inside f64's exact range.
        let before = self.counts.get();
        (self.counts).set(before.plus(read as usize, written as usize));
        Ok((answer, answered as usize))
    }

    /// The rows a query answers (read as one JSON text and parsed here).
    pub fn rows<T: DeserializeOwned>(&self, query: &str, args: &[Value]) -> worker::Result<Vec<T>> {
        let (text, _) = self.call(sql_rows, query, args)?;
        Ok(serde_json::from_str(&text)?)
    }

    /// The first row a query answers, if any.
    pub fn first_row<T: DeserializeOwned>(
        &self,
        query: &str,
        args: &[Value],
    ) -> worker::Result<Option<T>> {
        Ok(self.rows(query, args)?.into_iter().next())
    }

    /// Every row's `json` column, each parsed on its own (a NULL or unreadable one is an
    /// error). The texts cross as they are stored, in one string (`storage::transfer`).
    pub fn json_rows<T: DeserializeOwned>(
        &self,
        query: &str,
        args: &[Value],
    ) -> worker::Result<Vec<T>> {
        let (joined, rows) = self.call(sql_json_column, query, args)?;
        Ok(storage::transfer::parse_texts(&joined, rows)?)
    }

    /// Runs one planned write.
    pub fn write(&self, write: &Write) -> worker::Result<()> {
        self.run(write.sql, &write.args)
    }

    /// Runs planned writes in order (stopping at the first that fails).
    pub fn write_all(&self, plan: &[Write]) -> worker::Result<()> {
        plan.iter().try_for_each(|w| self.write(w))
    }

    /// Runs a statement whose rows (if any) are not needed.
    pub fn run(&self, query: &str, args: &[Value]) -> worker::Result<()> {
        self.call(sql_run, query, args).map(drop)
    }

    /// The JSON in a one-row table's column, selected by `query` as `json` (`None`: NULL or
    /// no row).
    pub fn json_cell<T: DeserializeOwned>(&self, query: &str) -> worker::Result<Option<T>> {
        let row: Option<storage::ParsedCell<T>> = self.first_row(query, &[])?;
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
