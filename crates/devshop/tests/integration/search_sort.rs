//! `sortKey`, `reverse` and the `query` search subset; hostile content comes back verbatim.

use serde_json::{Value, json};

use crate::common::{Harness, SMALL_PAGE, cents, start};

async fn page(h: &Harness, vars: Value) -> Vec<Value> {
    let mut vars = vars;
    if vars.get("first").is_none() {
        vars["first"] = json!(250);
    }
    let v = h.demo_ok(SMALL_PAGE, vars).await;
    v["data"]["products"]["nodes"].as_array().unwrap().clone()
}

fn strings(nodes: &[Value], field: &str) -> Vec<String> {
    nodes
        .iter()
        .map(|n| n[field].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn sort_keys_order_products() {
    let h = start();
    let titles = strings(&page(&h, json!({ "sortKey": "TITLE" })).await, "title");
    let lower: Vec<String> = titles.iter().map(|t| t.to_lowercase()).collect();
    assert!(lower.windows(2).all(|w| w[0] <= w[1]), "TITLE ascending");
    let reversed = strings(
        &page(&h, json!({ "sortKey": "TITLE", "reverse": true })).await,
        "title",
    );
    let lower: Vec<String> = reversed.iter().map(|t| t.to_lowercase()).collect();
    assert!(lower.windows(2).all(|w| w[0] >= w[1]), "TITLE descending");

    let prices: Vec<i64> = page(&h, json!({ "sortKey": "PRICE" }))
        .await
        .iter()
        .map(|n| cents(&n["priceRange"]["minVariantPrice"]["amount"]))
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "PRICE ascending");

    for (key, field) in [
        ("UPDATED_AT", "updatedAt"),
        ("CREATED_AT", "createdAt"),
        ("VENDOR", "vendor"),
        ("PRODUCT_TYPE", "productType"),
    ] {
        let values = strings(&page(&h, json!({ "sortKey": key })).await, field);
        let lower: Vec<String> = values.iter().map(|t| t.to_lowercase()).collect();
        assert!(lower.windows(2).all(|w| w[0] <= w[1]), "{key}");
    }
    // BEST_SELLING follows the catalog's ranks.
    let catalog = devshop::demo_catalog();
    let shop = catalog.shop("demo").unwrap();
    let handles = strings(
        &page(&h, json!({ "sortKey": "BEST_SELLING", "first": 20 })).await,
        "handle",
    );
    let ranks: Vec<u32> = handles
        .iter()
        .map(|h| shop.products[shop.product_by_handle(h).unwrap()].sales_rank)
        .collect();
    assert_eq!(ranks, (1..=20).collect::<Vec<u32>>());
}

#[tokio::test]
async fn query_filters_products() {
    let h = start();
    let gifts = page(&h, json!({ "query": "tag:gift" })).await;
    assert!(!gifts.is_empty());
    assert!(
        gifts
            .iter()
            .all(|n| n["tags"].as_array().unwrap().contains(&json!("gift")))
    );

    let wands = page(&h, json!({ "query": "product_type:Wands" })).await;
    assert!(!wands.is_empty() && wands.iter().all(|n| n["productType"] == "Wands"));

    let vendor = page(&h, json!({ "query": "vendor:'Hexwood & Co.'" })).await;
    assert!(!vendor.is_empty() && vendor.iter().all(|n| n["vendor"] == "Hexwood & Co."));

    let moon = page(&h, json!({ "query": "title:moon*" })).await;
    assert!(!moon.is_empty());
    assert!(moon.iter().all(|n| {
        n["title"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .split(' ')
            .any(|w| w.starts_with("moon"))
    }));

    let sold_out = page(&h, json!({ "query": "available_for_sale:false" })).await;
    assert!(!sold_out.is_empty() && sold_out.iter().all(|n| n["availableForSale"] == false));

    let recent = page(&h, json!({ "query": "updated_at:>'2026-06-01T00:00:00Z'" })).await;
    assert!(!recent.is_empty());
    assert!(
        recent
            .iter()
            .all(|n| n["updatedAt"].as_str().unwrap() > "2026-06-01T00:00:00Z")
    );

    let both = page(&h, json!({ "query": "tag:gift AND product_type:Robes" })).await;
    assert!(
        both.iter().all(|n| n["productType"] == "Robes"
            && n["tags"].as_array().unwrap().contains(&json!("gift")))
    );
    let either = page(
        &h,
        json!({ "query": "product_type:Robes OR product_type:Brooms" }),
    )
    .await;
    assert!(
        either.iter().any(|n| n["productType"] == "Robes")
            && either.iter().any(|n| n["productType"] == "Brooms")
    );
    let not_wands = page(&h, json!({ "query": "-product_type:Wands" })).await;
    assert!(not_wands.iter().all(|n| n["productType"] != "Wands"));

    // Plain words search titles, tags and descriptions; RELEVANCE puts title hits first.
    let cauldrons = page(&h, json!({ "query": "cauldron", "sortKey": "RELEVANCE" })).await;
    assert!(!cauldrons.is_empty());
    assert!(
        cauldrons[0]["title"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("cauldron")
    );
    assert!(page(&h, json!({ "query": "zzzznothing" })).await.is_empty());
}

#[tokio::test]
async fn hostile_content_round_trips_verbatim() {
    let h = start();
    let v = h
        .demo_ok(
            "query($h: String!) { product(handle: $h) { title vendor tags description descriptionHtml
               seo { title } featuredImage { altText url } options { name values optionValues { name } } } }",
            json!({ "h": devshop::HOSTILE_PRODUCT_HANDLE }),
        )
        .await;
    let p = &v["data"]["product"];
    assert_eq!(p["title"], devshop::HOSTILE_PRODUCT_TITLE);
    assert_eq!(p["vendor"], devshop::HOSTILE_VENDOR);
    assert!(
        p["tags"]
            .as_array()
            .unwrap()
            .contains(&json!(devshop::HOSTILE_TAG))
    );
    assert_eq!(p["descriptionHtml"], devshop::HOSTILE_DESCRIPTION_HTML);
    assert!(!p["description"].as_str().unwrap().contains('<'));
    assert!(p["seo"]["title"].as_str().unwrap().contains("</title>"));
    assert!(
        p["featuredImage"]["altText"]
            .as_str()
            .unwrap()
            .contains("\"><img")
    );
    assert_eq!(p["options"][0]["values"][1], "Large & <Loud>");
    assert_eq!(p["options"][0]["optionValues"][1]["name"], "Large & <Loud>");
    let found = h
        .demo_ok(SMALL_PAGE, json!({ "first": 5, "query": "tom & jerry" }))
        .await;
    assert_eq!(
        found["data"]["products"]["nodes"][0]["handle"],
        devshop::HOSTILE_PRODUCT_HANDLE
    );
}

#[tokio::test]
async fn collections_sort_and_search() {
    let h = start();
    let v = h
        .demo_ok(
            "{ collections(first: 50, sortKey: TITLE) { nodes { title } } }",
            json!({}),
        )
        .await;
    let titles: Vec<String> = v["data"]["collections"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(titles.windows(2).all(|w| w[0] <= w[1]));
    let v = h
        .demo_ok(
            "{ collections(first: 50, query: \"title:robes\") { nodes { handle } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        v["data"]["collections"]["nodes"],
        json!([{ "handle": "robes" }])
    );
    let v = h
        .demo_ok(
            "{ collection(handle: \"robes\") { products(first: 250, sortKey: PRICE, filters: [{ available: true }, { price: { min: 50.0 } }]) { nodes { availableForSale priceRange { maxVariantPrice { amount } } } } } }",
            json!({}),
        )
        .await;
    let nodes = v["data"]["collection"]["products"]["nodes"]
        .as_array()
        .unwrap();
    assert!(!nodes.is_empty());
    assert!(nodes.iter().all(|n| n["availableForSale"] == true
        && cents(&n["priceRange"]["maxVariantPrice"]["amount"]) >= 5000));
}
