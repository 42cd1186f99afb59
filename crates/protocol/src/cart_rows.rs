//! The shopper object's cart transaction, sans-IO: given the response kept under the
//! request's idempotency key, a replay or a conflict is answered without reading the cart;
//! otherwise `wandstore_core::cart::run_command` decides on the stored lines, and its
//! decision becomes the rows to write (`wandstore_storage::plans::cart_command`). The object
//! runs the reads and the writes in one transaction.

use wandstore_core::cart::{
    CartCommand, CartError, CartLine, CartWrite, CommandWrites, IdempotencyRecord, Idempotent,
    Outcome, VariantLookup, answered_before, idempotency_cutoff, run_command,
};
use wandstore_core::shopper_events::ShopperEvent;
use wandstore_storage::plans::{self, KeptResponse, LineWrite};
use wandstore_storage::{Write, json_text, keyed};

/// What a cart command comes to, and the rows it writes (none for a replay, a conflict or
/// a refusal without a key). `kept`: reads the record kept under a key, called only for a
/// keyed request, first; `lines`: reads the stored cart, called only when the command runs.
#[allow(clippy::too_many_arguments)]
pub fn decide<E: From<serde_json::Error>>(
    kept: impl FnOnce(&str) -> Result<Option<IdempotencyRecord>, E>,
    lines: impl FnOnce() -> Result<Vec<CartLine>, E>,
    cmd: &CartCommand,
    catalog: &impl VariantLookup,
    idempotent: Option<&Idempotent>,
    now_ms: u64,
    respond: impl FnOnce(&Result<Vec<CartLine>, CartError>) -> (u16, String),
) -> Result<(Outcome, Vec<Write>), E> {
    let existing = match idempotent {
        Some(i) => kept(i.key.as_str())?,
        None => None,
    };
    if let Some(answer) = answered_before(idempotent, existing.as_ref(), now_ms) {
        return Ok((answer, Vec::new()));
    }
    let (outcome, writes) = run_command(&lines()?, cmd, catalog, idempotent, now_ms, respond);
    Ok((outcome, rows(writes, now_ms)?))
}

/// The rows a command's decided writes come to, in order.
pub fn rows(w: CommandWrites, now_ms: u64) -> Result<Vec<Write>, serde_json::Error> {
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
        Some(r) => Some(KeptResponse {
            json: json_text(&r)?,
            key: r.key,
            created_at_ms: r.created_at_ms,
            cutoff_ms: idempotency_cutoff(now_ms),
        }),
    };
    Ok(plans::cart_command(line, event, kept))
}

/// The rows of something the shopper did outside a cart command (the event, and the
/// oldest events pruned).
pub fn event_rows(event: &ShopperEvent, now_ms: u64) -> Result<Vec<Write>, serde_json::Error> {
    Ok(plans::cart_command(
        None,
        Some((now_ms, json_text(event)?)),
        None,
    ))
}

/// The rows of a cart replaced whole (a restore), in the lines' order.
pub fn replaced(lines: &[CartLine]) -> Result<Vec<Write>, serde_json::Error> {
    Ok(plans::replace_cart(keyed(lines, |l| &l.variant_id)?))
}

#[cfg(test)]
#[path = "cart_rows_tests.rs"]
mod tests;
