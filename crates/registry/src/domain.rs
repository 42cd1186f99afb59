//! Custom domain names that route to a store.

use wandstore_core::host::Host;

/// How many custom domains one store may have.
pub const MAX_DOMAINS: usize = 10;

/// A lower-cased host name if `raw` is one a store may claim: a public DNS name
/// ([`Host::public_name`]: 2+ labels, not an IP address in any spelling, not an internal
/// name), not the platform's own base domain or a subdomain of it (those are routed by slug).
pub fn normalize(raw: &str, base_domain: &str) -> Result<String, String> {
    let host = match Host::parse(raw) {
        Ok(Host::Ip(_)) => return Err(format!("{raw:?} is an IP address, not a domain name")),
        Ok(_) => Host::public_name(raw)
            .map_err(|_| format!("{raw:?} is not a public domain name such as shop.example.com"))?,
        Err(_) => {
            return Err(format!(
                "{raw:?} is not a domain name such as shop.example.com"
            ));
        }
    };
    let base = base_domain
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if !base.is_empty() && (host == base || host.ends_with(&format!(".{base}"))) {
        return Err(format!(
            "{raw:?} belongs to the platform domain {base}; stores get {{slug}}.{base} automatically"
        ));
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_lowercases_real_domains() {
        assert_eq!(
            normalize("Shop.Example.COM.", "wandstore.dev"),
            Ok("shop.example.com".into())
        );
        assert_eq!(
            normalize("xn--bcher-kva.example", "wandstore.dev"),
            Ok("xn--bcher-kva.example".into())
        );
    }

    #[test]
    fn refuses_non_domains_ips_and_platform_names() {
        for bad in [
            "",
            "localhost",
            "exa mple.com",
            "-a.com",
            "a-.com",
            "a..com",
            "1.2.3.4",
            "0x7f.1",
            "shop.localhost",
            "db.internal",
            "shop.wandstore.dev",
            "wandstore.dev",
            "<x>.com",
        ] {
            assert!(normalize(bad, "wandstore.dev").is_err(), "{bad}");
        }
        assert!(normalize(&format!("{}.com", "a".repeat(64)), "").is_err());
    }
}
