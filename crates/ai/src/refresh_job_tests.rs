use super::*;
use crate::test_support::{garbage, gateway_config, good, refresh_plan, status};
use wandstore_core::breaker::BreakerState;
use wandstore_core::http::{HttpResponse, TransportError};

fn job() -> RefreshJob {
    RefreshJob::new(gateway_config(), refresh_plan())
}

fn openai_answer() -> Result<HttpResponse, TransportError> {
    good(Provider::OpenAi)
}

/// What a run did, in order, as short names (`send`, `wait`, `log:<msg>`, `store`,
/// `record`, `finished`), with what it stored, recorded and how it ended.
#[derive(Default)]
struct Trace {
    steps: Vec<String>,
    stored: Option<StoredSuggestion>,
    recorded: Option<(PersonalizationCounters, Option<Breakers>)>,
    finished: Option<Result<(), String>>,
}

/// Runs `job` with `breakers` granted (`None`: the budget is spent), answering each request
/// with `answer` and failing the step named `fail` (`budget`, `store`, `record`).
fn drive(
    mut job: RefreshJob,
    breakers: Option<Breakers>,
    mut answer: impl FnMut() -> Result<HttpResponse, TransportError>,
    fail: &str,
) -> Trace {
    let mut t = Trace::default();
    let mut now = 1_000;
    let mut input = JobInput::Start;
    for _ in 0..50 {
        let failed = |step: &str| (fail == step).then(|| JobInput::Failed(format!("{step} down")));
        input = match job.resume(input) {
            JobAction::SpendBudget => {
                t.steps.push("budget".into());
                failed("budget").unwrap_or(JobInput::Budget {
                    granted: breakers.is_some(),
                    breakers: breakers.clone().unwrap_or_default(),
                })
            }
            JobAction::Call => {
                let mut outcome = Outcome::Start;
                loop {
                    let (action, line) = job.call(outcome, now, 0.5);
                    if let Some(line) = line {
                        t.steps.push(log_step(&line));
                    }
                    outcome = match action {
                        Action::Send {
                            request,
                            timeout_ms,
                        } => {
                            assert!(request.url.starts_with("http://gw"), "{}", request.url);
                            assert_eq!(timeout_ms, u64::from(request.timeout_ms));
                            t.steps.push("send".into());
                            now += 40;
                            Outcome::Answered {
                                result: answer(),
                                ms: 40,
                            }
                        }
                        Action::Wait { ms } => {
                            assert!(ms > 0);
                            t.steps.push("wait".into());
                            now += ms;
                            Outcome::Waited
                        }
                        Action::Done(()) => break,
                    };
                }
                JobInput::Done
            }
            JobAction::Log(line) => {
                t.steps.push(log_step(&line));
                JobInput::Done
            }
            JobAction::StoreSuggestion(s) => {
                t.steps.push("store".into());
                t.stored = Some(s);
                failed("store").unwrap_or(JobInput::Done)
            }
            JobAction::Record { counts, breakers } => {
                t.steps.push("record".into());
                t.recorded = Some((counts, breakers));
                failed("record").unwrap_or(JobInput::Done)
            }
            JobAction::Finished(result) => {
                t.steps.push("finished".into());
                t.finished = Some(result);
                return t;
            }
        };
    }
    panic!("the job never finished: {:?}", t.steps);
}

/// `log:<msg>` for an event line of this store and request.
fn log_step(line: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(v["store"], "demo");
    assert_eq!(v["request_id"], "r1");
    format!("log:{}", v["msg"].as_str().unwrap())
}

#[test]
fn a_model_answer_is_stored_then_recorded() {
    let t = drive(job(), Some(Breakers::default()), openai_answer, "");
    assert_eq!(
        t.steps,
        [
            "budget",
            "send",
            "log:ai.call",
            "store",
            "record",
            "finished"
        ]
    );
    let stored = t.stored.unwrap();
    assert_eq!(stored.handles, ["hat-red", "mug-blue"]);
    assert_eq!(stored.candidate_hash, job_hash());
    assert_eq!(stored.created_ms, 1_040, "stored at the time of the answer");
    let (counts, breakers) = t.recorded.unwrap();
    assert_eq!((counts.calls, counts.answered), (1, 1));
    assert!(
        breakers.is_none(),
        "a closed breaker that stays closed is not sent"
    );
    assert_eq!(t.finished, Some(Ok(())));
}

fn job_hash() -> String {
    refresh_plan().set.hash()
}

#[test]
fn a_spent_budget_calls_nothing() {
    let t = drive(job(), None, || panic!("no call"), "");
    assert_eq!(t.steps, ["budget", "finished"]);
    assert_eq!(t.finished, Some(Ok(())));
}

#[test]
fn an_unreachable_budget_ends_the_job_with_the_reason() {
    let t = drive(
        job(),
        Some(Breakers::default()),
        || panic!("no call"),
        "budget",
    );
    assert_eq!(t.steps, ["budget", "finished"]);
    assert_eq!(t.finished, Some(Err("budget: budget down".into())));
}

#[test]
fn a_model_down_slow_or_answering_garbage_leaves_the_baseline_and_records_why() {
    let cases: [fn() -> Result<HttpResponse, TransportError>; 3] =
        [|| status(503), || Err(TransportError::Timeout), garbage];
    for answer in cases {
        let t = drive(job(), Some(Breakers::default()), answer, "");
        assert!(t.stored.is_none(), "nothing stored: {:?}", t.steps);
        let sends = t.steps.iter().filter(|s| *s == "send").count();
        let logs = t.steps.iter().filter(|s| *s == "log:ai.call").count();
        assert!(sends >= 2, "both providers tried: {:?}", t.steps);
        assert_eq!(logs, sends, "every attempt is logged");
        let (counts, breakers) = t.recorded.unwrap();
        assert_eq!(counts.calls, sends as u64);
        assert_eq!(counts.answered, 0);
        assert!(breakers.is_some(), "failures moved the breakers");
        assert_eq!(t.finished, Some(Ok(())));
    }
}

