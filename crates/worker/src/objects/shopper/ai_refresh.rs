//! One background model refresh, run with `wait_until` after a home page was sent: the
//! store's exact budget first (StoreConfig), then `wandstore_ai::refresh::Refresh` driven
//! with plain `fetch` (providers in fallback order, per-provider breakers kept by
//! StoreConfig), the suggestion stored in the shopper's SQLite, and the outcomes and moved
//! breakers sent back to StoreConfig. Bounded by `wandstore_ai::refresh::time_limit_ms`;
//! nothing here can change a page. Only the I/O is here: the machine decides.

use super::personalize::store_suggestion;
use crate::clock::now_ms;
use crate::objects::store_client;
use crate::sql::Db;
use crate::upstream::execute;
use futures::FutureExt;
use std::time::Duration;
use wandstore_ai::block::RefreshPlan;
use wandstore_ai::events::{GatewayCall, RefreshFailed};
use wandstore_ai::gateway::GatewayConfig;
use wandstore_ai::refresh::{Breakers, Refresh, RefreshResult, RefreshStep, time_limit_ms};
use wandstore_core::events::Event;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::EdgeError;
use wandstore_protocol::personalization::{ProviderBreakers, RecordPersonalization, SpendBudget};
use worker::{Delay, Env};

/// Everything one refresh needs, owned (it outlives the request).
pub struct RefreshJob {
    pub env: Env,
    pub db: Db,
    pub store: StoreSlug,
    pub config: GatewayConfig,
    pub plan: RefreshPlan,
}

/// Runs one refresh within its time limit; failures are logged, never raised.
pub async fn run(job: RefreshJob) {
    let limit_ms = time_limit_ms(&job.config);
    let rid = job.plan.ctx.request_id.clone();
    let store = job.store.to_string();
    let work = refresh(job);
    let limit = Delay::from(Duration::from_millis(limit_ms));
    let outcome = futures::select! {
        r = work.fuse() => r,
        _ = limit.fuse() => Err(format!("gave up after {limit_ms} ms")),
    };
    if let Err(error) = outcome {
        let failed = RefreshFailed { store, error };
        worker::console_log!("{}", failed.line(crate::clock::now_ms(), &rid));
    }
}

async fn refresh(job: RefreshJob) -> Result<(), String> {
    let RefreshPlan { ctx, prompt, set } = job.plan;
    let rid = ctx.request_id.clone();
    let grant = store_client::ask(&job.env, &job.store, SpendBudget { now_ms: now_ms() }, &rid)
        .await
        .map_err(|e| format!("budget: {}", EdgeError::from(e).message))?;
    if !grant.granted {
        return Ok(());
    }
    let mut breakers = Breakers::from(grant.breakers);
    let hash = set.hash();
    let store = ctx.store.clone();
    let mut r = Refresh::new(&job.config, ctx, prompt, set);
    let mut step = r.next(&mut breakers, now_ms());
    let result: RefreshResult = loop {
        step = match step {
            RefreshStep::Send { provider, request } => {
                let sent = now_ms();
                let result = execute(&request, u64::from(request.timeout_ms)).await;
                let call =
                    GatewayCall::of(&store, provider, &result, now_ms().saturating_sub(sent));
                worker::console_log!("{}", call.line(now_ms(), &rid));
                let jitter = worker::js_sys::Math::random();
                r.on_response(result, &mut breakers, now_ms(), jitter)
            }
            RefreshStep::Wait { ms } => {
                Delay::from(Duration::from_millis(ms)).await;
                r.next(&mut breakers, now_ms())
            }
            RefreshStep::Done(result) => break result,
        };
    };
    if let Some(stored) = result.suggestion(&hash, now_ms()) {
        store_suggestion(&job.db, &stored).map_err(|e| format!("storing: {e}"))?;
    }
    let after = ProviderBreakers::from(&breakers);
    let q = RecordPersonalization {
        counts: result.counts(),
        breakers: (after != grant.breakers).then_some(after),
    };
    store_client::ask(&job.env, &job.store, q, &rid)
        .await
        .map_err(|e| format!("recording: {}", EdgeError::from(e).message))
}
