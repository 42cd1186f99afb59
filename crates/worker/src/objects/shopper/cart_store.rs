//! The cart in the shopper's SQLite: lines, events, idempotency records, and the one
//! transaction that checks, applies and records a cart command atomically.

use super::ShopperStorefront;
use crate::sql::{self, Db};
use wandstore_core::cart::{CartLine, Outcome, ShopperEvent};
use wandstore_protocol::cart_rows;
use wandstore_protocol::cart_run::Apply;
use wandstore_storage::shopper::{SELECT_CART_LINES, SELECT_IDEMPOTENCY};
use worker::Result;

fn load_lines(db: &Db) -> Result<Vec<CartLine>> {
    db.json_rows(SELECT_CART_LINES, &[])
}

impl ShopperStorefront {
    /// The cart's lines in display order (every write below updates or drops the copy).
    pub(super) fn cart_lines(&self) -> Result<Vec<CartLine>> {
        self.memory
            .rows(&self.memory.lines, || load_lines(&self.db))
    }

    /// Records something the shopper did at `now` (outside a cart command; a view the cookie
    /// carried: `pending_views`), in storage and in the kept copy of the newest events.
    pub(super) fn record_event(&self, event: &ShopperEvent, now: u64) -> Result<()> {
        if self.memory.unrecorded.get() {
            return Ok(());
        }
        let written = self.db.write_all(&cart_rows::event_rows(event, now)?);
        self.memory.recorded(event, now, written.is_ok());
        written
    }

    /// Checks the idempotency key, applies the command to the stored cart, writes the change,
    /// records the event and (for keyed requests) the response `answers` builds, all in one
    /// transaction with no await inside: concurrent commands never lose an update, and a
    /// replay never applies twice.
    pub(super) fn run_cart_command(&self, apply: Apply) -> Result<Outcome> {
        let (db, kept) = (self.db.clone(), self.memory.command_starts());
        let outcome = sql::transaction(&self.state, move || {
            let now = crate::clock::now_ms();
            // At most one row: the key is the table's primary key.
            let answered = |key: &str| Ok(db.json_rows(SELECT_IDEMPOTENCY, &[key.into()])?.pop());
            let lines = || kept.map_or_else(|| load_lines(&db), Ok);
            let (outcome, rows) = apply.decide(answered, lines, now)?;
            db.write_all(&rows)?;
            Ok(outcome)
        });
        self.memory.command_ended(outcome.as_ref().ok());
        outcome
    }
}
