use super::*;
use crate::backup_base::store_base_files;
use crate::theme::{ThemeVersion, theme_key};
use std::collections::HashMap;
use wandstore_backup::keys::manifest_key;
use wandstore_backup::ndjson::sha256_hex;
use wandstore_backup::run::Step;
use wandstore_backup::run_steps::cart_page;
use wandstore_backup::{BackupReason, BackupRun, RestoreState, ShopperCart};
use wandstore_core::cart::CartLine;
use wandstore_core::identity::ShopperId;
use wandstore_core::money::{Currency, Money};
use wandstore_registry::Claim;

pub(crate) const T0: u64 = 1_795_903_200_000;

pub(crate) type Bucket = HashMap<String, Vec<u8>>;

pub(crate) fn slug() -> StoreSlug {
    StoreSlug::parse("outlet").unwrap()
}

pub(crate) fn key() -> BackupKey {
    BackupKey::derive("a-backup-secret-of-at-least-32-bytes!").unwrap()
}

pub(crate) fn backup_id() -> BackupId {
    BackupId::new(T0, [7; 8]).unwrap()
}

pub(crate) fn record() -> StoreRecord {
    let json = serde_json::json!({
        "slug": "outlet", "display_name": "The Outlet", "currency": "EUR",
        "shopify_domain": "outlet.myshopify.com", "api_version": "2025-07",
        "token_kind": "private", "storefront_token": "shpat_0123456789secret",
        "owner_token_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "custom_domains": ["shop.example.com"],
        "created_at_ms": 1_700_000_000_000u64, "updated_at_ms": 1_700_000_500_000u64,
    });
    StoreRecord::from_storage_json(&json.to_string()).unwrap()
}

pub(crate) fn published_body() -> Vec<u8> {
    Theme::default().to_stored()
}

fn version(v: u32, body: &[u8]) -> ThemeVersion {
    ThemeVersion {
        version: v,
        author: "owner".into(),
        created_at_ms: T0 - 1000,
        size: body.len() as u64,
        sha256: sha256_hex(body),
        rolled_back_from: None,
    }
}

pub(crate) fn shopper(n: u32) -> ShopperId {
    ShopperId::parse(&format!("{n:032x}")).unwrap()
}

pub(crate) fn cart(n: u32) -> ShopperCart {
    let line = CartLine {
        variant_id: format!("gid://shopify/ProductVariant/{n}"),
        product_handle: format!("product-{n}"),
        title: format!("Product {n}"),
        quantity: n + 1,
        unit_price_when_added: Money::new(1250, Currency::USD),
        added_at_ms: T0,
    };
    ShopperCart {
        shopper: shopper(n),
        lines: vec![line],
    }
}

/// A backup of the store with `carts` carts (page size 200), as the object writes it, and
/// THEMES holding version 2's body.
pub(crate) fn backed_up(carts: u32) -> (Bucket, Bucket) {
    let mut run = BackupRun::start(slug(), backup_id(), BackupReason::Manual, T0, 200);
    let mut bucket = Bucket::new();
    let carts: Vec<ShopperCart> = (0..carts).map(cart).collect();
    loop {
        match run.next_step() {
            Step::WriteBase => {
                let newest_first = vec![version(2, &published_body()), version(1, b"old")];
                let base =
                    store_base_files(&record(), &key(), [1; 24], Some(2), newest_first).unwrap();
                for (file, k) in base.files.iter().zip(run.base_keys()) {
                    bucket.insert(k, file.bytes.clone());
                }
                run.base_written(base.files.map(|f| f.entry), base.theme_versions, T0)
                    .unwrap();
            }
            Step::CartPage { page, key: k, .. } => {
                let written = cart_page(page, &carts).unwrap();
                if let Some((file, _)) = &written.file {
                    bucket.insert(k, file.bytes.clone());
                }
                let listed: Vec<ShopperId> = carts.iter().map(|c| c.shopper.clone()).collect();
                run.page_read(&listed, written.file.map(|(f, n)| (f.entry, n)), T0)
                    .unwrap();
            }
            Step::WriteManifest { key: k, manifest } => {
                bucket.insert(k, manifest.to_json());
                run.manifest_written(T0).unwrap();
            }
            Step::Done => break,
        }
    }
    let themes = Bucket::from([(theme_key("outlet", 2), published_body())]);
    (bucket, themes)
}

