//! How the entry asks the AbuseGuard that keeps a client, with its answers kept in the
//! isolate for a second (`core::abuse::KnownBans`), so a busy client costs its guard about
//! one call a second.

use super::ABUSE_GUARD;
use std::cell::RefCell;
use wandstore_core::abuse::{KnownBans, guard_name};
use wandstore_protocol::guard::{
    Ban, CheckClient, CountHit, GuardError, GuardQuestion, Quota, StrikeClient,
};
use wandstore_protocol::wire::{AskError, Question};
use worker::Env;

thread_local! {
    static KNOWN: RefCell<KnownBans> = RefCell::new(KnownBans::default());
}

/// A guard's answer, or why there is none.
type Asked<T> = Result<T, AskError<GuardError>>;

/// Asks the guard that keeps `key` (a client, or an exact counter's key).
async fn ask<Q>(env: &Env, key: &str, question: Q, rid: &str) -> Asked<Q::Answer>
where
    Q: Question<Envelope = GuardQuestion, Error = GuardError>,
{
    super::ask(env, ABUSE_GUARD, &guard_name(key), question, rid).await
}

/// The ban on this client now, if any (the guard's answer is kept for a second).
pub async fn banned_until(env: &Env, client: &str, now_ms: u64, rid: &str) -> Asked<Option<u64>> {
    if let Some(known) = KNOWN.with(|k| k.borrow().get(client, now_ms)) {
        return Ok(known);
    }
    let check = CheckClient {
        client: client.to_owned(),
    };
    remembered(env, client, check, now_ms, rid).await
}

/// A strike against this client; the ban it brings, if it does.
pub async fn strike(env: &Env, client: &str, now_ms: u64, rid: &str) -> Asked<Option<u64>> {
    let strike = StrikeClient {
        client: client.to_owned(),
    };
    remembered(env, client, strike, now_ms, rid).await
}

/// The ban `client`'s guard answers to `question`, kept.
async fn remembered<Q>(
    env: &Env,
    client: &str,
    question: Q,
    now: u64,
    rid: &str,
) -> Asked<Option<u64>>
where
    Q: Question<Envelope = GuardQuestion, Error = GuardError, Answer = Ban>,
{
    let ban = ask(env, client, question, rid).await?;
    KNOWN.with(|k| k.borrow_mut().remember(client, ban.until_ms, now));
    Ok(ban.until_ms)
}

/// One request against an exact limit of `limit` per `window_ms` for `key`.
pub async fn count(env: &Env, key: &str, limit: u32, window_ms: u64, rid: &str) -> Asked<Quota> {
    let hit = CountHit {
        key: key.to_owned(),
        limit,
        window_ms,
    };
    ask(env, key, hit, rid).await
}
