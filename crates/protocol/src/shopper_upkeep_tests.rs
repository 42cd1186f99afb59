use super::*;
use wandstore_ai::tally::{FLUSH_DELAY_MS, RETRY_DELAY_MS};

const R: Retention = Retention {
    idle_ms: 10_000,
    with_cart_ms: 30_000,
};

fn store() -> StoreSlug {
    StoreSlug::parse("demo").unwrap()
}

/// Counts waiting for `store`: `n` baseline impressions, due at `send_at`, last source
/// baseline.
fn waiting(n: u64, send_at: Option<u64>) -> Pending {
    let mut counts = PendingCounts::default();
    for _ in 0..n {
        counts
            .counts
            .record(Source::Baseline, Interaction::Impression);
    }
    counts.send_at_ms = send_at;
    counts.last_source = Some(Source::Baseline);
    Pending {
        store: Some(store()),
        counts,
    }
}

fn impressions(c: &PersonalizationCounters) -> u64 {
    c.baseline.impressions + c.ai.impressions
}

fn written(a: Action) -> Pending {
    match a {
        Action::Write(w) => {
            assert_eq!(w.sql, wandstore_storage::shopper::UPSERT_AI_STATE);
            match w.args.as_slice() {
                [key, wandstore_storage::Value::Text(json)] if *key == PENDING_KEY.into() => {
                    serde_json::from_str(json).unwrap()
                }
                args => panic!("not the counts waiting: {args:?}"),
            }
        }
        other => panic!("expected a write of the counts, got {other:?}"),
    }
}

fn sent(a: Action) -> PersonalizationCounters {
    match a {
        Action::Send { store: s, question } => {
            assert_eq!(s, store());
            assert_eq!(question.breakers, None, "counts only");
            question.counts
        }
        other => panic!("expected a send, got {other:?}"),
    }
}

fn log_msg(a: Action) -> serde_json::Value {
    match a {
        Action::Log(line) => serde_json::from_str(&line).unwrap(),
        other => panic!("expected a log line, got {other:?}"),
    }
}

#[test]
fn a_first_count_waits_and_moves_the_alarm_to_the_batch_time() {
    let mut u = Upkeep::count(store(), Source::Baseline, Interaction::Impression, 1_000);
    assert_eq!(u.resume(Input::Start), Action::ReadPending);
    let p = written(u.resume(Input::Pending(Pending::default())));
    assert_eq!(p.store, Some(store()), "the alarm learns the store");
    assert_eq!(p.counts.send_at_ms, Some(1_000 + FLUSH_DELAY_MS));
    assert_eq!(impressions(&p.counts.counts), 1);
    assert_eq!(u.resume(Input::Done), Action::ReadAlarm);
    assert_eq!(
        u.resume(Input::Alarm(Some(u64::MAX))),
        Action::SetAlarm(1_000 + FLUSH_DELAY_MS)
    );
    assert_eq!(u.resume(Input::Done), Action::Done);
}

#[test]
fn an_earlier_alarm_is_left_alone() {
    let mut u = Upkeep::count(store(), Source::Holdout, Interaction::Click, 1_000);
    u.resume(Input::Start);
    written(u.resume(Input::Pending(Pending::default())));
    assert_eq!(u.resume(Input::Done), Action::ReadAlarm);
    assert_eq!(u.resume(Input::Alarm(Some(1_001))), Action::Done);
}

#[test]
fn a_count_joining_a_waiting_batch_only_writes() {
    let mut u = Upkeep::count(store(), Source::Baseline, Interaction::Impression, 2_000);
    u.resume(Input::Start);
    let p = written(u.resume(Input::Pending(waiting(2, Some(4_000)))));
    assert_eq!(impressions(&p.counts.counts), 3);
    assert_eq!(p.counts.send_at_ms, Some(4_000), "the batch keeps its time");
    assert_eq!(u.resume(Input::Done), Action::Done);
}

