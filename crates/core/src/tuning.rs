//! Operational knobs from the Worker's `[vars]`, with production defaults: read once per
//! object from whatever the shell looks vars up in.

use crate::breaker::BreakerConfig;
use crate::catalog_index::{FRESH_FOR_MS, SYNC_PRODUCT_CAP};

/// The knobs a StoreConfig object runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// The upstream circuit breaker (`UPSTREAM_BREAKER_OPEN_SECS`, default 60).
    pub breaker: BreakerConfig,
    /// How long a synced catalog is fresh (`CATALOG_FRESH_SECS`, default 300).
    pub catalog_fresh_ms: u64,
    /// The most products one sync fetches (`CATALOG_SYNC_CAP`, default 5,000).
    pub sync_product_cap: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning::from_vars(|_| None)
    }
}

impl Tuning {
    /// Reads the knobs through `var`; a missing or unparsable value takes the default.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let number = |name: &str| var(name).and_then(|v| v.trim().parse::<u64>().ok());
        let ms = |name: &str| number(name).map(|s| s.saturating_mul(1000));
        let defaults = BreakerConfig::default();
        Tuning {
            breaker: BreakerConfig {
                open_ms: ms("UPSTREAM_BREAKER_OPEN_SECS").unwrap_or(defaults.open_ms),
                ..defaults
            },
            catalog_fresh_ms: ms("CATALOG_FRESH_SECS").unwrap_or(FRESH_FOR_MS),
            sync_product_cap: number("CATALOG_SYNC_CAP")
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n >= 1)
                .unwrap_or(SYNC_PRODUCT_CAP),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn defaults_without_vars() {
        let t = Tuning::default();
        assert_eq!(t.breaker, BreakerConfig::default());
        assert_eq!(t.catalog_fresh_ms, FRESH_FOR_MS);
        assert_eq!(t.sync_product_cap, SYNC_PRODUCT_CAP);
    }

    #[test]
    fn vars_override_in_seconds_and_counts() {
        let t = Tuning::from_vars(vars(&[
            ("UPSTREAM_BREAKER_OPEN_SECS", " 2 "),
            ("CATALOG_FRESH_SECS", "1"),
            ("CATALOG_SYNC_CAP", "300"),
        ]));
        assert_eq!(t.breaker.open_ms, 2_000);
        assert_eq!(
            t.breaker.failure_threshold,
            BreakerConfig::default().failure_threshold
        );
        assert_eq!(t.catalog_fresh_ms, 1_000);
        assert_eq!(t.sync_product_cap, 300);
    }

    #[test]
    fn nonsense_takes_the_default() {
        let t = Tuning::from_vars(vars(&[
            ("UPSTREAM_BREAKER_OPEN_SECS", "soon"),
            ("CATALOG_FRESH_SECS", "-5"),
            ("CATALOG_SYNC_CAP", "0"),
        ]));
        assert_eq!(t, Tuning::default());
    }
}
