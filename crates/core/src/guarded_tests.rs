use super::*;
use crate::breaker::BreakerConfig;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Fault {
    retryable: bool,
    trips: bool,
    retry_after_ms: Option<u64>,
}

impl UpstreamFailure for Fault {
    fn is_retryable(&self) -> bool {
        self.retryable
    }
    fn trips_breaker(&self) -> bool {
        self.trips
    }
    fn retry_after_ms(&self) -> Option<u64> {
        self.retry_after_ms
    }
}

const DOWN: Fault = Fault {
    retryable: true,
    trips: true,
    retry_after_ms: None,
};
const REFUSED: Fault = Fault {
    retryable: false,
    trips: false,
    retry_after_ms: None,
};

fn breaker() -> CircuitBreaker {
    CircuitBreaker::new(BreakerConfig::default())
}

#[test]
fn a_healthy_call_sends_once_and_is_done() {
    let mut b = breaker();
    let mut c = GuardedCall::new(RetryPolicy::default());
    assert_eq!(
        c.begin_attempt::<Fault>(&mut b, 0),
        Step::Send { timeout_ms: 10_000 }
    );
    assert_eq!(c.on_success::<Fault>(&mut b, 5), Step::Done);
    assert_eq!(c.requests_sent(), 1);
    assert_eq!(b, breaker(), "nothing to store");
}

#[test]
fn retryable_failures_wait_with_backoff_then_give_up() {
    let mut b = breaker();
    let mut c = GuardedCall::new(RetryPolicy::default());
    assert!(matches!(
        c.begin_attempt::<Fault>(&mut b, 0),
        Step::Send { .. }
    ));
    assert_eq!(c.on_failure(&mut b, DOWN, 1, 0.0), Step::Wait { ms: 100 });
    assert!(matches!(
        c.begin_attempt::<Fault>(&mut b, 101),
        Step::Send { .. }
    ));
    assert_eq!(c.on_failure(&mut b, DOWN, 102, 1.0), Step::Wait { ms: 400 });
    assert!(matches!(
        c.begin_attempt::<Fault>(&mut b, 600),
        Step::Send { .. }
    ));
    assert_eq!(
        c.on_failure(&mut b, DOWN, 601, 0.5),
        Step::Failed(GuardFailure::Upstream(DOWN))
    );
    assert_eq!(c.requests_sent(), 3);
    assert_eq!(
        b.state(),
        BreakerState::Closed {
            consecutive_failures: 3
        }
    );
}

#[test]
fn a_client_mistake_is_not_retried_and_does_not_trip_the_breaker() {
    let mut b = breaker();
    let mut c = GuardedCall::new(RetryPolicy::default());
    c.begin_attempt::<Fault>(&mut b, 0);
    c.on_failure(&mut b, DOWN, 1, 0.0);
    c.begin_attempt::<Fault>(&mut b, 200);
    assert_eq!(
        c.on_failure(&mut b, REFUSED, 201, 0.0),
        Step::Failed(GuardFailure::Upstream(REFUSED))
    );
    assert_eq!(
        b.state(),
        BreakerState::Closed {
            consecutive_failures: 0
        },
        "an answer, even a refusal, shows the upstream is up"
    );
}

#[test]
fn retry_after_is_honoured_up_to_the_policys_limit() {
    let mut b = breaker();
    let mut c = GuardedCall::new(RetryPolicy::default());
    c.begin_attempt::<Fault>(&mut b, 0);
    let slow = Fault {
        retry_after_ms: Some(3_000),
        ..DOWN
    };
    assert_eq!(c.on_failure(&mut b, slow, 1, 0.0), Step::Wait { ms: 3_000 });
    c.begin_attempt::<Fault>(&mut b, 3_001);
    let too_slow = Fault {
        retry_after_ms: Some(60_000),
        ..DOWN
    };
    assert!(matches!(
        c.on_failure(&mut b, too_slow, 3_002, 0.0),
        Step::Failed(GuardFailure::Upstream(_))
    ));
}

#[test]
fn once_never_retries() {
    let mut b = breaker();
    let mut c = GuardedCall::new(RetryPolicy::default().once());
    c.begin_attempt::<Fault>(&mut b, 0);
    assert!(matches!(
        c.on_failure(&mut b, DOWN, 1, 0.0),
        Step::Failed(GuardFailure::Upstream(_))
    ));
}

