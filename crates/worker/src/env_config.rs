//! Configuration read from the Worker's environment (wrangler.toml vars, `.dev.vars`,
//! `wrangler secret`).

use wandstore_core::identity::{CookieSigner, WeakSecret};
use worker::Env;

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

/// The cookie signer, or why the deployment cannot sign cookies safely.
pub fn cookie_signer(env: &Env) -> Result<CookieSigner, WeakSecret> {
    let current = secret(env, COOKIE_SECRET).unwrap_or_default();
    let previous = secret(env, COOKIE_SECRET_PREVIOUS);
    let previous: Vec<&[u8]> = previous.iter().map(|s| s.as_bytes()).collect();
    CookieSigner::new(current.as_bytes(), &previous)
}
