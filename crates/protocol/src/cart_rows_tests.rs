use super::*;
use std::collections::HashMap;
use wandstore_core::cart::{IDEMPOTENCY_RETENTION_MS, IdempotencyKey, VariantInfo};
use wandstore_core::money::{Currency, Money};
use wandstore_storage::{Value, shopper};

const MUG: &str = "gid://shopify/ProductVariant/1";
const NOW: u64 = 1_750_000_000_000;

fn catalog() -> HashMap<String, VariantInfo> {
    let mug = VariantInfo {
        variant_id: MUG.into(),
        product_handle: "mug".into(),
        product_title: "Mug".into(),
        variant_title: "Blue".into(),
        price: Money::new(1500, Currency::USD),
        available: true,
    };
    HashMap::from([(MUG.to_owned(), mug)])
}

fn keyed(fingerprint: &str) -> Idempotent {
    Idempotent {
        key: IdempotencyKey::parse("k1").unwrap(),
        fingerprint: fingerprint.into(),
    }
}

fn kept(fingerprint: &str, at: u64) -> IdempotencyRecord {
    let key = IdempotencyKey::parse("k1").unwrap();
    IdempotencyRecord::new(&key, fingerprint.into(), 200, "{\"first\":true}".into(), at)
}

fn statements(rows: &[Write]) -> Vec<&'static str> {
    rows.iter().map(|w| w.sql).collect()
}

fn answer(r: &Result<Vec<CartLine>, CartError>) -> (u16, String) {
    match r {
        Ok(lines) => (200, format!("{} lines", lines.len())),
        Err(e) => (e.status(), e.code().to_owned()),
    }
}

type Decided = Result<(Outcome, Vec<Write>), serde_json::Error>;

fn decide_add(
    existing: Option<&IdempotencyRecord>,
    i: Option<&Idempotent>,
    lines_read: &mut u32,
) -> Decided {
    let add = CartCommand::add(MUG, 2).unwrap();
    let read = || {
        *lines_read += 1;
        Ok(Vec::new())
    };
    let kept = |_: &str| Ok(existing.cloned());
    decide(kept, read, &add, &catalog(), i, NOW, answer)
}

/// No answer kept under any key.
fn unkept(_: &str) -> Result<Option<IdempotencyRecord>, serde_json::Error> {
    Ok(None)
}

#[test]
fn an_add_writes_the_line_its_event_and_the_kept_answer() {
    let mut reads = 0;
    let (outcome, rows) = decide_add(None, Some(&keyed("fp")), &mut reads).unwrap();
    assert_eq!(reads, 1);
    assert!(matches!(outcome, Outcome::Applied { ref lines } if lines.len() == 1));
    assert_eq!(
        statements(&rows),
        [
            shopper::UPSERT_CART_LINE,
            shopper::INSERT_EVENT,
            shopper::PRUNE_EVENTS,
            shopper::PRUNE_IDEMPOTENCY,
            shopper::UPSERT_IDEMPOTENCY
        ]
    );
    assert_eq!(rows[0].args[0], Value::from(MUG));
    let Value::Text(line) = &rows[0].args[1] else {
        panic!("{:?}", rows[0].args)
    };
    assert!(line.contains("\"quantity\":2"), "{line}");
    assert_eq!(rows[1].args[0], Value::from(NOW));
    assert_eq!(
        rows[3].args,
        [Value::from(NOW - IDEMPOTENCY_RETENTION_MS)],
        "expired answers go first"
    );
    let Value::Text(answer) = &rows[4].args[1] else {
        panic!()
    };
    assert!(answer.contains("1 lines"), "{answer}");
}

#[test]
fn a_replay_or_a_conflict_reads_and_writes_nothing() {
    let mut reads = 0;
    let first = kept("fp", NOW - 1_000);
    let (outcome, rows) = decide_add(Some(&first), Some(&keyed("fp")), &mut reads).unwrap();
    assert_eq!(outcome, Outcome::Replayed(first.clone()));
    let (conflict, more) = decide_add(Some(&first), Some(&keyed("other")), &mut reads).unwrap();
    assert_eq!(conflict, Outcome::KeyConflict);
    assert_eq!((reads, rows.len(), more.len()), (0, 0, 0));
}

#[test]
fn a_stale_key_runs_the_command_again() {
    let mut reads = 0;
    let stale = kept("other", NOW - IDEMPOTENCY_RETENTION_MS - 1);
    let (outcome, rows) = decide_add(Some(&stale), Some(&keyed("fp")), &mut reads).unwrap();
    assert!(matches!(outcome, Outcome::Applied { .. }));
    assert_eq!(reads, 1);
    assert_eq!(
        rows.last().map(|w| w.sql),
        Some(shopper::UPSERT_IDEMPOTENCY)
    );
}

