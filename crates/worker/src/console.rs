//! The owner console on the platform host (`/console`): server-rendered pages that work
//! without JavaScript. Sign in with the store's slug and owner token (an exact per-client
//! limit, failing closed), then edit the draft theme through forms, see it in a preview
//! frame, publish, roll back, upload images, sign out. Every form carries a CSRF token
//! (`core::console`); every request's session is checked with the store's object.
//!
//! What a request does, in which order, and what it answers (the page with what it shows,
//! the redirect, the cookies) is `wandstore_protocol::console_driver::ConsoleDriver`'s; here
//! one executor loop performs each step it asks for (the limiter, the body, the store's
//! object, R2, the CSPRNG) and renders its answer. Errors a browser causes are pages (4xx),
//! never a 5xx.

use crate::clock::now_ms;
use crate::entry::ClientHeaders;
use crate::objects::guard_client;
use crate::{body, env_config, random};
use wandstore_core::log::RequestLog;
use wandstore_core::routes::ConsoleRoute;
use wandstore_protocol::EdgeError;
use wandstore_protocol::admin_run::Object;
use wandstore_protocol::console_driver::{Answer, ConsoleDriver, ConsoleKeys, Facts, Io};
use wandstore_render::console_reply::{Reply, console_reply};
use worker::{Env, web_sys};

/// Answers a console route: each step the request's driver asks for, its result fed back,
/// until it answers. Never fails: errors become pages and log notes (`console_reply`).
pub async fn handle(
    req: web_sys::Request,
    url: &worker::Url,
    env: &Env,
    client: &ClientHeaders,
    route: ConsoleRoute,
    rid: &str,
    log: &mut RequestLog,
) -> Reply {
    let platform = env_config::platform(env);
    let answered = async {
        let keys = ConsoleKeys::of(platform.signer.clone(), platform.csrf.clone())?;
        let limit = platform.sign_in_limit;
        let facts = Facts::of(route, url.to_string(), client, limit, now_ms());
        let mut driver = ConsoleDriver::new(facts, keys);
        loop {
            match driver.poll() {
                Io::CountSignIn(c) => {
                    let (key, attempts, window) = (&c.key, c.attempts, c.window_ms);
                    let counted = guard_client::count(env, key, attempts, window, rid).await;
                    driver.on_counted(counted, log);
                }
                Io::ReadBody(kind) => driver.on_body(body::read(&req, client, kind).await),
                Io::Ask(store, question) => {
                    let reply = crate::admin::ask(env, &Object::Store(store), question, rid).await;
                    driver.on_reply(reply, log);
                }
                Io::PutAsset(put) => driver.on_put(crate::store_assets::put(env, put).await),
                Io::Random => driver.on_random(random::bytes::<16>()),
                Io::Answer(answer) => return Ok::<Answer, EdgeError>(answer),
                Io::Failed(e) => return Err(e),
            }
        }
    };
    console_reply(answered.await, log)
}
