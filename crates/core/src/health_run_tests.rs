use super::*;
use crate::health::{CheckStatus, Health};

const NOW: u64 = 1_700_000_000_000;

fn isolate() -> Isolate {
    Isolate {
        started_ms: NOW - 5_000,
        environment: Some("test".into()),
        version: "1.0.0",
        fresh_ms: 300_000,
        security_contact: None,
    }
}

fn slug(s: &str) -> StoreSlug {
    StoreSlug::parse(s).unwrap()
}

/// Answers every dependency with `answer`, checking they come in order.
fn dependencies(run: &mut HealthRun, answer: impl Fn(Dependency) -> Option<Result<(), String>>) {
    for expected in Dependency::ALL {
        assert_eq!(run.poll(NOW), HealthIo::Dependency(expected));
        run.on_dependency(answer(expected), 10);
    }
}

fn summary(io: HealthIo) -> Summary {
    match io {
        HealthIo::Answer(HealthAnswer::Summary(s)) => s,
        other => panic!("expected the summary, got {other:?}"),
    }
}

#[test]
fn ready_checks_every_dependency_and_no_store() {
    let mut run = HealthRun::new(HealthRoute::Ready, isolate());
    dependencies(&mut run, |_| Some(Ok(())));
    let HealthIo::Answer(answer) = run.poll(NOW) else {
        panic!("not answered")
    };
    assert_eq!(answer.http_status(), 200);
    assert!(matches!(answer, HealthAnswer::Ready(r) if r.checks.len() == 4));
}

#[test]
fn a_failing_or_silent_dependency_makes_ready_unavailable() {
    for answer in [Some(Err("down".to_owned())), None] {
        let mut run = HealthRun::new(HealthRoute::Ready, isolate());
        let given = answer.clone();
        dependencies(&mut run, move |d| match d {
            Dependency::Bucket("THEMES") => given.clone(),
            _ => Some(Ok(())),
        });
        let HealthIo::Answer(answer) = run.poll(NOW) else {
            panic!()
        };
        assert_eq!(answer.http_status(), 503);
    }
}

#[test]
fn a_dependency_that_does_not_answer_in_time_failed() {
    let mut run = HealthRun::new(HealthRoute::Summary, isolate());
    dependencies(&mut run, |d| {
        (d != Dependency::DurableObjects).then_some(Ok(()))
    });
    run.poll(NOW);
    run.on_stores::<String>(Ok(Vec::new()));
    let s = summary(run.poll(NOW));
    assert_eq!(s.status, Health::Unhealthy);
    assert_eq!(s.checks[0].status, CheckStatus::Failed);
    assert!(
        s.checks[0]
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("no answer")
    );
}

