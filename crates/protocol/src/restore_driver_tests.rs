use super::*;
use crate::restore_plan::tests::{
    Bucket as Objects, T0, backed_up, backup_id, check, key, record, shopper, slug,
};
use crate::wire::AskError;
use std::collections::{BTreeMap, HashMap};
use wandstore_backup::keys::{FileKind, file_key};
use wandstore_backup::{RestoreState, RestoreStatus};
use wandstore_core::cart::CartLine;
use wandstore_registry::Claim;

/// The shell's part, played against memory.
#[derive(Default)]
struct World {
    stored: Option<RestoreRun>,
    backups: Objects,
    themes: Objects,
    /// The cart index: shopper → the restore that last wrote its cart.
    index: BTreeMap<String, Option<String>>,
    carts: HashMap<String, Vec<CartLine>>,
    claims: Vec<Claim>,
    records: usize,
    theme_writes: Vec<Vec<Write>>,
    replaced: Vec<usize>,
    safety: Vec<BackupId>,
    /// Pages the safety backup still needs (0: it finishes when driven).
    safety_pages_left: u32,
    alarms: Vec<u64>,
    logs: Vec<String>,
    /// Fail the n-th (from 0) action of this kind.
    fail: Option<(&'static str, usize)>,
    /// The registry refuses this many claims.
    refusals: usize,
    /// The catalog's sync fails.
    sync_down: bool,
    /// The store has a record (what a start reads).
    existed: bool,
    seen: HashMap<&'static str, usize>,
}

fn kind(a: &RestoreAction) -> &'static str {
    match a {
        RestoreAction::Do(Effect::ReadJson(_)) => "load",
        RestoreAction::Do(Effect::OpenKey) => "key",
        RestoreAction::Do(Effect::Get { .. }) => "read",
        RestoreAction::Do(Effect::NewBackupId) => "begin_backup",
        RestoreAction::Do(Effect::DriveBackup { .. }) => "drive_backup",
        RestoreAction::Do(Effect::ListMarks { .. }) => "list_marks",
        RestoreAction::Do(Effect::ReplaceCarts { .. }) => "replace_carts",
        RestoreAction::Do(Effect::Claim { .. }) => "claim",
        RestoreAction::Do(Effect::SaveRecord(_)) => "save_record",
        RestoreAction::Do(Effect::ReadRecord | Effect::Forget(_)) => "record",
        RestoreAction::Do(Effect::WriteTheme(_)) => "write_theme",
        RestoreAction::Do(Effect::Write(w)) if w[0].sql == sc::SET_RESTORE_RUN => "save",
        RestoreAction::Do(Effect::Write(_)) => "write",
        RestoreAction::Do(Effect::Resync) => "resync",
        RestoreAction::Do(Effect::SetAlarm(_)) => "alarm",
        RestoreAction::Do(Effect::Log(_)) => "log",
        RestoreAction::Do(Effect::Put(_) | Effect::ListKeys(_) | Effect::Delete(_)) => "r2",
        RestoreAction::Do(Effect::ReadCarts { .. }) => "read_carts",
        RestoreAction::Do(Effect::ReadBase) => "base",
        RestoreAction::Done(_) => "done",
    }
}

/// The run a write stores.
fn stored(w: &Write) -> Option<RestoreRun> {
    match &w.args[0] {
        wandstore_storage::Value::Null => None,
        json => Some(serde_json::from_str(&text(json)).unwrap()),
    }
}

fn text(v: &wandstore_storage::Value) -> String {
    match v {
        wandstore_storage::Value::Text(t) => t.clone(),
        other => panic!("a text binding, not {other:?}"),
    }
}

/// A restore of a backup with `carts` carts (page size 2) into a store that `existed`,
/// whose index also holds one shopper the backup does not know.
fn world(carts: u32, existed: bool) -> World {
    let (backups, themes) = backed_up(carts);
    let run = RestoreRun::start(
        BackupId::new(T0 + 5, [3; 8]).unwrap(),
        &check(&backups),
        existed,
        2,
        T0,
    );
    let stranger = shopper(999);
    World {
        stored: Some(run),
        backups,
        themes,
        index: BTreeMap::from([(stranger.as_str().to_owned(), None)]),
        carts: HashMap::from([(stranger.as_str().to_owned(), Vec::new())]),
        existed,
        ..World::default()
    }
}

