//! The whole catalog sync: products page by page, then collections; a product sync that
//! cannot finish asks for no collections.

mod common;

use common::*;
use wandstore_shopify::sync::Progress;
use wandstore_shopify::{CatalogSync, ShopifyError};

fn operation(request: &wandstore_core::http::HttpRequest) -> String {
    body_json(request)["query"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn products_are_paged_to_the_end_then_collections() {
    let mut sync = CatalogSync::new(private_config(), 1_000, 100);
    for (page, fetched) in [("products_page_1.json", 2), ("products_page_2.json", 4)] {
        let request = sync.next_request().unwrap();
        assert!(operation(&request).contains("products"), "{page}");
        assert_eq!(sync.on_response(&ok(page)), Ok(Progress::More { fetched }));
    }
    sync.next_request().unwrap();
    let last = sync.on_response(&ok("products_page_last.json"));
    assert_eq!(
        last,
        Ok(Progress::Done {
            fetched: 5,
            truncated: false
        })
    );
    let request = sync.next_request().unwrap();
    assert!(operation(&request).contains("collections"));
    assert!(matches!(
        sync.on_response(&ok("collections_page.json")),
        Ok(Progress::Done { .. })
    ));
    assert_eq!(sync.next_request(), None);
    let (products, collections) = sync.finish().unwrap();
    assert_eq!((products.items.len(), products.pages), (5, 3));
    assert_eq!(collections.items[0].handle, "winter");
}

#[test]
fn a_capped_product_sync_is_truncated_and_collections_still_follow() {
    let mut sync = CatalogSync::new(private_config(), 2, 100);
    sync.next_request().unwrap();
    let capped = sync.on_response(&ok("products_page_1.json"));
    assert_eq!(
        capped,
        Ok(Progress::Done {
            fetched: 2,
            truncated: true
        })
    );
    assert!(operation(&sync.next_request().unwrap()).contains("collections"));
    sync.on_response(&ok("collections_page.json")).unwrap();
    assert_eq!(sync.next_request(), None);
    let (products, _) = sync.finish().unwrap();
    assert!(products.truncated);
}

#[test]
fn a_bad_page_is_refused_and_the_same_request_can_be_sent_again() {
    let mut sync = CatalogSync::new(private_config(), 1_000, 100);
    let first = sync.next_request().unwrap();
    assert!(sync.on_response(&ok("malformed.json")).is_err());
    assert_eq!(
        sync.next_request(),
        Some(first),
        "nothing from the bad page was kept"
    );
}

#[test]
fn an_unfinished_sync_is_never_handed_out_as_the_catalog() {
    let mut sync = CatalogSync::new(private_config(), 1_000, 100);
    sync.next_request().unwrap();
    sync.on_response(&ok("products_page_1.json")).unwrap();
    assert!(matches!(sync.finish(), Err(ShopifyError::InvalidInput(_))));
    let mut cold = CatalogSync::new(private_config(), 1_000, 100);
    let _ = cold.next_request();
    assert!(cold.finish().is_err(), "no page answered yet");
}
