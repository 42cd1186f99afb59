//! Counting one request against its rate limits, sans-IO: which limiter is asked next (the
//! client's ban, Cloudflare's Rate Limiting binding per subject, or AbuseGuard's exact count),
//! what each answer means, and what the log line says. The shell only asks.
//!
//! The binding and the guard fail open: a limiter that cannot answer lets the request through,
//! and the log line says so (`rate_decision: "unavailable"` and the error). A client past a
//! binding's limit gets a strike with its AbuseGuard, and enough strikes ban it.

use crate::EdgeError;
use crate::guard::GuardError;
use crate::wire::AskError;
use wandstore_core::abuse::Quota;
use wandstore_core::log::RequestLog;
use wandstore_core::rate_limit::{RateClass, RateDecision, key};

/// What to ask next.
#[derive(Debug, Clone, PartialEq)]
pub enum LimitAction {
    /// Is this client banned (until when)?
    AskBan { client: String },
    /// Ask the class's Rate Limiting binding about this key: may it go on?
    AskBinding { binding: &'static str, key: String },
    /// Count this key exactly with AbuseGuard (within `window_ms`, at most `limit`).
    CountExact {
        key: String,
        limit: u32,
        window_ms: u64,
    },
    /// Give the client a strike (answers the ban's end if it is now banned).
    Strike { client: String },
    /// Finished: go on (with an exact limit's quota for the `RateLimit` headers), or the 429.
    Done(Result<Option<Quota>, EdgeError>),
}

/// What a limiter answered; `Err` is the limiter failing (written in the log line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitAnswer {
    Ban(Result<Option<u64>, GuardFailed>),
    Binding(Result<bool, String>),
    Exact(Result<Quota, GuardFailed>),
    Strike(Result<Option<u64>, GuardFailed>),
}

/// Why the client's AbuseGuard could not answer (the log line says it as it is).
pub type GuardFailed = AskError<GuardError>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Ban,
    Binding(String),
    Exact(String),
    Strike,
}

/// One request's run through its limits.
#[derive(Debug)]
pub struct LimitRun {
    class: RateClass,
    /// The client's key (none without a real client address: the per-client limits and bans
    /// do not apply).
    client: Option<String>,
    steps: std::collections::VecDeque<Step>,
    asked: Option<Step>,
    quota: Option<Quota>,
    /// The 429 a limited client gets once its strike is counted.
    limited: Option<EdgeError>,
    outcome: Option<Result<Option<Quota>, EdgeError>>,
    now_ms: u64,
}

impl LimitRun {
    /// A store request of `class`: the client's ban first, then each of the class's subjects
    /// ([`RateClass::subjects`]), exactly when the class has an exact limit.
    pub fn store_request(
        class: RateClass,
        shopper_tag: &str,
        client: Option<&str>,
        now_ms: u64,
    ) -> Self {
        let mut run = LimitRun::new(class, client, now_ms);
        if client.is_some() {
            run.steps.push_back(Step::Ban);
        }
        let exact = class.exact_limit().is_some();
        for who in class.subjects(shopper_tag, client) {
            run.steps.push_back(if exact {
                Step::Exact(who)
            } else {
                Step::Binding(who)
            });
        }
        run
    }

    /// One binding check of `who` (the admin API's caller, a file's client); a client past
    /// the limit gets a strike if `client` names it.
    pub fn binding(class: RateClass, who: &str, client: Option<&str>, now_ms: u64) -> Self {
        let mut run = LimitRun::new(class, client, now_ms);
        run.steps.push_back(Step::Binding(who.to_owned()));
        run
    }

    fn new(class: RateClass, client: Option<&str>, now_ms: u64) -> Self {
        LimitRun {
            class,
            client: client.map(str::to_owned),
            steps: Default::default(),
            asked: None,
            quota: None,
            limited: None,
            outcome: None,
            now_ms,
        }
    }

