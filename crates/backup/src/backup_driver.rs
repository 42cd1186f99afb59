//! One invocation of a backup as a sans-IO driver: [`BackupDriver::next`] answers the I/O to
//! do ([`BackupAction`]) and [`BackupDriver::on_result`] takes what it gave ([`Input`]). It
//! loads the stored [`BackupRun`], runs its steps while the [`PageBudget`] admits them (the
//! base files, cart pages asked from the shoppers [`SHOPPERS_AT_ONCE`] at a time, the
//! manifest, then pruning by the retention policy), stores the run after every step, and
//! ends by setting the alarm that continues it. A failed step is logged, an abandoned run
//! dropped, and the alarm set to try again; a failed pruning is only logged.
//!
//! The shell keeps one loop that performs each action and feeds its result back.

use crate::contents::BaseFiles;
use crate::id::BackupId;
use crate::keys::{data_prefix, manifest_key, manifest_prefix};
use crate::manifest::BackupReason;
use crate::manifest::{FileEntry, Manifest, SUMMARY_METADATA};
use crate::retention::RetentionPolicy;
use crate::run::{BackupRun, DEFAULT_PAGE_SIZE, Step};
use crate::run_steps::{
    NEXT_INVOCATION_MS, PageBudget, RETRY_AFTER_MS, SHOPPERS_AT_ONCE, StartSkip, cart_page, failed,
    prune_list, shopper_carts, start_skip,
};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};

pub use crate::store_io::{Action, Effect, IoResult, ObjectPut, StoreDriver};
use std::fmt::{self, Display};
use wandstore_core::cart::CartLine;
use wandstore_core::events::Event;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_storage::{Write, store_config as sc};

/// A report the run could not take, or a file that would not serialize: a bug, never the
/// client's or the platform's fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverBug(pub String);

impl Display for DriverBug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<DriverBug> for String {
    fn from(bug: DriverBug) -> String {
        bug.0
    }
}

/// The I/O a backup needs next (`store_io`): building the base files →
/// [`Input::Base`], reading the stored run → [`Input::Run`], listing the cart index →
/// [`Input::Listed`], listing keys → [`Input::Keys`], reading carts → [`Input::Carts`]; at the
/// end the pages driven.
pub type BackupAction<E> = Action<Result<Driven, E>>;

/// Reading the stored run.
pub fn load<E>() -> BackupAction<E> {
    BackupAction::Do(Effect::ReadJson(sc::SELECT_BACKUP_RUN))
}

/// The write that stores `run` as JSON into `statement`'s one `?` (`None`: NULL, no run).
pub fn save<T: Serialize>(statement: &'static str, run: Option<&T>) -> Result<Write, DriverBug> {
    let json = run.map(serde_json::to_string).transpose();
    let json = json.map_err(|e| DriverBug(format!("a run that does not serialize: {e}")))?;
    Ok(Write::new(statement, vec![json.into()]))
}

/// What the object knows when a backup is asked to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartFacts {
    pub store: StoreSlug,
    pub reason: BackupReason,
    /// A restore of the store is under way.
    pub restore_active: bool,
    /// The stored run, if any.
    pub running: Option<BackupRun>,
    /// When the store's last complete backup started (`backup_state`).
    pub last_backup_ms: Option<i64>,
    /// The new run's id.
    pub id: BackupId,
    pub now_ms: u64,
}

/// What an invocation did: whether the run is done (or there was none), and the cart pages
/// it read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Driven {
    pub done: bool,
    pub pages: u32,
}

/// What an action gave.
#[derive(Debug)]
pub enum Input<E> {
    Ok,
    Run(Option<BackupRun>),
    Base(BaseFiles),
    Listed(Vec<(ShopperId, Option<String>)>),
    Carts(Vec<Vec<CartLine>>),
    Keys(Vec<String>),
    /// The backup key opened (a start checks it before storing its run).
    KeyOpened,
    /// A result the backup never asks for (its kind).
    Unasked(&'static str),
    Failed(E),
}

impl<E: From<DriverBug>> From<IoResult<E>> for Input<E> {
    fn from(result: IoResult<E>) -> Self {
        match result {
            IoResult::Ok => Input::Ok,
            IoResult::Json(json) => match json.as_deref().map(serde_json::from_str).transpose() {
                Ok(run) => Input::Run(run),
                Err(e) => {
                    Input::Failed(DriverBug(format!("the stored run is unreadable: {e}")).into())
                }
            },
            IoResult::Base(files) => Input::Base(*files),
            IoResult::Marks(listed) => Input::Listed(listed),
            IoResult::Keys(keys) => Input::Keys(keys),
            IoResult::Key(_) => Input::KeyOpened,
            IoResult::Carts(carts) => Input::Carts(carts),
            IoResult::Failed(e) => Input::Failed(e),
            other => Input::Unasked(other.kind()),
        }
    }
}

impl<E: Display + From<DriverBug>> StoreDriver<E> for BackupDriver<E> {
    type Done = Result<Driven, E>;

