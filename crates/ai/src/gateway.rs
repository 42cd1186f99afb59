//! Where and how the AI Gateway is called, parsed from plain strings (the shell reads them
//! from environment variables and secrets), so the local stack can point it at devshop.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The gateway's name unless configured.
pub const DEFAULT_GATEWAY: &str = "wandstore-ai";
/// Cloudflare's gateway host.
pub const DEFAULT_BASE_URL: &str = "https://gateway.ai.cloudflare.com";
/// The gateway keeps at most this many attempts (`cf-aig-max-attempts`).
pub const MAX_GATEWAY_ATTEMPTS: u32 = 5;
/// The gateway caches for at least this many seconds (`cf-aig-cache-ttl`).
pub const MIN_CACHE_TTL_S: u32 = 60;

/// The model providers, in fallback order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Provider {
    #[serde(rename = "openai")]
    OpenAi,
    #[serde(rename = "anthropic")]
    Anthropic,
}

impl Provider {
    /// OpenAI first, then Anthropic.
    pub const FALLBACK_ORDER: [Provider; 2] = [Provider::OpenAi, Provider::Anthropic];

    /// Stable name for logs, metrics and breaker keys (`openai`, `anthropic`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
        }
    }
}

/// One provider's model, timeout and key.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    pub model: String,
    /// Per-attempt timeout (`cf-aig-request-timeout` and the driver's timeout).
    pub timeout_ms: u32,
    /// The provider's API key; `None` when the gateway stores it (BYOK).
    pub api_key: Option<String>,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("model", &self.model)
            .field("timeout_ms", &self.timeout_ms)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Everything needed to address the gateway.
#[derive(Clone, PartialEq, Eq)]
pub struct GatewayConfig {
    /// Without a trailing slash, e.g. `https://gateway.ai.cloudflare.com`.
    pub base_url: String,
    pub account: String,
    pub gateway: String,
    /// The token of an authenticated gateway (`cf-aig-authorization: Bearer …`).
    pub gateway_token: Option<String>,
    pub openai: ProviderConfig,
    pub anthropic: ProviderConfig,
    /// `cf-aig-cache-ttl`, seconds (≥ 60).
    pub cache_ttl_s: u32,
    /// `cf-aig-max-attempts` (1–5).
    pub max_attempts: u32,
}

impl fmt::Debug for GatewayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatewayConfig")
            .field("base_url", &self.base_url)
            .field("account", &self.account)
            .field("gateway", &self.gateway)
            .field(
                "gateway_token",
                &self.gateway_token.as_ref().map(|_| "<redacted>"),
            )
            .field("openai", &self.openai)
            .field("anthropic", &self.anthropic)
            .field("cache_ttl_s", &self.cache_ttl_s)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

/// A configuration value that is missing or malformed (the value itself is not repeated:
/// it may be a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

impl std::error::Error for ConfigError {}

fn bad(key: &str, message: &str) -> ConfigError {
    ConfigError {
        key: key.to_string(),
        message: message.to_string(),
    }
}

