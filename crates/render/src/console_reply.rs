//! The owner console's response, whole: the driver's answer drawn ([`console_answer`]) as a
//! 303 or a page with the cookies it sets, or the request's error as the platform's page (and
//! in the request's log line). Nothing the console answers is cached (`private, no-store`).

use crate::Chrome;
use crate::listing_pages::unrendered;
use crate::pages::{Audience, ConsoleShown, console_answer};
use wandstore_core::headers::PRIVATE_NO_STORE;
use wandstore_core::log::RequestLog;
use wandstore_protocol::EdgeError;
use wandstore_protocol::console_driver::Answer;
use wandstore_protocol::entry_route::HTML;

/// A response's status, headers and body.
pub type Reply = (u16, Vec<(&'static str, String)>, String);

/// What the console answers a request that ended with `answered`; an error (the driver's,
/// or a page that failed to render) is noted in its `log` line.
pub fn console_reply(answered: Result<Answer, EdgeError>, log: &mut RequestLog) -> Reply {
    let shown = answered.map(|a| console_answer(a, &log.request_id));
    let (status, mut headers, body) = match shown {
        Ok((ConsoleShown::SeeOther(location), cookies)) => {
            (303, setting(("location", location), cookies), String::new())
        }
        Ok((ConsoleShown::Page(status, Ok(html)), cookies)) => (
            status,
            setting(("content-type", HTML.into()), cookies),
            html,
        ),
        Ok((ConsoleShown::Page(_, Err(e)), _)) => failed(unrendered(e), log),
        Err(e) => failed(e, log),
    };
    headers.push(("cache-control", PRIVATE_NO_STORE.to_owned()));
    (status, headers, body)
}

/// `first` and a `Set-Cookie` for each of `cookies`.
fn setting(first: (&'static str, String), cookies: Vec<String>) -> Vec<(&'static str, String)> {
    let set = cookies.into_iter().map(|cookie| ("set-cookie", cookie));
    std::iter::once(first).chain(set).collect()
}

/// The error as the platform's page, noted in the log line.
fn failed(e: EdgeError, log: &mut RequestLog) -> Reply {
    e.note_in(log);
    let rid = &log.request_id;
    let (headers, body) = Audience::page(Chrome::platform(rid)).answer(&e, rid);
    (e.status, headers, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(request_id: &str) -> RequestLog {
        RequestLog {
            request_id: request_id.into(),
            ..RequestLog::default()
        }
    }

    fn header<'a>(reply: &'a Reply, name: &str) -> Vec<&'a str> {
        let named = reply.1.iter().filter(|(n, _)| *n == name);
        named.map(|(_, v)| v.as_str()).collect()
    }

    #[test]
    fn a_redirect_sets_its_cookies_and_is_never_cached() {
        let answer = Answer::SeeOther {
            location: "/console?done=saved".into(),
            cookies: vec!["a=1".into(), "b=2".into()],
        };
        let reply = console_reply(Ok(answer), &mut log("rid-1"));
        assert_eq!((reply.0, reply.2.as_str()), (303, ""));
        assert_eq!(header(&reply, "location"), ["/console?done=saved"]);
        assert_eq!(header(&reply, "set-cookie"), ["a=1", "b=2"]);
        assert_eq!(header(&reply, "cache-control"), [PRIVATE_NO_STORE]);
    }

    #[test]
    fn a_page_is_html_with_its_status() {
        let answer = Answer::SignIn {
            status: 401,
            store: "<acme>".into(),
            notice: None,
            csrf: "token".into(),
            cookies: vec!["nonce=x".into()],
        };
        let reply = console_reply(Ok(answer), &mut log("rid-7"));
        assert_eq!(reply.0, 401);
        assert_eq!(header(&reply, "content-type"), [HTML]);
        assert_eq!(header(&reply, "set-cookie"), ["nonce=x"]);
        assert_eq!(header(&reply, "cache-control"), [PRIVATE_NO_STORE]);
        assert!(reply.2.contains("rid-7") && !reply.2.contains("<acme>"));
    }

    #[test]
    fn an_error_is_the_platform_page_with_its_status_and_no_cookie() {
        let e = EdgeError::bad_request("bad_form", "that form is broken");
        let mut noted = log("rid-9");
        let reply = console_reply(Err(e), &mut noted);
        assert_eq!(noted.error_code.as_deref(), Some("bad_form"));
        assert_eq!(reply.0, 400);
        assert!(header(&reply, "set-cookie").is_empty());
        assert_eq!(header(&reply, "cache-control"), [PRIVATE_NO_STORE]);
        assert!(header(&reply, "content-type")[0].starts_with("text/html"));
        assert!(reply.2.contains("rid-9"), "{}", reply.2);
    }
}
