use super::*;
use crate::contents::base_files;
use crate::keys::manifest_key;
use crate::retention::RetentionPolicy;
use crate::run::DEFAULT_PAGE_SIZE;
use crate::schedule::INTERVAL_MS;
use crate::test_support::*;

fn run_of(reason: BackupReason, started: u64) -> BackupRun {
    BackupRun::start(
        slug("outlet"),
        backup_id(7),
        reason,
        started,
        DEFAULT_PAGE_SIZE,
    )
}

fn skip(
    reason: BackupReason,
    restore: bool,
    running: Option<&BackupRun>,
    last: Option<i64>,
) -> Option<StartSkip> {
    start_skip(&slug("outlet"), reason, restore, running, last, T0)
}

#[test]
fn a_backup_starts_unless_a_restore_a_live_run_or_the_schedule_says_no() {
    let manual = BackupReason::Manual;
    let scheduled = BackupReason::Scheduled;
    assert_eq!(skip(manual, false, None, None), None);
    assert_eq!(skip(scheduled, false, None, None), None, "never backed up");
    let restoring = skip(manual, true, None, None).expect("skipped");
    assert_eq!((restoring.code(), restoring.backup()), ("restoring", None));
    let live = run_of(manual, T0 - 1000);
    let running = skip(manual, false, Some(&live), None).expect("skipped");
    assert_eq!(running.code(), "running");
    assert_eq!(running.backup(), Some(backup_id(7)), "names the live run");
    let abandoned = run_of(manual, T0 - crate::run::ABANDON_AFTER_MS);
    assert_eq!(skip(manual, false, Some(&abandoned), None), None);
    // A scheduled backup waits for the interval; a manual one does not.
    let recent = Some((T0 - 60_000) as i64);
    assert_eq!(
        skip(scheduled, false, None, recent).map(|s| s.code()),
        Some("not_due")
    );
    assert_eq!(skip(manual, false, None, recent), None);
    assert_eq!(
        skip(scheduled, false, None, Some((T0 - INTERVAL_MS) as i64)),
        None
    );
    // A negative stored time (a bad row) counts as long ago, not as a panic.
    assert_eq!(skip(scheduled, false, None, Some(-5)), None);
}

#[test]
fn the_page_budget_admits_free_steps_and_stops_at_its_pages() {
    let mut run = run_of(BackupReason::Manual, T0);
    let mut budget = PageBudget::new(1);
    assert!(budget.admit(&run.next_step()), "the base files are free");
    let base = base_files(
        &crate::contents::seal_record(&record("outlet"), &key(), [1; 24]).expect("seal"),
        &theme(),
        &settings(),
    )
    .expect("base");
    run.base_written(base.files.map(|f| f.entry), 2, T0)
        .expect("in order");
    let page = run.next_step();
    assert!(budget.admit(&page), "one page fits a budget of 1");
    assert!(!budget.admit(&page), "a second does not");
    assert_eq!(budget.used(), 1);
    assert!(!PageBudget::new(5).admit(&Step::Done), "done never runs");
    let mut none = PageBudget::new(0);
    assert!(!none.admit(&page));
    assert_eq!(none.used(), 0);
}

#[test]
fn a_cart_page_skips_empty_carts_and_names_them_for_the_index() {
    let carts: Vec<ShopperCart> = shoppers(6).into_values().collect();
    let page = cart_page(3, &carts).expect("page");
    let (file, lines) = page.file.expect("some carts have lines");
    assert_eq!(file.entry.name, "carts-0003.ndjson");
    assert_eq!(file.entry.lines, 4, "two of six are empty");
    let expected: u64 = carts.iter().map(|c| c.lines.len() as u64).sum();
    assert_eq!(lines, expected);
    assert_eq!(page.emptied, vec![shopper(2), shopper(5)]);
    // Every cart empty: no file, all of them dropped; no carts at all: nothing.
    let empty: Vec<ShopperCart> = carts
        .iter()
        .filter(|c| c.lines.is_empty())
        .cloned()
        .collect();
    let page = cart_page(1, &empty).expect("page");
    assert_eq!(page.file, None);
    assert_eq!(page.emptied.len(), 2);
    assert_eq!(
        cart_page(1, &[]).expect("page"),
        CartPage {
            file: None,
            emptied: vec![]
        }
    );
}

#[test]
fn pruning_keeps_the_new_backup_and_ignores_other_keys() {
    let hour = 60 * 60 * 1000;
    let ids: Vec<BackupId> = (0..5u8)
        .map(|i| BackupId::new(T0 + u64::from(i) * hour, [i; 8]).expect("id"))
        .collect();
    let mut keys: Vec<String> = ids
        .iter()
        .map(|id| manifest_key(&slug("outlet"), id))
        .collect();
    keys.push(manifest_key(&slug("other"), &ids[0]));
    keys.push("manifests/outlet/not-an-id.json".into());
    keys.push("stores/outlet/whatever".into());
    let policy = RetentionPolicy {
        hourly: 2,
        daily: 0,
    };
    let delete = prune_list(&slug("outlet"), &keys, &ids[4], policy);
    assert_eq!(delete, ids[..3].to_vec(), "the two newest hours stay");
    // The backup just written is never deleted, even if the policy would let it go.
    let delete = prune_list(&slug("outlet"), &keys, &ids[0], policy);
    assert!(!delete.contains(&ids[0]));
    assert_eq!(delete.len(), 2);
    assert!(prune_list(&slug("outlet"), &[], &ids[0], policy).is_empty());
}

#[test]
fn log_lines_name_the_run_and_its_counts() {
    let driven = drive("outlet", &shoppers(30), 4);
    let manifest = driven
        .bucket
        .get(&manifest_key(&slug("outlet"), &backup_id(7)))
        .map(|b| serde_json::from_slice::<Manifest>(b).expect("manifest"))
        .expect("written");
    let done = driven.run.finished(&manifest, 3);
    assert_eq!(done.reason, "scheduled");
    assert_eq!((done.carts, done.pruned), (20, 3));
    assert_eq!(done.files, manifest.counts.files);
    let before = run_of(BackupReason::BeforeRestore, T0).finished(&manifest, 0);
    assert_eq!(before.reason, "beforerestore");
    let f = failed("outlet", Some(&backup_id(7)), "r2 down".into());
    assert_eq!((f.store.as_str(), f.error.as_str()), ("outlet", "r2 down"));
    assert_eq!(f.backup, backup_id(7).to_string());
    assert_eq!(failed("outlet", None, "x".into()).backup, "");
}

#[test]
fn answers_pair_with_the_listed_shoppers_in_order() {
    let listed = [shopper(1), shopper(2), shopper(3)];
    let carts = shopper_carts(&listed, vec![vec![line(1, 1)], vec![]]);
    assert_eq!(carts.len(), 2, "a shopper without an answer is left out");
    assert_eq!(carts[0].shopper, shopper(1));
    assert_eq!(carts[0].lines, vec![line(1, 1)]);
    assert!(carts[1].lines.is_empty());
    assert!(shopper_carts(&[], vec![vec![line(1, 1)]]).is_empty());
}
