//! Checking rendered HTML the way a browser would read it.

use scraper::Html;

/// Everything in a page that a browser would execute or follow as script: event-handler
/// attributes, `javascript:` URLs, scripts other than JSON-LD, frames and plugins, and
/// `<meta http-equiv>` redirects. Escaped text is text, so it is never reported.
pub fn live_hazards(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    for node in doc.root_element().descendants() {
        let Some(el) = scraper::ElementRef::wrap(node) else {
            continue;
        };
        let name = el.value().name();
        match name {
            "script" if el.value().attr("type") != Some("application/ld+json") => {
                found.push("a <script> that is not JSON-LD".to_owned())
            }
            "iframe" | "object" | "embed" | "frame" => found.push(format!("a <{name}>")),
            "meta" if el.value().attr("http-equiv").is_some() => {
                found.push("a <meta http-equiv>".to_owned())
            }
            _ => {}
        }
        for (attr, value) in el.value().attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                found.push(format!("<{name} {attr}=…>"));
            }
            let url_attr = matches!(
                attr.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href" | "srcset"
            );
            let squashed: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            if url_attr && squashed.to_ascii_lowercase().starts_with("javascript:") {
                found.push(format!("<{name} {attr}=\"javascript:…\">"));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_is_harmless_and_live_markup_is_found() {
        let safe = r#"<p title="&#60;img src=x onerror=alert(1)&#62;">javascript:alert(1) &lt;script&gt;</p>
            <script type="application/ld+json">{}</script>"#;
        assert!(live_hazards(safe).is_empty(), "{:?}", live_hazards(safe));
        let bad = r#"<img src=x onerror="alert(1)"><a href=" JavaScript:alert(1)">x</a><script>1</script><iframe></iframe><meta http-equiv="refresh" content="0">"#;
        assert_eq!(live_hazards(bad).len(), 5, "{:?}", live_hazards(bad));
    }
}
