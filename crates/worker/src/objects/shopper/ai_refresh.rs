//! One background model refresh, run with `wait_until` after a home page was sent: the
//! executor of `wandstore_ai::refresh_job::RefreshJob`, which decides everything (the
//! budget first, providers in fallback order with their breakers, what is stored, logged and
//! recorded). Only the I/O is here: StoreConfig, the shopper's SQLite, and the model calls
//! through the one upstream executor (`upstream::drive`). Bounded by
//! `wandstore_ai::refresh::time_limit_ms`; nothing here can change a page.

use super::io::{Io, set_state};
use crate::clock::now_ms;
use crate::objects::store_client::ask;
use crate::upstream;
use wandstore_ai::block::{RefreshPlan, SUGGESTION_KEY};
use wandstore_ai::gateway::GatewayConfig;
use wandstore_ai::refresh_job::{JobAction, JobInput, RefreshJob};
use wandstore_core::store::StoreSlug;
use wandstore_protocol::personalization::{BudgetGrant, RecordPersonalization, SpendBudget};

/// Runs one refresh within its time limit; failures are logged, never raised.
pub async fn run(io: Io, store: StoreSlug, config: GatewayConfig, plan: RefreshPlan) {
    let mut job = RefreshJob::new(config, plan);
    let limit_ms = job.time_limit_ms();
    let outcome = crate::deadline::within(limit_ms, drive(&io, &store, &mut job)).await;
    let line = job.failure_line(outcome, now_ms());
    line.inspect(|line| worker::console_log!("{line}"));
}

async fn drive(io: &Io, store: &StoreSlug, job: &mut RefreshJob) -> Result<(), String> {
    let rid = job.request_id().to_owned();
    let mut input = JobInput::Start;
    loop {
        input = match job.resume(input) {
            JobAction::SpendBudget => {
                let q = SpendBudget { now_ms: now_ms() };
                BudgetGrant::job_input(ask(&io.env, store, q, &rid).await)
            }
            JobAction::Call => {
                upstream::drive(|outcome, now, jitter| {
                    let (action, line) = job.call(outcome, now, jitter);
                    line.inspect(|line| worker::console_log!("{line}"));
                    action
                })
                .await;
                JobInput::Done
            }
            JobAction::StoreSuggestion(s) => set_state(&io.db, SUGGESTION_KEY, &s).into(),
            JobAction::Record { counts, breakers } => {
                let q = RecordPersonalization::new(counts, breakers.as_ref());
                ask(&io.env, store, q, &rid).await.into()
            }
            JobAction::Log(line) => {
                worker::console_log!("{line}");
                JobInput::Done
            }
            JobAction::Finished(result) => return result,
        };
    }
}
