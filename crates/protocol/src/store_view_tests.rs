use super::*;
use crate::theme::ThemeSlot;
use wandstore_core::catalog_question::{CatalogAnswer, CatalogMiss};
use wandstore_core::store::demo_stores;

const NOW: u64 = 1_000_000;

fn demo() -> StoreSlug {
    StoreSlug::parse("demo").unwrap()
}

fn theme_body() -> String {
    String::from_utf8(Theme::default().to_stored()).unwrap()
}

fn snapshot(version: u32, body: Option<String>) -> Result<StoreSnapshot, AskError<StoreError>> {
    Ok(StoreSnapshot {
        settings: demo_stores().remove(0),
        theme: ThemeSlot { version, body },
        personalization: Default::default(),
    })
}

fn reply(freshness: Freshness, upstream: Option<UpstreamStats>) -> CatalogReply {
    CatalogReply {
        answer: CatalogAnswer::Home { featured: vec![] },
        freshness,
        upstream,
    }
}

fn key(q: &str) -> (String, String) {
    ("demo".to_owned(), q.to_owned())
}

#[test]
fn a_theme_version_read_once_is_held_and_its_body_not_needed_again_within_its_ttl() {
    let mut view = StoreView::default();
    assert_eq!(view.theme_held("demo", NOW), 0);
    let look = view
        .look_from(&demo(), snapshot(3, Some(theme_body())), NOW)
        .unwrap();
    assert_eq!(view.theme_held("demo", NOW + 1), 3);
    assert_eq!(view.theme_held("other", NOW + 1), 0);
    // Asked again naming the version held: no body comes, the held theme is used.
    let again = view.look_from(&demo(), snapshot(3, None), NOW + 2).unwrap();
    assert!(Arc::ptr_eq(&look.theme, &again.theme));
    assert_eq!(
        view.theme_held("demo", NOW + 2 + THEME_TTL_MS),
        0,
        "expired"
    );
}

#[test]
fn an_unknown_store_a_broken_answer_or_a_version_without_its_body_keeps_nothing() {
    let mut view = StoreView::default();
    let gone = view.look_from(&demo(), Err(AskError::Refused(StoreError::NotFound)), NOW);
    assert_eq!(gone.err().map(|e| e.status), Some(404));
    let broken = view.look_from(&demo(), Err(AskError::Broken("garbage".into())), NOW);
    assert_eq!(broken.err().map(|e| e.status), Some(500));
    let bodiless = view.look_from(&demo(), snapshot(5, None), NOW);
    assert_eq!(bodiless.err().map(|e| e.status), Some(500));
    let unreadable = view.look_from(&demo(), snapshot(6, Some("{not json".into())), NOW);
    assert_eq!(unreadable.err().map(|e| e.status), Some(500));
    assert_eq!(view.theme_held("demo", NOW), 0);
    // Version 0 is the default theme, body or not.
    assert!(view.look_from(&demo(), snapshot(0, None), NOW).is_ok());
}

#[test]
fn the_entrys_look_is_kept_for_the_snapshot_ttl() {
    let mut view = StoreView::default();
    assert!(view.look("demo", NOW).is_none());
    let look = view.look_from(&demo(), snapshot(0, None), NOW).unwrap();
    view.keep_look("demo", look, NOW);
    assert!(view.look("demo", NOW + SNAPSHOT_TTL_MS - 1).is_some());
    assert!(view.look("demo", NOW + SNAPSHOT_TTL_MS).is_none());
    assert!(view.look("other", NOW).is_none());
}

