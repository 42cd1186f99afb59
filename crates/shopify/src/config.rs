//! Per-store connection settings: which shop, which API version, which token.
//!
//! A [`ShopConfig`] is validated once, when it is built; everything after that can rely on a
//! well-formed endpoint and a header-safe token. Neither `Debug` nor `Display` of a config or
//! a token ever shows the token.

use std::fmt;
use std::net::IpAddr;
use wandstore_core::host::Host;

/// The Storefront API version used when a store does not choose one.
pub const DEFAULT_API_VERSION: &str = "2025-07";

/// How long a Storefront request may take before the driver gives up.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// A Storefront API access token.
///
/// `Private` tokens are for server-to-server calls (sent as
/// `Shopify-Storefront-Private-Token`, ideally with the buyer's IP); `Public` tokens are the
/// ones meant for browsers (sent as `X-Shopify-Storefront-Access-Token`).
#[derive(Clone, PartialEq, Eq)]
pub enum Token {
    Private(String),
    Public(String),
}

impl Token {
    /// "private" or "public".
    pub fn kind(&self) -> &'static str {
        match self {
            Token::Private(_) => "private",
            Token::Public(_) => "public",
        }
    }

    pub(crate) fn secret(&self) -> &str {
        match self {
            Token::Private(s) | Token::Public(s) => s,
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Private(_) => f.write_str("Token::Private(<redacted>)"),
            Token::Public(_) => f.write_str("Token::Public(<redacted>)"),
        }
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} token <redacted>", self.kind())
    }
}

