//! One background refresh from start to end as a sans-IO driver, around [`Refresh`]: the
//! store's exact budget first, then the providers (each attempt logged as
//! [`GatewayCall`]), the suggestion stored in the shopper's object when a model answered,
//! and the outcomes (with the breakers, when they moved) recorded by the store. The shell
//! performs each [`JobAction`] and answers with a [`JobInput`]; the model calls themselves
//! ([`JobAction::Call`]) run through the one upstream executor of every guarded call
//! (`wandstore_core::guarded_run`'s [`Action`]/[`Outcome`]), stepped by [`RefreshJob::call`]:
//!
//! ```text
//! let mut input = JobInput::Start;
//! loop {
//!     input = match job.resume(input) {
//!         JobAction::SpendBudget => JobInput::Budget { granted, breakers },   // or Failed(why)
//!         JobAction::Call => { drive(|outcome, now, jitter| job.call(outcome, now, jitter)); JobInput::Done }
//!         JobAction::Finished(result) => break result,
//!         store / record / log => { do it; JobInput::Done }                   // or Failed(why)
//!     };
//! }
//! ```

use crate::block::RefreshPlan;
use crate::events::{GatewayCall, RefreshFailed};
use crate::gateway::{GatewayConfig, Provider};
use crate::page::StoredSuggestion;
use crate::refresh::{Breakers, Refresh, RefreshResult, RefreshStep, time_limit_ms};
use crate::report::PersonalizationCounters;
use std::collections::VecDeque;
use wandstore_core::events::Event;
use wandstore_core::guarded_run::{Action, Outcome};

/// What the shell does next.
#[derive(Debug, Clone)]
pub enum JobAction {
    /// Spend one call of the store's daily budget (StoreConfig) → [`JobInput::Budget`].
    SpendBudget,
    /// Call the models: run [`RefreshJob::call`] through the upstream executor until it is
    /// done, logging each line it hands back → [`JobInput::Done`].
    Call,
    /// Store the suggestion in the shopper's object → [`JobInput::Done`].
    StoreSuggestion(StoredSuggestion),
    /// Add the refresh's counts to the store's totals, with the providers' breakers when
    /// they moved (StoreConfig) → [`JobInput::Done`].
    Record {
        counts: PersonalizationCounters,
        breakers: Option<Breakers>,
    },
    /// Log this JSON event line → [`JobInput::Done`].
    Log(String),
    /// The refresh is over; `Err`: why it ended without its record (for `ai.refresh_failed`).
    Finished(Result<(), String>),
}

/// What the shell answers.
#[derive(Debug, Clone)]
pub enum JobInput {
    Start,
    /// The action was done.
    Done,
    /// The action failed (an object call, a storage write).
    Failed(String),
    Budget {
        granted: bool,
        breakers: Breakers,
    },
}

#[derive(Debug, Clone)]
enum Phase {
    Budget,
    Calling(Box<Refresh>),
    Storing,
    Recording,
    Finished,
}

/// One refresh job in progress.
#[derive(Debug, Clone)]
pub struct RefreshJob {
    config: GatewayConfig,
    plan: Option<RefreshPlan>,
    phase: Phase,
    breakers: Breakers,
    /// The breakers as granted, to tell whether they moved.
    granted: Breakers,
    /// The provider of the request out.
    sent: Option<Provider>,
    /// The hash of the candidate set the model chooses from (stored with its suggestion).
    hash: String,
    queue: VecDeque<JobAction>,
    record: Option<JobAction>,
    /// The whole job's time limit ([`time_limit_ms`]).
    limit_ms: u64,
    /// The store and the request the refresh started from (its log lines').
    store: String,
    request_id: String,
}

impl RefreshJob {
    pub fn new(config: GatewayConfig, plan: RefreshPlan) -> RefreshJob {
        RefreshJob {
            limit_ms: time_limit_ms(&config),
            store: plan.ctx.store.clone(),
            request_id: plan.ctx.request_id.clone(),
            config,
            plan: Some(plan),
            phase: Phase::Budget,
            breakers: Breakers::default(),
            granted: Breakers::default(),
            sent: None,
            hash: String::new(),
            queue: VecDeque::new(),
            record: None,
        }
    }

    /// How long the whole job may take (the shell gives up on it after that).
    pub fn time_limit_ms(&self) -> u64 {
        self.limit_ms
    }

    /// The request the refresh started from.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The log line of this job once it finished (`Some(result)`) or was given up on after
    /// its time limit (`None`): nothing for one that finished well ([`failure_line`]).
    pub fn failure_line(&self, outcome: Option<Result<(), String>>, now_ms: u64) -> Option<String> {
        failure_line(
            outcome,
            &self.store,
            self.limit_ms,
            now_ms,
            &self.request_id,
        )
    }

