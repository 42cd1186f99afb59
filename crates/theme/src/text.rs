//! Rules for owner-written text: printable, visible characters only, bounded length. The
//! text is escaped wherever it is rendered; these rules keep out what escaping cannot fix
//! (invisible and direction-changing characters that make text say something else).

/// Why a text is refused, or `None` when it is fine. `multiline` allows `\n` (and `\r\n`).
pub(crate) fn problem(text: &str, max_chars: usize, multiline: bool) -> Option<String> {
    let count = text.chars().count();
    if count > max_chars {
        return Some(format!("at most {max_chars} characters (this is {count})"));
    }
    if text.trim().is_empty() {
        return Some("must not be blank (use null for the default)".to_owned());
    }
    for (i, c) in text.chars().enumerate() {
        let bad = if c == '\n' || (c == '\r' && multiline) {
            !multiline
        } else {
            c.is_control() || is_invisible(c)
        };
        if bad {
            return Some(format!(
                "character {} (U+{:04X}) is not allowed: control, invisible or text-direction characters are refused",
                i + 1,
                c as u32
            ));
        }
    }
    None
}

/// Zero-width, bidirectional-override/isolate, and other format characters that change how
/// text displays without being seen, plus private-use and replacement characters.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}' | '\u{1160}'
        | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFF}'
        | '\u{E000}'..='\u{F8FF}'
        | '\u{E0000}'..='\u{E007F}'
        | '\u{F0000}'..='\u{10FFFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn plain_text_passes_and_tricks_do_not() {
        assert_eq!(problem("Free shipping over €50 ✨", 200, false), None);
        assert_eq!(
            problem("<script>alert(1)</script>", 200, false),
            None,
            "escaped later"
        );
        assert_eq!(problem("Line one\nline two", 200, true), None);
        for bad in [
            "a\u{202E}gpj.exe",
            "zero\u{200B}width",
            "nul\0",
            "bell\u{7}",
            "\u{FEFF}bom",
            "tag\u{E0041}",
            "isolate\u{2066}x",
            "line\u{2028}sep",
            "",
            "   ",
        ] {
            assert!(problem(bad, 200, true).is_some(), "{bad:?}");
        }
        assert!(problem("a\nb", 200, false).is_some());
        assert!(problem(&"é".repeat(201), 200, false).is_some());
        assert_eq!(problem(&"é".repeat(200), 200, false), None);
    }
}
