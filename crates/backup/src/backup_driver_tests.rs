use super::*;
use crate::contents::{ShopperCart, base_files, seal_record};
use crate::keys::{FileKind, file_key};
use crate::manifest::BackupReason;
use crate::restore::RestoreCheck;
use crate::run::{ABANDON_AFTER_MS, DEFAULT_PAGE_SIZE};
use crate::run_steps::StartSkip;
use crate::test_support::{T0, backup_id, key, record, settings, shopper, shoppers, slug, theme};
use std::collections::{BTreeMap, HashMap};

/// The shell's part, played against memory: the stored run, the cart index, the bucket.
#[derive(Default)]
struct World {
    stored: Option<BackupRun>,
    index: BTreeMap<String, ShopperCart>,
    bucket: BTreeMap<String, (Vec<u8>, Option<String>)>,
    writes: Vec<Write>,
    alarms: Vec<u64>,
    logs: Vec<String>,
    asked: Vec<usize>,
    /// Fail the n-th (from 0) action of this kind.
    fail: Option<(&'static str, usize)>,
    seen: HashMap<&'static str, usize>,
    /// A shopper whose object does not answer.
    silent: Option<ShopperId>,
    policy: RetentionPolicy,
}

fn kind(a: &BackupAction<String>) -> &'static str {
    match a {
        BackupAction::Do(Effect::ReadJson(_)) => "load",
        BackupAction::Do(Effect::ReadBase) => "base",
        BackupAction::Do(Effect::ListMarks { .. }) => "list_carts",
        BackupAction::Do(Effect::ReadCarts { .. }) => "ask",
        BackupAction::Do(Effect::ReplaceCarts { .. }) => "replace",
        BackupAction::Do(Effect::Claim { .. }) => "claim",
        BackupAction::Do(Effect::Put(_)) => "put",
        BackupAction::Do(Effect::Write(w)) if w[0].sql == sc::SET_BACKUP_RUN => "save",
        BackupAction::Do(Effect::Write(_)) => "write",
        BackupAction::Do(Effect::ListKeys(_)) => "list_keys",
        BackupAction::Do(Effect::Delete(_)) => "delete",
        BackupAction::Do(Effect::Get { .. }) => "get",
        BackupAction::Do(Effect::SetAlarm(_)) => "alarm",
        BackupAction::Do(Effect::Log(_)) => "log",
        BackupAction::Do(
            Effect::OpenKey
            | Effect::NewBackupId
            | Effect::DriveBackup { .. }
            | Effect::SaveRecord(_)
            | Effect::ReadRecord
            | Effect::Forget(_)
            | Effect::WriteTheme(_)
            | Effect::Resync,
        ) => "restore",
        BackupAction::Done(_) => "done",
    }
}

fn started(reason: BackupReason, at: u64, page_size: u32) -> BackupRun {
    BackupRun::start(slug("outlet"), backup_id(7), reason, at, page_size)
}

fn world(n: u32, page_size: u32) -> World {
    World {
        stored: Some(started(BackupReason::Manual, T0, page_size)),
        index: shoppers(n),
        policy: RetentionPolicy::default(),
        ..World::default()
    }
}

