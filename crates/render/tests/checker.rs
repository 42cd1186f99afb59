//! The page checks the other tests rely on do catch what they claim to catch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::dom::check_page;

fn page(head: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title>{head}</head>\
         <body><main><h1>x</h1>{body}</main></body></html>"
    )
}

#[test]
fn a_clean_page_passes() {
    let html = page(
        "<script type=\"application/ld+json\">{}</script>",
        "<p title=\"a &#34;onerror=x\">text onerror=x</p><form method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\"c\">\
         <label for=\"q\">Q</label><input id=\"q\" name=\"q\"></form>",
    );
    check_page(&html, Some("c"));
}

#[test]
#[should_panic(expected = "parse errors")]
fn parse_errors_fail() {
    check_page(&page("", "<p a=1 a=2>dup</p>"), None);
}

#[test]
#[should_panic(expected = "one h1")]
fn two_h1_fail() {
    check_page(&page("", "<h1>again</h1>"), None);
}

#[test]
#[should_panic(expected = "script")]
fn a_script_fails() {
    check_page(&page("", "<script>alert(1)</script>"), None);
}

#[test]
#[should_panic(expected = "onerror")]
fn an_event_handler_fails() {
    check_page(
        &page("", "<img src=\"a.jpg\" alt=\"\" onerror=\"x\">"),
        None,
    );
}

#[test]
#[should_panic(expected = "javascript:")]
fn a_javascript_url_fails() {
    check_page(&page("", "<a href=\"javascript:alert(1)\">x</a>"), None);
}

#[test]
#[should_panic(expected = "label for #q")]
fn an_unlabelled_input_fails() {
    check_page(&page("", "<input id=\"q\" name=\"q\">"), None);
}

#[test]
#[should_panic(expected = "csrf in")]
fn a_post_form_without_csrf_fails() {
    check_page(
        &page("", "<form method=\"post\"><button>Go</button></form>"),
        Some("c"),
    );
}

#[test]
#[should_panic(expected = "GET form must not carry")]
fn a_get_form_with_csrf_fails() {
    check_page(
        &page(
            "",
            "<form method=\"get\"><input type=\"hidden\" name=\"csrf\" value=\"c\"></form>",
        ),
        Some("c"),
    );
}

/// Every `|safe` in the templates, as `file: expression`.
fn safe_uses(dir: &std::path::Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            safe_uses(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for (i, _) in source.match_indices("|safe") {
            let start = source[..i].rfind("{{").unwrap();
            let name = path.file_name().unwrap().to_string_lossy();
            out.push(format!("{name}: {}", source[start + 2..i].trim()));
        }
        assert!(!source.contains("|escape(\"none\")") && !source.contains("escape = \"none\""));
    }
}

#[test]
fn only_sanitized_html_json_ld_and_scoped_css_are_marked_safe() {
    let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
    let mut uses = Vec::new();
    safe_uses(&templates, &mut uses);
    uses.sort();
    assert_eq!(
        uses,
        [
            "base.html: css.as_str()",
            "base.html: json_ld",
            "product.html: description"
        ],
        "the view fields behind these are ScopedCss, JsonLd and SanitizedHtml"
    );
}
