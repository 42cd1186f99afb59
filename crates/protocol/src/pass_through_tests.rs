use super::*;
use wandstore_core::cookie_hints::Hints;
use wandstore_core::identity::CookieScope;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn value<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn finish<'a>(
    security: &'a [(&'a str, String)],
    cookie: Option<&'a CookieDraft>,
    quota: Option<&'a Quota>,
) -> Finish<'a> {
    Finish {
        request_id: "rid-1",
        timing: "3ms",
        security,
        cookie,
        quota,
    }
}

fn draft(new: bool, saw_home: bool) -> CookieDraft {
    CookieDraft {
        token: "v1.tok.sig".into(),
        scope: CookieScope::new("/s/demo/", "https", "example.com"),
        new,
        sent: Hints {
            saw_home,
            ..Hints::default()
        },
        now_ms: 0,
    }
}

#[test]
fn the_report_goes_to_the_log_and_never_to_the_client() {
    let report = ObjectReport {
        rows_read: 3,
        rows_written: 1,
        do_calls: 1,
        cache: Some("local".into()),
        upstream_calls: 2,
        upstream_ms: 40,
        rate_limited: true,
        ..ObjectReport::default()
    };
    let from = pairs(&[
        ("content-type", "text/html"),
        (REPORT_HEADER, &report.to_header()),
    ]);
    let (headers, got) = outgoing(200, from.clone(), &finish(&[], None, None));
    assert!(value(&headers, REPORT_HEADER).is_empty());
    assert_eq!(value(&headers, "content-type"), ["text/html"]);
    assert_eq!(got, report);
    let mut log = RequestLog::default();
    got.log_into(&mut log);
    assert_eq!((log.rows_read, log.rows_written), (Some(3), Some(1)));
    assert_eq!(log.do_calls, Some(2), "the entry's own call counts");
    assert_eq!((log.upstream_calls, log.upstream_ms), (Some(2), Some(40)));
    assert_eq!(log.cache.as_deref(), Some("local"));
    assert_eq!(log.rate_decision, Some("limited"));
}

#[test]
fn a_malformed_or_missing_report_reads_as_empty() {
    for from in [pairs(&[(REPORT_HEADER, "{not json")]), vec![]] {
        let (headers, report) = outgoing(200, from.clone(), &finish(&[], None, None));
        assert_eq!(report, ObjectReport::default());
        let mut log = RequestLog::default();
        report.log_into(&mut log);
        assert_eq!(log.do_calls, Some(1));
        assert_eq!(log.upstream_calls, None, "no upstream calls, no field");
        assert_eq!(log.rate_decision, None);
        assert!(value(&headers, REPORT_HEADER).is_empty());
    }
}

#[test]
fn store_pages_are_never_cached_whatever_the_object_said() {
    let from = pairs(&[("cache-control", "public, max-age=600")]);
    let (headers, _) = outgoing(200, from.clone(), &finish(&[], None, None));
    assert_eq!(value(&headers, "cache-control"), ["private, no-store"]);
}

#[test]
fn a_new_shoppers_cookie_is_set_on_success_only() {
    let new = draft(true, false);
    let (ok, _) = outgoing(200, Vec::new(), &finish(&[], Some(&new), None));
    assert_eq!(value(&ok, "set-cookie").len(), 1);
    assert!(value(&ok, "set-cookie")[0].starts_with("wandstore_shopper=v1.tok.sig"));
    let (refused, _) = outgoing(404, Vec::new(), &finish(&[], Some(&new), None));
    assert!(value(&refused, "set-cookie").is_empty());
    // A returning shopper's cookie is set again only once their hint was counted.
    let old = draft(false, true);
    let (unchanged, _) = outgoing(200, Vec::new(), &finish(&[], Some(&old), None));
    assert!(value(&unchanged, "set-cookie").is_empty());
    let counted = ObjectReport {
        hint_used: true,
        ..ObjectReport::default()
    };
    let from = pairs(&[(REPORT_HEADER, &counted.to_header())]);
    let (reset, _) = outgoing(200, from.clone(), &finish(&[], Some(&old), None));
    assert_eq!(value(&reset, "set-cookie").len(), 1);
}

#[test]
fn quota_request_id_timing_and_security_headers_come_last() {
    let quota = Quota {
        allowed: true,
        limit: 10,
        remaining: 7,
        reset_secs: 42,
        window_secs: 60,
    };
    let security = [("x-frame-options", "DENY".to_owned())];
    let from = pairs(&[("content-type", "text/html")]);
    let (headers, _) = outgoing(303, from.clone(), &finish(&security, None, Some(&quota)));
    let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "content-type",
            "cache-control",
            "ratelimit-policy",
            "ratelimit",
            "x-request-id",
            "x-response-time",
            "x-frame-options"
        ]
    );
    assert_eq!(value(&headers, "ratelimit-policy"), [quota.policy_header()]);
    assert_eq!(value(&headers, "x-request-id"), ["rid-1"]);
    assert_eq!(value(&headers, "x-response-time"), ["3ms"]);
}

#[test]
fn a_page_the_entry_rendered_itself_adds_no_object_call() {
    let spent = ObjectReport {
        do_calls: 1,
        cache: Some("local".into()),
        ..ObjectReport::default()
    };
    let mut log = RequestLog::default();
    spent.clone().log_at_edge(&mut log);
    assert_eq!(log.do_calls, Some(1));
    assert_eq!((log.rows_read, log.rows_written), (Some(0), Some(0)));
    assert_eq!(log.cache.as_deref(), Some("local"));
    let mut object = RequestLog::default();
    spent.log_into(&mut object);
    assert_eq!(object.do_calls, Some(2));
}

#[test]
fn a_forwarded_answer_carries_the_preview_policy_only_for_a_preview() {
    let plain = Forwarded {
        cookie: None,
        quota: None,
        allow: None,
    };
    assert!(matches!(plain.policy(), Policy::Default));
    let finish = plain.finish("rid-2", "5ms", &[]);
    assert_eq!((finish.request_id, finish.timing), ("rid-2", "5ms"));
    assert!(finish.cookie.is_none() && finish.quota.is_none());
    let allow = PageAllowances::preview("n0nce".to_owned(), "wandstore.test");
    let preview = Forwarded {
        allow: Some(allow.clone()),
        ..plain
    };
    match preview.policy() {
        Policy::Preview(kept) => assert_eq!(kept, &allow),
        other => panic!("{other:?}"),
    }
}
