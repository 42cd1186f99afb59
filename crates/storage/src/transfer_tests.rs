use super::*;
use serde_json::{Value as Json, json};

fn parsed(args: &[Value]) -> Json {
    let text = bindings_json(args).expect("bindings");
    serde_json::from_str(&text).expect("valid JSON")
}

#[test]
fn no_bindings_are_an_empty_array() {
    assert_eq!(bindings_json(&[]).as_deref(), Ok("[]"));
}

#[test]
fn nulls_integers_and_text_keep_their_order_and_types() {
    let args = [
        Value::Null,
        Value::Int(0),
        Value::Int(-7),
        "gid://shopify/ProductVariant/1".into(),
        Value::Int(1_796_008_909_819),
    ];
    assert_eq!(
        parsed(&args),
        json!([
            null,
            0,
            -7,
            "gid://shopify/ProductVariant/1",
            1_796_008_909_819_i64
        ])
    );
}

#[test]
fn text_is_escaped_and_comes_back_exactly() {
    let hostile = "a\"b\\c\n\u{0}\u{7f}</script>\u{2028}é😀";
    assert_eq!(parsed(&[hostile.into()]), json!([hostile]));
}

#[test]
fn integers_are_exact_up_to_the_safe_limit_and_refused_past_it() {
    let edge = [Value::Int(MAX_SAFE_INTEGER), Value::Int(-MAX_SAFE_INTEGER)];
    assert_eq!(parsed(&edge), json!([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER]));
    for past in [
        MAX_SAFE_INTEGER + 1,
        -MAX_SAFE_INTEGER - 1,
        i64::MAX,
        i64::MIN,
    ] {
        let e = bindings_json(&["x".into(), Value::Int(past)]).expect_err("refused");
        assert!(e.contains("binding 2"), "{e}");
    }
    // A saturated counter (`From<u64>` past i64::MAX) is refused the same way.
    assert!(bindings_json(&[Value::from(u64::MAX)]).is_err());
}

#[test]
fn no_rows_are_no_values_whatever_the_text() {
    assert_eq!(parse_texts::<Json>("", 0).unwrap(), Vec::<Json>::new());
}

#[test]
fn each_text_is_parsed_on_its_own_in_order() {
    let texts = [r#"{"id":"b","n":1}"#, "[1,2]", r#""a\u0000b""#, "null"];
    let joined = texts.join("\0");
    let parsed: Vec<Json> = parse_texts(&joined, texts.len()).unwrap();
    assert_eq!(
        parsed,
        [
            json!({"id": "b", "n": 1}),
            json!([1, 2]),
            json!("a\u{0}b"),
            json!(null)
        ]
    );
}

#[test]
fn an_unreadable_or_empty_text_is_an_error() {
    for joined in ["{\"a\":1}\0{broken", "{\"a\":1}\0", "1 2"] {
        assert!(parse_texts::<Json>(joined, 2).is_err(), "{joined:?}");
    }
}

#[test]
fn a_text_cannot_pass_for_several_rows_or_hide_one() {
    // A stored text shaped to break out of an array ("1],[2") is one unreadable row.
    assert!(parse_texts::<Json>("1],[2", 1).is_err());
    // A count that does not match the texts read is an error, not a short or long answer.
    assert!(parse_texts::<Json>("1\u{0}2", 1).is_err());
    assert!(parse_texts::<Json>("1", 2).is_err());
}
