//! Merchant HTML (Shopify `descriptionHtml`) cleaned down to a strict allow-list.
//!
//! [`SanitizedHtml`] can only be made here, and it is one of the two kinds of value a template
//! marks `|safe` (the other is [`crate::seo::JsonLd`]).

use ammonia::{Builder, UrlRelative};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::LazyLock;
use wandstore_core::cached::TtlMap;

/// HTML that went through [`sanitize`]; safe to put into a page as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanitizedHtml(String);

impl SanitizedHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Display for SanitizedHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Tags kept; everything else is removed (its text stays, except for the tags below).
const TAGS: [&str; 15] = [
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "img",
];

/// Tags removed together with everything inside them.
const DROPPED_WITH_CONTENT: [&str; 10] = [
    "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
    "textarea",
];

/// The longest `width`/`height` value kept on an image (digits only).
const MAX_DIMENSION_DIGITS: usize = 5;

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.tags(HashSet::from(TAGS))
        .clean_content_tags(HashSet::from(DROPPED_WITH_CONTENT))
        .generic_attributes(HashSet::new())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href"])),
            ("img", HashSet::from(["src", "alt", "width", "height"])),
        ]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .set_tag_attribute_value("img", "loading", "lazy")
        .strip_comments(true)
        .attribute_filter(keep_attribute);
    b
});

/// Images load over http(s) only (`mailto:` is for links); sizes are plain numbers.
fn keep_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        ("img", "src") => {
            let lower = value.trim_start().to_ascii_lowercase();
            (lower.starts_with("https:") || lower.starts_with("http:")).then_some(value.into())
        }
        ("img", "width" | "height") => (!value.is_empty()
            && value.len() <= MAX_DIMENSION_DIGITS
            && value.bytes().all(|b| b.is_ascii_digit()))
        .then_some(value.into()),
        _ => Some(value.into()),
    }
}

/// Cleans merchant HTML down to paragraphs, emphasis, lists, links (http, https, mailto;
/// `rel="noopener noreferrer nofollow"`), h2–h4, blockquotes and http(s) images. What is left
/// is also valid HTML: an image whose source was refused is dropped, an image without `alt`
/// gets an empty one, and a link whose target was refused keeps only its text.
pub fn sanitize(html: &str) -> SanitizedHtml {
    SanitizedHtml(make_valid(&CLEANER.clean(html).to_string()))
}

/// How many cleaned descriptions a thread keeps ([`sanitize_kept`]), and the longest one it
/// keeps (so the memo stays within a few MB).
const KEPT: usize = 256;
const KEPT_MAX_BYTES: usize = 16 * 1024;

thread_local! {
    static KEPT_CLEAN: RefCell<TtlMap<String, SanitizedHtml>> =
        RefCell::new(TtlMap::new(u64::MAX, KEPT));
}

/// [`sanitize`], remembered by its exact input: a product page shows the same description on
/// every view, and cleaning it (an HTML parse and a serialize) was most of the page's work.
/// An entry is keyed by the whole input text, so it is only ever that very text's cleaning;
/// the oldest goes first when the memo is full.
pub fn sanitize_kept(html: &str) -> SanitizedHtml {
    if html.len() > KEPT_MAX_BYTES {
        return sanitize(html);
    }
    if let Some(hit) = KEPT_CLEAN.with(|m| m.borrow().get(html, 0).cloned()) {
        return hit;
    }
    let clean = sanitize(html);
    KEPT_CLEAN.with(|m| m.borrow_mut().insert(html.to_owned(), clean.clone(), 0));
    clean
}

/// The end of the tag that starts at `start` (`<…>`), quotes respected: html5ever writes `>`
/// inside attribute values as is.
fn tag_end(html: &str, start: usize) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in html[start..].char_indices() {
        match c {
            '"' => quoted = !quoted,
            '>' if !quoted => return Some(start + i),
            _ => {}
        }
    }
    None
}

