//! Rate-limit classes: which requests count against which limit, keyed by whom. Per-client
//! limits are Cloudflare's Rate Limiting bindings (`[[ratelimits]]` in wrangler.toml,
//! approximate and per location); per-shopper limits are counted exactly where every one of
//! the shopper's requests passes anyway, their own object ([`RateClass::shopper_limit`], a
//! [`crate::sliding_window::SlidingWindow`]), or by the AbuseGuard objects
//! ([`RateClass::exact_limit`]). This module decides the class, the key and the answer.

use std::net::IpAddr;

/// A kind of request with a limit of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateClass {
    /// Page reads, per client.
    Pages,
    /// Searches, per client (each one scans the catalog).
    Search,
    /// Cart writes (forms and the JSON API), per shopper (in the shopper's object) and per
    /// client (the binding).
    CartWrites,
    /// Checkout hand-offs, per shopper: each one costs a Shopify `cartCreate`.
    Checkout,
    /// The admin API, per token.
    Admin,
}

impl RateClass {
    /// The binding's name in wrangler.toml.
    pub fn binding(self) -> &'static str {
        match self {
            RateClass::Pages => "RL_PAGES",
            RateClass::Search => "RL_SEARCH",
            RateClass::CartWrites => "RL_CART_WRITES",
            // Counted exactly by the AbuseGuard objects ([`RateClass::exact_limit`]), not by a
            // binding.
            RateClass::Checkout => "",
            RateClass::Admin => "RL_ADMIN",
        }
    }

    /// The name in log lines.
    pub fn name(self) -> &'static str {
        match self {
            RateClass::Pages => "pages",
            RateClass::Search => "search",
            RateClass::CartWrites => "cart_writes",
            RateClass::Checkout => "checkout",
            RateClass::Admin => "admin",
        }
    }

    /// The exact limit per period of a class counted by the AbuseGuard objects rather than
    /// the approximate binding: checkout hand-offs (each costs a Shopify `cartCreate`).
    pub fn exact_limit(self) -> Option<u32> {
        match self {
            RateClass::Checkout => Some(10),
            _ => None,
        }
    }

    /// Whom a store request of this class counts against in the Worker, as limiter
    /// subjects: page reads, searches, cart writes and the admin API per client; checkouts
    /// per shopper (exactly, [`RateClass::exact_limit`]). Without a client key (see
    /// [`client_key`]) the per-client limits do not apply. Cart writes per shopper are
    /// counted by the shopper's object ([`RateClass::shopper_limit`]), not here.
    pub fn subjects(self, shopper_tag: &str, client: Option<&str>) -> Vec<String> {
        let client = client.map(|c| format!("client:{c}"));
        match self {
            RateClass::Pages | RateClass::Search | RateClass::Admin | RateClass::CartWrites => {
                client.into_iter().collect()
            }
            RateClass::Checkout => vec![format!("shopper:{shopper_tag}")],
        }
    }

    /// The limit per [`RateClass::period_secs`] that a shopper's own object counts exactly
    /// for its shopper: cart writes (every one of them reaches that object, so the count
    /// costs no call and is exact, where the binding is approximate and per location).
    pub fn shopper_limit(self) -> Option<u32> {
        match self {
            RateClass::CartWrites => Some(120),
            _ => None,
        }
    }

    /// The window a shopper's object counts this class in ([`RateClass::shopper_limit`] per
    /// period; a class without one is never refused).
    pub fn shopper_window(self) -> crate::sliding_window::SlidingWindow {
        let limit = self.shopper_limit().unwrap_or(u32::MAX);
        crate::sliding_window::SlidingWindow::new(limit, self.period_secs().saturating_mul(1000))
    }

    /// The binding's period in seconds (wrangler.toml's `simple.period`): what `Retry-After`
    /// says, since the binding reports no remaining count or reset time.
    pub fn period_secs(self) -> u64 {
        60
    }
}

