//! One guarded call to an upstream (Shopify, an AI gateway): retries with backoff, the
//! circuit breaker and the per-attempt timeout, as a sans-IO state machine. Every upstream
//! call in the shell is driven by it; the shell's loop only sends, sleeps and stores the
//! breaker.
//!
//! ```text
//!   start ─► begin_attempt(now) ── breaker rejects ──► Failed(BreakerOpen)
//!                │ Send { timeout_ms }
//!                ▼
//!          the shell sends ──► on_success(now) ──► Done
//!                │
//!                └──────────► on_failure(err, now, jitter) ── retry ──► Wait { ms } ─► begin_attempt
//!                                                          └─ give up ─► Failed(Upstream(err))
//! ```
//!
//! The breaker is the upstream's one breaker, lent to each step: the shell keeps it in
//! memory (read from storage once), and stores it when a step changed it, at most once per
//! attempt. Time and jitter are passed in.

use crate::breaker::{BreakerState, CircuitBreaker, Decision};

/// What a failed upstream call says about itself.
pub trait UpstreamFailure {
    /// Worth trying again (timeouts, 429/430, 5xx, throttling).
    fn is_retryable(&self) -> bool;
    /// Says the upstream is unhealthy, so it counts against the breaker (a client mistake or
    /// a missing product does not).
    fn trips_breaker(&self) -> bool;
    /// The upstream's own `Retry-After`, if it sent one.
    fn retry_after_ms(&self) -> Option<u64>;
    /// A short stable name of the failure's kind, for metrics and logs.
    fn kind(&self) -> &'static str {
        "upstream_error"
    }
}

/// Exponential backoff with jitter, capped, honouring `Retry-After`, and a timeout per
/// attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first one; 1 means never retry.
    pub max_attempts: u32,
    /// Delay before the first retry (before jitter).
    pub base_delay_ms: u64,
    /// No backoff delay exceeds this.
    pub max_delay_ms: u64,
    /// A `Retry-After` longer than this is not waited for: the call gives up instead, so a
    /// request never sleeps for minutes (the circuit breaker handles long outages).
    pub max_retry_after_ms: u64,
    /// How long one attempt may take, answer included.
    pub attempt_timeout_ms: u64,
}

impl Default for RetryPolicy {
    /// 3 attempts, 200 ms → 400 ms (+ jitter), delays capped at 2 s, Retry-After up to 5 s,
    /// 10 s per attempt: sized for a shopper's request. Background work uses
    /// [`RetryPolicy::background`].
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 200,
            max_delay_ms: 2_000,
            max_retry_after_ms: 5_000,
            attempt_timeout_ms: 10_000,
        }
    }
}

impl RetryPolicy {
    /// For cron-driven sync: 5 attempts, 500 ms base, 10 s cap, Retry-After up to 30 s,
    /// 20 s per attempt.
    pub fn background() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay_ms: 500,
            max_delay_ms: 10_000,
            max_retry_after_ms: 30_000,
            attempt_timeout_ms: 20_000,
        }
    }

    /// Exactly one attempt (for calls that are not idempotent, such as creating a cart).
    pub fn once(self) -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..self
        }
    }

    /// The delay before the next attempt, or `None` to give up.
    ///
    /// `attempt` is the number of attempts made so far (1 after the first failure). `jitter`
    /// is a random number in `[0, 1)` from the caller; values outside it (or NaN) are clamped.
    /// The delay is "equal jitter": half the exponential step, plus `jitter` times the other
    /// half, so it is never below half the step. With `Retry-After`, the delay is at least that.
    pub fn next_delay(&self, attempt: u32, err: &impl UpstreamFailure, jitter: f64) -> Option<u64> {
        if attempt == 0 || attempt >= self.max_attempts || !err.is_retryable() {
            return None;
        }
        let step = self
            .base_delay_ms
            .saturating_mul(1_u64.checked_shl(attempt - 1).unwrap_or(u64::MAX))
            .min(self.max_delay_ms);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let half = step / 2;
        // `half` is at most max_delay_ms / 2, so the product is exact enough and in range.
        let extra = ((step - half) as f64 * jitter) as u64;
        let backoff = half + extra.min(step - half);
        match err.retry_after_ms() {
            Some(ms) if ms > self.max_retry_after_ms => None,
            Some(ms) => Some(ms.max(backoff)),
            None => Some(backoff),
        }
    }
}

/// What the shell does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<E> {
    /// Send the request, giving up on it after `timeout_ms`.
    Send { timeout_ms: u64 },
    /// Sleep this long, then call [`GuardedCall::begin_attempt`] again.
    Wait { ms: u64 },
    /// The call succeeded.
    Done,
    /// The call failed for good.
    Failed(GuardFailure<E>),
}

