//! The cart in the shopper's SQLite: lines, events, idempotency records, and the one
//! transaction that checks, applies and records a cart command atomically.

use super::ShopperStorefront;
use crate::sql;
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wandstore_core::cart::{
    CartCommand, CartError, CartEvent, CartLine, CartWrite, IdempotencyCheck, IdempotencyKey,
    IdempotencyRecord, VariantInfo, apply, check_idempotency, idempotency_cutoff, should_record,
};
use worker::{Result, SqlStorage};

/// How many events a shopper keeps (the newest).
const MAX_EVENTS: u64 = 500;

#[derive(Deserialize)]
struct JsonRow {
    json: String,
}

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

fn load_lines(sql: &SqlStorage) -> Result<Vec<CartLine>> {
    sql.exec("SELECT json FROM cart_lines ORDER BY position", None)?
        .to_array::<JsonRow>()?
        .into_iter()
        .map(|r| {
            serde_json::from_str(&r.json)
                .map_err(|e| worker::Error::RustError(format!("unreadable cart line: {e}")))
        })
        .collect()
}

fn write(sql: &SqlStorage, change: &CartWrite) -> Result<()> {
    match change {
        CartWrite::Nothing => {}
        CartWrite::Upsert(line) => {
            sql.exec(
                "INSERT INTO cart_lines (variant_id, position, json)
                 VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM cart_lines), ?)
                 ON CONFLICT (variant_id) DO UPDATE SET json = excluded.json",
                vec![
                    line.variant_id.as_str().into(),
                    serde_json::to_string(line)?.into(),
                ],
            )?;
        }
        CartWrite::Delete { variant_id } => {
            sql.exec(
                "DELETE FROM cart_lines WHERE variant_id = ?",
                vec![variant_id.as_str().into()],
            )?;
        }
        CartWrite::DeleteAll => {
            sql.exec("DELETE FROM cart_lines", None)?;
        }
    }
    Ok(())
}

fn record_event(sql: &SqlStorage, event: &CartEvent, now_ms: u64) -> Result<()> {
    sql.exec(
        "INSERT INTO events (at_ms, json) VALUES (?, ?)",
        vec![sql::int(now_ms)?, serde_json::to_string(event)?.into()],
    )?;
    sql.exec(
        "DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?",
        vec![sql::int(MAX_EVENTS)?],
    )?;
    Ok(())
}

fn load_record(sql: &SqlStorage, key: &IdempotencyKey) -> Result<Option<IdempotencyRecord>> {
    sql.exec(
        "SELECT json FROM idempotency WHERE key = ?",
        vec![key.as_str().into()],
    )?
    .to_array::<JsonRow>()?
    .into_iter()
    .next()
    .map(|r| {
        serde_json::from_str(&r.json)
            .map_err(|e| worker::Error::RustError(format!("unreadable idempotency record: {e}")))
    })
    .transpose()
}

fn store_record(sql: &SqlStorage, record: &IdempotencyRecord, now_ms: u64) -> Result<()> {
    sql.exec(
        "DELETE FROM idempotency WHERE created_at_ms < ?",
        vec![sql::int(idempotency_cutoff(now_ms))?],
    )?;
    sql.exec(
        "INSERT INTO idempotency (key, json, created_at_ms) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET json = excluded.json, created_at_ms = excluded.created_at_ms",
        vec![
            record.key.as_str().into(),
            serde_json::to_string(record)?.into(),
            sql::int(record.created_at_ms)?,
        ],
    )?;
    Ok(())
}

impl ShopperStorefront {
    /// The cart's lines in display order.
    pub(super) fn cart_lines(&self) -> Result<Vec<CartLine>> {
        load_lines(&self.state.storage().sql())
    }

    /// Products the shopper looked at or added lately, most recent first, once each.
    pub(super) fn recent_products(&self, n: usize) -> Result<Vec<String>> {
        let rows: Vec<JsonRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT json FROM events ORDER BY id DESC LIMIT 100", None)?
            .to_array()?;
        let mut handles: Vec<String> = Vec::new();
        for row in rows {
            let Ok(event) = serde_json::from_str::<CartEvent>(&row.json) else {
                continue;
            };
            let handle = match event {
                CartEvent::ProductViewed { handle } | CartEvent::Added { handle, .. } => handle,
                CartEvent::Removed { .. } => continue,
            };
            if !handles.contains(&handle) {
                handles.push(handle);
            }
            if handles.len() == n {
                break;
            }
        }
        Ok(handles)
    }

    /// Records something the shopper did (outside a cart command).
    pub(super) fn record_event(&self, event: &CartEvent) -> Result<()> {
        record_event(
            &self.state.storage().sql(),
            event,
            worker::Date::now().as_millis(),
        )
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
        let sql = self.state.storage().sql();
        let result: Rc<RefCell<Option<Outcome>>> = Rc::new(RefCell::new(None));
        let out = Rc::clone(&result);
        sql::transaction(&self.state, move || {
            let now = worker::Date::now().as_millis();
            let existing = match &idempotent {
                Some(i) => load_record(&sql, &i.key)?,
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
            let lines = load_lines(&sql)?;
            let decided = apply(&lines, &cmd, &catalog, now)
                .map(|change| (change.lines, change.write, change.event));
            let response_input = decided
                .as_ref()
                .map(|(l, _, _)| l.clone())
                .map_err(Clone::clone);
            if let Ok((_, change, event)) = &decided {
                write(&sql, change)?;
                if let Some(event) = event {
                    record_event(&sql, event, now)?;
                }
            }
            if let Some(i) = &idempotent {
                let (status, body) = respond(&response_input);
                if should_record(status) {
                    let record =
                        IdempotencyRecord::new(&i.key, i.fingerprint.clone(), status, body, now);
                    store_record(&sql, &record, now)?;
                }
            }
            *out.borrow_mut() = Some(match decided {
                Ok((lines, _, _)) => Outcome::Applied { lines },
                Err(e) => Outcome::Refused(e),
            });
            Ok(())
        })?;
        let outcome = result.borrow_mut().take();
        outcome
            .ok_or_else(|| worker::Error::RustError("the cart transaction decided nothing".into()))
    }
}