impl World {
    fn invoke(&mut self, now: u64) -> Result<Option<Box<RestoreRun>>, StoreError> {
        self.drive(RestoreDriver::new("rid-9"), now)
    }

    fn drive(
        &mut self,
        mut d: RestoreDriver,
        now: u64,
    ) -> Result<Option<Box<RestoreRun>>, StoreError> {
        for _ in 0..10_000 {
            let action = d.next(now);
            let k = kind(&action);
            let n = self.seen.entry(k).or_default();
            *n += 1;
            if k != "done" && self.fail == Some((k, *n - 1)) {
                d.on_result(RestoreInput::Failed(StoreError::Internal {
                    message: format!("{k} failed"),
                }));
                continue;
            }
            let input = match action {
                RestoreAction::Do(Effect::ReadJson(query)) => {
                    assert_eq!(query, sc::SELECT_RESTORE_RUN);
                    RestoreInput::Run(self.stored.clone().map(Box::new))
                }
                RestoreAction::Do(Effect::OpenKey) => RestoreInput::Key(key()),
                RestoreAction::Do(Effect::Get { bucket, key }) => {
                    let objects = match bucket {
                        Bucket::Backups => &self.backups,
                        Bucket::Themes => &self.themes,
                    };
                    RestoreInput::File(objects.get(&key).cloned())
                }
                RestoreAction::Do(Effect::NewBackupId) => {
                    RestoreInput::Backup(BackupId::new(now, [9; 8]).unwrap())
                }
                RestoreAction::Do(Effect::DriveBackup { pages }) => {
                    assert!(pages >= 1);
                    let used = pages.min(self.safety_pages_left);
                    self.safety_pages_left -= used;
                    let done = self.safety_pages_left == 0;
                    RestoreInput::Driven(Driven { done, pages: used })
                }
                RestoreAction::Do(Effect::ListMarks { after, limit }) => {
                    let after = after.map(|a| a.as_str().to_owned()).unwrap_or_default();
                    let page = self.index.iter().filter(|(s, _)| **s > after);
                    let page = page.take(limit as usize);
                    let page = page.map(|(s, m)| (ShopperId::parse(s).unwrap(), m.clone()));
                    RestoreInput::Marks(page.collect())
                }
                RestoreAction::Do(Effect::ReplaceCarts { store, carts }) => {
                    assert_eq!(store, slug());
                    assert!(carts.len() <= SHOPPERS_AT_ONCE);
                    self.replaced.push(carts.len());
                    for (s, lines) in carts {
                        self.carts.insert(s.as_str().to_owned(), lines);
                    }
                    RestoreInput::Ok
                }
                RestoreAction::Do(Effect::Claim { entry, claim }) => {
                    self.claims.push(claim);
                    if self.refusals > 0 {
                        self.refusals -= 1;
                        let slug = entry.slug.clone();
                        RestoreInput::Refused(RegistryRefusal::SlugTaken { slug })
                    } else {
                        RestoreInput::Ok
                    }
                }
                RestoreAction::Do(Effect::SaveRecord(r)) => {
                    assert_eq!(*r, record());
                    self.records += 1;
                    RestoreInput::Ok
                }
                RestoreAction::Do(Effect::WriteTheme(plan)) => {
                    self.theme_writes.push(plan);
                    RestoreInput::Ok
                }
                RestoreAction::Do(Effect::Write(plan)) => {
                    for w in plan {
                        if w.sql == sc::SET_RESTORE_RUN {
                            self.stored = stored(&w);
                            continue;
                        }
                        if w.sql == sc::SET_BACKUP_RUN {
                            let run: BackupRun = serde_json::from_str(&text(&w.args[0])).unwrap();
                            assert_eq!(
                                (&run.store, run.reason),
                                (&slug(), BackupReason::BeforeRestore)
                            );
                            self.safety.push(run.id);
                            continue;
                        }
                        let s = text(&w.args[0]);
                        if w.sql == sc::INDEX_RESTORED_CART {
                            self.index.insert(s, Some(text(&w.args[2])));
                        } else {
                            assert_eq!(w.sql, sc::UNINDEX_CART);
                            self.index.remove(&s);
                        }
                    }
                    RestoreInput::Ok
                }
                RestoreAction::Do(Effect::Resync) => RestoreInput::Synced(match self.sync_down {
                    true => Err(StoreError::CatalogUnavailable {
                        why: crate::store::Unavailable::upstream(
                            "shopify_down",
                            "down".into(),
                            None,
                        ),
                    }),
                    false => Ok(()),
                }),
                RestoreAction::Do(Effect::SetAlarm(ms)) => {
                    self.alarms.push(ms);
                    RestoreInput::Ok
                }
                RestoreAction::Do(Effect::Log(line)) => {
                    self.logs.push(line);
                    RestoreInput::Ok
                }
                RestoreAction::Do(Effect::Put(_) | Effect::ListKeys(_) | Effect::Delete(_)) => {
                    panic!("a restore writes nothing to R2")
                }
                RestoreAction::Do(Effect::ReadCarts { .. }) => panic!("a restore reads no cart"),
                RestoreAction::Do(Effect::ReadBase) => panic!("the safety backup reads its base"),
                RestoreAction::Do(Effect::ReadRecord) => RestoreInput::Existed(self.existed),
                RestoreAction::Do(Effect::Forget(_)) => {
                    panic!("a restore claims the record from the backup")
                }
                RestoreAction::Done(result) => return result,
            };
            d.on_result(input);
        }
        panic!("the driver never ended")
    }

