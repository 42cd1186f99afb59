//! The store's theme ([`wandstore_theme::Theme`]) as the page sees it: every design token as a
//! CSS custom property (`--color-accent: #5b3cc4; --font-body: …; --radius: 8px; …`).
//!
//! The stylesheet in `templates/base.html` reads only these variables, so a theme is a handful
//! of values. They reach the page as the `style` attribute of `<html>`, where askama's HTML
//! escaping is the right escaping. The theme is validated where owners save it; here a colour
//! that is not `#rrggbb` is still replaced by the default (the fields are public, so a caller
//! could build anything), so one bad value never restyles or loads anything else. Fonts are
//! constants from the allow-list and sizes are integers.

use wandstore_theme::Theme;

/// The declarations for `<html style="...">`, e.g. `--color-accent: #5b3cc4; ...`. Returned
/// unescaped: the template escapes it like any other attribute value.
pub(crate) fn declarations(theme: &Theme) -> String {
    let defaults = Theme::shared_default();
    let mut out: Vec<String> = theme
        .colors
        .named()
        .iter()
        .zip(defaults.colors.named())
        .map(|((name, value), (_, default))| {
            let value = if is_hex_color(value) { value } else { default };
            format!("--color-{}: {value}", name.replace('_', "-"))
        })
        .collect();
    out.push(format!("--font-body: {}", theme.fonts.body.css()));
    out.push(format!("--font-heading: {}", theme.fonts.heading.css()));
    out.push(format!(
        "--radius: {}px",
        theme.radius.min(wandstore_theme::limits::RADIUS_PX.1)
    ));
    let (low, high) = wandstore_theme::limits::SPACING_PX;
    out.push(format!("--spacing: {}px", theme.spacing.clamp(low, high)));
    out.join("; ")
}

fn is_hex_color(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_token_becomes_a_custom_property() {
        let css = declarations(&Theme::default());
        assert!(css.starts_with("--color-accent: #5b3cc4; "), "{css}");
        for name in [
            "--color-on-accent: #ffffff",
            "--color-text: #1d1d1f",
            "--color-background: #fbfbfd",
            "--color-announcement-text: ",
            "--font-body: system-ui",
            "--font-heading: system-ui",
            "--radius: 8px",
            "--spacing: 40px",
        ] {
            assert!(css.contains(name), "{name} in {css}");
        }
    }

    #[test]
    fn a_colour_that_is_not_hex_falls_back_to_the_default() {
        let mut theme = Theme::default();
        theme.colors.accent = "red; background: url(https://evil.example/x)".to_owned();
        theme.colors.text = "#000 } body { display: none".to_owned();
        theme.colors.sale = String::new();
        theme.radius = 250;
        theme.spacing = 0;
        let css = declarations(&theme);
        assert!(css.contains("--color-accent: #5b3cc4;"), "{css}");
        assert!(css.contains("--color-text: #1d1d1f;"), "{css}");
        assert!(css.contains("--color-sale: #b42318;"), "{css}");
        assert!(css.contains("--radius: 32px"), "{css}");
        assert!(css.contains("--spacing: 16px"), "{css}");
        assert!(!css.contains("url("));
    }
}
