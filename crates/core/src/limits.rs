//! The limits every request meets at the edge, before any object is called: URL and header
//! sizes, the platform's methods, well-formed paths, and body sizes per kind of route.
//! Exactly at a limit passes; one byte past it does not.

use std::fmt;

/// The longest URL (scheme, host, path and query), in bytes → 414.
pub const MAX_URL_BYTES: usize = 2048;
/// The most request header bytes (`name: value\r\n` each) → 431.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
/// The largest body any route accepts → 413.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// The methods the platform serves at all; any other is a 405 before routing.
pub const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// What a route's body is, and so how large it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// The cart JSON API: 16 KB.
    CartJson,
    /// HTML form posts (cart, checkout): 16 KB.
    Form,
    /// Admin API JSON: 64 KB.
    AdminJson,
    /// A theme document: 256 KB.
    Theme,
    /// An uploaded asset: 2 MB.
    Asset,
}

impl BodyKind {
    pub fn max_bytes(self) -> usize {
        match self {
            BodyKind::CartJson | BodyKind::Form => 16 * 1024,
            BodyKind::AdminJson => 64 * 1024,
            BodyKind::Theme => 256 * 1024,
            BodyKind::Asset => MAX_BODY_BYTES,
        }
    }
}

/// Why a request was refused at the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitError {
    UrlTooLong {
        bytes: usize,
    },
    HeadersTooLarge {
        bytes: usize,
    },
    UnknownMethod,
    /// Malformed percent-encoding, or a NUL or control byte once decoded.
    BadPath {
        why: &'static str,
    },
    BodyTooLarge {
        max: usize,
    },
    /// A JSON API was sent something else (a cross-site form can send `text/plain`,
    /// `application/x-www-form-urlencoded` and `multipart/form-data` without CORS).
    NotJson,
}

impl LimitError {
    pub fn status(&self) -> u16 {
        match self {
            LimitError::UrlTooLong { .. } => 414,
            LimitError::HeadersTooLarge { .. } => 431,
            LimitError::UnknownMethod => 405,
            LimitError::BadPath { .. } => 400,
            LimitError::BodyTooLarge { .. } => 413,
            LimitError::NotJson => 415,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            LimitError::UrlTooLong { .. } => "url_too_long",
            LimitError::HeadersTooLarge { .. } => "headers_too_large",
            LimitError::UnknownMethod => "method_not_allowed",
            LimitError::BadPath { .. } => "bad_path",
            LimitError::BodyTooLarge { .. } => "body_too_large",
            LimitError::NotJson => "unsupported_media_type",
        }
    }
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitError::UrlTooLong { bytes } => write!(
                f,
                "the address has {bytes} bytes; at most {MAX_URL_BYTES} are accepted"
            ),
            LimitError::HeadersTooLarge { bytes } => write!(
                f,
                "the request headers have {bytes} bytes; at most {MAX_HEADER_BYTES} are accepted"
            ),
            LimitError::UnknownMethod => write!(f, "this service accepts {}", METHODS.join(", ")),
            LimitError::BadPath { why } => write!(f, "the address is not valid: {why}"),
            LimitError::BodyTooLarge { max } => {
                write!(f, "the body may have at most {max} bytes")
            }
            LimitError::NotJson => f.write_str("send the body as content-type: application/json"),
        }
    }
}

impl std::error::Error for LimitError {}

/// The bytes request headers take on the wire (`name: value\r\n` each).
pub fn header_bytes<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> usize {
    headers
        .into_iter()
        .map(|(k, v)| k.len() + v.len() + 4)
        .sum()
}

/// Checks what can be checked before routing: the method, the URL's length and its path.
pub fn check_request(method: &str, url: &str, path: &str) -> Result<(), LimitError> {
    if !METHODS.contains(&method) {
        return Err(LimitError::UnknownMethod);
    }
    if url.len() > MAX_URL_BYTES {
        return Err(LimitError::UrlTooLong { bytes: url.len() });
    }
    check_path(path)
}

/// Checks the headers' size.
pub fn check_headers(bytes: usize) -> Result<(), LimitError> {
    if bytes > MAX_HEADER_BYTES {
        return Err(LimitError::HeadersTooLarge { bytes });
    }
    Ok(())
}

/// Checks a body's size (declared or read so far) against its route's limit.
pub fn check_body(kind: BodyKind, bytes: usize) -> Result<(), LimitError> {
    let max = kind.max_bytes();
    if bytes > max {
        return Err(LimitError::BodyTooLarge { max });
    }
    Ok(())
}

/// Reading a request body within its route's limit, sans-IO: a declared length past the
/// limit is refused before anything is read; a declared body is read whole (the runtime
/// delivers exactly that length) and checked again; an undeclared one is read chunk by chunk,
/// refused as soon as the total passes the limit (never read whole first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyRead {
    kind: BodyKind,
    read: usize,
    /// The body's declared length, when `Content-Length` holds one.
    pub declared: Option<usize>,
}

impl BodyRead {
    /// The read of a `kind` body whose `Content-Length` is `content_length` as sent.
    pub fn start(kind: BodyKind, content_length: Option<&str>) -> Result<Self, LimitError> {
        let declared = content_length.and_then(|v| v.parse::<usize>().ok());
        if let Some(n) = declared {
            check_body(kind, n)?;
        }
        Ok(BodyRead {
            kind,
            read: 0,
            declared,
        })
    }

    /// `n` more bytes arrived (the whole body, or one chunk).
    pub fn take(&mut self, n: usize) -> Result<(), LimitError> {
        self.read = self.read.saturating_add(n);
        check_body(self.kind, self.read)
    }
}