    /// Invocations until the run is done (at most 20); the last status.
    fn until_done(&mut self) -> RestoreStatus {
        for i in 0..20 {
            let now = T0 + 1000 * (i + 1);
            if let Ok(Some(run)) = self.invoke(now)
                && run.is_done()
            {
                return run.status(now);
            }
        }
        panic!("the restore never finished")
    }

    fn logged(&self) -> Vec<serde_json::Value> {
        let lines = self.logs.iter().map(|l| serde_json::from_str(l).unwrap());
        lines
            .filter(|v: &serde_json::Value| v["msg"] == "backup.restore")
            .collect()
    }
}

#[test]
fn a_full_restore_verifies_backs_up_writes_clears_resyncs_and_logs() {
    let mut w = world(5, true);
    w.safety_pages_left = 1;
    let status = w.until_done();
    assert_eq!(status.status, RestoreState::Restored);
    assert_eq!((status.carts, status.cleared), (5, 1));
    assert_eq!(status.safety_backup, w.safety.first().cloned());
    assert_eq!(w.claims, [Claim::Update], "the store existed");
    assert_eq!(w.records, 1);
    let theme = &w.theme_writes[0];
    assert_eq!(theme[0].sql, sc::DELETE_THEME_VERSIONS);
    assert_eq!(theme.len(), 4, "delete, two versions, the pointer");
    assert_eq!(theme[3].sql, sc::SET_PUBLISHED);
    assert_eq!(theme[3].args[0], 2u64.into(), "version 2 is published");
    // Five carts in pages of 2, then the stranger's cleared.
    assert_eq!(w.replaced, [2, 2, 1, 1]);
    let run_id = BackupId::new(T0 + 5, [3; 8]).unwrap().to_string();
    assert_eq!(w.index.len(), 5, "the stranger left the index");
    assert!(
        w.index
            .values()
            .all(|m| m.as_deref() == Some(run_id.as_str()))
    );
    assert_eq!(w.carts[shopper(999).as_str()], Vec::new());
    assert_eq!(w.carts[shopper(3).as_str()].len(), 1);
    let logged = w.logged();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0]["outcome"], "restored");
    assert_eq!(logged[0]["request_id"], "rid-9");
    assert!(w.alarms.iter().all(|ms| *ms == NEXT_INVOCATION_MS));
    let invocations = w.alarms.len() + 1;
    assert!(
        (1..=invocations).contains(&w.seen["key"]),
        "the key once per invocation"
    );
}

