use super::*;
use crate::keys::manifest_key;
use crate::restore::Verified;
use crate::test_support::*;
use std::collections::{BTreeMap, HashMap};

type Bucket = HashMap<String, Vec<u8>>;

fn check(bucket: &Bucket) -> RestoreCheck {
    RestoreCheck::from_manifest(
        &bucket[&manifest_key(&slug("outlet"), &backup_id(7))],
        &slug("outlet"),
        &backup_id(7),
    )
    .expect("manifest")
}

fn run_id() -> BackupId {
    BackupId::new(T0 + 10, [3; 8]).expect("id")
}

/// A backup of 30 indexed shoppers (20 with a cart) in cart files of 4.
fn bucket() -> Bucket {
    drive("outlet", &shoppers(30), 4).bucket
}

/// The same backup in one cart file.
fn one_file() -> Bucket {
    drive("outlet", &shoppers(30), 200).bucket
}

/// What the shell did while driving a restore.
#[derive(Default)]
struct Played {
    /// The writes, in order (`safety backup`, `store`, `carts`, `clear`, `resync`).
    writes: Vec<&'static str>,
    /// Shoppers whose carts were written, and emptied.
    written: Vec<ShopperId>,
    emptied: Vec<ShopperId>,
    /// Steps per invocation.
    invocations: Vec<u32>,
}

/// The index as a StoreConfig keeps it: shopper → the restore that last wrote its cart.
type Index = BTreeMap<String, (ShopperId, Option<String>)>;

fn index_of(shoppers: impl IntoIterator<Item = ShopperId>) -> Index {
    shoppers
        .into_iter()
        .map(|s| (s.as_str().to_owned(), (s, None)))
        .collect()
}

/// Plays the shell's part: invocations of steps while the allowance allows, the run stored
/// (serde) between invocations as the object does.
fn play(bucket: &Bucket, mut run: RestoreRun, index: &mut Index) -> (RestoreRun, Played) {
    let c = check(bucket);
    let mut played = Played::default();
    while !run.is_done() {
        let mut allowance = Allowance::per_invocation();
        let mut steps = 0;
        loop {
            let step = run.next_step();
            if !allowance.allows(&step) {
                break;
            }
            steps += 1;
            match &step {
                RestoreStep::Verify { kind, key: k } => {
                    let bytes = bucket.get(k).map(Vec::as_slice);
                    match c.verify_file(*kind, bytes, &key()) {
                        Ok(found) => {
                            assert_eq!(
                                matches!(found, Verified::Theme(_)),
                                *kind == FileKind::Theme
                            );
                            run.verified(*kind, T0).expect("in order");
                        }
                        Err(refusal) => run.refused(&refusal, T0),
                    }
                }
                RestoreStep::StartSafetyBackup => {
                    run.safety_backup_started(backup_id(9), T0)
                        .expect("in order");
                }
                RestoreStep::FinishSafetyBackup { id } => {
                    played.writes.push("safety backup");
                    run.safety_backup_taken(id, T0).expect("in order");
                    allowance.spend_backup(1);
                    continue;
                }
                RestoreStep::ApplyStore { keys, .. } => {
                    played.writes.push("store");
                    let files = keys.each_ref().map(|k| bucket.get(k).map(Vec::as_slice));
                    let (record, theme, _) = c.read_base(files, &key()).expect("verified");
                    assert_eq!(record.slug, slug("outlet"));
                    run.store_applied(theme.versions.len() as u64, Some(2), T0)
                        .expect("in order");
                }
                RestoreStep::ApplyCarts {
                    kind,
                    key: k,
                    skip,
                    take,
                } => {
                    played.writes.push("carts");
                    let page = c
                        .read_cart_page(*kind, bucket.get(k).map(Vec::as_slice), *skip, *take)
                        .expect("verified");
                    let lines: u64 = page.iter().map(|c| c.lines.len() as u64).sum();
                    for cart in &page {
                        index.insert(
                            cart.shopper.as_str().to_owned(),
                            (cart.shopper.clone(), Some(run.id.to_string())),
                        );
                        played.written.push(cart.shopper.clone());
                    }
                    run.carts_applied(*kind, page.len() as u64, lines, T0)
                        .expect("in order");
                }
                RestoreStep::ClearOthers { after, limit } => {
                    let page: Vec<(ShopperId, Option<String>)> = index
                        .values()
                        .filter(|(s, _)| after.as_ref().is_none_or(|a| s.as_str() > a.as_str()))
                        .take(*limit as usize)
                        .cloned()
                        .collect();
                    let clear = run.to_clear(&page);
                    for s in &clear {
                        index.remove(s.as_str());
                        played.emptied.push(s.clone());
                    }
                    let listed: Vec<ShopperId> = page.into_iter().map(|(s, _)| s).collect();
                    run.others_cleared(&listed, clear.len() as u64, T0)
                        .expect("in order");
                }
                RestoreStep::Resync => {
                    played.writes.push("resync");
                    run.resynced("synced".into(), T0).expect("in order");
                }
                RestoreStep::Done => unreachable!("never allowed"),
            }
            allowance.spend(&step);
        }
        played.invocations.push(steps);
        let stored = serde_json::to_string(&run).expect("json");
        run = serde_json::from_str(&stored).expect("back");
    }
    (run, played)
}

