use super::*;

const NOW: u64 = 1_000_000;

fn quota(allowed: bool) -> Quota {
    Quota {
        allowed,
        limit: 10,
        remaining: if allowed { 3 } else { 0 },
        reset_secs: 42,
        window_secs: 60,
    }
}

/// Runs `run`, answering each action with the next of `answers`; the actions asked and the end.
fn drive(
    mut run: LimitRun,
    answers: Vec<LimitAnswer>,
    log: &mut RequestLog,
) -> (Vec<LimitAction>, Result<Option<Quota>, EdgeError>) {
    let mut answers = answers.into_iter();
    let mut asked = Vec::new();
    loop {
        match run.next_action() {
            LimitAction::Done(end) => return (asked, end),
            action => {
                asked.push(action);
                let answer = answers.next().expect("an answer for every question");
                run.answer(answer, log);
            }
        }
    }
}

#[test]
fn a_page_from_a_client_checks_its_ban_then_the_binding() {
    let mut log = RequestLog::default();
    let run = LimitRun::store_request(RateClass::Pages, "tag", Some("203.0.113.7"), NOW);
    let (asked, end) = drive(
        run,
        vec![LimitAnswer::Ban(Ok(None)), LimitAnswer::Binding(Ok(true))],
        &mut log,
    );
    assert_eq!(
        asked,
        [
            LimitAction::AskBan {
                client: "203.0.113.7".into()
            },
            LimitAction::AskBinding {
                binding: RateClass::Pages.binding(),
                key: key(RateClass::Pages, "client:203.0.113.7"),
            },
        ]
    );
    assert_eq!(end, Ok(None));
    assert_eq!(
        (log.rate_limit, log.rate_decision),
        (Some("pages"), Some("allowed"))
    );
    assert_eq!(log.error, None);
}

#[test]
fn without_a_client_address_nothing_is_asked_for_per_client_classes() {
    let mut log = RequestLog::default();
    let run = LimitRun::store_request(RateClass::Pages, "tag", None, NOW);
    let (asked, end) = drive(run, vec![], &mut log);
    assert!(asked.is_empty());
    assert_eq!(end, Ok(None));
    assert_eq!(log.rate_decision, None);
}

#[test]
fn a_banned_client_is_refused_before_any_limiter_with_the_time_left() {
    let mut log = RequestLog::default();
    let run = LimitRun::store_request(RateClass::Search, "tag", Some("198.51.100.1"), NOW);
    let (asked, end) = drive(run, vec![LimitAnswer::Ban(Ok(Some(NOW + 2_500)))], &mut log);
    assert_eq!(asked.len(), 1);
    let e = end.unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (429, "banned"));
    assert_eq!(e.retry_after_secs, Some(3), "rounded up");
    assert_eq!(log.rate_decision, Some("banned"));
}

#[test]
fn limiters_that_cannot_answer_let_the_request_through_and_say_so() {
    let mut log = RequestLog::default();
    let run = LimitRun::store_request(RateClass::Pages, "tag", Some("203.0.113.7"), NOW);
    let (_, end) = drive(
        run,
        vec![
            LimitAnswer::Ban(Err(AskError::Broken("guard down".into()))),
            LimitAnswer::Binding(Err("binding missing".into())),
        ],
        &mut log,
    );
    assert_eq!(end, Ok(None));
    assert_eq!(log.rate_decision, Some("unavailable"));
    assert_eq!(
        log.error.as_deref(),
        Some(r#"abuse guard: Broken("guard down")"#),
        "the first error"
    );

    let mut log = RequestLog::default();
    let run = LimitRun::store_request(RateClass::Checkout, "tag", None, NOW);
    let (_, end) = drive(
        run,
        vec![LimitAnswer::Exact(Err(AskError::Broken("slow".into())))],
        &mut log,
    );
    assert_eq!(end, Ok(None), "no quota to report");
    assert_eq!(log.rate_decision, Some("unavailable"));
    assert_eq!(log.error.as_deref(), Some(r#"abuse guard: Broken("slow")"#));
}

#[test]
fn a_limited_client_gets_a_strike_and_a_429_or_a_ban() {
    for (strike, code) in [
        (Ok(None), "rate_limited"),
        (
            Err(AskError::Broken("guard down".to_owned())),
            "rate_limited",
        ),
        (Ok(Some(NOW + 60_000)), "banned"),
    ] {
        let mut log = RequestLog::default();
        let run = LimitRun::store_request(RateClass::Pages, "tag", Some("203.0.113.7"), NOW);
        let (asked, end) = drive(
            run,
            vec![
                LimitAnswer::Ban(Ok(None)),
                LimitAnswer::Binding(Ok(false)),
                LimitAnswer::Strike(strike.clone()),
            ],
            &mut log,
        );
        assert_eq!(
            asked.last(),
            Some(&LimitAction::Strike {
                client: "203.0.113.7".into()
            })
        );
        let e = end.unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (429, code), "{strike:?}");
        assert_eq!(log.rate_decision, Some("limited"));
    }
    // The admin API's caller is not a client address: no strike.
    let mut log = RequestLog::default();
    let run = LimitRun::binding(RateClass::Admin, "token-hash", None, NOW);
    let (asked, end) = drive(run, vec![LimitAnswer::Binding(Ok(false))], &mut log);
    assert_eq!(asked.len(), 1);
    assert_eq!(end.unwrap_err().code, "rate_limited");
}

#[test]
fn a_checkout_is_counted_exactly_per_shopper_and_reports_its_quota() {
    let mut log = RequestLog::default();
    let run = LimitRun::store_request(RateClass::Checkout, "tag", Some("203.0.113.7"), NOW);
    let (asked, end) = drive(
        run,
        vec![
            LimitAnswer::Ban(Ok(None)),
            LimitAnswer::Exact(Ok(quota(true))),
        ],
        &mut log,
    );
    assert_eq!(
        asked[1],
        LimitAction::CountExact {
            key: key(RateClass::Checkout, "shopper:tag"),
            limit: RateClass::Checkout.exact_limit().unwrap_or_default(),
            window_ms: RateClass::Checkout.period_secs() * 1000,
        }
    );
    assert_eq!(end, Ok(Some(quota(true))));
    assert_eq!(log.rate_decision, Some("allowed"));

    let mut log = RequestLog::default();
    let run = LimitRun::store_request(RateClass::Checkout, "tag", None, NOW);
    let (_, end) = drive(run, vec![LimitAnswer::Exact(Ok(quota(false)))], &mut log);
    let e = end.unwrap_err();
    assert_eq!((e.status, e.retry_after_secs), (429, Some(42)));
    assert!(
        e.headers.iter().any(|(k, _)| *k == "ratelimit"),
        "{:?}",
        e.headers
    );
    assert_eq!(log.rate_decision, Some("limited"));
}

#[test]
fn an_answer_to_another_question_is_a_bug_not_a_pass() {
    let mut log = RequestLog::default();
    let mut run = LimitRun::binding(RateClass::Pages, "client:x", None, NOW);
    assert!(matches!(run.next_action(), LimitAction::AskBinding { .. }));
    run.answer(LimitAnswer::Exact(Ok(quota(true))), &mut log);
    match run.next_action() {
        LimitAction::Done(Err(e)) => assert_eq!(e.status, 500),
        other => panic!("{other:?}"),
    }
}