#[test]
fn a_deleted_store_is_claimed_again_without_a_safety_backup() {
    let mut w = world(0, false);
    let status = w.until_done();
    assert_eq!(status.status, RestoreState::Restored);
    assert_eq!(w.claims, [Claim::Create]);
    assert!(w.safety.is_empty());
    assert_eq!(status.safety_backup, None);
}

#[test]
fn a_safety_backup_that_needs_more_pages_goes_on_in_the_next_invocation() {
    let mut w = world(1, true);
    w.safety_pages_left = 1000;
    let run = w.invoke(T0 + 1).unwrap().unwrap();
    assert_eq!(run.status(T0 + 1).phase, "safety_backup");
    assert_eq!(w.alarms, [NEXT_INVOCATION_MS]);
    assert_eq!(w.stored.as_ref(), Some(&*run), "stored as it stands");
    assert_eq!(w.seen.get("claim"), None, "nothing written yet");
}

#[test]
fn a_manifest_gone_mid_restore_refuses_the_rest() {
    let mut w = world(20, true);
    w.invoke(T0 + 1).unwrap();
    w.backups.remove(&manifest_key(&slug(), &backup_id()));
    let status = w.until_done();
    assert_eq!(status.status, RestoreState::Refused);
    assert_eq!(status.error.unwrap().code, manifest_gone().code());
    assert_eq!(w.logged()[0]["outcome"], manifest_gone().code());
}

#[test]
fn a_file_changed_after_verification_is_refused_before_its_carts_are_written() {
    let mut w = world(20, true);
    // Verify every file and take the safety backup, then change the second cart file.
    while !w.seen.contains_key("claim") {
        w.invoke(T0 + 1).unwrap();
    }
    let second = file_key(&slug(), &backup_id(), FileKind::Carts(1));
    let mut bytes = w.backups[&second].clone();
    bytes.push(b'\n');
    w.backups.insert(second, bytes);
    let status = w.until_done();
    assert_eq!(status.status, RestoreState::Refused);
    assert!(
        status.safety_backup.is_some(),
        "the safety backup undoes it"
    );
    assert!(status.carts < 20, "not every cart was written");
    assert_eq!(status.carts as usize, w.replaced.iter().sum::<usize>());
}

#[test]
fn a_missing_file_while_verifying_changes_nothing() {
    let mut w = world(5, true);
    let theme = file_key(&slug(), &backup_id(), FileKind::Theme);
    w.backups.remove(&theme);
    let status = w.until_done();
    assert_eq!(status.status, RestoreState::Refused);
    assert!(w.safety.is_empty() && w.claims.is_empty() && w.replaced.is_empty());
    assert!(w.stored.as_ref().unwrap().changed_nothing());
}

#[test]
fn a_failed_action_at_any_step_is_kept_in_the_status_and_retried() {
    for fail in [
        ("key", 0),
        ("read", 0),
        ("read", 4),
        ("begin_backup", 0),
        ("drive_backup", 0),
        ("claim", 0),
        ("save_record", 0),
        ("write_theme", 0),
        ("replace_carts", 1),
        ("write", 0),
        ("list_marks", 0),
        ("save", 2),
    ] {
        let mut w = world(5, true);
        w.fail = Some(fail);
        let mut failed = None;
        for i in 0..20 {
            let now = T0 + 1000 * (i + 1);
            match w.invoke(now) {
                Err(e) => {
                    failed = Some(e);
                    break;
                }
                Ok(run) if run.as_ref().is_some_and(|r| r.is_done()) => break,
                Ok(_) => {}
            }
        }
        let message = format!("{} failed", fail.0);
        assert_eq!(
            failed,
            Some(StoreError::Internal {
                message: message.clone()
            }),
            "{fail:?}"
        );
        assert_eq!(w.alarms.last(), Some(&RETRY_AFTER_MS), "{fail:?}");
        let status = w.stored.as_ref().unwrap().status(T0 + 60_000);
        assert_eq!(status.status, RestoreState::Running, "{fail:?}");
        assert_eq!(status.error.unwrap().code, "internal", "{fail:?}");
        w.fail = None;
        let status = w.until_done();
        assert_eq!(status.status, RestoreState::Restored, "{fail:?}");
        assert_eq!(status.carts, 5, "{fail:?}");
        assert_eq!(status.error, None, "{fail:?}: the problem is gone");
    }
}

