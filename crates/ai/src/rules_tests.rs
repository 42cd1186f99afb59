use super::*;

const MIN: u64 = 60_000;
const DAY: u64 = 24 * 60 * MIN;

#[test]
fn refreshes_only_after_new_events_and_the_interval() {
    assert!(
        !refresh_due(None, None, 0, 30),
        "no events, nothing to learn"
    );
    assert!(refresh_due(None, Some(5), 10, 30), "first refresh");
    // New event, but the last refresh is too recent.
    assert!(!refresh_due(Some(0), Some(MIN), 29 * MIN, 30));
    assert!(refresh_due(Some(0), Some(MIN), 30 * MIN, 30));
    // Old enough, but nothing happened since.
    assert!(!refresh_due(Some(10 * MIN), Some(5 * MIN), 100 * MIN, 30));
    assert!(!refresh_due(Some(10 * MIN), Some(10 * MIN), 100 * MIN, 30));
    // A clock step back never makes it due early.
    assert!(!refresh_due(Some(100 * MIN), Some(101 * MIN), 50 * MIN, 30));
}

#[test]
fn the_budget_stops_calls_and_resets_each_utc_day() {
    let mut b = DailyBudget::default();
    let t = 20_000 * DAY + 5;
    assert_eq!(b.remaining(t, 3), 3);
    assert!(b.try_spend(t, 3));
    assert!(b.try_spend(t + 1, 3));
    assert!(b.try_spend(t + 2, 3));
    assert!(!b.try_spend(t + 3, 3));
    assert_eq!(
        b,
        DailyBudget {
            day: 20_000,
            used: 3
        }
    );
    assert_eq!(b.remaining(t, 3), 0);
    // The next UTC day starts from zero.
    let tomorrow = 20_001 * DAY;
    assert_eq!(b.remaining(tomorrow, 3), 3);
    assert_eq!(b.used_on(tomorrow), 0);
    assert!(b.try_spend(tomorrow, 3));
    assert_eq!(
        b,
        DailyBudget {
            day: 20_001,
            used: 1
        }
    );
    // A budget of zero allows nothing.
    assert!(!DailyBudget::default().try_spend(t, 0));
    assert_eq!(
        serde_json::to_string(&b).unwrap(),
        r#"{"day":20001,"used":1}"#
    );
}

#[test]
fn holdout_is_deterministic_and_close_to_the_percentage() {
    assert!(!in_holdout("demo", "s1", 0));
    assert!(in_holdout("demo", "s1", 100));
    assert!(in_holdout("demo", "s1", 255), "clamped to 100");
    let n = 2_000;
    let held = (0..n)
        .filter(|i| in_holdout("demo", &format!("shopper-{i}"), 20))
        .count();
    assert!((300..500).contains(&held), "{held} of {n}");
    for i in 0..50 {
        let id = format!("s{i}");
        assert_eq!(in_holdout("demo", &id, 50), in_holdout("demo", &id, 50));
    }
    let differs = (0..200)
        .filter(|i| {
            let id = format!("s{i}");
            in_holdout("a", &id, 50) != in_holdout("b", &id, 50)
        })
        .count();
    assert!(differs > 0, "stores bucket independently");
}

fn input(settings: &PersonalizationSettings) -> RefreshInput<'_> {
    RefreshInput {
        settings,
        opted_out: false,
        holdout: false,
        due: true,
        candidates: 10,
        now_ms: 5 * DAY,
    }
}

#[test]
fn decisions_follow_switch_opt_out_holdout_interval_and_budget() {
    let on = PersonalizationSettings {
        enabled: true,
        daily_budget: 1,
        ..PersonalizationSettings::default()
    };
    let off = PersonalizationSettings::default();
    let mut b = DailyBudget::default();
    let cases = [
        (RefreshInput { ..input(&off) }, SkipReason::Disabled),
        (
            RefreshInput {
                opted_out: true,
                ..input(&on)
            },
            SkipReason::OptedOut,
        ),
        (
            RefreshInput {
                holdout: true,
                ..input(&on)
            },
            SkipReason::Holdout,
        ),
        (
            RefreshInput {
                due: false,
                ..input(&on)
            },
            SkipReason::NotDue,
        ),
        (
            RefreshInput {
                candidates: 0,
                ..input(&on)
            },
            SkipReason::NoCandidates,
        ),
    ];
    for (i, reason) in cases {
        assert_eq!(decide(i, &mut b), RefreshDecision::Skip(reason));
        assert_eq!(b.used_on(i.now_ms), 0, "a skip spends nothing");
    }
    assert_eq!(decide(input(&on), &mut b), RefreshDecision::Call);
    assert_eq!(
        decide(input(&on), &mut b),
        RefreshDecision::Skip(SkipReason::BudgetSpent)
    );
}

#[test]
fn fallback_tries_openai_then_anthropic_then_gives_up() {
    let mut fb = Fallback::default();
    assert_eq!(fb.next(|_| false), Some(Provider::OpenAi));
    fb.failed(Provider::OpenAi, FailureKind::Timeout);
    assert_eq!(fb.next(|_| false), Some(Provider::Anthropic));
    fb.failed(Provider::Anthropic, FailureKind::InvalidJson);
    assert_eq!(fb.next(|_| false), None);
    assert_eq!(
        fb.failures(),
        [
            (Provider::OpenAi, FailureKind::Timeout),
            (Provider::Anthropic, FailureKind::InvalidJson)
        ]
    );
}

#[test]
fn fallback_skips_a_provider_whose_breaker_is_open() {
    let mut fb = Fallback::default();
    assert_eq!(
        fb.next(|p| p == Provider::OpenAi),
        Some(Provider::Anthropic)
    );
    assert_eq!(
        fb.failures(),
        [(Provider::OpenAi, FailureKind::BreakerOpen)]
    );
    let mut both_open = Fallback::default();
    assert_eq!(both_open.next(|_| true), None);
    assert_eq!(both_open.failures().len(), 2);
}

#[test]
fn an_open_breaker_rejects_until_its_time() {
    let open = BreakerState::Open { until_ms: 100 };
    assert!(breaker_rejects(open, 99));
    assert!(!breaker_rejects(open, 100));
    assert!(!breaker_rejects(
        BreakerState::Closed {
            consecutive_failures: 2
        },
        0
    ));
}

#[test]
fn the_store_grants_a_call_only_when_on_and_within_budget() {
    let t = 20_000 * DAY;
    let on = PersonalizationSettings {
        enabled: true,
        daily_budget: 1,
        ..PersonalizationSettings::default()
    };
    let off = PersonalizationSettings {
        enabled: false,
        ..on.clone()
    };
    let mut b = DailyBudget::default();
    assert!(!b.grant(&off, t), "the kill switch");
    assert_eq!(b, DailyBudget::default(), "nothing counted when off");
    assert!(b.grant(&on, t));
    assert!(!b.grant(&on, t + 1), "spent");
    assert_eq!(b.used_on(t), 1);
}