impl GatewayConfig {
    /// The configuration from `(key, value)` pairs. Keys (the shell's env vars, lower case):
    ///
    /// | key | default | meaning |
    /// |---|---|---|
    /// | `base_url` | `https://gateway.ai.cloudflare.com` | http(s) URL, no query |
    /// | `account` | required | Cloudflare account id (letters, digits, `-`, `_`) |
    /// | `gateway` | `wandstore-ai` | gateway name (same alphabet) |
    /// | `gateway_token` | none | `cf-aig-authorization` token |
    /// | `openai_model` | `gpt-4o-mini` | |
    /// | `openai_key` | none (gateway stores keys) | |
    /// | `openai_timeout_ms` | `4000` | 100–60000 |
    /// | `anthropic_model` | `claude-3-5-haiku-latest` | |
    /// | `anthropic_key` | none | |
    /// | `anthropic_timeout_ms` | `6000` | 100–60000 |
    /// | `cache_ttl_s` | `3600` | ≥ 60 |
    /// | `max_attempts` | `2` | 1–5 |
    ///
    /// Empty values count as absent. Unknown keys are refused (a typo must not silently
    /// fall back to a default).
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<GatewayConfig, ConfigError> {
        let mut c = GatewayConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            account: String::new(),
            gateway: DEFAULT_GATEWAY.to_string(),
            gateway_token: None,
            openai: ProviderConfig {
                model: "gpt-4o-mini".to_string(),
                timeout_ms: 4_000,
                api_key: None,
            },
            anthropic: ProviderConfig {
                model: "claude-3-5-haiku-latest".to_string(),
                timeout_ms: 6_000,
                api_key: None,
            },
            cache_ttl_s: 3_600,
            max_attempts: 2,
        };
        for (key, raw) in pairs {
            let value = raw.trim();
            if value.is_empty() {
                continue;
            }
            match key {
                "base_url" => c.base_url = parse_base_url(value)?,
                "account" => c.account = parse_name(key, value)?,
                "gateway" => c.gateway = parse_name(key, value)?,
                "gateway_token" => c.gateway_token = Some(parse_secret(key, value)?),
                "openai_model" => c.openai.model = parse_model(key, value)?,
                "openai_key" => c.openai.api_key = Some(parse_secret(key, value)?),
                "openai_timeout_ms" => c.openai.timeout_ms = parse_num(key, value, 100, 60_000)?,
                "anthropic_model" => c.anthropic.model = parse_model(key, value)?,
                "anthropic_key" => c.anthropic.api_key = Some(parse_secret(key, value)?),
                "anthropic_timeout_ms" => {
                    c.anthropic.timeout_ms = parse_num(key, value, 100, 60_000)?
                }
                "cache_ttl_s" => c.cache_ttl_s = parse_num(key, value, MIN_CACHE_TTL_S, u32::MAX)?,
                "max_attempts" => c.max_attempts = parse_num(key, value, 1, MAX_GATEWAY_ATTEMPTS)?,
                _ => return Err(bad(key, "unknown setting")),
            }
        }
        if c.account.is_empty() {
            return Err(bad("account", "is required"));
        }
        Ok(c)
    }

    /// The configuration of a Worker's environment, given its non-empty `(key, value)`
    /// pairs: `Ok(None)` when personalization has no gateway here (no `account` or no
    /// `base_url`: pages show the baseline and no model is called), else [`Self::parse`].
    pub fn from_env<'a>(
        pairs: &[(&'a str, &'a str)],
    ) -> Result<Option<GatewayConfig>, ConfigError> {
        let has = |key: &str| pairs.iter().any(|(k, v)| *k == key && !v.trim().is_empty());
        if !has("account") || !has("base_url") {
            return Ok(None);
        }
        GatewayConfig::parse(pairs.iter().copied()).map(Some)
    }

    /// The configuration of a Worker's environment, each value read through `var` (a
    /// secret or a var of that name): [`Self::from_env`] of the ones set.
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<GatewayConfig>, ConfigError> {
        let values = [
            ("base_url", var("AI_GATEWAY_BASE_URL")),
            ("account", var("AI_GATEWAY_ACCOUNT")),
            ("gateway", var("AI_GATEWAY_NAME")),
            ("openai_model", var("AI_OPENAI_MODEL")),
            ("openai_timeout_ms", var("AI_OPENAI_TIMEOUT_MS")),
            ("anthropic_model", var("AI_ANTHROPIC_MODEL")),
            ("anthropic_timeout_ms", var("AI_ANTHROPIC_TIMEOUT_MS")),
            // Secrets: the authenticated gateway's token and the providers' keys (unless
            // the gateway stores them).
            ("gateway_token", var("AI_GATEWAY_TOKEN")),
            ("openai_key", var("OPENAI_API_KEY")),
            ("anthropic_key", var("ANTHROPIC_API_KEY")),
        ];
        let pairs: Vec<(&str, &str)> = values
            .iter()
            .filter_map(|(key, value)| value.as_deref().map(|v| (*key, v)))
            .collect();
        GatewayConfig::from_env(&pairs)
    }

    /// One provider's settings.
    pub fn provider(&self, p: Provider) -> &ProviderConfig {
        match p {
            Provider::OpenAi => &self.openai,
            Provider::Anthropic => &self.anthropic,
        }
    }

    /// The provider path on the gateway:
    /// `{base}/v1/{account}/{gateway}/openai/chat/completions` or
    /// `{base}/v1/{account}/{gateway}/anthropic/v1/messages`.
    pub fn url(&self, p: Provider) -> String {
        let tail = match p {
            Provider::OpenAi => "openai/chat/completions",
            Provider::Anthropic => "anthropic/v1/messages",
        };
        format!(
            "{}/v1/{}/{}/{}",
            self.base_url, self.account, self.gateway, tail
        )
    }
}

