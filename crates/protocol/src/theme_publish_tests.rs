use super::*;
use crate::theme_ledger::BODY_CONTENT_TYPE;
use crate::theme_ledger::tests::{NOW, default_body as body, ledger, version};

fn code(action: PublishAction) -> String {
    match action {
        PublishAction::Done(Err(StoreError::Conflict { code, .. }))
        | PublishAction::Done(Err(StoreError::Missing { code, .. })) => code,
        PublishAction::Done(Err(StoreError::CatalogUnavailable { why })) => why.cause,
        PublishAction::Done(Err(StoreError::Internal { .. })) => "internal".into(),
        other => panic!("not a refusal: {other:?}"),
    }
}

fn put_key(action: &PublishAction) -> &str {
    match action {
        PublishAction::Do(Effect::Put(put)) => {
            assert_eq!(put.bucket, Bucket::Themes);
            assert!(
                put.only_if_new && put.sha256.is_some(),
                "a conditional, checked put"
            );
            assert_eq!(put.content_type, BODY_CONTENT_TYPE);
            &put.key
        }
        other => panic!("not a put: {other:?}"),
    }
}

fn put(result: Result<bool, &str>) -> PublishInput {
    PublishInput::Io(match result {
        Ok(true) => IoResult::Ok,
        Ok(false) => IoResult::Taken,
        Err(e) => IoResult::Failed(crate::theme_ledger::r2_unavailable(e)),
    })
}

fn got(result: Result<Option<String>, String>) -> PublishInput {
    PublishInput::Io(match result {
        Ok(body) => IoResult::File(body.map(String::into_bytes)),
        Err(e) => IoResult::Failed(crate::theme_ledger::r2_unavailable(e)),
    })
}

#[test]
fn a_draft_is_put_then_committed_then_answered() {
    let history = [version(2), version(1)];
    let mut run = PublishRun::draft(ledger(&history, false), Some(body()), "owner", NOW);
    let action = run.step(PublishInput::Start);
    assert_eq!(put_key(&action), "acme/themes/3.json");
    let PublishAction::Commit(write) = run.step(put(Ok(true))) else {
        panic!("R2 took the body: commit")
    };
    assert_eq!(
        (write.record.version, write.body.as_str()),
        (3, body().as_str())
    );
    assert_eq!(
        run.step(PublishInput::Committed(Ok(()))),
        PublishAction::Done(Ok(Published { version: 3 }))
    );
}

#[test]
fn no_draft_or_a_publish_in_flight_is_refused_before_any_write() {
    let mut run = PublishRun::draft(ledger(&[], false), None, "owner", NOW);
    assert_eq!(code(run.step(PublishInput::Start)), "no_draft");
    let mut run = PublishRun::draft(ledger(&[], true), Some(body()), "owner", NOW);
    assert_eq!(code(run.step(PublishInput::Start)), "publish_in_progress");
    let mut run = PublishRun::rollback(ledger(&[version(1)], true), 1, "owner", NOW);
    assert_eq!(code(run.step(PublishInput::Start)), "publish_in_progress");
}

#[test]
fn a_publish_racing_another_loses_at_r2_and_commits_nothing() {
    let mut run = PublishRun::draft(ledger(&[version(1)], false), Some(body()), "owner", NOW);
    run.step(PublishInput::Start);
    assert_eq!(code(run.step(put(Ok(false)))), "version_taken");
}

#[test]
fn a_failed_r2_put_or_transaction_is_refused_and_the_old_theme_stays() {
    let mut run = PublishRun::draft(ledger(&[], false), Some(body()), "owner", NOW);
    run.step(PublishInput::Start);
    let failed = run.step(put(Err("network")));
    assert_eq!(code(failed), "r2_unavailable");
    let mut run = PublishRun::draft(ledger(&[], false), Some(body()), "owner", NOW);
    run.step(PublishInput::Start);
    assert!(matches!(run.step(put(Ok(true))), PublishAction::Commit(_)));
    assert_eq!(
        code(run.step(PublishInput::Committed(Err(StoreError::Internal {
            message: "disk full".into(),
        })))),
        "internal"
    );
}

#[test]
fn a_rollback_reads_the_old_body_then_publishes_it_as_a_new_version() {
    let history = [version(2), version(1)];
    let mut run = PublishRun::rollback(ledger(&history, false), 1, "owner", NOW);
    assert_eq!(
        run.step(PublishInput::Start),
        PublishAction::Do(Effect::Get {
            bucket: Bucket::Themes,
            key: "acme/themes/1.json".into()
        })
    );
    let action = run.step(got(Ok(Some(body()))));
    assert_eq!(put_key(&action), "acme/themes/3.json");
    let PublishAction::Commit(write) = run.step(put(Ok(true))) else {
        panic!("R2 took the body: commit")
    };
    assert_eq!(write.record.rolled_back_from, Some(1));
    assert_eq!(
        run.step(PublishInput::Committed(Ok(()))),
        PublishAction::Done(Ok(Published { version: 3 }))
    );
}

