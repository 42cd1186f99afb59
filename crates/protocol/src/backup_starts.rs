//! Asking stores to start a backup (the hourly cron, `POST /admin/backups`) as a sans-IO
//! driver: [`BackupStarts::poll`] says what comes next ([`StartsIo`]: list the registered
//! stores unless one is named, ask [`STORES_AT_ONCE`] of them at a time, then tell the
//! registry the sizes they answered with, if any, and log the line of a failure to) and the
//! `on_…` methods take the results, until it is done with every store's answer
//! ([`StartsIo::Done`]) or the stores could not be listed ([`StartsIo::Failed`]).

use crate::EdgeError;
use crate::backup::{BackupStarted, StartBackup};
use crate::backup_admin::{Answers, STORES_AT_ONCE, sizes_of};
use crate::registry::RecordSizes;
use wandstore_backup::BackupReason;
use wandstore_core::events::{BestEffort, BestEffortFailed, Event};
use wandstore_core::store::StoreSlug;

/// What the run needs next.
#[derive(Debug, Clone, PartialEq)]
pub enum StartsIo {
    /// List the registered stores ([`BackupStarts::on_stores`]).
    ListStores,
    /// Ask each of these stores its question, at once ([`BackupStarts::on_started`]).
    Start(Vec<(StoreSlug, StartBackup)>),
    /// Tell the registry the stores' sizes ([`BackupStarts::on_recorded`]; a failure is only
    /// logged).
    RecordSizes(RecordSizes),
    /// Write this log line (a best-effort step failed); nothing is fed back.
    Log(String),
    /// Every store's answer, in order.
    Done(Answers),
    Failed(EdgeError),
}

/// One round of backup starts.
pub struct BackupStarts {
    reason: BackupReason,
    /// `None` until listed.
    stores: Option<Vec<StoreSlug>>,
    answers: Answers,
    recorded: bool,
    /// Why the registry was not told the sizes, until logged.
    unrecorded: Option<String>,
    failed: Option<EdgeError>,
    request_id: String,
}

impl BackupStarts {
    /// Every registered store, or `only` that one, for request `request_id`.
    pub fn new(only: Option<StoreSlug>, reason: BackupReason, request_id: &str) -> BackupStarts {
        BackupStarts {
            reason,
            stores: only.map(|store| vec![store]),
            answers: Vec::new(),
            recorded: false,
            unrecorded: None,
            failed: None,
            request_id: request_id.to_owned(),
        }
    }

    /// What to do next, at `now_ms`.
    pub fn poll(&mut self, now_ms: u64) -> StartsIo {
        if let Some(e) = &self.failed {
            return StartsIo::Failed(e.clone());
        }
        if let Some(error) = self.unrecorded.take() {
            let failed = BestEffortFailed {
                what: BestEffort::StorageSizes,
                store: None,
                error,
            };
            return StartsIo::Log(failed.line(now_ms, &self.request_id));
        }
        let Some(stores) = &self.stores else {
            return StartsIo::ListStores;
        };
        if let Some(batch) = stores.get(self.answers.len()..).filter(|b| !b.is_empty()) {
            let reason = self.reason;
            let ask = |store: &StoreSlug| (store.clone(), StartBackup { reason, now_ms });
            return StartsIo::Start(batch.iter().take(STORES_AT_ONCE).map(ask).collect());
        }
        if !self.recorded {
            self.recorded = true;
            let started = self.answers.iter().filter_map(|(_, a)| a.as_ref().ok());
            if let Some(sizes) = sizes_of(started, now_ms) {
                return StartsIo::RecordSizes(sizes);
            }
        }
        StartsIo::Done(std::mem::take(&mut self.answers))
    }

    /// The registered stores, or why they could not be listed (the run fails).
    pub fn on_stores(&mut self, listed: Result<Vec<StoreSlug>, EdgeError>) {
        match listed {
            Ok(stores) => self.stores = Some(stores),
            Err(e) => self.failed = Some(e),
        }
    }

    /// The asked stores' answers, in the order asked.
    pub fn on_started<E: Into<EdgeError>>(&mut self, answers: Vec<Result<BackupStarted, E>>) {
        let Some(stores) = &self.stores else {
            return;
        };
        let asked = stores.iter().skip(self.answers.len()).cloned();
        let answered = asked
            .zip(answers)
            .map(|(store, a)| (store, a.map_err(Into::into)));
        let answered: Vec<_> = answered.collect();
        self.answers.extend(answered);
    }

    /// Whether the registry was told (a failure is logged next; the backups stand either
    /// way).
    pub fn on_recorded<E: std::fmt::Debug>(&mut self, recorded: Result<(), E>) {
        self.recorded = true;
        if let Err(e) = recorded {
            self.unrecorded = Some(format!("recording store sizes: {e:?}"));
        }
    }
}

#[cfg(test)]
#[path = "backup_starts_tests.rs"]
mod tests;