impl World {
    fn invoke(&mut self, pages: u32, now: u64) -> Result<Driven, String> {
        let mut d = BackupDriver::<String>::new(pages, "outlet", self.policy, "rid-1");
        for _ in 0..100_000 {
            let action = d.next(now);
            let k = kind(&action);
            let n = self.seen.entry(k).or_default();
            *n += 1;
            if k != "done" && self.fail == Some((k, *n - 1)) {
                d.on_result(Input::Failed(format!("{k} failed")));
                continue;
            }
            let input = match action {
                BackupAction::Do(Effect::ReadJson(query)) => {
                    assert_eq!(query, sc::SELECT_BACKUP_RUN);
                    Input::Run(self.stored.clone())
                }
                BackupAction::Do(Effect::ReadBase) => {
                    let sealed = seal_record(&record("outlet"), &key(), [1; 24]).expect("seal");
                    Input::Base(base_files(&sealed, &theme(), &settings()).expect("base"))
                }
                BackupAction::Do(Effect::ListMarks { after, limit }) => {
                    let after = after.map(|a| a.as_str().to_owned()).unwrap_or_default();
                    let listed = self.index.keys().filter(|s| **s > after);
                    let listed = listed.take(limit as usize).map(|s| ShopperId::parse(s));
                    Input::Listed(listed.map(|s| (s.expect("id"), None)).collect())
                }
                BackupAction::Do(Effect::ReplaceCarts { .. } | Effect::Claim { .. }) => {
                    panic!("a backup replaces no cart and claims nothing")
                }
                BackupAction::Do(Effect::ReadCarts { store, shoppers }) => {
                    assert_eq!(store, slug("outlet"));
                    self.asked.push(shoppers.len());
                    if shoppers.iter().any(|s| Some(s) == self.silent.as_ref()) {
                        Input::Failed("a shopper object did not answer".into())
                    } else {
                        let carts = shoppers
                            .iter()
                            .map(|s| self.index[s.as_str()].lines.clone());
                        Input::Carts(carts.collect())
                    }
                }
                BackupAction::Do(Effect::Put(put)) => {
                    let ObjectPut {
                        bucket,
                        key,
                        bytes,
                        content_type,
                        mut metadata,
                        sha256,
                        only_if_new,
                    } = *put;
                    assert_eq!(bucket, crate::store_io::Bucket::Backups);
                    assert!(sha256.is_none() && !only_if_new);
                    let summary = metadata.remove(crate::manifest::SUMMARY_METADATA);
                    assert!(metadata.is_empty(), "only the summary");
                    let json = key.starts_with("manifests/");
                    let expected = ["application/x-ndjson", "application/json"][usize::from(json)];
                    assert_eq!(content_type, expected, "{key}");
                    self.bucket.insert(key, (bytes, summary));
                    Input::Ok
                }
                BackupAction::Do(Effect::Write(plan)) => {
                    for w in &plan {
                        let text = |v: &wandstore_storage::Value| match v {
                            wandstore_storage::Value::Text(s) => Some(s.clone()),
                            _ => None,
                        };
                        if w.sql == sc::SET_BACKUP_RUN {
                            let json = text(&w.args[0]);
                            self.stored = json.map(|j| serde_json::from_str(&j).expect("a run"));
                        } else if w.sql == sc::UNINDEX_CART_UNCHANGED_SINCE {
                            self.index.remove(&text(&w.args[0]).expect("a shopper id"));
                        }
                    }
                    self.writes.extend(plan);
                    Input::Ok
                }
                BackupAction::Do(Effect::ListKeys(prefix)) => {
                    let keys = self.bucket.keys().filter(|k| k.starts_with(&prefix));
                    Input::Keys(keys.cloned().collect())
                }
                BackupAction::Do(Effect::Delete(keys)) => {
                    for k in keys {
                        self.bucket.remove(&k);
                    }
                    Input::Ok
                }
                BackupAction::Do(Effect::SetAlarm(ms)) => {
                    self.alarms.push(ms);
                    Input::Ok
                }
                BackupAction::Do(Effect::Log(line)) => {
                    self.logs.push(line);
                    Input::Ok
                }
                BackupAction::Do(Effect::Get { .. }) => Input::from(IoResult::File(None)),
                BackupAction::Do(other) => panic!("a backup never asks for {other:?}"),
                BackupAction::Done(result) => return result,
            };
            d.on_result(input);
        }
        panic!("the driver never ended")
    }

    fn manifest(&self) -> Option<&[u8]> {
        let key = crate::keys::manifest_key(&slug("outlet"), &backup_id(7));
        self.bucket.get(&key).map(|(b, _)| b.as_slice())
    }

    fn logged(&self, msg: &str) -> Vec<serde_json::Value> {
        let lines = self
            .logs
            .iter()
            .map(|l| serde_json::from_str(l).expect("json"));
        lines
            .filter(|v: &serde_json::Value| v["msg"] == msg)
            .collect()
    }

    fn puts(&self) -> usize {
        self.seen.get("put").copied().unwrap_or(0)
    }
}

fn done(pages: u32) -> Result<Driven, String> {
    Ok(Driven { done: true, pages })
}

