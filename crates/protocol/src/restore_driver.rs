//! One invocation of a restore as a sans-IO driver: [`RestoreDriver::next`] answers the I/O
//! to do ([`RestoreAction`]) and [`RestoreDriver::on_result`] takes what it gave
//! ([`RestoreInput`]). It loads the stored [`RestoreRun`] and runs its steps while the
//! [`Allowance`] admits them: the backup's manifest is read and checked once per invocation
//! (before the first step that reads the backup), each file step reads its files and the
//! theme body they name and writes what [`restore_plan`] answers, carts
//! are replaced [`SHOPPERS_AT_ONCE`] at a time, the safety backup is started and driven. The
//! run is stored after every step; a failed step is kept in the run's status and tried again
//! on the alarm; the end is logged, or the alarm set to go on.
//!
//! The shell keeps one loop that performs each action and feeds its result back.

use crate::backup::RestoreBackup;
use crate::edge::EdgeError;
use crate::restore_plan::{self, FilePlan, Opened};
use crate::store::StoreError;
use std::collections::VecDeque;
use wandstore_backup::backup_driver::{Driven, DriverBug, Effect, save};
use wandstore_backup::keys::manifest_key;
use wandstore_backup::restore_run::{
    CartWrite, IndexWrite, NEXT_INVOCATION_MS, RETRY_AFTER_MS, StepOutcome, manifest_gone,
    refused_at_start,
};
use wandstore_backup::run::DEFAULT_PAGE_SIZE;
use wandstore_backup::run_steps::SHOPPERS_AT_ONCE;
use wandstore_backup::{
    Allowance, BackupId, BackupKey, BackupReason, BackupRun, RestoreCheck, RestoreRun, RestoreStep,
    restore_run::Report,
};
use wandstore_core::events::Event;
use wandstore_core::identity::ShopperId;
use wandstore_core::store::StoreSlug;
use wandstore_registry::RegistryRefusal;
use wandstore_storage::{Write, plans, store_config as sc};

pub use wandstore_backup::store_io::{Action, Bucket, IoResult, StoreDriver};

/// The I/O a restore needs next (`store_io`): whether the store has a record (a start) →
/// [`RestoreInput::Existed`], the key that opens the backup's record →
/// [`RestoreInput::Key`], the new restore's or the safety backup's id →
/// [`RestoreInput::Backup`], driving it →
/// [`RestoreInput::Driven`], the record and theme writes, a resync → [`RestoreInput::Synced`],
/// a write (storing the run is one), the alarm, a log line, R2, the cart index, the shoppers'
/// carts, the registry entry: claiming it → `Ok` or [`RestoreInput::Refused`], reading the
/// stored run → [`RestoreInput::Run`], getting an object → [`RestoreInput::File`], listing
/// the cart index → [`RestoreInput::Marks`]. At the end the run as it stands (`None`: none
/// stored).
pub type RestoreAction = Action<Result<Option<Box<RestoreRun>>, StoreError>>;

/// What an action gave (not `Debug`: it may hold the backup key).
pub enum RestoreInput {
    Ok,
    Run(Option<Box<RestoreRun>>),
    Key(BackupKey),
    File(Option<Vec<u8>>),
    Backup(BackupId),
    Driven(Driven),
    /// Whether the store has a record now (read when a restore starts).
    Existed(bool),
    Marks(Vec<(ShopperId, Option<String>)>),
    /// The registry refused the claim (not a failure of the step).
    Refused(RegistryRefusal),
    /// The sync's outcome (a failed sync does not fail the restore).
    Synced(Result<(), StoreError>),
    /// A result the restore never asks for (its kind).
    Unasked(&'static str),
    Failed(StoreError),
}

impl From<IoResult<StoreError>> for RestoreInput {
    fn from(result: IoResult<StoreError>) -> Self {
        match result {
            IoResult::Ok => RestoreInput::Ok,
            IoResult::Json(json) => match json.as_deref().map(serde_json::from_str).transpose() {
                Ok(run) => RestoreInput::Run(run.map(Box::new)),
                Err(e) => RestoreInput::Failed(StoreError::Internal {
                    message: format!("the stored restore is unreadable: {e}"),
                }),
            },
            IoResult::File(file) => RestoreInput::File(file),
            IoResult::Marks(marks) => RestoreInput::Marks(marks),
            IoResult::Refused(refusal) => RestoreInput::Refused(refusal),
            IoResult::Key(key) => RestoreInput::Key(key),
            IoResult::Id(id) => RestoreInput::Backup(id),
            IoResult::Driven(driven) => RestoreInput::Driven(driven),
            IoResult::Record(record) => RestoreInput::Existed(record.is_some()),
            IoResult::Synced(synced) => RestoreInput::Synced(synced),
            IoResult::Failed(e) => RestoreInput::Failed(e),
            other => RestoreInput::Unasked(other.kind()),
        }
    }
}

/// What the object knows when a restore is asked to start (whether the store has a record
/// and the new restore's id, the driver asks for itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartFacts {
    /// A restore of the store is under way.
    pub restore_active: bool,
    /// A backup of the store is running.
    pub backup_running: bool,
    /// Carts per page (`BackupSettings::restore_page_size`).
    pub page_size: u32,
}

