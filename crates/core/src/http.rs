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

/// An outgoing request, fully described as a value.
#[derive(Debug, Clone, PartialEq, Eq)]
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
