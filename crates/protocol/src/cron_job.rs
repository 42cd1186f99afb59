//! One scheduled invocation (a cron trigger in wrangler.toml) as a sans-IO driver: its
//! schedule picks the job (the hourly [`BACKUP_CRON`] starts backups, any other refreshes
//! catalogs), [`CronJob::poll`] says what it needs next ([`CronIo`]: start the backups,
//! list the registered stores, ask a batch of them to refresh if stale) and the `on_…`
//! methods take the results, until it ends with its summary line ([`CronIo::Done`]). Which
//! stores a refresh run asks, in which batches, is `core::cron_plan::RefreshRun`'s; a run
//! that could not list the stores or start the backups ends with that failure in its line.

use crate::EdgeError;
use crate::backup_admin::{Answers, cron_outcome};
use crate::store::RefreshStarted;
use wandstore_backup::BackupReason;
use wandstore_core::cron_plan::{RefreshRun, RefreshStep};
use wandstore_core::events::{CronOutcome, CronRun, Event};
use wandstore_core::store::StoreSlug;

/// The schedule that starts backups (the other one refreshes catalogs).
pub const BACKUP_CRON: &str = "0 * * * *";

/// What the job needs next.
#[derive(Debug, Clone, PartialEq)]
pub enum CronIo {
    /// Ask every registered store to start a backup for this reason
    /// (`backup_starts::BackupStarts`; [`CronJob::on_backups`]).
    StartBackups(BackupReason),
    /// List the registered stores ([`CronJob::on_stores`]).
    ListStores,
    /// Ask these stores at once to refresh their catalogs if stale
    /// ([`CronJob::on_refreshed`], answers in the same order).
    Refresh(Vec<StoreSlug>),
    /// The run's summary line, to log: the last step.
    Done(String),
}

enum State {
    Backups,
    Listing,
    /// Refreshing; the batch being asked, until it answers.
    Refreshing(RefreshRun<StoreSlug>, Vec<StoreSlug>),
    Finished(CronOutcome),
}

/// One cron invocation.
pub struct CronJob {
    cron: String,
    scheduled_ms: u64,
    started_ms: u64,
    state: State,
}

impl CronJob {
    /// The invocation of `cron` scheduled at `scheduled` (the event's time in ms, as the
    /// runtime gives it), started at `started_ms`.
    pub fn new(cron: String, scheduled: f64, started_ms: u64) -> CronJob {
        let state = match cron == BACKUP_CRON {
            true => State::Backups,
            false => State::Listing,
        };
        CronJob {
            cron,
            // A negative or NaN time is the first period's (`as` saturates).
            scheduled_ms: scheduled.max(0.0) as u64,
            started_ms,
            state,
        }
    }

    /// What to do next, at `now_ms` (the summary line carries the run's duration).
    pub fn poll(&mut self, now_ms: u64, request_id: &str) -> CronIo {
        match &mut self.state {
            State::Backups => CronIo::StartBackups(BackupReason::Scheduled),
            State::Listing => CronIo::ListStores,
            State::Refreshing(run, batch) if batch.is_empty() => match run.next_step() {
                RefreshStep::Ask(next) => {
                    *batch = next.clone();
                    CronIo::Refresh(next)
                }
                RefreshStep::Done(outcome) => {
                    self.state = State::Finished(outcome);
                    self.poll(now_ms, request_id)
                }
            },
            State::Refreshing(_, batch) => CronIo::Refresh(batch.clone()),
            State::Finished(outcome) => {
                let run = CronRun {
                    cron: self.cron.clone(),
                    outcome: outcome.clone(),
                    duration_ms: now_ms.saturating_sub(self.started_ms),
                };
                CronIo::Done(run.line(now_ms, request_id))
            }
        }
    }

    /// Every store's answer to the backup start, or why the stores could not be asked.
    pub fn on_backups(&mut self, answers: Result<Answers, EdgeError>) {
        if let State::Backups = self.state {
            self.state = State::Finished(match answers {
                Ok(answers) => cron_outcome(&answers),
                Err(e) => failed(&e),
            });
        }
    }

    /// The registered stores (this run asks its page of them), or why they could not be
    /// listed.
    pub fn on_stores(&mut self, listed: Result<Vec<StoreSlug>, EdgeError>) {
        if let State::Listing = self.state {
            self.state = match listed {
                Ok(stores) => State::Refreshing(RefreshRun::new(stores, self.scheduled_ms), vec![]),
                Err(e) => State::Finished(failed(&e)),
            };
        }
    }

    /// The batch's answers, in the order asked: whether each started a refresh, or why it
    /// could not be asked (its error code is named in the line).
    pub fn on_refreshed<E: Into<EdgeError>>(&mut self, answers: Vec<Result<RefreshStarted, E>>) {
        if let State::Refreshing(run, batch) = &mut self.state {
            let started = answers
                .into_iter()
                .map(|a| a.map(|a| a.started).map_err(|e| e.into().code));
            run.on_answers(&std::mem::take(batch), started.collect());
        }
    }
}

fn failed(e: &EdgeError) -> CronOutcome {
    CronOutcome::Failed { error: e.for_log() }
}

#[cfg(test)]
#[path = "cron_job_tests.rs"]
mod tests;