/// A JSON API's body must say it is JSON (`application/json`, parameters allowed).
pub fn require_json(content_type: Option<&str>) -> Result<(), LimitError> {
    let essence = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    match essence.as_deref() {
        Some("application/json") => Ok(()),
        _ => Err(LimitError::NotJson),
    }
}

/// A path's percent-encoding is well formed and decodes to no NUL or control byte.
pub fn check_path(path: &str) -> Result<(), LimitError> {
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = match bytes[i] {
            b'%' => {
                let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
                let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) else {
                    return Err(LimitError::BadPath {
                        why: "a % is not followed by two hex digits",
                    });
                };
                i += 3;
                (hi * 16 + lo) as u8
            }
            b => {
                i += 1;
                b
            }
        };
        if b < 0x20 || b == 0x7f {
            return Err(LimitError::BadPath {
                why: "it holds a control character",
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declared_body_past_its_limit_is_refused_before_it_is_read() {
        let max = BodyKind::Form.max_bytes();
        let past = (max + 1).to_string();
        let refused = BodyRead::start(BodyKind::Form, Some(&past));
        assert_eq!(refused, Err(LimitError::BodyTooLarge { max }));
        let at = BodyRead::start(BodyKind::Form, Some(&max.to_string())).unwrap();
        assert_eq!(at.declared, Some(max));
        // What cannot be a length is read as an undeclared body.
        for odd in [
            None,
            Some(""),
            Some("-1"),
            Some("12abc"),
            Some("99999999999999999999999"),
        ] {
            let read = BodyRead::start(BodyKind::Form, odd).unwrap();
            assert_eq!(read.declared, None, "{odd:?}");
        }
    }

    #[test]
    fn chunks_are_refused_as_soon_as_their_total_passes_the_limit() {
        let max = BodyKind::CartJson.max_bytes();
        let mut read = BodyRead::start(BodyKind::CartJson, None).unwrap();
        assert_eq!(read.take(max - 1), Ok(()));
        assert_eq!(read.take(1), Ok(()));
        assert_eq!(read.take(1), Err(LimitError::BodyTooLarge { max }));
        let mut huge = BodyRead::start(BodyKind::CartJson, None).unwrap();
        assert!(huge.take(usize::MAX).is_err());
        assert!(huge.take(usize::MAX).is_err(), "the total saturates");
        // A declared body that turns out longer is refused too.
        let mut lied = BodyRead::start(BodyKind::Form, Some("10")).unwrap();
        assert!(lied.take(BodyKind::Form.max_bytes() + 1).is_err());
    }

    #[test]
    fn urls_up_to_the_limit_pass_and_one_byte_more_does_not() {
        let at = format!("https://x/{}", "a".repeat(MAX_URL_BYTES - 10));
        assert_eq!(at.len(), MAX_URL_BYTES);
        assert_eq!(check_request("GET", &at, "/"), Ok(()));
        let past = format!("{at}a");
        let refused = check_request("GET", &past, "/").unwrap_err();
        assert_eq!((refused.status(), refused.code()), (414, "url_too_long"));
    }

    #[test]
    fn headers_up_to_the_limit_pass() {
        assert_eq!(check_headers(MAX_HEADER_BYTES), Ok(()));
        let refused = check_headers(MAX_HEADER_BYTES + 1).unwrap_err();
        assert_eq!(refused.status(), 431);
        assert_eq!(header_bytes([("host", "x"), ("a", "bc")]), 5 + 4 + 3 + 4);
    }

    #[test]
    fn only_the_platforms_methods_are_served() {
        for m in METHODS {
            assert_eq!(check_request(m, "https://x/", "/"), Ok(()), "{m}");
        }
        for m in ["PROPFIND", "MKCOL", "TRACE", "CONNECT", "get", ""] {
            let e = check_request(m, "https://x/", "/").unwrap_err();
            assert_eq!(e.status(), 405, "{m}");
        }
    }

    #[test]
    fn malformed_and_control_paths_are_refused() {
        for ok in [
            "/",
            "/products/mug",
            "/search%20x",
            "/%C3%A9t%C3%A9",
            "/a%2Fb",
        ] {
            assert_eq!(check_path(ok), Ok(()), "{ok}");
        }
        for bad in ["/%zz", "/%4", "/%", "/a%00b", "/%0a", "/%7F", "/\u{1}"] {
            let e = check_path(bad).unwrap_err();
            assert_eq!(e.status(), 400, "{bad}");
        }
    }

    #[test]
    fn json_apis_take_json_only() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
        ] {
            assert_eq!(require_json(Some(ok)), Ok(()), "{ok}");
        }
        for bad in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/jsonp"),
            Some(""),
            None,
        ] {
            assert_eq!(require_json(bad), Err(LimitError::NotJson), "{bad:?}");
        }
        assert_eq!(LimitError::NotJson.status(), 415);
    }

    #[test]
    fn each_body_kind_has_its_limit() {
        assert_eq!(check_body(BodyKind::CartJson, 16 * 1024), Ok(()));
        assert_eq!(
            check_body(BodyKind::CartJson, 16 * 1024 + 1),
            Err(LimitError::BodyTooLarge { max: 16 * 1024 })
        );
        assert_eq!(check_body(BodyKind::AdminJson, 64 * 1024), Ok(()));
        assert!(check_body(BodyKind::AdminJson, 64 * 1024 + 1).is_err());
        assert_eq!(BodyKind::Theme.max_bytes(), 256 * 1024);
        assert_eq!(BodyKind::Asset.max_bytes(), MAX_BODY_BYTES);
        assert!(
            LimitError::BodyTooLarge { max: 10 }
                .to_string()
                .contains("10 bytes")
        );
    }
}