#[test]
fn a_full_run_writes_every_file_asks_25_shoppers_at_a_time_and_clears_the_run() {
    let mut w = world(70, 60);
    assert_eq!(w.invoke(10, T0 + 5), done(2));
    assert_eq!(w.asked, [25, 25, 10, 10], "two pages, asked in batches");
    let store = slug("outlet");
    let id = backup_id(7);
    let data = crate::keys::data_prefix(&store, &id);
    let files: Vec<_> = w
        .bucket
        .iter()
        .filter(|(k, _)| k.starts_with(&data))
        .collect();
    assert_eq!(files.len(), 5, "store, theme, settings and two cart pages");
    let summaries = files.iter().filter(|(_, (_, summary))| summary.is_some());
    assert_eq!(summaries.count(), 0, "a data file has no summary");
    let manifest = w.manifest().expect("manifest written");
    let check = RestoreCheck::from_manifest(manifest, &store, &id).expect("a valid manifest");
    assert_eq!(check.manifest().counts.files, 5);
    assert_eq!(
        check.manifest().counts.carts,
        47,
        "the 70 less every third (empty)"
    );
    let summary = &w.bucket[&crate::keys::manifest_key(&store, &id)].1;
    assert!(
        summary
            .as_deref()
            .is_some_and(|s| s.contains("\"carts\":47"))
    );
    assert_eq!(w.stored, None, "a finished run is cleared");
    assert!(w.alarms.is_empty(), "nothing left to continue");
    assert_eq!(w.index.len(), 47, "the emptied shoppers left the index");
    let last = Write::new(sc::SET_LAST_BACKUP, vec![T0.into()]);
    assert!(
        w.writes.contains(&last),
        "the last backup's start is stored"
    );
    let finished = w.logged("backup.finished");
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0]["carts"], 47);
    assert_eq!(finished[0]["request_id"], "rid-1");
    assert!(w.logged("backup.failed").is_empty());
}

#[test]
fn a_budget_of_0_writes_the_base_files_and_continues_on_the_alarm() {
    let mut w = world(70, 60);
    assert_eq!(
        w.invoke(0, T0 + 5),
        Ok(Driven {
            done: false,
            pages: 0
        })
    );
    assert_eq!(w.puts(), 3, "only the base files");
    assert!(w.asked.is_empty());
    assert_eq!(w.alarms, [NEXT_INVOCATION_MS]);
    let stored = w.stored.clone().expect("the run is kept");
    assert!(matches!(stored.next_step(), Step::CartPage { page: 1, .. }));
    assert_eq!(stored.files().len(), 3);
    // The next invocation goes on from there.
    assert_eq!(w.invoke(5, T0 + 1000), done(2));
    assert_eq!(
        w.puts(),
        6,
        "two cart files and the manifest, no base file again"
    );
    assert!(w.manifest().is_some());
}

#[test]
fn a_budget_of_1_reads_one_page_per_invocation_and_the_manifest_comes_last() {
    let mut w = world(70, 20);
    let mut invocations = 0;
    loop {
        invocations += 1;
        let driven = w.invoke(1, T0 + invocations).expect("no failure");
        assert_eq!(driven.pages, 1);
        if driven.done {
            break;
        }
        assert!(w.manifest().is_none(), "no manifest before the last page");
        assert!(invocations < 10, "the run moves on");
    }
    assert_eq!(invocations, 4, "pages of 20 over 70 shoppers");
    assert_eq!(w.alarms, [NEXT_INVOCATION_MS; 3]);
    assert!(w.manifest().is_some());
    assert_eq!(w.stored, None);
}

#[test]
fn an_r2_put_failing_at_any_step_is_logged_retried_later_and_then_completes() {
    let total_puts = {
        let mut w = world(70, 60);
        w.invoke(10, T0).expect("clean run");
        w.puts()
    };
    assert_eq!(total_puts, 6);
    for n in 0..total_puts {
        let mut w = world(70, 60);
        w.fail = Some(("put", n));
        assert_eq!(w.invoke(10, T0 + 5), Err("put failed".into()), "put {n}");
        let failures = w.logged("backup.failed");
        assert_eq!(failures.len(), 1, "put {n}");
        assert_eq!(failures[0]["error"], "put failed");
        assert_eq!(failures[0]["backup"], backup_id(7).to_string());
        assert_eq!(w.alarms, [RETRY_AFTER_MS], "put {n}: tried again later");
        assert!(w.manifest().is_none(), "put {n}: never listed half-written");
        assert!(w.stored.is_some(), "put {n}: the run is kept");
        w.fail = None;
        assert!(w.invoke(10, T0 + RETRY_AFTER_MS).is_ok_and(|d| d.done));
        let manifest = w.manifest().expect("completed on the retry");
        let check = RestoreCheck::from_manifest(manifest, &slug("outlet"), &backup_id(7));
        assert_eq!(check.expect("valid").manifest().counts.carts, 47, "put {n}");
    }
}

