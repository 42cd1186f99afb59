//! The full-sync state machine across pages: cursors, the cap, failures and retries.

mod common;

use common::*;
use wandstore_shopify::ShopifyError;
use wandstore_shopify::sync::{FullSync, Progress};

fn after(request: &wandstore_core::http::HttpRequest) -> Option<String> {
    body_json(request)["variables"]["after"]
        .as_str()
        .map(str::to_owned)
}

const CURSOR_1: &str = "eyJsYXN0X2lkIjo4MDAyLCJsYXN0X3ZhbHVlIjoiODAwMiJ9";
const CURSOR_2: &str = "eyJsYXN0X2lkIjo4MDA0LCJsYXN0X3ZhbHVlIjoiODAwNCJ9";

#[test]
fn three_pages_follow_end_cursors_to_the_end() {
    let mut sync = FullSync::new(private_config(), 1_000);
    let r1 = sync.next_request().unwrap();
    assert_eq!(after(&r1), None);
    assert_eq!(
        sync.on_response(&ok("products_page_1.json")),
        Ok(Progress::More { fetched: 2 })
    );
    let r2 = sync.next_request().unwrap();
    assert_eq!(after(&r2).as_deref(), Some(CURSOR_1));
    assert_eq!(
        sync.on_response(&ok("products_page_2.json")),
        Ok(Progress::More { fetched: 4 })
    );
    let r3 = sync.next_request().unwrap();
    assert_eq!(after(&r3).as_deref(), Some(CURSOR_2));
    assert_eq!(
        sync.on_response(&ok("products_page_last.json")),
        Ok(Progress::Done {
            fetched: 5,
            truncated: false
        })
    );
    assert!(sync.is_done());
    assert_eq!(sync.next_request(), None);
    let outcome = sync.finish().unwrap();
    let handles: Vec<_> = outcome.items.iter().map(|p| p.handle.as_str()).collect();
    assert_eq!(
        handles,
        [
            "organic-hoodie",
            "enamel-mug",
            "canvas-tote",
            "wool-beanie",
            "gift-card"
        ]
    );
    assert_eq!(outcome.pages, 3);
    assert!(!outcome.truncated);
    assert!(outcome.skipped.is_empty());
}

#[test]
fn the_cap_stops_the_sync_and_says_it_was_truncated() {
    let mut sync = FullSync::new(private_config(), 3);
    assert_eq!(
        body_json(&sync.next_request().unwrap())["variables"]["first"],
        3
    );
    assert_eq!(
        sync.on_response(&ok("products_page_1.json")),
        Ok(Progress::More { fetched: 2 })
    );
    // Only one product of room left: ask for one.
    assert_eq!(
        body_json(&sync.next_request().unwrap())["variables"]["first"],
        1
    );
    // A server that ignores `first` still cannot push the sync past the cap.
    assert_eq!(
        sync.on_response(&ok("products_page_2.json")),
        Ok(Progress::Done {
            fetched: 3,
            truncated: true
        })
    );
    assert_eq!(sync.next_request(), None);
    let outcome = sync.finish().unwrap();
    assert_eq!(outcome.items.len(), 3);
    assert!(outcome.truncated);
    assert_eq!(outcome.items[2].handle, "canvas-tote");
}

#[test]
fn reaching_the_cap_on_the_last_page_is_not_truncation() {
    let mut sync = FullSync::new(private_config(), 5);
    for page in ["products_page_1.json", "products_page_2.json"] {
        sync.next_request().unwrap();
        sync.on_response(&ok(page)).unwrap();
    }
    sync.next_request().unwrap();
    assert_eq!(
        sync.on_response(&ok("products_page_last.json")),
        Ok(Progress::Done {
            fetched: 5,
            truncated: false
        })
    );
}

#[test]
fn cap_hit_exactly_while_more_pages_exist_is_truncation() {
    let mut sync = FullSync::new(private_config(), 2);
    sync.next_request().unwrap();
    assert_eq!(
        sync.on_response(&ok("products_page_1.json")),
        Ok(Progress::Done {
            fetched: 2,
            truncated: true
        })
    );
}