#[test]
fn a_refusal_writes_only_its_kept_answer_and_an_unreadable_cart_is_an_error() {
    let unknown = CartCommand::add("gid://shopify/ProductVariant/404", 1).unwrap();
    let none = || Ok::<_, serde_json::Error>(Vec::new());
    let (outcome, rows) = decide(unkept, none, &unknown, &catalog(), None, NOW, answer).unwrap();
    assert!(matches!(outcome, Outcome::Refused(_)));
    assert!(rows.is_empty(), "unkeyed: nothing at all");
    let i = keyed("fp");
    let (_, rows) = decide(unkept, none, &unknown, &catalog(), Some(&i), NOW, answer).unwrap();
    assert_eq!(
        statements(&rows),
        [shopper::PRUNE_IDEMPOTENCY, shopper::UPSERT_IDEMPOTENCY]
    );
    let broken = || Err(serde_json::from_str::<u8>("x").unwrap_err());
    assert!(decide(unkept, broken, &unknown, &catalog(), None, NOW, answer).is_err());
}

#[test]
fn clearing_an_empty_cart_writes_nothing_removing_deletes_the_line() {
    let lines = |n: u32| {
        move || {
            let line = CartLine {
                variant_id: MUG.into(),
                product_handle: "mug".into(),
                title: "Mug".into(),
                quantity: 1,
                unit_price_when_added: Money::new(1500, Currency::USD),
                added_at_ms: 1,
            };
            Ok::<_, serde_json::Error>(vec![line; n as usize])
        }
    };
    let clear = CartCommand::Clear;
    let (outcome, rows) = decide(unkept, lines(0), &clear, &catalog(), None, NOW, answer).unwrap();
    assert_eq!(outcome, Outcome::Applied { lines: vec![] });
    assert!(rows.is_empty(), "{:?}", statements(&rows));
    let remove = CartCommand::remove(MUG).unwrap();
    let (_, rows) = decide(unkept, lines(1), &remove, &catalog(), None, NOW, answer).unwrap();
    assert_eq!(rows[0].sql, shopper::DELETE_CART_LINE);
    assert_eq!(rows[0].args, [Value::from(MUG)]);
}

#[test]
fn an_event_outside_a_command_is_written_and_pruned() {
    let viewed = ShopperEvent::Viewed {
        handle: "mug".into(),
    };
    let rows = event_rows(&viewed, 7).unwrap();
    assert_eq!(
        statements(&rows),
        [shopper::INSERT_EVENT, shopper::PRUNE_EVENTS]
    );
    assert_eq!(rows[0].args[0], Value::from(7u64));
    assert_eq!(rows[1].args, [Value::from(shopper::KEPT_EVENTS)]);
}

#[test]
fn a_replaced_cart_deletes_every_line_then_inserts_each_at_its_position() {
    let line = |variant: &str| CartLine {
        variant_id: variant.into(),
        product_handle: "mug".into(),
        title: String::new(),
        quantity: 1,
        unit_price_when_added: Money::new(100, Currency::USD),
        added_at_ms: 0,
    };
    let rows = replaced(&[line("b"), line("a")]).unwrap();
    assert_eq!(
        statements(&rows),
        [
            shopper::DELETE_CART_LINES,
            shopper::INSERT_CART_LINE_AT,
            shopper::INSERT_CART_LINE_AT
        ]
    );
    assert_eq!(rows[1].args[..2], [Value::from("b"), Value::from(1u64)]);
    assert_eq!(rows[2].args[..2], [Value::from("a"), Value::from(2u64)]);
    let stored: CartLine = match &rows[2].args[2] {
        Value::Text(json) => serde_json::from_str(json).unwrap(),
        other => panic!("not JSON text: {other:?}"),
    };
    assert_eq!(stored, line("a"));
    // An empty cart: only the delete.
    assert_eq!(
        statements(&replaced(&[]).unwrap()),
        [shopper::DELETE_CART_LINES]
    );
}

#[test]
fn the_kept_answer_is_read_under_the_requests_key_only_for_a_keyed_request() {
    let add = CartCommand::add(MUG, 1).unwrap();
    let none = || Ok::<_, serde_json::Error>(Vec::new());
    let asked = std::cell::RefCell::new(Vec::new());
    let kept = |key: &str| {
        asked.borrow_mut().push(key.to_owned());
        Ok(None)
    };
    decide(kept, none, &add, &catalog(), None, NOW, answer).unwrap();
    assert!(asked.borrow().is_empty(), "unkeyed: no read");
    decide(
        kept,
        none,
        &add,
        &catalog(),
        Some(&keyed("fp")),
        NOW,
        answer,
    )
    .unwrap();
    assert_eq!(*asked.borrow(), ["k1"]);
    let broken = |_: &str| Err(serde_json::from_str::<u8>("x").unwrap_err());
    let mut reads = 0;
    let lines = || {
        reads += 1;
        Ok(Vec::new())
    };
    let i = keyed("fp");
    assert!(decide(broken, lines, &add, &catalog(), Some(&i), NOW, answer).is_err());
    assert_eq!(reads, 0, "a failed read of the kept answer reads no cart");
}