#[test]
fn the_breaker_opens_across_requests_and_then_refuses_without_sending() {
    let mut b = breaker();
    let before = b.state();
    let mut c = GuardedCall::new(RetryPolicy::default().once());
    for t in 0..5 {
        c.next_request();
        assert!(matches!(
            c.begin_attempt::<Fault>(&mut b, t),
            Step::Send { .. }
        ));
        c.on_failure(&mut b, DOWN, t, 0.0);
    }
    let change = BreakerChange::between(before, b.state()).unwrap();
    assert_eq!(change.transition(), Some("breaker.open"));
    c.next_request();
    assert_eq!(
        c.begin_attempt::<Fault>(&mut b, 10),
        Step::Failed(GuardFailure::BreakerOpen {
            retry_after_ms: 60_000 - 6
        })
    );
    assert_eq!(c.requests_sent(), 5, "a rejected attempt sends nothing");
}

#[test]
fn counter_changes_are_changes_but_not_transitions() {
    let closed = BreakerState::Closed {
        consecutive_failures: 0,
    };
    let one = BreakerState::Closed {
        consecutive_failures: 1,
    };
    assert_eq!(BreakerChange::between(closed, closed), None);
    let change = BreakerChange::between(closed, one).unwrap();
    assert_eq!(change.transition(), None);
}

#[test]
fn a_half_open_probe_that_succeeds_twice_closes() {
    let mut b = CircuitBreaker::from_state(
        BreakerConfig::default(),
        BreakerState::Open { until_ms: 100 },
    );
    let open = b.state();
    let mut c = GuardedCall::new(RetryPolicy::default());
    assert!(matches!(
        c.begin_attempt::<Fault>(&mut b, 100),
        Step::Send { .. }
    ));
    let probing = b.state();
    assert_eq!(
        BreakerChange::between(open, probing).unwrap().transition(),
        Some("breaker.half_open")
    );
    c.on_success::<Fault>(&mut b, 101);
    c.next_request();
    c.begin_attempt::<Fault>(&mut b, 102);
    c.on_success::<Fault>(&mut b, 103);
    assert_eq!(
        BreakerChange::between(probing, b.state())
            .unwrap()
            .transition(),
        Some("breaker.closed")
    );
}

#[test]
fn two_calls_share_one_breaker() {
    let mut b = breaker();
    let mut sync = GuardedCall::new(RetryPolicy::default().once());
    let mut checkout = GuardedCall::new(RetryPolicy::default().once());
    for t in 0..3 {
        sync.next_request();
        sync.begin_attempt::<Fault>(&mut b, t);
        sync.on_failure(&mut b, DOWN, t, 0.0);
    }
    for t in 3..5 {
        checkout.next_request();
        checkout.begin_attempt::<Fault>(&mut b, t);
        checkout.on_failure(&mut b, DOWN, t, 0.0);
    }
    assert!(matches!(b.state(), BreakerState::Open { .. }));
}

#[test]
fn background_work_is_more_patient() {
    let bg = RetryPolicy::background();
    let fg = RetryPolicy::default();
    assert!(bg.max_attempts > fg.max_attempts);
    assert!(bg.attempt_timeout_ms > fg.attempt_timeout_ms);
    assert!(bg.max_retry_after_ms > fg.max_retry_after_ms);
}

#[test]
fn a_held_breaker_stores_each_change_once_and_retries_a_failed_write() {
    let config = BreakerConfig {
        failure_threshold: 2,
        ..BreakerConfig::default()
    };
    let mut held = HeldBreaker::stored(CircuitBreaker::new(config));
    assert_eq!(held.unstored(), None, "as read: nothing to store");
    held.breaker.on_failure(10);
    let first = held.unstored().unwrap();
    // The write failed: the change is still there, and grows with the next failure.
    held.breaker.on_failure(20);
    let both = held.unstored().unwrap();
    assert_eq!(both.from, first.from);
    assert_eq!(both.transition(), Some("breaker.open"));
    held.mark_stored(&both);
    assert_eq!(
        held.unstored(),
        None,
        "stored: nothing until it moves again"
    );
    held.breaker.on_success(30);
    assert_eq!(
        held.unstored(),
        None,
        "a success on an open breaker changes nothing"
    );
}