#[test]
fn a_failed_page_keeps_nothing_and_is_asked_again() {
    let mut sync = FullSync::new(private_config(), 1_000);
    sync.next_request().unwrap();
    sync.on_response(&ok("products_page_1.json")).unwrap();
    let second = sync.next_request().unwrap();

    let throttled = sync.on_response(&ok("throttled.json")).unwrap_err();
    assert!(throttled.is_retryable());
    let server = sync
        .on_response(&response(503, &[], b"upstream connect error".to_vec()))
        .unwrap_err();
    assert!(server.is_retryable());
    let partial = sync.on_response(&ok("errors_with_partial_data.json"));
    assert!(matches!(partial, Err(ShopifyError::GraphQl(_))));
    assert_eq!(sync.fetched(), 2, "nothing from failed responses");
    assert_eq!(sync.pages(), 1);

    let retry = sync.next_request().unwrap();
    assert_eq!(retry, second, "the same page is requested again");
    sync.on_response(&ok("products_page_2.json")).unwrap();
    sync.next_request().unwrap();
    sync.on_response(&ok("products_page_last.json")).unwrap();
    assert_eq!(sync.finish().unwrap().items.len(), 5);
}

#[test]
fn duplicate_products_across_pages_are_kept_once() {
    let mut sync = FullSync::new(private_config(), 1_000);
    sync.next_request().unwrap();
    sync.on_response(&ok("products_page_1.json")).unwrap();
    sync.next_request().unwrap();
    // The same first page again, but claiming to be the last one.
    let mut body: serde_json::Value =
        serde_json::from_slice(&fixture("products_page_1.json")).unwrap();
    body["data"]["products"]["pageInfo"]["hasNextPage"] = false.into();
    assert_eq!(
        sync.on_response(&response(200, &[], body.to_string().into_bytes())),
        Ok(Progress::Done {
            fetched: 2,
            truncated: false
        })
    );
}

#[test]
fn a_cursor_that_does_not_move_is_refused() {
    let mut sync = FullSync::new(private_config(), 1_000);
    sync.next_request().unwrap();
    sync.on_response(&ok("products_page_1.json")).unwrap();
    sync.next_request().unwrap();
    let err = sync.on_response(&ok("products_page_1.json")).unwrap_err();
    assert_eq!(err.code(), "shopify_missing_data");
    assert!(err.to_string().contains("endCursor"), "{err}");
    assert_eq!(sync.fetched(), 2);

    let mut fresh = FullSync::new(private_config(), 1_000);
    fresh.next_request().unwrap();
    let no_cursor =
        br#"{"data":{"products":{"pageInfo":{"hasNextPage":true,"endCursor":null},"nodes":[]}}}"#;
    assert!(
        fresh
            .on_response(&response(200, &[], no_cursor.to_vec()))
            .is_err()
    );
}

#[test]
fn an_empty_shop_is_a_finished_empty_sync() {
    let mut sync = FullSync::new(private_config(), 1_000);
    sync.next_request().unwrap();
    let empty =
        br#"{"data":{"products":{"pageInfo":{"hasNextPage":false,"endCursor":null},"nodes":[]}}}"#;
    assert_eq!(
        sync.on_response(&response(200, &[], empty.to_vec())),
        Ok(Progress::Done {
            fetched: 0,
            truncated: false
        })
    );
    let outcome = sync.finish().unwrap();
    assert!(outcome.items.is_empty());
    assert_eq!(outcome.pages, 1);
}

#[test]
fn responses_after_the_end_and_early_finish_are_refused() {
    let mut sync = FullSync::new(private_config(), 1_000);
    sync.next_request().unwrap();
    sync.on_response(&ok("products_page_1.json")).unwrap();
    let early = FullSync::new(private_config(), 1_000);
    assert_eq!(early.finish().unwrap_err().code(), "shopify_invalid_input");

    let mut done = FullSync::new(private_config(), 1_000);
    done.next_request().unwrap();
    done.on_response(&ok("products_page_last.json")).unwrap();
    let err = done.on_response(&ok("products_page_2.json")).unwrap_err();
    assert_eq!(err.code(), "shopify_invalid_input");
    assert_eq!(done.finish().unwrap().items.len(), 1);
}
