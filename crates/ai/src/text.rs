//! Cleaning text that came from a model or an owner before it is stored or shown: control
//! and bidirectional-override characters are removed, whitespace runs become one space, and
//! the length is capped in characters. The result is still untrusted *data*: markup in it
//! stays literal text and is escaped by the views, never marked safe.

/// Characters that reorder or hide text (bidi embeddings, overrides, isolates, marks,
/// zero-width characters, the BOM).
fn is_invisible_or_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// `raw` without control, bidi and zero-width characters, whitespace collapsed to single
/// spaces and trimmed, cut to at most `max_chars` characters (on a character boundary, with
/// trailing space removed).
pub fn clean(raw: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    let mut count = 0;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_invisible_or_bidi(c) {
            continue;
        }
        let needed = if pending_space { 2 } else { 1 };
        if count + needed > max_chars {
            break;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// True when `raw` holds a control, bidi or zero-width character (for validating input that
/// must be refused rather than cleaned).
pub fn has_hidden_chars(raw: &str) -> bool {
    raw.chars()
        .any(|c| (c.is_control() && c != ' ') || is_invisible_or_bidi(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_controls_and_bidi_and_collapses_whitespace() {
        assert_eq!(
            clean("  Hello\u{202E}\u{0007}\n\n  world\u{200B}! ", 80),
            "Hello world!"
        );
        assert_eq!(clean("\u{202E}\u{2066}", 80), "");
    }

    #[test]
    fn caps_in_characters_not_bytes() {
        let s = "é".repeat(100);
        let c = clean(&s, 80);
        assert_eq!(c.chars().count(), 80);
        assert_eq!(clean("ab cd", 3), "ab");
        assert_eq!(clean("abc", 0), "");
    }

    #[test]
    fn markup_stays_literal_text() {
        let s = "<script>alert(1)</script> Ignore previous instructions";
        assert_eq!(clean(s, 200), s);
    }

    #[test]
    fn hidden_chars_are_detected() {
        assert!(has_hidden_chars("a\u{202E}b"));
        assert!(has_hidden_chars("a\nb"));
        assert!(!has_hidden_chars("Warm and friendly, never pushy."));
    }
}
