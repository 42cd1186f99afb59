use super::*;
use crate::store::OrderLine;
use wandstore_shopify::{Token, UserError};

fn config() -> ShopConfig {
    ShopConfig::new("demo.myshopify.com", Token::Private("secret-token".into())).unwrap()
}

fn order(lines: &[(&str, u32)], ip: Option<&str>, country: Option<&str>) -> CheckoutOrder {
    CheckoutOrder {
        lines: lines
            .iter()
            .map(|(v, q)| OrderLine {
                variant_id: (*v).into(),
                quantity: *q,
            })
            .collect(),
        buyer_ip: ip.map(String::from),
        country: country.map(String::from),
    }
}

const VARIANT: &str = "gid://shopify/ProductVariant/44";

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    (req.headers.iter())
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn a_checkout_request_carries_the_lines_the_buyer_ip_and_the_country() {
    let (_, req) = checkout_request(
        config(),
        &order(&[(VARIANT, 2)], Some("203.0.113.7"), Some("DE")),
    )
    .unwrap();
    let body = String::from_utf8(req.body.clone()).unwrap();
    assert!(body.contains(VARIANT), "{body}");
    assert!(body.contains("\"DE\""), "{body}");
    assert_eq!(
        header(&req, "shopify-storefront-buyer-ip"),
        Some("203.0.113.7")
    );
}

#[test]
fn an_unusable_buyer_ip_or_country_is_dropped_not_refused() {
    let (_, req) = checkout_request(
        config(),
        &order(&[(VARIANT, 1)], Some("not an ip"), Some("de")),
    )
    .unwrap();
    let body = String::from_utf8(req.body.clone()).unwrap();
    assert_eq!(header(&req, "shopify-storefront-buyer-ip"), None);
    assert!(!body.contains("\"de\""), "{body}");
}

#[test]
fn an_order_shopify_would_refuse_is_refused_here() {
    for bad in [vec![], vec![("not-a-variant", 1)], vec![(VARIANT, 0)]] {
        let got = checkout_request(config(), &order(&bad, None, None));
        assert!(
            matches!(got, Err(StoreError::CheckoutRefused { .. })),
            "{bad:?}: {got:?}"
        );
    }
}

#[test]
fn shopifys_refusal_of_a_cart_is_the_shoppers_message() {
    let errors = ["Variant is sold out", "Quantity too high"].map(|m| UserError {
        field: vec![],
        message: m.into(),
        code: None,
    });
    let got = checkout_failed(GuardFailure::Upstream(ShopifyError::UserErrors(
        errors.to_vec(),
    )));
    assert_eq!(
        got,
        StoreError::CheckoutRefused {
            message: "Variant is sold out; Quantity too high".into()
        }
    );
}

#[test]
fn an_open_breaker_pauses_checkout_with_its_retry_time() {
    let got = checkout_failed(GuardFailure::BreakerOpen {
        retry_after_ms: 2_500,
    });
    let StoreError::CheckoutUnavailable { why } = got else {
        panic!("{got:?}")
    };
    assert_eq!(
        (why.cause.as_str(), why.retry_after_secs),
        ("breaker_open", 3)
    );
    assert!(why.message.contains("paused"), "{}", why.message);
}

#[test]
fn other_upstream_failures_make_checkout_and_sync_unavailable() {
    let got = checkout_failed(GuardFailure::Upstream(ShopifyError::Timeout));
    let StoreError::CheckoutUnavailable { why } = got else {
        panic!("{got:?}")
    };
    assert_eq!(why.cause, ShopifyError::Timeout.code());
    assert_eq!(why.retry_after_secs, 30);
    let limited = ShopifyError::RateLimited {
        retry_after_ms: Some(4_000),
    };
    let StoreError::CatalogUnavailable { why } = sync_failed(GuardFailure::Upstream(limited))
    else {
        panic!()
    };
    assert_eq!(why.retry_after_secs, 4);
    let StoreError::CatalogUnavailable { why } = sync_unfinished(&ShopifyError::Timeout) else {
        panic!()
    };
    assert_eq!(why.cause, ShopifyError::Timeout.code());
}

#[test]
fn an_unusable_connection_is_a_config_failure() {
    let why = config_unavailable("bad domain");
    assert_eq!(
        (
            why.cause.as_str(),
            why.message.as_str(),
            why.retry_after_secs
        ),
        ("shopify_config", "bad domain", 30)
    );
}

