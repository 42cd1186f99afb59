//! Minimal HTML helpers: escaping for the pages devshop renders itself, and the tag stripping
//! that turns a generated `descriptionHtml` into Shopify's plain `description`.

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Plain text of an HTML fragment on one line: tags removed (the content of `<script>` and
/// `<style>` too), the common entities decoded, whitespace collapsed.
pub fn to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find('>') else {
            // A lone `<` is text.
            text.push_str(after);
            rest = "";
            break;
        };
        let tag = after[1..close].trim().to_ascii_lowercase();
        rest = &after[close + 1..];
        for raw in ["script", "style"] {
            if tag == raw || tag.starts_with(&format!("{raw} ")) {
                let end = format!("</{raw}");
                rest = match rest.to_ascii_lowercase().find(&end) {
                    Some(i) => match rest[i..].find('>') {
                        Some(j) => &rest[i + j + 1..],
                        None => "",
                    },
                    None => "",
                };
            }
        }
        text.push(' ');
    }
    text.push_str(rest);
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let mut out = String::with_capacity(decoded.len());
    for word in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    // No space before punctuation that followed an inline tag.
    for p in [".", ",", "!", "?", ":", ";"] {
        out = out.replace(&format!(" {p}"), p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_all_five() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn strips_tags_scripts_and_entities() {
        let html = "<p>Care &amp; <strong>use</strong>.</p><script>alert(1)</script><ul><li>One</li><li>Two</li></ul>";
        assert_eq!(to_text(html), "Care & use. One Two");
        assert_eq!(to_text("a < b"), "a < b");
    }
}
