//! The AI Gateway's configuration from the Worker's environment. Unconfigured (no
//! `AI_GATEWAY_BASE_URL` or `AI_GATEWAY_ACCOUNT`) or malformed, personalization never calls a model and pages show
//! the baseline; a malformed value is logged once per isolate, never shown.

use std::cell::Cell;
use wandstore_ai::gateway::GatewayConfig;
use worker::Env;

const AI_GATEWAY_BASE_URL: &str = "AI_GATEWAY_BASE_URL";
const AI_GATEWAY_ACCOUNT: &str = "AI_GATEWAY_ACCOUNT";
const AI_GATEWAY_NAME: &str = "AI_GATEWAY_NAME";
const AI_OPENAI_MODEL: &str = "AI_OPENAI_MODEL";
const AI_OPENAI_TIMEOUT_MS: &str = "AI_OPENAI_TIMEOUT_MS";
const AI_ANTHROPIC_MODEL: &str = "AI_ANTHROPIC_MODEL";
const AI_ANTHROPIC_TIMEOUT_MS: &str = "AI_ANTHROPIC_TIMEOUT_MS";
/// Secrets: the authenticated gateway's token and the providers' keys (unless the gateway
/// stores them).
const AI_GATEWAY_TOKEN: &str = "AI_GATEWAY_TOKEN";
const OPENAI_API_KEY: &str = "OPENAI_API_KEY";
const ANTHROPIC_API_KEY: &str = "ANTHROPIC_API_KEY";

/// `GatewayConfig::parse`'s key for each environment name.
const KEYS: [(&str, &str); 10] = [
    ("base_url", AI_GATEWAY_BASE_URL),
    ("account", AI_GATEWAY_ACCOUNT),
    ("gateway", AI_GATEWAY_NAME),
    ("openai_model", AI_OPENAI_MODEL),
    ("openai_timeout_ms", AI_OPENAI_TIMEOUT_MS),
    ("anthropic_model", AI_ANTHROPIC_MODEL),
    ("anthropic_timeout_ms", AI_ANTHROPIC_TIMEOUT_MS),
    ("gateway_token", AI_GATEWAY_TOKEN),
    ("openai_key", OPENAI_API_KEY),
    ("anthropic_key", ANTHROPIC_API_KEY),
];

thread_local! {
    static WARNED: Cell<bool> = const { Cell::new(false) };
}

/// The gateway configuration, or `None` when personalization has no gateway here
/// (`GatewayConfig::from_env` decides).
pub fn gateway(env: &Env) -> Option<GatewayConfig> {
    let values: Vec<(&str, String)> = KEYS
        .iter()
        .filter_map(|(key, name)| crate::env_config::secret(env, name).map(|v| (*key, v)))
        .collect();
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    GatewayConfig::from_env(&pairs).unwrap_or_else(|e| {
        if !WARNED.with(|w| w.replace(true)) {
            worker::console_error!("AI Gateway configuration refused: {e}");
        }
        None
    })
}
