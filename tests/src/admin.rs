//! A platform-admin API client for tests.

use crate::client::{Client, Page};

/// Calls `/admin/...` with a bearer token.
pub struct Admin {
    client: Client,
    token: String,
}

impl Admin {
    pub fn new(base: &str, token: &str) -> Self {
        Admin {
            client: Client::new(base),
            token: token.to_owned(),
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<&serde_json::Value>) -> Page {
        let auth = format!("Bearer {}", self.token);
        let text = body.map(|b| b.to_string());
        self.client.send(
            method,
            path,
            &[
                ("authorization", &auth),
                ("content-type", "application/json"),
            ],
            text.as_deref(),
        )
    }

    pub fn get(&self, path: &str) -> Page {
        self.call("GET", path, None)
    }

    pub fn post(&self, path: &str, body: &serde_json::Value) -> Page {
        self.call("POST", path, Some(body))
    }

    pub fn put(&self, path: &str, body: &serde_json::Value) -> Page {
        self.call("PUT", path, Some(body))
    }

    pub fn patch(&self, path: &str, body: &serde_json::Value) -> Page {
        self.call("PATCH", path, Some(body))
    }

    pub fn delete(&self, path: &str) -> Page {
        self.call("DELETE", path, None)
    }
}
