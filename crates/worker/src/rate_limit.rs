//! Asking Cloudflare's Rate Limiting binding of a class whether a request may go on. It is
//! approximate and per location; if it fails, the request goes through and the log says so
//! (fail open).

use wandstore_core::log::RequestLog;
use wandstore_core::rate_limit::{RateClass, RateDecision, key};
use wandstore_protocol::EdgeError;
use worker::Env;

/// `Ok` if `who` may make another request of `class`; a 429 otherwise.
pub async fn check(
    env: &Env,
    class: RateClass,
    who: &str,
    log: &mut RequestLog,
) -> Result<(), EdgeError> {
    let outcome = match env.rate_limiter(class.binding()) {
        Ok(limiter) => limiter.limit(key(class, who)).await.map(|o| o.success),
        Err(e) => Err(e),
    };
    let decision = match outcome {
        Ok(true) => RateDecision::Allowed,
        Ok(false) => RateDecision::Limited,
        Err(e) => {
            log.error
                .get_or_insert_with(|| format!("rate limiter {}: {e}", class.binding()));
            RateDecision::Unavailable
        }
    };
    log.rate_limit = Some(class.name());
    log.rate_decision = Some(decision.name());
    match decision {
        RateDecision::Limited => Err(EdgeError::rate_limited(class.name(), class.period_secs())),
        RateDecision::Allowed | RateDecision::Unavailable => Ok(()),
    }
}