/// A restore asked for, before its manifest is read: it reads whether the store has a
/// record, then takes a new id, then opens the backup key.
struct Begin {
    store: StoreSlug,
    backup: BackupId,
    facts: StartFacts,
    now_ms: u64,
    existed: Option<bool>,
    id: Option<BackupId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Nothing,
    Ok,
    Run,
    Key,
    File,
    Backup,
    Driven,
    Existed,
    Marks,
    Claimed,
    Synced,
}

enum Phase {
    Load,
    /// A new restore reads the backup's key, then its manifest.
    Begin(Box<Begin>, Option<BackupKey>),
    Head,
    /// The step waits for the backup's key, then its manifest.
    Source(RestoreStep, Option<BackupKey>),
    /// The step's own I/O starts.
    Step(RestoreStep),
    /// The step waits for its one answer.
    Await(RestoreStep),
    /// A file step reading its files.
    Files(RestoreStep, Vec<Option<Vec<u8>>>),
    ThemeBody(Opened),
    /// The store's writes, the registry entry first.
    ClaimNext(Box<restore_plan::StoreWrite>),
    Claim(Box<restore_plan::StoreWrite>),
    /// Carts being replaced: how many are asked.
    Carts(CartWrite, usize),
    Outcome(StepOutcome),
    Finish,
    Failing(StoreError),
    End(Result<Option<Box<RestoreRun>>, StoreError>),
    Spent,
}

/// One invocation of the stored restore (see the module docs).
pub struct RestoreDriver {
    rid: String,
    allowance: Allowance,
    run: Option<RestoreRun>,
    source: Option<(RestoreCheck, BackupKey)>,
    queue: VecDeque<RestoreAction>,
    phase: Phase,
    expect: Expect,
    failing: bool,
    /// The invocation that starts the run: a failure before anything was written drops it,
    /// so the operator may simply try again.
    starting: bool,
    /// The time the last action was asked at.
    now_ms: u64,
}

impl StoreDriver<StoreError> for RestoreDriver {
    type Done = Result<Option<Box<RestoreRun>>, StoreError>;

    fn poll(&mut self, now_ms: u64) -> RestoreAction {
        self.next(now_ms)
    }

    fn feed(&mut self, result: IoResult<StoreError>) {
        self.on_result(result.into());
    }

    fn elsewhere() -> Self::Done {
        Ok(None)
    }
}

impl RestoreDriver {
    /// A fresh invocation's driver, logging with request id `rid`.
    pub fn new(rid: &str) -> Self {
        RestoreDriver {
            rid: rid.to_owned(),
            allowance: Allowance::per_invocation(),
            run: None,
            source: None,
            queue: VecDeque::new(),
            phase: Phase::Load,
            expect: Expect::Nothing,
            failing: false,
            starting: false,
            now_ms: 0,
        }
    }

    /// The invocation that starts the restore `q` asks for (what conflicts with it is
    /// refused here): it reads and checks the backup's manifest (a refusal is logged and
    /// answered), stores the new run and goes as far as it can. A failure later answers the
    /// run with its problem once something was written, else drops the run and answers the
    /// error, so the operator may simply try again.
    pub fn start(
        q: &RestoreBackup,
        facts: StartFacts,
        now_ms: u64,
        rid: &str,
    ) -> Result<Self, StoreError> {
        restore_plan::start_conflict(facts.restore_active, facts.backup_running)?;
        let mut driver = RestoreDriver::new(rid);
        let (store, backup) = (q.store.clone(), q.backup.clone());
        let begin = Begin {
            store,
            backup,
            facts,
            now_ms,
            existed: None,
            id: None,
        };
        driver.phase = Phase::Begin(Box::new(begin), None);
        driver.starting = true;
        Ok(driver)
    }