#[test]
fn a_shopper_that_does_not_answer_fails_the_page_and_keeps_the_run_before_it() {
    let mut w = world(70, 60);
    w.silent = Some(shopper(65));
    assert_eq!(
        w.invoke(10, T0 + 5),
        Err("a shopper object did not answer".into())
    );
    let stored = w.stored.clone().expect("kept");
    assert!(
        matches!(stored.next_step(), Step::CartPage { page: 2, .. }),
        "the first page stands, the second is read again"
    );
    assert_eq!(w.alarms, [RETRY_AFTER_MS]);
    assert_eq!(w.logged("backup.failed").len(), 1);
    assert_eq!(
        w.index.len(),
        70 - 20,
        "only the first page's emptied carts left"
    );
}

#[test]
fn an_empty_store_backs_up_its_base_files_and_an_empty_page() {
    let mut w = world(0, 60);
    assert_eq!(w.invoke(10, T0 + 5), done(1));
    assert!(w.asked.is_empty(), "no shopper to ask");
    let check = RestoreCheck::from_manifest(
        w.manifest().expect("manifest"),
        &slug("outlet"),
        &backup_id(7),
    );
    let counts = check.expect("valid").manifest().counts;
    assert_eq!((counts.files, counts.carts), (3, 0));
    assert!(
        !w.writes
            .iter()
            .any(|x| x.sql == sc::UNINDEX_CART_UNCHANGED_SINCE)
    );
}

#[test]
fn no_stored_run_is_done_at_once() {
    let mut w = World::default();
    assert_eq!(w.invoke(10, T0), done(0));
    assert_eq!(w.seen.get("load"), Some(&1));
    assert_eq!(w.seen.len(), 2, "loaded, done: nothing else");
}

#[test]
fn an_abandoned_run_that_fails_is_dropped_but_a_young_one_is_kept() {
    let mut w = world(5, 60);
    w.stored = Some(started(BackupReason::Manual, T0, 60));
    w.fail = Some(("put", 0));
    let _ = w.invoke(10, T0 + ABANDON_AFTER_MS);
    assert_eq!(w.stored, None, "given up: its files have no manifest");
    assert_eq!(w.alarms, [RETRY_AFTER_MS]);
    let mut w = world(5, 60);
    w.fail = Some(("put", 0));
    let _ = w.invoke(10, T0 + ABANDON_AFTER_MS - 1);
    assert!(w.stored.is_some());
}

#[test]
fn failing_to_load_the_run_logs_the_store_without_a_backup() {
    let mut w = world(5, 60);
    w.fail = Some(("load", 0));
    assert_eq!(w.invoke(10, T0), Err("load failed".into()));
    let failed = w.logged("backup.failed");
    assert_eq!(failed[0]["store"], "outlet");
    assert_eq!(failed[0]["backup"], "");
    assert_eq!(w.alarms, [RETRY_AFTER_MS]);
}

#[test]
fn a_failure_while_handling_a_failure_ends_with_it() {
    let mut w = world(5, 60);
    w.fail = Some(("put", 0));
    let mut d = BackupDriver::<String>::new(1, "outlet", w.policy, "");
    assert_eq!(d.next(T0), load());
    d.on_result(Input::Run(w.stored.clone()));
    assert_eq!(d.next(T0), BackupAction::Do(Effect::ReadBase));
    d.on_result(Input::Failed("no record".into()));
    assert!(matches!(d.next(T0), BackupAction::Do(Effect::Log(_))));
    d.on_result(Input::Ok);
    assert_eq!(
        d.next(T0),
        BackupAction::Do(Effect::SetAlarm(RETRY_AFTER_MS))
    );
    d.on_result(Input::Failed("alarm failed".into()));
    assert_eq!(d.next(T0), BackupAction::Done(Err("alarm failed".into())));
    assert!(matches!(d.next(T0), BackupAction::Done(Err(_))), "spent");
}

