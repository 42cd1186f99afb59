//! HTTP status and transport failures → ShopifyError, and the retry decisions on them.

mod common;

use common::*;
use wandstore_core::http::TransportError;
use wandstore_shopify::{RetryPolicy, ShopifyError, parse_product_by_handle};

fn status_error(status: u16, headers: &[(&str, &str)]) -> ShopifyError {
    match parse_product_by_handle(&response(status, headers, b"irrelevant".to_vec())) {
        Err(e) => e,
        Ok(product) => panic!("HTTP {status} parsed as {product:?}"),
    }
}

/// status, headers, expected error, retryable, log code
type StatusCase = (
    u16,
    &'static [(&'static str, &'static str)],
    ShopifyError,
    bool,
    &'static str,
);

#[test]
fn status_mapping_table() {
    use ShopifyError::*;
    let table: Vec<StatusCase> = vec![
        (
            429,
            &[("retry-after", "2")],
            RateLimited {
                retry_after_ms: Some(2_000),
            },
            true,
            "shopify_rate_limited",
        ),
        (
            429,
            &[("Retry-After", "1.5")],
            RateLimited {
                retry_after_ms: Some(1_500),
            },
            true,
            "shopify_rate_limited",
        ),
        (
            429,
            &[],
            RateLimited {
                retry_after_ms: None,
            },
            true,
            "shopify_rate_limited",
        ),
        (
            430,
            &[],
            SecurityRejection,
            false,
            "shopify_security_rejection",
        ),
        (423, &[], ShopLocked, false, "shopify_shop_locked"),
        (402, &[], ShopUnavailable, false, "shopify_shop_unavailable"),
        (
            401,
            &[],
            Unauthorized { status: 401 },
            false,
            "shopify_unauthorized",
        ),
        (
            403,
            &[],
            Unauthorized { status: 403 },
            false,
            "shopify_unauthorized",
        ),
        (404, &[], NotFound, false, "shopify_not_found"),
        (
            500,
            &[],
            Server {
                status: 500,
                retry_after_ms: None,
            },
            true,
            "shopify_server_error",
        ),
        (
            502,
            &[],
            Server {
                status: 502,
                retry_after_ms: None,
            },
            true,
            "shopify_server_error",
        ),
        (
            503,
            &[("retry-after", "3")],
            Server {
                status: 503,
                retry_after_ms: Some(3_000),
            },
            true,
            "shopify_server_error",
        ),
        (
            400,
            &[],
            UnexpectedStatus {
                status: 400,
                body: "irrelevant".into(),
            },
            false,
            "shopify_unexpected_status",
        ),
    ];
    for (status, headers, expected, retryable, code) in table {
        let err = status_error(status, headers);
        assert_eq!(err, expected, "HTTP {status}");
        assert_eq!(err.is_retryable(), retryable, "HTTP {status}");
        assert_eq!(err.code(), code, "HTTP {status}");
        assert_eq!(err.status(), Some(status), "HTTP {status}");
    }
}

#[test]
fn a_graphql_body_on_a_5xx_is_still_a_server_error() {
    let err = parse_product_by_handle(&response(502, &[], fixture("product_by_handle.json")))
        .unwrap_err();
    assert_eq!(
        err,
        ShopifyError::Server {
            status: 502,
            retry_after_ms: None
        }
    );
}

#[test]
fn transport_errors() {
    let timeout = ShopifyError::from(TransportError::Timeout);
    assert_eq!(timeout, ShopifyError::Timeout);
    assert!(timeout.is_retryable());
    assert_eq!(timeout.code(), "shopify_timeout");
    assert_eq!(timeout.status(), None);
    let conn = ShopifyError::from(TransportError::Connection("connection reset".into()));
    assert_eq!(conn, ShopifyError::Connection("connection reset".into()));
    assert!(conn.is_retryable());
    assert_eq!(
        conn.to_string(),
        "could not reach Shopify: connection reset"
    );
}