    /// The manifest of a restore asked for: checked, the run stored (or the refusal logged).
    fn begun(&mut self, begin: Begin, key: BackupKey, manifest: Option<Vec<u8>>) -> Phase {
        let Begin {
            store,
            backup,
            facts,
            now_ms,
            existed,
            id,
        } = begin;
        let (Some(existed), Some(id)) = (existed, id) else {
            let bug = DriverBug("a restore begun without its record or id".into());
            return Phase::End(Err(bug.into()));
        };
        let Some(manifest) = manifest else {
            return Phase::End(Err(restore_plan::backup_not_found(&store, &backup)));
        };
        let check = match RestoreCheck::from_manifest(&manifest, &store, &backup) {
            Ok(check) => check,
            Err(r) => {
                let event = refused_at_start(&store, &backup, r.code());
                self.effect(Effect::Log(event.line(now_ms, &self.rid)));
                return Phase::End(Err(restore_plan::refused(&r)));
            }
        };
        let run = RestoreRun::start(id, &check, existed, facts.page_size, now_ms);
        self.source = Some((check, key));
        self.save(Some(&run));
        self.run = Some(run);
        Phase::Head
    }

    fn effect(&mut self, effect: Effect) {
        self.queue.push_back(RestoreAction::Do(effect));
    }

    /// Queues storing the run (`None`: dropping it).
    fn save(&mut self, run: Option<&RestoreRun>) {
        match save(sc::SET_RESTORE_RUN, run) {
            Ok(write) => self.effect(Effect::Write(vec![write])),
            Err(bug) => self.fail(bug.into()),
        }
    }