#[test]
fn a_refused_checkout_tells_the_shopper_why() {
    let refused = StoreError::CheckoutRefused {
        message: "Variant is sold out".into(),
    };
    let page = checkout_failure(AskError::Refused(refused));
    assert_eq!(page.status, 422);
    assert!(
        page.message.contains("Variant is sold out"),
        "{}",
        page.message
    );
    assert_eq!(page.retry_after_secs, None);
}

#[test]
fn an_unavailable_or_broken_checkout_is_a_503_with_its_retry_time() {
    let paused = checkout_failed(GuardFailure::BreakerOpen {
        retry_after_ms: 7_000,
    });
    let page = checkout_failure(AskError::Refused(paused));
    assert_eq!((page.status, page.retry_after_secs), (503, Some(7)));
    assert!(!page.message.contains("refused"));
    let broken = checkout_failure(AskError::Broken("garbage".into()));
    assert_eq!(broken.status, 503);
    assert!(
        !broken.message.contains("garbage"),
        "internal detail stays out"
    );
}

#[test]
fn a_sync_reports_what_it_cached_and_only_the_product_cap_truncates() {
    let products = SyncOutcome {
        items: vec!["a", "b"],
        truncated: true,
        pages: 2,
        skipped: vec![wandstore_shopify::Skipped {
            id: "gid://shopify/Product/9".into(),
            reason: "mixed currencies".into(),
        }],
    };
    let collections = SyncOutcome {
        items: vec![1],
        truncated: false,
        pages: 1,
        skipped: vec![],
    };
    let stats = UpstreamStats { calls: 3, ms: 40 };
    let report = sync_report(&products, &collections, 55, stats);
    assert_eq!(
        (
            report.products,
            report.collections,
            report.truncated,
            report.skipped
        ),
        (2, 1, true, 1)
    );
    assert_eq!((report.duration_ms, report.upstream), (55, stats));
    let capped_collections = SyncOutcome {
        truncated: true,
        ..collections
    };
    let untruncated = SyncOutcome {
        truncated: false,
        ..products
    };
    assert!(!sync_report(&untruncated, &capped_collections, 0, stats).truncated);
}

mod runs {
    use super::*;
    use crate::store_record::CreatePlan;
    use wandstore_core::breaker::{BreakerConfig, CircuitBreaker};
    use wandstore_core::guarded_run::{Action, Outcome};
    use wandstore_core::http::TransportError;

    fn record(domain: &str) -> StoreRecord {
        let create = serde_json::from_value(serde_json::json!({
            "input": {
                "slug": "acme",
                "display_name": "Acme",
                "currency": "EUR",
                "shopify": {"domain": domain, "storefront_token": "shpat_x"},
                "custom_domains": [],
            },
            "owner_token_hash": "hash",
            "base_domain": "wandstore.dev",
            "local_upstreams": true,
            "now_ms": 1,
        }))
        .unwrap();
        let (plan, _) = CreatePlan::new(create).unwrap();
        plan.to_save(Ok(false)).unwrap().clone()
    }

