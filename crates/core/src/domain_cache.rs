//! What one isolate remembers about custom domains: the store a domain belongs to, and the
//! domains that belong to none, each for [`CUSTOM_DOMAIN_TTL_MS`]. The two are bounded
//! apart, so a flood of requests for made-up hosts (a client picks its `Host` header) fills
//! only the unknown side and never evicts a known domain, which would send every later
//! request for it to the registry.

use crate::cached::TtlMap;
use crate::store::StoreSlug;
use crate::tenant::{CUSTOM_DOMAIN_CACHE_MAX, CUSTOM_DOMAIN_TTL_MS};

/// The isolate's custom-domain answers.
pub struct DomainCache {
    known: TtlMap<String, StoreSlug>,
    unknown: TtlMap<String, ()>,
}

impl Default for DomainCache {
    fn default() -> Self {
        DomainCache::new(CUSTOM_DOMAIN_TTL_MS, CUSTOM_DOMAIN_CACHE_MAX)
    }
}

impl DomainCache {
    /// Answers kept `ttl_ms`, at most `max` of each kind.
    pub fn new(ttl_ms: u64, max: usize) -> Self {
        DomainCache {
            known: TtlMap::new(ttl_ms, max),
            unknown: TtlMap::new(ttl_ms, max),
        }
    }

    /// What is remembered about `host` at `now_ms`: `Some(Some(store))`, `Some(None)` for a
    /// domain of no store, `None` when the registry must be asked.
    pub fn get(&self, host: &str, now_ms: u64) -> Option<Option<StoreSlug>> {
        if let Some(store) = self.known.get(host, now_ms) {
            return Some(Some(store.clone()));
        }
        self.unknown.get(host, now_ms).map(|()| None)
    }

    /// Remembers the registry's answer for `host`.
    pub fn learn(&mut self, host: &str, found: Option<StoreSlug>, now_ms: u64) {
        match found {
            Some(store) => self.known.insert(host.to_owned(), store, now_ms),
            None => self.unknown.insert(host.to_owned(), (), now_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> StoreSlug {
        StoreSlug::parse("acme").unwrap()
    }

    #[test]
    fn answers_are_kept_for_the_ttl_then_asked_again() {
        let mut cache = DomainCache::new(1_000, 10);
        assert_eq!(cache.get("shop.example", 0), None);
        cache.learn("shop.example", Some(acme()), 0);
        cache.learn("nobody.example", None, 0);
        assert_eq!(cache.get("shop.example", 999), Some(Some(acme())));
        assert_eq!(cache.get("nobody.example", 999), Some(None));
        assert_eq!(cache.get("shop.example", 1_001), None);
        assert_eq!(cache.get("nobody.example", 1_001), None);
        assert_eq!(cache.get("other.example", 5), None);
    }

    #[test]
    fn a_flood_of_unknown_hosts_never_evicts_a_known_domain() {
        let mut cache = DomainCache::new(60_000, 3);
        cache.learn("shop.example", Some(acme()), 0);
        for i in 0..100 {
            cache.learn(&format!("made-up-{i}.example"), None, i);
        }
        assert_eq!(cache.get("shop.example", 200), Some(Some(acme())));
        // The unknown side stays within its bound, keeping the youngest.
        assert_eq!(cache.get("made-up-99.example", 200), Some(None));
        assert_eq!(cache.get("made-up-0.example", 200), None);
    }

    #[test]
    fn a_domain_that_gains_a_store_is_known_at_once() {
        let mut cache = DomainCache::new(60_000, 3);
        cache.learn("shop.example", None, 0);
        cache.learn("shop.example", Some(acme()), 10);
        assert_eq!(cache.get("shop.example", 20), Some(Some(acme())));
    }
}