    /// The next action at `now_ms`.
    pub fn next(&mut self, now_ms: u64) -> RestoreAction {
        self.now_ms = now_ms;
        loop {
            if let Some(action) = self.queue.pop_front() {
                self.expect = Expect::Ok;
                return action;
            }
            let Some(run) = self.run.as_mut() else {
                match std::mem::replace(&mut self.phase, Phase::Spent) {
                    Phase::Load => {
                        return self.ask(Expect::Run, Phase::Load, load());
                    }
                    Phase::Begin(begin, None) if begin.existed.is_none() => {
                        let read = RestoreAction::Do(Effect::ReadRecord);
                        return self.ask(Expect::Existed, Phase::Begin(begin, None), read);
                    }
                    Phase::Begin(begin, None) if begin.id.is_none() => {
                        let id = RestoreAction::Do(Effect::NewBackupId);
                        return self.ask(Expect::Backup, Phase::Begin(begin, None), id);
                    }
                    Phase::Begin(begin, None) => {
                        let waiting = Phase::Begin(begin, None);
                        return self.ask(Expect::Key, waiting, RestoreAction::Do(Effect::OpenKey));
                    }
                    Phase::Begin(begin, Some(key)) => {
                        let manifest = manifest_key(&begin.store, &begin.backup);
                        let waiting = Phase::Begin(begin, Some(key));
                        return self.ask(Expect::File, waiting, read(Bucket::Backups, manifest));
                    }
                    Phase::End(result) => return RestoreAction::Done(result),
                    Phase::Failing(e) => return RestoreAction::Done(Err(e)),
                    _ => return RestoreAction::Done(Ok(None)),
                }
            };
            match std::mem::replace(&mut self.phase, Phase::Spent) {
                Phase::Load | Phase::Head => {
                    let step = run.next_step();
                    self.phase = if !self.allowance.allows(&step) {
                        Phase::Finish
                    } else if step.reads_backup() && self.source.is_none() {
                        Phase::Source(step, None)
                    } else {
                        Phase::Step(step)
                    };
                }
                Phase::Source(step, None) => {
                    return self.ask(
                        Expect::Key,
                        Phase::Source(step, None),
                        RestoreAction::Do(Effect::OpenKey),
                    );
                }
                Phase::Source(step, Some(key)) => {
                    let manifest = manifest_key(&run.store, &run.backup);
                    let read = read(Bucket::Backups, manifest);
                    return self.ask(Expect::File, Phase::Source(step, Some(key)), read);
                }
                Phase::Step(step) => {
                    self.allowance.spend(&step);
                    if let Some(action) = self.start_step(step) {
                        return action;
                    }
                }
                Phase::Files(step, files) => {
                    let keys = step.backup_keys();
                    if let Some(key) = keys.get(files.len()) {
                        let read = read(Bucket::Backups, key.clone());
                        return self.ask(Expect::File, Phase::Files(step, files), read);
                    }
                    if let Some(action) = self.open(&step, &files) {
                        return action;
                    }
                }
                Phase::ClaimNext(w) => {
                    let (entry, claim) = (w.entry.entry.clone(), w.entry.claim);
                    let claim = RestoreAction::Do(Effect::Claim { entry, claim });
                    return self.ask(Expect::Claimed, Phase::Claim(w), claim);
                }
                Phase::Carts(w, asked) => {
                    if asked < w.carts.len() {
                        let end = (asked + SHOPPERS_AT_ONCE).min(w.carts.len());
                        let carts = w.carts[asked..end].to_vec();
                        let store = run.store.clone();
                        self.phase = Phase::Carts(w, end);
                        self.expect = Expect::Ok;
                        return RestoreAction::Do(Effect::ReplaceCarts { store, carts });
                    }
                    let index = index_writes(&w, now_ms);
                    if !index.is_empty() {
                        self.effect(Effect::Write(index));
                    }
                    self.phase = Phase::Outcome(StepOutcome::Done(w.report));
                }
                Phase::Outcome(outcome) => match run.record(outcome, now_ms) {
                    Ok(go_on) => {
                        let run = run.clone();
                        self.phase = if go_on { Phase::Head } else { Phase::Finish };
                        self.save(Some(&run));
                    }
                    Err(e) => self.fail(DriverBug(e.to_string()).into()),
                },
                Phase::Finish => {
                    let effect = match run.logged(now_ms) {
                        Some(event) => Effect::Log(event.line(now_ms, &self.rid)),
                        None => Effect::SetAlarm(NEXT_INVOCATION_MS),
                    };
                    self.phase = Phase::End(Ok(Some(Box::new(run.clone()))));
                    self.effect(effect);
                }
                Phase::Failing(e) if self.starting && run.changed_nothing() => {
                    self.phase = Phase::End(Err(e));
                    self.save(None);
                }
                Phase::Failing(e) => {
                    let code = EdgeError::from(e.clone()).code;
                    run.attempt_failed(&code, e.to_string());
                    let run = run.clone();
                    // The starting request answers the run's status, its problem in it.
                    self.phase = match self.starting {
                        true => Phase::End(Ok(Some(Box::new(run.clone())))),
                        false => Phase::End(Err(e)),
                    };
                    self.save(Some(&run));
                    self.effect(Effect::SetAlarm(RETRY_AFTER_MS));
                }
                Phase::End(result) => return RestoreAction::Done(result),
                Phase::Spent => {
                    let bug = DriverBug("the restore driver was asked after its end".into());
                    return RestoreAction::Done(Err(bug.into()));
                }
                waiting => {
                    self.phase = waiting;
                    self.fail(DriverBug("restore run: asked again before an answer".into()).into());
                }
            }
        }
    }