    fn fixture(name: &str) -> Outcome {
        let path = format!(
            "{}/../shopify/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        status(200, std::fs::read(path).unwrap())
    }

    fn status(status: u16, body: Vec<u8>) -> Outcome {
        Outcome::Answered {
            result: Ok(HttpResponse {
                status,
                headers: Vec::new(),
                body,
            }),
            ms: 4,
        }
    }

    fn breaker() -> CircuitBreaker {
        CircuitBreaker::new(BreakerConfig::default())
    }

    fn open_breaker() -> CircuitBreaker {
        let mut b = breaker();
        (0..5).for_each(|t| b.on_failure(t));
        b
    }

    /// Feeds `answers` to the run's requests; the action after the last.
    fn drive<X: Exchange<Error = ShopifyError>>(
        run: &mut GuardedRun<X>,
        b: &mut CircuitBreaker,
        answers: Vec<Outcome>,
    ) -> Action<RunResult<X::Error>> {
        let mut action = run.step(b, Outcome::Start, 10, 0.0);
        for answer in answers {
            assert!(matches!(action, Action::Send { .. }), "{action:?}");
            action = run.step(b, answer, 20, 0.0);
        }
        action
    }

    fn done<E: std::fmt::Debug>(action: Action<RunResult<E>>) -> RunResult<E> {
        match action {
            Action::Done(result) => result,
            other => panic!("not done: {other:?}"),
        }
    }

    #[test]
    fn a_checkout_sends_one_cart_create_and_answers_its_url_and_cost() {
        let lines = [(VARIANT, 2)];
        let mut run =
            checkout_run(&record("acme.myshopify.com"), &order(&lines, None, None)).unwrap();
        let mut b = breaker();
        let first = run.step(&mut b, Outcome::Start, 10, 0.0);
        let Action::Send { request, .. } = &first else {
            panic!("{first:?}")
        };
        assert!(
            request.url.contains("acme.myshopify.com"),
            "{}",
            request.url
        );
        let result = done(run.step(&mut b, fixture("cart_create_success.json"), 20, 0.0));
        let started = checkout_finished(run, result).unwrap();
        assert!(started.checkout_url.starts_with("https://"));
        assert_eq!(started.upstream, UpstreamStats { calls: 1, ms: 4 });
    }

    #[test]
    fn a_refused_cart_is_the_shoppers_message_and_a_down_shop_is_not_retried() {
        let lines = [(VARIANT, 2)];
        let rec = record("acme.myshopify.com");
        let mut run = checkout_run(&rec, &order(&lines, None, None)).unwrap();
        let mut b = breaker();
        let result = done(drive(
            &mut run,
            &mut b,
            vec![fixture("cart_create_user_errors.json")],
        ));
        assert!(matches!(
            checkout_finished(run, result),
            Err(StoreError::CheckoutRefused { .. })
        ));
        let mut run = checkout_run(&rec, &order(&lines, None, None)).unwrap();
        let result = done(drive(&mut run, &mut b, vec![status(500, b"oops".to_vec())]));
        assert!(matches!(
            checkout_finished(run, result),
            Err(StoreError::CheckoutUnavailable { .. })
        ));
        let mut run = checkout_run(&rec, &order(&lines, None, None)).unwrap();
        let slow = Outcome::Answered {
            result: Err(TransportError::Timeout),
            ms: 10_000,
        };
        let result = done(drive(&mut run, &mut b, vec![slow]));
        assert!(matches!(
            checkout_finished(run, result),
            Err(StoreError::CheckoutUnavailable { .. })
        ));
    }

    #[test]
    fn an_open_breaker_or_a_bad_order_refuses_checkout_before_anything_is_sent() {
        let rec = record("acme.myshopify.com");
        let mut run = checkout_run(&rec, &order(&[(VARIANT, 1)], None, None)).unwrap();
        let mut b = open_breaker();
        let result = done(run.step(&mut b, Outcome::Start, 10, 0.0));
        let Err(StoreError::CheckoutUnavailable { why }) = checkout_finished(run, result) else {
            panic!()
        };
        assert!(why.message.contains("paused"), "{}", why.message);
        assert!(matches!(
            checkout_run(&rec, &order(&[], None, None)),
            Err(StoreError::CheckoutRefused { .. })
        ));
    }

    #[test]
    fn a_sync_pages_products_then_collections_and_reports_what_it_cost() {
        let mut run = sync_run(
            &record("acme.myshopify.com"),
            1_000,
            100,
            RetryPolicy::default(),
        )
        .unwrap();
        let mut b = breaker();
        let pages = ["products_page_1.json", "products_page_2.json"];
        let mut answers: Vec<Outcome> = pages.iter().map(|p| fixture(p)).collect();
        answers.push(fixture("products_page_last.json"));
        answers.push(fixture("collections_page.json"));
        let result = done(drive(&mut run, &mut b, answers));
        let synced = sync_finished(run, result, 99).unwrap();
        assert_eq!((synced.products.len(), synced.collections.len()), (5, 2));
        assert_eq!(synced.report.upstream, UpstreamStats { calls: 4, ms: 16 });
        assert_eq!(
            (synced.report.duration_ms, synced.report.truncated),
            (99, false)
        );
        let handles: Vec<String> = synced.products.iter().map(|p| p.handle.clone()).collect();
        let report = synced.report.clone();
        let cached = synced.to_cache(1_234).unwrap();
        assert_eq!(cached.report, report);
        assert_eq!(cached.index.product_count(), 5);
        assert!(cached.index.product(&handles[4]).is_some());
        let sqls: Vec<&str> = cached.writes.iter().map(|w| w.sql).collect();
        use wandstore_storage::store_config as sc;
        assert_eq!(&sqls[..2], [sc::DELETE_PRODUCTS, sc::DELETE_COLLECTIONS]);
        let inserts = |sql| sqls.iter().filter(|s| **s == sql).count();
        assert_eq!(
            (inserts(sc::INSERT_PRODUCT), inserts(sc::INSERT_COLLECTION)),
            (5, 2)
        );
        let last = cached.writes.last().unwrap();
        assert_eq!(last.sql, sc::SET_SYNCED);
        assert_eq!(last.args, vec![1_234u64.into(), false.into()]);
        let first = &cached.writes[2];
        assert_eq!(first.args[..2], [0u64.into(), handles[0].as_str().into()]);
    }

    #[test]
    fn a_throttled_page_waits_and_garbage_or_an_open_breaker_fails_the_sync() {
        let rec = record("acme.myshopify.com");
        let mut b = breaker();
        let mut run = sync_run(&rec, 1_000, 100, RetryPolicy::background()).unwrap();
        let throttled = drive(&mut run, &mut b, vec![fixture("throttled.json")]);
        assert!(matches!(throttled, Action::Wait { .. }), "{throttled:?}");
        assert!(
            run.take_failure().is_some(),
            "the failed attempt is counted"
        );
        let mut run = sync_run(&rec, 1_000, 100, RetryPolicy::background()).unwrap();
        let result = done(drive(&mut run, &mut b, vec![fixture("malformed.json")]));
        let Err(StoreError::CatalogUnavailable { why }) = sync_finished(run, result, 1) else {
            panic!()
        };
        assert_ne!(why.cause, "breaker_open");
        let mut run = sync_run(&rec, 1_000, 100, RetryPolicy::background()).unwrap();
        let mut open = open_breaker();
        let result = done(run.step(&mut open, Outcome::Start, 10, 0.0));
        let Err(StoreError::CatalogUnavailable { why }) = sync_finished(run, result, 1) else {
            panic!()
        };
        assert_eq!(why.retry_after_secs, 60);
    }

    #[test]
    fn an_unusable_connection_refuses_sync_and_checkout_before_anything_is_sent() {
        let mut rec = record("acme.myshopify.com");
        rec.shopify_domain = "not a domain".into();
        assert!(matches!(
            sync_run(&rec, 1_000, 100, RetryPolicy::default()),
            Err(StoreError::CatalogUnavailable { .. })
        ));
        assert!(matches!(
            checkout_run(&rec, &order(&[(VARIANT, 1)], None, None)),
            Err(StoreError::CheckoutUnavailable { .. })
        ));
    }
}

#[test]
fn a_cart_with_nothing_to_buy_is_a_422_and_asks_nothing() {
    use std::collections::HashMap;
    use wandstore_core::cart::{CartLine, VariantInfo, reprice};
    use wandstore_core::money::{Currency, Money};
    let usd = Money::new(100, Currency::USD);
    let line = CartLine {
        variant_id: VARIANT.into(),
        product_handle: "mug".into(),
        title: "Mug".into(),
        quantity: 2,
        unit_price_when_added: usd,
        added_at_ms: 1,
    };
    let gone = reprice(std::slice::from_ref(&line), &HashMap::new());
    for cart in [vec![], gone] {
        let refused = checkout_order(&cart, None, None).unwrap_err();
        assert_eq!((refused.status, refused.retry_after_secs), (422, None));
        assert!(refused.message.contains("nothing that can be bought"));
    }
    let info = VariantInfo {
        variant_id: VARIANT.into(),
        product_handle: "mug".into(),
        product_title: "Mug".into(),
        variant_title: "Blue".into(),
        price: usd,
        available: true,
    };
    let catalog = HashMap::from([(VARIANT.to_owned(), info)]);
    let ip = Some("203.0.113.9".to_owned());
    let order = checkout_order(&reprice(&[line], &catalog), ip, None).unwrap();
    assert_eq!(
        order,
        self::order(&[(VARIANT, 2)], Some("203.0.113.9"), None)
    );
}
