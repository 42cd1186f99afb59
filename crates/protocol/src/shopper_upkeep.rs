//! A shopper object's upkeep as a sans-IO driver: the recommendations block's counts kept
//! in its SQLite and sent to StoreConfig (`wandstore_ai::tally` decides when), the last
//! activity written down (`wandstore_core::retention`), and the object's one alarm, which
//! sends the counts that are due and deletes the storage of a shopper away past their
//! retention. The shell performs each [`Action`] and answers with the matching [`Input`]:
//!
//! ```text
//! let mut input = Input::Start;
//! loop {
//!     input = match upkeep.resume(input) {
//!         Action::ReadPending => Input::Pending(read the `ai_state` row PENDING_KEY),
//!         Action::Send { store, question } => Input::Sent { error, now_ms },
//!         Action::ReadAlarm => Input::Alarm(storage.get_alarm()),
//!         Action::ReadActivity => Input::Activity(the last activity written down),
//!         Action::ReadRetentionFacts => Input::Retention { last_activity_ms, has_cart },
//!         Action::Done => break,
//!         write / set / delete / log => { do it; Input::Done }    // an error ends the run
//!     };
//! }
//! ```
//!
//! Three runs: [`Upkeep::count`] (one interaction with the block, run after the response),
//! [`Upkeep::alarm`] (the object's alarm) and [`Upkeep::activity`] (after a request that
//! used the storage). An input the driver did not ask for ends the run.

use crate::personalization::RecordPersonalization;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use wandstore_ai::report::{Interaction, PersonalizationCounters, Source};
use wandstore_ai::tally::{PendingCounts, Send, moves_alarm};
use wandstore_core::events::{Event, ShopperExpired, ShopperRetained};
use wandstore_core::retention::{OnAlarm, Retention};
use wandstore_core::store::StoreSlug;
use wandstore_storage::shopper::{RetentionRow, activity_write, state_write};
use wandstore_storage::{ValueRow, Write, json_text};

/// The `ai_state` key of the counts waiting to be sent.
pub const PENDING_KEY: &str = "pending_counts";

/// The counts waiting to be sent, with the store to send them to (the alarm has no request
/// to learn it from). Absent or unreadable: the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub store: Option<StoreSlug>,
    #[serde(flatten)]
    pub counts: PendingCounts,
}

/// What the shell does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Read the counts waiting → [`Input::Pending`].
    ReadPending,
    /// Run this statement on the object's SQLite (the counts waiting, the last activity) →
    /// [`Input::Done`].
    Write(Write),
    /// Ask StoreConfig `question` (the counts, no breakers) → [`Input::Sent`].
    Send {
        store: StoreSlug,
        question: RecordPersonalization,
    },
    /// Read the time the object's alarm is set for → [`Input::Alarm`].
    ReadAlarm,
    /// Set the object's alarm to this absolute time (ms) → [`Input::Done`].
    SetAlarm(u64),
    /// Read the last activity written down and whether the cart has lines →
    /// [`Input::Retention`].
    ReadRetentionFacts,
    /// Read the last activity written down → [`Input::Activity`].
    ReadActivity,
    /// Delete all of the object's storage → [`Input::Done`].
    DeleteAll,
    /// Log this JSON event line → [`Input::Done`].
    Log(String),
    /// Log this error message → [`Input::Done`].
    LogError(String),
    /// The run is over.
    Done,
}

/// What the shell answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The first call.
    Start,
    /// The action was done.
    Done,
    Pending(Pending),
    /// StoreConfig answered (`error: None`) or not; `now_ms`: the time after the call.
    Sent {
        error: Option<String>,
        now_ms: u64,
    },
    Alarm(Option<u64>),
    /// The last activity written down (`None`: never).
    Activity(Option<u64>),
    Retention {
        last_activity_ms: Option<u64>,
        has_cart: bool,
    },
}

impl Input {
    /// The alarm's time as the storage answers it (before 1970: 0).
    pub fn alarm(ms: Option<i64>) -> Input {
        Input::Alarm(ms.map(|ms| u64::try_from(ms).unwrap_or(0)))
    }

    /// StoreConfig's answer to the counts sent (`Err`: why it gave none), at `now_ms`.
    pub fn sent<A, E: std::fmt::Display>(answer: Result<A, E>, now_ms: u64) -> Input {
        let error = answer.err().map(|e| e.to_string());
        Input::Sent { error, now_ms }
    }

    /// The last activity as its row reads (no row: never).
    pub fn activity(row: Option<ValueRow>) -> Input {
        Input::Activity(row.map(|r| r.value))
    }

