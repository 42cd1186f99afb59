use super::*;
use wandstore_core::cart::FormAction;

#[test]
fn a_first_visits_read_touches_no_storage_and_a_return_or_a_write_does() {
    let first = PagePlan::new("GET", "/products/hat", true, false);
    assert!(first.unrecorded);
    assert!(matches!(first.route, Ok(StoreRoute::Product("hat"))));
    assert!(!first.reads_body);
    assert!(!PagePlan::new("GET", "/products/hat", false, false).unrecorded);
    let write = PagePlan::new("POST", "/cart/add", true, false);
    assert!(!write.unrecorded);
    assert!(write.reads_body);
    assert!(matches!(
        write.route,
        Ok(StoreRoute::CartForm(FormAction::Add))
    ));
}

#[test]
fn the_cart_count_is_read_for_pages_and_errors_not_for_the_cart_or_its_api() {
    assert!(PagePlan::new("GET", "/", false, false).counts_cart);
    assert!(PagePlan::new("GET", "/nowhere/at/all", false, false).counts_cart);
    assert!(!PagePlan::new("GET", "/cart", false, false).counts_cart);
    assert!(!PagePlan::new("GET", "/api/cart", false, false).counts_cart);
    assert!(!PagePlan::new("POST", "/cart/remove", false, false).counts_cart);
}

#[test]
fn only_cart_writes_meet_the_shoppers_own_limit_and_its_refusal_reads_as_its_route_does() {
    for (method, path) in [
        ("POST", "/api/cart"),
        ("POST", "/cart/add"),
        ("POST", "/personalization"),
    ] {
        let plan = PagePlan::new(method, path, false, false);
        assert_eq!(plan.limited, Some(RateClass::CartWrites), "{method} {path}");
    }
    for (method, path) in [
        ("GET", "/api/cart"),
        ("GET", "/"),
        ("GET", "/search"),
        ("POST", "/checkout"),
        ("GET", "/x/y"),
    ] {
        assert_eq!(
            PagePlan::new(method, path, false, false).limited,
            None,
            "{method} {path}"
        );
    }
    let api = PagePlan::new("POST", "/api/cart", false, false);
    let (e, as_json) = api.refusal(RateClass::CartWrites, 12);
    assert!(as_json);
    assert_eq!((e.status, e.retry_after_secs), (429, Some(12)));
    let form = PagePlan::new("POST", "/cart/add", false, false);
    assert!(!form.refusal(RateClass::CartWrites, 0).1);
}

#[test]
fn paths_no_route_takes_wrong_methods_and_the_workers_own_routes_are_error_pages() {
    let missing = PagePlan::new("GET", "/nowhere", false, false)
        .route
        .unwrap_err();
    assert_eq!(missing.status, 404);
    let wrong = PagePlan::new("DELETE", "/cart", false, false)
        .route
        .unwrap_err();
    assert_eq!((wrong.status, wrong.allow), (405, Some("GET, HEAD")));
    for path in ["/assets/a.png", "/favicon.ico", "/live"] {
        let e = PagePlan::new("GET", path, false, false).route.unwrap_err();
        assert_eq!(e.status, 404, "{path}");
    }
    let huge = "/products/".to_owned() + &"x".repeat(10_000);
    assert!(PagePlan::new("GET", &huge, false, false).route.is_ok());
    assert!(PagePlan::new("PROPFIND", "/", true, false).route.is_err());
}

#[test]
fn checkout_is_refused_in_a_preview_only() {
    let e = PagePlan::new("POST", "/checkout", false, true)
        .route
        .unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (403, "preview_checkout"));
    assert!(matches!(
        PagePlan::new("POST", "/checkout", false, false).route,
        Ok(StoreRoute::Checkout)
    ));
    assert!(PagePlan::new("GET", "/", false, true).route.is_ok());
}

#[test]
fn a_first_visits_home_view_is_shown_as_one_and_reported_unrecorded() {
    let mut report = ObjectReport::default();
    assert_eq!(home_view(&mut report, true, false), HomeView::Shown(1));
    assert!(report.unrecorded_home_view);
    assert!(!report.hint_used);
}

#[test]
fn a_returning_home_view_counts_the_hinted_first_view_too() {
    let mut report = ObjectReport::default();
    assert_eq!(
        home_view(&mut report, false, true),
        HomeView::Count { first: 2 }
    );
    assert!(report.hint_used, "the entry drops the hint from the cookie");
    assert!(!report.unrecorded_home_view);
    let mut plain = ObjectReport::default();
    assert_eq!(
        home_view(&mut plain, false, false),
        HomeView::Count { first: 1 }
    );
    assert_eq!(plain, ObjectReport::default(), "nothing to report");
}

#[test]
fn an_unrecorded_view_never_uses_the_hint() {
    // A first visit carries no hint, but a stale one must not be reported as used when
    // nothing was written.
    let mut report = ObjectReport::default();
    assert_eq!(home_view(&mut report, true, true), HomeView::Shown(1));
    assert!(!report.hint_used);
}

#[test]
fn a_limited_request_is_counted_then_refused_past_the_limit_and_reported() {
    let mut window = SlidingWindow::new(1, 60_000);
    let mut report = ObjectReport::default();
    let write = PagePlan::new("POST", "/api/cart", false, false);
    assert!(write.admit(&mut window, 1_000, &mut report).is_none());
    let (e, as_json) = write.admit(&mut window, 2_000, &mut report).unwrap();
    assert_eq!((e.status, as_json), (429, true));
    assert_eq!(e.retry_after_secs, Some(59));
    assert!(report.rate_limited);
    let form = PagePlan::new("POST", "/cart/add", false, false);
    assert!(
        !form.admit(&mut window, 3_000, &mut report).unwrap().1,
        "a page"
    );
}

#[test]
fn a_request_without_a_shoppers_limit_is_never_counted() {
    let mut window = SlidingWindow::new(0, 60_000);
    let mut report = ObjectReport::default();
    let read = PagePlan::new("GET", "/cart", false, false);
    assert!(read.admit(&mut window, 1, &mut report).is_none());
    assert!(!report.rate_limited);
    let no_route = PagePlan::new("POST", "/nowhere", false, false);
    assert!(no_route.admit(&mut window, 1, &mut report).is_none());
}