    fn poll(&mut self, now_ms: u64) -> BackupAction<E> {
        self.next(now_ms)
    }

    fn feed(&mut self, result: IoResult<E>) {
        self.on_result(result.into());
    }

    fn elsewhere() -> Self::Done {
        Ok(Driven::default())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Nothing,
    Ok,
    Run,
    Base,
    Listed,
    Carts,
    Keys,
    Key,
}

/// A cart page whose shoppers are being asked.
#[derive(Debug)]
struct Asking {
    page: u32,
    key: String,
    read_at: u64,
    listed: Vec<ShopperId>,
    asked: usize,
    lines: Vec<Vec<CartLine>>,
}

#[derive(Debug)]
enum Phase<E> {
    /// A start opens the backup key before its run is stored: a missing secret stores nothing.
    OpenKey,
    Load,
    Head,
    AwaitBase,
    BaseWritten([FileEntry; 3], u64),
    AwaitList(u32, String, u64),
    Asking(Asking),
    PageWritten(Vec<ShopperId>, Option<(FileEntry, u64)>),
    ManifestWritten(Manifest),
    /// Listing the manifests, then (backups left to delete, deleted) one at a time.
    Prune(Option<(VecDeque<BackupId>, u64)>),
    PruneFiles(VecDeque<BackupId>, u64, BackupId),
    Finished(u64, Option<String>),
    Failing(E),
    End(Result<Driven, E>),
    Spent,
}

/// One invocation of the stored backup run (see the module docs).
#[derive(Debug)]
pub struct BackupDriver<E> {
    store: String,
    rid: String,
    policy: RetentionPolicy,
    budget: PageBudget,
    run: Option<BackupRun>,
    manifest: Option<Manifest>,
    queue: VecDeque<BackupAction<E>>,
    phase: Phase<E>,
    expect: Expect,
    failing: bool,
}

impl<E: Display + From<DriverBug>> BackupDriver<E> {
    /// An invocation of at most `pages` cart pages for the object of `store` (its slug as far
    /// as known, for log lines), pruning by `policy`, logging with request id `rid`.
    pub fn new(pages: u32, store: &str, policy: RetentionPolicy, rid: &str) -> Self {
        BackupDriver {
            store: store.to_owned(),
            rid: rid.to_owned(),
            policy,
            budget: PageBudget::new(pages),
            run: None,
            manifest: None,
            queue: VecDeque::new(),
            phase: Phase::Load,
            expect: Expect::Nothing,
            failing: false,
        }
    }

    /// The invocation that starts a backup, unless [`start_skip`] says why none starts: it
    /// opens the backup key (a failure ends it with nothing stored), stores the new run, then
    /// runs it as far as `pages` allow.
    pub fn start(
        facts: StartFacts,
        pages: u32,
        policy: RetentionPolicy,
        rid: &str,
    ) -> Result<Self, StartSkip> {
        let StartFacts {
            store,
            reason,
            restore_active,
            running,
            last_backup_ms,
            id,
            now_ms,
        } = facts;
        let skip = start_skip(
            &store,
            reason,
            restore_active,
            running.as_ref(),
            last_backup_ms,
            now_ms,
        );
        if let Some(skip) = skip {
            return Err(skip);
        }
        let mut driver = BackupDriver::new(pages, store.as_str(), policy, rid);
        driver.run = Some(BackupRun::start(
            store,
            id,
            reason,
            now_ms,
            DEFAULT_PAGE_SIZE,
        ));
        driver.phase = Phase::OpenKey;
        Ok(driver)
    }

