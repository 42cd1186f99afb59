//! Asking Cloudflare's Rate Limiting binding of a class whether a request may go on. It is
//! approximate and per location; if it fails, the request goes through and the log says so
//! (fail open).

use crate::objects::guard_client;
use wandstore_core::log::RequestLog;
use wandstore_core::rate_limit::{RateClass, RateDecision, key};
use wandstore_protocol::EdgeError;
use wandstore_protocol::guard::Quota;
use worker::Env;

/// `Ok` if `who` may make another request of `class`; a 429 otherwise. A client (`client`)
/// past a limit gets a strike with its AbuseGuard, and enough strikes ban it.
pub async fn check(
    env: &Env,
    class: RateClass,
    who: &str,
    client: Option<&str>,
    log: &mut RequestLog,
) -> Result<(), EdgeError> {
    let name = class.binding();
    let outcome = match crate::bindings::held(name, || env.rate_limiter(name)) {
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
        RateDecision::Limited => {
            if let Some(client) = client {
                let now = crate::clock::now_ms();
                match guard_client::strike(env, client, now, &log.request_id).await {
                    Ok(Some(until)) => return Err(banned(until, now)),
                    Ok(None) => {}
                    Err(e) => {
                        log.error
                            .get_or_insert_with(|| format!("abuse guard: {e:?}"));
                    }
                }
            }
            Err(EdgeError::rate_limited(class.name(), class.period_secs()))
        }
        RateDecision::Allowed | RateDecision::Unavailable => Ok(()),
    }
}

/// `Ok` unless this client is banned (a guard that cannot answer lets it through, logged).
pub async fn check_ban(env: &Env, client: &str, log: &mut RequestLog) -> Result<(), EdgeError> {
    let now = crate::clock::now_ms();
    match guard_client::banned_until(env, client, now, &log.request_id).await {
        Ok(Some(until)) => {
            log.rate_decision = Some("banned");
            Err(banned(until, now))
        }
        Ok(None) => Ok(()),
        Err(e) => {
            log.error
                .get_or_insert_with(|| format!("abuse guard: {e:?}"));
            Ok(())
        }
    }
}

fn banned(until_ms: u64, now_ms: u64) -> EdgeError {
    EdgeError::banned(until_ms.saturating_sub(now_ms).div_ceil(1000))
}

/// Counts the request exactly against `class`'s limit for `who`: a 429 with the IETF draft's
/// `RateLimit` headers past it; the quota (for those headers on the answer) otherwise. If the
/// guard cannot answer, the request goes through (fail open), logged.
pub async fn check_exact(
    env: &Env,
    class: RateClass,
    limit: u32,
    who: &str,
    log: &mut RequestLog,
) -> Result<Option<Quota>, EdgeError> {
    let window_ms = class.period_secs().saturating_mul(1000);
    let key = key(class, who);
    log.rate_limit = Some(class.name());
    match guard_client::count(env, &key, limit, window_ms, &log.request_id).await {
        Ok(quota) if quota.allowed => {
            log.rate_decision = Some(RateDecision::Allowed.name());
            Ok(Some(quota))
        }
        Ok(quota) => {
            log.rate_decision = Some(RateDecision::Limited.name());
            Err(EdgeError::over_quota(class.name(), &quota))
        }
        Err(e) => {
            log.rate_decision = Some(RateDecision::Unavailable.name());
            log.error
                .get_or_insert_with(|| format!("abuse guard: {e:?}"));
            Ok(None)
        }
    }
}
