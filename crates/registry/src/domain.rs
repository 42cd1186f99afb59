//! Custom domain names that route to a store.

/// How many custom domains one store may have.
pub const MAX_DOMAINS: usize = 10;

/// A lower-cased host name if `raw` is one a store may claim: 2+ labels of letters, digits
/// and inner hyphens, at most 253 characters, not an IP address, not the platform's own
/// base domain or a subdomain of it (those are routed by slug).
pub fn normalize(raw: &str, base_domain: &str) -> Result<String, String> {
    let host = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let base = base_domain
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.is_empty() || host.len() > 253 || labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(format!(
            "{raw:?} is not a domain name such as shop.example.com"
        ));
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("{raw:?} is an IP address, not a domain name"));
    }
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
            "shop.wandstore.dev",
            "wandstore.dev",
            "<x>.com",
        ] {
            assert!(normalize(bad, "wandstore.dev").is_err(), "{bad}");
        }
        assert!(normalize(&format!("{}.com", "a".repeat(64)), "").is_err());
    }
}