    /// What the last action gave.
    pub fn on_result(&mut self, input: RestoreInput) {
        let expect = std::mem::replace(&mut self.expect, Expect::Nothing);
        let phase = std::mem::replace(&mut self.phase, Phase::Spent);
        self.phase = match (expect, input, phase) {
            (_, RestoreInput::Failed(e), _) => return self.fail(e),
            (Expect::Ok, RestoreInput::Ok, phase) => phase,
            (Expect::Run, RestoreInput::Run(run), _) => match run {
                Some(run) if run.is_done() => Phase::End(Ok(Some(run))),
                Some(run) => {
                    self.run = Some(*run);
                    Phase::Head
                }
                None => Phase::End(Ok(None)),
            },
            (Expect::Existed, RestoreInput::Existed(had), Phase::Begin(mut begin, None)) => {
                begin.existed = Some(had);
                Phase::Begin(begin, None)
            }
            (Expect::Backup, RestoreInput::Backup(id), Phase::Begin(mut begin, None)) => {
                begin.id = Some(id);
                Phase::Begin(begin, None)
            }
            (Expect::Key, RestoreInput::Key(key), Phase::Begin(begin, None)) => {
                Phase::Begin(begin, Some(key))
            }
            (Expect::File, RestoreInput::File(manifest), Phase::Begin(begin, Some(key))) => {
                self.begun(*begin, key, manifest)
            }
            (Expect::Key, RestoreInput::Key(key), Phase::Source(step, None)) => {
                Phase::Source(step, Some(key))
            }
            (Expect::File, RestoreInput::File(manifest), Phase::Source(step, Some(key))) => {
                self.checked(step, key, manifest)
            }
            (Expect::File, RestoreInput::File(file), Phase::Files(step, mut files)) => {
                files.push(file);
                Phase::Files(step, files)
            }
            (Expect::File, RestoreInput::File(body), Phase::ThemeBody(opened)) => {
                self.finish_files(opened, body)
            }
            (Expect::Backup, RestoreInput::Backup(id), Phase::Await(_)) => {
                // The safety backup is the object's backup run, driven by the next step.
                let Some(run) = &self.run else {
                    return self.fail(DriverBug("a safety backup without a restore".into()).into());
                };
                let (store, now) = (run.store.clone(), self.now_ms);
                let backup = BackupRun::start(
                    store,
                    id.clone(),
                    BackupReason::BeforeRestore,
                    now,
                    DEFAULT_PAGE_SIZE,
                );
                match save(sc::SET_BACKUP_RUN, Some(&backup)) {
                    Ok(write) => self.effect(Effect::Write(vec![write])),
                    Err(bug) => return self.fail(bug.into()),
                }
                Phase::Outcome(StepOutcome::Done(Report::SafetyBackupStarted(id)))
            }
            (Expect::Driven, RestoreInput::Driven(d), Phase::Await(step)) => {
                self.allowance.spend_backup(d.pages);
                match step {
                    RestoreStep::FinishSafetyBackup { id } if d.done => {
                        Phase::Outcome(StepOutcome::Done(Report::SafetyBackupTaken(id)))
                    }
                    _ => Phase::Outcome(StepOutcome::Yield),
                }
            }
            (Expect::Marks, RestoreInput::Marks(page), Phase::Await(_)) => match &self.run {
                Some(run) => Phase::Carts(run.clear_plan(page), 0),
                None => Phase::Spent,
            },
            (Expect::Claimed, RestoreInput::Refused(refusal), Phase::Claim(_)) => {
                Phase::Outcome(StepOutcome::Registry(refusal))
            }
            (Expect::Claimed, RestoreInput::Ok, Phase::Claim(w)) => {
                let w = *w;
                let t = w.theme;
                let theme = plans::restore_theme(t.versions, t.published, t.body);
                self.queue
                    .push_back(RestoreAction::Do(Effect::SaveRecord(Box::new(w.record))));
                self.queue
                    .push_back(RestoreAction::Do(Effect::WriteTheme(theme)));
                Phase::Outcome(StepOutcome::Done(w.report))
            }
            (Expect::Synced, RestoreInput::Synced(synced), Phase::Await(_)) => {
                let catalog = synced.map_or_else(|e| e.cause_code(), |()| "synced".to_owned());
                Phase::Outcome(StepOutcome::Done(Report::Resynced(catalog)))
            }
            (expect, _, phase) => {
                self.phase = phase;
                let bug = format!("restore run: an answer that is not the {expect:?} it waits for");
                return self.fail(DriverBug(bug).into());
            }
        };
    }

    fn ask(&mut self, expect: Expect, phase: Phase, action: RestoreAction) -> RestoreAction {
        self.expect = expect;
        self.phase = phase;
        action
    }

