use super::*;
use crate::settings::PersonalizationSettings;
use serde_json::{Value, json};

const DAY: u64 = 86_400_000;

fn usage(p: u64, c: u64) -> Usage {
    Usage {
        prompt_tokens: p,
        completion_tokens: c,
    }
}

#[test]
fn calls_cache_hits_failures_and_tokens_add_up() {
    let mut c = PersonalizationCounters::default();
    c.record_call(CallOutcome::Answered {
        provider: Provider::OpenAi,
        cache: CacheStatus::Miss,
        usage: usage(300, 20),
    });
    c.record_call(CallOutcome::Answered {
        provider: Provider::OpenAi,
        cache: CacheStatus::Hit,
        usage: usage(300, 20),
    });
    c.record_call(CallOutcome::Failed {
        provider: Provider::OpenAi,
        kind: FailureKind::Timeout,
        usage: Usage::default(),
    });
    c.record_call(CallOutcome::Failed {
        provider: Provider::Anthropic,
        kind: FailureKind::SchemaMismatch,
        usage: usage(50, 5),
    });
    c.record_call(CallOutcome::Failed {
        provider: Provider::OpenAi,
        kind: FailureKind::BreakerOpen,
        usage: Usage::default(),
    });
    assert_eq!(c.calls, 4, "a skipped provider is not a call");
    assert_eq!((c.answered, c.cache_hits), (2, 1));
    assert_eq!(c.prompt_tokens, 650);
    assert_eq!(c.completion_tokens, 45);
    assert_eq!(c.failures["timeout"], 1);
    assert_eq!(c.failures["breaker_open"], 1);
    assert_eq!(c.calls_by_provider["openai"], 3);
    assert_eq!(c.calls_by_provider["anthropic"], 1);
}

#[test]
fn interactions_are_counted_per_source_with_rates() {
    let mut c = PersonalizationCounters::default();
    for _ in 0..10 {
        c.record(Source::Ai, Interaction::Impression);
    }
    c.record(Source::Ai, Interaction::Click);
    c.record(Source::Ai, Interaction::Click);
    c.record(Source::Ai, Interaction::AddToCart);
    for _ in 0..4 {
        c.record(Source::Baseline, Interaction::Impression);
    }
    c.record(Source::Baseline, Interaction::Click);
    c.record(Source::Holdout, Interaction::Click);
    let settings = PersonalizationSettings {
        enabled: true,
        daily_budget: 5,
        ..PersonalizationSettings::default()
    };
    let budget = DailyBudget { day: 3, used: 2 };
    let r = PersonalizationReport::build(&c, &budget, &settings, 3 * DAY + 1);
    assert_eq!(r.sources.ai.click_through_rate, 0.2);
    assert_eq!(r.sources.ai.add_to_cart_rate, 0.1);
    assert_eq!(r.sources.baseline.click_through_rate, 0.25);
    // Clicks without impressions never divide by zero.
    assert_eq!(r.sources.holdout.click_through_rate, 0.0);
    assert_eq!(
        r.budget,
        BudgetReport {
            daily_limit: 5,
            used_today: 2,
            left_today: 3
        }
    );
    let next_day = PersonalizationReport::build(&c, &budget, &settings, 4 * DAY);
    assert_eq!(next_day.budget.left_today, 5);
}

#[test]
fn the_report_json_has_the_documented_field_names() {
    let r = PersonalizationReport::build(
        &PersonalizationCounters::default(),
        &DailyBudget::default(),
        &PersonalizationSettings::default(),
        0,
    );
    let v: Value = serde_json::to_value(&r).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = [
        "enabled",
        "calls",
        "answered",
        "cache_hits",
        "cache_hit_rate",
        "calls_by_provider",
        "failures",
        "prompt_tokens",
        "completion_tokens",
        "budget",
        "sources",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(
        v["sources"]["ai"],
        json!({"impressions":0,"clicks":0,"adds_to_cart":0,"click_through_rate":0.0,"add_to_cart_rate":0.0})
    );
    assert_eq!(
        v["budget"],
        json!({"daily_limit":1000,"used_today":0,"left_today":1000})
    );
}

#[test]
fn counters_round_trip_and_old_rows_load() {
    let mut c = PersonalizationCounters::default();
    c.record(Source::Holdout, Interaction::AddToCart);
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(
        serde_json::from_str::<PersonalizationCounters>(&json).unwrap(),
        c
    );
    let old: PersonalizationCounters = serde_json::from_str(
        r#"{"calls":1,"answered":1,"cache_hits":0,"prompt_tokens":2,"completion_tokens":3}"#,
    )
    .unwrap();
    assert_eq!(old.calls, 1);
}

#[test]
fn the_page_source_puts_the_holdout_first() {
    assert_eq!(Source::for_page(true, true), Source::Holdout);
    assert_eq!(Source::for_page(false, true), Source::Ai);
    assert_eq!(Source::for_page(false, false), Source::Baseline);
    assert_eq!(
        [Source::Ai, Source::Baseline, Source::Holdout].map(Source::as_str),
        ["ai", "baseline", "holdout"]
    );
}

#[test]
fn adding_counters_sums_every_field() {
    let mut total = PersonalizationCounters::default();
    total.record_call(CallOutcome::Answered {
        provider: Provider::OpenAi,
        cache: CacheStatus::Hit,
        usage: usage(10, 2),
    });
    total.record(Source::Ai, Interaction::Impression);
    let mut delta = PersonalizationCounters::default();
    delta.record_call(CallOutcome::Failed {
        provider: Provider::OpenAi,
        kind: FailureKind::Timeout,
        usage: usage(0, 0),
    });
    delta.record_call(CallOutcome::Answered {
        provider: Provider::Anthropic,
        cache: CacheStatus::Miss,
        usage: usage(5, 1),
    });
    delta.record(Source::Ai, Interaction::Click);
    delta.record(Source::Holdout, Interaction::AddToCart);
    total.add(&delta);
    assert_eq!(total.calls, 3);
    assert_eq!(total.answered, 2);
    assert_eq!(total.cache_hits, 1);
    assert_eq!(total.calls_by_provider.get("openai"), Some(&2));
    assert_eq!(total.calls_by_provider.get("anthropic"), Some(&1));
    assert_eq!(total.failures.get("timeout"), Some(&1));
    assert_eq!((total.prompt_tokens, total.completion_tokens), (15, 3));
    assert_eq!((total.ai.impressions, total.ai.clicks), (1, 1));
    assert_eq!(total.holdout.adds_to_cart, 1);
    assert_eq!(total.baseline, SourceCounts::default());
}
