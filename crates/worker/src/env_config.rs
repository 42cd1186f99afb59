//! Configuration read from the Worker's environment (wrangler.toml vars, `.dev.vars`,
//! `wrangler secret`).

use wandstore_core::breaker::BreakerConfig;
use wandstore_core::catalog_index::{FRESH_FOR_MS, SYNC_PRODUCT_CAP};
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

/// The platform admin token (`wrangler secret put ADMIN_TOKEN`); the admin API is disabled
/// without one, and refuses tokens shorter than 32 bytes to be set.
pub fn admin_token(env: &Env) -> Option<String> {
    secret(env, ADMIN_TOKEN).filter(|t| t.len() >= MIN_ADMIN_TOKEN_LEN)
}

pub const ADMIN_TOKEN: &str = "ADMIN_TOKEN";
pub const MIN_ADMIN_TOKEN_LEN: usize = 32;

/// `BASE_DOMAIN` from `[vars]`: stores answer at `{slug}.{BASE_DOMAIN}`.
pub fn base_domain(env: &Env) -> String {
    env.var("BASE_DOMAIN")
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// Operational knobs from `[vars]`, with production defaults.
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    /// The upstream circuit breaker (`UPSTREAM_BREAKER_OPEN_SECS`, default 60).
    pub breaker: BreakerConfig,
    /// How long a synced catalog is fresh (`CATALOG_FRESH_SECS`, default 300).
    pub catalog_fresh_ms: u64,
    /// The most products one sync fetches (`CATALOG_SYNC_CAP`, default 5,000).
    pub sync_product_cap: usize,
}

/// Reads the knobs; a missing or unparsable value takes the default.
pub fn tuning(env: &Env) -> Tuning {
    let secs = |name: &str| -> Option<u64> {
        env.var(name)
            .ok()
            .and_then(|v| v.to_string().trim().parse::<u64>().ok())
            .map(|s| s.saturating_mul(1000))
    };
    let defaults = BreakerConfig::default();
    Tuning {
        breaker: BreakerConfig {
            open_ms: secs("UPSTREAM_BREAKER_OPEN_SECS").unwrap_or(defaults.open_ms),
            ..defaults
        },
        catalog_fresh_ms: secs("CATALOG_FRESH_SECS").unwrap_or(FRESH_FOR_MS),
        sync_product_cap: env
            .var("CATALOG_SYNC_CAP")
            .ok()
            .and_then(|v| v.to_string().trim().parse::<usize>().ok())
            .filter(|n| *n >= 1)
            .unwrap_or(SYNC_PRODUCT_CAP),
    }
}

/// The secret that signs CSRF tokens: the cookie secret (the tokens are domain-separated
/// from cookies inside `core::csrf`). `None` if it is missing or too short.
pub fn csrf_secret(env: &Env) -> Option<Vec<u8>> {
    secret(env, COOKIE_SECRET)
        .filter(|s| s.len() >= wandstore_core::identity::MIN_SECRET_LEN)
        .map(String::into_bytes)
}