#[test]
fn an_answer_of_the_wrong_kind_is_a_bug_not_a_panic() {
    let mut d = BackupDriver::<String>::new(1, "outlet", RetentionPolicy::default(), "");
    assert_eq!(d.next(T0), load());
    d.on_result(Input::Keys(vec![]));
    assert!(matches!(d.next(T0), BackupAction::Do(Effect::Log(l)) if l.contains("not the Run")));
}

#[test]
fn the_shared_results_map_onto_the_backups_inputs() {
    assert!(matches!(Input::<String>::from(IoResult::Ok), Input::Ok));
    assert!(
        matches!(Input::<String>::from(IoResult::Keys(vec![])), Input::Keys(k) if k.is_empty())
    );
    assert!(matches!(
        Input::<String>::from(IoResult::Marks(vec![])),
        Input::Listed(_)
    ));
    let run = serde_json::to_string(&started(BackupReason::Manual, T0, 2)).expect("json");
    let read = Input::<String>::from(IoResult::Json(Some(run)));
    assert!(matches!(read, Input::Run(Some(r)) if r == started(BackupReason::Manual, T0, 2)));
    assert!(matches!(
        Input::<String>::from(IoResult::Json(None)),
        Input::Run(None)
    ));
    let damaged = Input::<String>::from(IoResult::Json(Some("{damaged".into())));
    assert!(matches!(damaged, Input::Failed(e) if e.contains("unreadable")));
    let carts = Input::<String>::from(IoResult::Carts(vec![vec![]]));
    assert!(matches!(carts, Input::Carts(c) if c.len() == 1));
    let failed = Input::<String>::from(IoResult::Failed("r2 down".into()));
    assert!(matches!(failed, Input::Failed(e) if e == "r2 down"));
    // A file or a taken key is never what a backup waits for: logged as a bug, the run retried.
    let mut d = BackupDriver::<String>::new(1, "outlet", RetentionPolicy::default(), "");
    assert_eq!(d.next(T0), load());
    d.on_result(IoResult::File(Some(b"x".to_vec())).into());
    assert!(matches!(d.next(T0), BackupAction::Do(Effect::Log(l)) if l.contains("not the Run")));
    let mut d = BackupDriver::<String>::new(1, "outlet", RetentionPolicy::default(), "");
    assert_eq!(d.next(T0), load());
    d.on_result(IoResult::Taken.into());
    assert!(matches!(d.next(T0), BackupAction::Do(Effect::Log(l)) if l.contains("not the Run")));
}

fn older_backup(w: &mut World, hours: u64, n: u8) -> BackupId {
    let id = BackupId::new(T0 - hours * 3_600_000, [n; 8]).expect("id");
    let store = slug("outlet");
    let manifest = crate::keys::manifest_key(&store, &id);
    w.bucket.insert(manifest, (b"{}".to_vec(), None));
    let data = file_key(&store, &id, FileKind::Store);
    w.bucket.insert(data, (b"{}".to_vec(), None));
    id
}

#[test]
fn after_the_manifest_the_policy_prunes_older_backups_manifest_first() {
    let mut w = world(3, 60);
    w.policy = RetentionPolicy {
        hourly: 1,
        daily: 0,
    };
    let old = [older_backup(&mut w, 2, 1), older_backup(&mut w, 3, 2)];
    assert_eq!(w.invoke(10, T0 + 5), done(1));
    let store = slug("outlet");
    for id in &old {
        let prefix = crate::keys::data_prefix(&store, id);
        assert!(
            !w.bucket.keys().any(|k| k.starts_with(&prefix)),
            "data of {id}"
        );
        assert!(
            !w.bucket
                .contains_key(&crate::keys::manifest_key(&store, id))
        );
    }
    assert!(w.manifest().is_some(), "the new backup is kept");
    assert_eq!(w.logged("backup.finished")[0]["pruned"], 2);
}

#[test]
fn a_safety_backup_does_not_prune() {
    let mut w = world(3, 60);
    w.stored = Some(started(BackupReason::BeforeRestore, T0, 60));
    w.policy = RetentionPolicy {
        hourly: 1,
        daily: 0,
    };
    older_backup(&mut w, 2, 1);
    assert_eq!(w.invoke(10, T0 + 5), done(1));
    assert_eq!(w.seen.get("list_keys"), None);
    assert_eq!(w.logged("backup.finished")[0]["pruned"], 0);
}