pub(crate) fn check(bucket: &Bucket) -> RestoreCheck {
    let manifest = &bucket[&manifest_key(&slug(), &backup_id())];
    RestoreCheck::from_manifest(manifest, &slug(), &backup_id()).unwrap()
}

/// The shell's part of a file step: read the keys, open, read the body, finish.
fn plan(
    run: &RestoreRun,
    step: &RestoreStep,
    bucket: &Bucket,
    themes: &Bucket,
) -> Result<FilePlan, RestoreRefusal> {
    let files: Vec<Option<Vec<u8>>> = step
        .backup_keys()
        .iter()
        .map(|k| bucket.get(k).cloned())
        .collect();
    let opened = open(run, step, &check(bucket), &key(), &files)?;
    let body = opened
        .theme_body_key(&run.store)
        .and_then(|k| themes.get(&k).cloned());
    opened.finish(body)
}

/// Plays a restore's file steps (and reports the others as done) until `stop` says so or a
/// refusal; answers the plans made and the run.
fn play(
    existed: bool,
    bucket: &Bucket,
    themes: &Bucket,
) -> (Vec<FilePlan>, RestoreRun, Option<RestoreRefusal>) {
    let mut run = RestoreRun::start(
        BackupId::new(T0 + 5, [3; 8]).unwrap(),
        &check(bucket),
        existed,
        2,
        T0,
    );
    let mut plans = Vec::new();
    loop {
        let step = run.next_step();
        let report = match &step {
            RestoreStep::Done => return (plans, run, None),
            RestoreStep::StartSafetyBackup => Report::SafetyBackupStarted(backup_id()),
            RestoreStep::FinishSafetyBackup { id } => Report::SafetyBackupTaken(id.clone()),
            RestoreStep::ClearOthers { .. } => run.clear_plan(Vec::new()).report,
            RestoreStep::Resync => Report::Resynced("synced".into()),
            _ => match plan(&run, &step, bucket, themes) {
                Err(r) => return (plans, run, Some(r)),
                Ok(p) => {
                    let report = match &p {
                        FilePlan::Verified(r) => r.clone(),
                        FilePlan::Store(w) => w.report.clone(),
                        FilePlan::Carts(w) => w.report.clone(),
                    };
                    plans.push(p);
                    report
                }
            },
        };
        run.report(report, T0).unwrap();
    }
}

#[test]
fn a_good_backup_plans_the_store_then_its_carts_page_by_page() {
    let (bucket, themes) = backed_up(3);
    let (plans, run, refused) = play(true, &bucket, &themes);
    assert_eq!(refused, None);
    let verified = plans
        .iter()
        .filter(|p| matches!(p, FilePlan::Verified(_)))
        .count();
    assert_eq!(verified, 4, "store, theme, settings, one cart file");
    let Some(FilePlan::Store(store)) = plans.get(4) else {
        panic!("the store's writes come after verification: {plans:?}");
    };
    assert_eq!(store.entry.claim, Claim::Update, "the store exists");
    assert_eq!(store.record, record(), "the token is opened again");
    assert_eq!(store.entry.entry, RegistryEntry::from(&record()));
    let versions: Vec<u32> = store.theme.versions.iter().map(|(v, _)| *v).collect();
    assert_eq!(versions, vec![1, 2], "oldest first");
    assert_eq!(store.theme.published, Some(2));
    assert_eq!(
        store.theme.body.as_deref().map(str::as_bytes),
        Some(published_body().as_slice())
    );
    let carts: Vec<&CartWrite> = plans
        .iter()
        .filter_map(|p| match p {
            FilePlan::Carts(w) => Some(w),
            _ => None,
        })
        .collect();
    assert_eq!(carts.len(), 2, "3 carts in pages of 2");
    assert_eq!(carts[0].carts.len(), 2);
    assert_eq!(carts[1].carts[0].0, shopper(2));
    assert_eq!(carts[0].index, IndexWrite::Mark(run.id.to_string()));
    let status = run.status(T0);
    assert_eq!(status.status, RestoreState::Restored);
    assert_eq!((status.carts, status.cart_lines), (3, 3));
    assert_eq!(
        (status.theme_versions, status.published_theme),
        (2, Some(2))
    );
}

