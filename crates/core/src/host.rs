//! Host names, parsed once, the way browsers and `fetch` parse them (the URL standard's host
//! parser, so `0x7f.1` and `2130706433` are the IPv4 address 127.0.0.1, not names). Every
//! crate that accepts or routes a host asks here.

use std::fmt;
use std::net::IpAddr;

/// The longest host name (RFC 1035).
pub const MAX_NAME_LEN: usize = 253;
/// The longest label of a host name.
pub const MAX_LABEL_LEN: usize = 63;

/// A parsed host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A DNS name: lower case, ASCII (IDNA-encoded), letters, digits and inner hyphens.
    Name(String),
    /// An IP address, however it was spelled.
    Ip(IpAddr),
}

/// Why a host was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostError(pub String);

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a host name such as shop.example.com",
            self.0
        )
    }
}

impl std::error::Error for HostError {}

impl Host {
    /// Parses a host (no scheme, port or path); a trailing dot is dropped.
    pub fn parse(raw: &str) -> Result<Host, HostError> {
        let bad = || HostError(raw.to_owned());
        let trimmed = raw.trim();
        let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
        if trimmed.is_empty() || trimmed.len() > MAX_NAME_LEN + 2 {
            return Err(bad());
        }
        match url::Host::parse(trimmed).map_err(|_| bad())? {
            url::Host::Ipv4(ip) => Ok(Host::Ip(IpAddr::V4(ip))),
            url::Host::Ipv6(ip) => Ok(Host::Ip(IpAddr::V6(ip))),
            url::Host::Domain(name) => {
                let labels_ok = name.len() <= MAX_NAME_LEN
                    && name.split('.').all(|l| {
                        !l.is_empty()
                            && l.len() <= MAX_LABEL_LEN
                            && !l.starts_with('-')
                            && !l.ends_with('-')
                            && l.bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    });
                if labels_ok {
                    Ok(Host::Name(name))
                } else {
                    Err(bad())
                }
            }
        }
    }

    /// The name, if this is a name.
    pub fn name(&self) -> Option<&str> {
        match self {
            Host::Name(n) => Some(n),
            Host::Ip(_) => None,
        }
    }

    /// A name that only means something inside a machine or a private network:
    /// `localhost` and its subdomains, `*.internal`, `*.local`.
    pub fn is_internal(&self) -> bool {
        match self {
            Host::Ip(_) => false,
            Host::Name(n) => {
                n == "localhost"
                    || [".localhost", ".internal", ".local"]
                        .iter()
                        .any(|suffix| n.ends_with(suffix))
                    || n == "internal"
                    || n == "local"
            }
        }
    }

    /// A public DNS name with at least two labels: one a store or a shop may claim.
    pub fn public_name(raw: &str) -> Result<String, HostError> {
        match Host::parse(raw)? {
            h @ Host::Name(_) if h.is_internal() => Err(HostError(raw.to_owned())),
            Host::Name(n) if n.contains('.') && !is_numeric_tld(&n) => Ok(n),
            _ => Err(HostError(raw.to_owned())),
        }
    }
}

/// `1.2.3.999`-like names the URL parser leaves alone are not names anyone can register.
fn is_numeric_tld(name: &str) -> bool {
    name.rsplit('.')
        .next()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
}

/// Splits `host[:port]` (an IPv6 literal keeps its brackets); the port must be digits.
pub fn strip_port(host_port: &str) -> &str {
    match host_port.rsplit_once(':') {
        Some((name, port))
            if (name.ends_with(']') || !name.contains(':'))
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            name
        }
        _ => host_port,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn names_are_lowercased_and_idna_encoded() {
        assert_eq!(
            Host::parse("Shop.Example.COM."),
            Ok(Host::Name("shop.example.com".into()))
        );
        assert_eq!(
            Host::parse("bücher.example"),
            Ok(Host::Name("xn--bcher-kva.example".into()))
        );
    }

    #[test]
    fn every_spelling_of_an_ip_is_an_ip() {
        let loopback = Host::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        for raw in [
            "127.0.0.1",
            "0x7f.1",
            "0x7f.0.0.1",
            "2130706433",
            "0177.0.0.1",
            "127.1",
        ] {
            assert_eq!(Host::parse(raw), Ok(loopback.clone()), "{raw}");
        }
        let metadata = Host::Ip(IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)));
        assert_eq!(Host::parse("0xa9.0xfe.0xa9.0xfe"), Ok(metadata));
        assert!(matches!(Host::parse("[::1]"), Ok(Host::Ip(IpAddr::V6(_)))));
    }

    #[test]
    fn junk_is_refused() {
        for raw in [
            "", ".", "a..b", "-a.com", "a-.com", "a_b.com", "a b.com", "a/b", "a:1",
        ] {
            assert!(Host::parse(raw).is_err(), "{raw:?}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert!(Host::parse(&long_label).is_err());
        let long_name = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        assert!(Host::parse(&long_name).is_err());
    }

    #[test]
    fn internal_names_are_named_as_such() {
        for raw in ["localhost", "api.localhost", "db.internal", "printer.local"] {
            assert!(Host::parse(raw).unwrap().is_internal(), "{raw}");
        }
        assert!(!Host::parse("local.example.com").unwrap().is_internal());
    }

    #[test]
    fn public_names_are_claimable_and_nothing_else_is() {
        assert_eq!(
            Host::public_name("Shop.Acme.com"),
            Ok("shop.acme.com".into())
        );
        for raw in [
            "acme",
            "localhost",
            "x.localhost",
            "0x7f.1",
            "10.0.0.1",
            "1.2.3.999",
            "[::1]",
            "db.internal",
        ] {
            assert!(Host::public_name(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn ports_are_stripped_but_ipv6_colons_are_not() {
        assert_eq!(strip_port("shop.example.com:8443"), "shop.example.com");
        assert_eq!(strip_port("[::1]:8787"), "[::1]");
        assert_eq!(strip_port("[::1]"), "[::1]");
        assert_eq!(strip_port("::1"), "::1");
        assert_eq!(strip_port("host:"), "host:");
    }
}
