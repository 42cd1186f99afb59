//! JSON that is safe to send where a browser might read it as markup.

/// JSON with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`: the same value to
/// any JSON parser, but a client's input echoed in an error (a variant id, say) can never be
/// read as markup, whatever a browser sniffs. Those characters only occur inside strings.
pub fn html_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_the_value_is_unchanged() {
        let json = r#"{"error":"<script>a & b</script>","n":1}"#;
        let safe = html_safe_json(json);
        assert!(!safe.contains(['<', '>', '&']), "{safe}");
        let before: serde_json::Value = serde_json::from_str(json).unwrap();
        let after: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(before, after);
        assert_eq!(html_safe_json(""), "");
        assert_eq!(html_safe_json("\"ü\""), "\"ü\"");
    }
}
