//! Page models, one per template.

use crate::{Chrome, Rendered};
use askama::Template;

/// The store's home page.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    /// How many pages this shopper has viewed at this store, this one included.
    pub visits: u64,
}

/// A page that explains what went wrong (404, 503, ...), in the store's frame when known.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub heading: String,
    pub message: String,
}

impl HomePage {
    pub fn html(&self) -> Rendered {
        self.render()
    }
}

impl ErrorPage {
    pub fn html(&self) -> Rendered {
        self.render()
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
    use wandstore_core::store::{StoreSettings, StoreSlug};

    fn hostile_store() -> StoreSettings {
        StoreSettings {
            slug: StoreSlug::parse("evil").unwrap(),
            display_name: "Tom & Jerry <script>alert(1)</script>".to_owned(),
            currency: "EUR".to_owned(),
        }
    }

    #[test]
    fn home_shows_the_escaped_store_name_and_visit_count() {
        let chrome = Chrome::for_store(&hostile_store(), "/s/evil/", "req-1");
        let html = HomePage { chrome, visits: 3 }.html().unwrap();
        assert!(
            html.contains("Tom &#38; Jerry &#60;script&#62;alert(1)&#60;/script&#62;"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains(r#"data-visits="3""#));
        assert!(html.contains(r#"href="/s/evil/""#));
        assert!(html.starts_with("<!doctype html>"));
    }

    #[test]
    fn the_first_visit_is_worded_as_such() {
        let chrome = Chrome::for_store(&hostile_store(), "/", "req-2");
        let html = HomePage { chrome, visits: 1 }.html().unwrap();
        assert!(html.contains("first visit"));
        assert!(!html.contains("data-visits"));
    }

    #[test]
    fn error_pages_escape_their_message() {
        let page = ErrorPage::not_found(Chrome::platform("req-3"), "the store \"<b>x</b>\"");
        let html = page.html().unwrap();
        assert!(html.contains("<h1>Not found</h1>"));
        assert!(html.contains("&#60;b&#62;x&#60;/b&#62;"), "{html}");
        assert!(!html.contains("<b>x</b>"));
    }
}
