//! devshop's control API, for tests that inject upstream faults.

use crate::client::{Client, Page};

/// Switches faults and reads counters on a running devshop.
pub struct Devshop {
    client: Client,
}

impl Devshop {
    pub fn new(base: &str) -> Self {
        Devshop {
            client: Client::new(base),
        }
    }

    /// Sets the fault for a shop (`demo`, `outlet`), a model provider (`ai.openai`,
    /// `ai.anthropic`) or both (`ai`): e.g. `fault("outlet", "http500")`,
    /// `fault("ai.openai", "hallucinated_ids")`.
    pub fn fault(&self, key: &str, mode: &str) -> Page {
        let body = serde_json::json!({ "mode": mode }).to_string();
        let page = self.client.send(
            "PUT",
            &format!("/_devshop/faults/{key}"),
            &[("content-type", "application/json")],
            Some(&body),
        );
        assert_eq!(page.status, 200, "setting a fault: {}", page.body);
        page
    }

    /// Back to a healthy upstream.
    pub fn clear_faults(&self) {
        let page = self.client.send("DELETE", "/_devshop/faults", &[], None);
        assert_eq!(page.status, 200, "{}", page.body);
    }

    /// GraphQL requests devshop has received for a shop.
    pub fn graphql_requests(&self, shop: &str) -> u64 {
        let page = self.client.send("GET", "/_devshop/stats", &[], None);
        page.json()["shops"][shop]["graphql_requests"]
            .as_u64()
            .unwrap_or_else(|| panic!("no counter for {shop}: {}", page.body))
    }

    /// The last requests the model endpoints received, oldest first:
    /// `{"openai":[{"seq","path","headers","body"}…],"anthropic":[…]}`.
    pub fn ai_requests(&self) -> serde_json::Value {
        let page = self.client.send("GET", "/_devshop/ai/requests", &[], None);
        assert_eq!(page.status, 200, "{}", page.body);
        page.json()
    }

    /// Forgets the recorded model requests (and the emulated gateway cache).
    pub fn clear_ai_requests(&self) {
        let page = self
            .client
            .send("DELETE", "/_devshop/ai/requests", &[], None);
        assert_eq!(page.status, 200, "{}", page.body);
    }

    /// Requests a model provider (`openai`, `anthropic`) has received, faulted ones included.
    pub fn model_requests(&self, provider: &str) -> u64 {
        let page = self.client.send("GET", "/_devshop/stats", &[], None);
        page.json()["ai_providers"][provider]["requests"]
            .as_u64()
            .unwrap_or_else(|| panic!("no counter for {provider}: {}", page.body))
    }
}
