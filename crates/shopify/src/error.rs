//! Everything that can go wrong talking to Shopify, as values.
//!
//! Each variant says what happened in words an operator can act on (`Display`), a stable
//! machine code for the JSON log line ([`ShopifyError::code`]), and whether trying again can
//! help ([`ShopifyError::is_retryable`]). No variant ever holds the access token.

use std::fmt;
use wandstore_core::http::{HttpResponse, TransportError};

/// One entry of a GraphQL `errors` array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphQlError {
    pub message: String,
    /// `extensions.code`, e.g. "THROTTLED", "ACCESS_DENIED", "INTERNAL_SERVER_ERROR".
    pub code: Option<String>,
    /// `path`, joined with dots ("products.nodes.0.title"); empty when absent.
    pub path: String,
}

impl fmt::Display for GraphQlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(code) = &self.code {
            write!(f, "[{code}] ")?;
        }
        f.write_str(&self.message)?;
        if !self.path.is_empty() {
            write!(f, " (at {})", self.path)?;
        }
        Ok(())
    }
}

/// One `userErrors` entry of a mutation (`CartUserError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// Path to the input field, e.g. `["input", "lines", "0", "quantity"]`.
    pub field: Vec<String>,
    pub message: String,
    /// `CartErrorCode`, e.g. "INVALID", "MERCHANDISE_NOT_APPLICABLE".
    pub code: Option<String>,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field.join("."))?;
        }
        f.write_str(&self.message)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        Ok(())
    }
}

/// A failed Storefront API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShopifyError {
    /// HTTP 429. Retryable; honour `retry_after_ms` when Shopify sent `Retry-After`.
    RateLimited { retry_after_ms: Option<u64> },
    /// HTTP 430 Security Rejection: Shopify's bot protection refused the request. Not retried.
    SecurityRejection,
    /// HTTP 423: the shop is locked. Not retried.
    ShopLocked,
    /// HTTP 402: the shop is frozen or unpaid. Not retried.
    ShopUnavailable,
    /// HTTP 401 or 403: the token is wrong, revoked, or of the wrong kind. Not retried.
    Unauthorized { status: u16 },
    /// HTTP 404: wrong shop domain or API version. Not retried.
    NotFound,
    /// HTTP 5xx. Retryable.
    Server {
        status: u16,
        retry_after_ms: Option<u64>,
    },
    /// Any other non-2xx status, with the start of the body. Not retried.
    UnexpectedStatus { status: u16, body: String },
    /// No complete response in time. Retryable.
    Timeout,
    /// The connection failed. Retryable.
    Connection(String),
    /// GraphQL `errors` with `extensions.code = "THROTTLED"` (arrives with HTTP 200). Retryable.
    Throttled { message: String },
    /// Any other GraphQL `errors`. Retryable only if one is `INTERNAL_SERVER_ERROR`.
    GraphQl(Vec<GraphQlError>),
    /// A mutation's `userErrors`: Shopify refused the input. Not retried.
    UserErrors(Vec<UserError>),
    /// The body is not JSON. Not retried.
    MalformedJson(String),
    /// JSON without the data the query asked for (no `data`, or the wrong shape). Not retried.
    MissingData(String),
    /// Data that WandStore cannot use (a bad amount, mixed currencies, an unsafe URL).
    InvalidData(String),
    /// The caller's input was refused before any request was built.
    InvalidInput(String),
}

impl ShopifyError {
    /// True when the same request may succeed if sent again later.
    pub fn is_retryable(&self) -> bool {
        match self {
            ShopifyError::RateLimited { .. }
            | ShopifyError::Server { .. }
            | ShopifyError::Timeout
            | ShopifyError::Connection(_)
            | ShopifyError::Throttled { .. } => true,
            ShopifyError::GraphQl(errors) => errors
                .iter()
                .any(|e| e.code.as_deref() == Some("INTERNAL_SERVER_ERROR")),
            _ => false,
        }
    }

