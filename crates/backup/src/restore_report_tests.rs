use super::*;
use crate::restore::RestoreCheck;
use crate::restore_run::RestoreState;
use crate::test_support::*;
use std::collections::HashMap;

fn bucket() -> HashMap<String, Vec<u8>> {
    drive("outlet", &shoppers(30), 200).bucket
}

fn check(bucket: &HashMap<String, Vec<u8>>) -> RestoreCheck {
    let key = crate::keys::manifest_key(&slug("outlet"), &backup_id(7));
    RestoreCheck::from_manifest(&bucket[&key], &slug("outlet"), &backup_id(7)).expect("manifest")
}

fn run_id() -> BackupId {
    BackupId::new(T0 + 10, [3; 8]).expect("id")
}

/// A run of a store that exists, every file verified.
fn verified(existed: bool) -> RestoreRun {
    let c = check(&bucket());
    let mut run = RestoreRun::start(run_id(), &c, existed, 2, T0);
    for (kind, _) in c.files() {
        run.report(Report::Verified(kind), T0).expect("in order");
    }
    run
}

#[test]
fn each_step_reads_the_keys_it_names() {
    let run = RestoreRun::start(run_id(), &check(&bucket()), true, 2, T0);
    let step = run.next_step();
    let RestoreStep::Verify { key, .. } = &step else {
        panic!("verify first, not {step:?}");
    };
    assert_eq!(step.backup_keys(), vec![key.clone()]);
    let mut run = verified(false);
    let step = run.next_step();
    assert!(matches!(step, RestoreStep::ApplyStore { .. }), "{step:?}");
    let keys = step.backup_keys();
    assert_eq!(keys.len(), 3);
    assert!(keys[0].ends_with("store.ndjson") && keys[2].ends_with("settings.ndjson"));
    run.report(
        Report::StoreApplied {
            theme_versions: 2,
            published: Some(2),
        },
        T0,
    )
    .expect("in order");
    let carts = run.next_step();
    assert!(matches!(carts, RestoreStep::ApplyCarts { .. }));
    assert_eq!(carts.backup_keys().len(), 1);
    for none in [
        RestoreStep::StartSafetyBackup,
        RestoreStep::Resync,
        RestoreStep::Done,
        RestoreStep::ClearOthers {
            after: None,
            limit: 2,
        },
    ] {
        assert!(none.backup_keys().is_empty(), "{none:?}");
    }
}

#[test]
fn a_report_out_of_order_moves_nothing() {
    let mut run = RestoreRun::start(run_id(), &check(&bucket()), true, 2, T0);
    let before = run.clone();
    for report in [
        Report::Resynced("synced".into()),
        Report::SafetyBackupTaken(backup_id(9)),
        Report::StoreApplied {
            theme_versions: 0,
            published: None,
        },
        Report::OthersCleared {
            listed: vec![],
            cleared: 0,
        },
        Report::Verified(FileKind::Carts(1)),
    ] {
        assert_eq!(run.report(report, T0 + 5), Err(OutOfOrder));
    }
    assert_eq!(run, before);
}

#[test]
fn a_page_of_the_index_clears_what_this_run_did_not_write() {
    let run = verified(true);
    let mine = Some(run.id.to_string());
    let page = vec![
        (shopper(1), mine.clone()),
        (shopper(2), None),
        (shopper(3), Some("another-run".into())),
    ];
    let plan = run.clear_plan(page);
    assert_eq!(
        plan.carts,
        vec![(shopper(2), vec![]), (shopper(3), vec![])],
        "emptied"
    );
    assert_eq!(plan.index, IndexWrite::Drop);
    assert_eq!(
        plan.report,
        Report::OthersCleared {
            listed: vec![shopper(1), shopper(2), shopper(3)],
            cleared: 2
        }
    );
    let empty = run.clear_plan(Vec::new());
    assert!(empty.carts.is_empty());
}