#[test]
fn an_empty_store_has_no_cart_step_and_a_deleted_one_is_claimed_again() {
    let (bucket, themes) = backed_up(0);
    let (plans, run, refused) = play(false, &bucket, &themes);
    assert_eq!(refused, None);
    assert!(!plans.iter().any(|p| matches!(p, FilePlan::Carts(_))));
    let Some(FilePlan::Store(store)) = plans.last() else {
        panic!("the store is written: {plans:?}");
    };
    assert_eq!(store.entry.claim, Claim::Create);
    assert_eq!(run.status(T0).carts, 0);
}

#[test]
fn a_file_missing_mid_restore_is_refused_before_its_writes() {
    let (mut bucket, themes) = backed_up(3);
    let mut run = RestoreRun::start(
        BackupId::new(T0 + 5, [3; 8]).unwrap(),
        &check(&bucket),
        false,
        2,
        T0,
    );
    while let step @ RestoreStep::Verify { .. } = run.next_step() {
        let FilePlan::Verified(r) = plan(&run, &step, &bucket, &themes).unwrap() else {
            panic!("verify writes nothing");
        };
        run.report(r, T0).unwrap();
    }
    // Verified whole; then the cart file goes away (or changes) before its step.
    let store_step = run.next_step();
    let FilePlan::Store(w) = plan(&run, &store_step, &bucket, &themes).unwrap() else {
        panic!("the store's writes");
    };
    run.report(w.report, T0).unwrap();
    let carts_step = run.next_step();
    let key = carts_step.backup_keys().remove(0);
    let bytes = bucket.remove(&key).unwrap();
    let missing = plan(&run, &carts_step, &bucket, &themes).unwrap_err();
    assert_eq!(missing.code(), "backup_file_missing");
    let mut changed = bytes.clone();
    changed[0] ^= 1;
    bucket.insert(key.clone(), changed);
    let changed = plan(&run, &carts_step, &bucket, &themes).unwrap_err();
    assert_eq!(changed.code(), "backup_checksum_mismatch");
    bucket.insert(key, bytes);
    assert!(plan(&run, &carts_step, &bucket, &themes).is_ok());
}

#[test]
fn the_published_body_must_be_there_unchanged_and_a_theme() {
    let (bucket, themes) = backed_up(1);
    let body_key = theme_key("outlet", 2);
    for (themes, code) in [
        (Bucket::new(), "backup_theme_body_missing"),
        (
            Bucket::from([(body_key.clone(), b"{}".to_vec())]),
            "backup_theme_body_changed",
        ),
    ] {
        let (plans, run, refused) = play(true, &bucket, &themes);
        assert_eq!(refused.map(|r| r.code()), Some(code));
        assert_eq!(plans.len(), 1, "refused at the theme's verification");
        assert!(run.changed_nothing());
    }
    assert_eq!(play(true, &bucket, &themes).2, None);
}

#[test]
fn a_published_body_that_is_not_a_stored_theme_is_refused() {
    let not_a_theme = br#"{"hello":"world"}"#.to_vec();
    let theme = ThemeToRestore {
        versions: vec![version(1, &not_a_theme)],
        published: Some(version(1, &not_a_theme)),
    };
    let refused = theme_rows(&theme, Some(not_a_theme)).unwrap_err();
    assert_eq!(refused.code(), "backup_theme_unreadable");
    let nothing_published = ThemeToRestore {
        versions: vec![],
        published: None,
    };
    let rows = theme_rows(&nothing_published, None).unwrap();
    assert_eq!((rows.published, rows.body), (None, None));
}