    /// True when the error says Shopify is unhealthy or refusing WandStore, so the circuit
    /// breaker should count it: every retryable error, plus 430, 423, 402 and garbage bodies.
    /// Configuration and input errors (401/403/404, userErrors) do not count.
    pub fn trips_breaker(&self) -> bool {
        self.is_retryable()
            || matches!(
                self,
                ShopifyError::SecurityRejection
                    | ShopifyError::ShopLocked
                    | ShopifyError::ShopUnavailable
                    | ShopifyError::MalformedJson(_)
            )
    }

    /// The server's `Retry-After`, in milliseconds, when it sent one.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            ShopifyError::RateLimited { retry_after_ms }
            | ShopifyError::Server { retry_after_ms, .. } => *retry_after_ms,
            _ => None,
        }
    }

    /// The HTTP status behind the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ShopifyError::RateLimited { .. } => Some(429),
            ShopifyError::SecurityRejection => Some(430),
            ShopifyError::ShopLocked => Some(423),
            ShopifyError::ShopUnavailable => Some(402),
            ShopifyError::NotFound => Some(404),
            ShopifyError::Unauthorized { status }
            | ShopifyError::Server { status, .. }
            | ShopifyError::UnexpectedStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// A stable code for logs and error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            ShopifyError::RateLimited { .. } => "shopify_rate_limited",
            ShopifyError::SecurityRejection => "shopify_security_rejection",
            ShopifyError::ShopLocked => "shopify_shop_locked",
            ShopifyError::ShopUnavailable => "shopify_shop_unavailable",
            ShopifyError::Unauthorized { .. } => "shopify_unauthorized",
            ShopifyError::NotFound => "shopify_not_found",
            ShopifyError::Server { .. } => "shopify_server_error",
            ShopifyError::UnexpectedStatus { .. } => "shopify_unexpected_status",
            ShopifyError::Timeout => "shopify_timeout",
            ShopifyError::Connection(_) => "shopify_connection",
            ShopifyError::Throttled { .. } => "shopify_throttled",
            ShopifyError::GraphQl(_) => "shopify_graphql_error",
            ShopifyError::UserErrors(_) => "shopify_user_errors",
            ShopifyError::MalformedJson(_) => "shopify_malformed_json",
            ShopifyError::MissingData(_) => "shopify_missing_data",
            ShopifyError::InvalidData(_) => "shopify_invalid_data",
            ShopifyError::InvalidInput(_) => "shopify_invalid_input",
        }
    }

    /// Maps a non-2xx response to its error; `None` for 2xx.
    pub fn from_status(response: &HttpResponse) -> Option<ShopifyError> {
        let status = response.status;
        let retry_after = || response.header("retry-after").and_then(parse_retry_after);
        Some(match status {
            200..=299 => return None,
            429 => ShopifyError::RateLimited {
                retry_after_ms: retry_after(),
            },
            430 => ShopifyError::SecurityRejection,
            423 => ShopifyError::ShopLocked,
            402 => ShopifyError::ShopUnavailable,
            401 | 403 => ShopifyError::Unauthorized { status },
            404 => ShopifyError::NotFound,
            500..=599 => ShopifyError::Server {
                status,
                retry_after_ms: retry_after(),
            },
            _ => ShopifyError::UnexpectedStatus {
                status,
                body: snippet(&response.body),
            },
        })
    }
}

impl From<TransportError> for ShopifyError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::Timeout => ShopifyError::Timeout,
            TransportError::Connection(detail) => ShopifyError::Connection(detail),
        }
    }
}

