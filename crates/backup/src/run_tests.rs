//! The backup run over 0, 1, one page and 100,000 shoppers, and its refusals of bad reports.

use crate::manifest::{BackupReason, FileEntry};
use crate::restore::plan_restore;
use crate::run::{AlarmWork, BackupRun, DEFAULT_PAGE_SIZE, RunError, Step, pages_per_invocation};
use crate::test_support::*;

fn carts_files(d: &Driven) -> usize {
    d.run
        .files()
        .iter()
        .filter(|f| f.name.starts_with("carts-"))
        .count()
}

fn manifest_of(d: &Driven) -> crate::manifest::Manifest {
    let key = crate::keys::manifest_key(&slug("outlet"), &backup_id(7));
    serde_json::from_slice(d.bucket.get(&key).expect("manifest written")).expect("manifest json")
}

#[test]
fn no_shoppers_makes_a_backup_of_the_base_files_only() {
    let d = drive("outlet", &shoppers(0), DEFAULT_PAGE_SIZE);
    let m = manifest_of(&d);
    assert_eq!(m.files.len(), 3);
    assert_eq!(m.counts.carts, 0);
    assert_eq!(m.counts.theme_versions, 2);
    assert_eq!(d.bucket.len(), 4);
    assert_eq!(m.reason, BackupReason::Scheduled);
    assert_eq!(m.created_ms, T0);
}

#[test]
fn one_shopper_makes_one_cart_file() {
    let d = drive("outlet", &shoppers(1), DEFAULT_PAGE_SIZE);
    let m = manifest_of(&d);
    assert_eq!(carts_files(&d), 1);
    assert_eq!(m.counts.carts, 1);
    assert_eq!(m.counts.cart_lines, 1);
    assert_eq!(m.files[3].name, "carts-0001.ndjson");
}

#[test]
fn exactly_one_page_of_shoppers_makes_one_file_and_a_final_empty_read() {
    let index = shoppers(DEFAULT_PAGE_SIZE);
    let d = drive("outlet", &index, DEFAULT_PAGE_SIZE);
    let m = manifest_of(&d);
    assert_eq!(carts_files(&d), 1);
    let non_empty = index.values().filter(|c| !c.lines.is_empty()).count() as u64;
    assert_eq!(m.counts.carts, non_empty);
    let lines: u64 = index.values().map(|c| c.lines.len() as u64).sum();
    assert_eq!(m.counts.cart_lines, lines);
}

#[test]
fn a_page_whose_carts_all_emptied_writes_no_file_and_keeps_numbering_contiguous() {
    // Page size 1: shopper 2 (every third) is empty, so page numbers must not skip.
    let d = drive("outlet", &shoppers(5), 1);
    let names: Vec<String> = d.run.files().iter().map(|f| f.name.clone()).collect();
    assert_eq!(
        names[3..],
        [
            "carts-0001.ndjson",
            "carts-0002.ndjson",
            "carts-0003.ndjson",
            "carts-0004.ndjson"
        ]
    );
}

#[test]
fn a_hundred_thousand_shoppers_fit_the_limits_and_the_manifest_comes_last() {
    let index = shoppers(100_000);
    let d = drive("outlet", &index, DEFAULT_PAGE_SIZE);
    // drive() asserts every invocation stays within the subrequest limit.
    let per_invocation = pages_per_invocation(DEFAULT_PAGE_SIZE);
    assert!(per_invocation >= 1);
    assert!(
        d.invocations.len() > 100,
        "{} invocations",
        d.invocations.len()
    );
    // The manifest appears only in the last invocation: a half-made backup is never listed.
    let (last, before) = d.manifest_after.split_last().expect("invocations");
    assert!(*last);
    assert!(before.iter().all(|m| !m));
    let m = manifest_of(&d);
    assert_eq!(carts_files(&d), 500);
    let non_empty = index.values().filter(|c| !c.lines.is_empty()).count() as u64;
    assert_eq!(m.counts.carts, non_empty);
    assert_eq!(m.counts.files, 503);
    // Every non-empty cart is in the backup exactly once, and the backup restores.
    let plan = plan_restore(
        &d.bucket[&crate::keys::manifest_key(&slug("outlet"), &backup_id(7))],
        &slug("outlet"),
        &backup_id(7),
        &key(),
        |k| d.bucket.get(k).cloned(),
    )
    .expect("restorable");
    assert_eq!(plan.carts.len() as u64, non_empty);
    let expected: Vec<_> = index.values().filter(|c| !c.lines.is_empty()).collect();
    assert!(plan.carts.iter().zip(expected).all(|(a, b)| a == b));
}