fn backed_up_carts() -> Vec<ShopperId> {
    shoppers(30)
        .into_values()
        .filter(|c| !c.lines.is_empty())
        .map(|c| c.shopper)
        .collect()
}

#[test]
fn a_good_backup_is_verified_whole_then_written_back_in_order() {
    let bucket = one_file();
    let c = check(&bucket);
    let run = RestoreRun::start(run_id(), &c, true, 200, T0);
    // The index: shoppers 0..40 (ten the backup does not hold, some it does not either).
    let mut index = index_of((0..40).map(shopper));
    let (run, played) = play(&bucket, run, &mut index);
    assert_eq!(played.writes[0], "safety backup");
    assert_eq!(played.writes[1], "store");
    assert_eq!(played.writes.last(), Some(&"resync"));
    assert_eq!(played.written, backed_up_carts());
    let kept: Vec<ShopperId> = index.values().map(|(s, _)| s.clone()).collect();
    assert_eq!(kept, backed_up_carts(), "exactly the backup's carts stay");
    assert_eq!(played.emptied.len(), 40 - 20);
    let status = run.status(T0);
    assert_eq!(status.status, RestoreState::Restored);
    assert!(status.is_finished());
    assert_eq!(
        (status.carts, status.carts_total, status.cleared),
        (20, 20, 20)
    );
    assert_eq!(status.safety_backup, Some(backup_id(9)));
    assert_eq!(status.catalog.as_deref(), Some("synced"));
    assert_eq!(
        (status.files_verified, status.files),
        (c.files().len() as u64, c.files().len() as u64)
    );
    assert!(!status.reclaimed);
    assert_eq!(status.error, None);
    assert_eq!(run.refused_before_writing(), None);
    assert_eq!(
        played.invocations.len(),
        1,
        "a small store is restored at once"
    );
}

#[test]
fn small_pages_spread_a_restore_over_several_invocations_with_the_same_result() {
    let bucket = bucket();
    let run = RestoreRun::start(run_id(), &check(&bucket), true, 1, T0);
    let mut index = index_of((0..40).map(shopper));
    let (run, played) = play(&bucket, run, &mut index);
    // 20 carts and 41 index pages, 4 pages per invocation.
    assert!(played.invocations.len() >= 15, "{:?}", played.invocations);
    assert_eq!(played.written, backed_up_carts());
    assert_eq!(played.emptied.len(), 20);
    assert_eq!(run.status(T0).status, RestoreState::Restored);
    assert_eq!(run.status(T0).cart_lines, {
        shoppers(30)
            .values()
            .map(|c| c.lines.len() as u64)
            .sum::<u64>()
    });
}

#[test]
fn cart_files_are_written_page_by_page() {
    let bucket = one_file();
    let mut run = RestoreRun::start(run_id(), &check(&bucket), false, 3, T0);
    for (kind, _) in check(&bucket).files() {
        run.verified(kind, T0).expect("in order");
    }
    run.store_applied(0, None, T0)
        .expect("no safety backup for a deleted store");
    let mut seen = Vec::new();
    while let RestoreStep::ApplyCarts {
        kind, skip, take, ..
    } = run.next_step()
    {
        seen.push((kind, skip, take));
        run.carts_applied(kind, take, take, T0).expect("in order");
    }
    // One file of 20 carts, in pages of 3.
    let skips: Vec<u64> = seen.iter().map(|(_, skip, _)| *skip).collect();
    assert_eq!(skips, vec![0, 3, 6, 9, 12, 15, 18]);
    assert_eq!(seen.last(), Some(&(FileKind::Carts(1), 18, 2)));
    assert_eq!(run.status(T0).carts, 20);
}