/// The client a request comes from, as Cloudflare saw it (`CF-Connecting-IP`; a client's own
/// `X-Forwarded-For` is never trusted). An IPv6 client counts as its /64, which one
/// subscriber usually holds whole.
///
/// A loopback or unspecified address is no client key: Cloudflare never reports one, and
/// locally (`wrangler dev` sends `127.0.0.1`) it is the developer, their tests and benchmarks.
pub fn client_key(cf_connecting_ip: Option<&str>) -> Option<String> {
    let ip = cf_connecting_ip?.trim().parse::<IpAddr>().ok()?;
    if ip.is_loopback() || ip.is_unspecified() {
        return None;
    }
    match ip {
        IpAddr::V4(ip) => Some(ip.to_string()),
        IpAddr::V6(ip) => {
            let s = ip.segments();
            Some(format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]))
        }
    }
}

/// The limiter key for a class: the class and whom it counts (a client key, a shopper tag or
/// a token hash), so classes never share a counter.
pub fn key(class: RateClass, who: &str) -> String {
    format!("{}:{who}", class.name())
}

/// What the limiter said, for the log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed,
    Limited,
    /// The limiter itself failed: the request goes through (fail open), with a warning.
    Unavailable,
}

impl RateDecision {
    pub fn name(self) -> &'static str {
        match self {
            RateDecision::Allowed => "allowed",
            RateDecision::Limited => "limited",
            RateDecision::Unavailable => "unavailable",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_clients_are_themselves_and_ipv6_clients_their_64() {
        assert_eq!(client_key(Some("203.0.113.7")), Some("203.0.113.7".into()));
        assert_eq!(
            client_key(Some("2001:db8:aa:bb:1:2:3:4")),
            Some("2001:db8:aa:bb::/64".into())
        );
        assert_eq!(
            client_key(Some("2001:db8:aa:bb:ffff::9")),
            client_key(Some("2001:db8:aa:bb::1")),
            "one /64, one client"
        );
        for bad in [
            None,
            Some(""),
            Some("not an ip"),
            Some("203.0.113.7, 10.0.0.1"),
        ] {
            assert_eq!(client_key(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn keys_never_mix_classes() {
        assert_ne!(key(RateClass::Pages, "x"), key(RateClass::Search, "x"));
        assert_eq!(key(RateClass::Checkout, "abc"), "checkout:abc");
        assert_eq!(RateClass::Admin.binding(), "RL_ADMIN");
        assert_eq!(RateClass::Pages.period_secs(), 60);
        assert_eq!(RateDecision::Unavailable.name(), "unavailable");
        assert_eq!(RateClass::Checkout.exact_limit(), Some(10));
        assert_eq!(RateClass::Pages.exact_limit(), None);
    }

    #[test]
    fn classes_count_clients_or_shoppers() {
        let ip = Some("203.0.113.7");
        assert_eq!(RateClass::Pages.subjects("s1", ip), ["client:203.0.113.7"]);
        assert_eq!(RateClass::Search.subjects("s1", ip), ["client:203.0.113.7"]);
        assert_eq!(
            RateClass::CartWrites.subjects("s1", ip),
            ["client:203.0.113.7"]
        );
        assert_eq!(RateClass::Checkout.subjects("s1", ip), ["shopper:s1"]);
        // Without a real client address only the per-shopper limits apply.
        assert!(RateClass::Pages.subjects("s1", None).is_empty());
        assert!(RateClass::Admin.subjects("s1", None).is_empty());
        assert!(RateClass::CartWrites.subjects("s1", None).is_empty());
        assert_eq!(RateClass::Checkout.subjects("s1", None), ["shopper:s1"]);
    }

    #[test]
    fn cart_writes_are_counted_per_shopper_by_the_shoppers_object() {
        assert_eq!(RateClass::CartWrites.shopper_limit(), Some(120));
        for other in [
            RateClass::Pages,
            RateClass::Search,
            RateClass::Checkout,
            RateClass::Admin,
        ] {
            assert_eq!(other.shopper_limit(), None);
        }
    }

    #[test]
    fn a_shoppers_window_admits_the_limit_per_period_then_says_when_to_retry() {
        let mut w = RateClass::CartWrites.shopper_window();
        for _ in 0..120 {
            assert!(w.admit(1_000).is_ok());
        }
        let retry = w.admit(1_000).unwrap_err();
        assert!(retry > 0 && retry <= 60, "{retry}");
        assert!(w.admit(61_001).is_ok(), "a period later");
        let mut pages = RateClass::Pages.shopper_window();
        assert!(
            (0..1_000).all(|_| pages.admit(1).is_ok()),
            "no limit of its own"
        );
    }
}
