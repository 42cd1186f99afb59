//! The cart command's transaction as decisions: whether an idempotent request was answered
//! before, what the command does to the stored cart, and what the transaction writes (the
//! line change, the event, the response recorded under the key). The shell reads the rows,
//! calls these and runs the writes in one transaction.

use super::{
    CartCommand, CartError, CartLine, CartWrite, IdempotencyCheck, IdempotencyKey,
    IdempotencyRecord, ShopperEvent, VariantLookup, apply, check_idempotency, should_record,
};

/// An idempotent request: its key and the fingerprint of what it asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotent {
    pub key: IdempotencyKey,
    pub fingerprint: String,
}

/// What a cart command came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Applied (or a no-op): the cart as it is now.
    Applied { lines: Vec<CartLine> },
    /// A rule refused it; nothing changed.
    Refused(CartError),
    /// The same key and request were answered before: send this again.
    Replayed(IdempotencyRecord),
    /// The key was used for a different request.
    KeyConflict,
}

/// What the transaction writes, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandWrites {
    pub cart: CartWrite,
    pub event: Option<ShopperEvent>,
    /// The response stored under the request's key (expired records are pruned first).
    pub record: Option<IdempotencyRecord>,
}

/// The answer a keyed request gets without running its command (a replay or a conflict),
/// given the record stored under its key; `None`: run it.
pub fn answered_before(
    idempotent: Option<&Idempotent>,
    existing: Option<&IdempotencyRecord>,
    now_ms: u64,
) -> Option<Outcome> {
    let i = idempotent?;
    match check_idempotency(existing, &i.fingerprint, now_ms) {
        IdempotencyCheck::Fresh => None,
        IdempotencyCheck::Replay(r) => Some(Outcome::Replayed(r.clone())),
        IdempotencyCheck::Conflict => Some(Outcome::KeyConflict),
    }
}

