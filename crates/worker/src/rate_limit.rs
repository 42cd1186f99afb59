//! Runs a request's `protocol::limit_run::LimitRun`: asks the client's AbuseGuard, Cloudflare's
//! Rate Limiting binding or the guard's exact count as the run says, and hands each answer
//! back. What an answer means (fail open, strikes, bans, the log line) is the run's.

use crate::clock::now_ms;
use crate::objects::guard_client;
use wandstore_core::log::RequestLog;
use wandstore_protocol::EdgeError;
use wandstore_protocol::guard::Quota;
use wandstore_protocol::limit_run::{LimitAction, LimitAnswer, LimitRun};
use worker::Env;

/// Go on (with an exact limit's quota for the `RateLimit` headers), or the 429.
pub async fn run(
    env: &Env,
    mut run: LimitRun,
    log: &mut RequestLog,
) -> Result<Option<Quota>, EdgeError> {
    let rid = log.request_id.clone();
    loop {
        let answer = match run.next_action() {
            LimitAction::Done(end) => return end,
            LimitAction::AskBan { client } => {
                LimitAnswer::Ban(guard_client::banned_until(env, &client, now_ms(), &rid).await)
            }
            LimitAction::AskBinding { binding, key } => {
                LimitAnswer::Binding(ask_binding(env, binding, key).await)
            }
            LimitAction::CountExact {
                key,
                limit,
                window_ms,
            } => LimitAnswer::Exact(guard_client::count(env, &key, limit, window_ms, &rid).await),
            LimitAction::Strike { client } => {
                LimitAnswer::Strike(guard_client::strike(env, &client, now_ms(), &rid).await)
            }
        };
        run.answer(answer, log);
    }
}

/// Whether the binding lets `key` go on (it is approximate and per location).
async fn ask_binding(env: &Env, binding: &'static str, key: String) -> Result<bool, String> {
    let limiter = crate::bindings::held(binding, || env.rate_limiter(binding));
    let limited = limiter.map_err(|e| e.to_string())?.limit(key).await;
    limited.map(|o| o.success).map_err(|e| e.to_string())
}
