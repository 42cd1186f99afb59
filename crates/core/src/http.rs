//! The one small request/response pair that sans-IO clients (shopify, ai) build and parse.
//!
//! The Worker executes an [`HttpRequest`] with `worker::Fetch`; native tests execute it with an
//! ordinary HTTP client. No client crate depends on the Workers runtime.

use serde::{Deserialize, Serialize};

/// HTTP methods the clients use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// An outgoing request, fully described as a value. Its `Debug` output redacts credential
/// headers, so a request can be logged without leaking a token.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    /// Header names are lower-case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How long the driver may wait for the whole response before giving up.
    pub timeout_ms: u32,
}

impl HttpRequest {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// How long the executor waits for the whole response (body included): the shorter of the
    /// request's own timeout and the attempt's `budget_ms`, and never 0 (a 0 ms timer would
    /// fail a request that never had a chance).
    pub fn deadline_ms(&self, budget_ms: u64) -> u64 {
        budget_ms.min(u64::from(self.timeout_ms)).max(1)
    }
}

/// Header names whose values are credentials (compared case-insensitively).
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "x-api-key",
    "shopify-storefront-private-token",
    "x-shopify-storefront-access-token",
    "cf-aig-authorization",
];

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let secret = SECRET_HEADERS.iter().any(|s| k.eq_ignore_ascii_case(s));
                (k.as_str(), if secret { "<redacted>" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// A response as the driver received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names are lower-case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// What can go wrong below HTTP: the driver reports these instead of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// No complete response within `timeout_ms`.
    Timeout,
    /// The connection could not be made or was dropped mid-response.
    Connection(String),
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_is_the_shorter_timeout_and_never_zero() {
        let r = HttpRequest {
            method: Method::Get,
            url: "https://x".into(),
            headers: Vec::new(),
            body: Vec::new(),
            timeout_ms: 1000,
        };
        assert_eq!(r.deadline_ms(250), 250);
        assert_eq!(r.deadline_ms(5_000), 1000);
        assert_eq!(r.deadline_ms(0), 1);
        let none = HttpRequest { timeout_ms: 0, ..r };
        assert_eq!(none.deadline_ms(u64::MAX), 1);
    }

    #[test]
    fn debug_output_redacts_credentials() {
        let r = HttpRequest {
            method: Method::Post,
            url: "https://x.myshopify.com/api/2025-07/graphql.json".into(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                (
                    "Shopify-Storefront-Private-Token".into(),
                    "shpat_SECRET".into(),
                ),
                ("authorization".into(), "Bearer SECRET2".into()),
            ],
            body: b"{}".to_vec(),
            timeout_ms: 1000,
        };
        let shown = format!("{r:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("application/json"));
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn header_lookup_ignores_case_and_takes_the_first() {
        let r = HttpResponse {
            status: 200,
            headers: vec![
                ("retry-after".into(), "2".into()),
                ("Retry-After".into(), "9".into()),
            ],
            body: vec![],
        };
        assert_eq!(r.header("Retry-After"), Some("2"));
        assert_eq!(r.header("x-missing"), None);
    }
}
