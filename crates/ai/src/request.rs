//! The AI Gateway request for one provider: URL, body (structured output with the candidate
//! ids as an enum) and the gateway headers, as an [`HttpRequest`] value.
//!
//! Headers (names lower-case):
//!
//! | header | value |
//! |---|---|
//! | `content-type` | `application/json` |
//! | `cf-aig-authorization` | `Bearer {gateway_token}`, when the gateway is authenticated |
//! | `authorization` | `Bearer {openai_key}` (OpenAI), unless the gateway stores the key |
//! | `x-api-key`, `anthropic-version` | the Anthropic key and `2023-06-01` (Anthropic), the key unless the gateway stores it |
//! | `cf-aig-request-timeout` | the provider's timeout, ms |
//! | `cf-aig-max-attempts` | the configured attempts (1–5) |
//! | `cf-aig-cache-ttl` | the configured TTL, s (≥ 60) |
//! | `cf-aig-cache-key` | [`cache_key`]: store + segment + candidate-set hash (+ provider, brand voice, prompt version) |
//! | `cf-aig-metadata` | JSON with 4 entries: `store`, `feature`, `segment`, `provider` |
//! | `cf-aig-event-id` | the request id |
//!
//! Nothing personal is sent: no shopper id, IP or email appears in a header or the body.

use crate::gateway::{GatewayConfig, Provider};
use crate::prompt::Prompt;
use serde_json::{Value, json};
use wandstore_core::breaker::BreakerConfig;
use wandstore_core::guarded::RetryPolicy;
use wandstore_core::http::{HttpRequest, Method};

/// Bumped when the prompt or the answer format changes, so cached answers are not reused.
pub const PROMPT_VERSION: &str = "p1";
/// The `feature` metadata entry.
pub const FEATURE: &str = "recommendations";
/// `anthropic-version`.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// The tool Anthropic is made to call with its answer.
pub const ANTHROPIC_TOOL: &str = "recommend";
/// The name of the OpenAI JSON schema.
pub const OPENAI_SCHEMA_NAME: &str = "recommendations";
/// Output token cap for both providers.
pub const MAX_OUTPUT_TOKENS: u32 = 400;

/// What identifies one refresh, none of it personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallContext {
    /// The store slug.
    pub store: String,
    /// [`crate::profile::Profile::segment`].
    pub segment: String,
    /// [`crate::candidates::CandidateSet::hash`].
    pub candidate_hash: String,
    /// The request id of the page request that scheduled the refresh (`cf-aig-event-id`).
    pub request_id: String,
    /// The brand voice the prompt was built with (only its hash goes into the cache key).
    pub brand_voice: String,
}

/// Keeps `[A-Za-z0-9._-]`, at most 64 characters: safe in a header and a JSON value.
fn token(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(64)
        .collect()
}

/// `cf-aig-cache-key`: `wsai-{version}-{provider}-{store}-{segment}-{hash}`, where `hash`
/// covers the candidate set and the brand voice. Shoppers of one store in one segment who
/// see the same candidates share the gateway's cached answer.
pub fn cache_key(ctx: &CallContext, provider: Provider) -> String {
    let h = crate::hash::hex_of(&[&ctx.candidate_hash, &ctx.brand_voice], 16);
    format!(
        "wsai-{PROMPT_VERSION}-{}-{}-{}-{h}",
        provider.as_str(),
        token(&ctx.store),
        token(&ctx.segment),
    )
}

/// `cf-aig-metadata`: `{"store":…,"feature":"recommendations","segment":…,"provider":…}`
/// (4 of the gateway's 5 entries; never a shopper id, IP or email).
pub fn metadata(ctx: &CallContext, provider: Provider) -> Value {
    json!({
        "store": token(&ctx.store),
        "feature": FEATURE,
        "segment": token(&ctx.segment),
        "provider": provider.as_str(),
    })
}

/// How long the driver waits for a whole answer: every gateway attempt's timeout, plus a
/// second.
pub fn driver_timeout_ms(config: &GatewayConfig, provider: Provider) -> u32 {
    config
        .provider(provider)
        .timeout_ms
        .saturating_mul(config.max_attempts.max(1))
        .saturating_add(1_000)
}

/// The guarded call's policy for a provider: 2 attempts (the gateway retries inside each),
/// short backoff, `Retry-After` up to 2 s, the driver timeout per attempt. Refreshes run in
/// the background, so these never delay a page.
pub fn retry_policy(config: &GatewayConfig, provider: Provider) -> RetryPolicy {
    RetryPolicy {
        max_attempts: 2,
        base_delay_ms: 200,
        max_delay_ms: 1_000,
        max_retry_after_ms: 2_000,
        attempt_timeout_ms: u64::from(driver_timeout_ms(config, provider)),
    }
}

/// The breaker of each provider: 3 failures open it for 60 s; one probe success closes it.
pub fn breaker_config() -> BreakerConfig {
    BreakerConfig {
        failure_threshold: 3,
        open_ms: 60_000,
        success_threshold: 1,
        probe_timeout_ms: 30_000,
    }
}

/// The request to `provider` for `prompt`.
pub fn build(
    config: &GatewayConfig,
    provider: Provider,
    ctx: &CallContext,
    prompt: &Prompt,
) -> HttpRequest {
    let p = config.provider(provider);
    let mut headers: Vec<(String, String)> =
        vec![("content-type".into(), "application/json".into())];
    if let Some(t) = &config.gateway_token {
        headers.push(("cf-aig-authorization".into(), format!("Bearer {t}")));
    }
    let body = match provider {
        Provider::OpenAi => {
            if let Some(k) = &p.api_key {
                headers.push(("authorization".into(), format!("Bearer {k}")));
            }
            json!({
                "model": p.model,
                "messages": [
                    { "role": "system", "content": prompt.system },
                    { "role": "user", "content": prompt.user }
                ],
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {
                        "name": OPENAI_SCHEMA_NAME,
                        "strict": true,
                        "schema": prompt.output_schema()
                    }
                },
                "max_completion_tokens": MAX_OUTPUT_TOKENS,
                "temperature": 0.2
            })
        }
        Provider::Anthropic => {
            if let Some(k) = &p.api_key {
                headers.push(("x-api-key".into(), k.clone()));
            }
            headers.push(("anthropic-version".into(), ANTHROPIC_VERSION.into()));
            json!({
                "model": p.model,
                "max_tokens": MAX_OUTPUT_TOKENS,
                "system": prompt.system,
                "messages": [ { "role": "user", "content": prompt.user } ],
                "tools": [{
                    "name": ANTHROPIC_TOOL,
                    "description": "Return the chosen candidate ids, best first, and one headline.",
                    "input_schema": prompt.output_schema()
                }],
                "tool_choice": { "type": "tool", "name": ANTHROPIC_TOOL },
                "temperature": 0.2
            })
        }
    };
    headers.extend([
        ("cf-aig-request-timeout".into(), p.timeout_ms.to_string()),
        (
            "cf-aig-max-attempts".into(),
            config.max_attempts.to_string(),
        ),
        ("cf-aig-cache-ttl".into(), config.cache_ttl_s.to_string()),
        ("cf-aig-cache-key".into(), cache_key(ctx, provider)),
        (
            "cf-aig-metadata".into(),
            metadata(ctx, provider).to_string(),
        ),
        ("cf-aig-event-id".into(), token(&ctx.request_id)),
    ]);
    HttpRequest {
        method: Method::Post,
        url: config.url(provider),
        headers,
        body: body.to_string().into_bytes(),
        timeout_ms: driver_timeout_ms(config, provider),
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
