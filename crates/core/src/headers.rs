//! The headers every response carries for safety, decided in one place.

/// The Content-Security-Policy of every page: no script at all (pages work without
/// JavaScript; JSON-LD is data, not script), styles from the page itself, images from the
/// store's CDN, no plugins, no framing, no `<base>` tricks. In development, images may also
/// come from the local upstream over plain HTTP.
pub fn content_security_policy(development: bool) -> String {
    let img = if development {
        "img-src 'self' https: http://127.0.0.1:* http://localhost:* data:"
    } else {
        "img-src 'self' https: data:"
    };
    format!(
        "default-src 'none'; script-src 'none'; style-src 'self' 'unsafe-inline'; {img}; \
         font-src 'self'; connect-src 'self'; form-action 'self' https:{dev_form}; \
         base-uri 'none'; object-src 'none'; frame-ancestors 'none'",
        dev_form = if development {
            " http://127.0.0.1:* http://localhost:*"
        } else {
            ""
        }
    )
}

/// HSTS for two years, subdomains included (stores live on subdomains).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000; includeSubDomains";

/// Pages that carry a shopper's data (their cart count, their cart) are never cached by
/// anyone but the shopper's own browser, and not even there.
pub const PRIVATE_NO_STORE: &str = "private, no-store";

/// The security headers for a response. `secure_transport` is false only for plain HTTP on
/// localhost (HSTS is meaningless there and would pin a developer's localhost to HTTPS).
pub fn security_headers(secure_transport: bool, development: bool) -> Vec<(&'static str, String)> {
    let mut h = vec![
        ("x-content-type-options", "nosniff".to_owned()),
        (
            "referrer-policy",
            "strict-origin-when-cross-origin".to_owned(),
        ),
        ("x-frame-options", "DENY".to_owned()),
        (
            "content-security-policy",
            content_security_policy(development),
        ),
    ];
    if secure_transport {
        h.push((
            "strict-transport-security",
            STRICT_TRANSPORT_SECURITY.to_owned(),
        ));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive<'a>(csp: &'a str, name: &str) -> Option<&'a str> {
        csp.split(';').map(str::trim).find(|d| d.starts_with(name))
    }

    #[test]
    fn production_pages_run_no_script_and_cannot_be_framed() {
        let csp = content_security_policy(false);
        assert_eq!(directive(&csp, "script-src"), Some("script-src 'none'"));
        assert_eq!(
            directive(&csp, "frame-ancestors"),
            Some("frame-ancestors 'none'")
        );
        assert_eq!(directive(&csp, "default-src"), Some("default-src 'none'"));
        assert!(
            !csp.contains("http:"),
            "no plain-HTTP origin in production: {csp}"
        );
        assert!(!csp.contains("unsafe-eval"));
    }

    #[test]
    fn development_allows_the_local_upstreams_images() {
        let csp = content_security_policy(true);
        assert!(directive(&csp, "img-src").is_some_and(|d| d.contains("http://127.0.0.1:*")));
        assert_eq!(directive(&csp, "script-src"), Some("script-src 'none'"));
    }

    #[test]
    fn hsts_only_over_secure_transport() {
        let names =
            |h: Vec<(&'static str, String)>| h.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert!(names(security_headers(true, false)).contains(&"strict-transport-security"));
        assert!(!names(security_headers(false, true)).contains(&"strict-transport-security"));
        assert!(names(security_headers(false, true)).contains(&"content-security-policy"));
    }
}
