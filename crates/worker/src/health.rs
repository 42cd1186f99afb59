//! Health endpoints for operators and load balancers: `/health/live` (the Worker runs),
//! `/health/ready` (its dependencies answer, each within a time limit: 200 or 503),
//! `/health` (healthy, degraded or unhealthy, with every check, the stores' upstreams and
//! catalogs included) and `/.well-known/security.txt`. Which checks run in which order, what
//! a slow or failing one says, how they add up and what the answers say (status, headers,
//! body) are `core::health_run::HealthRun`'s and `core::health`'s; here one executor loop
//! runs each check within its time limit.

use crate::clock::now_ms;
use crate::env_config::secret;
use crate::objects::{registry_client, store_client};
use crate::respond::Parts;
use wandstore_core::health::{CHECK_TIMEOUT_MS, Dependency};
use wandstore_core::health_run::{HealthIo, HealthRoute, HealthRun, Isolate};
use wandstore_protocol::store::ShowCatalogStatus;
use worker::Env;

/// Runs `what` with at most [`CHECK_TIMEOUT_MS`]: its answer (`None` if it took longer) and
/// how long it took.
async fn timed<T>(what: impl std::future::Future<Output = T>) -> (Option<T>, u64) {
    let started = now_ms();
    let answered = crate::deadline::within(CHECK_TIMEOUT_MS, what).await;
    (answered, now_ms().saturating_sub(started))
}

/// Asks one dependency.
async fn ask(env: &Env, dependency: Dependency, rid: &str) -> Result<(), String> {
    match dependency {
        Dependency::DurableObjects => {
            let listed = registry_client::slugs(env, rid).await;
            listed.map(drop).map_err(|e| e.for_log())
        }
        Dependency::Bucket(binding) => {
            let probed = async { env.bucket(binding)?.head("health/probe").await };
            probed.await.map(drop).map_err(|e| e.to_string())
        }
    }
}

/// Answers a health route: [`HealthRun`]'s checks, each run here, and its answer.
pub async fn answer(env: &Env, route: HealthRoute, rid: &str) -> Parts {
    // When this isolate started counting requests (for `uptime_ms`).
    let started = crate::isolate_metrics::snapshot().since_ms;
    let isolate = Isolate::from_vars(started, env!("CARGO_PKG_VERSION"), |name| secret(env, name));
    let mut run = HealthRun::new(route, isolate);
    loop {
        match run.poll(now_ms()) {
            HealthIo::Dependency(dependency) => {
                let (answered, took) = timed(ask(env, dependency, rid)).await;
                run.on_dependency(answered, took);
            }
            HealthIo::ListStores => run.on_stores(registry_client::slugs(env, rid).await),
            HealthIo::Catalogs(stores) => {
                let status = |store| store_client::ask(env, store, ShowCatalogStatus, rid);
                let asks = stores.iter().map(|store| timed(status(store)));
                run.on_catalogs(futures::future::join_all(asks).await, now_ms());
            }
            HealthIo::Answer(answer) => return answer.reply(),
        }
    }
}