#[test]
fn the_summary_checks_the_first_stores_and_a_slow_one_is_degraded() {
    let mut run = HealthRun::new(HealthRoute::Summary, isolate());
    dependencies(&mut run, |_| Some(Ok(())));
    assert_eq!(run.poll(NOW), HealthIo::ListStores);
    let many: Vec<StoreSlug> = (0..30).map(|i| slug(&format!("shop{i}"))).collect();
    run.on_stores::<String>(Ok(many));
    let HealthIo::Catalogs(asked) = run.poll(NOW) else {
        panic!("stores not asked")
    };
    assert_eq!(asked.len(), MAX_STORES_CHECKED);
    let mut answers: Vec<_> = asked
        .iter()
        .map(|_| {
            (
                Some(Ok(CatalogStatus {
                    breaker: "closed".into(),
                    ..Default::default()
                })),
                5,
            )
        })
        .collect();
    answers[0] = (None, CHECK_TIMEOUT_MS);
    answers[1] = (Some(Err("object failed")), 5);
    run.on_catalogs(answers, NOW);
    let s = summary(run.poll(NOW));
    assert_eq!(s.checks[5].detail.as_deref(), Some(r#""object failed""#));
    assert_eq!(s.checks.len(), 4 + MAX_STORES_CHECKED);
    assert_eq!(s.status, Health::Degraded);
    assert_eq!(s.checks[4].name, "store:shop0");
    assert_eq!(s.checks[4].status, CheckStatus::Degraded);
    assert_eq!(s.checks[5].status, CheckStatus::Degraded);
    assert_eq!(s.checks[6].status, CheckStatus::Ok);
    assert_eq!(s.uptime_ms, 5_000);
}

#[test]
fn an_empty_store_or_a_failed_listing_checks_no_store() {
    for listed in [Ok(Vec::new()), Err("registry down")] {
        let mut run = HealthRun::new(HealthRoute::Summary, isolate());
        dependencies(&mut run, |_| Some(Ok(())));
        assert_eq!(run.poll(NOW), HealthIo::ListStores);
        run.on_stores(listed);
        let s = summary(run.poll(NOW));
        assert_eq!((s.checks.len(), s.status), (4, Health::Healthy));
    }
}

#[test]
fn results_nobody_asked_for_change_nothing() {
    let mut run = HealthRun::new(HealthRoute::Ready, isolate());
    dependencies(&mut run, |_| Some(Ok(())));
    run.on_dependency(Some(Err("late".into())), 1);
    run.on_catalogs::<String>(vec![(None, 1)], NOW);
    let HealthIo::Answer(answer) = run.poll(NOW) else {
        panic!()
    };
    assert_eq!(answer.http_status(), 200);
}

#[test]
fn live_answers_at_once_without_a_check_or_a_cache_rule() {
    let mut run = HealthRun::new(HealthRoute::Live, isolate());
    let HealthIo::Answer(answer) = run.poll(NOW) else {
        panic!("live asked for a check")
    };
    let (status, headers, body) = answer.reply();
    assert_eq!(status, 200);
    assert_eq!(
        headers,
        vec![("content-type", "application/json".to_owned())]
    );
    assert_eq!(body, r#"{"status":"ok"}"#);
}

#[test]
fn security_txt_answers_at_once_with_the_contact_given_or_the_default() {
    for (contact, expected) in [
        (None, crate::health::DEFAULT_SECURITY_CONTACT),
        (Some("https://example.com/sec"), "https://example.com/sec"),
    ] {
        let mut given = isolate();
        given.security_contact = contact.map(str::to_owned);
        let mut run = HealthRun::new(HealthRoute::SecurityTxt, given);
        let HealthIo::Answer(answer) = run.poll(NOW) else {
            panic!("security.txt asked for a check")
        };
        let (status, headers, body) = answer.reply();
        assert_eq!(status, 200);
        assert_eq!(
            headers,
            vec![("content-type", "text/plain; charset=utf-8".into())]
        );
        let text = body;
        assert_eq!(text, crate::health::security_txt(contact, NOW));
        assert!(
            text.starts_with(&format!("Contact: {expected}\n")),
            "{text}"
        );
    }
}

#[test]
fn the_checks_answers_are_never_cached_and_their_json_is_html_safe() {
    let mut run = HealthRun::new(HealthRoute::Ready, isolate());
    dependencies(&mut run, |_| Some(Err("<b>down</b> & out".to_owned())));
    let HealthIo::Answer(answer) = run.poll(NOW) else {
        panic!("not answered")
    };
    let (status, headers, body) = answer.reply();
    assert_eq!(status, 503);
    assert!(headers.contains(&("cache-control", "no-store".into())));
    assert!(headers.contains(&("content-type", "application/json".into())));
    let text = body;
    assert!(!text.contains(['<', '>', '&']), "{text}");
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed["status"], "unavailable");
}

#[test]
fn the_isolate_reads_its_environment_contact_and_freshness_or_defaults() {
    let none = Isolate::from_vars(7, "1.2.3", |_| None);
    assert_eq!((none.started_ms, none.version), (7, "1.2.3"));
    assert_eq!((none.environment, none.security_contact), (None, None));
    assert_eq!(none.fresh_ms, Tuning::from_vars(|_| None).catalog_fresh_ms);
    let vars = [
        ("ENVIRONMENT", "staging"),
        ("SECURITY_CONTACT", "mailto:sec@example.com"),
    ];
    let var = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let set = Isolate::from_vars(7, "1.2.3", var);
    assert_eq!(set.environment.as_deref(), Some("staging"));
    assert_eq!(
        set.security_contact.as_deref(),
        Some("mailto:sec@example.com")
    );
}
