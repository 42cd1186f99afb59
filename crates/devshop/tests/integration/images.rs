//! Image URLs from the API point at devshop itself and serve SVG placeholders.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::start;

#[tokio::test]
async fn image_urls_from_the_api_are_served_as_svg() {
    let h = start();
    let v = h
        .demo_ok(
            "{ products(first: 3) { nodes { featuredImage { url(transform: { maxWidth: 400 }) width height }
               images(first: 4) { nodes { id url } } } }
               collections(first: 20) { nodes { image { url } } } }",
            json!({}),
        )
        .await;
    let mut urls: Vec<String> = Vec::new();
    for p in v["data"]["products"]["nodes"].as_array().unwrap() {
        urls.push(p["featuredImage"]["url"].as_str().unwrap().to_string());
        for i in p["images"]["nodes"].as_array().unwrap() {
            assert!(
                i["id"]
                    .as_str()
                    .unwrap()
                    .starts_with("gid://shopify/ProductImage/")
            );
            urls.push(i["url"].as_str().unwrap().to_string());
        }
    }
    let collection_images: Vec<String> = v["data"]["collections"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["image"]["url"].as_str().map(str::to_string))
        .collect();
    assert!(!collection_images.is_empty());
    urls.extend(collection_images);
    assert!(urls[0].ends_with("?width=400"), "{}", urls[0]);
    for url in &urls {
        assert!(
            url.starts_with(&format!("{}/images/", h.shop.base_url())),
            "{url}"
        );
        let response = h.client.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        assert_eq!(response.headers()["content-type"], "image/svg+xml");
        let body = response.text().await.unwrap();
        assert!(body.starts_with("<svg") && body.ends_with("</svg>"));
    }
}

#[tokio::test]
async fn unknown_images_are_404() {
    let h = start();
    for path in [
        "/images/nope/a.svg",
        "/images/demo/a.png",
        "/images/demo/%3Cscript%3E.svg",
        "/images/demo/.svg",
    ] {
        let response = h.client.get(h.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}