    /// The next action at `now_ms`.
    pub fn next(&mut self, now_ms: u64) -> BackupAction<E> {
        loop {
            if let Some(action) = self.queue.pop_front() {
                self.expect = Expect::Ok;
                return action;
            }
            match std::mem::replace(&mut self.phase, Phase::Spent) {
                Phase::OpenKey => {
                    let open = BackupAction::Do(Effect::OpenKey);
                    return self.ask(Expect::Key, Phase::OpenKey, open);
                }
                Phase::Load => return self.ask(Expect::Run, Phase::Load, load()),
                Phase::Head => self.head(now_ms),
                Phase::AwaitBase => {
                    return self.ask(
                        Expect::Base,
                        Phase::AwaitBase,
                        BackupAction::Do(Effect::ReadBase),
                    );
                }
                Phase::BaseWritten(entries, versions) => {
                    let moved = self.with_run(|r| r.base_written(entries, versions, now_ms));
                    self.saved(moved);
                }
                Phase::AwaitList(page, key, _) => {
                    let Some(Step::CartPage { after, limit, .. }) =
                        self.run.as_ref().map(BackupRun::next_step)
                    else {
                        self.bug("a cart page without its run");
                        continue;
                    };
                    let waiting = Phase::AwaitList(page, key, now_ms);
                    let list = BackupAction::Do(Effect::ListMarks { after, limit });
                    return self.ask(Expect::Listed, waiting, list);
                }
                Phase::Asking(a) => {
                    if let Some(action) = self.ask_carts(a) {
                        return action;
                    }
                }
                Phase::PageWritten(listed, report) => {
                    let moved = self.with_run(|r| r.page_read(&listed, report, now_ms));
                    self.saved(moved);
                }
                Phase::ManifestWritten(manifest) => self.manifest_written(manifest, now_ms),
                Phase::Prune(None) => {
                    let Some(run) = &self.run else {
                        self.bug("pruning without a run");
                        continue;
                    };
                    let list = BackupAction::Do(Effect::ListKeys(manifest_prefix(&run.store)));
                    return self.ask(Expect::Keys, Phase::Prune(None), list);
                }
                Phase::Prune(Some((mut left, deleted))) => match (left.pop_front(), &self.run) {
                    (Some(id), Some(run)) => {
                        // The manifest first: a backup without one is never listed or restored.
                        let manifest = vec![manifest_key(&run.store, &id)];
                        self.effect(Effect::Delete(manifest));
                        self.phase = Phase::PruneFiles(left, deleted + 1, id);
                    }
                    _ => self.phase = Phase::Finished(deleted, None),
                },
                Phase::PruneFiles(left, deleted, id) => {
                    let Some(run) = &self.run else {
                        self.bug("pruning without a run");
                        continue;
                    };
                    let list = BackupAction::Do(Effect::ListKeys(data_prefix(&run.store, &id)));
                    return self.ask(Expect::Keys, Phase::PruneFiles(left, deleted, id), list);
                }
                Phase::Finished(pruned, problem) => self.finished(pruned, problem, now_ms),
                Phase::Failing(e) => self.failed(e, now_ms),
                Phase::End(result) => return BackupAction::Done(result),
                Phase::Spent => {
                    let bug = DriverBug("the backup driver was asked after its end".into());
                    return BackupAction::Done(Err(bug.into()));
                }
            }
        }
    }

    /// What the last action gave.
    pub fn on_result(&mut self, input: Input<E>) {
        let expect = std::mem::replace(&mut self.expect, Expect::Nothing);
        match (expect, input) {
            (Expect::Key, Input::KeyOpened) => {
                let run = self.run.clone();
                self.save(run.as_ref());
                self.phase = Phase::Head;
            }
            // Before the run is stored: nothing to log, keep or retry; the start answers it.
            (Expect::Key, not_opened) => {
                let bug = || DriverBug("backup start: no key was opened".into()).into();
                let e = match not_opened {
                    Input::Failed(e) => e,
                    _ => bug(),
                };
                self.phase = Phase::End(Err(e));
            }
            (_, Input::Failed(e)) => self.fail(e),
            (Expect::Ok, Input::Ok) => {}
            (Expect::Run, Input::Run(run)) => {
                self.run = run;
                self.phase = Phase::Head;
            }
            (Expect::Base, Input::Base(files)) => self.base_read(files),
            (Expect::Listed, Input::Listed(listed)) => {
                if let Phase::AwaitList(page, key, read_at) =
                    std::mem::replace(&mut self.phase, Phase::Spent)
                {
                    self.phase = Phase::Asking(Asking {
                        page,
                        key,
                        read_at,
                        listed: listed.into_iter().map(|(s, _)| s).collect(),
                        asked: 0,
                        lines: Vec::new(),
                    });
                }
            }
            (Expect::Carts, Input::Carts(lines)) => {
                if let Phase::Asking(a) = &mut self.phase {
                    a.lines.extend(lines);
                }
            }
            (Expect::Keys, Input::Keys(keys)) => self.keys_listed(keys),
            (expect, _) => self.bug(&format!(
                "an answer that is not the {expect:?} it waits for"
            )),
        }
    }

