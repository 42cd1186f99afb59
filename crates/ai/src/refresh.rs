//! One background refresh as a sans-IO state machine: providers in fallback order, each
//! through [`GuardedCall`] (retries, breaker, timeout), answers parsed strictly, every
//! attempt reported for the counters. The shell only sends, sleeps and stores breakers:
//!
//! ```text
//! let mut r = Refresh::new(&config, ctx, prompt, candidates);
//! let mut step = r.next(&mut breakers, now());
//! loop {
//!     step = match step {
//!         RefreshStep::Send { request, .. } => r.on_response(fetch(request).await, &mut breakers, now(), jitter()),
//!         RefreshStep::Wait { ms } => { sleep(ms).await; r.next(&mut breakers, now()) }
//!         RefreshStep::Done(result) => break result,   // result.answer: None → the baseline stands
//!     };
//! }
//! ```
//!
//! Each provider has its own breaker ([`Breakers`]); an open one is skipped without a call.

use crate::candidates::CandidateSet;
use crate::failure::{AiFailure, FailureKind};
use crate::gateway::{GatewayConfig, Provider};
use crate::page::{DEFAULT_TTL_MS, StoredSuggestion};
use crate::prompt::Prompt;
use crate::report::{CallOutcome, PersonalizationCounters};
use crate::request::{CallContext, breaker_config, build, retry_policy};
use crate::response::{ModelAnswer, Usage, parse, usage_of};
use crate::rules::{Fallback, breaker_rejects};
use wandstore_core::breaker::{BreakerState, CircuitBreaker};
use wandstore_core::guarded::{GuardFailure, GuardedCall, Step};
use wandstore_core::http::{HttpRequest, HttpResponse, TransportError};

/// The breaker of each provider. The shell keeps them in memory (loaded from storage once)
/// and stores a provider's state when it changed.
#[derive(Debug, Clone)]
pub struct Breakers {
    pub openai: CircuitBreaker,
    pub anthropic: CircuitBreaker,
}

impl Default for Breakers {
    /// Both closed, with [`breaker_config`].
    fn default() -> Self {
        Breakers {
            openai: CircuitBreaker::new(breaker_config()),
            anthropic: CircuitBreaker::new(breaker_config()),
        }
    }
}

impl Breakers {
    /// Breakers restored from stored states.
    pub fn from_states(openai: BreakerState, anthropic: BreakerState) -> Breakers {
        Breakers {
            openai: CircuitBreaker::from_state(breaker_config(), openai),
            anthropic: CircuitBreaker::from_state(breaker_config(), anthropic),
        }
    }

    pub fn get_mut(&mut self, p: Provider) -> &mut CircuitBreaker {
        match p {
            Provider::OpenAi => &mut self.openai,
            Provider::Anthropic => &mut self.anthropic,
        }
    }

    pub fn state(&self, p: Provider) -> BreakerState {
        match p {
            Provider::OpenAi => self.openai.state(),
            Provider::Anthropic => self.anthropic.state(),
        }
    }
}

/// What the shell does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshStep {
    /// Send this request (its `timeout_ms` is the attempt's timeout) and pass the result to
    /// [`Refresh::on_response`].
    Send {
        provider: Provider,
        request: HttpRequest,
    },
    /// Sleep, then call [`Refresh::next`].
    Wait { ms: u64 },
    /// Finished.
    Done(RefreshResult),
}

/// How a refresh ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshResult {
    /// The validated answer, or `None`: every provider failed and the baseline stands.
    pub answer: Option<ModelAnswer>,
    /// Every attempt (and skipped provider), in order, for
    /// [`crate::report::PersonalizationCounters::record_call`] and the log.
    pub outcomes: Vec<CallOutcome>,
}

impl RefreshResult {
    /// The counters of this refresh's attempts (and skipped providers).
    pub fn counts(&self) -> PersonalizationCounters {
        let mut counts = PersonalizationCounters::default();
        for outcome in &self.outcomes {
            counts.record_call(*outcome);
        }
        counts
    }

    /// The suggestion to store in the shopper's object, fresh for [`DEFAULT_TTL_MS`] from
    /// `now_ms`, when a model answered (`candidate_hash`: the set it chose from).
    pub fn suggestion(&self, candidate_hash: &str, now_ms: u64) -> Option<StoredSuggestion> {
        self.answer
            .as_ref()
            .map(|a| StoredSuggestion::new(a, candidate_hash, now_ms, DEFAULT_TTL_MS))
    }
}

/// The longest a refresh can legitimately take: every provider's attempts at their timeout
/// with the longest waits between them, plus [`OBJECT_CALLS_MARGIN_MS`] for the object calls
/// around them. The shell gives up on a refresh after this.
pub fn time_limit_ms(config: &GatewayConfig) -> u64 {
    Provider::FALLBACK_ORDER
        .iter()
        .map(|&p| {
            let r = retry_policy(config, p);
            let attempts = u64::from(r.max_attempts);
            attempts.saturating_mul(r.attempt_timeout_ms)
                + attempts.saturating_sub(1) * r.max_delay_ms.max(r.max_retry_after_ms)
        })
        .sum::<u64>()
        + OBJECT_CALLS_MARGIN_MS
}

