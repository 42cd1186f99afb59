//! Configuration read from the Worker's environment (wrangler.toml vars, `.dev.vars`,
//! `wrangler secret`): what the platform's routes need is `core::platform_env`'s, read once
//! per isolate; the StoreConfig objects' knobs are `core::tuning`'s.

use std::cell::OnceCell;
use std::rc::Rc;
use wandstore_core::platform_env::PlatformEnv;
pub use wandstore_core::tuning::Tuning;
use worker::Env;

thread_local! {
    static PLATFORM: OnceCell<Rc<PlatformEnv>> = const { OnceCell::new() };
}

/// A secret or a plain var of that name (`.dev.vars` values arrive as either).
pub fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
}

/// The platform's settings (read once per isolate): its cookie and CSRF keys, the admin
/// token, `BASE_DOMAIN` and whether this is local development.
pub fn platform(env: &Env) -> Rc<PlatformEnv> {
    PLATFORM.with(|cell| {
        let read = || Rc::new(PlatformEnv::from_vars(|name| secret(env, name)));
        cell.get_or_init(read).clone()
    })
}

/// Operational knobs from `[vars]` (see [`Tuning::from_vars`]).
pub fn tuning(env: &Env) -> Tuning {
    Tuning::from_vars(|name| env.var(name).ok().map(|v| v.to_string()))
}
