//! Cursor pagination walks everything exactly once; page sizes are capped like Shopify's.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::common::{Harness, SMALL_PAGE, start};

/// Every product id of a shop, following `endCursor` with `first: 250`.
async fn walk(h: &Harness, outlet: bool, variables: Value) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let mut vars = variables.clone();
        vars["first"] = json!(250);
        vars["after"] = after.clone();
        let v = if outlet {
            h.outlet(SMALL_PAGE, vars).await
        } else {
            h.demo(SMALL_PAGE, vars).await
        };
        assert!(v.get("errors").is_none(), "{v}");
        let page = &v["data"]["products"];
        pages += 1;
        let nodes = page["nodes"].as_array().unwrap();
        assert!(nodes.len() <= 250);
        let edges = page["edges"].as_array().unwrap();
        assert_eq!(edges.len(), nodes.len());
        for (edge, node) in edges.iter().zip(nodes) {
            assert_eq!(edge["node"]["id"], node["id"]);
            ids.push(node["id"].as_str().unwrap().to_string());
        }
        assert_eq!(page["pageInfo"]["hasPreviousPage"], json!(pages > 1));
        if let Some(last) = edges.last() {
            assert_eq!(page["pageInfo"]["endCursor"], last["cursor"]);
            assert_eq!(page["pageInfo"]["startCursor"], edges[0]["cursor"]);
        }
        if page["pageInfo"]["hasNextPage"] == json!(false) {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
        assert!(pages < 10, "pagination does not end");
    }
    (ids, pages)
}

#[tokio::test]
async fn first_250_walks_every_product_once() {
    let h = start();
    let catalog = devshop::demo_catalog();
    for (outlet, shop) in [(false, "demo"), (true, "outlet")] {
        let expected = catalog.shop(shop).unwrap().products.len();
        let (ids, pages) = walk(&h, outlet, json!({})).await;
        assert_eq!(ids.len(), expected, "{shop}");
        assert_eq!(
            ids.iter().collect::<HashSet<_>>().len(),
            expected,
            "{shop}: duplicates"
        );
        assert_eq!(pages, expected.div_ceil(250));
        // Default order is by id.
        let numbers: Vec<u64> = ids
            .iter()
            .map(|id| id.rsplit('/').next().unwrap().parse().unwrap())
            .collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]));
    }
    // Sorted by price, reversed: still every product once.
    let (ids, _) = walk(&h, false, json!({ "sortKey": "PRICE", "reverse": true })).await;
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        catalog.shop("demo").unwrap().products.len()
    );
}

#[tokio::test]
async fn last_and_before_page_backwards() {
    let h = start();
    let q = "query($first: Int, $last: Int, $after: String, $before: String) {
      products(first: $first, last: $last, after: $after, before: $before) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes { id }
      }
    }";
    let forward = h.demo_ok(q, json!({ "first": 20 })).await;
    let nodes = forward["data"]["products"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    let end = forward["data"]["products"]["pageInfo"]["endCursor"].clone();
    let back = h.demo_ok(q, json!({ "last": 5, "before": end })).await;
    let back_nodes = back["data"]["products"]["nodes"].as_array().unwrap();
    assert_eq!(back_nodes.as_slice(), &nodes[14..19]);
    assert_eq!(
        back["data"]["products"]["pageInfo"]["hasPreviousPage"],
        true
    );
    assert_eq!(back["data"]["products"]["pageInfo"]["hasNextPage"], true);
    let tail = h.demo_ok(q, json!({ "last": 3 })).await;
    assert_eq!(tail["data"]["products"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(
        tail["data"]["products"]["nodes"].as_array().unwrap().len(),
        3
    );
}

#[tokio::test]
async fn page_size_and_cursor_errors() {
    let h = start();
    for (query, needle) in [
        ("{ products(first: 251) { nodes { id } } }", "250"),
        ("{ products(last: 300) { nodes { id } } }", "250"),
        ("{ products(first: -1) { nodes { id } } }", "positive"),
        ("{ products { nodes { id } } }", "first or last"),
        (
            "{ products(first: 5, after: \"not-a-cursor\") { nodes { id } } }",
            "cursor",
        ),
        ("{ collections(first: 1000) { nodes { id } } }", "250"),
        (
            "{ product(handle: \"hostile-mischief-wand\") { variants(first: 251) { nodes { id } } } }",
            "250",
        ),
    ] {
        let v = h.demo(query, json!({})).await;
        let message = v["errors"][0]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("no error for {query}: {v}"));
        assert!(message.contains(needle), "{query}: {message}");
    }
    let ok = h
        .demo("{ products(first: 250) { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        ok["data"]["products"]["nodes"].as_array().unwrap().len(),
        250
    );
}

#[tokio::test]
async fn collection_products_follow_the_manual_order_across_pages() {
    let h = start();
    let catalog = devshop::demo_catalog();
    let shop = catalog.shop("demo").unwrap();
    let all = shop.collections.iter().find(|c| c.handle == "all").unwrap();
    let expected: Vec<String> = all
        .products
        .iter()
        .map(|&i| shop.products[i].handle.clone())
        .collect();
    let q = "query($after: String) { collection(handle: \"all\") { products(first: 250, after: $after) {
        pageInfo { hasNextPage endCursor } nodes { handle } } } }";
    let mut got = Vec::new();
    let mut after = Value::Null;
    loop {
        let v = h.demo_ok(q, json!({ "after": after })).await;
        let page = &v["data"]["collection"]["products"];
        got.extend(
            page["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["handle"].as_str().unwrap().to_string()),
        );
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(got, expected);
    // Collections page by id, and an empty collection is an empty connection.
    let v = h
        .demo_ok("{ collections(first: 250) { pageInfo { hasNextPage } nodes { handle products(first: 1) { nodes { id } } } } }", json!({}))
        .await;
    let nodes = v["data"]["collections"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), shop.collections.len());
    let empty = nodes.iter().find(|c| c["handle"] == "coming-soon").unwrap();
    assert_eq!(empty["products"]["nodes"], json!([]));
}
