use super::*;
use wandstore_ai::report::PersonalizationCounters;

const DAY_MS: u64 = 86_400_000;

fn on(budget: u32) -> PersonalizationSettings {
    PersonalizationSettings {
        enabled: true,
        daily_budget: budget,
        ..PersonalizationSettings::default()
    }
}

fn stored(settings: &PersonalizationSettings) -> PersonalizationColumns {
    PersonalizationColumns {
        settings: Some(serde_json::to_string(settings).unwrap()),
        ..PersonalizationColumns::default()
    }
}

#[test]
fn an_empty_row_reads_as_defaults() {
    let row = PersonalizationColumns::default();
    assert_eq!(row.settings().unwrap(), PersonalizationSettings::default());
    let (grant, writes) = row.spend(DAY_MS).unwrap();
    assert!(!grant.granted, "off until set");
    assert_eq!(grant.breakers, ProviderBreakers::default());
    assert_eq!(
        writes,
        PersonalizationWrites::default(),
        "nothing spent, nothing written"
    );
    assert_eq!(row.report(DAY_MS).unwrap().calls, 0);
}

#[test]
fn spending_counts_until_the_days_budget_is_gone() {
    let mut row = stored(&on(2));
    let mut grants = Vec::new();
    for _ in 0..3 {
        let (grant, writes) = row.spend(DAY_MS + 5).unwrap();
        grants.push(grant.granted);
        if let Some(budget) = writes.budget {
            row.budget = Some(budget);
        }
    }
    assert_eq!(grants, vec![true, true, false]);
    let (grant, _) = row.spend(2 * DAY_MS).unwrap();
    assert!(grant.granted, "a new UTC day starts from zero");
}

#[test]
fn an_unreadable_column_fails_only_the_questions_that_need_it() {
    let mut row = stored(&on(5));
    row.counters = Some("{not json".into());
    assert!(row.settings().is_ok());
    assert!(row.spend(DAY_MS).is_ok());
    let err = row.report(DAY_MS).unwrap_err();
    assert!(format!("{err:?}").contains("counters"), "{err:?}");
    row.settings = Some("\"on\"".into());
    assert!(matches!(row.settings(), Err(StoreError::Internal { .. })));
}

#[test]
fn recorded_counts_add_up_and_moved_breakers_are_stored() {
    let mut row = stored(&on(5));
    let counts = PersonalizationCounters {
        calls: 2,
        answered: 1,
        ..PersonalizationCounters::default()
    };
    for _ in 0..2 {
        let q = RecordPersonalization {
            counts: counts.clone(),
            breakers: None,
        };
        let writes = row.record(&q).unwrap();
        assert_eq!(writes.breakers, None);
        row.counters = writes.counters;
    }
    assert_eq!(row.report(DAY_MS).unwrap().calls, 4);
    let q = RecordPersonalization {
        counts: PersonalizationCounters::default(),
        breakers: Some(ProviderBreakers::default()),
    };
    let breakers = row.record(&q).unwrap().breakers.unwrap();
    row.breakers = Some(breakers);
    assert_eq!(
        row.spend(DAY_MS).unwrap().0.breakers,
        ProviderBreakers::default()
    );
}

#[test]
fn refused_settings_write_nothing() {
    let bad = PersonalizationSettings {
        holdout_pct: 101,
        brand_voice: "x".repeat(10_000),
        ..PersonalizationSettings::default()
    };
    let Err(StoreError::Invalid { fields }) = PersonalizationColumns::put_settings(&bad) else {
        panic!("accepted")
    };
    assert!(fields.len() >= 2, "{fields:?}");
    let good = PersonalizationColumns::put_settings(&on(3)).unwrap();
    let row = PersonalizationColumns {
        settings: good.settings,
        ..PersonalizationColumns::default()
    };
    assert_eq!(row.settings().unwrap(), on(3));
}