#[test]
fn a_tampered_last_file_is_refused_before_any_write() {
    let mut bucket = bucket();
    let last = check(&bucket)
        .cart_files()
        .last()
        .copied()
        .expect("cart files");
    let k = file_key(&slug("outlet"), &backup_id(7), last);
    if let Some(bytes) = bucket.get_mut(&k) {
        bytes[0] ^= 1;
    }
    let run = RestoreRun::start(run_id(), &check(&bucket), true, 200, T0);
    let mut index = index_of((0..5).map(shopper));
    let (run, played) = play(&bucket, run, &mut index);
    assert!(played.writes.is_empty(), "{:?}", played.writes);
    assert!(run.changed_nothing());
    assert_eq!(index.len(), 5);
    assert!(!run.blocks_new(T0));
    assert!(
        run.refused_before_writing()
            .is_some_and(|e| e.code == "backup_checksum_mismatch")
    );
    let status = run.status(T0);
    assert_eq!(status.status, RestoreState::Refused);
    assert!(status.is_finished());
    assert_eq!(status.files_verified, 0);
    assert!(
        status
            .error
            .is_some_and(|e| e.code == "backup_checksum_mismatch")
    );
}

#[test]
fn a_deleted_store_is_claimed_again_without_a_safety_backup() {
    let bucket = bucket();
    let mut run = RestoreRun::start(run_id(), &check(&bucket), false, 200, T0);
    assert_eq!(run.safety_backup_started(backup_id(9), T0), Err(OutOfOrder));
    for (kind, _) in check(&bucket).files() {
        assert!(run.changed_nothing());
        run.verified(kind, T0).expect("in order");
    }
    let RestoreStep::ApplyStore { claim, .. } = run.next_step() else {
        panic!("{:?}", run.next_step());
    };
    assert_eq!(claim, Claim::Create);
    assert!(!run.changed_nothing(), "writing from here on");
    // A replay after a crash finds its own claim: the next attempt updates.
    run.claim_refused(T0 + 1).expect("first refusal");
    assert!(matches!(
        run.next_step(),
        RestoreStep::ApplyStore {
            claim: Claim::Update,
            ..
        }
    ));
    assert_eq!(run.claim_refused(T0 + 2), Err(OutOfOrder), "only once");
    run.store_applied(2, Some(2), T0 + 3).expect("in order");
    let status = run.status(T0 + 3);
    assert!(status.reclaimed);
    assert_eq!(status.safety_backup, None);
    assert_eq!(status.status, RestoreState::Running);
    assert_eq!(status.phase, "apply_carts");
}

#[test]
fn a_failed_attempt_shows_until_the_run_moves_and_a_stalled_run_is_failed() {
    let bucket = bucket();
    let mut run = RestoreRun::start(run_id(), &check(&bucket), true, 200, T0);
    assert!(run.blocks_new(T0));
    run.attempt_failed("r2_unavailable", "backup storage failed".into());
    let status = run.status(T0 + 1);
    assert_eq!(status.status, RestoreState::Running);
    assert!(status.error.is_some_and(|e| e.code == "r2_unavailable"));
    run.verified(FileKind::Store, T0 + 2).expect("in order");
    assert_eq!(run.status(T0 + 2).error, None);
    assert!(!run.is_stalled(T0 + 2 + ABANDON_AFTER_MS - 1));
    assert!(run.is_stalled(T0 + 2 + ABANDON_AFTER_MS));
    assert!(
        !run.blocks_new(T0 + 2 + ABANDON_AFTER_MS),
        "a stalled run is replaced"
    );
    let stalled = run.status(T0 + 2 + ABANDON_AFTER_MS);
    assert_eq!(stalled.status, RestoreState::Failed);
    assert!(stalled.is_finished());
}

