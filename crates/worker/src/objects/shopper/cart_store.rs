//! The cart in the shopper's SQLite: lines, events, idempotency records, and the one
//! transaction that checks, applies and records a cart command atomically.

use super::ShopperStorefront;
use crate::sql::{self, Db};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wandstore_core::cart::{
    CartCommand, CartError, CartLine, CartWrite, CommandWrites, IdempotencyRecord, Idempotent,
    Outcome, ShopperEvent, VariantInfo, answered_before, idempotency_cutoff, run_command,
};
use wandstore_storage::{self as storage, json_text, plans::LineWrite};
use worker::Result;

/// The rows a command's decided writes come to (`storage::plans::cart_command`).
fn plan(w: CommandWrites, now_ms: u64) -> Result<Vec<storage::Write>> {
    let line = match w.cart {
        CartWrite::Nothing => None,
        CartWrite::Upsert(line) => Some(LineWrite::Upsert {
            json: json_text(&line)?,
            variant_id: line.variant_id,
        }),
        CartWrite::Delete { variant_id } => Some(LineWrite::Delete { variant_id }),
        CartWrite::DeleteAll => Some(LineWrite::DeleteAll),
    };
    let event = w
        .event
        .map(|e| json_text(&e).map(|j| (now_ms, j)))
        .transpose()?;
    let kept = match w.record {
        None => None,
        Some(r) => Some(storage::plans::KeptResponse {
            json: json_text(&r)?,
            key: r.key,
            created_at_ms: r.created_at_ms,
            cutoff_ms: idempotency_cutoff(now_ms),
        }),
    };
    Ok(storage::plans::cart_command(line, event, kept))
}

fn load_lines(db: &Db) -> Result<Vec<CartLine>> {
    db.json_rows(storage::shopper::SELECT_CART_LINES, None)
}

impl ShopperStorefront {
    /// Rows this object keeps a copy of (`cell`): read once, then kept in step by this
    /// object, which is the only writer of its storage. A request left unrecorded has none.
    pub(super) fn kept_rows<T: Clone>(
        &self,
        cell: &RefCell<Option<Vec<T>>>,
        read: impl FnOnce() -> Result<Vec<T>>,
    ) -> Result<Vec<T>> {
        if self.unrecorded.get() {
            return Ok(Vec::new());
        }
        if let Some(kept) = cell.borrow().as_ref() {
            return Ok(kept.clone());
        }
        let rows = read()?;
        *cell.borrow_mut() = Some(rows.clone());
        Ok(rows)
    }

    /// The cart's lines in display order (every write below updates or drops the copy).
    pub(super) fn cart_lines(&self) -> Result<Vec<CartLine>> {
        self.kept_rows(&self.lines, || load_lines(&self.db))
    }

    /// Drops the kept copy of the cart (after a write that did not say what it left).
    pub(super) fn forget_lines(&self) {
        self.lines.borrow_mut().take();
    }

    /// Records something the shopper did (outside a cart command), in storage and in the
    /// kept copy of the newest events (if one is kept).
    pub(super) fn record_event(&self, event: &ShopperEvent) -> Result<()> {
        if self.unrecorded.get() {
            return Ok(());
        }
        let now = crate::clock::now_ms();
        let plan = storage::plans::cart_command(None, Some((now, json_text(event)?)), None);
        let written = self.db.write_all(&plan);
        if let Err(e) = written {
            self.forget_events();
            return Err(e);
        }
        if let Some(kept) = self.events.borrow_mut().as_mut() {
            kept.push((event.clone(), now));
            let over = kept
                .len()
                .saturating_sub(wandstore_ai::block::PROFILE_EVENTS as usize);
            kept.drain(..over);
        }
        Ok(())
    }

    /// Drops the kept copy of the newest events (after a write that did not say what it
    /// recorded).
    pub(super) fn forget_events(&self) {
        self.events.borrow_mut().take();
    }

    /// Checks the idempotency key, applies the command to the stored cart, writes the change,
    /// records the event and (for keyed requests) the response `respond` builds, all in one
    /// transaction with no await inside: concurrent commands never lose an update, and a
    /// replay never applies twice.
    pub(super) fn run_cart_command(
        &self,
        cmd: CartCommand,
        catalog: HashMap<String, VariantInfo>,
        idempotent: Option<Idempotent>,
        respond: impl FnOnce(&std::result::Result<Vec<CartLine>, CartError>) -> (u16, String) + 'static,
    ) -> Result<Outcome> {
        let db = self.db.clone();
        let result: Rc<RefCell<Option<Outcome>>> = Rc::new(RefCell::new(None));
        let out = Rc::clone(&result);
        let kept = self.lines.borrow_mut().take();
        // The command may record an event inside the transaction: read them again next time.
        self.forget_events();
        sql::transaction(&self.state, move || {
            let now = crate::clock::now_ms();
            let existing: Option<IdempotencyRecord> = match &idempotent {
                Some(i) => (db.json_rows(
                    storage::shopper::SELECT_IDEMPOTENCY,
                    vec![i.key.as_str().into()],
                )?)
                .into_iter()
                .next(),
                None => None,
            };
            if let Some(answer) = answered_before(idempotent.as_ref(), existing.as_ref(), now) {
                *out.borrow_mut() = Some(answer);
                return Ok(());
            }
            let lines = match kept {
                Some(lines) => lines,
                None => load_lines(&db)?,
            };
            let (outcome, writes) =
                run_command(&lines, &cmd, &catalog, idempotent.as_ref(), now, respond);
            db.write_all(&plan(writes, now)?)?;
            *out.borrow_mut() = Some(outcome);
            Ok(())
        })?;
        let outcome = result.borrow_mut().take();
        if let Some(Outcome::Applied { lines }) = &outcome {
            *self.lines.borrow_mut() = Some(lines.clone());
        }
        outcome
            .ok_or_else(|| worker::Error::RustError("the cart transaction decided nothing".into()))
    }
}
