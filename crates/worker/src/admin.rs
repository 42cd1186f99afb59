//! The platform admin API under `/admin/`: stores, their catalogs, themes, assets, owner
//! tokens and personalization, backups and restores, the isolate's metrics. Bearer
//! `ADMIN_TOKEN`; a store-owner token may use the owner routes of its own store only. Who
//! may run what, which body is read, which questions follow in which order and what each
//! answer or failure answers are `wandstore_protocol::admin_run::AdminRun`'s; here one
//! executor loop performs each step it asks for (the objects, the body, R2, the CSPRNG,
//! the log).

use crate::clock::now_ms;
use crate::entry::ClientHeaders;
use crate::objects::{STORE_CONFIG, STORE_REGISTRY, registry};
use crate::respond::Parts;
use crate::{backups_api, body, env_config, internal, random, store_assets};
use wandstore_core::routes::AdminRoute;
use wandstore_protocol::EdgeError;
use wandstore_protocol::admin_run::{AdminIo, AdminRun, Facts, Object};
use wandstore_protocol::wire::AskError;
use worker::{Env, web_sys};

/// Who `protocol::entry_run` let in (`wandstore_core::secret::admin_caller` decides).
pub use wandstore_core::secret::Caller;

/// Runs an admin route for a caller `protocol::entry_run` let in: each step [`AdminRun`] asks for,
/// its result fed back, until it answers.
pub async fn handle(
    req: web_sys::Request,
    url: &worker::Url,
    env: &Env,
    client: &ClientHeaders,
    route: AdminRoute<'_>,
    caller: Caller,
    rid: &str,
) -> Result<Parts, EdgeError> {
    let platform = env_config::platform(env);
    let facts = Facts::of(caller, url.as_str(), client, platform, now_ms(), rid);
    let mut run = AdminRun::new(route, facts);
    loop {
        match run.poll() {
            AdminIo::Ask(to, question) => run.on_reply(ask(env, &to, question, rid).await),
            AdminIo::ReadBody(kind) => run.on_body(body::read(&req, client, kind).await),
            AdminIo::Random => run.on_random(random::bytes::<32>().map_err(|e| e.to_string())),
            AdminIo::PutAsset(put) => run.on_put(store_assets::put(env, put).await),
            AdminIo::DeleteAsset(key) => run.on_deleted(store_assets::delete(env, &key).await),
            AdminIo::ListBackups { prefix, cursor } => {
                run.on_listed(backups_api::summaries(env, &prefix, cursor).await)
            }
            AdminIo::StartBackups(only, reason) => {
                run.on_started(crate::backup_cron::start_all(env, only, reason, rid).await)
            }
            AdminIo::IsolateMetrics => run.on_metrics(crate::isolate_metrics::snapshot()),
            AdminIo::Log(line) => worker::console_log!("{line}"),
            AdminIo::Answer(reply) => return Ok(reply.parts()),
            AdminIo::Failed(e) => return Err(e),
        }
    }
}

/// Posts an encoded question to the store's object or the registry: its reply's text, or
/// why the call broke.
pub(crate) async fn ask(
    env: &Env,
    to: &Object,
    question: String,
    rid: &str,
) -> Result<String, String> {
    let object = match to {
        Object::Store(store) => (STORE_CONFIG, store.as_str()),
        Object::Registry => (STORE_REGISTRY, registry::NAME),
    };
    let asked = internal::ask_text(env, object, question, rid).await;
    asked.map_err(AskError::reason)
}