#[test]
fn open_breakers_skip_every_provider_without_a_call() {
    let open = BreakerState::Open { until_ms: u64::MAX };
    let breakers = Breakers::from_states(open, open);
    let t = drive(job(), Some(breakers), || panic!("no call"), "");
    assert_eq!(t.steps, ["budget", "record", "finished"]);
    let (counts, moved) = t.recorded.unwrap();
    assert_eq!(counts.calls, 0);
    assert!(
        counts.failures.contains_key("breaker_open"),
        "{:?}",
        counts.failures
    );
    assert!(moved.is_none());
}

#[test]
fn a_failed_store_or_record_ends_the_job_with_the_reason() {
    let t = drive(job(), Some(Breakers::default()), openai_answer, "store");
    assert_eq!(t.steps.last().map(String::as_str), Some("finished"));
    assert!(t.recorded.is_none(), "not recorded after a failed store");
    assert_eq!(t.finished, Some(Err("storing: store down".into())));
    let t = drive(job(), Some(Breakers::default()), openai_answer, "record");
    assert_eq!(t.finished, Some(Err("recording: record down".into())));
}

#[test]
fn an_answer_that_was_not_asked_for_ends_the_job() {
    let mut j = job();
    assert!(matches!(j.resume(JobInput::Start), JobAction::SpendBudget));
    assert!(matches!(
        j.resume(JobInput::Done),
        JobAction::Finished(Err(_))
    ));
}

#[test]
fn a_call_step_outside_the_calls_does_nothing() {
    let mut j = job();
    let (action, line) = j.call(Outcome::Start, 0, 0.0);
    assert_eq!(action, Action::Done(()));
    assert!(line.is_none());
    assert!(matches!(j.resume(JobInput::Start), JobAction::SpendBudget));
}

/// A job granted its budget, at its calls.
fn calling() -> RefreshJob {
    let mut j = job();
    j.resume(JobInput::Start);
    let granted = JobInput::Budget {
        granted: true,
        breakers: Breakers::default(),
    };
    assert!(matches!(j.resume(granted), JobAction::Call));
    j
}

#[test]
fn a_response_before_any_request_ends_the_job() {
    let mut j = calling();
    let stray = Outcome::Answered {
        result: status(200),
        ms: 5,
    };
    let (action, line) = j.call(stray, 0, 0.0);
    assert_eq!(action, Action::Done(()));
    assert!(line.is_none(), "nothing to log for a request never sent");
    let end = j.resume(JobInput::Done);
    assert!(
        matches!(&end, JobAction::Finished(Err(why)) if why.contains("nobody asked")),
        "{end:?}"
    );
}

#[test]
fn calls_left_unfinished_end_the_job() {
    let mut j = calling();
    let (action, _) = j.call(Outcome::Start, 0, 0.0);
    assert!(matches!(action, Action::Send { .. }));
    assert!(matches!(
        j.resume(JobInput::Done),
        JobAction::Finished(Err(_))
    ));
}

#[test]
fn a_retry_waits_then_sends_again() {
    let mut answers = vec![status(503), openai_answer()].into_iter();
    let t = drive(
        job(),
        Some(Breakers::default()),
        move || answers.next().unwrap(),
        "",
    );
    let head: Vec<&str> = t.steps.iter().take(5).map(String::as_str).collect();
    assert_eq!(head, ["budget", "send", "log:ai.call", "wait", "send"]);
    assert!(t.stored.is_some(), "{:?}", t.steps);
}

#[test]
fn a_steps_result_answers_done_or_failed_with_why() {
    assert!(matches!(
        JobInput::from(Ok::<(), String>(())),
        JobInput::Done
    ));
    match JobInput::from(Err::<(), _>("disk full")) {
        JobInput::Failed(why) => assert_eq!(why, "disk full"),
        other => panic!("not a failure: {other:?}"),
    }
}

#[test]
fn a_refresh_logs_a_line_only_when_it_failed_or_ran_out_of_time() {
    assert_eq!(failure_line(Some(Ok(())), "outlet", 9000, 5, "r"), None);
    let line = |outcome| {
        let line = failure_line(outcome, "outlet", 9000, 5, "rid-2").unwrap();
        serde_json::from_str::<serde_json::Value>(&line).unwrap()
    };
    let failed = line(Some(Err("budget: store down".into())));
    assert_eq!(failed["msg"], "ai.refresh_failed");
    assert_eq!(failed["error"], "budget: store down");
    assert_eq!(
        (&failed["store"], &failed["request_id"]),
        (&"outlet".into(), &"rid-2".into())
    );
    let late = line(None);
    assert_eq!(late["error"], "gave up after 9000 ms");
}

#[test]
fn a_job_knows_its_time_limit_request_and_store_for_its_line() {
    let (config, plan) = (gateway_config(), refresh_plan());
    let (store, rid) = (plan.ctx.store.clone(), plan.ctx.request_id.clone());
    let j = RefreshJob::new(config.clone(), plan);
    assert_eq!(j.time_limit_ms(), time_limit_ms(&config));
    assert_eq!(j.request_id(), rid);
    assert_eq!(j.failure_line(Some(Ok(())), 5), None);
    let limit = j.time_limit_ms();
    let late = j.failure_line(None, 5).unwrap();
    assert_eq!(Some(late), failure_line(None, &store, limit, 5, &rid));
}