#[test]
fn a_failed_pruning_is_logged_and_the_backup_stands() {
    for (fail, at) in [("list_keys", 0), ("delete", 0), ("list_keys", 1)] {
        let mut w = world(3, 60);
        w.policy = RetentionPolicy {
            hourly: 1,
            daily: 0,
        };
        older_backup(&mut w, 2, 1);
        w.fail = Some((fail, at));
        assert_eq!(w.invoke(10, T0 + 5), done(1), "{fail} {at}");
        let failed = w.logged("backup.failed");
        assert_eq!(failed.len(), 1);
        assert!(
            failed[0]["error"]
                .as_str()
                .is_some_and(|e| e.starts_with("retention: "))
        );
        assert_eq!(w.logged("backup.finished")[0]["pruned"], 0);
        assert!(w.alarms.is_empty(), "{fail} {at}: the next backup prunes");
        assert_eq!(w.stored, None);
    }
}

fn start_facts(reason: BackupReason) -> StartFacts {
    StartFacts {
        store: slug("outlet"),
        reason,
        restore_active: false,
        running: None,
        last_backup_ms: None,
        id: backup_id(7),
        now_ms: T0,
    }
}

#[test]
fn a_start_stores_the_new_run_first_and_runs_it() {
    let mut w = world(70, 60);
    w.stored = None;
    let policy = w.policy;
    let d = BackupDriver::<String>::start(start_facts(BackupReason::Manual), 10, policy, "rid-1");
    let mut d = d.expect("starts");
    assert_eq!(
        d.next(T0),
        BackupAction::Do(Effect::OpenKey),
        "the key first"
    );
    d.on_result(IoResult::Key(key()).into());
    let BackupAction::Do(Effect::Write(save)) = d.next(T0) else {
        panic!("the run is stored first")
    };
    assert_eq!(save[0].sql, sc::SET_BACKUP_RUN);
    d.on_result(Input::Ok);
    assert_eq!(
        d.next(T0),
        BackupAction::Do(Effect::ReadBase),
        "no run to load: it is new"
    );
    // The world plays the rest; the run was stored by the first write.
    w.stored = Some(started(BackupReason::Manual, T0, DEFAULT_PAGE_SIZE));
    assert_eq!(w.invoke(10, T0 + 5), done(1));
    assert!(w.manifest().is_some());
}

#[test]
fn a_start_whose_key_does_not_open_stores_nothing_and_logs_nothing() {
    let policy = RetentionPolicy::default();
    let start = || BackupDriver::<String>::start(start_facts(BackupReason::Manual), 10, policy, "");
    let answers = [
        Input::Failed("BACKUP_SECRET is not set".into()),
        Input::Keys(Vec::new()), // a bug
    ];
    for answer in answers {
        let mut d = start().expect("starts");
        assert_eq!(
            d.next(T0),
            BackupAction::Do(Effect::OpenKey),
            "the key first"
        );
        d.on_result(answer);
        let BackupAction::Done(Err(e)) = d.next(T0) else {
            panic!("no write, no log line, no alarm");
        };
        assert!(e.contains("BACKUP_SECRET") || e.contains("no key"), "{e}");
    }
}

#[test]
fn a_start_is_skipped_during_a_restore_a_live_run_or_before_it_is_due() {
    let policy = RetentionPolicy::default();
    let skip = |facts| BackupDriver::<String>::start(facts, 1, policy, "").err();
    let mut restoring = start_facts(BackupReason::Manual);
    restoring.restore_active = true;
    assert_eq!(skip(restoring), Some(StartSkip::Restoring));
    let mut live = start_facts(BackupReason::Manual);
    live.running = Some(started(BackupReason::Scheduled, T0 - 1000, 60));
    assert_eq!(skip(live), Some(StartSkip::Running(backup_id(7))));
    let mut recent = start_facts(BackupReason::Scheduled);
    recent.last_backup_ms = Some((T0 - 60_000) as i64);
    assert_eq!(skip(recent), Some(StartSkip::NotDue));
    assert_eq!(
        skip(start_facts(BackupReason::Scheduled)),
        None,
        "never backed up"
    );
}
