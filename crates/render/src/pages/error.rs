//! A page that explains what went wrong (404, 503, ...).

use crate::frame::Frame;
use crate::seo::{Head, page_title};
use crate::{Chrome, Rendered};
use askama::Template;
use wandstore_protocol::EdgeError;
use wandstore_protocol::entry_run::Reader;

/// Who reads an error: an API client (JSON) or a browser (a page in this frame).
pub enum Audience {
    Api,
    Page(Box<Chrome>),
}

impl Audience {
    pub fn page(chrome: Chrome) -> Self {
        Audience::Page(Box::new(chrome))
    }

    /// Who the entry's routing says reads an error (`protocol::entry_run`): a browser reads
    /// it in the platform's frame.
    pub fn for_reader(reader: Reader, request_id: &str) -> Self {
        match reader {
            Reader::Api => Audience::Api,
            Reader::Page => Audience::page(Chrome::platform(request_id)),
        }
    }

    /// The error as this audience reads it: its headers and body (`EdgeError::answer`), the
    /// themed page for a browser, the JSON for an API client (and when the page fails to
    /// render).
    pub fn answer(self, e: &EdgeError, request_id: &str) -> (Vec<(&'static str, String)>, String) {
        let page = match self {
            Audience::Api => None,
            Audience::Page(chrome) => ErrorPage {
                chrome: *chrome,
                heading: e.heading().to_owned(),
                message: e.page_message(),
            }
            .html()
            .ok(),
        };
        e.answer(page, request_id)
    }
}

/// A page that explains what went wrong (404, 503, ...), in the store's frame when known.
/// Store pages also offer a search box.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub heading: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorView<'a> {
    frame: Frame<'a>,
    heading: &'a str,
    message: &'a str,
    /// The search box starts empty.
    query: &'a str,
}

impl ErrorPage {
    pub fn html(&self) -> Rendered {
        let head = Head::private(page_title(&self.heading, &self.chrome));
        ErrorView {
            frame: Frame::new(&self.chrome, head),
            heading: &self.heading,
            message: &self.message,
            query: "",
        }
        .render()
    }

    pub fn not_found(chrome: Chrome, what: &str) -> Self {
        ErrorPage {
            chrome,
            heading: "Not found".to_owned(),
            message: format!("We could not find {what}."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(headers: &'a [(&str, String)], name: &str) -> Option<&'a str> {
        headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn an_api_client_reads_json_with_the_request_id() {
        let e = EdgeError::not_found("nope", "there is <nothing> here");
        let (headers, body) = Audience::Api.answer(&e, "req-1");
        assert_eq!(header(&headers, "content-type"), Some("application/json"));
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["error"]["code"], "nope");
        assert_eq!(json["error"]["request_id"], "req-1");
        assert!(!body.contains('<'), "{body}");
    }

    #[test]
    fn a_browser_reads_the_themed_page_in_the_platforms_frame_with_retry_after() {
        let why = wandstore_protocol::store::Unavailable {
            cause: "upstream".to_owned(),
            message: "the catalog <is> down".to_owned(),
            retry_after_secs: 30,
        };
        let e = EdgeError::unavailable("catalog_unavailable", &why);
        let (headers, body) = Audience::for_reader(Reader::Page, "req-2").answer(&e, "req-2");
        assert_eq!(
            header(&headers, "content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(header(&headers, "retry-after"), Some("30"));
        assert!(body.contains("Temporarily unavailable"), "{body}");
        assert!(body.contains("30 seconds"), "{body}");
        assert!(body.contains("WandStore"), "the platform's frame: {body}");
    }

    #[test]
    fn the_api_reader_is_json() {
        let e = EdgeError::bad_request("bad", "bad input");
        let (headers, _) = Audience::for_reader(Reader::Api, "r").answer(&e, "r");
        assert_eq!(header(&headers, "content-type"), Some("application/json"));
    }
}
