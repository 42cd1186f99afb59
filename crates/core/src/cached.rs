//! Values with the time they were fetched, fresh for a fixed time-to-live: one cached value
//! ([`Cached`]) or a bounded map of them ([`TtlMap`]).

use std::collections::HashMap;
use std::hash::Hash;

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

impl<T: Clone> Cached<T> {
    /// A copy of the value in `slot` while it is younger than `ttl_ms` (empty: `None`).
    pub fn fresh_copy(slot: &Option<Cached<T>>, now_ms: u64, ttl_ms: u64) -> Option<T> {
        slot.as_ref()?.fresh(now_ms, ttl_ms).cloned()
    }
}

impl<K: PartialEq, V> Cached<(K, V)> {
    /// The value kept for `key` while younger than `ttl_ms` (kept for another key: `None`).
    pub fn fresh_for(&self, key: &K, now_ms: u64, ttl_ms: u64) -> Option<&V> {
        (self.fresh(now_ms, ttl_ms)).and_then(|(k, v)| (k == key).then_some(v))
    }
}

/// Cached values by key, each fresh for `ttl_ms`, at most `max_entries` of them: when full,
/// stale entries are dropped first, and if all are fresh the oldest one goes (an isolate's
/// memory stays bounded whatever the keys, and a flood of new keys evicts one entry per
/// insert rather than the whole map).
#[derive(Debug, Clone)]
pub struct TtlMap<K, V> {
    entries: HashMap<K, Cached<V>>,
    ttl_ms: u64,
    max_entries: usize,
}

impl<K: Eq + Hash + Clone, V> TtlMap<K, V> {
    pub fn new(ttl_ms: u64, max_entries: usize) -> Self {
        TtlMap {
            entries: HashMap::new(),
            ttl_ms,
            max_entries: max_entries.max(1),
        }
    }

    /// The value for `key` if it is still fresh.
    pub fn get<Q>(&self, key: &Q, now_ms: u64) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.entries.get(key)?.fresh(now_ms, self.ttl_ms)
    }

    pub fn insert(&mut self, key: K, value: V, now_ms: u64) {
        if self.entries.len() >= self.max_entries && !self.entries.contains_key(&key) {
            let ttl = self.ttl_ms;
            self.entries.retain(|_, c| c.fresh(now_ms, ttl).is_some());
            if self.entries.len() >= self.max_entries {
                let oldest = self
                    .entries
                    .iter()
                    .min_by_key(|(_, c)| c.fetched_at_ms)
                    .map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    self.entries.remove(&k);
                }
            }
        }
        self.entries.insert(key, Cached::new(value, now_ms));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slots_copy_is_there_only_while_fresh() {
        let slot = Some(Cached::new(String::from("look"), 1_000));
        assert_eq!(
            Cached::fresh_copy(&slot, 1_500, 1_000).as_deref(),
            Some("look")
        );
        assert_eq!(Cached::fresh_copy(&slot, 2_000, 1_000), None);
        assert_eq!(Cached::<String>::fresh_copy(&None, 1_000, 1_000), None);
    }

    #[test]
    fn fresh_until_the_ttl_then_stale() {
        let c = Cached::new("snap", 1_000);
        assert_eq!(c.fresh(1_000, 5_000), Some(&"snap"));
        assert_eq!(c.fresh(5_999, 5_000), Some(&"snap"));
        assert_eq!(c.fresh(6_000, 5_000), None);
        assert_eq!(c.fresh(999, 5_000), None, "clock went backwards");
    }

    #[test]
    fn a_keyed_value_is_fresh_only_for_its_key() {
        let c = Cached::new(("a".to_owned(), 7), 1_000);
        assert_eq!(c.fresh_for(&"a".to_owned(), 2_000, 5_000), Some(&7));
        assert_eq!(c.fresh_for(&"b".to_owned(), 2_000, 5_000), None);
        assert_eq!(c.fresh_for(&"a".to_owned(), 6_000, 5_000), None);
        assert_eq!(c.fresh_for(&"a".to_owned(), 999, 5_000), None);
    }

    #[test]
    fn a_map_answers_fresh_entries_only() {
        let mut m: TtlMap<String, u32> = TtlMap::new(5_000, 10);
        m.insert("a".into(), 1, 0);
        assert_eq!(m.get("a", 4_999), Some(&1));
        assert_eq!(m.get("a", 5_000), None);
        assert_eq!(m.get("b", 0), None);
    }

    #[test]
    fn a_full_map_drops_stale_entries_first() {
        let mut m: TtlMap<u32, u32> = TtlMap::new(100, 3);
        m.insert(1, 1, 0);
        m.insert(2, 2, 50);
        m.insert(3, 3, 60);
        m.insert(4, 4, 120); // 1 is stale by now and makes room
        assert_eq!(m.len(), 3);
        assert_eq!(m.get(&1, 120), None);
        assert_eq!(m.get(&2, 120), Some(&2));
        assert_eq!(m.get(&4, 120), Some(&4));
    }

    #[test]
    fn a_full_map_of_fresh_entries_drops_its_oldest_and_never_grows_past_its_bound() {
        let mut m: TtlMap<u32, u32> = TtlMap::new(1_000, 3);
        for k in 0..100 {
            m.insert(k, k, 10 + u64::from(k));
            assert!(m.len() <= 3);
        }
        assert_eq!(m.get(&99, 110), Some(&99));
        assert_eq!(m.get(&98, 110), Some(&98));
        assert_eq!(m.get(&97, 110), Some(&97));
        assert_eq!(m.get(&96, 110), None, "the oldest went");
    }

    #[test]
    fn a_flood_of_new_keys_keeps_the_younger_entries() {
        let mut m: TtlMap<String, u32> = TtlMap::new(5_000, 3);
        m.insert("hot".into(), 1, 100);
        m.insert("a".into(), 2, 0);
        m.insert("b".into(), 3, 50);
        m.insert("c".into(), 4, 200); // "a" is the oldest
        assert_eq!(m.get("hot", 200), Some(&1));
        assert_eq!(m.get("a", 200), None);
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn replacing_a_key_in_a_full_map_keeps_the_others() {
        let mut m: TtlMap<u32, u32> = TtlMap::new(1_000, 2);
        m.insert(1, 1, 0);
        m.insert(2, 2, 0);
        m.insert(2, 20, 1);
        assert_eq!((m.get(&1, 1), m.get(&2, 1)), (Some(&1), Some(&20)));
    }
}
