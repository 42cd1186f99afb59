//! Creating or updating the store's record as a sans-IO driver that StoreConfig's one executor
//! runs (`store_io::StoreDriver`): the order of the registry claim, the reads and the save,
//! and what to answer or undo when a step fails. What each step decides (the validation, the
//! claim, whether to save) is `store_record`'s plans.
//!
//! ```text
//!   create: Claim ─► ReadRecord ─► SaveRecord ─► Done(public view)
//!           a refused or failed claim: Done(it), nothing to undo
//!           a held record, a failed read or save: Forget(the claim) ─► Done(the error)
//!   update: ReadRecord ─► Claim(rewrite) ─► ReadRecord ─► SaveRecord ─► Done(public view)
//!           a missing store, a refused patch or claim, a change meanwhile, a failure: Done(it)
//! ```

use crate::registry::WriteEntry;
use crate::store::{CreateStore, StoreError, UpdateStore};
use crate::store_record::{CreatePlan, UpdatePlan};
use wandstore_backup::store_io::{Action, Effect, IoResult, StoreDriver};
use wandstore_registry::{PublicStore, StoreRecord};

/// A change between its registry claim and its save.
#[derive(Debug)]
enum Change {
    Create(CreatePlan),
    Update(UpdatePlan),
}

#[derive(Debug)]
enum Step {
    /// An update reads the record it patches.
    ReadCurrent(UpdateStore),
    /// The record read: patch it.
    Patch(UpdateStore),
    /// Ask the registry for this claim.
    Claim(Change, WriteEntry),
    /// The claim's answer: read the record held now.
    Claimed(Change),
    /// The record held now: save, or refuse.
    Held(Change),
    /// The save's result (the public view to answer).
    Saved(Change, PublicStore),
    /// The claim's undo went (whatever it gave): answer the error.
    Undone(StoreError),
    Finished(Result<PublicStore, StoreError>),
    Spent,
}

/// One create or update of the store's record.
#[derive(Debug)]
pub struct RecordRun {
    step: Step,
    fed: Option<IoResult<StoreError>>,
}

impl RecordRun {
    /// A registration (validated here: an invalid one claims nothing).
    pub fn create(q: CreateStore) -> Self {
        let step = match CreatePlan::new(q) {
            Ok((plan, claim)) => Step::Claim(Change::Create(plan), claim),
            Err(refused) => Step::Finished(Err(refused)),
        };
        RecordRun { step, fed: None }
    }

    /// A patch of the stored record.
    pub fn update(q: UpdateStore) -> Self {
        RecordRun {
            step: Step::ReadCurrent(q),
            fed: None,
        }
    }

    fn advance(&mut self, step: Step, fed: Option<IoResult<StoreError>>) -> Action<Done> {
        let next = |step, effect| (step, Some(Action::Do(effect)));
        let (step, action) = match (step, fed) {
            (Step::Finished(done), _) => return Action::Done(done),
            (Step::ReadCurrent(q), None) => next(Step::Patch(q), Effect::ReadRecord),
            (Step::Patch(q), Some(read)) => {
                let current = record(read).and_then(|r| r.ok_or(StoreError::NotFound));
                match current.and_then(|current| UpdatePlan::new(&current, q)) {
                    Ok((plan, rewrite)) => (Step::Claim(Change::Update(plan), rewrite), None),
                    Err(refused) => (Step::Finished(Err(refused)), None),
                }
            }
            (Step::Claim(change, WriteEntry { entry, claim }), None) => {
                next(Step::Claimed(change), Effect::Claim { entry, claim })
            }
            (Step::Claimed(change), Some(claimed)) => match claimed {
                IoResult::Ok => next(Step::Held(change), Effect::ReadRecord),
                IoResult::Refused(refusal) => (Step::Finished(Err(refusal.into())), None),
                other => (Step::Finished(Err(failure(other))), None),
            },
            (Step::Held(change), Some(held)) => {
                let held = record(held);
                let to_save = match &change {
                    Change::Create(plan) => plan.to_save(held.map(|r| r.is_some())).cloned(),
                    Change::Update(plan) => held.and_then(|r| plan.to_save(r.as_ref()).cloned()),
                };
                match to_save {
                    Ok(r) => {
                        let public = r.public();
                        next(Step::Saved(change, public), Effect::SaveRecord(Box::new(r)))
                    }
                    Err(e) => fail(change, e),
                }
            }
            (Step::Saved(_, public), Some(IoResult::Ok)) => (Step::Finished(Ok(public)), None),
            (Step::Saved(change, _), Some(other)) => fail(change, failure(other)),
            (Step::Undone(e), Some(_)) => (Step::Finished(Err(e)), None),
            (_, _) => (Step::Finished(Err(out_of_order())), None),
        };
        self.step = step;
        action.unwrap_or_else(|| self.poll(0))
    }
}

/// A failed step after the claim: a create's claim is undone first.
fn fail(change: Change, e: StoreError) -> (Step, Option<Action<Done>>) {
    match change {
        Change::Create(plan) => match plan.finish(Err(e)) {
            Err((e, undo)) => (Step::Undone(e), Some(Action::Do(Effect::Forget(undo.slug)))),
            Ok(public) => (Step::Finished(Ok(public)), None),
        },
        Change::Update(_) => (Step::Finished(Err(e)), None),
    }
}

type Done = Result<PublicStore, StoreError>;

impl StoreDriver<StoreError> for RecordRun {
    type Done = Done;

    fn poll(&mut self, _now_ms: u64) -> Action<Done> {
        let step = std::mem::replace(&mut self.step, Step::Spent);
        let fed = self.fed.take();
        self.advance(step, fed)
    }

    fn feed(&mut self, result: IoResult<StoreError>) {
        self.fed = Some(result);
    }

    /// Never held elsewhere: changes of the record do not wait for each other (a change saved
    /// meanwhile refuses an update as `Changed`).
    fn elsewhere() -> Done {
        Err(StoreError::Changed)
    }
}

/// The record a `ReadRecord` gave.
fn record(read: IoResult<StoreError>) -> Result<Option<StoreRecord>, StoreError> {
    match read {
        IoResult::Record(r) => Ok(r.map(|r| *r)),
        other => Err(failure(other)),
    }
}

/// The error of a failed effect (any other result is out of order).
fn failure(result: IoResult<StoreError>) -> StoreError {
    match result {
        IoResult::Failed(e) => e,
        _ => out_of_order(),
    }
}

fn out_of_order() -> StoreError {
    StoreError::Internal {
        message: "a record change step came out of order".into(),
    }
}

#[cfg(test)]
#[path = "record_run_tests.rs"]
mod tests;