/// Why a store's Shopify settings were refused. Messages are meant for the store owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The shop domain is not a host name, a shop name, or a loopback `http://` address.
    Domain(String),
    /// The API version is not `YYYY-MM` with a quarterly month, nor `unstable`.
    ApiVersion(String),
    /// The token is empty, too long, or has characters a header cannot carry.
    Token,
    /// The buyer IP is not an IPv4 or IPv6 address.
    BuyerIp(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Domain(d) => write!(
                f,
                "{d:?} is not a Shopify shop domain: give \"your-shop\", \"your-shop.myshopify.com\", \
                 a custom domain such as \"shop.example.com\", or an http://127.0.0.1:PORT or \
                 http://localhost:PORT address for local development"
            ),
            ConfigError::ApiVersion(v) => write!(
                f,
                "{v:?} is not a Storefront API version: use YYYY-MM with month 01, 04, 07 or 10 \
                 (e.g. {DEFAULT_API_VERSION:?}) or \"unstable\""
            ),
            ConfigError::Token => f.write_str(
                "the Storefront token must be 1 to 256 visible ASCII characters (it is not shown here)",
            ),
            ConfigError::BuyerIp(ip) => write!(f, "{ip:?} is not an IP address"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A validated Storefront API version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiVersion(String);

impl ApiVersion {
    /// Accepts `YYYY-MM` where MM is 01, 04, 07 or 10 (Shopify releases quarterly), or
    /// `unstable`.
    pub fn parse(raw: &str) -> Result<ApiVersion, ConfigError> {
        let bad = || ConfigError::ApiVersion(raw.to_owned());
        if raw == "unstable" {
            return Ok(ApiVersion(raw.to_owned()));
        }
        let (year, month) = raw.split_once('-').ok_or_else(bad)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) || !year.starts_with("20") {
            return Err(bad());
        }
        if !matches!(month, "01" | "04" | "07" | "10") {
            return Err(bad());
        }
        Ok(ApiVersion(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ApiVersion {
    fn default() -> Self {
        ApiVersion(DEFAULT_API_VERSION.to_owned())
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where and how to reach one store's Shopify Storefront API.
#[derive(Clone, PartialEq, Eq)]
pub struct ShopConfig {
    /// `https://host` or `http://127.0.0.1:PORT`, without a trailing slash.
    base: String,
    api_version: ApiVersion,
    token: Token,
    buyer_ip: Option<IpAddr>,
    timeout_ms: u32,
}

impl ShopConfig {
    /// Builds a config with the default API version and timeout.
    ///
    /// `domain` may be:
    /// - a shop name, `"my-shop"` → `https://my-shop.myshopify.com`;
    /// - a host, `"my-shop.myshopify.com"` or `"shop.example.com"` → `https://` that host
    ///   (an `https://` prefix and a trailing `/` are tolerated);
    /// - for local development only, `http://127.0.0.1:PORT`, `http://localhost:PORT` or
    ///   `http://[::1]:PORT`, used as is. `http://` is refused for every other host.
    pub fn new(domain: &str, token: Token) -> Result<ShopConfig, ConfigError> {
        let base = parse_base(domain)?;
        let secret = token.secret();
        if secret.is_empty() || secret.len() > 256 || !secret.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(ConfigError::Token);
        }
        Ok(ShopConfig {
            base,
            api_version: ApiVersion::default(),
            token,
            buyer_ip: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
        })
    }

    /// Uses another API version (validated).
    pub fn with_api_version(mut self, version: &str) -> Result<ShopConfig, ConfigError> {
        self.api_version = ApiVersion::parse(version)?;
        Ok(self)
    }

    /// The shopper's IP, sent as `Shopify-Storefront-Buyer-IP` with private tokens so Shopify's
    /// bot protection judges the shopper rather than the Worker. Ignored for public tokens.
    pub fn with_buyer_ip(mut self, ip: &str) -> Result<ShopConfig, ConfigError> {
        let parsed = ip
            .trim()
            .parse::<IpAddr>()
            .map_err(|_| ConfigError::BuyerIp(ip.to_owned()))?;
        self.buyer_ip = Some(parsed);
        Ok(self)
    }

    /// Drops the buyer IP (background sync has no buyer).
    pub fn without_buyer_ip(mut self) -> ShopConfig {
        self.buyer_ip = None;
        self
    }

    /// Per-request timeout handed to the driver (at least 1 ms).
    pub fn with_timeout_ms(mut self, timeout_ms: u32) -> ShopConfig {
        self.timeout_ms = timeout_ms.max(1);
        self
    }

    /// `{base}/api/{version}/graphql.json`.
    pub fn endpoint(&self) -> String {
        format!("{}/api/{}/graphql.json", self.base, self.api_version)
    }

    /// `https://host` or the loopback `http://` base.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// True for a local development upstream (plain http on a loopback host).
    pub fn is_loopback(&self) -> bool {
        self.base.starts_with("http://")
    }

    pub fn api_version(&self) -> &ApiVersion {
        &self.api_version
    }

    pub fn token(&self) -> &Token {
        &self.token
    }

    pub fn buyer_ip(&self) -> Option<IpAddr> {
        self.buyer_ip
    }

    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }

    /// The request headers, names in lower case. Contains the token: never log these.
    pub(crate) fn headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("accept".to_owned(), "application/json".to_owned()),
        ];
        match &self.token {
            Token::Private(secret) => {
                headers.push((
                    "shopify-storefront-private-token".to_owned(),
                    secret.clone(),
                ));
                if let Some(ip) = self.buyer_ip {
                    headers.push(("shopify-storefront-buyer-ip".to_owned(), ip.to_string()));
                }
            }
            Token::Public(secret) => {
                headers.push((
                    "x-shopify-storefront-access-token".to_owned(),
                    secret.clone(),
                ));
            }
        }
        headers
    }
}

impl fmt::Debug for ShopConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShopConfig")
            .field("endpoint", &self.endpoint())
            .field("token", &self.token)
            .field("buyer_ip", &self.buyer_ip)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

impl fmt::Display for ShopConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} token)", self.endpoint(), self.token.kind())
    }
}

fn parse_base(domain: &str) -> Result<String, ConfigError> {
    let bad = || ConfigError::Domain(domain.to_owned());
    let raw = domain.trim();
    let lower = raw.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("http://") {
        let host_port = rest.strip_suffix('/').unwrap_or(rest);
        return if is_loopback_host_port(host_port) {
            Ok(format!("http://{host_port}"))
        } else {
            Err(bad())
        };
    }
    let host = lower.strip_prefix("https://").unwrap_or(&lower);
    let host = host.strip_suffix('/').unwrap_or(host);
    // A shop is a public name (`shop.example.com`) or a bare myshopify handle (`shop`); never
    // an IP address in any spelling, never an internal name.
    match Host::parse(host) {
        Ok(Host::Name(name)) if !name.contains('.') && name != "localhost" => {
            Ok(format!("https://{name}.myshopify.com"))
        }
        Ok(Host::Name(_)) => Host::public_name(host)
            .map(|name| format!("https://{name}"))
            .map_err(|_| bad()),
        _ => Err(bad()),
    }
}