    /// The alarm's facts as one row reads them; no row (which the statement never answers):
    /// the run stops, deleting nothing.
    pub fn retention(row: Option<RetentionRow>) -> Input {
        row.map_or(Input::Done, |r| Input::Retention {
            last_activity_ms: r.last_activity_ms,
            has_cart: r.has_cart != 0,
        })
    }
}

/// What follows a send.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Then {
    /// Nothing (a count): a failed send moves the alarm to the retry time.
    Finish,
    /// The alarm's retention check.
    Retention,
}

/// What the driver waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Finished,
    CountRead {
        store: StoreSlug,
        source: Source,
        what: Interaction,
    },
    AlarmRead,
    Sending {
        counts: PersonalizationCounters,
        then: Then,
    },
    FailedRead {
        counts: PersonalizationCounters,
        then: Then,
    },
    MoveAlarm {
        at: u64,
    },
    RetentionRead,
    RetentionFacts {
        pending: Pending,
    },
    /// The last activity written down is being read.
    ActivityKnown,
    ActivityRead,
}

/// One upkeep run in progress.
#[derive(Debug, Clone)]
pub struct Upkeep {
    retention: Retention,
    now_ms: u64,
    phase: Phase,
    /// Actions to do in order before the phase's input is expected.
    queue: VecDeque<Action>,
    deleted: bool,
    /// The last activity written down, once known (`Some(None)`: never).
    activity: Option<Option<u64>>,
}

impl Upkeep {
    fn new(retention: Retention, now_ms: u64, phase: Phase, first: Vec<Action>) -> Upkeep {
        Upkeep {
            retention,
            now_ms,
            phase,
            queue: first.into(),
            deleted: false,
            activity: None,
        }
    }

    /// Counts one interaction with the block at `store`: a new source's impression sends
    /// everything waiting at once; otherwise the alarm is moved to fire by the batch's time
    /// (never later than it already would).
    pub fn count(store: StoreSlug, source: Source, what: Interaction, now_ms: u64) -> Upkeep {
        let phase = Phase::CountRead {
            store,
            source,
            what,
        };
        Upkeep::new(
            Retention::default(),
            now_ms,
            phase,
            vec![Action::ReadPending],
        )
    }

    /// The object's alarm: sends the counts that are due (a failure leaves them waiting),
    /// then deletes everything if the shopper has been away past their retention, or sets
    /// the alarm again (earlier while counts wait).
    pub fn alarm(retention: Retention, now_ms: u64) -> Upkeep {
        Upkeep::new(
            retention,
            now_ms,
            Phase::AlarmRead,
            vec![Action::ReadPending],
        )
    }

    /// After a request that used the storage: writes the activity down and sets the alarm to
    /// the time the storage may go, when the last write is old enough. `known`: the last
    /// write as the shell remembers it (`None`: not known yet, so it is read first; the
    /// shell keeps [`Upkeep::known_activity`] for the next run).
    pub fn activity(retention: Retention, known: Option<Option<u64>>, now_ms: u64) -> Upkeep {
        let mut upkeep = Upkeep::new(retention, now_ms, Phase::ActivityKnown, vec![]);
        match known {
            Some(recorded_ms) => upkeep.on_activity(recorded_ms),
            None => upkeep.queue.push_back(Action::ReadActivity),
        }
        upkeep
    }

    /// With the last activity known: write it down now, or nothing.
    fn on_activity(&mut self, recorded_ms: Option<u64>) {
        self.activity = Some(recorded_ms);
        if self.retention.should_record(recorded_ms, self.now_ms) {
            self.queue
                .push_back(Action::Write(activity_write(self.now_ms)));
            self.queue.push_back(Action::ReadPending);
            self.phase = Phase::ActivityRead;
        } else {
            self.phase = Phase::Finished;
        }
    }

    /// The alarm deleted the storage (the shell forgets what it kept of it).
    pub fn deleted(&self) -> bool {
        self.deleted
    }

    /// The last activity written down as this run knows it, after it (`None`: unknown).
    pub fn known_activity(&self) -> Option<Option<u64>> {
        self.activity
    }

