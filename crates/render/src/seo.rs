//! What search engines and link previews read: title, meta description, canonical URL, Open
//! Graph tags, and JSON-LD.
//!
//! [`JsonLd`] is the second (and last) kind of value a template marks `|safe`: it is serde
//! JSON with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`, so data can never close
//! the `<script>` element it sits in.

use crate::chrome::Chrome;
use crate::links::Links;
use serde::Serialize;
use std::fmt;

/// Longest meta description, in characters (what search results show).
const DESCRIPTION_CHARS: usize = 160;

/// The `<head>` of one page.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    /// The full `<title>`, e.g. "Blue mug · Acme".
    pub title: String,
    /// Plain text; left out when empty.
    pub description: String,
    /// Absolute; `None` without a valid `canonical_base`.
    pub canonical: Option<String>,
    /// `website` or `product`.
    pub og_type: &'static str,
    /// Absolute http(s) URL.
    pub og_image: Option<String>,
    /// Pages that should not be indexed (search results, cart, errors).
    pub noindex: bool,
    pub json_ld: Option<JsonLd>,
}

impl Head {
    /// An indexable `website` page.
    pub fn new(title: String, description: &str, canonical: Option<String>) -> Head {
        Head {
            title,
            description: summarize(description),
            canonical,
            og_type: "website",
            og_image: None,
            noindex: false,
            json_ld: None,
        }
    }

    /// A page kept out of search indexes, with no canonical URL.
    pub fn private(title: String) -> Head {
        Head {
            noindex: true,
            ..Head::new(title, "", None)
        }
    }

    pub fn with_image(mut self, url: Option<&str>) -> Head {
        self.og_image = url.and_then(absolute_image_url);
        self
    }
}

/// `"{page} · {store}"`.
pub(crate) fn page_title(page: &str, chrome: &Chrome) -> String {
    format!("{page} · {}", chrome.store_name)
}

/// Links under the store's absolute `canonical_base`, if it has a valid one.
pub(crate) fn canonical_links(chrome: &Chrome) -> Option<Links> {
    Links::absolute(&chrome.canonical_base)
}

/// An image URL fit for `og:image`: absolute http(s); protocol-relative becomes https.
pub(crate) fn absolute_image_url(url: &str) -> Option<String> {
    if url.starts_with("https://") || url.starts_with("http://") {
        return Some(url.to_owned());
    }
    url.strip_prefix("//").map(|rest| format!("https://{rest}"))
}

/// Whitespace collapsed, cut at a word boundary to at most 160 characters ("…" when cut).
pub(crate) fn summarize(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let full = words.join(" ");
    if full.chars().count() <= DESCRIPTION_CHARS {
        return full;
    }
    let mut out = String::new();
    for w in words {
        let extra = usize::from(!out.is_empty()) + w.chars().count();
        if out.chars().count() + extra > DESCRIPTION_CHARS - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        out = full.chars().take(DESCRIPTION_CHARS - 1).collect();
    }
    out.push('…');
    out
}

/// JSON safe inside `<script type="application/ld+json">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonLd(String);

impl JsonLd {
    /// Serializes `value` and escapes `<`, `>`, `&` (and U+2028/U+2029) as `\uXXXX`. These
    /// characters only occur inside JSON strings, where the escapes mean the same thing.
    pub fn new<T: Serialize>(value: &T) -> Result<JsonLd, serde_json::Error> {
        let json = serde_json::to_string(value)?;
        let mut out = String::with_capacity(json.len() + 16);
        for c in json.chars() {
            match c {
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                '\u{2028}' => out.push_str("\\u2028"),
                '\u{2029}' => out.push_str("\\u2029"),
                c => out.push(c),
            }
        }
        Ok(JsonLd(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JsonLd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script() {
        let ld = JsonLd::new(&serde_json::json!({
            "name": "</script><script>alert(1)</script> & <!--",
            "line": "a\u{2028}b",
        }))
        .unwrap();
        let s = ld.as_str();
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        assert!(s.contains(r"\u003c/script\u003e"), "{s}");
        let back: serde_json::Value = serde_json::from_str(s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & <!--");
        assert_eq!(back["line"], "a\u{2028}b");
    }

    #[test]
    fn descriptions_are_cut_at_a_word() {
        assert_eq!(summarize("  A  short\n text. "), "A short text.");
        let long = "word ".repeat(100);
        let s = summarize(&long);
        assert!(s.chars().count() <= DESCRIPTION_CHARS, "{}", s.len());
        assert!(s.ends_with("word…"), "{s}");
        let one_long_word = "x".repeat(500);
        assert_eq!(summarize(&one_long_word).chars().count(), DESCRIPTION_CHARS);
    }

    #[test]
    fn og_images_are_absolute() {
        assert_eq!(
            absolute_image_url("//cdn.shopify.com/a.jpg").as_deref(),
            Some("https://cdn.shopify.com/a.jpg")
        );
        assert_eq!(absolute_image_url("/a.jpg"), None);
        assert_eq!(absolute_image_url("javascript:alert(1)"), None);
    }
}