    /// The next action, given the answer to the last one.
    pub fn resume(&mut self, input: JobInput) -> JobAction {
        if matches!(input, JobInput::Done)
            && let Some(next) = self.queue.pop_front()
        {
            return next;
        }
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        match (phase, input) {
            (Phase::Budget, JobInput::Start) => {
                self.phase = Phase::Budget;
                JobAction::SpendBudget
            }
            (Phase::Budget, JobInput::Budget { granted, breakers }) => {
                let Some(plan) = self.plan.take().filter(|_| granted) else {
                    return JobAction::Finished(Ok(()));
                };
                self.granted = breakers.clone();
                self.breakers = breakers;
                self.hash = plan.set.hash();
                let refresh = Refresh::new(&self.config, plan.ctx, plan.prompt, plan.set);
                self.phase = Phase::Calling(Box::new(refresh));
                JobAction::Call
            }
            (Phase::Budget, JobInput::Failed(why)) => {
                JobAction::Finished(Err(format!("budget: {why}")))
            }
            (Phase::Calling(_), JobInput::Done) => {
                JobAction::Finished(Err("the model calls were left unfinished".into()))
            }
            (Phase::Storing, JobInput::Done) => self.record(),
            (Phase::Storing, JobInput::Failed(why)) => {
                JobAction::Finished(Err(format!("storing: {why}")))
            }
            (Phase::Recording, JobInput::Done) => JobAction::Finished(Ok(())),
            (Phase::Recording, JobInput::Failed(why)) => {
                JobAction::Finished(Err(format!("recording: {why}")))
            }
            _ => JobAction::Finished(Err("an answer the refresh did not ask for".into())),
        }
    }

    /// One step of [`JobAction::Call`] for the upstream executor, with the line to log for
    /// the attempt that just came back (if one did). When the calls are over, the job's
    /// next action waits for [`RefreshJob::resume`]'s `JobInput::Done`.
    pub fn call(
        &mut self,
        outcome: Outcome,
        now_ms: u64,
        jitter: f64,
    ) -> (Action<()>, Option<String>) {
        let Phase::Calling(refresh) = &mut self.phase else {
            return (Action::Done(()), None);
        };
        let (step, line) = match outcome {
            Outcome::Answered { result, ms } => {
                let Some(provider) = self.sent.take() else {
                    let stray = JobAction::Finished(Err("a response nobody asked for".into()));
                    self.phase = Phase::Finished;
                    self.queue.push_back(stray);
                    return (Action::Done(()), None);
                };
                let call = GatewayCall::of(&refresh.ctx().store, provider, &result, ms);
                let line = call.line(now_ms, &refresh.ctx().request_id);
                let step = refresh.on_response(result, &mut self.breakers, now_ms, jitter);
                (step, Some(line))
            }
            Outcome::Start | Outcome::Waited => (refresh.next(&mut self.breakers, now_ms), None),
        };
        let action = match step {
            RefreshStep::Send { provider, request } => {
                self.sent = Some(provider);
                let timeout_ms = u64::from(request.timeout_ms);
                Action::Send {
                    request,
                    timeout_ms,
                }
            }
            RefreshStep::Wait { ms } => Action::Wait { ms },
            RefreshStep::Done(result) => {
                let next = self.finish(result, now_ms);
                self.queue.push_back(next);
                Action::Done(())
            }
        };
        (action, line)
    }

    fn finish(&mut self, result: RefreshResult, now_ms: u64) -> JobAction {
        let moved = Provider::FALLBACK_ORDER
            .iter()
            .any(|&p| self.breakers.state(p) != self.granted.state(p));
        self.record = Some(JobAction::Record {
            counts: result.counts(),
            breakers: moved.then(|| self.breakers.clone()),
        });
        match result.suggestion(&self.hash, now_ms) {
            Some(stored) => {
                self.phase = Phase::Storing;
                JobAction::StoreSuggestion(stored)
            }
            None => self.record(),
        }
    }

    fn record(&mut self) -> JobAction {
        self.phase = Phase::Recording;
        self.record
            .take()
            .unwrap_or(JobAction::Finished(Err("nothing to record".into())))
    }
}

impl<E: std::fmt::Display> From<Result<(), E>> for JobInput {
    /// What a store, record or call step's result answers: `Done`, or `Failed` with why.
    fn from(result: Result<(), E>) -> JobInput {
        result.map_or_else(|e| JobInput::Failed(e.to_string()), |()| JobInput::Done)
    }
}

/// The log line of a refresh at `store` that failed (`Some(Err)`) or ran past its
/// `limit_ms` (`None`); nothing for one that finished.
pub fn failure_line(
    outcome: Option<Result<(), String>>,
    store: &str,
    limit_ms: u64,
    now_ms: u64,
    request_id: &str,
) -> Option<String> {
    let error = match outcome {
        Some(Ok(())) => return None,
        Some(Err(error)) => error,
        None => format!("gave up after {limit_ms} ms"),
    };
    let failed = RefreshFailed {
        store: store.to_owned(),
        error,
    };
    Some(failed.line(now_ms, request_id))
}

#[cfg(test)]
#[path = "refresh_job_tests.rs"]
mod tests;