fn parse_base_url(v: &str) -> Result<String, ConfigError> {
    let v = v.trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .ok_or_else(|| bad("base_url", "must start with https:// or http://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty()
        || v.contains(['?', '#', ' ', '@'])
        || !v.chars().all(|c| c.is_ascii_graphic())
    {
        return Err(bad(
            "base_url",
            "must be a plain http(s) URL without query or user info",
        ));
    }
    Ok(v.to_string())
}

fn parse_name(key: &str, v: &str) -> Result<String, ConfigError> {
    let ok = v.len() <= 64
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(v.to_string())
    } else {
        Err(bad(key, "must be 1–64 letters, digits, - or _"))
    }
}

fn parse_model(key: &str, v: &str) -> Result<String, ConfigError> {
    let ok = v.len() <= 128
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/' | '@'));
    if ok {
        Ok(v.to_string())
    } else {
        Err(bad(key, "is not a model name"))
    }
}

fn parse_secret(key: &str, v: &str) -> Result<String, ConfigError> {
    if v.len() <= 512 && v.chars().all(|c| c.is_ascii_graphic()) {
        Ok(v.to_string())
    } else {
        Err(bad(key, "must be printable ASCII without spaces"))
    }
}

fn parse_num(key: &str, v: &str, min: u32, max: u32) -> Result<u32, ConfigError> {
    match v.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(
            key,
            &format!("must be a whole number from {min} to {max}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_environment_without_account_or_base_url_has_no_gateway() {
        for pairs in [
            &[][..],
            &[("account", "acct")][..],
            &[("base_url", "http://gw")][..],
            &[("account", " "), ("base_url", "http://gw")][..],
            &[("account", "acct"), ("base_url", "")][..],
        ] {
            assert_eq!(
                GatewayConfig::from_env(pairs).map(|c| c.is_some()),
                Ok(false),
                "{pairs:?}"
            );
        }
        let both = [("account", "acct"), ("base_url", "http://gw")];
        let config = GatewayConfig::from_env(&both).unwrap().unwrap();
        assert_eq!(config.account, "acct");
        let bad = [
            ("account", "acct"),
            ("base_url", "ftp://gw"),
            ("openai_key", "sk-1"),
        ];
        let e = GatewayConfig::from_env(&bad).unwrap_err();
        assert_eq!(e.key, "base_url");
        assert!(!e.to_string().contains("sk-1"));
    }

    #[test]
    fn defaults_and_urls() {
        let c = GatewayConfig::parse([("account", "acc123")]).unwrap();
        assert_eq!(c.gateway, "wandstore-ai");
        assert_eq!(
            c.url(Provider::OpenAi),
            "https://gateway.ai.cloudflare.com/v1/acc123/wandstore-ai/openai/chat/completions"
        );
        assert_eq!(
            c.url(Provider::Anthropic),
            "https://gateway.ai.cloudflare.com/v1/acc123/wandstore-ai/anthropic/v1/messages"
        );
        assert_eq!((c.cache_ttl_s, c.max_attempts), (3600, 2));
        assert!(c.openai.api_key.is_none());
    }

    #[test]
    fn everything_is_configurable_for_the_local_stack() {
        let c = GatewayConfig::parse([
            ("base_url", "http://127.0.0.1:8788/"),
            ("account", "dev"),
            ("gateway", "gw_2"),
            ("gateway_token", "gwtok"),
            ("openai_model", "gpt-4.1-mini"),
            ("openai_key", "sk-1"),
            ("openai_timeout_ms", "1500"),
            ("anthropic_model", "claude-haiku-4-5"),
            ("anthropic_key", "ak-1"),
            ("anthropic_timeout_ms", "2500"),
            ("cache_ttl_s", "60"),
            ("max_attempts", "5"),
            ("openai_key", ""),
        ])
        .unwrap();
        assert_eq!(
            c.url(Provider::OpenAi),
            "http://127.0.0.1:8788/v1/dev/gw_2/openai/chat/completions"
        );
        assert_eq!(c.provider(Provider::Anthropic).timeout_ms, 2500);
        assert_eq!(c.openai.api_key.as_deref(), Some("sk-1"));
        assert_eq!(c.anthropic.model, "claude-haiku-4-5");
        let shown = format!("{c:?}");
        assert!(!shown.contains("sk-1") && !shown.contains("gwtok") && !shown.contains("ak-1"));
    }

    #[test]
    fn bad_values_name_their_key_and_not_their_value() {
        let cases: &[(&str, &str)] = &[
            ("base_url", "ftp://x"),
            ("base_url", "https://x/?q=1"),
            ("base_url", "https://user@x"),
            ("account", "a/b"),
            ("gateway", "../x"),
            ("openai_timeout_ms", "50"),
            ("anthropic_timeout_ms", "abc"),
            ("cache_ttl_s", "59"),
            ("max_attempts", "6"),
            ("max_attempts", "0"),
            ("openai_key", "has space"),
            ("openai_model", "gpt 4"),
            ("opneai_key", "typo"),
        ];
        for (k, v) in cases {
            let e = GatewayConfig::parse([("account", "a"), (*k, *v)]).unwrap_err();
            assert_eq!(e.key, *k, "{k}={v}");
            assert!(!e.to_string().contains(v), "{e}");
        }
        assert_eq!(GatewayConfig::parse([]).unwrap_err().key, "account");
    }

    /// An environment of these names and values.
    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        let vars: std::collections::HashMap<_, _> = pairs.iter().copied().collect();
        move |name| vars.get(name).map(|v| v.to_string())
    }

    #[test]
    fn the_environment_names_map_to_their_keys() {
        assert_eq!(GatewayConfig::from_vars(env(&[])), Ok(None));
        let vars = env(&[
            ("AI_GATEWAY_BASE_URL", "https://gw.example"),
            ("AI_GATEWAY_ACCOUNT", "acct"),
            ("AI_GATEWAY_NAME", "shop-gw"),
            ("AI_OPENAI_TIMEOUT_MS", "1234"),
            ("OPENAI_API_KEY", "sk-test"),
        ]);
        let config = GatewayConfig::from_vars(vars).unwrap().unwrap();
        assert_eq!(
            (config.account.as_str(), config.gateway.as_str()),
            ("acct", "shop-gw")
        );
        assert_eq!(config.openai.timeout_ms, 1234);
        assert_eq!(config.openai.api_key.as_deref(), Some("sk-test"));
    }

    #[test]
    fn a_malformed_environment_value_is_refused_and_an_empty_one_ignored() {
        let bad = env(&[
            ("AI_GATEWAY_BASE_URL", "ftp://gw"),
            ("AI_GATEWAY_ACCOUNT", "acct"),
        ]);
        assert!(GatewayConfig::from_vars(bad).is_err());
        let empty = env(&[("AI_GATEWAY_BASE_URL", " "), ("AI_GATEWAY_ACCOUNT", "acct")]);
        assert_eq!(GatewayConfig::from_vars(empty), Ok(None));
    }
}
