//! A page that explains what went wrong (404, 503, ...).

use crate::frame::Frame;
use crate::seo::{Head, page_title};
use crate::{Chrome, Rendered};
use askama::Template;

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