#[test]
fn a_replayed_claim_flips_once_and_a_second_refusal_ends_the_run() {
    let mut w = world(0, true);
    w.refusals = 1;
    assert_eq!(w.until_done().status, RestoreState::Restored);
    assert_eq!(w.claims, [Claim::Update, Claim::Create]);
    let mut w = world(0, true);
    w.refusals = 2;
    let status = w.until_done();
    assert_eq!(status.status, RestoreState::Refused);
    assert_eq!(w.claims.len(), 2);
}

#[test]
fn no_stored_run_or_a_finished_one_ends_at_once() {
    let mut w = World::default();
    assert_eq!(w.invoke(T0), Ok(None));
    let mut w = world(0, false);
    let done = w.until_done();
    let actions: usize = w.seen.values().sum();
    let again = w.invoke(T0 + 99_000).unwrap().unwrap();
    assert_eq!(again.status(T0 + 99_000).status, done.status);
    assert_eq!(
        w.seen.values().sum::<usize>(),
        actions + 2,
        "load and done only"
    );
}

#[test]
fn failing_to_load_the_run_ends_without_an_alarm() {
    let mut w = world(0, false);
    w.fail = Some(("load", 0));
    assert!(w.invoke(T0).is_err());
    assert!(w.alarms.is_empty());
}

#[test]
fn an_answer_of_the_wrong_kind_is_a_bug_kept_in_the_status() {
    let w = world(0, false);
    let mut d = RestoreDriver::new("");
    assert_eq!(d.next(T0), load());
    d.on_result(RestoreInput::Run(w.stored.clone().map(Box::new)));
    assert_eq!(d.next(T0), RestoreAction::Do(Effect::OpenKey));
    d.on_result(RestoreInput::Synced(Ok(())));
    let RestoreAction::Do(Effect::Write(save)) = d.next(T0) else {
        panic!("the run is saved with its problem")
    };
    let run = stored(&save[0]).unwrap();
    assert_eq!(run.status(T0).error.unwrap().code, "internal");
    d.on_result(RestoreInput::Ok);
    assert_eq!(
        d.next(T0),
        RestoreAction::Do(Effect::SetAlarm(RETRY_AFTER_MS))
    );
    d.on_result(RestoreInput::Ok);
    assert!(matches!(
        d.next(T0),
        RestoreAction::Done(Err(StoreError::Internal { .. }))
    ));
    assert!(matches!(d.next(T0), RestoreAction::Done(Err(_))), "spent");
}

fn asked() -> RestoreBackup {
    RestoreBackup {
        store: slug(),
        backup: backup_id(),
        base_domain: "example.com".into(),
        local_upstreams: false,
        now_ms: T0,
    }
}

fn facts() -> StartFacts {
    StartFacts {
        restore_active: false,
        backup_running: false,
        page_size: 2,
    }
}

/// Starts a restore of `world`'s backup (its stored run is dropped first).
fn start(w: &mut World, facts: StartFacts) -> Result<Option<Box<RestoreRun>>, StoreError> {
    w.stored = None;
    let driver = RestoreDriver::start(&asked(), facts, T0, "rid-1")?;
    w.drive(driver, T0)
}

#[test]
fn a_start_checks_the_manifest_once_stores_the_run_and_goes_on() {
    let mut w = world(20, true);
    let run = start(&mut w, facts()).unwrap().unwrap();
    assert_eq!(w.stored.as_ref(), Some(&*run));
    assert!(!w.seen.contains_key("load"), "the run is new, not loaded");
    assert_eq!(
        w.seen["key"], 1,
        "one key, one manifest for the whole invocation"
    );
    let status = run.status(T0);
    assert_eq!(status.status, RestoreState::Running);
    assert!(status.carts > 0, "it went as far as the invocation allows");
    assert_eq!(w.alarms, [NEXT_INVOCATION_MS]);
    assert_eq!(w.until_done().status, RestoreState::Restored);
}

