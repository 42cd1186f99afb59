//! The AI Gateway's configuration from the Worker's environment
//! (`wandstore_ai::gateway::GatewayConfig::from_vars` names the vars and secrets).
//! Unconfigured (no `AI_GATEWAY_BASE_URL` or `AI_GATEWAY_ACCOUNT`) or malformed,
//! personalization never calls a model and pages show the baseline; a malformed value is
//! logged once per isolate, never shown.

use std::cell::Cell;
use wandstore_ai::gateway::GatewayConfig;
use worker::Env;

thread_local! {
    static WARNED: Cell<bool> = const { Cell::new(false) };
}

/// The gateway configuration, or `None` when personalization has no gateway here.
pub fn gateway(env: &Env) -> Option<GatewayConfig> {
    let read = GatewayConfig::from_vars(|name| crate::env_config::secret(env, name));
    read.unwrap_or_else(|e| {
        if !WARNED.with(|w| w.replace(true)) {
            worker::console_error!("AI Gateway configuration refused: {e}");
        }
        None
    })
}
