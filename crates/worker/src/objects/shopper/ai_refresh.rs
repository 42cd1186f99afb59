//! One background model refresh, run with `wait_until` after a home page was sent: the
//! store's exact budget first (StoreConfig), then `wandstore_ai::refresh::Refresh` driven
//! with plain `fetch` (providers in fallback order, per-provider breakers kept by
//! StoreConfig), the suggestion stored in the shopper's SQLite, and the outcomes and moved
//! breakers sent back to StoreConfig. Bounded by the providers' own timeouts plus a margin;
//! nothing here can change a page.

use super::personalize::store_suggestion;
use crate::objects::store_client;
use crate::sql::Db;
use crate::upstream::{execute, now_ms};
use futures::FutureExt;
use std::time::Duration;
use wandstore_ai::candidates::CandidateSet;
use wandstore_ai::events::{GatewayCall, RefreshFailed};
use wandstore_ai::gateway::{GatewayConfig, Provider};
use wandstore_ai::page::{DEFAULT_TTL_MS, StoredSuggestion};
use wandstore_ai::prompt::Prompt;
use wandstore_ai::refresh::{Breakers, Refresh, RefreshResult, RefreshStep};
use wandstore_ai::report::PersonalizationCounters;
use wandstore_ai::request::{CallContext, retry_policy};
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
    pub ctx: CallContext,
    pub prompt: Prompt,
    pub set: CandidateSet,
}

/// Runs one refresh within its time limit; failures are logged, never raised.
pub async fn run(job: RefreshJob) {
    let limit_ms = time_limit_ms(&job.config);
    let rid = job.ctx.request_id.clone();
    let store = job.store.to_string();
    let work = refresh(job);
    let limit = Delay::from(Duration::from_millis(limit_ms));
    let outcome = futures::select! {
        r = work.fuse() => r,
        _ = limit.fuse() => Err(format!("gave up after {limit_ms} ms")),
    };
    if let Err(error) = outcome {
        let failed = RefreshFailed { store, error };
        worker::console_log!("{}", failed.line(worker::Date::now().as_millis(), &rid));
    }
}

/// The longest a refresh can legitimately take: every provider's attempts at their timeout
/// with the longest waits between them, plus a margin for the object calls.
fn time_limit_ms(config: &GatewayConfig) -> u64 {
    Provider::FALLBACK_ORDER
        .iter()
        .map(|&p| {
            let r = retry_policy(config, p);
            let attempts = u64::from(r.max_attempts);
            attempts * r.attempt_timeout_ms
                + attempts.saturating_sub(1) * r.max_delay_ms.max(r.max_retry_after_ms)
        })
        .sum::<u64>()
        + 3_000
}

fn states(b: &Breakers) -> ProviderBreakers {
    ProviderBreakers {
        openai: b.state(Provider::OpenAi),
        anthropic: b.state(Provider::Anthropic),
    }
}

async fn refresh(job: RefreshJob) -> Result<(), String> {
    let rid = job.ctx.request_id.clone();
    let grant = store_client::ask(&job.env, &job.store, SpendBudget { now_ms: now_ms() }, &rid)
        .await
        .map_err(|e| format!("budget: {}", EdgeError::from(e).message))?;
    if !grant.granted {
        return Ok(());
    }
    let mut breakers = Breakers::from_states(grant.breakers.openai, grant.breakers.anthropic);
    let hash = job.set.hash();
    let mut r = Refresh::new(&job.config, job.ctx.clone(), job.prompt, job.set);
    let mut step = r.next(&mut breakers, now_ms());
    let result: RefreshResult = loop {
        step = match step {
            RefreshStep::Send { provider, request } => {
                let sent = now_ms();
                let result = execute(&request, u64::from(request.timeout_ms)).await;
                let call = GatewayCall::of(
                    &job.ctx.store,
                    provider,
                    &result,
                    now_ms().saturating_sub(sent),
                );
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
    if let Some(answer) = &result.answer {
        let stored = StoredSuggestion::new(answer, &hash, now_ms(), DEFAULT_TTL_MS);
        store_suggestion(&job.db, &stored).map_err(|e| format!("storing: {e}"))?;
    }
    let mut counts = PersonalizationCounters::default();
    for outcome in result.outcomes {
        counts.record_call(outcome);
    }
    let after = states(&breakers);
    let q = RecordPersonalization {
        counts,
        breakers: (after != grant.breakers).then_some(after),
    };
    store_client::ask(&job.env, &job.store, q, &rid)
        .await
        .map_err(|e| format!("recording: {}", EdgeError::from(e).message))
}