    /// Queues putting a data file.
    fn put_file(&mut self, key: String, bytes: Vec<u8>) {
        let put = ObjectPut::backup(key, bytes, "application/x-ndjson");
        self.effect(Effect::Put(Box::new(put)));
    }

    fn effect(&mut self, effect: Effect) {
        self.queue.push_back(BackupAction::Do(effect));
    }

    /// Queues storing the run (`None`: clearing it).
    fn save(&mut self, run: Option<&BackupRun>) {
        match save(sc::SET_BACKUP_RUN, run) {
            Ok(write) => self.effect(Effect::Write(vec![write])),
            Err(bug) => self.fail(bug.into()),
        }
    }

    fn ask(&mut self, expect: Expect, phase: Phase<E>, action: BackupAction<E>) -> BackupAction<E> {
        self.expect = expect;
        self.phase = phase;
        action
    }

    fn bug(&mut self, what: &str) {
        self.fail(DriverBug(format!("backup run: {what}")).into());
    }

    /// The run's report; a bug when there is no run or it refuses the report.
    fn with_run<T: Display>(&mut self, f: impl FnOnce(&mut BackupRun) -> Result<(), T>) -> bool {
        let moved = match self.run.as_mut() {
            Some(run) => f(run).map_err(|e| e.to_string()),
            None => Err("no run".into()),
        };
        moved.map_err(|e| self.bug(&e)).is_ok()
    }

    /// After a step: the run is stored and the next step decided.
    fn saved(&mut self, moved: bool) {
        if moved {
            self.phase = Phase::Head;
            let run = self.run.clone().filter(|r| !r.is_done());
            self.save(run.as_ref());
        }
    }

    fn end(&mut self, done: bool) {
        let pages = self.budget.used();
        self.phase = Phase::End(Ok(Driven { done, pages }));
    }

    fn head(&mut self, now_ms: u64) {
        let Some(run) = &self.run else {
            return self.end(true);
        };
        let step = run.next_step();
        if !self.budget.admit(&step) {
            let done = run.is_done();
            self.end(done);
            return match done {
                true => self.save(None),
                false => self.effect(Effect::SetAlarm(NEXT_INVOCATION_MS)),
            };
        }
        self.phase = match step {
            Step::WriteBase => Phase::AwaitBase,
            Step::CartPage { page, key, .. } => Phase::AwaitList(page, key, now_ms),
            Step::WriteManifest { key, manifest } => {
                // The summary in the custom metadata lists the backup without reading it.
                let summary = manifest.summary().to_metadata();
                let mut put = ObjectPut::backup(key, manifest.to_json(), "application/json");
                put.metadata = HashMap::from([(SUMMARY_METADATA.to_owned(), summary)]);
                self.effect(Effect::Put(Box::new(put)));
                Phase::ManifestWritten(manifest)
            }
            Step::Done => Phase::Head,
        };
    }

    fn base_read(&mut self, files: BaseFiles) {
        let Some(run) = &self.run else {
            return self.bug("base files without a run");
        };
        let puts = run.base_keys().into_iter().zip(&files.files);
        for (key, file) in puts.collect::<Vec<_>>() {
            self.put_file(key, file.bytes.clone());
        }
        let entries = files.files.map(|f| f.entry);
        self.phase = Phase::BaseWritten(entries, files.theme_versions);
    }