#[test]
fn answers_and_catalog_refusals_are_kept_failures_are_asked_again() {
    let mut view = StoreView::default();
    let kept = view
        .keep_catalog(
            key("home"),
            Ok(reply(Freshness::Fresh, None)),
            NOW,
            &mut spent(),
        )
        .unwrap();
    assert!(kept.is_ok());
    assert!(view.catalog(&key("home"), NOW + 1, &mut spent()).is_some());
    assert!(
        view.catalog(&key("home"), NOW + SNAPSHOT_TTL_MS, &mut spent())
            .is_none(),
        "expired"
    );
    let miss = StoreError::Catalog {
        miss: CatalogMiss::UnknownProduct,
    };
    let refused = view
        .keep_catalog(
            key("p:x"),
            Err(AskError::Refused(miss.clone())),
            NOW,
            &mut spent(),
        )
        .unwrap();
    assert_eq!(refused.err(), Some(miss));
    assert!(matches!(
        view.catalog(&key("p:x"), NOW, &mut spent()),
        Some(Err(_))
    ));
    let down = view.keep_catalog(
        key("p:y"),
        Err(AskError::Broken("timeout".into())),
        NOW,
        &mut spent(),
    );
    assert_eq!(down.err().map(|e| e.status), Some(500));
    let gone = view.keep_catalog(
        key("p:z"),
        Err(AskError::Refused(StoreError::NotFound)),
        NOW,
        &mut spent(),
    );
    assert_eq!(gone.err().map(|e| e.status), Some(404));
    assert!(view.catalog(&key("p:y"), NOW, &mut spent()).is_none());
    assert!(view.catalog(&key("p:z"), NOW, &mut spent()).is_none());
}

#[test]
fn the_view_stays_bounded_whatever_the_questions() {
    let mut view = StoreView::default();
    for i in 0..(MAX_ANSWERS + 50) {
        let k = key(&format!("q{i}"));
        let kept = view.keep_catalog(k, Ok(reply(Freshness::Fresh, None)), NOW, &mut spent());
        assert!(kept.is_ok_and(|r| r.is_ok()));
    }
    assert_eq!(view.answers.len(), MAX_ANSWERS);
}

fn spent() -> ObjectReport {
    ObjectReport::default()
}

#[test]
fn asking_the_view_notes_a_kept_answer_as_local_and_counts_the_call_a_miss_makes() {
    let mut view = StoreView::default();
    let mut report = spent();
    assert!(view.catalog(&key("home"), NOW, &mut report).is_none());
    assert_eq!((report.do_calls, report.cache.as_deref()), (1, None));
    let up = UpstreamStats { calls: 1, ms: 25 };
    let asked = Ok(reply(Freshness::Miss, Some(up)));
    let kept = view.keep_catalog(key("home"), asked, NOW, &mut report);
    assert!(kept.is_ok_and(|r| r.is_ok()));
    assert_eq!(report.cache.as_deref(), Some(Freshness::Miss.as_str()));
    assert_eq!((report.upstream_calls, report.upstream_ms), (1, 25));
    let mut later = spent();
    assert!(view.catalog(&key("home"), NOW + 1, &mut later).is_some());
    assert_eq!((later.do_calls, later.cache.as_deref()), (0, Some("local")));
    // A failure notes no freshness.
    let mut failed = spent();
    let down = Err(AskError::Broken("timeout".into()));
    assert!(
        view.keep_catalog(key("p:y"), down, NOW, &mut failed)
            .is_err()
    );
    assert_eq!(failed.cache, None);
}

#[test]
fn the_report_counts_calls_freshness_and_upstream_time() {
    let mut report = ObjectReport::default();
    report.note_local();
    assert_eq!(report.cache.as_deref(), Some("local"));
    report.count_call();
    let up = UpstreamStats { calls: 2, ms: 40 };
    report.note_catalog(&Ok(Rc::new(reply(Freshness::Miss, Some(up)))));
    report.note_catalog(&Ok(Rc::new(reply(Freshness::Stale, Some(up)))));
    assert_eq!(report.cache.as_deref(), Some(Freshness::Stale.as_str()));
    assert_eq!(
        (report.do_calls, report.upstream_calls, report.upstream_ms),
        (1, 4, 80)
    );
    report.note_catalog(&Err(StoreError::Catalog {
        miss: CatalogMiss::UnknownCollection,
    }));
    assert_eq!(
        report.cache.as_deref(),
        Some(Freshness::Stale.as_str()),
        "a refusal notes nothing"
    );
    report.do_calls = u64::MAX;
    report.count_call();
    assert_eq!(report.do_calls, u64::MAX);
}
