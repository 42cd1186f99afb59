use super::*;
use crate::response::CacheStatus;
use crate::test_support::{garbage, gateway_config, good, refresh_plan, status};
use serde_json::json;

fn setup() -> Refresh {
    let plan = refresh_plan();
    Refresh::new(&gateway_config(), plan.ctx, plan.prompt, plan.set)
}

/// Runs a refresh, answering each request with the next of `answers` for its provider.
fn run(
    r: &mut Refresh,
    breakers: &mut Breakers,
    mut answer: impl FnMut(Provider) -> Result<HttpResponse, TransportError>,
) -> (RefreshResult, Vec<Provider>) {
    let mut sent = Vec::new();
    let mut step = r.next(breakers, 1_000);
    for _ in 0..20 {
        step = match step {
            RefreshStep::Send { provider, request } => {
                assert!(request.url.contains(provider.as_str()));
                sent.push(provider);
                r.on_response(answer(provider), breakers, 1_000, 0.5)
            }
            RefreshStep::Wait { ms } => {
                assert!(ms > 0);
                r.next(breakers, 1_000 + ms)
            }
            RefreshStep::Done(result) => return (result, sent),
        };
    }
    panic!("the refresh never ended");
}

fn kinds(result: &RefreshResult) -> Vec<(Provider, Option<FailureKind>)> {
    result
        .outcomes
        .iter()
        .map(|o| match *o {
            CallOutcome::Answered { provider, .. } => (provider, None),
            CallOutcome::Failed { provider, kind, .. } => (provider, Some(kind)),
        })
        .collect()
}

#[test]
fn openai_answers_first() {
    let mut b = Breakers::default();
    let (result, sent) = run(&mut setup(), &mut b, good);
    assert_eq!(sent, [Provider::OpenAi]);
    let answer = result.answer.clone().unwrap();
    assert_eq!(answer.suggestion.handles, ["hat-red", "mug-blue"]);
    assert_eq!(answer.cache, CacheStatus::Unknown);
    assert_eq!(kinds(&result), [(Provider::OpenAi, None)]);
}

#[test]
fn openai_down_means_anthropic_answers_after_retries() {
    let mut b = Breakers::default();
    let (result, sent) = run(&mut setup(), &mut b, |p| match p {
        Provider::OpenAi => status(503),
        Provider::Anthropic => good(p),
    });
    assert_eq!(
        sent,
        [Provider::OpenAi, Provider::OpenAi, Provider::Anthropic]
    );
    assert_eq!(
        result.answer.as_ref().unwrap().provider,
        Provider::Anthropic
    );
    assert_eq!(
        kinds(&result),
        [
            (Provider::OpenAi, Some(FailureKind::HttpStatus)),
            (Provider::OpenAi, Some(FailureKind::HttpStatus)),
            (Provider::Anthropic, None)
        ]
    );
}

#[test]
fn both_failing_or_hanging_or_garbage_leaves_the_baseline() {
    let cases: [fn(Provider) -> Result<HttpResponse, TransportError>; 3] = [
        |_| status(500),
        |_| Err(TransportError::Timeout),
        |_| garbage(),
    ];
    for answer in cases {
        let mut b = Breakers::default();
        let (result, sent) = run(&mut setup(), &mut b, answer);
        assert!(result.answer.is_none());
        assert!(sent.contains(&Provider::OpenAi) && sent.contains(&Provider::Anthropic));
        assert!(
            result
                .outcomes
                .iter()
                .all(|o| matches!(o, CallOutcome::Failed { .. }))
        );
    }
    // Garbage is not retried: one request per provider.
    let (_, sent) = run(&mut setup(), &mut Breakers::default(), |_| garbage());
    assert_eq!(sent, [Provider::OpenAi, Provider::Anthropic]);
}

#[test]
fn hallucinated_only_answers_fall_through_without_tripping_the_breaker() {
    let mut b = Breakers::default();
    let empty = || {
        Ok(HttpResponse {
            status: 200,
            headers: vec![],
            body: json!({"choices": [{"message": {"content": "{\"ids\":[\"c99\"],\"headline\":\"x\"}"}}]})
                .to_string()
                .into_bytes(),
        })
    };
    let (result, _) = run(&mut setup(), &mut b, |p| match p {
        Provider::OpenAi => empty(),
        Provider::Anthropic => good(p),
    });
    assert_eq!(
        kinds(&result)[0],
        (Provider::OpenAi, Some(FailureKind::Empty))
    );
    assert_eq!(result.answer.unwrap().provider, Provider::Anthropic);
    assert_eq!(b.state(Provider::OpenAi).name(), "closed");
}