fn is_loopback_host_port(host_port: &str) -> bool {
    let (host, port) = match host_port.strip_prefix("[::1]") {
        Some("") => ("[::1]", None),
        Some(rest) => match rest.strip_prefix(':') {
            Some(p) => ("[::1]", Some(p)),
            None => return false,
        },
        None => match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        },
    };
    let port_ok = port.is_none_or(|p| {
        p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    let host_ok = host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    host_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn private() -> Token {
        Token::Private("shpss_secret123".into())
    }

    #[test]
    fn domains_map_to_endpoints() {
        let table = [
            (
                "my-shop",
                "https://my-shop.myshopify.com/api/2025-07/graphql.json",
            ),
            (
                "My-Shop.myshopify.com",
                "https://my-shop.myshopify.com/api/2025-07/graphql.json",
            ),
            (
                "https://my-shop.myshopify.com/",
                "https://my-shop.myshopify.com/api/2025-07/graphql.json",
            ),
            (
                "shop.example.com",
                "https://shop.example.com/api/2025-07/graphql.json",
            ),
            (
                "http://127.0.0.1:8787",
                "http://127.0.0.1:8787/api/2025-07/graphql.json",
            ),
            (
                "http://localhost:9000/",
                "http://localhost:9000/api/2025-07/graphql.json",
            ),
            (
                "http://[::1]:9000",
                "http://[::1]:9000/api/2025-07/graphql.json",
            ),
            (
                " http://127.0.0.2:1 ",
                "http://127.0.0.2:1/api/2025-07/graphql.json",
            ),
        ];
        for (domain, endpoint) in table {
            let c = ShopConfig::new(domain, private()).unwrap();
            assert_eq!(c.endpoint(), endpoint, "{domain}");
        }
    }

    #[test]
    fn refused_domains() {
        for domain in [
            "",
            "http://my-shop.myshopify.com",
            "http://10.0.0.1:80",
            "http://127.0.0.1:0",
            "http://127.0.0.1:99999",
            "http://localhost:80/path",
            "http://localhost.evil.com",
            "ftp://shop.example.com",
            "https://shop.example.com/admin",
            "shop.example.com:8443",
            "-shop",
            "shop..example.com",
            "my shop",
            "localhost",
            "169.254.169.254",
            "user@shop.example.com",
            "shop.example.com?x=1",
        ] {
            assert_eq!(
                ShopConfig::new(domain, private()),
                Err(ConfigError::Domain(domain.into())),
                "{domain:?}"
            );
        }
    }

    #[test]
    fn api_versions() {
        for ok in ["2025-07", "2024-10", "2026-01", "unstable"] {
            let c = ShopConfig::new("shop", private())
                .unwrap()
                .with_api_version(ok)
                .unwrap();
            assert!(c.endpoint().contains(&format!("/api/{ok}/")));
        }
        for bad in [
            "2025-7",
            "2025-05",
            "25-07",
            "2025-13",
            "2025/07",
            "",
            "1999-01",
            "2025-07-01",
            "latest",
        ] {
            assert_eq!(
                ApiVersion::parse(bad),
                Err(ConfigError::ApiVersion(bad.into()))
            );
        }
    }

    #[test]
    fn tokens_are_validated() {
        for bad in ["", "has space", "new\nline", &"x".repeat(257)] {
            assert_eq!(
                ShopConfig::new("shop", Token::Public(bad.to_string())),
                Err(ConfigError::Token)
            );
        }
    }

    #[test]
    fn buyer_ip_is_validated() {
        let c = ShopConfig::new("shop", private()).unwrap();
        assert!(c.clone().with_buyer_ip("203.0.113.7").is_ok());
        assert!(c.clone().with_buyer_ip("2001:db8::1").is_ok());
        assert_eq!(
            c.with_buyer_ip("203.0.113.7, 10.0.0.1"),
            Err(ConfigError::BuyerIp("203.0.113.7, 10.0.0.1".into()))
        );
    }

    #[test]
    fn debug_and_display_never_show_the_token() {
        let c = ShopConfig::new("shop", private())
            .unwrap()
            .with_buyer_ip("203.0.113.7")
            .unwrap();
        for shown in [
            format!("{c:?}"),
            format!("{c}"),
            format!("{:?}", c.token()),
            format!("{}", c.token()),
            format!("{c:#?}"),
        ] {
            assert!(!shown.contains("secret123"), "{shown}");
        }
        assert!(format!("{c:?}").contains("https://shop.myshopify.com/api/2025-07/graphql.json"));
        assert_eq!(
            c.to_string(),
            "https://shop.myshopify.com/api/2025-07/graphql.json (private token)"
        );
        assert_eq!(
            ConfigError::Token.to_string(),
            "the Storefront token must be 1 to 256 visible ASCII characters (it is not shown here)"
        );
    }
}