    /// The next action, given the answer to the last one.
    pub fn resume(&mut self, input: Input) -> Action {
        if matches!(input, Input::Start | Input::Done)
            && let Some(next) = self.queue.pop_front()
        {
            return next;
        }
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        match (phase, input) {
            (Phase::Finished, Input::Start | Input::Done) => Action::Done,
            (
                Phase::CountRead {
                    store,
                    source,
                    what,
                },
                Input::Pending(mut pending),
            ) => {
                let send = pending.counts.record(source, what, self.now_ms);
                pending.store = Some(store.clone());
                let taken = (send == Send::Now).then(|| pending.counts.take_all());
                self.queue.push_back(pending_write(&pending));
                match (send, taken) {
                    (_, Some(counts)) => self.send(store, counts, Then::Finish),
                    (Send::AlarmAt(at), _) => self.move_alarm(at),
                    _ => {}
                }
                self.resume(Input::Done)
            }
            (Phase::AlarmRead, Input::Pending(mut pending)) => {
                match (pending.counts.take_due(self.now_ms), pending.store.clone()) {
                    (Some(counts), Some(store)) => {
                        self.queue.push_back(pending_write(&pending));
                        self.send(store, counts, Then::Retention);
                    }
                    (Some(_), None) => {
                        self.queue.push_back(pending_write(&pending));
                        self.retention_facts(pending);
                    }
                    (None, _) => self.retention_facts(pending),
                }
                self.resume(Input::Done)
            }
            (Phase::Sending { counts, then }, Input::Sent { error, now_ms }) => {
                self.now_ms = now_ms;
                if let Some(error) = error {
                    let line = format!("personalization counts not recorded: {error}");
                    self.queue.push_back(Action::LogError(line));
                    self.queue.push_back(Action::ReadPending);
                    self.phase = Phase::FailedRead { counts, then };
                } else if then == Then::Retention {
                    // Counted meanwhile, maybe: read them again for the alarm's time.
                    self.queue.push_back(Action::ReadPending);
                    self.phase = Phase::RetentionRead;
                }
                self.resume(Input::Done)
            }
            (Phase::FailedRead { counts, then }, Input::Pending(mut pending)) => {
                let at = pending.counts.send_failed(&counts, self.now_ms);
                self.queue.push_back(pending_write(&pending));
                match then {
                    Then::Finish => self.move_alarm(at),
                    Then::Retention => self.retention_facts(pending),
                }
                self.resume(Input::Done)
            }
            (Phase::MoveAlarm { at }, Input::Alarm(current)) => {
                if moves_alarm(current, at) {
                    Action::SetAlarm(at)
                } else {
                    Action::Done
                }
            }
            (Phase::RetentionRead, Input::Pending(pending)) => {
                self.retention_facts(pending);
                self.resume(Input::Done)
            }
            (
                Phase::RetentionFacts { pending },
                Input::Retention {
                    last_activity_ms,
                    has_cart,
                },
            ) => {
                let now = self.now_ms;
                match self.retention.on_alarm(now, last_activity_ms, has_cart) {
                    OnAlarm::WakeAt(wake_at_ms) => {
                        let event = ShopperRetained {
                            has_cart,
                            wake_at_ms,
                        };
                        self.queue.push_back(Action::Log(event.line(now, "")));
                        let alarm = pending.counts.alarm_at(wake_at_ms);
                        self.queue.push_back(Action::SetAlarm(alarm));
                    }
                    OnAlarm::DeleteAll => {
                        self.deleted = true;
                        self.queue.push_back(Action::DeleteAll);
                        let event = ShopperExpired { had_cart: has_cart };
                        self.queue.push_back(Action::Log(event.line(now, "")));
                    }
                }
                self.resume(Input::Done)
            }
            (Phase::ActivityKnown, Input::Activity(recorded_ms)) => {
                self.on_activity(recorded_ms);
                self.resume(Input::Done)
            }
            (Phase::ActivityRead, Input::Pending(pending)) => {
                self.activity = Some(Some(self.now_ms));
                let wake = self.retention.expires_at(self.now_ms, false);
                Action::SetAlarm(pending.counts.alarm_at(wake))
            }
            // An input this run did not ask for: it stops.
            _ => Action::Done,
        }
    }

    fn send(&mut self, store: StoreSlug, counts: PersonalizationCounters, then: Then) {
        let action = Action::Send {
            store,
            question: RecordPersonalization::new(counts.clone(), None),
        };
        self.queue.push_back(action);
        self.phase = Phase::Sending { counts, then };
    }

    fn move_alarm(&mut self, at: u64) {
        self.queue.push_back(Action::ReadAlarm);
        self.phase = Phase::MoveAlarm { at };
    }

    fn retention_facts(&mut self, pending: Pending) {
        self.queue.push_back(Action::ReadRetentionFacts);
        self.phase = Phase::RetentionFacts { pending };
    }
}

/// The write of the counts waiting (the `ai_state` row [`PENDING_KEY`]); counts that cannot
/// be written as JSON (none can fail) are logged instead.
fn pending_write(pending: &Pending) -> Action {
    match json_text(pending) {
        Ok(json) => Action::Write(state_write(PENDING_KEY, json)),
        Err(e) => Action::LogError(format!("personalization counts not kept: {e}")),
    }
}

#[cfg(test)]
#[path = "shopper_upkeep_tests.rs"]
mod tests;