#[test]
fn a_replayed_claim_is_retried_once_and_a_taken_domain_ends_the_run() {
    let slug_taken = RegistryRefusal::SlugTaken {
        slug: slug("outlet"),
    };
    // A deleted store claims its slug; a replay finds its own claim: retry as an update.
    let mut run = verified(false);
    assert_eq!(run.registry_refused(&slug_taken, T0), None);
    let RestoreStep::ApplyStore { claim, .. } = run.next_step() else {
        panic!("still applying the store");
    };
    assert_eq!(claim, wandstore_registry::Claim::Update);
    // A second refusal in a row is the end.
    let again = run.registry_refused(&slug_taken, T0).expect("refused");
    assert_eq!(again.code(), "backup_registry_refused");
    let taken = RegistryRefusal::DomainTaken {
        host: "shop.example.com".into(),
        owner: slug("other"),
    };
    let mut run = verified(true);
    let refusal = run.registry_refused(&taken, T0).expect("refused");
    assert!(
        refusal.to_string().contains("shop.example.com"),
        "{refusal}"
    );
}

#[test]
fn only_a_finished_run_is_logged_with_its_outcome() {
    let mut run = verified(true);
    assert!(run.logged(T0).is_none(), "still running");
    run.refused(
        &RestoreRefusal::MissingFile {
            file: "carts-0001.ndjson".into(),
        },
        T0,
    );
    let line = run.logged(T0).expect("done");
    assert_eq!(line.outcome, "backup_file_missing");
    assert_eq!((line.carts, line.cleared), (0, 0));
    assert_eq!(run.status(T0).status, RestoreState::Refused);
    let at_start = refused_at_start(&slug("outlet"), &backup_id(7), "backup_wrong_store");
    assert_eq!(at_start.outcome, "backup_wrong_store");
    assert_eq!(at_start.safety_backup, None);
    assert_eq!(manifest_gone().code(), "backup_file_missing");
}

#[test]
fn a_failed_first_invocation_is_dropped_only_if_it_wrote_nothing() {
    assert!(RestoreRun::discard_after_failure(None));
    let verifying = RestoreRun::start(run_id(), &check(&bucket()), true, 2, T0);
    assert!(RestoreRun::discard_after_failure(Some(&verifying)));
    let mut backing_up = verified(true);
    assert!(RestoreRun::discard_after_failure(Some(&backing_up)));
    backing_up
        .report(Report::SafetyBackupStarted(backup_id(9)), T0)
        .expect("in order");
    backing_up
        .report(Report::SafetyBackupTaken(backup_id(9)), T0)
        .expect("in order");
    assert!(
        !RestoreRun::discard_after_failure(Some(&backing_up)),
        "the store's writes are next: keep the run and its safety backup"
    );
    // A deleted store goes straight to its writes (the registry claim may be made).
    assert!(!RestoreRun::discard_after_failure(Some(&verified(false))));
}

#[test]
fn an_outcome_moves_the_run_ends_it_or_stops_the_invocation() {
    let mut run = verified(false);
    let before = run.clone();
    assert_eq!(run.record(StepOutcome::Yield, T0), Ok(false));
    assert_eq!(run, before, "a yield changes nothing");
    let taken = RegistryRefusal::SlugTaken {
        slug: slug("outlet"),
    };
    assert_eq!(
        run.record(StepOutcome::Registry(taken.clone()), T0),
        Ok(true)
    );
    assert!(!run.is_done(), "a replay is tried again");
    assert_eq!(run.record(StepOutcome::Registry(taken), T0), Ok(true));
    assert!(run.is_done(), "the second refusal ends it");
    assert_eq!(
        run.status(T0).error.map(|e| e.code),
        Some("backup_registry_refused".into())
    );
    let mut run = verified(true);
    let wrong = StepOutcome::Done(Report::Resynced("synced".into()));
    assert_eq!(run.record(wrong, T0), Err(OutOfOrder));
    let refusal = RestoreRefusal::ThemeBodyMissing { version: 2 };
    assert_eq!(run.record(StepOutcome::Refused(refusal), T0), Ok(true));
    assert_eq!(run.status(T0).status, RestoreState::Refused);
}

#[test]
fn only_an_idle_unfinished_run_without_an_alarm_is_woken() {
    let mut run = verified(true);
    assert!(run.needs_wake(false, false));
    assert!(!run.needs_wake(true, false), "an invocation drives it");
    assert!(!run.needs_wake(false, true), "its alarm will");
    run.refused(&manifest_gone(), T0);
    assert!(!run.needs_wake(false, false), "done");
}