/// The time a refresh may spend on object calls (the budget, the report) besides the model.
pub const OBJECT_CALLS_MARGIN_MS: u64 = 3_000;

/// One refresh in progress.
#[derive(Debug, Clone)]
pub struct Refresh {
    config: GatewayConfig,
    ctx: CallContext,
    prompt: Prompt,
    candidates: CandidateSet,
    fallback: Fallback,
    current: Option<(Provider, GuardedCall)>,
    outcomes: Vec<CallOutcome>,
    finished: bool,
}

impl Refresh {
    pub fn new(
        config: &GatewayConfig,
        ctx: CallContext,
        prompt: Prompt,
        candidates: CandidateSet,
    ) -> Refresh {
        Refresh {
            config: config.clone(),
            ctx,
            prompt,
            candidates,
            fallback: Fallback::default(),
            current: None,
            outcomes: Vec::new(),
            finished: false,
        }
    }

    /// Who the refresh is for (the store, the page request's id).
    pub fn ctx(&self) -> &CallContext {
        &self.ctx
    }

    /// The next request to send (starting with the first available provider), or the end.
    pub fn next(&mut self, breakers: &mut Breakers, now_ms: u64) -> RefreshStep {
        loop {
            if self.finished {
                return self.done(None);
            }
            let (provider, call) = match &mut self.current {
                Some((p, call)) => (*p, call),
                None => {
                    let before = self.fallback.failures().len();
                    let next = self
                        .fallback
                        .next(|p| breaker_rejects(breakers.state(p), now_ms));
                    for &(p, kind) in &self.fallback.failures()[before..] {
                        self.outcomes.push(CallOutcome::Failed {
                            provider: p,
                            kind,
                            usage: Usage::default(),
                        });
                    }
                    let Some(p) = next else {
                        return self.done(None);
                    };
                    let call = GuardedCall::new(retry_policy(&self.config, p));
                    let (_, call) = self.current.insert((p, call));
                    (p, call)
                }
            };
            match call.begin_attempt::<AiFailure>(breakers.get_mut(provider), now_ms) {
                Step::Send { .. } => {
                    return RefreshStep::Send {
                        provider,
                        request: build(&self.config, provider, &self.ctx, &self.prompt),
                    };
                }
                // A half-open breaker's probe is already out: skip this provider.
                _ => {
                    self.give_up(provider, FailureKind::BreakerOpen, Usage::default());
                }
            }
        }
    }

    /// The result of the request last returned by [`Refresh::next`].
    pub fn on_response(
        &mut self,
        result: Result<HttpResponse, TransportError>,
        breakers: &mut Breakers,
        now_ms: u64,
        jitter: f64,
    ) -> RefreshStep {
        let Some((provider, call)) = &mut self.current else {
            return self.next(breakers, now_ms);
        };
        let provider = *provider;
        let (failure, usage) = match result {
            Ok(resp) => match parse(provider, &resp, &self.candidates) {
                Ok(answer) => {
                    call.on_success::<AiFailure>(breakers.get_mut(provider), now_ms);
                    self.outcomes.push(CallOutcome::Answered {
                        provider,
                        cache: answer.cache,
                        usage: answer.usage,
                    });
                    return self.done(Some(answer));
                }
                Err(f) => (f, usage_of(provider, &resp)),
            },
            Err(e) => (AiFailure::transport(&e), Usage::default()),
        };
        let kind = failure.kind;
        match call.on_failure(breakers.get_mut(provider), failure, now_ms, jitter) {
            Step::Wait { ms } => {
                self.outcomes.push(CallOutcome::Failed {
                    provider,
                    kind,
                    usage,
                });
                RefreshStep::Wait { ms }
            }
            Step::Failed(GuardFailure::Upstream(f)) => {
                self.give_up(provider, f.kind, usage);
                self.next(breakers, now_ms)
            }
            _ => {
                self.give_up(provider, kind, usage);
                self.next(breakers, now_ms)
            }
        }
    }

    fn give_up(&mut self, provider: Provider, kind: FailureKind, usage: Usage) {
        self.outcomes.push(CallOutcome::Failed {
            provider,
            kind,
            usage,
        });
        self.fallback.failed(provider, kind);
        self.current = None;
    }

    fn done(&mut self, answer: Option<ModelAnswer>) -> RefreshStep {
        self.finished = true;
        self.current = None;
        RefreshStep::Done(RefreshResult {
            answer,
            outcomes: std::mem::take(&mut self.outcomes),
        })
    }
}

#[cfg(test)]
#[path = "refresh_tests.rs"]
mod tests;