/// Applies `cmd` to the stored `lines`: the outcome and the writes. A keyed request records
/// the `(status, body)` that `respond` gives for the result, when [`should_record`] says so.
pub fn run_command(
    lines: &[CartLine],
    cmd: &CartCommand,
    catalog: &impl VariantLookup,
    idempotent: Option<&Idempotent>,
    now_ms: u64,
    respond: impl FnOnce(&Result<Vec<CartLine>, CartError>) -> (u16, String),
) -> (Outcome, CommandWrites) {
    let (result, cart, event) = match apply(lines, cmd, catalog, now_ms) {
        Ok(change) => (Ok(change.lines), change.write, change.event),
        Err(e) => (Err(e), CartWrite::Nothing, None),
    };
    let record = idempotent.and_then(|i| {
        let (status, body) = respond(&result);
        should_record(status)
            .then(|| IdempotencyRecord::new(&i.key, i.fingerprint.clone(), status, body, now_ms))
    });
    let outcome = match result {
        Ok(lines) => Outcome::Applied { lines },
        Err(e) => Outcome::Refused(e),
    };
    (
        outcome,
        CommandWrites {
            cart,
            event,
            record,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::IDEMPOTENCY_RETENTION_MS;
    use crate::cart::test_support::{MUG, NOW, SOLD_OUT, catalog, cmd, line, usd};

    fn keyed(key: &str, fingerprint: &str) -> Idempotent {
        Idempotent {
            key: IdempotencyKey::parse(key).unwrap(),
            fingerprint: fingerprint.into(),
        }
    }

    fn record(key: &str, fingerprint: &str, at: u64) -> IdempotencyRecord {
        let k = IdempotencyKey::parse(key).unwrap();
        IdempotencyRecord::new(&k, fingerprint.into(), 200, "{}".into(), at)
    }

    fn answer(status: u16) -> impl FnOnce(&Result<Vec<CartLine>, CartError>) -> (u16, String) {
        move |r| match r {
            Ok(lines) => (status, format!("{} lines", lines.len())),
            Err(e) => (e.status(), e.code().to_owned()),
        }
    }

    #[test]
    fn unkeyed_and_fresh_requests_run() {
        assert_eq!(answered_before(None, None, NOW), None);
        let i = keyed("k1", "fp");
        assert_eq!(answered_before(Some(&i), None, NOW), None);
        // An unkeyed request ignores any record.
        assert_eq!(
            answered_before(None, Some(&record("k1", "fp", NOW)), NOW),
            None
        );
    }

    #[test]
    fn the_same_request_replays_and_another_conflicts() {
        let i = keyed("k1", "fp");
        let stored = record("k1", "fp", NOW - 10);
        assert_eq!(
            answered_before(Some(&i), Some(&stored), NOW),
            Some(Outcome::Replayed(stored.clone()))
        );
        let other = keyed("k1", "another body");
        assert_eq!(
            answered_before(Some(&other), Some(&stored), NOW),
            Some(Outcome::KeyConflict)
        );
        // Expired: the key is fresh again, whatever it was used for.
        let later = NOW - 10 + IDEMPOTENCY_RETENTION_MS;
        assert_eq!(answered_before(Some(&other), Some(&stored), later), None);
    }

    #[test]
    fn an_applied_add_writes_the_line_and_its_event_and_records_the_answer() {
        let c = cmd(CartCommand::add(MUG, 2));
        let i = keyed("k1", "fp");
        let (outcome, writes) = run_command(&[], &c, &catalog(), Some(&i), NOW, answer(200));
        let Outcome::Applied { lines } = outcome else {
            panic!("not applied: {outcome:?}");
        };
        assert_eq!(lines.len(), 1);
        assert_eq!(writes.cart, CartWrite::Upsert(lines[0].clone()));
        assert!(writes.event.is_some());
        assert_eq!(
            writes.record,
            Some(IdempotencyRecord::new(
                &i.key,
                "fp".into(),
                200,
                "1 lines".into(),
                NOW
            ))
        );
    }

    #[test]
    fn unkeyed_commands_record_nothing_and_never_build_an_answer() {
        let c = cmd(CartCommand::add(MUG, 1));
        let (_, writes) = run_command(&[], &c, &catalog(), None, NOW, |_| {
            panic!("no answer is built without a key")
        });
        assert_eq!(writes.record, None);
    }

    #[test]
    fn a_refused_command_writes_nothing_but_records_its_4xx() {
        let c = cmd(CartCommand::add(SOLD_OUT, 1));
        let i = keyed("k2", "fp");
        let (outcome, writes) = run_command(&[], &c, &catalog(), Some(&i), NOW, answer(200));
        let Outcome::Refused(e) = outcome else {
            panic!("not refused: {outcome:?}");
        };
        assert_eq!(writes.cart, CartWrite::Nothing);
        assert_eq!(writes.event, None);
        let stored = writes.record.unwrap();
        assert_eq!(
            (stored.status, stored.body),
            (e.status(), e.code().to_owned())
        );
    }

    #[test]
    fn transient_and_server_answers_are_not_recorded() {
        let lines = vec![line(MUG, "mug", 1, usd(1500))];
        let c = cmd(CartCommand::remove(MUG));
        for status in [409, 429, 500, 503] {
            let i = keyed("k3", "fp");
            let (outcome, writes) =
                run_command(&lines, &c, &catalog(), Some(&i), NOW, answer(status));
            assert_eq!(outcome, Outcome::Applied { lines: vec![] });
            assert_eq!(writes.record, None, "status {status}");
            assert!(matches!(writes.cart, CartWrite::Delete { .. }));
        }
    }

    #[test]
    fn a_no_op_writes_nothing() {
        let c = CartCommand::Clear;
        let (outcome, writes) = run_command(&[], &c, &catalog(), None, NOW, answer(200));
        assert_eq!(outcome, Outcome::Applied { lines: vec![] });
        assert_eq!(writes.cart, CartWrite::Nothing);
        assert_eq!(writes.event, None);
    }
}
