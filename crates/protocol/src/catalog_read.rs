//! How StoreConfig serves a catalog read from its cache, as a pure decision: a fresh cache
//! answers; a stale one answers too and starts one background refresh (not while one is in
//! flight, nor while the breaker would refuse it); only a store that never synced waits for
//! the sync. The cron's refresh is the same decision without a read.

use crate::store::Freshness;
use wandstore_core::breaker::CircuitBreaker;
use wandstore_core::catalog_index::{CatalogIndex, CatalogStatus, refresh_due};
use wandstore_storage::store_config::CatalogMetaRow;

/// What the object knows about its cache when a read comes in (its meta row read once).
#[derive(Debug)]
pub struct CacheView {
    /// The stored meta row (`synced_at_ms`: when the last successful sync finished, `None`:
    /// never).
    pub meta: CatalogMetaRow,
    /// A sync is in flight.
    pub syncing: bool,
    pub breaker: CircuitBreaker,
    /// How long a sync stays fresh.
    pub fresh_for_ms: u64,
}

/// How to answer a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogRead {
    /// Answer from the cache; `refresh`: start a background refresh too.
    Serve { freshness: Freshness, refresh: bool },
    /// Nothing cached yet: wait for the (shared) sync, then answer.
    AwaitSync,
}

impl CacheView {
    fn stale(&self, now_ms: u64) -> bool {
        let status = CatalogStatus {
            synced_at_ms: self.meta.synced_at_ms,
            ..CatalogStatus::default()
        };
        status.is_stale(now_ms, self.fresh_for_ms)
    }

    /// How to answer a read at `now_ms`.
    pub fn read(&self, now_ms: u64) -> CatalogRead {
        if self.meta.synced_at_ms.is_none() {
            return CatalogRead::AwaitSync;
        }
        let stale = self.stale(now_ms);
        CatalogRead::Serve {
            freshness: if stale {
                Freshness::Stale
            } else {
                Freshness::Fresh
            },
            refresh: self.refresh_due(now_ms),
        }
    }

    /// The cache's status as the admin API shows it, from its stored meta row and the index
    /// (`None`: nothing cached).
    pub fn status(self, index: Option<&CatalogIndex>) -> CatalogStatus {
        let meta = self.meta;
        CatalogStatus {
            synced_at_ms: meta.synced_at_ms,
            products: index.map_or(0, CatalogIndex::product_count),
            collections: index.map_or(0, CatalogIndex::collection_count),
            truncated: meta.truncated != 0,
            last_error: meta.last_error,
            last_error_at_ms: meta.last_error_at_ms,
            breaker: CatalogStatus::breaker_label(&self.breaker.state()),
            syncing: self.syncing,
        }
    }

    /// Whether to start a background refresh at `now_ms` (the cron's question).
    pub fn refresh_due(&self, now_ms: u64) -> bool {
        refresh_due(self.stale(now_ms), self.syncing, Some(self.breaker), now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wandstore_core::breaker::BreakerConfig;

    const FRESH: u64 = 60_000;

    fn meta(synced_at_ms: Option<u64>, truncated: i64, error: Option<&str>) -> CatalogMetaRow {
        CatalogMetaRow {
            synced_at_ms,
            truncated,
            last_error: error.map(str::to_owned),
            last_error_at_ms: error.map(|_| 5),
            breaker: None,
        }
    }

    #[test]
    fn the_status_reports_the_meta_row_the_index_and_the_breaker() {
        let never = with_meta(meta(None, 0, Some("shopify_down")), true).status(None);
        assert_eq!((never.products, never.collections), (0, 0));
        assert_eq!(never.last_error.as_deref(), Some("shopify_down"));
        assert_eq!(never.last_error_at_ms, Some(5));
        assert!(never.syncing && !never.truncated);
        assert_eq!(never.breaker, "closed");
        let index = CatalogIndex::new(Vec::new(), Vec::new());
        let synced = with_meta(meta(Some(7), 1, None), false).status(Some(&index));
        assert_eq!(synced.synced_at_ms, Some(7));
        assert!(synced.truncated && !synced.syncing && synced.last_error.is_none());
    }

    fn view(synced_at_ms: Option<u64>, syncing: bool) -> CacheView {
        with_meta(meta(synced_at_ms, 0, None), syncing)
    }

    fn with_meta(meta: CatalogMetaRow, syncing: bool) -> CacheView {
        CacheView {
            meta,
            syncing,
            breaker: CircuitBreaker::new(BreakerConfig::default()),
            fresh_for_ms: FRESH,
        }
    }

    fn serve(freshness: Freshness, refresh: bool) -> CatalogRead {
        CatalogRead::Serve { freshness, refresh }
    }

    #[test]
    fn a_fresh_cache_answers_without_a_refresh() {
        let v = view(Some(1_000), false);
        assert_eq!(v.read(1_000 + FRESH - 1), serve(Freshness::Fresh, false));
        assert!(!v.refresh_due(1_000 + FRESH - 1));
    }

    #[test]
    fn a_stale_cache_answers_and_starts_one_refresh() {
        let v = view(Some(1_000), false);
        assert_eq!(v.read(1_000 + FRESH), serve(Freshness::Stale, true));
        assert!(v.refresh_due(1_000 + FRESH));
        let in_flight = view(Some(1_000), true);
        assert_eq!(
            in_flight.read(1_000 + FRESH),
            serve(Freshness::Stale, false)
        );
        assert!(!in_flight.refresh_due(1_000 + FRESH));
    }

    #[test]
    fn an_open_breaker_serves_stale_without_calling_shopify() {
        let mut v = view(Some(1_000), false);
        (0..5).for_each(|t| v.breaker.on_failure(1_000 + FRESH + t));
        let now = 1_000 + FRESH + 10;
        assert_eq!(v.read(now), serve(Freshness::Stale, false));
        // Once the breaker would let a probe through, the refresh is due again.
        assert_eq!(v.read(now + 60_000), serve(Freshness::Stale, true));
    }

    #[test]
    fn a_store_that_never_synced_waits_even_while_a_sync_runs() {
        assert_eq!(view(None, false).read(0), CatalogRead::AwaitSync);
        assert_eq!(view(None, true).read(0), CatalogRead::AwaitSync);
        assert!(
            view(None, false).refresh_due(0),
            "the cron starts the first sync"
        );
        assert!(!view(None, true).refresh_due(0));
    }

    #[test]
    fn a_clock_behind_the_last_sync_is_fresh_not_a_panic() {
        assert_eq!(
            view(Some(5_000), false).read(0),
            serve(Freshness::Fresh, false)
        );
    }
}
