use super::*;
use crate::breaker::{BreakerConfig, BreakerState};
use crate::http::Method;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Fault {
    Down,
    Throttled { retry_after_ms: u64 },
    Garbage,
    Timeout,
}

impl UpstreamFailure for Fault {
    fn is_retryable(&self) -> bool {
        !matches!(self, Fault::Garbage)
    }
    fn trips_breaker(&self) -> bool {
        !matches!(self, Fault::Garbage)
    }
    fn retry_after_ms(&self) -> Option<u64> {
        match self {
            Fault::Throttled { retry_after_ms } => Some(*retry_after_ms),
            _ => None,
        }
    }
    fn kind(&self) -> &'static str {
        match self {
            Fault::Down => "down",
            Fault::Throttled { .. } => "throttled",
            Fault::Garbage => "garbage",
            Fault::Timeout => "timeout",
        }
    }
}

impl From<TransportError> for Fault {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::Timeout => Fault::Timeout,
            TransportError::Connection(_) => Fault::Down,
        }
    }
}

/// `pages` requests; a response's status says how it reads: 200 fine, 429 throttled,
/// 500 down, anything else garbage.
#[derive(Debug)]
struct Pages {
    left: u32,
    answered: u32,
}

impl Exchange for Pages {
    type Error = Fault;
    fn next_request(&mut self) -> Option<HttpRequest> {
        (self.left > 0).then(|| {
            self.left -= 1;
            request(self.left)
        })
    }
    fn on_response(&mut self, response: &HttpResponse) -> Result<(), Fault> {
        match response.status {
            200 => {
                self.answered += 1;
                Ok(())
            }
            429 => Err(Fault::Throttled {
                retry_after_ms: 1_000,
            }),
            500 => Err(Fault::Down),
            _ => Err(Fault::Garbage),
        }
    }
}

fn request(page: u32) -> HttpRequest {
    HttpRequest {
        method: Method::Post,
        url: format!("https://shop.test/page/{page}"),
        headers: Vec::new(),
        body: Vec::new(),
        timeout_ms: 5_000,
    }
}

fn run(pages: u32, policy: RetryPolicy) -> GuardedRun<Pages> {
    GuardedRun::new(
        Pages {
            left: pages,
            answered: 0,
        },
        policy,
    )
}

fn answered(status: u16, ms: u64) -> Outcome {
    Outcome::Answered {
        result: Ok(HttpResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }),
        ms,
    }
}

fn breaker() -> CircuitBreaker {
    CircuitBreaker::new(BreakerConfig::default())
}

fn sent_url<T>(action: &Action<T>) -> Option<&str> {
    match action {
        Action::Send { request, .. } => Some(request.url.as_str()),
        _ => None,
    }
}

#[test]
fn pages_go_out_one_by_one_and_the_run_ends_when_the_client_has_nothing_more() {
    let mut b = breaker();
    let mut r = run(2, RetryPolicy::default());
    let first = r.step(&mut b, Outcome::Start, 0, 0.0);
    assert_eq!(sent_url(&first), Some("https://shop.test/page/1"));
    assert!(matches!(
        first,
        Action::Send {
            timeout_ms: 10_000,
            ..
        }
    ));
    let second = r.step(&mut b, answered(200, 7), 10, 0.0);
    assert_eq!(sent_url(&second), Some("https://shop.test/page/0"));
    assert_eq!(
        r.step(&mut b, answered(200, 5), 20, 0.0),
        Action::Done(Ok(()))
    );
    assert_eq!(r.exchange.answered, 2);
    assert_eq!(r.sent, Sent { calls: 2, ms: 12 });
    assert_eq!(r.take_failure(), None);
}

#[test]
fn an_exchange_with_nothing_to_ask_is_done_without_a_request() {
    let mut b = breaker();
    let mut r = run(0, RetryPolicy::default());
    assert_eq!(r.step(&mut b, Outcome::Start, 0, 0.0), Action::Done(Ok(())));
    assert_eq!(r.sent, Sent::default());
}

#[test]
fn a_down_upstream_is_retried_with_backoff_then_given_up_on() {
    let mut b = breaker();
    let mut r = run(1, RetryPolicy::default());
    assert!(sent_url(&r.step(&mut b, Outcome::Start, 0, 0.0)).is_some());
    assert_eq!(
        r.step(&mut b, answered(500, 3), 3, 0.0),
        Action::Wait { ms: 100 }
    );
    assert_eq!(r.take_failure(), Some("down"));
    assert_eq!(r.take_failure(), None, "taken once");
    let again = r.step(&mut b, Outcome::Waited, 200, 0.0);
    assert_eq!(
        sent_url(&again),
        Some("https://shop.test/page/0"),
        "the same request again"
    );
    assert_eq!(
        r.step(&mut b, answered(500, 3), 203, 0.0),
        Action::Wait { ms: 200 }
    );
    assert!(sent_url(&r.step(&mut b, Outcome::Waited, 500, 0.0)).is_some());
    assert_eq!(
        r.step(&mut b, answered(500, 3), 503, 0.0),
        Action::Done(Err(GuardFailure::Upstream(Fault::Down)))
    );
    assert_eq!(r.sent.calls, 3);
    assert_eq!(r.exchange.answered, 0);
}