#[test]
fn a_restore_is_under_way_while_driven_or_stored_and_not_stalled() {
    let bucket = bucket();
    let run = RestoreRun::start(run_id(), &check(&bucket), true, 200, T0);
    let stored = |run: &RestoreRun| {
        let run = run.clone();
        move || Ok::<_, String>(Some(run))
    };
    let unread = || -> Result<Option<RestoreRun>, String> { panic!("read while driving") };
    assert!(RestoreRun::under_way(true, unread, T0), "driving: not read");
    assert!(RestoreRun::under_way(false, stored(&run), T0));
    let stalled = T0 + ABANDON_AFTER_MS;
    assert!(!RestoreRun::under_way(false, stored(&run), stalled));
    assert!(!RestoreRun::under_way(false, || Ok::<_, String>(None), T0));
    let broken = || Err::<Option<RestoreRun>, _>("disk".to_owned());
    assert!(
        !RestoreRun::under_way(false, broken, T0),
        "unreadable: none"
    );
}

#[test]
fn reports_out_of_order_are_refused() {
    let bucket = bucket();
    let mut run = RestoreRun::start(run_id(), &check(&bucket), true, 200, T0);
    assert_eq!(run.store_applied(0, None, T0), Err(OutOfOrder));
    assert_eq!(run.safety_backup_taken(&backup_id(1), T0), Err(OutOfOrder));
    assert_eq!(run.verified(FileKind::Theme, T0), Err(OutOfOrder));
    assert_eq!(
        run.carts_applied(FileKind::Carts(1), 1, 1, T0),
        Err(OutOfOrder)
    );
    assert_eq!(run.others_cleared(&[], 0, T0), Err(OutOfOrder));
    assert_eq!(run.resynced("synced".into(), T0), Err(OutOfOrder));
    assert_eq!(run.claim_refused(T0), Err(OutOfOrder));
    for (kind, _) in check(&bucket).files() {
        run.verified(kind, T0).expect("in order");
    }
    run.safety_backup_started(backup_id(9), T0)
        .expect("in order");
    assert_eq!(
        run.safety_backup_taken(&backup_id(8), T0),
        Err(OutOfOrder),
        "another backup"
    );
    run.safety_backup_taken(&backup_id(9), T0).expect("its own");
    run.store_applied(0, None, T0).expect("in order");
    assert_eq!(
        run.carts_applied(FileKind::Carts(1), 201, 1, T0),
        Err(OutOfOrder),
        "more than a page"
    );
    assert_eq!(
        run.carts_applied(FileKind::Carts(2), 1, 1, T0),
        Err(OutOfOrder)
    );
}

#[test]
fn marks_decide_which_carts_are_cleared() {
    let bucket = bucket();
    let run = RestoreRun::start(run_id(), &check(&bucket), true, 200, T0);
    let page = vec![
        (shopper(1), Some(run_id().to_string())),
        (shopper(2), None),
        (shopper(3), Some(backup_id(1).to_string())),
    ];
    assert_eq!(run.to_clear(&page), vec![shopper(2), shopper(3)]);
}

#[test]
fn the_allowance_keeps_an_invocation_within_its_subrequests() {
    let mut a = Allowance::per_invocation();
    assert!(!a.allows(&RestoreStep::Done));
    assert!(!RestoreStep::Resync.reads_backup());
    assert!(!RestoreStep::StartSafetyBackup.reads_backup());
    let big = RestoreStep::ClearOthers {
        after: None,
        limit: 5000,
    };
    assert!(a.allows(&big), "the first step always runs");
    a.spend(&RestoreStep::Verify {
        kind: FileKind::Store,
        key: String::new(),
    });
    assert!(!a.allows(&big));
    let page = RestoreStep::ApplyCarts {
        kind: FileKind::Carts(1),
        key: String::new(),
        skip: 0,
        take: u64::from(DEFAULT_PAGE_SIZE),
    };
    let mut spent = 2;
    let mut pages = 0;
    while a.allows(&page) {
        a.spend(&page);
        spent += page.subrequests();
        pages += 1;
    }
    assert_eq!(pages, PAGES_PER_INVOCATION);
    assert!(page.reads_backup(), "a cart file is read again");
    assert!(!big.reads_backup(), "clearing reads the index only");
    assert!(spent <= SUBREQUEST_LIMIT - SUBREQUEST_RESERVE);
    assert_eq!(Allowance::per_invocation().backup_pages(), 4);
    assert_eq!(a.backup_pages(), 1, "at least one");
}
