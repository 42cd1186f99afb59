//! What a StoreConfig object counts since it started (`ObjectMetrics`), kept as the answer
//! itself: the object adds to it and shows it with its storage use.

use crate::store::{ObjectMetrics, StoreQuestion};
use wandstore_core::storage::StorageUse;

impl ObjectMetrics {
    /// Nothing counted yet, since `now_ms`.
    pub fn started(now_ms: u64) -> Self {
        ObjectMetrics {
            requests_served: 0,
            since_ms: now_ms,
            upstream_errors: Default::default(),
            breaker_opens: 0,
            storage: None,
        }
    }

    /// Counts a question the object was asked (asking for the metrics is not counted, so
    /// reading them changes nothing).
    pub fn count_question(&mut self, question: &StoreQuestion) {
        if !matches!(question, StoreQuestion::Metrics(_)) {
            self.requests_served = self.requests_served.saturating_add(1);
        }
    }

    /// Counts a failed upstream attempt of `kind`.
    pub fn count_failure(&mut self, kind: &str) {
        let n = self.upstream_errors.entry(kind.to_owned()).or_default();
        *n = n.saturating_add(1);
    }

    /// Counts a breaker opening.
    pub fn count_opening(&mut self) {
        self.breaker_opens = self.breaker_opens.saturating_add(1);
    }

    /// Counts what one guarded upstream step came to: its failed attempt (of that kind), if
    /// any, and whether it opened the breaker.
    pub fn count_step(&mut self, failure: Option<&str>, opened: bool) {
        if let Some(kind) = failure {
            self.count_failure(kind);
        }
        if opened {
            self.count_opening();
        }
    }

    /// The counts, with the object's storage use when it holds a store.
    pub fn with_storage(&self, storage: Option<StorageUse>) -> ObjectMetrics {
        ObjectMetrics {
            storage,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ShowMetrics, ShowStore};

    #[test]
    fn questions_and_failures_are_counted_but_reading_the_metrics_is_not() {
        let mut m = ObjectMetrics::started(7);
        m.count_question(&StoreQuestion::Show(ShowStore));
        m.count_question(&StoreQuestion::Metrics(ShowMetrics));
        m.count_question(&StoreQuestion::Show(ShowStore));
        m.count_failure("http_429");
        m.count_failure("upstream_timeout");
        m.count_failure("http_429");
        m.count_opening();
        assert_eq!((m.requests_served, m.since_ms, m.breaker_opens), (2, 7, 1));
        assert_eq!(m.upstream_errors.get("http_429"), Some(&2));
        assert_eq!(m.upstream_errors.get("upstream_timeout"), Some(&1));
        let shown = m.with_storage(Some(StorageUse::store_config("acme", 10)));
        assert_eq!(shown.requests_served, 2);
        assert!(shown.storage.is_some() && m.storage.is_none());
    }

    #[test]
    fn a_guarded_step_counts_its_failure_and_an_opening_only_when_they_happened() {
        let mut m = ObjectMetrics::started(0);
        m.count_step(None, false);
        assert_eq!((m.upstream_errors.len(), m.breaker_opens), (0, 0));
        m.count_step(Some("http_5xx"), false);
        m.count_step(Some("http_5xx"), true);
        m.count_step(None, true);
        assert_eq!(m.upstream_errors.get("http_5xx"), Some(&2));
        assert_eq!(m.breaker_opens, 2);
    }

    #[test]
    fn counters_saturate_instead_of_wrapping() {
        let mut m = ObjectMetrics::started(0);
        m.requests_served = u64::MAX;
        m.breaker_opens = u64::MAX;
        m.count_question(&StoreQuestion::Show(ShowStore));
        m.count_opening();
        assert_eq!((m.requests_served, m.breaker_opens), (u64::MAX, u64::MAX));
    }
}