/// Why a guarded call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardFailure<E> {
    /// The breaker is open: the upstream was not called.
    BreakerOpen { retry_after_ms: u64 },
    /// The upstream failed, after retries where retrying made sense.
    Upstream(E),
}

/// A breaker state change, for the log (`breaker.open`, `breaker.half_open`,
/// `breaker.closed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerChange {
    pub from: BreakerState,
    pub to: BreakerState,
}

impl BreakerChange {
    /// The change from `from` to `to`, if there is one.
    pub fn between(from: BreakerState, to: BreakerState) -> Option<Self> {
        (from != to).then_some(BreakerChange { from, to })
    }

    /// The event name when the breaker moved to another state (`None` for a counter change).
    pub fn transition(&self) -> Option<&'static str> {
        let name = match self.to {
            BreakerState::Closed { .. } => "breaker.closed",
            BreakerState::Open { .. } => "breaker.open",
            BreakerState::HalfOpen { .. } => "breaker.half_open",
        };
        (self.from.name() != self.to.name()).then_some(name)
    }
}

/// An upstream's breaker as the object that stores it holds it in memory: the breaker and
/// the state last stored, so a change is written once (and a failed write is tried again
/// with the next change).
#[derive(Debug, Clone, Copy)]
pub struct HeldBreaker {
    pub breaker: CircuitBreaker,
    stored: BreakerState,
}

impl HeldBreaker {
    /// A breaker as read from storage (or new: then nothing is stored until it changes).
    pub fn stored(breaker: CircuitBreaker) -> Self {
        HeldBreaker {
            breaker,
            stored: breaker.state(),
        }
    }

    /// The change to store, if the breaker moved since it was last stored.
    pub fn unstored(&self) -> Option<BreakerChange> {
        BreakerChange::between(self.stored, self.breaker.state())
    }

    /// `change` was written.
    pub fn mark_stored(&mut self, change: &BreakerChange) {
        self.stored = change.to;
    }
}

/// One guarded call, possibly over several requests (the pages of a sync start their
/// attempts afresh with [`GuardedCall::next_request`]). The breaker is the upstream's one
/// breaker, lent to each step, so concurrent calls to the same upstream share it; the shell
/// stores it when a step changed it (at most once per attempt).
#[derive(Debug, Clone)]
pub struct GuardedCall {
    policy: RetryPolicy,
    attempts: u32,
    requests: u32,
}

impl GuardedCall {
    pub fn new(policy: RetryPolicy) -> Self {
        GuardedCall {
            policy,
            attempts: 0,
            requests: 0,
        }
    }

    /// Asks the breaker whether an attempt may go out now.
    pub fn begin_attempt<E>(&mut self, breaker: &mut CircuitBreaker, now_ms: u64) -> Step<E> {
        match breaker.allow(now_ms) {
            Decision::Allow => {
                self.attempts = self.attempts.saturating_add(1);
                self.requests = self.requests.saturating_add(1);
                Step::Send {
                    timeout_ms: self.policy.attempt_timeout_ms,
                }
            }
            Decision::Reject { retry_after_ms } => {
                Step::Failed(GuardFailure::BreakerOpen { retry_after_ms })
            }
        }
    }

    /// The attempt succeeded.
    pub fn on_success<E>(&mut self, breaker: &mut CircuitBreaker, now_ms: u64) -> Step<E> {
        breaker.on_success(now_ms);
        Step::Done
    }

    /// The attempt failed with `err`: wait and retry, or give up. Only failures that say
    /// the upstream is unhealthy count against the breaker; any other answer shows it is up.
    pub fn on_failure<E: UpstreamFailure>(
        &mut self,
        breaker: &mut CircuitBreaker,
        err: E,
        now_ms: u64,
        jitter: f64,
    ) -> Step<E> {
        if err.trips_breaker() {
            breaker.on_failure(now_ms);
        } else {
            breaker.on_success(now_ms);
        }
        match self.policy.next_delay(self.attempts, &err, jitter) {
            Some(ms) => Step::Wait { ms },
            None => Step::Failed(GuardFailure::Upstream(err)),
        }
    }

    /// Starts the next request of the same call (the next page): attempts count from zero.
    pub fn next_request(&mut self) {
        self.attempts = 0;
    }

    /// Requests sent so far (attempts of every request).
    pub fn requests_sent(&self) -> u32 {
        self.requests
    }
}

#[cfg(test)]
#[path = "guarded_tests.rs"]
mod tests;