fn entry(name: &str) -> FileEntry {
    FileEntry {
        name: name.into(),
        lines: 1,
        bytes: 1,
        sha256: "00".repeat(32),
    }
}

fn fresh() -> BackupRun {
    BackupRun::start(slug("outlet"), backup_id(1), BackupReason::Manual, T0, 2)
}

#[test]
fn reports_out_of_order_or_for_the_wrong_file_are_refused() {
    let mut run = fresh();
    assert!(matches!(
        run.page_read(&[], None, T0),
        Err(RunError::UnexpectedReport { .. })
    ));
    assert!(matches!(
        run.manifest_written(T0),
        Err(RunError::UnexpectedReport { .. })
    ));
    let swapped = [
        entry("theme.ndjson"),
        entry("store.ndjson"),
        entry("settings.ndjson"),
    ];
    assert!(matches!(
        run.base_written(swapped, 0, T0),
        Err(RunError::WrongFile { .. })
    ));
    let base = [
        entry("store.ndjson"),
        entry("theme.ndjson"),
        entry("settings.ndjson"),
    ];
    run.base_written(base.clone(), 0, T0).expect("base");
    assert!(matches!(
        run.base_written(base, 0, T0),
        Err(RunError::UnexpectedReport { .. })
    ));
    // More shoppers than the page holds, shoppers out of order, a file for another page.
    assert!(matches!(
        run.page_read(&[shopper(1), shopper(2), shopper(3)], None, T0),
        Err(RunError::BadPage(_))
    ));
    assert!(matches!(
        run.page_read(&[shopper(2), shopper(1)], None, T0),
        Err(RunError::BadPage(_))
    ));
    assert!(matches!(
        run.page_read(
            &[shopper(1), shopper(2)],
            Some((entry("carts-0002.ndjson"), 1)),
            T0
        ),
        Err(RunError::WrongFile { .. })
    ));
    run.page_read(
        &[shopper(1), shopper(2)],
        Some((entry("carts-0001.ndjson"), 1)),
        T0,
    )
    .expect("page 1");
    // The cursor moved: the next page starts after shopper 2, and a shopper at or before the
    // cursor is refused.
    match run.next_step() {
        Step::CartPage {
            after, page, limit, ..
        } => {
            assert_eq!(after, Some(shopper(2)));
            assert_eq!(page, 2);
            assert_eq!(limit, 2);
        }
        other => panic!("expected a cart page, got {other:?}"),
    }
    assert!(matches!(
        run.page_read(&[shopper(2)], None, T0),
        Err(RunError::BadPage(_))
    ));
}

#[test]
fn a_run_survives_a_round_trip_through_storage_and_is_abandoned_after_its_deadline() {
    let mut run = fresh();
    run.base_written(
        [
            entry("store.ndjson"),
            entry("theme.ndjson"),
            entry("settings.ndjson"),
        ],
        1,
        T0,
    )
    .expect("base");
    let stored = serde_json::to_string(&run).expect("serialize");
    let back: BackupRun = serde_json::from_str(&stored).expect("deserialize");
    assert_eq!(back, run);
    assert!(!run.is_abandoned(T0 + crate::run::ABANDON_AFTER_MS - 1));
    assert!(run.is_abandoned(T0 + crate::run::ABANDON_AFTER_MS));
}

#[test]
fn page_sizes_are_clamped_and_budgets_are_never_zero() {
    assert_eq!(pages_per_invocation(0), pages_per_invocation(1));
    assert!(pages_per_invocation(u32::MAX) >= 1);
    assert_eq!(pages_per_invocation(DEFAULT_PAGE_SIZE), 4);
    let run = BackupRun::start(slug("outlet"), backup_id(1), BackupReason::Manual, T0, 0);
    let mut run2 = run.clone();
    run2.base_written(
        [
            entry("store.ndjson"),
            entry("theme.ndjson"),
            entry("settings.ndjson"),
        ],
        0,
        T0,
    )
    .expect("base");
    assert!(matches!(run2.next_step(), Step::CartPage { limit: 1, .. }));
}

#[test]
fn the_alarm_continues_a_restore_first_else_the_backup_within_one_invocation() {
    assert_eq!(AlarmWork::choose(true), AlarmWork::Restore);
    let AlarmWork::Backup { pages } = AlarmWork::choose(false) else {
        panic!("no restore: the backup run goes on");
    };
    assert_eq!(pages, pages_per_invocation(DEFAULT_PAGE_SIZE));
    assert!(pages >= 1);
}
