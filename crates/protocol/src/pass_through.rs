//! What the entry does to a shopper object's response on its way to the client, decided here
//! and set by the shell in one call: the object's headers pass except the internal report
//! (which goes to the log line) and its `Cache-Control` (every store page carries the
//! shopper's data, so it is `private, no-store`); then the shopper's cookie if it is set or
//! changed, the exact rate-limit quota, the request id, the response time and the security
//! headers.

use crate::shopper::{CookieDraft, ObjectReport, REPORT_HEADER};
use wandstore_core::abuse::Quota;
use wandstore_core::headers::{PRIVATE_NO_STORE, PageAllowances, Policy};
use wandstore_core::log::RequestLog;
use wandstore_core::rate_limit::RateDecision;

/// What the entry keeps of a request it forwarded, to finish the object's answer (nothing
/// beyond the finishing headers: `Default`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Forwarded {
    /// The shopper's cookie, set or changed once the object's report is read.
    pub cookie: Option<CookieDraft>,
    /// An exact limit's quota, reported in `RateLimit` headers.
    pub quota: Option<Quota>,
    /// What the page may do beyond the default policy (a preview's script and framing).
    pub allow: Option<PageAllowances>,
}

impl Forwarded {
    /// The security policy the answer carries: a preview's, else the default.
    pub fn policy(&self) -> Policy<'_> {
        self.allow.as_ref().map_or(Policy::Default, Policy::Preview)
    }

    /// What the answer gets on its way out, with its request id, time and security headers.
    pub fn finish<'a>(
        &'a self,
        request_id: &'a str,
        timing: &'a str,
        security: &'a [(&'a str, String)],
    ) -> Finish<'a> {
        Finish {
            request_id,
            timing,
            security,
            cookie: self.cookie.as_ref(),
            quota: self.quota.as_ref(),
        }
    }
}

/// What every streamed-through response gets on its way out.
pub struct Finish<'a> {
    pub request_id: &'a str,
    pub timing: &'a str,
    pub security: &'a [(&'a str, String)],
    /// The shopper's cookie, if it is set or changed.
    pub cookie: Option<&'a CookieDraft>,
    pub quota: Option<&'a Quota>,
}

/// The headers the client gets with the object's `status` and body, and what the object
/// reported (a missing or malformed report reads as an empty one).
pub fn outgoing(
    status: u16,
    from_object: Vec<(String, String)>,
    finish: &Finish<'_>,
) -> (Vec<(String, String)>, ObjectReport) {
    let mut headers: Vec<(String, String)> = Vec::with_capacity(from_object.len() + 8);
    let mut report = ObjectReport::default();
    for (name, value) in from_object {
        if name == REPORT_HEADER {
            report = ObjectReport::from_header(&value).unwrap_or_default();
        } else if name != "cache-control" {
            headers.push((name, value));
        }
    }
    let mut add = |name: &str, value: String| headers.push((name.to_owned(), value));
    if let Some(cookie) = finish.cookie.and_then(|d| d.header(status, &report)) {
        add("set-cookie", cookie);
    }
    add("cache-control", PRIVATE_NO_STORE.to_owned());
    if let Some(q) = finish.quota {
        add("ratelimit-policy", q.policy_header());
        add("ratelimit", q.header());
    }
    add("x-request-id", finish.request_id.to_owned());
    add("x-response-time", finish.timing.to_owned());
    for (name, value) in finish.security {
        add(name, value.clone());
    }
    (headers, report)
}

impl ObjectReport {
    /// Moves what the object reported into the request's log line (its call to the object
    /// counts as one more object call).
    pub fn log_into(self, log: &mut RequestLog) {
        self.log_calls(log, 1);
    }

    /// Moves what the entry spent on a page it rendered itself (`edge_pages`) into the log
    /// line: no object answered it, so no call of its own is added.
    pub fn log_at_edge(self, log: &mut RequestLog) {
        self.log_calls(log, 0);
    }

    fn log_calls(self, log: &mut RequestLog, own_call: u64) {
        if self.rate_limited {
            log.rate_decision = Some(RateDecision::Limited.name());
        }
        log.rows_read = Some(self.rows_read);
        log.rows_written = Some(self.rows_written);
        log.do_calls = Some(self.do_calls.saturating_add(own_call));
        if self.upstream_calls > 0 {
            log.upstream_calls = Some(self.upstream_calls);
            log.upstream_ms = Some(self.upstream_ms);
        }
        log.cache = self.cache;
    }
}

#[cfg(test)]
#[path = "pass_through_tests.rs"]
mod tests;