#[test]
fn a_step_without_files_or_with_garbage_is_refused_not_planned() {
    let (bucket, _) = backed_up(1);
    let run = RestoreRun::start(backup_id(), &check(&bucket), true, 2, T0);
    for step in [RestoreStep::Resync, RestoreStep::StartSafetyBackup] {
        let e = open(&run, &step, &check(&bucket), &key(), &[]).unwrap_err();
        assert_eq!(e.code(), "backup_bad_file_list");
    }
    let step = run.next_step();
    let garbage = open(
        &run,
        &step,
        &check(&bucket),
        &key(),
        &[Some(b"{{{".to_vec())],
    );
    assert!(garbage.is_err());
    let nothing = open(&run, &step, &check(&bucket), &key(), &[]);
    assert_eq!(nothing.unwrap_err().code(), "backup_file_missing");
    let wrong_key = BackupKey::derive("another-secret-of-at-least-32-bytes!!").unwrap();
    let files = vec![bucket.get(&step.backup_keys()[0]).cloned()];
    let sealed = open(&run, &step, &check(&bucket), &wrong_key, &files).unwrap_err();
    assert_eq!(sealed.code(), "backup_record_unreadable");
}

#[test]
fn a_restore_waits_for_a_running_restore_or_backup() {
    let code = |r: Result<(), StoreError>| match r {
        Err(StoreError::Conflict { code, .. }) => Some(code),
        _ => None,
    };
    assert_eq!(code(start_conflict(false, false)), None);
    assert_eq!(
        code(start_conflict(true, true)).as_deref(),
        Some("restore_in_progress")
    );
    assert_eq!(
        code(start_conflict(false, true)).as_deref(),
        Some("backup_in_progress")
    );
    assert_eq!(
        crate::EdgeError::from(start_conflict(true, false).unwrap_err()).status,
        409
    );
}

#[test]
fn the_starting_request_answers_an_early_refusal_as_an_error_and_else_the_status() {
    let (bucket, _) = backed_up(1);
    let mut run = RestoreRun::start(backup_id(), &check(&bucket), true, 2, T0);
    let status = start_answer(&run, T0).unwrap();
    assert_eq!(status.status, RestoreState::Running);
    run.refused(&RestoreRefusal::ThemeBodyMissing { version: 2 }, T0);
    let e = crate::EdgeError::from(start_answer(&run, T0).unwrap_err());
    assert_eq!(
        (e.status, e.code.as_str()),
        (422, "backup_theme_body_missing")
    );
    let never = crate::EdgeError::from(no_restore());
    assert_eq!((never.status, never.code.as_str()), (404, "no_restore"));
    let gone = crate::EdgeError::from(backup_not_found(&slug(), &backup_id()));
    assert_eq!((gone.status, gone.code.as_str()), (404, "backup_not_found"));
    let r = crate::EdgeError::from(refused(&RestoreRefusal::Registry("taken".into())));
    assert_eq!(
        (r.status, r.code.as_str()),
        (422, "backup_registry_refused")
    );
}

#[test]
fn the_status_route_answers_the_stored_run_and_wakes_it_only_when_lost() {
    let none = shown(None, false, false, T0).unwrap_err();
    assert_eq!(crate::EdgeError::from(none).code, "no_restore");
    let (bucket, _) = backed_up(1);
    let run = RestoreRun::start(backup_id(), &check(&bucket), true, 2, T0);
    let (status, wake) = shown(Some(run.clone()), false, false, T0 + 1).unwrap();
    assert_eq!(status, run.status(T0 + 1));
    assert!(
        wake,
        "a running restore with no alarm and no invocation is woken"
    );
    for (driving, alarm_set) in [(true, false), (false, true), (true, true)] {
        let (_, wake) = shown(Some(run.clone()), driving, alarm_set, T0).unwrap();
        assert!(!wake, "driving {driving}, alarm {alarm_set}");
    }
}
