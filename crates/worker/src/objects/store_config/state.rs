//! What one StoreConfig object holds in memory: its storage, the store's record, the
//! catalog index, the upstream's breaker and the sync in flight.

use crate::clock::now_ms;
use crate::env_config::{self, Tuning};
use crate::sql::Db;
use crate::upstream;
use futures::future::{LocalBoxFuture, Shared};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use storage::store_config::SET_BREAKER;
use wandstore_core::breaker::CircuitBreaker;
use wandstore_core::breaker_slot::BreakerSlot;
use wandstore_core::catalog_index::CatalogIndex;
use wandstore_core::guarded_run::{Exchange, GuardedRun, RunResult};
use wandstore_core::kept::Kept;
use wandstore_core::storage::StorageUse;
use wandstore_protocol::store::{ObjectMetrics, StoreError, SyncReport};
use wandstore_registry::StoreRecord;
use wandstore_storage as storage;
use worker::{Env, State, console_log};

/// What a finished sync reports.
pub type SyncResult = Result<SyncReport, StoreError>;

/// The object's state, shared with the background refresh it may start.
pub struct StoreState {
    pub(super) state: State,
    pub(super) env: Env,
    pub(super) db: Db,
    pub(super) tuning: Tuning,
    /// The stored record, read once per object lifetime (this object is its only writer).
    pub(super) record: Kept<StoreRecord>,
    /// The catalog as last synced, built from SQLite on first use.
    pub(super) catalog: Kept<Rc<CatalogIndex>>,
    /// The upstream's circuit breaker, read from SQLite once, with the state last stored.
    breaker: RefCell<BreakerSlot>,
    /// What this object instance counted since it started (requests served, for the hot-store
    /// benchmark; failed upstream attempts; breaker openings).
    pub(super) counts: RefCell<ObjectMetrics>,
    /// The sync in flight, shared by everyone who waits for it (one at a time per store).
    pub(super) sync: RefCell<Option<Shared<LocalBoxFuture<'static, SyncResult>>>>,
    /// The published theme, read once per object lifetime.
    pub(super) published: Kept<wandstore_protocol::theme_ledger::PublishedCopy>,
    /// A publish is writing to R2 (publishes of one store run one at a time).
    pub(super) publishing: Cell<bool>,
    /// A backup run is doing I/O (its steps never overlap).
    pub(super) backup_busy: Cell<bool>,
    /// A restore run is doing I/O (its steps never overlap).
    pub(super) restore_busy: Cell<bool>,
}

impl StoreState {
    pub fn new(state: State, env: Env) -> Self {
        let tuning = env_config::tuning(&env);
        StoreState {
            db: Db::new(&state),
            tuning,
            state,
            env,
            record: Kept::default(),
            catalog: Kept::default(),
            breaker: RefCell::new(BreakerSlot::new(tuning.breaker)),
            counts: RefCell::new(ObjectMetrics::started(now_ms())),
            sync: RefCell::new(None),
            published: Kept::default(),
            publishing: Cell::new(false),
            backup_busy: Cell::new(false),
            restore_busy: Cell::new(false),
        }
    }

    /// The one row of a table that always holds one (`table`, for the error).
    pub(super) fn single_row<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        table: &str,
    ) -> Result<T, StoreError> {
        let row = self.db.first_row(query, &[]).map_err(super::internal)?;
        row.ok_or_else(|| super::internal(format!("{table} has no row")))
    }

    /// Brings the schema up to date once per object lifetime (and again after a wipe).
    pub fn ensure_schema(&self) -> worker::Result<()> {
        (self.db).ensure_schema(&self.state, storage::store_config::MIGRATIONS)
    }

    /// Forgets everything held in memory (after the storage was wiped).
    pub(super) fn forget(&self) {
        self.record.forget();
        self.catalog.forget();
        self.breaker.borrow_mut().forget();
        self.published.forget();
        self.db.forget_schema();
    }

    /// What the object counted since it started.
    pub fn metrics(&self) -> ObjectMetrics {
        let record = self.load_record().ok().flatten();
        let storage = record.map(|r| StorageUse::store_config(r.slug.as_str(), self.used_bytes()));
        self.counts.borrow().with_storage(storage)
    }

    /// The object's SQLite database size in bytes.
    pub fn used_bytes(&self) -> u64 {
        self.state.storage().sql().database_size() as u64
    }

    /// The breaker as it is now (read from SQLite on first use).
    pub fn breaker_now(&self) -> CircuitBreaker {
        let mut slot = self.breaker.borrow_mut();
        let unread = slot.read_once(|| self.stored_breaker(), &self.slug(), now_ms());
        unread.iter().for_each(|line| console_log!("{line}"));
        slot.breaker()
    }

    /// Runs a guarded exchange with Shopify (`upstream::drive`), each step over the store's
    /// breaker (`BreakerSlot::step` reads it once and says what to store and log).
    pub(super) async fn call_shopify<X: Exchange>(
        &self,
        run: &mut GuardedRun<X>,
    ) -> RunResult<X::Error> {
        upstream::drive(|outcome, now, jitter| {
            let slug = self.slug();
            let (action, settled) = self.breaker.borrow_mut().step(
                || self.stored_breaker(),
                |b| run.step(b, outcome, now, jitter),
                |json| (self.db.run(SET_BREAKER, &[json.into()])).map_err(|e| e.to_string()),
                (&slug, "shopify"),
                now,
            );
            let counts = &mut self.counts.borrow_mut();
            counts.count_step(run.take_failure(), settled.opened);
            settled.lines.iter().for_each(|line| console_log!("{line}"));
            action
        })
        .await
    }

    /// The stored breaker's JSON (`None`: never stored).
    fn stored_breaker(&self) -> Result<Option<String>, String> {
        (self.meta().map(|m| m.breaker)).map_err(|e| e.to_string())
    }
}
