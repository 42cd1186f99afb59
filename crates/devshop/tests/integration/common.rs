//! Helpers shared by the integration tests.

use std::time::Duration;

use devshop::{DEMO_PRIVATE_TOKEN, DevShop, OUTLET_PRIVATE_TOKEN};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub const PRIVATE: &str = "Shopify-Storefront-Private-Token";
pub const PUBLIC: &str = "X-Shopify-Storefront-Access-Token";

pub struct Harness {
    pub shop: DevShop,
    pub client: Client,
}

pub fn start() -> Harness {
    let shop = devshop::spawn_for_tests().expect("devshop starts");
    Harness {
        shop,
        client: client(None),
    }
}

/// A client that never uses a proxy, with an optional overall timeout.
pub fn client(timeout: Option<Duration>) -> Client {
    let mut builder = Client::builder().no_proxy();
    if let Some(t) = timeout {
        builder = builder.timeout(t);
    }
    builder.build().expect("client builds")
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.shop.base_url())
    }

    /// POSTs a GraphQL document with one auth header; returns status and raw body.
    pub async fn post_raw(
        &self,
        header: Option<(&str, &str)>,
        query: &str,
        variables: Value,
    ) -> (StatusCode, String) {
        let mut request = self
            .client
            .post(self.shop.graphql_url())
            .json(&json!({ "query": query, "variables": variables }));
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("request succeeds");
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    /// Runs a document as the `demo` shop; expects HTTP 200 and JSON.
    pub async fn demo(&self, query: &str, variables: Value) -> Value {
        self.as_shop(DEMO_PRIVATE_TOKEN, query, variables).await
    }

    pub async fn outlet(&self, query: &str, variables: Value) -> Value {
        self.as_shop(OUTLET_PRIVATE_TOKEN, query, variables).await
    }

    pub async fn as_shop(&self, private_token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self
            .post_raw(Some((PRIVATE, private_token)), query, variables)
            .await;
        assert_eq!(status, StatusCode::OK, "body: {body}");
        serde_json::from_str(&body).expect("JSON body")
    }

    /// Like [`Harness::demo`], and asserts there are no GraphQL errors.
    pub async fn demo_ok(&self, query: &str, variables: Value) -> Value {
        let v = self.demo(query, variables).await;
        assert!(v.get("errors").is_none(), "unexpected errors: {v}");
        v
    }

    pub async fn set_fault(&self, key: &str, fault: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .put(self.url(&format!("/_devshop/faults/{key}")))
            .json(&fault)
            .send()
            .await
            .expect("control API answers");
        let status = response.status();
        (status, response.json().await.expect("JSON"))
    }

    pub async fn stats(&self) -> Value {
        self.client
            .get(self.url("/_devshop/stats"))
            .send()
            .await
            .expect("stats answer")
            .json()
            .await
            .expect("JSON")
    }
}

/// `"12.5"` → 1250.
pub fn cents(amount: &Value) -> i64 {
    devshop::money::parse_decimal(amount.as_str().expect("amount is a string")).expect("decimal")
}

pub const SMALL_PAGE: &str = "query($first: Int!, $after: String, $sortKey: ProductSortKeys, $reverse: Boolean, $query: String) {
  products(first: $first, after: $after, sortKey: $sortKey, reverse: $reverse, query: $query) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
    nodes {
      id handle title vendor productType tags availableForSale createdAt updatedAt
      priceRange { minVariantPrice { amount currencyCode } }
    }
  }
}";
