//! Building Storefront requests and reading Storefront responses, for any operation.
//!
//! Reading follows one order: HTTP status first, then JSON, then GraphQL `errors`, then
//! `data`. A response with any `errors` entry is an error even when it also carries data, so
//! partial data never reaches the cache.

use crate::config::ShopConfig;
use crate::error::{GraphQlError, ShopifyError};
use graphql_client::GraphQLQuery;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wandstore_core::http::{HttpRequest, HttpResponse, Method};

/// A POST of `Q`'s document and `variables` to the store's Storefront endpoint.
pub fn graphql_request<Q: GraphQLQuery>(
    config: &ShopConfig,
    variables: Q::Variables,
) -> Result<HttpRequest, ShopifyError> {
    let body = Q::build_query(variables);
    let bytes = serde_json::to_vec(&body).map_err(|e| {
        ShopifyError::InvalidInput(format!(
            "could not encode the {} request: {e}",
            body.operation_name
        ))
    })?;
    Ok(HttpRequest {
        method: Method::Post,
        url: config.endpoint(),
        headers: config.headers(),
        body: bytes,
        timeout_ms: config.timeout_ms(),
    })
}

/// Reads a GraphQL response into `T` (an operation's `ResponseData`).
pub fn parse_graphql<T: DeserializeOwned>(response: &HttpResponse) -> Result<T, ShopifyError> {
    if let Some(err) = ShopifyError::from_status(response) {
        return Err(err);
    }
    let envelope: Value = serde_json::from_slice(&response.body)
        .map_err(|e| ShopifyError::MalformedJson(e.to_string()))?;
    let Value::Object(mut envelope) = envelope else {
        return Err(ShopifyError::MissingData(
            "the body is JSON but not a GraphQL response object".into(),
        ));
    };
    let errors = graphql_errors(envelope.remove("errors"));
    if !errors.is_empty() {
        return Err(
            match errors
                .iter()
                .find(|e| e.code.as_deref() == Some("THROTTLED"))
            {
                Some(throttled) => ShopifyError::Throttled {
                    message: throttled.message.clone(),
                },
                None => ShopifyError::GraphQl(errors),
            },
        );
    }
    let data = match envelope.remove("data") {
        None | Some(Value::Null) => {
            return Err(ShopifyError::MissingData(
                "no `data` and no `errors` in the response".into(),
            ));
        }
        Some(data) => data,
    };
    serde_json::from_value(data)
        .map_err(|e| ShopifyError::MissingData(format!("`data` does not match the query: {e}")))
}

/// Longest GraphQL error message kept, in characters.
const MAX_MESSAGE_CHARS: usize = 300;

fn graphql_errors(raw: Option<Value>) -> Vec<GraphQlError> {
    match raw {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(items)) => items.into_iter().map(graphql_error).collect(),
        Some(Value::String(message)) => vec![GraphQlError {
            message: truncate(&message),
            code: None,
            path: String::new(),
        }],
        Some(other) => vec![GraphQlError {
            message: truncate(&other.to_string()),
            code: None,
            path: String::new(),
        }],
    }
}

fn graphql_error(item: Value) -> GraphQlError {
    let message = match item.get("message") {
        Some(Value::String(m)) => truncate(m),
        _ => truncate(&item.to_string()),
    };
    let code = item
        .pointer("/extensions/code")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let path = item
        .get("path")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .map(|p| match p {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default();
    GraphQlError {
        message,
        code,
        path,
    }
}

fn truncate(s: &str) -> String {
    let mut out: String = s.chars().take(MAX_MESSAGE_CHARS).collect();
    if s.chars().count() > MAX_MESSAGE_CHARS {
        out.push('…');
    }
    out
}
