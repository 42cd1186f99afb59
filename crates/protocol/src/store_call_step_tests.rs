use super::*;
use crate::owner::AssetInfo;
use crate::theme::ThemeVersion;
use serde_json::json;

fn asked(call: StoreCall) -> Asked {
    match call.step() {
        Ok(StoreStep::Ask(asked)) => asked,
        Ok(_) => panic!("not a single question"),
        Err(e) => panic!("{e}"),
    }
}

fn reply_body<T: Serialize>(reply: Result<T, StoreError>) -> Vec<u8> {
    serde_json::to_vec(&reply).unwrap()
}

#[test]
fn a_plain_question_is_its_envelope_and_its_answer_as_it_is() {
    let asked = asked(StoreCall::Versions);
    let envelope: StoreQuestion = wire::decode_question(asked.question.as_bytes()).unwrap();
    assert!(matches!(envelope, StoreQuestion::Versions(_)));
    assert_eq!(asked.status, 200);
    let version = ThemeVersion {
        version: 3,
        author: "owner".into(),
        created_at_ms: 5,
        size: 10,
        sha256: "ab".into(),
        rolled_back_from: None,
    };
    let shown = (asked.reply)(&reply_body(Ok(vec![version])))
        .unwrap()
        .unwrap();
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["versions"][0]["version"], json!(3));
}

#[test]
fn a_wrapped_answer_is_html_safe() {
    let asked = asked(StoreCall::Assets);
    let asset = AssetInfo {
        name: "<script>&".into(),
        file: "f.png".into(),
        content_type: "image/png".into(),
        size: 1,
        sha256: "ab".into(),
        created_at_ms: 1,
    };
    let shown = (asked.reply)(&reply_body(Ok(vec![asset])))
        .unwrap()
        .unwrap();
    assert!(!shown.contains('<') && !shown.contains('&'), "{shown}");
    let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(back["assets"][0]["name"], json!("<script>&"));
}

#[test]
fn a_refusal_is_the_objects_refusal() {
    let asked = asked(StoreCall::Show);
    let refused = (asked.reply)(&reply_body::<()>(Err(StoreError::NotFound))).unwrap();
    assert_eq!(refused, Err(StoreError::NotFound));
}

#[test]
fn a_reply_that_is_not_the_answer_is_malformed() {
    let asked = asked(StoreCall::Versions);
    assert!((asked.reply)(b"not json").is_err());
    // Another question's answer (a store where versions were asked) is not read as one.
    assert!((asked.reply)(br#"{"Ok":{"slug":"x"}}"#).is_err());
    assert!((asked.reply)(b"").is_err());
}

#[test]
fn every_single_question_answers_200() {
    let calls = [
        StoreCall::Show,
        StoreCall::Sync,
        StoreCall::CatalogStatus,
        StoreCall::Metrics,
        StoreCall::Theme,
        StoreCall::Versions,
        StoreCall::Assets,
        StoreCall::PersonalizationSettings,
    ];
    for call in calls {
        assert_eq!(asked(call).status, 200);
    }
}

#[test]
fn the_calls_that_need_more_than_one_question_are_the_workers() {
    let step = |call: StoreCall| call.step().unwrap();
    assert!(matches!(step(StoreCall::Delete), StoreStep::Delete));
    assert!(matches!(step(StoreCall::Preview), StoreStep::Preview));
    assert!(matches!(
        step(StoreCall::RotateOwnerToken),
        StoreStep::RotateOwnerToken
    ));
}
