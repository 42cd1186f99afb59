//! Configuration read from the Worker's environment (wrangler.toml vars, `.dev.vars`,
//! `wrangler secret`).

//!
//! What every request reads (the cookie signer, whether this is development) is read once per
//! isolate: an isolate runs one deployment version, and a new secret or var is a new version.

use std::cell::OnceCell;
use std::rc::Rc;
use wandstore_core::identity::{CookieSigner, WeakSecret};
pub use wandstore_core::tuning::Tuning;
use worker::Env;

thread_local! {
    static SIGNER: OnceCell<Result<Rc<CookieSigner>, WeakSecret>> = const { OnceCell::new() };
    static DEVELOPMENT: OnceCell<bool> = const { OnceCell::new() };
    static BASE_DOMAIN: OnceCell<String> = const { OnceCell::new() };
}

/// The secret that signs shopper cookies (`wrangler secret put SHOPPER_COOKIE_SECRET`).
pub const COOKIE_SECRET: &str = "SHOPPER_COOKIE_SECRET";
/// Optional: the secret being rotated out, still accepted for verification.
pub const COOKIE_SECRET_PREVIOUS: &str = "SHOPPER_COOKIE_SECRET_PREVIOUS";

/// A secret or a plain var of that name (`.dev.vars` values arrive as either).
fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|s| !s.is_empty())
}

/// The cookie signer, or why the deployment cannot sign cookies safely (read once per
/// isolate).
pub fn cookie_signer(env: &Env) -> Result<Rc<CookieSigner>, WeakSecret> {
    SIGNER.with(|cell| {
        cell.get_or_init(|| read_cookie_signer(env).map(Rc::new))
            .clone()
    })
}

fn read_cookie_signer(env: &Env) -> Result<CookieSigner, WeakSecret> {
    let current = secret(env, COOKIE_SECRET).unwrap_or_default();
    let previous = secret(env, COOKIE_SECRET_PREVIOUS);
    let previous: Vec<&[u8]> = previous.iter().map(|s| s.as_bytes()).collect();
    CookieSigner::new(current.as_bytes(), &previous)
}

/// The platform admin token (`wrangler secret put ADMIN_TOKEN`); the admin API is disabled
/// without one, and refuses tokens shorter than 32 bytes to be set.
pub fn admin_token(env: &Env) -> Option<String> {
    secret(env, ADMIN_TOKEN).filter(|t| t.len() >= MIN_ADMIN_TOKEN_LEN)
}

pub const ADMIN_TOKEN: &str = "ADMIN_TOKEN";
pub const MIN_ADMIN_TOKEN_LEN: usize = 32;

/// `BASE_DOMAIN` from `[vars]`: stores answer at `{slug}.{BASE_DOMAIN}` (read once per
/// isolate).
pub fn base_domain(env: &Env) -> String {
    BASE_DOMAIN.with(|cell| {
        cell.get_or_init(|| {
            env.var("BASE_DOMAIN")
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .clone()
    })
}

/// Operational knobs from `[vars]` (see [`Tuning::from_vars`]).
pub fn tuning(env: &Env) -> Tuning {
    Tuning::from_vars(|name| env.var(name).ok().map(|v| v.to_string()))
}

/// The secret that signs CSRF tokens: the cookie secret (the tokens are domain-separated
/// from cookies inside `core::csrf`). `None` if it is missing or too short.
pub fn csrf_secret(env: &Env) -> Option<Vec<u8>> {
    secret(env, COOKIE_SECRET)
        .filter(|s| s.len() >= wandstore_core::identity::MIN_SECRET_LEN)
        .map(String::into_bytes)
}

/// Whether this deployment is local development (`ENVIRONMENT = "development"`), read once
/// per isolate.
pub fn is_development(env: &Env) -> bool {
    DEVELOPMENT.with(|cell| {
        *cell.get_or_init(|| {
            env.var("ENVIRONMENT")
                .map(|v| v.to_string() == "development")
                .unwrap_or(false)
        })
    })
}