impl fmt::Display for ShopifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShopifyError::RateLimited {
                retry_after_ms: Some(ms),
            } => write!(
                f,
                "Shopify rate-limited the request (HTTP 429); Retry-After {ms} ms"
            ),
            ShopifyError::RateLimited {
                retry_after_ms: None,
            } => f.write_str("Shopify rate-limited the request (HTTP 429) without Retry-After"),
            ShopifyError::SecurityRejection => f.write_str(
                "Shopify's bot protection rejected the request (HTTP 430 Security Rejection); \
                 private-token requests should carry Shopify-Storefront-Buyer-IP",
            ),
            ShopifyError::ShopLocked => f.write_str(
                "the Shopify shop is locked (HTTP 423); the merchant has to resolve it in Shopify",
            ),
            ShopifyError::ShopUnavailable => f.write_str(
                "the Shopify shop is unavailable (HTTP 402 Payment Required): frozen or unpaid",
            ),
            ShopifyError::Unauthorized { status } => write!(
                f,
                "Shopify refused the Storefront token (HTTP {status}); check the token and whether \
                 it is a private or a public one in the store settings"
            ),
            ShopifyError::NotFound => f.write_str(
                "no Storefront API at this address (HTTP 404); check the shop domain and API version",
            ),
            ShopifyError::Server {
                status,
                retry_after_ms,
            } => {
                write!(f, "Shopify failed with HTTP {status}")?;
                if let Some(ms) = retry_after_ms {
                    write!(f, "; Retry-After {ms} ms")?;
                }
                Ok(())
            }
            ShopifyError::UnexpectedStatus { status, body } => {
                write!(f, "Shopify answered HTTP {status}: {body}")
            }
            ShopifyError::Timeout => f.write_str("no response from Shopify before the timeout"),
            ShopifyError::Connection(detail) => write!(f, "could not reach Shopify: {detail}"),
            ShopifyError::Throttled { message } => write!(
                f,
                "Shopify throttled the query (GraphQL THROTTLED): {message}"
            ),
            ShopifyError::GraphQl(errors) => {
                write!(f, "Shopify returned {} GraphQL error(s): ", errors.len())?;
                write_joined(f, errors)
            }
            ShopifyError::UserErrors(errors) => {
                f.write_str("Shopify refused the input: ")?;
                write_joined(f, errors)
            }
            ShopifyError::MalformedJson(detail) => {
                write!(f, "Shopify's response is not valid JSON: {detail}")
            }
            ShopifyError::MissingData(detail) => {
                write!(f, "Shopify's response lacks the expected data: {detail}")
            }
            ShopifyError::InvalidData(detail) => {
                write!(f, "Shopify sent data WandStore cannot use: {detail}")
            }
            ShopifyError::InvalidInput(detail) => write!(f, "invalid request to Shopify: {detail}"),
        }
    }
}

impl std::error::Error for ShopifyError {}

fn write_joined<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Longest Retry-After honoured as given: one day. Larger values are clamped.
const MAX_RETRY_AFTER_MS: u64 = 86_400_000;

/// `Retry-After` as delay-seconds ("2", "1.5"). The HTTP-date form needs a clock, which this
/// crate does not read, so it yields `None`.
pub fn parse_retry_after(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    let (secs, frac) = raw.split_once('.').unwrap_or((raw, ""));
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (raw.contains('.') && frac.is_empty()) {
        return None;
    }
    let whole: u64 = secs.parse().unwrap_or(u64::MAX);
    let millis: u64 = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0, |acc, b| acc * 10 + u64::from(b - b'0'));
    Some(
        whole
            .saturating_mul(1000)
            .saturating_add(millis)
            .min(MAX_RETRY_AFTER_MS),
    )
}

/// The start of a body for an error message: at most 200 characters, one line.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_values() {
        let table = [
            ("2", Some(2_000)),
            (" 3 ", Some(3_000)),
            ("1.5", Some(1_500)),
            ("2.0", Some(2_000)),
            ("0.0001", Some(0)),
            ("0", Some(0)),
            ("99999999999999999999", Some(MAX_RETRY_AFTER_MS)),
            ("Wed, 21 Oct 2015 07:28:00 GMT", None),
            ("-1", None),
            ("1.", None),
            (".5", None),
            ("", None),
        ];
        for (raw, ms) in table {
            assert_eq!(parse_retry_after(raw), ms, "{raw:?}");
        }
    }

    #[test]
    fn snippets_are_short_single_lines() {
        let long = "x".repeat(500);
        let s = snippet(long.as_bytes());
        assert_eq!(s.chars().count(), 201);
        assert_eq!(snippet(b"bad\nrequest"), "bad request");
    }
}
