//! Circuit breaker state machine for an upstream (Shopify), time passed in.
//!
//! ```text
//!            failure_threshold consecutive failures
//!   Closed ───────────────────────────────────────────► Open { until = now + open_ms }
//!     ▲                                                   │ now >= until: the next allow()
//!     │ success_threshold consecutive successes           ▼ lets one probe through
//!     └──────────────────────────────────────────────── HalfOpen ── a failure ──► Open again
//! ```
//!
//! In `HalfOpen` one probe runs at a time. If a probe's result never comes back (the isolate
//! died mid-request), its lease expires after `probe_timeout_ms` and another probe may start.
//!
//! The caller decides what counts as a failure: upstream-health errors (timeouts, 5xx,
//! throttling) do; a client mistake or a 404 for a missing product does not.
//!
//! The breaker serializes to JSON so StoreConfig can keep it in SQLite between requests.
//! Results that arrive while the breaker is `Open` (requests started before it opened) are
//! ignored: they neither extend nor shorten the open period.

use serde::{Deserialize, Serialize};

/// Thresholds and durations. Thresholds of 0 act as 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakerConfig {
    /// Consecutive failures in `Closed` that open the breaker.
    pub failure_threshold: u32,
    /// How long the breaker stays open before a probe is allowed.
    pub open_ms: u64,
    /// Consecutive probe successes in `HalfOpen` that close the breaker.
    pub success_threshold: u32,
    /// How long a probe may stay unanswered before another probe is allowed.
    pub probe_timeout_ms: u64,
}

impl Default for BreakerConfig {
    /// 5 failures → open for 60 s → 2 probe successes close; a probe lease lasts 30 s.
    fn default() -> Self {
        BreakerConfig {
            failure_threshold: 5,
            open_ms: 60_000,
            success_threshold: 2,
            probe_timeout_ms: 30_000,
        }
    }
}

/// Where the breaker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BreakerState {
    Closed {
        consecutive_failures: u32,
    },
    Open {
        until_ms: u64,
    },
    HalfOpen {
        consecutive_successes: u32,
        /// When the probe now in flight started; `None` when no probe is in flight.
        probe_started_ms: Option<u64>,
    },
}

impl BreakerState {
    /// "closed", "open" or "half_open", for logs and health endpoints.
    pub fn name(&self) -> &'static str {
        match self {
            BreakerState::Closed { .. } => "closed",
            BreakerState::Open { .. } => "open",
            BreakerState::HalfOpen { .. } => "half_open",
        }
    }
}

/// Whether a request may go upstream now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Do not call upstream; serve stale data or an error. Try again after this long.
    Reject {
        retry_after_ms: u64,
    },
}

