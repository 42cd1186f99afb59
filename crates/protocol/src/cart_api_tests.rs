use super::*;
use serde_json::Value;
use wandstore_core::cart::{CartCommand, IdempotencyRecord, MAX_IDEMPOTENCY_KEY_LEN, apply};
use wandstore_core::money::Money;

const MUG: &str = "gid://shopify/ProductVariant/1";
const NOW: u64 = 1_750_000_000_000;

fn catalog(price_minor: i64) -> HashMap<String, VariantInfo> {
    let info = VariantInfo {
        variant_id: MUG.into(),
        product_handle: "mug".into(),
        product_title: "Mug <b>".into(),
        variant_title: "Blue".into(),
        price: Money::new(price_minor, Currency::USD),
        available: true,
    };
    HashMap::from([(MUG.to_owned(), info)])
}

fn mug_cart(qty: u32) -> Vec<CartLine> {
    let cmd = CartCommand::add(MUG, qty).unwrap();
    apply(&[], &cmd, &catalog(1500), NOW).unwrap().lines
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap()
}

#[test]
fn no_header_is_not_idempotent_and_a_bad_key_is_a_400() {
    assert_eq!(idempotent(None, b"{}").unwrap(), None);
    let i = idempotent(Some("abc"), b"{\"op\":\"clear\"}")
        .unwrap()
        .unwrap();
    assert_eq!(i.key.as_str(), "abc");
    let same = idempotent(Some("other"), b"{\"op\":\"clear\"}")
        .unwrap()
        .unwrap();
    assert_eq!(i.fingerprint, same.fingerprint);
    let body = idempotent(Some("abc"), b"{\"op\":\"add\"}")
        .unwrap()
        .unwrap();
    assert_ne!(i.fingerprint, body.fingerprint);
    for bad in ["", &"k".repeat(MAX_IDEMPOTENCY_KEY_LEN + 1), "tab\there"] {
        let e = idempotent(Some(bad), b"{}").unwrap_err();
        assert_eq!(e.status, 400, "{bad:?}");
    }
}

#[test]
fn an_applied_command_answers_the_repriced_cart_as_safe_json() {
    let (status, body) = command_answer(&Ok(mug_cart(2)), &catalog(1700), Currency::USD, "r1");
    assert_eq!(status, 200);
    assert!(!body.contains('<'), "{body}");
    let v = json(&body);
    assert_eq!(v["item_count"], 2);
    assert_eq!(v["lines"][0]["variant_id"], MUG);
    // The price now, not the one when added.
    assert_eq!(v["subtotal"]["amount"], "34.00");
}

#[test]
fn a_refused_command_answers_its_rule_with_the_request_id() {
    let refused = CartError::UnknownVariant {
        variant_id: "gid://x/<script>".into(),
    };
    let (status, body) = command_answer(&Err(refused.clone()), &catalog(1), Currency::USD, "r2");
    assert_eq!(status, refused.status());
    assert!(!body.contains('<'), "{body}");
    let v = json(&body);
    assert_eq!(v["error"]["code"], refused.code());
    assert_eq!(v["error"]["request_id"], "r2");
    assert_eq!(v["error"]["variant_id"], "gid://x/<script>");
}

#[test]
fn outcomes_become_answers() {
    let applied = Outcome::Applied { lines: mug_cart(1) };
    let a = outcome_answer(applied, &catalog(1500), Currency::USD, "r").unwrap();
    assert_eq!((a.status, a.replayed), (200, false));

    let refused = Outcome::Refused(CartError::UnknownVariant {
        variant_id: MUG.into(),
    });
    let a = outcome_answer(refused, &catalog(1500), Currency::USD, "r").unwrap();
    assert_eq!((a.status, a.replayed), (422, false));

    let key = IdempotencyKey::parse("k").unwrap();
    let record = IdempotencyRecord::new(&key, "fp".into(), 201, "{\"x\":1}".into(), NOW);
    let a = outcome_answer(Outcome::Replayed(record), &catalog(1), Currency::USD, "r").unwrap();
    assert_eq!(
        a,
        CartApiAnswer {
            status: 201,
            body: "{\"x\":1}".into(),
            replayed: true
        }
    );

    let e = outcome_answer(Outcome::KeyConflict, &catalog(1), Currency::USD, "r").unwrap_err();
    assert_eq!(
        (e.status, e.code.as_str()),
        (IDEMPOTENCY_CONFLICT_STATUS, "idempotency_key_reused")
    );
}

#[test]
fn only_an_unreadable_catalog_is_reworded() {
    let why = crate::store::Unavailable {
        cause: "breaker_open".into(),
        message: "sync failed".into(),
        retry_after_secs: 5,
    };
    let down = catalog_error(EdgeError::unavailable("catalog_unavailable", &why));
    assert_eq!(
        down.message,
        "the store's catalog cannot be loaded right now"
    );
    assert_eq!(
        (down.code.as_str(), down.status),
        ("catalog_unavailable", 503)
    );
    let other = EdgeError::not_found("store_not_found", "no such store");
    assert_eq!(catalog_error(other.clone()).message, other.message);
}

#[test]
fn a_write_needs_json_then_a_command_then_a_good_key() {
    let add = r#"{"op":"add","variant_id":"gid://shopify/ProductVariant/1","quantity":1}"#;
    let json = Some("application/json; charset=utf-8");
    let (_, idem) = write_request(json, add, None).unwrap();
    assert!(idem.is_none());
    let (_, idem) = write_request(json, add, Some("key-1")).unwrap();
    assert!(idem.is_some());
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let e = write_request(ct, add, Some("key-1")).unwrap_err();
        assert_eq!(e.status, 415, "{ct:?}");
    }
    for body in ["", "{", "[]"] {
        let e = write_request(json, body, None).unwrap_err();
        assert_eq!(e.status, 400, "{body:?}");
    }
    let e = write_request(json, r#"{"op":"explode"}"#, None).unwrap_err();
    assert_eq!(e.status, 422, "an unknown op");
    let e = write_request(json, add, Some("")).unwrap_err();
    assert_eq!(e.status, 400, "an empty key");
    let too_long = "k".repeat(300);
    let e = write_request(json, add, Some(&too_long)).unwrap_err();
    assert_eq!(e.status, 400, "a key past its limit");
    let e = write_request(Some("text/plain"), "{", Some("")).unwrap_err();
    assert_eq!(e.status, 415, "the content type is checked first");
}
