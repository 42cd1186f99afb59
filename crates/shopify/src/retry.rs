//! When to try a failed Storefront request again, and after how long. Pure: the caller
//! supplies the attempt number and the jitter, and does the waiting.

use crate::error::ShopifyError;

/// Exponential backoff with jitter, capped, honouring `Retry-After`.
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
}

impl Default for RetryPolicy {
    /// 3 attempts, 200 ms → 400 ms (+ jitter), delays capped at 2 s, Retry-After up to 5 s:
    /// sized for a shopper's request. Background sync can use [`RetryPolicy::background`].
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 200,
            max_delay_ms: 2_000,
            max_retry_after_ms: 5_000,
        }
    }
}

impl RetryPolicy {
    /// For cron-driven sync: 5 attempts, 500 ms base, 10 s cap, Retry-After up to 30 s.
    pub fn background() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay_ms: 500,
            max_delay_ms: 10_000,
            max_retry_after_ms: 30_000,
        }
    }

    /// The delay before the next attempt, or `None` to give up.
    ///
    /// `attempt` is the number of attempts made so far (1 after the first failure). `jitter`
    /// is a random number in `[0, 1)` from the caller; values outside it (or NaN) are clamped.
    /// The delay is "equal jitter": half the exponential step, plus `jitter` times the other
    /// half, so it is never below half the step. With `Retry-After`, the delay is at least that.
    pub fn next_delay(&self, attempt: u32, err: &ShopifyError, jitter: f64) -> Option<u64> {
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