#[test]
fn a_start_reads_the_record_then_takes_an_id_then_opens_the_key() {
    for existed in [true, false] {
        let mut w = world(0, existed);
        w.stored = None;
        let mut d = RestoreDriver::start(&asked(), facts(), T0, "").unwrap();
        assert_eq!(d.next(T0), RestoreAction::Do(Effect::ReadRecord));
        d.on_result(IoResult::Record(existed.then(|| Box::new(record()))).into());
        assert_eq!(d.next(T0), RestoreAction::Do(Effect::NewBackupId));
        let id = BackupId::new(T0 + 7, [4; 8]).unwrap();
        d.on_result(RestoreInput::Backup(id.clone()));
        assert_eq!(d.next(T0), RestoreAction::Do(Effect::OpenKey));
        d.on_result(RestoreInput::Key(key()));
        let run = w.drive(d, T0).unwrap().unwrap();
        assert_eq!(w.seen.get("record"), None, "read once, before the manifest");
        assert_eq!(run.id, id, "the run takes the id it asked for");
        assert_eq!(
            w.claims,
            [if existed {
                Claim::Update
            } else {
                Claim::Create
            }]
        );
    }
}

#[test]
fn a_start_answered_out_of_order_is_a_bug_that_stores_nothing() {
    let mut w = world(0, true);
    w.stored = None;
    let mut d = RestoreDriver::start(&asked(), facts(), T0, "").unwrap();
    assert_eq!(d.next(T0), RestoreAction::Do(Effect::ReadRecord));
    d.on_result(RestoreInput::Key(key()));
    assert!(matches!(
        d.next(T0),
        RestoreAction::Done(Err(StoreError::Internal { .. }))
    ));
    assert_eq!(w.stored, None);
}

#[test]
fn a_start_that_conflicts_is_refused_before_any_io() {
    let mut busy = facts();
    busy.restore_active = true;
    let code = |e: StoreError| EdgeError::from(e).code;
    let refused = RestoreDriver::start(&asked(), busy, T0, "").err().map(code);
    assert_eq!(refused.as_deref(), Some("restore_in_progress"));
    let mut backing_up = facts();
    backing_up.backup_running = true;
    let refused = RestoreDriver::start(&asked(), backing_up, T0, "")
        .err()
        .map(code);
    assert_eq!(refused.as_deref(), Some("backup_in_progress"));
}

#[test]
fn a_start_without_the_backup_or_with_a_tampered_manifest_stores_nothing() {
    let mut w = world(1, true);
    w.backups.remove(&manifest_key(&slug(), &backup_id()));
    let missing = start(&mut w, facts()).unwrap_err();
    assert_eq!(EdgeError::from(missing).code, "backup_not_found");
    assert_eq!(w.stored, None);
    assert!(w.logs.is_empty());
    let mut w = world(1, true);
    let manifest = manifest_key(&slug(), &backup_id());
    w.backups
        .insert(manifest, b"{\"schema_version\":1}".to_vec());
    let refused = start(&mut w, facts()).unwrap_err();
    assert!(matches!(refused, StoreError::BackupRefused { .. }));
    assert_eq!(w.stored, None);
    let logged = w.logged();
    assert_eq!(logged.len(), 1, "the refusal is logged");
    assert_eq!(logged[0]["request_id"], "rid-1");
}

#[test]
fn a_start_that_fails_before_writing_drops_its_run_and_answers_the_error() {
    let first_begin = [("record", 0), ("begin_backup", 0), ("key", 0), ("read", 0)];
    for fail in first_begin
        .into_iter()
        .chain([("read", 2), ("begin_backup", 1)])
    {
        let mut w = world(1, true);
        w.fail = Some(fail);
        let failed = start(&mut w, facts());
        assert!(failed.is_err(), "{fail:?}");
        assert_eq!(w.stored, None, "{fail:?}: the operator simply tries again");
    }
}

#[test]
fn a_start_that_fails_after_writing_answers_the_run_with_its_problem() {
    let mut w = world(20, false);
    w.fail = Some(("replace_carts", 0));
    let run = start(&mut w, facts()).unwrap().unwrap();
    assert_eq!(w.stored.as_ref(), Some(&*run), "kept for the alarm");
    assert!(!run.changed_nothing());
    let status = run.status(T0);
    assert_eq!(status.status, RestoreState::Running);
    assert_eq!(status.error.unwrap().code, "internal");
    assert_eq!(w.alarms.last(), Some(&RETRY_AFTER_MS));
    w.fail = None;
    assert_eq!(w.until_done().status, RestoreState::Restored);
}

