//! One background model refresh, run with `wait_until` after a home page was sent: the
//! executor of `wandstore_ai::refresh_job::RefreshJob`, which decides everything (the
//! budget first, providers in fallback order with their breakers, what is stored, logged and
//! recorded). Only the I/O is here: StoreConfig, `fetch`, the sleep, the shopper's SQLite.
//! Bounded by `wandstore_ai::refresh::time_limit_ms`; nothing here can change a page.

use super::personalize::set_state;
use crate::clock::now_ms;
use crate::objects::store_client;
use crate::sql::Db;
use crate::upstream::execute;
use futures::FutureExt;
use std::time::Duration;
use wandstore_ai::block::{RefreshPlan, SUGGESTION_KEY};
use wandstore_ai::events::RefreshFailed;
use wandstore_ai::gateway::GatewayConfig;
use wandstore_ai::refresh::time_limit_ms;
use wandstore_ai::refresh_job::{JobAction, JobInput, RefreshJob};
use wandstore_core::events::Event;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::personalization::{ProviderBreakers, RecordPersonalization, SpendBudget};
use wandstore_protocol::store::StoreError;
use wandstore_protocol::{AskError, EdgeError};
use worker::{Delay, Env};

/// Everything one refresh needs, owned (it outlives the request).
pub struct RefreshRun {
    pub env: Env,
    pub db: Db,
    pub store: StoreSlug,
    pub config: GatewayConfig,
    pub plan: RefreshPlan,
}

/// Runs one refresh within its time limit; failures are logged, never raised.
pub async fn run(run: RefreshRun) {
    let limit_ms = time_limit_ms(&run.config);
    let rid = run.plan.ctx.request_id.clone();
    let store = run.store.to_string();
    let limit = Delay::from(Duration::from_millis(limit_ms));
    let outcome = futures::select! {
        r = drive(run).fuse() => r,
        _ = limit.fuse() => Err(format!("gave up after {limit_ms} ms")),
    };
    if let Err(error) = outcome {
        let failed = RefreshFailed { store, error };
        worker::console_log!("{}", failed.line(now_ms(), &rid));
    }
}

/// `Done`, or `Failed` with why.
fn done<T, E: std::fmt::Display>(result: Result<T, E>) -> JobInput {
    result.map_or_else(|e| JobInput::Failed(e.to_string()), |_| JobInput::Done)
}

/// An object's answer, or why there was none.
pub(super) fn asked<T>(result: Result<T, AskError<StoreError>>) -> Result<T, String> {
    result.map_err(|e| EdgeError::from(e).message)
}

async fn drive(run: RefreshRun) -> Result<(), String> {
    let RefreshRun {
        env,
        db,
        store,
        config,
        plan,
    } = run;
    let rid = plan.ctx.request_id.clone();
    let mut job = RefreshJob::new(config, plan);
    let mut input = JobInput::Start;
    loop {
        input = match job.resume(input, now_ms()) {
            JobAction::SpendBudget => {
                let q = SpendBudget { now_ms: now_ms() };
                match asked(store_client::ask(&env, &store, q, &rid).await) {
                    Ok(grant) => JobInput::Budget {
                        granted: grant.granted,
                        breakers: grant.breakers.into(),
                    },
                    Err(why) => JobInput::Failed(why),
                }
            }
            JobAction::Send(request) => JobInput::Response {
                result: execute(&request, u64::from(request.timeout_ms)).await,
                jitter: worker::js_sys::Math::random(),
            },
            JobAction::Wait(ms) => {
                Delay::from(Duration::from_millis(ms)).await;
                JobInput::Done
            }
            JobAction::StoreSuggestion(s) => done(set_state(&db, SUGGESTION_KEY, &s)),
            JobAction::Record { counts, breakers } => {
                let breakers = breakers.as_ref().map(ProviderBreakers::from);
                let q = RecordPersonalization { counts, breakers };
                done(asked(store_client::ask(&env, &store, q, &rid).await))
            }
            JobAction::Log(line) => {
                worker::console_log!("{line}");
                JobInput::Done
            }
            JobAction::Finished(result) => return result,
        };
    }
}
