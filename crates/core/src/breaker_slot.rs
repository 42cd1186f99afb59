//! An upstream's circuit breaker as the object that keeps it holds it: read from storage on
//! first use, lent to each step of a guarded call, and stored when a step moved it (a failed
//! store is tried again with the next change). A breaker that cannot be read starts closed:
//! failing open keeps the store serving, and the failure is the shell's to log.

use crate::breaker::{BreakerConfig, CircuitBreaker};
use crate::events::{BestEffort, BestEffortFailed, BreakerMoved, Event};
use crate::guarded::{BreakerChange, HeldBreaker};

/// What a stored (or unstored) change comes to: lines to log, and whether the breaker opened
/// (the object counts openings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settled {
    pub lines: Vec<String>,
    pub opened: bool,
}

/// One upstream's breaker in memory.
#[derive(Debug, Clone, Copy)]
pub struct BreakerSlot {
    config: BreakerConfig,
    held: Option<HeldBreaker>,
}

impl BreakerSlot {
    pub fn new(config: BreakerConfig) -> Self {
        BreakerSlot { config, held: None }
    }

    /// Whether the stored breaker still has to be read.
    pub fn needs_read(&self) -> bool {
        self.held.is_none()
    }

    /// The stored breaker's JSON as read (`Ok(None)`: never stored). A failed read or JSON
    /// that does not read starts the breaker closed; the error comes back for the log.
    pub fn on_read(&mut self, read: Result<Option<String>, String>) -> Result<(), String> {
        let stored = read.and_then(|json| {
            CircuitBreaker::stored(self.config, json.as_deref())
                .map_err(|e| format!("the stored breaker is unreadable: {e}"))
        });
        let breaker = stored
            .as_ref()
            .map_or(CircuitBreaker::new(self.config), |b| *b);
        self.held = Some(HeldBreaker::stored(breaker));
        stored.map(|_| ())
    }

    /// The breaker as it is now (closed before it was read).
    pub fn breaker(&self) -> CircuitBreaker {
        self.held
            .map_or_else(|| CircuitBreaker::new(self.config), |h| h.breaker)
    }

    /// Lends the breaker to one step.
    pub fn lend<R>(&mut self, f: impl FnOnce(&mut CircuitBreaker) -> R) -> R {
        let config = self.config;
        let held =
            (self.held).get_or_insert_with(|| HeldBreaker::stored(CircuitBreaker::new(config)));
        f(&mut held.breaker)
    }

    /// What to store, if the breaker moved since it was last stored: the change and the new
    /// state's JSON.
    pub fn to_store(&self) -> Option<(BreakerChange, String)> {
        let change = self.held?.unstored()?;
        let json = serde_json::to_string(&change.to).ok()?;
        Some((change, json))
    }

    /// `change` was stored.
    pub fn stored(&mut self, change: &BreakerChange) {
        if let Some(held) = &mut self.held {
            held.mark_stored(change);
        }
    }