#[test]
fn a_rollback_to_an_unknown_missing_or_unreadable_version_is_refused() {
    let history = [version(1)];
    let mut run = PublishRun::rollback(ledger(&history, false), 7, "owner", NOW);
    assert_eq!(code(run.step(PublishInput::Start)), "version_not_found");
    for (result, expected) in [
        (Ok(None), "r2_unavailable"),
        (Err("timeout".to_owned()), "r2_unavailable"),
        (Ok(Some("{not a theme".to_owned())), "internal"),
    ] {
        let mut run = PublishRun::rollback(ledger(&history, false), 1, "owner", NOW);
        run.step(PublishInput::Start);
        assert_eq!(code(run.step(got(result))), expected);
    }
}

#[test]
fn steps_out_of_order_are_an_internal_refusal_not_a_panic() {
    let mut run = PublishRun::draft(ledger(&[], false), Some(body()), "owner", NOW);
    assert_eq!(code(run.step(put(Ok(true)))), "internal");
    assert_eq!(code(run.step(PublishInput::Committed(Ok(())))), "internal");
    assert_eq!(code(run.step(got(Ok(None)))), "internal");
}

#[test]
fn a_result_of_the_wrong_kind_is_an_internal_refusal() {
    // A put answered with a file, a get answered with a taken key: nothing is committed.
    let mut run = PublishRun::draft(ledger(&[], false), Some(body()), "owner", NOW);
    run.step(PublishInput::Start);
    let wrong = run.step(PublishInput::Io(IoResult::File(None)));
    assert_eq!(code(wrong), "internal");
    let mut run = PublishRun::rollback(ledger(&[version(1)], false), 1, "owner", NOW);
    run.step(PublishInput::Start);
    assert_eq!(
        code(run.step(PublishInput::Io(IoResult::Taken))),
        "internal"
    );
}

/// Runs `run` as the object's executor does: `io` answers each effect.
fn driven(
    mut run: PublishRun,
    mut io: impl FnMut(&Effect) -> IoResult<StoreError>,
) -> (Vec<Effect>, Result<Published, StoreError>) {
    let mut asked = Vec::new();
    for _ in 0..10 {
        match run.poll(NOW) {
            Action::Do(effect) => {
                let result = io(&effect);
                asked.push(effect);
                run.feed(result);
            }
            Action::Done(done) => return (asked, done),
        }
    }
    panic!("the publish never ended")
}

#[test]
fn as_a_driver_a_draft_is_put_then_committed_in_one_theme_write() {
    let history = [version(1)];
    let run = PublishRun::draft(ledger(&history, false), Some(body()), "owner", NOW);
    let (asked, done) = driven(run, |_| IoResult::Ok);
    assert_eq!(done, Ok(Published { version: 2 }));
    assert!(matches!(&asked[0], Effect::Put(put) if put.key == "acme/themes/2.json"));
    let [_, Effect::WriteTheme(plan)] = asked.as_slice() else {
        panic!("a put, then the commit: {asked:?}")
    };
    assert_eq!(plan.len(), 2, "the history row and the pointer");
}

#[test]
fn as_a_driver_a_failed_commit_or_put_is_the_answer_and_nothing_follows() {
    let history = [version(1)];
    let disk_full = StoreError::Internal {
        message: "disk full".into(),
    };
    let run = PublishRun::draft(ledger(&history, false), Some(body()), "owner", NOW);
    let (asked, done) = driven(run, |e| match e {
        Effect::WriteTheme(_) => IoResult::Failed(disk_full.clone()),
        _ => IoResult::Ok,
    });
    assert_eq!((asked.len(), done), (2, Err(disk_full)));
    let run = PublishRun::draft(ledger(&history, false), Some(body()), "owner", NOW);
    let (asked, done) = driven(run, |_| IoResult::Taken);
    assert_eq!(asked.len(), 1, "no commit after a taken key");
    assert!(matches!(done, Err(StoreError::Conflict { .. })), "{done:?}");
}

#[test]
fn as_a_driver_a_rollback_reads_its_source_first_and_a_busy_store_refuses() {
    let history = [version(2), version(1)];
    let run = PublishRun::rollback(ledger(&history, false), 1, "owner", NOW);
    let (asked, done) = driven(run, |e| match e {
        Effect::Get { .. } => IoResult::File(Some(body().into_bytes())),
        _ => IoResult::Ok,
    });
    assert_eq!(done, Ok(Published { version: 3 }));
    assert!(matches!(
        &asked[0],
        Effect::Get {
            bucket: Bucket::Themes,
            ..
        }
    ));
    assert_eq!(asked.len(), 3, "get, put, commit");
    let busy = PublishRun::elsewhere();
    assert!(
        matches!(busy, Err(StoreError::Conflict { code, .. }) if code == "publish_in_progress")
    );
}

#[test]
fn as_a_driver_a_poll_without_a_result_fed_back_is_a_bug_not_a_second_start() {
    let history = [version(1)];
    let mut run = PublishRun::draft(ledger(&history, false), Some(body()), "owner", NOW);
    assert!(matches!(run.poll(NOW), Action::Do(Effect::Put(_))));
    let Action::Done(Err(StoreError::Internal { .. })) = run.poll(NOW) else {
        panic!("polled twice without feeding")
    };
}
