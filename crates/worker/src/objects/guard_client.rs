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

/// Asks the guard that keeps `key` (a client, or an exact counter's key).
async fn ask<Q>(
    env: &Env,
    key: &str,
    question: Q,
    rid: &str,
) -> Result<Q::Answer, AskError<GuardError>>
where
    Q: Question<Envelope = GuardQuestion, Error = GuardError>,
{
    super::ask(env, ABUSE_GUARD, &guard_name(key), question, rid).await
}

/// The ban on this client now, if any (the guard's answer is kept for a second).
pub async fn banned_until(
    env: &Env,
    client: &str,
    now_ms: u64,
    rid: &str,
) -> Result<Option<u64>, AskError<GuardError>> {
    if let Some(known) = KNOWN.with(|k| k.borrow().get(client, now_ms)) {
        return Ok(known);
    }
    let check = CheckClient {
        client: client.to_owned(),
    };
    remembered(client, ask(env, client, check, rid).await, now_ms)
}

/// A strike against this client; the ban it brings, if it does.
pub async fn strike(
    env: &Env,
    client: &str,
    now_ms: u64,
    rid: &str,
) -> Result<Option<u64>, AskError<GuardError>> {
    let strike = StrikeClient {
        client: client.to_owned(),
    };
    remembered(client, ask(env, client, strike, rid).await, now_ms)
}

/// The guard's answer about this client, kept.
fn remembered(
    client: &str,
    asked: Result<Ban, AskError<GuardError>>,
    now_ms: u64,
) -> Result<Option<u64>, AskError<GuardError>> {
    let ban = asked?;
    KNOWN.with(|k| k.borrow_mut().remember(client, ban.until_ms, now_ms));
    Ok(ban.until_ms)
}

/// One request against an exact limit of `limit` per `window_ms` for `key`.
pub async fn count(
    env: &Env,
    key: &str,
    limit: u32,
    window_ms: u64,
    rid: &str,
) -> Result<Quota, AskError<GuardError>> {
    let hit = CountHit {
        key: key.to_owned(),
        limit,
        window_ms,
    };
    ask(env, key, hit, rid).await
}