#[test]
fn an_open_breaker_skips_openai_without_a_call() {
    let mut b = Breakers::default();
    // Two refreshes with OpenAI timing out (2 attempts each) open its breaker (3 failures).
    for _ in 0..2 {
        run(&mut setup(), &mut b, |p| match p {
            Provider::OpenAi => Err(TransportError::Timeout),
            Provider::Anthropic => good(p),
        });
    }
    assert_eq!(b.state(Provider::OpenAi).name(), "open");
    let (result, sent) = run(&mut setup(), &mut b, good);
    assert_eq!(sent, [Provider::Anthropic]);
    assert_eq!(
        kinds(&result),
        [
            (Provider::OpenAi, Some(FailureKind::BreakerOpen)),
            (Provider::Anthropic, None)
        ]
    );
    // Both open: no call at all, the baseline stands.
    let mut both = Breakers::from_states(
        BreakerState::Open { until_ms: u64::MAX },
        BreakerState::Open { until_ms: u64::MAX },
    );
    let (result, sent) = run(&mut setup(), &mut both, good);
    assert!(sent.is_empty() && result.answer.is_none());
    assert_eq!(result.outcomes.len(), 2);
}

#[test]
fn tokens_of_unusable_answers_are_still_reported() {
    let mut b = Breakers::default();
    let (result, _) = run(&mut setup(), &mut b, |p| {
        match p {
        Provider::OpenAi => Ok(HttpResponse {
            status: 200,
            headers: vec![],
            body: json!({"choices": [{"message": {"content": "nope"}}], "usage": {"prompt_tokens": 7, "completion_tokens": 1}})
                .to_string()
                .into_bytes(),
        }),
        Provider::Anthropic => good(p),
    }
    });
    let CallOutcome::Failed { usage, kind, .. } = result.outcomes[0] else {
        panic!("first outcome should be a failure");
    };
    assert_eq!(kind, FailureKind::InvalidJson);
    assert_eq!(
        usage,
        Usage {
            prompt_tokens: 7,
            completion_tokens: 1
        }
    );
}

#[test]
fn a_result_gives_its_counters_and_the_suggestion_to_store() {
    let mut b = Breakers::default();
    let (result, _) = run(&mut setup(), &mut b, |p| match p {
        Provider::OpenAi => Err(TransportError::Timeout),
        Provider::Anthropic => good(p),
    });
    let counts = result.counts();
    assert_eq!(counts.calls, 3, "two OpenAI attempts, one Anthropic");
    assert_eq!(counts.answered, 1);
    assert_eq!(counts.failures.get("timeout"), Some(&2));
    let stored = result.suggestion("hash-1", 1_000).expect("an answer");
    assert_eq!(stored.provider, Provider::Anthropic);
    assert_eq!(stored.candidate_hash, "hash-1");
    assert_eq!(stored.expires_ms, 1_000 + DEFAULT_TTL_MS);
    let failed = RefreshResult {
        answer: None,
        outcomes: Vec::new(),
    };
    assert_eq!(failed.suggestion("h", 1), None);
    assert_eq!(failed.counts(), PersonalizationCounters::default());
}

#[test]
fn the_time_limit_covers_every_attempt_and_wait() {
    let config = GatewayConfig::parse([
        ("account", "a"),
        ("openai_timeout_ms", "1000"),
        ("anthropic_timeout_ms", "2000"),
    ])
    .unwrap();
    // Each attempt waits for every gateway attempt (2) plus a second; two attempts per
    // provider with the longest wait (2 s Retry-After) between them.
    let openai = 2 * (2 * 1_000 + 1_000) + 2_000;
    let anthropic = 2 * (2 * 2_000 + 1_000) + 2_000;
    assert_eq!(
        time_limit_ms(&config),
        openai + anthropic + OBJECT_CALLS_MARGIN_MS
    );
}