#[test]
fn throttled_waits_at_least_retry_after_and_a_retry_can_succeed() {
    let mut b = breaker();
    let mut r = run(1, RetryPolicy::default());
    r.step(&mut b, Outcome::Start, 0, 0.0);
    assert_eq!(
        r.step(&mut b, answered(429, 1), 1, 0.0),
        Action::Wait { ms: 1_000 }
    );
    assert_eq!(r.take_failure(), Some("throttled"));
    r.step(&mut b, Outcome::Waited, 1_001, 0.0);
    assert_eq!(
        r.step(&mut b, answered(200, 1), 1_002, 0.0),
        Action::Done(Ok(()))
    );
    assert_eq!(
        b.state(),
        breaker().state(),
        "a success resets the failure count"
    );
}

#[test]
fn a_timeout_or_dropped_connection_is_a_failed_attempt() {
    let mut b = breaker();
    let mut r = run(1, RetryPolicy::default().once());
    r.step(&mut b, Outcome::Start, 0, 0.0);
    let timed_out = Outcome::Answered {
        result: Err(TransportError::Timeout),
        ms: 10_000,
    };
    assert_eq!(
        r.step(&mut b, timed_out, 10_000, 0.0),
        Action::Done(Err(GuardFailure::Upstream(Fault::Timeout)))
    );
    assert_eq!(
        r.sent,
        Sent {
            calls: 1,
            ms: 10_000
        }
    );
    let mut r = run(1, RetryPolicy::default().once());
    r.step(&mut b, Outcome::Start, 0, 0.0);
    let dropped = Outcome::Answered {
        result: Err(TransportError::Connection("reset".into())),
        ms: 1,
    };
    assert_eq!(
        r.step(&mut b, dropped, 1, 0.0),
        Action::Done(Err(GuardFailure::Upstream(Fault::Down)))
    );
}

#[test]
fn garbage_is_not_retried_and_does_not_count_against_the_breaker() {
    let mut b = breaker();
    let mut r = run(3, RetryPolicy::default());
    r.step(&mut b, Outcome::Start, 0, 0.0);
    assert_eq!(
        r.step(&mut b, answered(200, 1), 1, 0.0).clone(),
        r_send_of(1)
    );
    assert_eq!(
        r.step(&mut b, answered(418, 1), 2, 0.0),
        Action::Done(Err(GuardFailure::Upstream(Fault::Garbage)))
    );
    assert!(matches!(
        b.state(),
        BreakerState::Closed {
            consecutive_failures: 0
        }
    ));
    assert_eq!(r.exchange.answered, 1, "a failed page stops the run");
}

fn r_send_of(page: u32) -> Action<RunResult<Fault>> {
    Action::Send {
        request: request(page),
        timeout_ms: 10_000,
    }
}

#[test]
fn an_open_breaker_refuses_before_anything_is_sent_and_half_open_lets_a_probe_through() {
    let mut b = breaker();
    for t in 0..5 {
        b.on_failure(t);
    }
    let mut r = run(1, RetryPolicy::default());
    assert!(matches!(
        r.step(&mut b, Outcome::Start, 10, 0.0),
        Action::Done(Err(GuardFailure::BreakerOpen { .. }))
    ));
    assert_eq!(r.sent, Sent::default());
    // Past the open window the breaker lets one probe out; its success is counted.
    let mut r = run(1, RetryPolicy::default());
    assert!(sent_url(&r.step(&mut b, Outcome::Start, 70_000, 0.0)).is_some());
    assert!(matches!(b.state(), BreakerState::HalfOpen { .. }));
    assert_eq!(
        r.step(&mut b, answered(200, 1), 70_001, 0.0),
        Action::Done(Ok(()))
    );
}

#[test]
fn a_breaker_that_opens_during_backoff_stops_the_retry() {
    let mut b = breaker();
    let mut r = run(1, RetryPolicy::background());
    r.step(&mut b, Outcome::Start, 0, 0.0);
    assert!(matches!(
        r.step(&mut b, answered(500, 1), 1, 0.0),
        Action::Wait { .. }
    ));
    // Other calls sharing the breaker open it meanwhile.
    for t in 2..7 {
        b.on_failure(t);
    }
    assert!(matches!(
        r.step(&mut b, Outcome::Waited, 300, 0.0),
        Action::Done(Err(GuardFailure::BreakerOpen { .. }))
    ));
    assert_eq!(r.sent.calls, 1);
}

#[test]
fn each_page_gets_its_own_attempts() {
    let mut b = breaker();
    let policy = RetryPolicy {
        max_attempts: 2,
        ..RetryPolicy::default()
    };
    let mut r = run(2, policy);
    r.step(&mut b, Outcome::Start, 0, 0.0);
    assert!(matches!(
        r.step(&mut b, answered(500, 1), 1, 0.0),
        Action::Wait { .. }
    ));
    r.step(&mut b, Outcome::Waited, 200, 0.0);
    assert_eq!(r.step(&mut b, answered(200, 1), 201, 0.0), r_send_of(0));
    assert!(
        matches!(
            r.step(&mut b, answered(500, 1), 202, 0.0),
            Action::Wait { .. }
        ),
        "the second page may retry too"
    );
    r.step(&mut b, Outcome::Waited, 400, 0.0);
    assert_eq!(
        r.step(&mut b, answered(200, 1), 401, 0.0),
        Action::Done(Ok(()))
    );
    assert_eq!(r.sent.calls, 4);
}