    /// The next thing to ask, or the result.
    pub fn next_action(&mut self) -> LimitAction {
        if let Some(outcome) = self.outcome.take() {
            self.steps.clear();
            return LimitAction::Done(outcome);
        }
        let Some(step) = self.steps.pop_front() else {
            return LimitAction::Done(Ok(self.quota.take()));
        };
        let action = match &step {
            Step::Ban => LimitAction::AskBan {
                client: self.client.clone().unwrap_or_default(),
            },
            Step::Binding(who) => LimitAction::AskBinding {
                binding: self.class.binding(),
                key: key(self.class, who),
            },
            Step::Exact(who) => LimitAction::CountExact {
                key: key(self.class, who),
                limit: self.class.exact_limit().unwrap_or(u32::MAX),
                window_ms: self.class.period_secs().saturating_mul(1000),
            },
            Step::Strike => LimitAction::Strike {
                client: self.client.clone().unwrap_or_default(),
            },
        };
        self.asked = Some(step);
        action
    }

    /// What the limiter asked last answered; the log line learns what it means.
    pub fn answer(&mut self, answer: LimitAnswer, log: &mut RequestLog) {
        let class = self.class;
        match (self.asked.take(), answer) {
            (Some(Step::Ban), LimitAnswer::Ban(Ok(Some(until)))) => {
                log.rate_decision = Some("banned");
                self.outcome = Some(Err(self.banned(until)));
            }
            (Some(Step::Ban), LimitAnswer::Ban(Ok(None))) => {}
            (Some(Step::Ban), LimitAnswer::Ban(Err(e))) => {
                note_error(log, format!("abuse guard: {e:?}"))
            }
            (Some(Step::Binding(_)), LimitAnswer::Binding(outcome)) => {
                let decision = match outcome {
                    Ok(true) => RateDecision::Allowed,
                    Ok(false) => RateDecision::Limited,
                    Err(e) => {
                        note_error(log, format!("rate limiter {}: {e}", class.binding()));
                        RateDecision::Unavailable
                    }
                };
                log.rate_limit = Some(class.name());
                log.rate_decision = Some(decision.name());
                if decision == RateDecision::Limited {
                    let limited = EdgeError::rate_limited(class.name(), class.period_secs());
                    if self.client.is_some() {
                        // The client's strike is asked before the 429 is answered.
                        self.steps.clear();
                        self.steps.push_back(Step::Strike);
                        self.limited = Some(limited);
                    } else {
                        self.outcome = Some(Err(limited));
                    }
                }
            }
            (Some(Step::Exact(_)), LimitAnswer::Exact(outcome)) => {
                log.rate_limit = Some(class.name());
                match outcome {
                    Ok(quota) if quota.allowed => {
                        log.rate_decision = Some(RateDecision::Allowed.name());
                        self.quota = Some(quota);
                    }
                    Ok(quota) => {
                        log.rate_decision = Some(RateDecision::Limited.name());
                        self.outcome = Some(Err(EdgeError::over_quota(class.name(), &quota)));
                    }
                    Err(e) => {
                        log.rate_decision = Some(RateDecision::Unavailable.name());
                        note_error(log, format!("abuse guard: {e:?}"));
                        self.quota = None;
                    }
                }
            }
            (Some(Step::Strike), LimitAnswer::Strike(outcome)) => {
                let limited = self
                    .limited
                    .take()
                    .unwrap_or_else(|| EdgeError::rate_limited(class.name(), class.period_secs()));
                self.outcome = Some(Err(match outcome {
                    Ok(Some(until)) => self.banned(until),
                    Ok(None) => limited,
                    Err(e) => {
                        note_error(log, format!("abuse guard: {e:?}"));
                        limited
                    }
                }));
            }
            (asked, answer) => {
                self.outcome = Some(Err(EdgeError::internal(format!(
                    "a rate limit run asked {asked:?} and was answered {answer:?}"
                ))));
            }
        }
    }

    fn banned(&self, until_ms: u64) -> EdgeError {
        EdgeError::banned(until_ms.saturating_sub(self.now_ms).div_ceil(1000))
    }
}

/// The first error a request meets is the one its log line keeps.
fn note_error(log: &mut RequestLog, what: String) {
    log.error.get_or_insert(what);
}

#[cfg(test)]
#[path = "limit_run_tests.rs"]
mod tests;