    /// The next shoppers to ask, or (all answered) the page's writes.
    fn ask_carts(&mut self, mut a: Asking) -> Option<BackupAction<E>> {
        if a.asked < a.listed.len() {
            let end = (a.asked + SHOPPERS_AT_ONCE).min(a.listed.len());
            let shoppers = a.listed[a.asked..end].to_vec();
            a.asked = end;
            let store = self.run.as_ref()?.store.clone();
            let ask = BackupAction::Do(Effect::ReadCarts { store, shoppers });
            return Some(self.ask(Expect::Carts, Phase::Asking(a), ask));
        }
        let carts = shopper_carts(&a.listed, a.lines);
        let written = match cart_page(a.page, &carts) {
            Ok(w) => w,
            Err(e) => {
                self.bug(&format!("a cart page that does not serialize: {e}"));
                return None;
            }
        };
        if !written.emptied.is_empty() {
            // Shoppers whose cart came back empty leave the index, unless they announced
            // themselves again since the page was read.
            let unindex = written.emptied.iter().map(|s| {
                let args = vec![s.as_str().into(), a.read_at.into()];
                Write::new(sc::UNINDEX_CART_UNCHANGED_SINCE, args)
            });
            self.effect(Effect::Write(unindex.collect()));
        }
        if let Some((file, _)) = &written.file {
            self.put_file(a.key, file.bytes.clone());
        }
        let report = written.file.map(|(file, lines)| (file.entry, lines));
        self.phase = Phase::PageWritten(a.listed, report);
        None
    }

    fn manifest_written(&mut self, manifest: Manifest, now_ms: u64) {
        if !self.with_run(|r| r.manifest_written(now_ms)) {
            return;
        }
        let Some(run) = &self.run else { return };
        let started = vec![run.started_ms.into()];
        let prunes = run.reason.prunes();
        let last = Write::new(sc::SET_LAST_BACKUP, started);
        self.effect(Effect::Write(vec![last]));
        self.manifest = Some(manifest);
        self.phase = if prunes {
            Phase::Prune(None)
        } else {
            Phase::Finished(0, None)
        };
    }

    fn keys_listed(&mut self, keys: Vec<String>) {
        match std::mem::replace(&mut self.phase, Phase::Spent) {
            Phase::Prune(None) => {
                let Some(run) = &self.run else {
                    return self.bug("pruning without a run");
                };
                let delete = prune_list(&run.store, &keys, &run.id, self.policy);
                self.phase = Phase::Prune(Some((delete.into(), 0)));
            }
            Phase::PruneFiles(left, deleted, _) => {
                if !keys.is_empty() {
                    self.effect(Effect::Delete(keys));
                }
                self.phase = Phase::Prune(Some((left, deleted)));
            }
            other => {
                self.phase = other;
                self.bug("keys listed outside pruning");
            }
        }
    }

    fn finished(&mut self, pruned: u64, problem: Option<String>, now_ms: u64) {
        let (Some(run), Some(manifest)) = (&self.run, &self.manifest) else {
            return self.bug("finished without a run");
        };
        let problem = problem.map(|p| failed(run.store.as_str(), Some(&run.id), p));
        let lines = [problem.map(|e| e.line(now_ms, &self.rid))];
        let finished = run.finished(manifest, pruned).line(now_ms, &self.rid);
        for line in lines.into_iter().flatten().chain([finished]) {
            self.effect(Effect::Log(line));
        }
        self.end(true);
        self.save(None);
    }

    /// An action failed: pruning is best effort (logged, the backup stands); anything else
    /// is logged, an abandoned run dropped and the alarm set to try again. A failure while
    /// doing that ends the invocation at once.
    fn fail(&mut self, e: E) {
        self.queue.clear();
        let pruning = matches!(self.phase, Phase::Prune(_) | Phase::PruneFiles(..));
        self.phase = if pruning && !self.failing {
            Phase::Finished(0, Some(format!("retention: {e}")))
        } else if self.failing {
            Phase::End(Err(e))
        } else {
            self.failing = true;
            Phase::Failing(e)
        };
    }

    fn failed(&mut self, e: E, now_ms: u64) {
        let run = self.run.as_ref();
        let store = run.map_or(self.store.as_str(), |r| r.store.as_str());
        let event = failed(store, run.map(|r| &r.id), e.to_string());
        let abandoned = run.is_some_and(|r| r.is_abandoned(now_ms));
        self.effect(Effect::Log(event.line(now_ms, &self.rid)));
        self.phase = Phase::End(Err(e));
        if abandoned {
            self.save(None);
        }
        self.effect(Effect::SetAlarm(RETRY_AFTER_MS));
    }
}

#[cfg(test)]
#[path = "backup_driver_tests.rs"]
mod tests;