/// Drops images without `src`, gives images without `alt` an empty one, and unwraps links
/// without `href`, in ammonia's output (well-formed, attributes double-quoted, no nested
/// links).
fn make_valid(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut open_unwrapped_links = 0usize;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tag_end(tail, 0) else {
            out.push_str(tail);
            return out;
        };
        let tag = &tail[..=end];
        if tag.starts_with("<img ") || tag == "<img>" {
            if tag.contains(" src=\"") {
                if tag.contains(" alt=\"") {
                    out.push_str(tag);
                } else {
                    out.push_str(&tag[..tag.len() - 1]);
                    out.push_str(" alt=\"\">");
                }
            }
        } else if tag.starts_with("<a ") || tag == "<a>" {
            if tag.contains(" href=\"") {
                out.push_str(tag);
            } else {
                open_unwrapped_links += 1;
            }
        } else if tag == "</a>" && open_unwrapped_links > 0 {
            open_unwrapped_links -= 1;
        } else {
            out.push_str(tag);
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_markup_survives() {
        let out = sanitize(
            "<h2>Care</h2><p>Wash <strong>cold</strong>, <em>dry</em> flat.<br>Really.</p>\
             <ul><li>one</li></ul><blockquote>Loved it</blockquote>",
        );
        assert_eq!(
            out.as_str(),
            "<h2>Care</h2><p>Wash <strong>cold</strong>, <em>dry</em> flat.<br>Really.</p>\
             <ul><li>one</li></ul><blockquote>Loved it</blockquote>"
        );
    }

    #[test]
    fn links_keep_safe_schemes_and_get_rel() {
        let out = sanitize(
            r#"<a href="https://example.com/a" target="_blank" class="x">a</a><a href="mailto:hi@example.com">m</a><a href="javascript:alert(1)">x</a><a href="/relative">r</a>"#,
        );
        assert_eq!(
            out.as_str(),
            r#"<a href="https://example.com/a" rel="noopener noreferrer nofollow">a</a><a href="mailto:hi@example.com" rel="noopener noreferrer nofollow">m</a>xr"#
        );
    }

    #[test]
    fn hostile_markup_is_removed() {
        let out = sanitize(
            r#"<img src=x onerror="alert(1)"><script>alert(2)</script><iframe src="https://evil.example"></iframe><p style="color:red" onclick="x()">ok</p><svg><script>alert(3)</script></svg><!-- hi -->"#,
        );
        let s = out.as_str();
        assert_eq!(s, r#"<p>ok</p>"#, "an image without a source is dropped");
    }

    #[test]
    fn what_is_left_is_valid_html() {
        let out = sanitize(
            r#"<p><a href="javascript:x">click <b>here</b></a> and <a href="https://ok.example">there</a></p><img src="https://cdn.example/x.png"><img alt="a>b" src="https://cdn.example/y.png">"#,
        );
        let s = out.as_str();
        assert!(
            s.starts_with("<p>click <b>here</b> and <a href=\"https://ok.example\""),
            "{s}"
        );
        assert!(s.contains("</a></p>"), "{s}");
        assert_eq!(s.matches("<a ").count(), s.matches("</a>").count(), "{s}");
        assert!(
            s.contains(r#"alt="""#),
            "an image without alt gets an empty one: {s}"
        );
        assert!(
            s.contains(r#"alt="a&gt;b""#),
            "a > inside a value is kept, escaped: {s}"
        );
        assert_eq!(s.matches("<img ").count(), 2);
    }

    #[test]
    fn images_keep_http_sources_and_numeric_sizes() {
        let out = sanitize(
            r#"<img src="https://cdn.example/a.jpg" alt="A" width="640" height="100%"><img src="mailto:x@y" alt="B"><img src="data:image/png;base64,AAAA">"#,
        );
        // Attribute order is ammonia's; compare each image's attributes as a set.
        let imgs: Vec<Vec<&str>> = out
            .as_str()
            .split("<img ")
            .skip(1)
            .map(|tag| {
                let mut attrs: Vec<&str> = tag.trim_end_matches('>').split(' ').collect();
                attrs.sort_unstable();
                attrs
            })
            .collect();
        assert_eq!(
            imgs,
            [vec![
                r#"alt="A""#,
                r#"loading="lazy""#,
                r#"src="https://cdn.example/a.jpg""#,
                r#"width="640""#
            ],],
            "images whose source was refused are dropped"
        );
    }

    #[test]
    fn a_kept_cleaning_is_the_cleaning_of_that_very_text() {
        let inputs = [
            "<p>Hi <script>alert(1)</script><b>there</b></p>",
            "<p>Hi <b>there</b></p>",
            "<img src=x onerror=alert(1)>",
            "",
        ];
        for _ in 0..2 {
            for html in inputs {
                assert_eq!(sanitize_kept(html), sanitize(html), "{html}");
            }
        }
        // Past the memo's bound, and longer than what it keeps: still cleaned right.
        for n in 0..(KEPT + 8) {
            let html = format!("<p onclick=x>{n}</p>");
            assert_eq!(sanitize_kept(&html).as_str(), format!("<p>{n}</p>"));
        }
        let long = format!("<p>{}<script>x</script></p>", "a".repeat(KEPT_MAX_BYTES));
        assert!(!sanitize_kept(&long).as_str().contains("script"));
    }
}
