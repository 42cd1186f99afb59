//! Every query and mutation file of `crates/shopify/graphql` runs against devshop without
//! GraphQL errors, with sensible variables chosen by variable name.

use async_graphql::parser::parse_query;
use async_graphql::parser::types::DocumentOperations;
use devshop::HOSTILE_PRODUCT_HANDLE;
use serde_json::{Value, json};

use crate::common::start;
use crate::schema_contract::shopify_graphql_dir;

/// A value for each variable the client's documents declare; extend when they add one.
fn value_for(name: &str, available_variant: &str) -> Option<Value> {
    Some(match name {
        "first" => json!(250),
        "last" => json!(10),
        "after" | "before" | "query" | "sortKey" | "reverse" => Value::Null,
        "handle" => json!(HOSTILE_PRODUCT_HANDLE),
        "id" => json!("gid://shopify/Product/8100000000001"),
        "input" => json!({ "lines": [{ "merchandiseId": available_variant, "quantity": 2 }] }),
        _ => return None,
    })
}

#[tokio::test]
async fn every_shopify_document_runs_without_errors() {
    let dir = shopify_graphql_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED: {} does not exist yet", dir.display());
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "graphql") && !p.ends_with("schema.graphql"))
        .collect();
    files.sort();
    if files.is_empty() {
        eprintln!("SKIPPED: no query files in {} yet", dir.display());
        return;
    }
    let catalog = devshop::demo_catalog();
    let demo = catalog.shop("demo").unwrap();
    let variant = demo.products[10]
        .variants
        .iter()
        .find(|v| v.available)
        .unwrap();
    let variant_gid = format!("gid://shopify/ProductVariant/{}", variant.id);

    let h = start();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let doc = parse_query(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let operations: Vec<_> = match doc.operations {
            DocumentOperations::Single(op) => vec![(None, op)],
            DocumentOperations::Multiple(ops) => ops
                .into_iter()
                .map(|(n, op)| (Some(n.to_string()), op))
                .collect(),
        };
        for (name, op) in operations {
            let mut variables = serde_json::Map::new();
            for var in &op.node.variable_definitions {
                let var_name = var.node.name.node.to_string();
                let value = value_for(&var_name, &variant_gid).unwrap_or_else(|| {
                    panic!("{}: add a test value for ${var_name}", file.display())
                });
                variables.insert(var_name, value);
            }
            let mut body = json!({ "query": text, "variables": variables });
            if let Some(n) = &name {
                body["operationName"] = json!(n);
            }
            let response = h
                .client
                .post(h.shop.graphql_url())
                .header(crate::common::PRIVATE, devshop::DEMO_PRIVATE_TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let v: Value = response.json().await.unwrap();
            assert!(
                v.get("errors").is_none(),
                "{}: {}",
                file.display(),
                v["errors"]
            );
            let data = v["data"]
                .as_object()
                .unwrap_or_else(|| panic!("{}: no data", file.display()));
            for (field, value) in data {
                assert!(!value.is_null(), "{}: {field} is null", file.display());
                if let Some(errors) = value.get("userErrors") {
                    assert_eq!(errors, &json!([]), "{}", file.display());
                }
            }
        }
    }
}