/// A circuit breaker: a config and a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircuitBreaker {
    pub config: BreakerConfig,
    pub state: BreakerState,
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        CircuitBreaker::new(BreakerConfig::default())
    }
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(config: BreakerConfig) -> Self {
        CircuitBreaker {
            config,
            state: BreakerState::Closed {
                consecutive_failures: 0,
            },
        }
    }

    /// Restores a breaker from a stored state.
    pub fn from_state(config: BreakerConfig, state: BreakerState) -> Self {
        CircuitBreaker { config, state }
    }

    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// A breaker from its stored JSON state (closed when none was stored).
    pub fn stored(config: BreakerConfig, json: Option<&str>) -> serde_json::Result<Self> {
        let state = json.map(serde_json::from_str).transpose()?;
        Ok(state.map_or_else(|| Self::new(config), |s| Self::from_state(config, s)))
    }

    /// Whether a request would be allowed now, without taking a half-open breaker's probe.
    pub fn would_allow(mut self, now_ms: u64) -> bool {
        self.allow(now_ms) == Decision::Allow
    }

    /// Asks to send one request now. In `HalfOpen` an `Allow` is the probe: report its result
    /// with [`on_success`](Self::on_success) or [`on_failure`](Self::on_failure).
    pub fn allow(&mut self, now_ms: u64) -> Decision {
        match self.state {
            BreakerState::Closed { .. } => Decision::Allow,
            BreakerState::Open { until_ms } if now_ms < until_ms => Decision::Reject {
                retry_after_ms: until_ms - now_ms,
            },
            BreakerState::Open { .. } => {
                self.state = BreakerState::HalfOpen {
                    consecutive_successes: 0,
                    probe_started_ms: Some(now_ms),
                };
                Decision::Allow
            }
            BreakerState::HalfOpen {
                consecutive_successes,
                probe_started_ms,
            } => {
                let lease_end =
                    probe_started_ms.map(|t| t.saturating_add(self.config.probe_timeout_ms));
                match lease_end {
                    Some(end) if now_ms < end => Decision::Reject {
                        retry_after_ms: end - now_ms,
                    },
                    _ => {
                        self.state = BreakerState::HalfOpen {
                            consecutive_successes,
                            probe_started_ms: Some(now_ms),
                        };
                        Decision::Allow
                    }
                }
            }
        }
    }

    /// Reports that an allowed request succeeded.
    pub fn on_success(&mut self, _now_ms: u64) {
        match self.state {
            BreakerState::Closed { .. } => {
                self.state = BreakerState::Closed {
                    consecutive_failures: 0,
                };
            }
            BreakerState::Open { .. } => {}
            BreakerState::HalfOpen {
                consecutive_successes,
                ..
            } => {
                let successes = consecutive_successes.saturating_add(1);
                self.state = if successes >= self.config.success_threshold.max(1) {
                    BreakerState::Closed {
                        consecutive_failures: 0,
                    }
                } else {
                    BreakerState::HalfOpen {
                        consecutive_successes: successes,
                        probe_started_ms: None,
                    }
                };
            }
        }
    }

    /// Reports that an allowed request failed in a way that says the upstream is unhealthy.
    pub fn on_failure(&mut self, now_ms: u64) {
        match self.state {
            BreakerState::Closed {
                consecutive_failures,
            } => {
                let failures = consecutive_failures.saturating_add(1);
                self.state = if failures >= self.config.failure_threshold.max(1) {
                    self.open_state(now_ms)
                } else {
                    BreakerState::Closed {
                        consecutive_failures: failures,
                    }
                };
            }
            BreakerState::Open { .. } => {}
            BreakerState::HalfOpen { .. } => self.state = self.open_state(now_ms),
        }
    }

    fn open_state(&self, now_ms: u64) -> BreakerState {
        BreakerState::Open {
            until_ms: now_ms.saturating_add(self.config.open_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_700_000_000_000;

    #[test]
    fn a_stored_breaker_is_read_back_and_garbage_is_an_error() {
        let config = BreakerConfig::default();
        assert_eq!(
            CircuitBreaker::stored(config, None).unwrap(),
            CircuitBreaker::new(config)
        );
        let open = opened_at(T0);
        let json = serde_json::to_string(&open.state()).unwrap();
        assert_eq!(
            CircuitBreaker::stored(config, Some(&json)).unwrap().state(),
            open.state()
        );
        assert!(CircuitBreaker::stored(config, Some("{\"state\":\"sideways\"}")).is_err());
        assert!(CircuitBreaker::stored(config, Some("")).is_err());
        assert!(!open.would_allow(T0 + 1));
        assert!(open.would_allow(T0 + config.open_ms));
    }

    fn opened_at(t: u64) -> CircuitBreaker {
        let mut b = CircuitBreaker::default();
        for _ in 0..5 {
            assert_eq!(b.allow(t), Decision::Allow);
            b.on_failure(t);
        }
        b
    }

    #[test]
    fn closed_allows_and_counts_failures() {
        let mut b = CircuitBreaker::default();
        assert_eq!(b.allow(T0), Decision::Allow);
        for n in 1..=4 {
            b.on_failure(T0);
            assert_eq!(
                b.state(),
                BreakerState::Closed {
                    consecutive_failures: n
                }
            );
            assert_eq!(b.allow(T0), Decision::Allow);
        }
    }

    #[test]
    fn a_success_resets_the_failure_count() {
        let mut b = CircuitBreaker::default();
        for _ in 0..4 {
            b.on_failure(T0);
        }
        b.on_success(T0);
        assert_eq!(
            b.state(),
            BreakerState::Closed {
                consecutive_failures: 0
            }
        );
        for _ in 0..4 {
            b.on_failure(T0);
        }
        assert_eq!(b.state().name(), "closed");
    }

    #[test]
    fn five_failures_open_for_sixty_seconds() {
        let mut b = opened_at(T0);
        assert_eq!(
            b.state(),
            BreakerState::Open {
                until_ms: T0 + 60_000
            }
        );
        assert_eq!(
            b.allow(T0),
            Decision::Reject {
                retry_after_ms: 60_000
            }
        );
        assert_eq!(b.allow(T0 + 59_999), Decision::Reject { retry_after_ms: 1 });
    }

    #[test]
    fn results_while_open_are_ignored() {
        let mut b = opened_at(T0);
        b.on_failure(T0 + 30_000);
        b.on_success(T0 + 30_000);
        assert_eq!(
            b.state(),
            BreakerState::Open {
                until_ms: T0 + 60_000
            }
        );
    }

    #[test]
    fn after_the_open_period_one_probe_at_a_time() {
        let mut b = opened_at(T0);
        let t = T0 + 60_000;
        assert_eq!(b.allow(t), Decision::Allow);
        assert_eq!(
            b.state(),
            BreakerState::HalfOpen {
                consecutive_successes: 0,
                probe_started_ms: Some(t)
            }
        );
        assert_eq!(
            b.allow(t + 10),
            Decision::Reject {
                retry_after_ms: 29_990
            }
        );
    }

    #[test]
    fn two_probe_successes_close() {
        let mut b = opened_at(T0);
        let t = T0 + 60_000;
        assert_eq!(b.allow(t), Decision::Allow);
        b.on_success(t + 100);
        assert_eq!(
            b.state(),
            BreakerState::HalfOpen {
                consecutive_successes: 1,
                probe_started_ms: None
            }
        );
        assert_eq!(b.allow(t + 200), Decision::Allow);
        b.on_success(t + 300);
        assert_eq!(
            b.state(),
            BreakerState::Closed {
                consecutive_failures: 0
            }
        );
        assert_eq!(b.allow(t + 400), Decision::Allow);
    }

    #[test]
    fn a_probe_failure_reopens_for_another_period() {
        let mut b = opened_at(T0);
        let t = T0 + 60_000;
        assert_eq!(b.allow(t), Decision::Allow);
        b.on_success(t);
        assert_eq!(b.allow(t + 1_000), Decision::Allow);
        b.on_failure(t + 2_000);
        assert_eq!(
            b.state(),
            BreakerState::Open {
                until_ms: t + 62_000
            }
        );
        assert_eq!(
            b.allow(t + 2_000),
            Decision::Reject {
                retry_after_ms: 60_000
            }
        );
        // The success count starts over after reopening.
        assert_eq!(b.allow(t + 62_000), Decision::Allow);
        b.on_success(t + 62_001);
        assert_eq!(b.state().name(), "half_open");
    }

    #[test]
    fn a_lost_probe_lease_expires() {
        let mut b = opened_at(T0);
        let t = T0 + 60_000;
        assert_eq!(b.allow(t), Decision::Allow);
        assert!(matches!(b.allow(t + 29_999), Decision::Reject { .. }));
        assert_eq!(b.allow(t + 30_000), Decision::Allow);
        assert_eq!(
            b.state(),
            BreakerState::HalfOpen {
                consecutive_successes: 0,
                probe_started_ms: Some(t + 30_000)
            }
        );
    }

    #[test]
    fn custom_thresholds() {
        let config = BreakerConfig {
            failure_threshold: 2,
            open_ms: 1_000,
            success_threshold: 1,
            probe_timeout_ms: 500,
        };
        let mut b = CircuitBreaker::new(config);
        b.on_failure(T0);
        assert_eq!(b.state().name(), "closed");
        b.on_failure(T0);
        assert_eq!(
            b.state(),
            BreakerState::Open {
                until_ms: T0 + 1_000
            }
        );
        assert_eq!(b.allow(T0 + 1_000), Decision::Allow);
        b.on_success(T0 + 1_001);
        assert_eq!(b.state().name(), "closed");
    }

    #[test]
    fn zero_thresholds_act_as_one() {
        let mut b = CircuitBreaker::new(BreakerConfig {
            failure_threshold: 0,
            success_threshold: 0,
            ..BreakerConfig::default()
        });
        b.on_failure(T0);
        assert_eq!(b.state().name(), "open");
        assert_eq!(b.allow(T0 + 60_000), Decision::Allow);
        b.on_success(T0 + 60_001);
        assert_eq!(b.state().name(), "closed");
    }

    #[test]
    fn time_going_backwards_keeps_it_open() {
        let mut b = opened_at(T0);
        assert_eq!(
            b.allow(T0 - 5_000),
            Decision::Reject {
                retry_after_ms: 65_000
            }
        );
    }

    #[test]
    fn state_round_trips_through_json() {
        let mut b = opened_at(T0);
        let json = serde_json::to_string(&b.state()).unwrap();
        assert_eq!(
            json,
            format!(r#"{{"state":"open","until_ms":{}}}"#, T0 + 60_000)
        );
        let restored: BreakerState = serde_json::from_str(&json).unwrap();
        let mut again = CircuitBreaker::from_state(BreakerConfig::default(), restored);
        assert_eq!(again.allow(T0 + 1), b.allow(T0 + 1));
        let whole = serde_json::to_string(&b).unwrap();
        assert_eq!(serde_json::from_str::<CircuitBreaker>(&whole).unwrap(), b);
        let half: BreakerState = serde_json::from_str(
            r#"{"state":"half_open","consecutive_successes":1,"probe_started_ms":null}"#,
        )
        .unwrap();
        assert_eq!(half.name(), "half_open");
    }
}
