//! The headers every response carries for safety, decided in one place.

/// The Content-Security-Policy of every page: no script at all (pages work without
/// JavaScript; JSON-LD is data, not script), styles from the page itself, images from the
/// store's CDN, no plugins, no framing, no `<base>` tricks. In development, images may also
/// come from the local upstream over plain HTTP.
pub fn content_security_policy(development: bool) -> String {
    policy(development, "script-src 'none'", "frame-ancestors 'none'")
}

/// What a page may do beyond the default policy: run the one inline script carrying this
/// nonce (the live preview's refresh, the console's), and be framed by these origins (the
/// owner console showing a preview).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageAllowances {
    pub script_nonce: Option<String>,
    /// Origins allowed to frame the page, besides the page's own (`'self'` is always
    /// included when this is set).
    pub framed_by: Option<Vec<String>>,
}

fn policy(development: bool, script: &str, frame_ancestors: &str) -> String {
    let img = if development {
        "img-src 'self' https: http://127.0.0.1:* http://localhost:* data:"
    } else {
        "img-src 'self' https: data:"
    };
    format!(
        "default-src 'none'; {script}; style-src 'self' 'unsafe-inline'; {img}; \
         font-src 'self'; connect-src 'self'; form-action 'self' https:{dev_form}; \
         base-uri 'none'; object-src 'none'; {frame_ancestors}",
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

impl PageAllowances {
    /// A store preview's: its live-refresh script (by `nonce`) and framing by the owner
    /// console on `base_domain`.
    pub fn preview(nonce: String, base_domain: &str) -> Self {
        PageAllowances {
            script_nonce: Some(nonce),
            framed_by: Some(vec![format!("https://{base_domain}")]),
        }
    }
}

/// The security headers of a store preview page: its [`PageAllowances`], and never indexed
/// (a preview link is shared with people, not search engines).
pub fn preview_security_headers(
    secure_transport: bool,
    development: bool,
    allow: &PageAllowances,
) -> Vec<(&'static str, String)> {
    let mut h = security_headers_allowing(secure_transport, development, allow);
    h.push(("x-robots-tag", "noindex, nofollow".to_owned()));
    h
}

/// The security headers of a page with [`PageAllowances`]: its own CSP (a nonce for its
/// script, framing by the listed origins, in which case `X-Frame-Options` is left out, as it
/// cannot name an origin).
pub fn security_headers_allowing(
    secure_transport: bool,
    development: bool,
    allow: &PageAllowances,
) -> Vec<(&'static str, String)> {
    let script = match &allow.script_nonce {
        Some(n) if is_nonce(n) => format!("script-src 'nonce-{n}'"),
        _ => "script-src 'none'".to_owned(),
    };
    let frame = match &allow.framed_by {
        Some(origins) => {
            let mut list = vec!["'self'".to_owned()];
            list.extend(origins.iter().filter(|o| is_origin(o)).cloned());
            format!("frame-ancestors {}", list.join(" "))
        }
        None => "frame-ancestors 'none'".to_owned(),
    };
    security_headers(secure_transport, development)
        .into_iter()
        .filter(|(k, _)| !(allow.framed_by.is_some() && *k == "x-frame-options"))
        .map(|(k, v)| match k {
            "content-security-policy" => (k, policy(development, &script, &frame)),
            _ => (k, v),
        })
        .collect()
}

/// A CSP nonce from 16 random bytes: base64url, unpadded (22 characters).
pub fn script_nonce(random: [u8; 16]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
}

/// Which security policy an answer carries.
#[derive(Debug, Clone, Copy)]
pub enum Policy<'a> {
    /// Every storefront page, API answer and error: no script, no framing.
    Default,
    /// An owner console page ([`console_security_headers`]).
    Console,
    /// A store preview ([`preview_security_headers`]).
    Preview(&'a PageAllowances),
}

/// The security headers for `policy`.
pub fn security_headers_for(
    policy: Policy<'_>,
    secure_transport: bool,
    development: bool,
) -> Vec<(&'static str, String)> {
    match policy {
        Policy::Default => security_headers(secure_transport, development),
        Policy::Console => console_security_headers(secure_transport, development),
        Policy::Preview(allow) => preview_security_headers(secure_transport, development, allow),
    }
}

/// The security headers of the owner console's pages: no script at all, framing by nobody
/// (`frame-ancestors 'none'` and `X-Frame-Options: DENY`), and frames only from the console's
/// own origin (`frame-src 'self'`: the live preview beside the form is a preview link on the
/// platform host).
pub fn console_security_headers(
    secure_transport: bool,
    development: bool,
) -> Vec<(&'static str, String)> {
    security_headers(secure_transport, development)
        .into_iter()
        .map(|(k, v)| match k {
            "content-security-policy" => (
                k,
                policy(
                    development,
                    "script-src 'none'",
                    "frame-src 'self'; frame-ancestors 'none'",
                ),
            ),
            _ => (k, v),
        })
        .collect()
}

/// A nonce is base64 (standard or URL-safe) of at least 16 characters.
fn is_nonce(n: &str) -> bool {
    n.len() >= 16
        && n.len() <= 64
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
}

/// `scheme://host[:port]` with nothing that could end the directive.
fn is_origin(o: &str) -> bool {
    (o.starts_with("https://") || o.starts_with("http://"))
        && !o
            .bytes()
            .any(|b| b.is_ascii_whitespace() || matches!(b, b';' | b',' | b'\'' | b'"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_nonce_is_22_url_safe_characters_that_differ_with_the_bytes() {
        let a = script_nonce([0xfb; 16]);
        assert_eq!(a.len(), 22);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{a}"
        );
        assert_ne!(a, script_nonce([0; 16]));
        assert_eq!(script_nonce([0; 16]), "A".repeat(22));
    }

    fn directive<'a>(csp: &'a str, name: &str) -> Option<&'a str> {
        csp.split(';').map(str::trim).find(|d| d.starts_with(name))
    }

    /// The `Content-Security-Policy` value among `headers`.
    fn csp_of(headers: &[(&str, String)]) -> String {
        headers
            .iter()
            .find(|(k, _)| *k == "content-security-policy")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    #[test]
    fn each_policy_has_its_own_headers() {
        let allow = PageAllowances::preview("AAAAAAAAAAAAAAAAAAAAAA".into(), "shops.example");
        let default = security_headers_for(Policy::Default, true, false);
        assert_eq!(default, security_headers(true, false));
        let console = security_headers_for(Policy::Console, true, false);
        assert_eq!(console, console_security_headers(true, false));
        assert_ne!(csp_of(&console), csp_of(&default));
        let preview = security_headers_for(Policy::Preview(&allow), true, false);
        assert!(preview.iter().any(|(k, _)| *k == "x-robots-tag"));
        assert!(!default.iter().any(|(k, _)| *k == "x-robots-tag"));
    }

    #[test]
    fn a_preview_runs_its_own_script_is_framed_by_the_console_and_never_indexed() {
        let nonce = "AAAAAAAAAAAAAAAAAAAAAA".to_owned();
        let allow = PageAllowances::preview(nonce.clone(), "shops.example");
        let h = preview_security_headers(true, false, &allow);
        let csp = csp_of(&h);
        assert_eq!(
            directive(&csp, "frame-ancestors"),
            Some("frame-ancestors 'self' https://shops.example")
        );
        assert_eq!(
            directive(&csp, "script-src"),
            Some(format!("script-src 'nonce-{nonce}'").as_str())
        );
        assert!(
            h.iter()
                .any(|(k, v)| *k == "x-robots-tag" && v == "noindex, nofollow")
        );
        assert!(!h.iter().any(|(k, _)| *k == "x-frame-options"));
        // A base domain that is no host does not widen the framing.
        let odd = PageAllowances::preview(nonce, "evil.example 'unsafe-inline'");
        let csp = csp_of(&preview_security_headers(true, false, &odd));
        assert_eq!(
            directive(&csp, "frame-ancestors"),
            Some("frame-ancestors 'self'")
        );
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

    #[test]
    fn the_console_frames_only_its_own_origin_and_runs_no_script() {
        for dev in [false, true] {
            let h = console_security_headers(true, dev);
            let csp = &csp_of(&h);
            assert_eq!(directive(csp, "script-src"), Some("script-src 'none'"));
            assert_eq!(directive(csp, "frame-src"), Some("frame-src 'self'"));
            assert_eq!(
                directive(csp, "frame-ancestors"),
                Some("frame-ancestors 'none'")
            );
            assert_eq!(directive(csp, "default-src"), Some("default-src 'none'"));
            assert!(
                h.iter()
                    .any(|(k, v)| *k == "x-frame-options" && v == "DENY")
            );
        }
        assert!(
            !console_security_headers(false, true)
                .iter()
                .any(|(k, _)| *k == "strict-transport-security")
        );
    }

    #[test]
    fn allowances_open_exactly_what_they_name() {
        let names =
            |h: Vec<(&'static str, String)>| h.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        let allow = PageAllowances {
            script_nonce: Some("abcdefghijklmnop".into()),
            framed_by: Some(vec![
                "https://wandstore.dev".into(),
                "x; script-src *".into(),
            ]),
        };
        let h = security_headers_allowing(true, false, &allow);
        let csp = csp_of(&h);
        assert_eq!(
            directive(&csp, "script-src"),
            Some("script-src 'nonce-abcdefghijklmnop'")
        );
        assert_eq!(
            directive(&csp, "frame-ancestors"),
            Some("frame-ancestors 'self' https://wandstore.dev")
        );
        assert!(!names(h.clone()).contains(&"x-frame-options"));
        assert!(names(h).contains(&"strict-transport-security"));
        let bad_nonce = PageAllowances {
            script_nonce: Some("short'".into()),
            framed_by: None,
        };
        let h = security_headers_allowing(true, false, &bad_nonce);
        let csp = &csp_of(&h);
        assert_eq!(directive(csp, "script-src"), Some("script-src 'none'"));
        assert!(names(h.clone()).contains(&"x-frame-options"));
        assert_eq!(
            security_headers_allowing(true, true, &PageAllowances::default()),
            security_headers(true, true)
        );
    }
}
