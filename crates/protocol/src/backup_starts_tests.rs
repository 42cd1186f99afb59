// The stores' answers carry the edge's one error as it renders (under clippy's size limit on
// wasm32, not on a 64-bit host).
#![allow(clippy::result_large_err)]

use super::*;
use crate::store::StoreError;
use crate::wire::AskError;

const NOW: u64 = 1_700_000_000_000;

fn slug(s: &str) -> StoreSlug {
    StoreSlug::parse(s).unwrap()
}

fn started(store: &StoreSlug, used_bytes: u64) -> BackupStarted {
    BackupStarted {
        store: store.clone(),
        backup: None,
        done: false,
        skipped: None,
        used_bytes,
    }
}

fn answer_all(
    batch: &[(StoreSlug, StartBackup)],
    used_bytes: u64,
) -> Vec<Result<BackupStarted, EdgeError>> {
    batch
        .iter()
        .map(|(store, _)| Ok(started(store, used_bytes)))
        .collect()
}

#[test]
fn every_store_is_asked_ten_at_a_time_then_the_sizes_are_recorded() {
    let mut run = BackupStarts::new(None, BackupReason::Scheduled, "rid-1");
    assert_eq!(run.poll(NOW), StartsIo::ListStores);
    let stores: Vec<StoreSlug> = (0..23).map(|i| slug(&format!("shop{i}"))).collect();
    run.on_stores(Ok(stores.clone()));
    let mut asked = Vec::new();
    let sizes = loop {
        match run.poll(NOW) {
            StartsIo::Start(batch) => {
                assert!(batch.len() <= STORES_AT_ONCE);
                let scheduled = |q: &StartBackup| q.reason == BackupReason::Scheduled;
                assert!(batch.iter().all(|(_, q)| scheduled(q) && q.now_ms == NOW));
                run.on_started(answer_all(&batch, 100));
                asked.extend(batch.into_iter().map(|(s, _)| s));
            }
            StartsIo::RecordSizes(sizes) => break sizes,
            other => panic!("sizes not recorded: {other:?}"),
        }
    };
    assert_eq!(asked, stores);
    assert_eq!(sizes.sizes.len(), 23);
    run.on_recorded(Ok::<(), String>(()));
    let StartsIo::Done(answers) = run.poll(NOW) else {
        panic!("not done")
    };
    assert_eq!(answers.len(), 23);
    assert_eq!(answers[22].0, slug("shop22"));
}

#[test]
fn one_named_store_is_asked_without_listing() {
    let mut run = BackupStarts::new(Some(slug("acme")), BackupReason::Manual, "rid-1");
    let StartsIo::Start(batch) = run.poll(NOW) else {
        panic!("not asked")
    };
    assert_eq!(batch.len(), 1);
    let e = EdgeError::new(404, "store_not_found", "no such store");
    run.on_started(vec![Err(e.clone())]);
    // No size to record: done at once, with the refusal as the store's answer.
    let StartsIo::Done(answers) = run.poll(NOW) else {
        panic!("not done")
    };
    assert_eq!(answers, vec![(slug("acme"), Err(e))]);
}

#[test]
fn an_empty_registry_asks_nobody() {
    let mut run = BackupStarts::new(None, BackupReason::Scheduled, "rid-1");
    run.poll(NOW);
    run.on_stores(Ok(Vec::new()));
    assert_eq!(run.poll(NOW), StartsIo::Done(Vec::new()));
}

#[test]
fn stores_that_report_no_size_record_nothing() {
    let mut run = BackupStarts::new(Some(slug("acme")), BackupReason::Manual, "rid-1");
    let StartsIo::Start(batch) = run.poll(NOW) else {
        panic!()
    };
    run.on_started(answer_all(&batch, 0));
    assert!(matches!(run.poll(NOW), StartsIo::Done(a) if a.len() == 1));
}

#[test]
fn a_registry_that_cannot_list_fails_the_run() {
    let mut run = BackupStarts::new(None, BackupReason::Scheduled, "rid-1");
    run.poll(NOW);
    run.on_stores(Err(EdgeError::internal("registry down")));
    assert!(matches!(run.poll(NOW), StartsIo::Failed(e) if e.status == 500));
}

#[test]
fn sizes_the_registry_did_not_take_are_logged_once_and_the_backups_stand() {
    let mut run = BackupStarts::new(Some(slug("acme")), BackupReason::Manual, "rid-7");
    let StartsIo::Start(batch) = run.poll(NOW) else {
        panic!("not started")
    };
    run.on_started(answer_all(&batch, 100));
    assert!(matches!(run.poll(NOW), StartsIo::RecordSizes(_)));
    run.on_recorded(Err("registry down"));
    let StartsIo::Log(line) = run.poll(NOW) else {
        panic!("the failure was not logged")
    };
    let logged: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(logged["error"], r#"recording store sizes: "registry down""#);
    assert!(line.contains("rid-7"), "{line}");
    let StartsIo::Done(answers) = run.poll(NOW) else {
        panic!("not done after the log line")
    };
    assert_eq!(answers.len(), 1);
    assert!(answers[0].1.is_ok());
}

#[test]
fn a_store_that_could_not_be_asked_answers_its_edge_error() {
    let mut run = BackupStarts::new(Some(slug("acme")), BackupReason::Manual, "rid-1");
    assert!(matches!(run.poll(NOW), StartsIo::Start(_)));
    let broken: AskError<StoreError> = AskError::Broken("the object is gone".into());
    run.on_started(vec![Err::<BackupStarted, _>(broken.clone())]);
    let StartsIo::Done(answers) = run.poll(NOW) else {
        panic!("not done")
    };
    assert_eq!(answers, vec![(slug("acme"), Err(EdgeError::from(broken)))]);
}
