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

    /// Sets the fault for a shop (`demo`, `outlet`) or `ai`: e.g. `fault("outlet", "http500")`.
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
}