    /// A step's first action (`None`: the step needs none, its phase is set).
    fn start_step(&mut self, step: RestoreStep) -> Option<RestoreAction> {
        let (expect, action) = match &step {
            RestoreStep::StartSafetyBackup => {
                (Expect::Backup, RestoreAction::Do(Effect::NewBackupId))
            }
            RestoreStep::FinishSafetyBackup { .. } => {
                let pages = self.allowance.backup_pages();
                (
                    Expect::Driven,
                    RestoreAction::Do(Effect::DriveBackup { pages }),
                )
            }
            RestoreStep::ClearOthers { after, limit } => {
                let (after, limit) = (after.clone(), *limit);
                (
                    Expect::Marks,
                    RestoreAction::Do(Effect::ListMarks { after, limit }),
                )
            }
            RestoreStep::Resync => (Expect::Synced, RestoreAction::Do(Effect::Resync)),
            RestoreStep::Done => {
                self.phase = Phase::Outcome(StepOutcome::Yield);
                return None;
            }
            RestoreStep::Verify { .. }
            | RestoreStep::ApplyStore { .. }
            | RestoreStep::ApplyCarts { .. } => {
                self.phase = Phase::Files(step, Vec::new());
                return None;
            }
        };
        Some(self.ask(expect, Phase::Await(step), action))
    }

    /// The manifest read for `step`: checked, kept for the invocation, or the step refused.
    fn checked(&mut self, step: RestoreStep, key: BackupKey, manifest: Option<Vec<u8>>) -> Phase {
        let Some(run) = &self.run else {
            return Phase::Spent;
        };
        let Some(manifest) = manifest else {
            return Phase::Outcome(StepOutcome::Refused(manifest_gone()));
        };
        match RestoreCheck::from_manifest(&manifest, &run.store, &run.backup) {
            Ok(check) => {
                self.source = Some((check, key));
                Phase::Step(step)
            }
            Err(r) => Phase::Outcome(StepOutcome::Refused(r)),
        }
    }

    /// The step's files are read: checked, then the theme body they name is read.
    fn open(&mut self, step: &RestoreStep, files: &[Option<Vec<u8>>]) -> Option<RestoreAction> {
        let (Some(run), Some((check, key))) = (&self.run, &self.source) else {
            self.fail(DriverBug("restore run: a file step without its manifest".into()).into());
            return None;
        };
        let opened = match restore_plan::open(run, step, check, key, files) {
            Ok(opened) => opened,
            Err(r) => {
                self.phase = Phase::Outcome(StepOutcome::Refused(r));
                return None;
            }
        };
        match opened.theme_body_key(&run.store) {
            Some(key) => {
                let read = read(Bucket::Themes, key);
                Some(self.ask(Expect::File, Phase::ThemeBody(opened), read))
            }
            None => {
                self.phase = self.finish_files(opened, None);
                None
            }
        }
    }

    fn finish_files(&mut self, opened: Opened, body: Option<Vec<u8>>) -> Phase {
        match opened.finish(body) {
            Err(r) => Phase::Outcome(StepOutcome::Refused(r)),
            Ok(FilePlan::Verified(report)) => Phase::Outcome(StepOutcome::Done(report)),
            Ok(FilePlan::Store(w)) => Phase::ClaimNext(w),
            Ok(FilePlan::Carts(w)) => Phase::Carts(w, 0),
        }
    }

    /// An action failed: the run keeps the problem in its status and the alarm tries again;
    /// a failure while doing that (or before a run was read) ends the invocation at once.
    fn fail(&mut self, e: StoreError) {
        self.queue.clear();
        self.phase = if self.failing || self.run.is_none() {
            Phase::End(Err(e))
        } else {
            self.failing = true;
            Phase::Failing(e)
        };
    }
}

/// Reading the stored run.
pub fn load() -> RestoreAction {
    RestoreAction::Do(Effect::ReadJson(sc::SELECT_RESTORE_RUN))
}

fn read(bucket: Bucket, key: String) -> RestoreAction {
    RestoreAction::Do(Effect::Get { bucket, key })
}

/// What a cart write does to its shoppers' index entries.
fn index_writes(w: &CartWrite, now_ms: u64) -> Vec<Write> {
    w.carts
        .iter()
        .map(|(shopper, _)| match &w.index {
            IndexWrite::Mark(run) => Write::new(
                sc::INDEX_RESTORED_CART,
                vec![shopper.as_str().into(), now_ms.into(), run.as_str().into()],
            ),
            IndexWrite::Drop => Write::new(sc::UNINDEX_CART, vec![shopper.as_str().into()]),
        })
        .collect()
}

#[cfg(test)]
#[path = "restore_driver_tests.rs"]
mod tests;
