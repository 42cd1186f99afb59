//! Durable Object storage against its limit, as the admin metrics report it and
//! `cargo xtask monitor` alerts on it (above 80 % of the limit).
//!
//! Each StoreConfig answers its SQLite database's size in its metrics and with every backup
//! it is asked for (hourly by the cron, or `POST /admin/backups`); the registry keeps the
//! last size of each store, so `GET /admin/metrics` shows the largest stores and the
//! registry itself with one call to the registry.

use serde::{Deserialize, Serialize};

/// What one SQLite-backed Durable Object may store on Workers Paid: 10 GB
/// (<https://developers.cloudflare.com/durable-objects/platform/limits/>, "Storage per
/// Durable Object"), counted here in decimal gigabytes so the alert fires early rather than
/// late.
pub const OBJECT_STORAGE_LIMIT_BYTES: u64 = 10_000_000_000;

/// How many stores `GET /admin/metrics` reports (the largest ones).
pub const REPORTED_STORES: u32 = 10;

/// One object's storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageUse {
    /// `StoreConfig:{slug}` or `StoreRegistry`.
    pub object: String,
    pub used_bytes: u64,
    pub limit_bytes: u64,
}

impl StorageUse {
    /// A store's StoreConfig object.
    pub fn store_config(slug: &str, used_bytes: u64) -> StorageUse {
        StorageUse {
            object: format!("StoreConfig:{slug}"),
            used_bytes,
            limit_bytes: OBJECT_STORAGE_LIMIT_BYTES,
        }
    }

    /// The registry object.
    pub fn registry(used_bytes: u64) -> StorageUse {
        StorageUse {
            object: "StoreRegistry".into(),
            used_bytes,
            limit_bytes: OBJECT_STORAGE_LIMIT_BYTES,
        }
    }

    /// The share of the limit in use (0 when the limit is unknown).
    pub fn share(&self) -> f64 {
        if self.limit_bytes == 0 {
            0.0
        } else {
            self.used_bytes as f64 / self.limit_bytes as f64
        }
    }
}

/// The storage list of the admin metrics: the registry first, then the stores' objects,
/// largest first (ties by name), at most [`REPORTED_STORES`] of them.
pub fn report(registry_bytes: u64, stores: &[(String, u64)]) -> Vec<StorageUse> {
    let mut stores: Vec<&(String, u64)> = stores.iter().collect();
    stores.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    std::iter::once(StorageUse::registry(registry_bytes))
        .chain(
            stores
                .into_iter()
                .take(REPORTED_STORES as usize)
                .map(|(slug, used)| StorageUse::store_config(slug, *used)),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_then_the_largest_stores_each_against_the_limit() {
        let stores: Vec<(String, u64)> = (0..15u64)
            .map(|i| (format!("s{i:02}"), 1000 + (i % 5) * 10))
            .collect();
        let listed = report(4096, &stores);
        assert_eq!(listed.len(), 1 + REPORTED_STORES as usize);
        assert_eq!(listed[0], StorageUse::registry(4096));
        assert_eq!(listed[1].object, "StoreConfig:s04");
        assert_eq!(listed[1].used_bytes, 1040);
        assert_eq!(listed[2].object, "StoreConfig:s09", "ties by name");
        assert!(
            listed
                .windows(2)
                .skip(1)
                .all(|w| w[0].used_bytes >= w[1].used_bytes)
        );
        assert!(
            listed
                .iter()
                .all(|s| s.limit_bytes == OBJECT_STORAGE_LIMIT_BYTES)
        );
        assert_eq!(report(0, &[]), vec![StorageUse::registry(0)]);
    }

    #[test]
    fn shares_are_of_the_ten_gigabyte_limit() {
        let full = StorageUse::store_config("outlet", 8_500_000_000);
        assert!((full.share() - 0.85).abs() < 1e-9);
        let unknown = StorageUse {
            object: "x".into(),
            used_bytes: 5,
            limit_bytes: 0,
        };
        assert_eq!(unknown.share(), 0.0);
    }
}
