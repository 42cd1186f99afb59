//! The cart in the shopper's SQLite: lines, events, idempotency records, and the one
//! transaction that checks, applies and records a cart command atomically.

use super::ShopperStorefront;
use crate::sql::{self, Db};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wandstore_core::cart::{
    CartCommand, CartError, CartLine, CartWrite, IdempotencyCheck, IdempotencyKey,
    IdempotencyRecord, ShopperEvent, VariantInfo, apply, check_idempotency, idempotency_cutoff,
    should_record,
};
use wandstore_storage as storage;
use worker::Result;

/// An idempotent request: its key and the fingerprint of what it asked.
pub struct Idempotent {
    pub key: IdempotencyKey,
    pub fingerprint: String,
}

/// What a cart command came to.
pub enum Outcome {
    /// Applied (or a no-op); the cart as it is now, and the response recorded for the key.
    Applied { lines: Vec<CartLine> },
    /// A rule refused it; nothing changed.
    Refused(CartError),
    /// The same key and request were answered before: send this again.
    Replayed(IdempotencyRecord),
    /// The key was used for a different request.
    KeyConflict,
}

fn load_lines(db: &Db) -> Result<Vec<CartLine>> {
    db.rows::<storage::JsonRow>(storage::shopper::SELECT_CART_LINES, None)?
        .into_iter()
        .map(|r| {
            serde_json::from_str(&r.json)
                .map_err(|e| worker::Error::RustError(format!("unreadable cart line: {e}")))
        })
        .collect()
}

fn write(db: &Db, change: &CartWrite) -> Result<()> {
    match change {
        CartWrite::Nothing => {}
        CartWrite::Upsert(line) => {
            db.run(
                storage::shopper::UPSERT_CART_LINE,
                vec![
                    line.variant_id.as_str().into(),
                    serde_json::to_string(line)?.into(),
                ],
            )?;
        }
        CartWrite::Delete { variant_id } => {
            db.run(
                storage::shopper::DELETE_CART_LINE,
                vec![variant_id.as_str().into()],
            )?;
        }
        CartWrite::DeleteAll => {
            db.run(storage::shopper::DELETE_CART_LINES, None)?;
        }
    }
    Ok(())
}

fn record_event(db: &Db, event: &ShopperEvent, now_ms: u64) -> Result<()> {
    db.run(
        storage::shopper::INSERT_EVENT,
        vec![sql::int(now_ms)?, serde_json::to_string(event)?.into()],
    )?;
    db.run(
        storage::shopper::PRUNE_EVENTS,
        vec![sql::int(storage::shopper::KEPT_EVENTS)?],
    )?;
    Ok(())
}

fn load_record(db: &Db, key: &IdempotencyKey) -> Result<Option<IdempotencyRecord>> {
    db.rows::<storage::JsonRow>(
        storage::shopper::SELECT_IDEMPOTENCY,
        vec![key.as_str().into()],
    )?
    .into_iter()
    .next()
    .map(|r| {
        serde_json::from_str(&r.json)
            .map_err(|e| worker::Error::RustError(format!("unreadable idempotency record: {e}")))
    })
    .transpose()
}

fn store_record(db: &Db, record: &IdempotencyRecord, now_ms: u64) -> Result<()> {
    db.run(
        storage::shopper::PRUNE_IDEMPOTENCY,
        vec![sql::int(idempotency_cutoff(now_ms))?],
    )?;
    db.run(
        storage::shopper::UPSERT_IDEMPOTENCY,
        vec![
            record.key.as_str().into(),
            serde_json::to_string(record)?.into(),
            sql::int(record.created_at_ms)?,
        ],
    )?;
    Ok(())
}

impl ShopperStorefront {
    /// The cart's lines in display order: read once, then kept in step by this object,
    /// which is the only writer of its storage (every write below updates or drops the copy).
    pub(super) fn cart_lines(&self) -> Result<Vec<CartLine>> {
        if self.unrecorded.get() {
            return Ok(Vec::new());
        }
        if let Some(lines) = self.lines.borrow().as_ref() {
            return Ok(lines.clone());
        }
        let lines = load_lines(&self.db)?;
        *self.lines.borrow_mut() = Some(lines.clone());
        Ok(lines)
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
        let now = worker::Date::now().as_millis();
        if let Err(e) = record_event(&self.db, event, now) {
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
        respond: impl Fn(&std::result::Result<Vec<CartLine>, CartError>) -> (u16, String) + 'static,
    ) -> Result<Outcome> {
        let db = self.db.clone();
        let result: Rc<RefCell<Option<Outcome>>> = Rc::new(RefCell::new(None));
        let out = Rc::clone(&result);
        let kept = self.lines.borrow_mut().take();
        // The command may record an event inside the transaction: read them again next time.
        self.forget_events();
        sql::transaction(&self.state, move || {
            let now = worker::Date::now().as_millis();
            let existing = match &idempotent {
                Some(i) => load_record(&db, &i.key)?,
                None => None,
            };
            if let Some(i) = &idempotent {
                match check_idempotency(existing.as_ref(), &i.fingerprint, now) {
                    IdempotencyCheck::Replay(r) => {
                        *out.borrow_mut() = Some(Outcome::Replayed(r.clone()));
                        return Ok(());
                    }
                    IdempotencyCheck::Conflict => {
                        *out.borrow_mut() = Some(Outcome::KeyConflict);
                        return Ok(());
                    }
                    IdempotencyCheck::Fresh => {}
                }
            }
            let lines = match kept {
                Some(lines) => lines,
                None => load_lines(&db)?,
            };
            let decided = apply(&lines, &cmd, &catalog, now)
                .map(|change| (change.lines, change.write, change.event));
            let response_input = decided
                .as_ref()
                .map(|(l, _, _)| l.clone())
                .map_err(Clone::clone);
            if let Ok((_, change, event)) = &decided {
                write(&db, change)?;
                if let Some(event) = event {
                    record_event(&db, event, now)?;
                }
            }
            if let Some(i) = &idempotent {
                let (status, body) = respond(&response_input);
                if should_record(status) {
                    let record =
                        IdempotencyRecord::new(&i.key, i.fingerprint.clone(), status, body, now);
                    store_record(&db, &record, now)?;
                }
            }
            *out.borrow_mut() = Some(match decided {
                Ok((lines, _, _)) => Outcome::Applied { lines },
                Err(e) => Outcome::Refused(e),
            });
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