    /// What storing `change` came to (`stored`: the write's result) for `store`'s breaker of
    /// `upstream` at `now_ms`: the log lines (a failed store, a transition) and whether the
    /// breaker opened. A failed store leaves the change to be stored with the next one.
    pub fn on_stored(
        &mut self,
        change: &BreakerChange,
        stored: Result<(), String>,
        (store, upstream): (&str, &'static str),
        now_ms: u64,
    ) -> Settled {
        let mut lines = Vec::new();
        match stored {
            Ok(()) => self.stored(change),
            Err(error) => {
                let failed = BestEffortFailed {
                    what: BestEffort::BreakerSave,
                    store: Some(store.to_owned()),
                    error,
                };
                lines.push(failed.line(now_ms, ""));
            }
        }
        let moved = BreakerMoved::of(change, store, upstream);
        lines.extend(moved.as_ref().map(|m| m.line(now_ms, "")));
        Settled {
            lines,
            opened: moved.is_some_and(|m| m.opened()),
        }
    }

    /// Reads the stored breaker with `read` if it was not read yet: the line to log for
    /// `store` at `now_ms` if it could not be read (it then starts closed).
    pub fn read_once(
        &mut self,
        read: impl FnOnce() -> Result<Option<String>, String>,
        store: &str,
        now_ms: u64,
    ) -> Option<String> {
        if !self.needs_read() {
            return None;
        }
        let error = self.on_read(read()).err()?;
        let failed = BestEffortFailed {
            what: BestEffort::BreakerRead,
            store: Some(store.to_owned()),
            error,
        };
        Some(failed.line(now_ms, ""))
    }

    /// One step of a guarded call over the stored breaker of `upstream` for `store`: read with
    /// `read` if it was not yet, lent to `step`, then stored with `write` (the new state's
    /// JSON) if the step moved it. The step's result, and what it came to: the lines to log (a
    /// failed read, a failed store, a transition) and whether the breaker opened.
    pub fn step<R>(
        &mut self,
        read: impl FnOnce() -> Result<Option<String>, String>,
        step: impl FnOnce(&mut CircuitBreaker) -> R,
        write: impl FnOnce(&str) -> Result<(), String>,
        (store, upstream): (&str, &'static str),
        now_ms: u64,
    ) -> (R, Settled) {
        let unread = self.read_once(read, store, now_ms);
        let result = self.lend(step);
        let mut settled = match self.to_store() {
            Some((change, json)) => {
                let stored = write(&json);
                self.on_stored(&change, stored, (store, upstream), now_ms)
            }
            None => Settled::default(),
        };
        settled.lines.splice(0..0, unread);
        (result, settled)
    }

    /// Storage was wiped: the next use reads again.
    pub fn forget(&mut self) {
        self.held = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breaker::BreakerState;

    fn slot() -> BreakerSlot {
        BreakerSlot::new(BreakerConfig::default())
    }

    fn open_json() -> String {
        let mut b = CircuitBreaker::new(BreakerConfig::default());
        (0..5).for_each(|t| b.on_failure(t));
        serde_json::to_string(&b.state()).unwrap()
    }

    #[test]
    fn a_stored_open_breaker_is_read_once_and_refuses() {
        let mut s = slot();
        assert!(s.needs_read());
        assert_eq!(s.on_read(Ok(Some(open_json()))), Ok(()));
        assert!(!s.needs_read());
        assert!(!s.breaker().would_allow(10));
        assert_eq!(s.to_store(), None, "nothing moved");
    }

    #[test]
    fn an_unreadable_or_failed_read_starts_closed_and_says_why() {
        for read in [Ok(Some("{garbage".to_owned())), Err("disk".to_owned())] {
            let mut s = slot();
            assert!(s.on_read(read).is_err());
            assert!(!s.needs_read(), "not read again on every step");
            assert!(s.breaker().would_allow(0));
        }
        let mut never = slot();
        assert_eq!(never.on_read(Ok(None)), Ok(()));
        assert!(matches!(
            never.breaker().state(),
            BreakerState::Closed { .. }
        ));
    }

    #[test]
    fn a_moved_breaker_is_stored_once_and_a_failed_store_is_tried_again() {
        let mut s = slot();
        s.on_read(Ok(None)).unwrap();
        (0..5).for_each(|t| s.lend(|b| b.on_failure(t)));
        let (change, json) = s.to_store().expect("it opened");
        assert_eq!(change.transition(), Some("breaker.open"));
        assert_eq!(json, open_json());
        // The store failed: the change is still unstored.
        assert_eq!(s.to_store().map(|(c, _)| c), Some(change));
        s.stored(&change);
        assert_eq!(s.to_store(), None);
    }

    /// A slot whose breaker saw `failures` failures, and the change to store.
    fn failed(failures: u64) -> (BreakerSlot, BreakerChange) {
        let mut s = slot();
        s.on_read(Ok(None)).unwrap();
        (0..failures).for_each(|t| s.lend(|b| b.on_failure(t)));
        let (change, _) = s.to_store().expect("it moved");
        (s, change)
    }

    #[test]
    fn an_opening_is_counted_and_logged_and_a_failed_store_is_logged_too() {
        let (mut s, change) = failed(5);
        let failed = s.on_stored(&change, Err("disk full".into()), ("acme", "shopify"), 9);
        assert!(failed.opened);
        assert_eq!(failed.lines.len(), 2, "{:?}", failed.lines);
        assert!(
            failed.lines[0].contains("breaker.unsaved") && failed.lines[0].contains("disk full")
        );
        assert!(failed.lines[1].contains("breaker.open") && failed.lines[1].contains("acme"));
        assert_eq!(s.to_store().map(|(c, _)| c), Some(change), "tried again");
        let stored = s.on_stored(&change, Ok(()), ("acme", "shopify"), 10);
        assert_eq!(stored.lines.len(), 1, "only the transition");
        assert_eq!(s.to_store(), None);
    }

    #[test]
    fn a_counter_change_is_stored_without_a_line() {
        let (mut s, change) = failed(1);
        let settled = s.on_stored(&change, Ok(()), ("acme", "shopify"), 1);
        assert_eq!(
            settled,
            Settled {
                lines: Vec::new(),
                opened: false
            }
        );
    }

    /// Runs `failures` failing steps through `step`, with reads and writes that answer
    /// `read` and `write`; the writes made and each step's settlement.
    fn steps(
        s: &mut BreakerSlot,
        failures: u64,
        read: Result<Option<String>, String>,
        write: Result<(), String>,
    ) -> (Vec<String>, Vec<Settled>) {
        let (mut written, mut settled, mut reads) = (Vec::new(), Vec::new(), 0);
        for t in 0..failures {
            let (_, done) = s.step(
                || {
                    reads += 1;
                    read.clone()
                },
                |b| b.on_failure(t),
                |json| {
                    written.push(json.to_owned());
                    write.clone()
                },
                ("acme", "shopify"),
                t,
            );
            settled.push(done);
        }
        assert!(reads <= 1, "read at most once, not per step: {reads}");
        (written, settled)
    }

    #[test]
    fn a_step_reads_once_lends_and_stores_what_moved() {
        let mut s = slot();
        let (written, settled) = steps(&mut s, 5, Ok(None), Ok(()));
        assert_eq!(written.len(), 5, "every failure moved the counters");
        assert_eq!(written[4], open_json());
        assert!(settled[..4].iter().all(|d| d == &Settled::default()));
        assert!(settled[4].opened && settled[4].lines[0].contains("breaker.open"));
        assert_eq!(s.to_store(), None, "all stored");
        let (written, _) = steps(&mut s, 0, Err("never read".into()), Ok(()));
        assert!(written.is_empty());
    }

    #[test]
    fn a_step_that_moves_nothing_writes_nothing() {
        let mut s = slot();
        let mut writes = 0;
        let (allowed, settled) = s.step(
            || Ok(Some(open_json())),
            |b| b.would_allow(1),
            |_| {
                writes += 1;
                Ok(())
            },
            ("acme", "shopify"),
            1,
        );
        assert!(!allowed, "the stored open breaker was read and lent");
        assert_eq!((writes, settled), (0, Settled::default()));
    }

    #[test]
    fn an_unreadable_breaker_is_logged_once_and_the_step_runs_closed() {
        for read in [Err("disk".to_owned()), Ok(Some("{garbage".to_owned()))] {
            let mut s = slot();
            let (written, settled) = steps(&mut s, 2, read, Ok(()));
            assert_eq!(written.len(), 2, "the steps still ran and stored");
            assert_eq!(settled[0].lines.len(), 1, "{:?}", settled[0]);
            assert!(
                settled[0].lines[0].contains("breaker.unread"),
                "{:?}",
                settled[0]
            );
            assert!(settled[1].lines.is_empty(), "logged once: {:?}", settled[1]);
        }
    }

    #[test]
    fn a_failed_store_is_logged_and_written_again_with_the_next_step() {
        let mut s = slot();
        let (written, settled) = steps(&mut s, 5, Ok(None), Err("disk full".into()));
        assert_eq!(written.len(), 5);
        assert!(settled.iter().all(|d| d.lines[0].contains("disk full")));
        assert!(settled[4].opened && settled[4].lines.len() == 2);
        assert!(s.to_store().is_some(), "still unstored");
        let mut again = Vec::new();
        let (_, settled) = s.step(
            || Err("not read again".into()),
            |_| (),
            |json| {
                again.push(json.to_owned());
                Ok(())
            },
            ("acme", "shopify"),
            6,
        );
        assert_eq!(again, vec![open_json()], "stored with the next step");
        assert!(settled.lines.iter().any(|l| l.contains("breaker.open")));
    }

    #[test]
    fn a_read_once_after_a_wipe_reads_again() {
        let mut s = slot();
        assert_eq!(s.read_once(|| Ok(Some(open_json())), "acme", 1), None);
        assert_eq!(s.read_once(|| Err("not read".into()), "acme", 1), None);
        s.forget();
        let line = s.read_once(|| Err("disk".into()), "acme", 2);
        assert!(line.is_some_and(|l| l.contains("disk") && l.contains("acme")));
        assert!(s.breaker().would_allow(3));
    }

    #[test]
    fn a_breaker_lent_before_it_was_read_starts_closed() {
        let mut s = slot();
        assert!(s.lend(|b| b.would_allow(0)));
        assert!(!s.needs_read());
        s.forget();
        assert!(s.needs_read(), "after a wipe it is read again");
    }
}
