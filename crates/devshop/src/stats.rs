//! Request counters, so tests can prove that a client (or its circuit breaker) did or did not
//! call. Read with `GET /_devshop/stats`, reset with `DELETE /_devshop/stats`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::PoisonError;

use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Counters {
    /// Authenticated requests received (faulted ones included).
    pub requests: u64,
    /// Requests answered by an injected fault instead of normally.
    pub faults_injected: u64,
}

/// Counters per fault key (`demo`, `outlet`, …, `ai`), plus rejected credentials.
pub struct Stats {
    counters: Mutex<BTreeMap<String, Counters>>,
    unauthorized: Mutex<u64>,
}

impl Stats {
    pub fn new(keys: &[String]) -> Stats {
        Stats {
            counters: Mutex::new(
                keys.iter()
                    .map(|k| (k.clone(), Counters::default()))
                    .collect(),
            ),
            unauthorized: Mutex::new(0),
        }
    }

    fn update(&self, key: &str, f: impl FnOnce(&mut Counters)) {
        let mut map = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        f(map.entry(key.to_string()).or_default());
    }

    pub fn request(&self, key: &str) {
        self.update(key, |c| c.requests += 1);
    }

    pub fn fault(&self, key: &str) {
        self.update(key, |c| c.faults_injected += 1);
    }

    pub fn unauthorized(&self) {
        *self
            .unauthorized
            .lock()
            .unwrap_or_else(PoisonError::into_inner) += 1;
    }

    pub fn get(&self, key: &str) -> Counters {
        let map = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(key).copied().unwrap_or_default()
    }

    pub fn reset(&self) {
        let mut map = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        map.values_mut().for_each(|c| *c = Counters::default());
        *self
            .unauthorized
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = 0;
    }

    /// `{"shops":{"demo":{"graphql_requests":…,"faults_injected":…},…},
    ///   "ai":{"chat_requests":…,"faults_injected":…},
    ///   "ai_providers":{"openai":{"requests":…,"faults_injected":…},"anthropic":{…}},
    ///   "unauthorized":…}` (`ai` counts both providers).
    pub fn to_json(&self, ai_key: &str) -> serde_json::Value {
        let map = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        let mut shops = serde_json::Map::new();
        let mut ai = serde_json::json!({ "chat_requests": 0, "faults_injected": 0 });
        let mut providers = serde_json::Map::new();
        let provider_prefix = format!("{ai_key}.");
        for (key, c) in map.iter() {
            if let Some(provider) = key.strip_prefix(&provider_prefix) {
                providers.insert(
                    provider.to_string(),
                    serde_json::json!({ "requests": c.requests, "faults_injected": c.faults_injected }),
                );
            } else if key == ai_key {
                ai = serde_json::json!({ "chat_requests": c.requests, "faults_injected": c.faults_injected });
            } else {
                shops.insert(
                    key.clone(),
                    serde_json::json!({ "graphql_requests": c.requests, "faults_injected": c.faults_injected }),
                );
            }
        }
        let unauthorized = *self
            .unauthorized
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        serde_json::json!({
            "shops": shops,
            "ai": ai,
            "ai_providers": providers,
            "unauthorized": unauthorized
        })
    }
}
