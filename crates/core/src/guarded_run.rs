//! A whole guarded exchange with an upstream as one sans-IO driver: the requests of a
//! sans-IO client ([`Exchange`]: one `cartCreate`, or every page of a catalog sync), each sent
//! under [`GuardedCall`]'s retries, backoff and breaker. The shell's one executor performs
//! each [`Action`] (send a request within its timeout, sleep) and feeds the [`Outcome`] back
//! to [`GuardedRun::step`], with the upstream's breaker lent to every step.
//!
//! ```text
//!   Start ─► next request? ── none ──► Done(Ok)
//!              │ breaker allows ──► Send ──► Answered(ok) ──► next request? …
//!              │                             Answered(failure) ── retry ──► Wait ─► Waited ─► Send …
//!              └─ breaker open ─► Done(Err(BreakerOpen))      └─ give up ─► Done(Err(Upstream))
//! ```

use crate::breaker::CircuitBreaker;
use crate::guarded::{GuardFailure, GuardedCall, RetryPolicy, Step, UpstreamFailure};
use crate::http::{HttpRequest, HttpResponse, TransportError};

/// What the shell's executor does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action<T> {
    /// Send `request`, giving up on it after `timeout_ms` (answer included).
    Send {
        request: HttpRequest,
        timeout_ms: u64,
    },
    /// Sleep this long.
    Wait { ms: u64 },
    /// Finished.
    Done(T),
}

/// What happened since the last [`Action`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing yet: the first step.
    Start,
    /// The request sent came back (or did not), after `ms`.
    Answered {
        result: Result<HttpResponse, TransportError>,
        ms: u64,
    },
    /// The wait is over.
    Waited,
}

/// A sans-IO client's conversation: requests, one at a time, each answered before the next.
pub trait Exchange {
    type Error: UpstreamFailure + From<TransportError>;
    /// The next request, or `None` when the exchange has nothing more to ask.
    fn next_request(&mut self) -> Option<HttpRequest>;
    /// Takes the answer to the last request; an error is a failed attempt.
    fn on_response(&mut self, response: &HttpResponse) -> Result<(), Self::Error>;
}

/// Requests sent and the time they took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    pub calls: u32,
    pub ms: u64,
}

/// How a guarded exchange ended.
pub type RunResult<E> = Result<(), GuardFailure<E>>;

/// An [`Exchange`] driven through a [`GuardedCall`].
#[derive(Debug)]
pub struct GuardedRun<X: Exchange> {
    pub exchange: X,
    call: GuardedCall,
    /// The request being attempted (sent again on a retry).
    pending: Option<HttpRequest>,
    pub sent: Sent,
    /// The kind of the last failed attempt, until taken (for the object's metrics).
    failure: Option<&'static str>,
}

impl<X: Exchange> GuardedRun<X> {
    pub fn new(exchange: X, policy: RetryPolicy) -> Self {
        GuardedRun {
            exchange,
            call: GuardedCall::new(policy),
            pending: None,
            sent: Sent::default(),
            failure: None,
        }
    }

    /// The next action after `outcome`, with the upstream's breaker lent.
    pub fn step(
        &mut self,
        breaker: &mut CircuitBreaker,
        outcome: Outcome,
        now_ms: u64,
        jitter: f64,
    ) -> Action<RunResult<X::Error>> {
        if let Outcome::Answered { result, ms } = outcome {
            self.sent = Sent {
                calls: self.sent.calls.saturating_add(1),
                ms: self.sent.ms.saturating_add(ms),
            };
            let answered = result
                .map_err(X::Error::from)
                .and_then(|resp| self.exchange.on_response(&resp));
            match answered {
                Ok(()) => {
                    self.call.on_success::<X::Error>(breaker, now_ms);
                    self.pending = None;
                }
                Err(err) => {
                    self.failure = Some(err.kind());
                    match self.call.on_failure(breaker, err, now_ms, jitter) {
                        Step::Wait { ms } => return Action::Wait { ms },
                        Step::Failed(failure) => return Action::Done(Err(failure)),
                        Step::Send { .. } | Step::Done => {}
                    }
                }
            }
        }
        if self.pending.is_none() {
            self.pending = self.exchange.next_request();
            self.call.next_request();
        }
        let Some(request) = &self.pending else {
            return Action::Done(Ok(()));
        };
        match self.call.begin_attempt::<X::Error>(breaker, now_ms) {
            Step::Send { timeout_ms } => Action::Send {
                request: request.clone(),
                timeout_ms,
            },
            Step::Failed(failure) => Action::Done(Err(failure)),
            // begin_attempt only sends or refuses; a wait would be followed by another try.
            Step::Wait { ms } => Action::Wait { ms },
            Step::Done => Action::Done(Ok(())),
        }
    }

    /// The kind of the last failed attempt, once.
    pub fn take_failure(&mut self) -> Option<&'static str> {
        self.failure.take()
    }
}

#[cfg(test)]
#[path = "guarded_run_tests.rs"]
mod tests;