#[test]
fn a_registry_that_fails_fails_the_step_and_a_sync_that_fails_does_not() {
    let mut w = world(0, true);
    let mut d = RestoreDriver::new("");
    // Play up to the claim, then answer it with a failure (not a refusal).
    let mut failed = None;
    for _ in 0..200 {
        match d.next(T0) {
            RestoreAction::Do(Effect::Claim { .. }) => {
                let down = AskError::<RegistryRefusal>::Broken("registry restarting".into());
                d.on_result(RestoreInput::Failed(down.into()));
            }
            RestoreAction::Done(result) => {
                failed = Some(result);
                break;
            }
            RestoreAction::Do(Effect::ReadJson(_)) => {
                d.on_result(RestoreInput::Run(w.stored.clone().map(Box::new)))
            }
            RestoreAction::Do(Effect::OpenKey) => d.on_result(RestoreInput::Key(key())),
            RestoreAction::Do(Effect::Get { key, .. }) => {
                let file = w.backups.get(&key).or(w.themes.get(&key)).cloned();
                d.on_result(RestoreInput::File(file));
            }
            RestoreAction::Do(Effect::NewBackupId) => {
                d.on_result(RestoreInput::Backup(backup_id()))
            }
            RestoreAction::Do(Effect::DriveBackup { .. }) => {
                d.on_result(RestoreInput::Driven(Driven {
                    done: true,
                    pages: 1,
                }))
            }
            _ => d.on_result(RestoreInput::Ok),
        }
    }
    assert!(matches!(failed, Some(Err(_))), "{failed:?}");
    w.sync_down = true;
    let status = w.until_done();
    assert_eq!(status.status, RestoreState::Restored, "the restore stands");
    assert_eq!(status.catalog.as_deref(), Some("shopify_down"));
}

#[test]
fn the_shared_results_map_onto_the_restores_inputs() {
    let file = RestoreInput::from(IoResult::File(Some(b"x".to_vec())));
    assert!(matches!(file, RestoreInput::File(Some(f)) if f == b"x"));
    assert!(matches!(
        RestoreInput::from(IoResult::Marks(vec![])),
        RestoreInput::Marks(_)
    ));
    assert!(matches!(RestoreInput::from(IoResult::Ok), RestoreInput::Ok));
    let down = StoreError::Internal {
        message: "r2 down".into(),
    };
    let failed = RestoreInput::from(IoResult::Failed(down.clone()));
    assert!(matches!(failed, RestoreInput::Failed(e) if e == down));
    let damaged = RestoreInput::from(IoResult::Json(Some("{damaged".into())));
    assert!(
        matches!(damaged, RestoreInput::Failed(StoreError::Internal { message }) if message.contains("unreadable"))
    );
    assert!(matches!(
        RestoreInput::from(IoResult::Json(None)),
        RestoreInput::Run(None)
    ));
    let refused = RegistryRefusal::SlugTaken { slug: slug() };
    let refused = RestoreInput::from(IoResult::Refused(refused));
    assert!(matches!(
        refused,
        RestoreInput::Refused(RegistryRefusal::SlugTaken { .. })
    ));
    let unasked = RestoreInput::from(IoResult::Keys(vec![]));
    assert!(matches!(unasked, RestoreInput::Unasked("Keys")));
    // A result the restore never asks for fails the step, it does not panic.
    let mut w = World::default();
    let mut d = RestoreDriver::new("rid");
    assert_eq!(d.next(T0), load());
    d.on_result(IoResult::Taken.into());
    let mut ended = None;
    for _ in 0..20 {
        match d.next(T0) {
            RestoreAction::Done(result) => {
                ended = Some(result);
                break;
            }
            RestoreAction::Do(Effect::Log(line)) => {
                w.logs.push(line);
                d.on_result(RestoreInput::Ok);
            }
            _ => d.on_result(RestoreInput::Ok),
        }
    }
    assert!(ended.is_some(), "the invocation ends");
}
