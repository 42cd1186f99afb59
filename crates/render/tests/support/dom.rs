//! Reading rendered pages as a DOM, and the checks every page must pass.

use scraper::{ElementRef, Html, Selector};
use std::collections::HashSet;

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

pub fn parse(html: &str) -> Html {
    Html::parse_document(html)
}

/// Elements matching `selector`.
pub fn all<'a>(doc: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    doc.select(&sel(selector)).collect()
}

/// The one element matching `selector`.
pub fn one<'a>(doc: &'a Html, selector: &str) -> ElementRef<'a> {
    let found = all(doc, selector);
    assert_eq!(
        found.len(),
        1,
        "expected one {selector}, found {}",
        found.len()
    );
    found[0]
}

/// Text content exactly as is (keeps no-break spaces), trimmed of ASCII whitespace.
pub fn raw_text(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .to_owned()
}

/// Text content with whitespace (including no-break spaces) collapsed to single spaces.
pub fn text(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks every page must pass: it parses without errors; one `<h1>`, a `<main>`, `lang`;
/// unique ids; a label for every visible control; the CSRF token in every POST form and in
/// no GET form; no script but JSON-LD, no event handler attribute, no `javascript:`, no
/// `<iframe>`. Returns the parsed document.
pub fn check_page(html: &str, csrf: Option<&str>) -> Html {
    assert!(html.starts_with("<!doctype html>"), "doctype");
    let doc = parse(html);
    assert!(doc.errors.is_empty(), "parse errors: {:?}", doc.errors);
    assert_eq!(all(&doc, "h1").len(), 1, "one h1");
    assert_eq!(all(&doc, "main").len(), 1, "one main");
    assert!(
        one(&doc, "html")
            .attr("lang")
            .is_some_and(|l| !l.is_empty())
    );
    assert!(!all(&doc, "head > title").is_empty());

    let mut ids = HashSet::new();
    for e in all(&doc, "[id]") {
        let id = e.attr("id").unwrap();
        assert!(ids.insert(id.to_owned()), "duplicate id {id}");
    }
    for control in all(&doc, "input:not([type=hidden]), select, textarea") {
        let id = control
            .attr("id")
            .unwrap_or_else(|| panic!("control without id: {}", control.html()));
        let label = format!("label[for=\"{id}\"]");
        assert_eq!(all(&doc, &label).len(), 1, "label for #{id}");
    }
    for form in all(&doc, "form") {
        let method = form.attr("method").unwrap_or("get").to_ascii_lowercase();
        // The field name the Worker checks (core::csrf) is the one the templates write.
        let field = format!(
            "input[type=hidden][name={}]",
            wandstore_core::csrf::FORM_FIELD
        );
        let tokens: Vec<_> = form.select(&sel(&field)).collect();
        if method == "post" {
            assert_eq!(tokens.len(), 1, "csrf in {}", form.html());
            assert_eq!(tokens[0].attr("value"), csrf, "csrf value");
        } else {
            assert!(
                tokens.is_empty(),
                "a GET form must not carry the csrf token"
            );
        }
    }
    assert_safe(&doc, html);
    doc
}

/// No active content: scripts only as JSON-LD, no `on…=` attributes, no `javascript:`, no
/// `<iframe>`, `<object>`, `<embed>`, no `style` attribute but the theme's on `<html>`.
pub fn assert_safe(doc: &Html, html: &str) {
    for script in all(doc, "script") {
        assert_eq!(
            script.attr("type"),
            Some("application/ld+json"),
            "{}",
            script.html()
        );
    }
    assert!(all(doc, "script").len() <= 1, "at most one script");
    assert!(all(doc, "iframe, object, embed, frame, svg").is_empty());
    for e in all(doc, "*") {
        for (name, value) in e.value().attrs() {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "{name}= on <{}>",
                e.value().name()
            );
            assert!(
                !value.to_ascii_lowercase().contains("javascript:"),
                "{name}={value}"
            );
            if name == "style" {
                assert_eq!(
                    e.value().name(),
                    "html",
                    "style attribute on <{}>",
                    e.value().name()
                );
            }
        }
    }
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("javascript:"), "javascript: in the page");
    assert!(!lower.contains("<iframe"), "<iframe in the page");
    // Raw text check (the DOM would hide a `<script>` that the parser saw as text).
    assert_eq!(
        lower.matches("<script").count(),
        lower
            .matches("<script type=\"application/ld+json\">")
            .count()
    );
    for tag in raw_tags(&lower) {
        let names = unquoted(tag);
        let mut words = names.split(|c: char| c.is_whitespace() || c == '/');
        words.next(); // the tag name
        for attr in words {
            let name = attr.split('=').next().unwrap_or("");
            assert!(!name.starts_with("on"), "an {name}= attribute in {tag}");
        }
    }
}

/// The JSON-LD of a page, parsed.
pub fn json_ld(doc: &Html) -> serde_json::Value {
    let script = one(doc, "script[type=\"application/ld+json\"]");
    let raw: String = script.text().collect();
    assert!(
        !raw.contains('<') && !raw.contains('>') && !raw.contains('&'),
        "{raw}"
    );
    serde_json::from_str(&raw).unwrap()
}

/// The raw `<...>` tags of a page (escaped text never holds a raw `<`).
fn raw_tags(html: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start..];
        // Quoted attribute values cannot hold a raw `"` (askama escapes it), so the tag ends
        // at the first `>` outside quotes.
        let mut in_quotes = false;
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    in_quotes = !in_quotes;
                }
                c == '>' && !in_quotes
            })
            .map_or(after.len(), |(i, _)| i + 1);
        tags.push(&after[..end]);
        rest = &after[end..];
    }
    tags
}

/// A tag with its quoted attribute values blanked out.
fn unquoted(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut in_quotes = false;
    for c in tag.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
            out.push('"');
        } else if !in_quotes {
            out.push(c);
        }
    }
    out
}