#[test]
fn a_new_source_sends_everything_waiting_at_once() {
    let mut u = Upkeep::count(store(), Source::Ai, Interaction::Impression, 2_000);
    u.resume(Input::Start);
    let p = written(u.resume(Input::Pending(waiting(2, Some(4_000)))));
    assert_eq!(p.counts.send_at_ms, None, "nothing waits once sent");
    assert_eq!(impressions(&p.counts.counts), 0);
    let counts = sent(u.resume(Input::Done));
    assert_eq!((counts.baseline.impressions, counts.ai.impressions), (2, 1));
    let ok = Input::Sent {
        error: None,
        now_ms: 2_100,
    };
    assert_eq!(u.resume(ok), Action::Done);
}

#[test]
fn a_failed_send_keeps_the_counts_and_retries_by_the_alarm() {
    let mut u = Upkeep::count(store(), Source::Ai, Interaction::Impression, 2_000);
    u.resume(Input::Start);
    written(u.resume(Input::Pending(waiting(2, Some(4_000)))));
    sent(u.resume(Input::Done));
    let down = Input::Sent {
        error: Some("StoreConfig is down".into()),
        now_ms: 2_500,
    };
    match u.resume(down) {
        Action::LogError(m) => assert!(m.contains("StoreConfig is down"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(u.resume(Input::Done), Action::ReadPending);
    // Counted while the send was out, with nothing waiting.
    let p = written(u.resume(Input::Pending(waiting(1, None))));
    assert_eq!(
        impressions(&p.counts.counts),
        4,
        "sent three plus one since"
    );
    assert_eq!(p.counts.send_at_ms, Some(2_500 + RETRY_DELAY_MS));
    assert_eq!(u.resume(Input::Done), Action::ReadAlarm);
    assert_eq!(
        u.resume(Input::Alarm(None)),
        Action::SetAlarm(2_500 + RETRY_DELAY_MS)
    );
    assert_eq!(u.resume(Input::Done), Action::Done);
}

#[test]
fn an_alarm_in_an_empty_object_deletes_it() {
    let mut u = Upkeep::alarm(R, 50_000);
    assert_eq!(u.resume(Input::Start), Action::ReadPending);
    assert_eq!(
        u.resume(Input::Pending(Pending::default())),
        Action::ReadRetentionFacts
    );
    let facts = Input::Retention {
        last_activity_ms: None,
        has_cart: false,
    };
    assert_eq!(u.resume(facts), Action::DeleteAll);
    assert!(u.deleted());
    let v = log_msg(u.resume(Input::Done));
    assert_eq!(
        (v["msg"].as_str(), v["had_cart"].as_bool()),
        (Some("shopper.expired"), Some(false))
    );
    assert_eq!(u.resume(Input::Done), Action::Done);
}

#[test]
fn an_alarm_deletes_a_cart_only_after_the_longer_retention() {
    let facts = |has_cart| Input::Retention {
        last_activity_ms: Some(0),
        has_cart,
    };
    let mut u = Upkeep::alarm(R, 20_000);
    u.resume(Input::Start);
    u.resume(Input::Pending(Pending::default()));
    assert_eq!(log_msg(u.resume(facts(true)))["wake_at_ms"], 30_000);
    assert_eq!(u.resume(Input::Done), Action::SetAlarm(30_000));
    assert!(!u.deleted());
    let mut u = Upkeep::alarm(R, 30_000);
    u.resume(Input::Start);
    u.resume(Input::Pending(Pending::default()));
    assert_eq!(u.resume(facts(true)), Action::DeleteAll, "everything goes");
}

#[test]
fn an_alarm_with_nothing_to_prune_sets_itself_again() {
    let mut u = Upkeep::alarm(R, 12_000);
    u.resume(Input::Start);
    assert_eq!(
        u.resume(Input::Pending(waiting(1, Some(15_000)))),
        Action::ReadRetentionFacts,
        "counts not due yet are not sent"
    );
    let facts = Input::Retention {
        last_activity_ms: Some(5_000),
        has_cart: false,
    };
    let v = log_msg(u.resume(facts));
    assert_eq!(
        (v["msg"].as_str(), v["wake_at_ms"].as_u64()),
        (Some("shopper.retained"), Some(15_000))
    );
    assert_eq!(u.resume(Input::Done), Action::SetAlarm(15_000));
    assert_eq!(u.resume(Input::Done), Action::Done);
}

#[test]
fn an_alarm_sends_due_counts_then_reads_them_again_for_its_time() {
    let mut u = Upkeep::alarm(R, 12_000);
    u.resume(Input::Start);
    let p = written(u.resume(Input::Pending(waiting(2, Some(11_000)))));
    assert_eq!(p.counts.send_at_ms, None);
    assert_eq!(sent(u.resume(Input::Done)).baseline.impressions, 2);
    let ok = Input::Sent {
        error: None,
        now_ms: 12_050,
    };
    assert_eq!(u.resume(ok), Action::ReadPending);
    // One counted during the send, due soon: the alarm fires for it first.
    u.resume(Input::Pending(waiting(1, Some(13_000))));
    let facts = Input::Retention {
        last_activity_ms: Some(11_000),
        has_cart: false,
    };
    log_msg(u.resume(facts));
    assert_eq!(u.resume(Input::Done), Action::SetAlarm(13_000));
}

#[test]
fn an_alarm_whose_send_fails_keeps_the_counts_for_the_retry() {
    let long = Retention {
        idle_ms: 100_000,
        with_cart_ms: 300_000,
    };
    let mut u = Upkeep::alarm(long, 12_000);
    u.resume(Input::Start);
    written(u.resume(Input::Pending(waiting(2, Some(11_000)))));
    sent(u.resume(Input::Done));
    let down = Input::Sent {
        error: Some("timeout".into()),
        now_ms: 12_100,
    };
    assert!(matches!(u.resume(down), Action::LogError(_)));
    assert_eq!(u.resume(Input::Done), Action::ReadPending);
    let p = written(u.resume(Input::Pending(Pending {
        counts: PendingCounts::default(),
        ..waiting(0, None)
    })));
    assert_eq!(impressions(&p.counts.counts), 2);
    assert_eq!(u.resume(Input::Done), Action::ReadRetentionFacts);
    let facts = Input::Retention {
        last_activity_ms: Some(12_000),
        has_cart: true,
    };
    log_msg(u.resume(facts));
    assert_eq!(
        u.resume(Input::Done),
        Action::SetAlarm(12_100 + RETRY_DELAY_MS),
        "the retry comes before the retention"
    );
}

#[test]
fn due_counts_without_a_store_are_dropped_not_sent() {
    let mut u = Upkeep::alarm(R, 12_000);
    u.resume(Input::Start);
    let p = written(u.resume(Input::Pending(Pending {
        store: None,
        ..waiting(3, Some(1))
    })));
    assert_eq!(p.counts.send_at_ms, None);
    assert_eq!(u.resume(Input::Done), Action::ReadRetentionFacts);
}

#[test]
fn activity_is_written_once_per_interval_with_the_alarm_at_its_expiry() {
    let every = R.record_every_ms();
    let mut u = Upkeep::activity(R, Some(Some(1_000)), 1_000 + every - 1);
    assert_eq!(u.resume(Input::Start), Action::Done, "written recently");
    assert_eq!(u.known_activity(), Some(Some(1_000)));
    let now = 1_000 + every;
    let mut u = Upkeep::activity(R, Some(Some(1_000)), now);
    assert_eq!(u.resume(Input::Start), Action::Write(activity_write(now)));
    assert_eq!(u.resume(Input::Done), Action::ReadPending);
    assert_eq!(
        u.resume(Input::Pending(Pending::default())),
        Action::SetAlarm(now + R.idle_ms)
    );
    assert_eq!(u.known_activity(), Some(Some(now)));
    assert_eq!(u.resume(Input::Done), Action::Done);
    let mut u = Upkeep::activity(R, Some(None), 5);
    u.resume(Input::Start);
    u.resume(Input::Done);
    assert_eq!(
        u.resume(Input::Pending(waiting(1, Some(9)))),
        Action::SetAlarm(9),
        "waiting counts fire first"
    );
}

#[test]
fn an_unknown_activity_is_read_once_then_decides() {
    let every = R.record_every_ms();
    let mut u = Upkeep::activity(R, None, 1_000 + every - 1);
    assert_eq!(u.known_activity(), None);
    assert_eq!(u.resume(Input::Start), Action::ReadActivity);
    assert_eq!(u.resume(Input::Activity(Some(1_000))), Action::Done);
    assert_eq!(
        u.known_activity(),
        Some(Some(1_000)),
        "remembered, not written"
    );
    let mut u = Upkeep::activity(R, None, 7);
    assert_eq!(u.resume(Input::Start), Action::ReadActivity);
    assert_eq!(
        u.resume(Input::Activity(None)),
        Action::Write(activity_write(7))
    );
    assert_eq!(u.resume(Input::Done), Action::ReadPending);
    assert!(matches!(
        u.resume(Input::Pending(Pending::default())),
        Action::SetAlarm(_)
    ));
    assert_eq!(u.known_activity(), Some(Some(7)));
}

#[test]
fn an_activity_read_that_fails_or_is_answered_wrongly_writes_nothing() {
    let mut u = Upkeep::activity(R, None, 7);
    assert_eq!(u.resume(Input::Start), Action::ReadActivity);
    assert_eq!(u.resume(Input::Pending(Pending::default())), Action::Done);
    assert_eq!(u.known_activity(), None, "still unknown: read next time");
}

#[test]
fn an_input_that_was_not_asked_for_ends_the_run() {
    let mut u = Upkeep::alarm(R, 1);
    u.resume(Input::Start);
    assert_eq!(u.resume(Input::Alarm(None)), Action::Done);
    assert_eq!(u.resume(Input::Start), Action::Done);
    assert!(!u.deleted());
}

#[test]
fn pending_counts_keep_their_stored_json() {
    let p = waiting(1, Some(7));
    let json = serde_json::to_string(&p).unwrap();
    assert!(json.starts_with(r#"{"store":"demo","counts":"#), "{json}");
    assert!(json.contains(r#""send_at_ms":7"#), "{json}");
    assert_eq!(serde_json::from_str::<Pending>(&json).unwrap(), p);
    let old: Pending = serde_json::from_str(r#"{"counts":{"calls":0,"answered":0,"cache_hits":0,"prompt_tokens":0,"completion_tokens":0},"send_at_ms":null}"#)
        .unwrap_or_default();
    assert_eq!(old.store, None);
}

#[test]
fn the_alarms_facts_come_from_one_row_and_a_missing_row_deletes_nothing() {
    let row = |last_activity_ms, has_cart| RetentionRow {
        last_activity_ms,
        has_cart,
    };
    let retention = |last_activity_ms, has_cart| Input::Retention {
        last_activity_ms,
        has_cart,
    };
    assert_eq!(
        Input::retention(Some(row(Some(5), 1))),
        retention(Some(5), true)
    );
    assert_eq!(Input::retention(Some(row(None, 0))), retention(None, false));
    let mut upkeep = Upkeep::alarm(R, 100_000);
    assert_eq!(upkeep.resume(Input::Start), Action::ReadPending);
    let pending = Input::Pending(Pending::default());
    assert_eq!(upkeep.resume(pending), Action::ReadRetentionFacts);
    assert_eq!(upkeep.resume(Input::retention(None)), Action::Done);
    assert!(!upkeep.deleted());
}

#[test]
fn the_alarm_and_the_activity_are_answered_as_the_storage_reads_them() {
    assert_eq!(Input::alarm(None), Input::Alarm(None));
    assert_eq!(Input::alarm(Some(5_000)), Input::Alarm(Some(5_000)));
    assert_eq!(Input::alarm(Some(-3)), Input::Alarm(Some(0)), "before 1970");
    assert_eq!(Input::activity(None), Input::Activity(None), "never");
    let row = ValueRow { value: 42 };
    assert_eq!(Input::activity(Some(row)), Input::Activity(Some(42)));
}

#[test]
fn a_send_is_answered_with_why_it_failed_if_it_did() {
    let ok = Input::sent(Ok::<(), String>(()), 9);
    assert_eq!(
        ok,
        Input::Sent {
            error: None,
            now_ms: 9
        }
    );
    let down = Input::sent(Err::<(), _>("StoreConfig is down"), 10);
    let error = Some("StoreConfig is down".to_owned());
    assert_eq!(down, Input::Sent { error, now_ms: 10 });
}
