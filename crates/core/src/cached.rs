//! A value with the time it was fetched, fresh for a fixed time-to-live.

/// A cached copy of something owned elsewhere (e.g. a store snapshot held by a shopper's
/// object so that a busy store is not one hot object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached<T> {
    pub value: T,
    pub fetched_at_ms: u64,
}

impl<T> Cached<T> {
    pub fn new(value: T, now_ms: u64) -> Self {
        Cached {
            value,
            fetched_at_ms: now_ms,
        }
    }

    /// The value while it is younger than `ttl_ms`. A clock that went backwards counts as
    /// stale, so a bad clock causes a refetch, never an immortal entry.
    pub fn fresh(&self, now_ms: u64, ttl_ms: u64) -> Option<&T> {
        let age = now_ms.checked_sub(self.fetched_at_ms)?;
        (age < ttl_ms).then_some(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_until_the_ttl_then_stale() {
        let c = Cached::new("snap", 1_000);
        assert_eq!(c.fresh(1_000, 5_000), Some(&"snap"));
        assert_eq!(c.fresh(5_999, 5_000), Some(&"snap"));
        assert_eq!(c.fresh(6_000, 5_000), None);
        assert_eq!(c.fresh(999, 5_000), None, "clock went backwards");
    }
}