#[test]
fn messages_say_what_to_do() {
    let table = [
        (
            status_error(429, &[("retry-after", "2")]),
            "Shopify rate-limited the request (HTTP 429); Retry-After 2000 ms",
        ),
        (
            status_error(429, &[]),
            "Shopify rate-limited the request (HTTP 429) without Retry-After",
        ),
        (
            status_error(430, &[]),
            "Shopify's bot protection rejected the request (HTTP 430 Security Rejection); \
             private-token requests should carry Shopify-Storefront-Buyer-IP",
        ),
        (
            status_error(423, &[]),
            "the Shopify shop is locked (HTTP 423); the merchant has to resolve it in Shopify",
        ),
        (
            status_error(401, &[]),
            "Shopify refused the Storefront token (HTTP 401); check the token and whether it is \
             a private or a public one in the store settings",
        ),
        (
            status_error(404, &[]),
            "no Storefront API at this address (HTTP 404); check the shop domain and API version",
        ),
        (status_error(500, &[]), "Shopify failed with HTTP 500"),
        (
            ShopifyError::Timeout,
            "no response from Shopify before the timeout",
        ),
    ];
    for (err, message) in table {
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn breaker_counts_upstream_trouble_only() {
    for status in [429, 430, 423, 402, 500, 502, 503] {
        assert!(status_error(status, &[]).trips_breaker(), "HTTP {status}");
    }
    for status in [400, 401, 403, 404] {
        assert!(!status_error(status, &[]).trips_breaker(), "HTTP {status}");
    }
    assert!(ShopifyError::Timeout.trips_breaker());
    assert!(!ShopifyError::InvalidInput("x".into()).trips_breaker());
}

#[test]
fn only_retryable_errors_are_retried() {
    let policy = RetryPolicy::default();
    for err in [
        status_error(430, &[]),
        status_error(423, &[]),
        status_error(401, &[]),
        status_error(404, &[]),
        status_error(400, &[]),
        ShopifyError::MalformedJson("eof".into()),
        ShopifyError::MissingData("x".into()),
        ShopifyError::UserErrors(vec![]),
    ] {
        assert_eq!(policy.next_delay(1, &err, 0.5), None, "{err:?}");
    }
}

#[test]
fn backoff_grows_exponentially_with_equal_jitter_and_a_cap() {
    let policy = RetryPolicy {
        max_attempts: 10,
        base_delay_ms: 100,
        max_delay_ms: 1_000,
        max_retry_after_ms: 5_000,
        attempt_timeout_ms: 10_000,
    };
    let err = ShopifyError::Timeout;
    // attempt, jitter → delay: half the step plus jitter × the other half.
    let table = [
        (1, 0.0, 50),
        (1, 0.5, 75),
        (1, 0.999, 99),
        (2, 0.0, 100),
        (3, 0.0, 200),
        (4, 0.0, 400),
        (4, 0.5, 600),
        (5, 0.0, 500),
        (5, 0.999, 999),
        (9, 0.0, 500),
    ];
    for (attempt, jitter, delay) in table {
        assert_eq!(
            policy.next_delay(attempt, &err, jitter),
            Some(delay),
            "attempt {attempt} jitter {jitter}"
        );
    }
}

#[test]
fn max_attempts_is_honoured() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_attempts, 3);
    let err = status_error(502, &[]);
    assert!(policy.next_delay(1, &err, 0.0).is_some());
    assert!(policy.next_delay(2, &err, 0.0).is_some());
    assert_eq!(policy.next_delay(3, &err, 0.0), None);
    assert_eq!(
        policy.next_delay(0, &err, 0.0),
        None,
        "attempt counts from 1"
    );
    let never = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    assert_eq!(never.next_delay(1, &err, 0.0), None);
}

#[test]
fn retry_after_is_a_floor_and_too_long_means_give_up() {
    let policy = RetryPolicy::default();
    let in_2s = status_error(429, &[("retry-after", "2")]);
    assert_eq!(policy.next_delay(1, &in_2s, 0.9), Some(2_000));
    let in_10ms = status_error(429, &[("retry-after", "0.01")]);
    assert_eq!(
        policy.next_delay(1, &in_10ms, 0.0),
        Some(100),
        "backoff wins"
    );
    let in_60s = status_error(429, &[("retry-after", "60")]);
    assert_eq!(policy.next_delay(1, &in_60s, 0.0), None);
    assert_eq!(
        RetryPolicy::background().next_delay(1, &status_error(429, &[("retry-after", "20")]), 0.0),
        Some(20_000)
    );
    let no_header = status_error(429, &[]);
    assert_eq!(policy.next_delay(1, &no_header, 0.0), Some(100));
}

#[test]
fn throttled_and_connection_errors_back_off() {
    let policy = RetryPolicy::default();
    let throttled = parse_product_by_handle(&ok("throttled.json")).unwrap_err();
    assert_eq!(policy.next_delay(1, &throttled, 0.0), Some(100));
    assert_eq!(policy.next_delay(2, &throttled, 0.0), Some(200));
    let conn = ShopifyError::Connection("refused".into());
    assert_eq!(policy.next_delay(1, &conn, 0.0), Some(100));
}

#[test]
fn odd_jitter_values_are_clamped() {
    let policy = RetryPolicy::default();
    let err = ShopifyError::Timeout;
    assert_eq!(policy.next_delay(1, &err, f64::NAN), Some(100));
    assert_eq!(policy.next_delay(1, &err, -3.0), Some(100));
    assert_eq!(policy.next_delay(1, &err, 7.0), Some(200));
    assert_eq!(policy.next_delay(1, &err, f64::INFINITY), Some(100));
}

#[test]
fn huge_attempt_numbers_do_not_overflow() {
    let policy = RetryPolicy {
        max_attempts: u32::MAX,
        ..RetryPolicy::default()
    };
    assert_eq!(
        policy.next_delay(200, &ShopifyError::Timeout, 0.0),
        Some(1_000)
    );
}
