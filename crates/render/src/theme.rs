//! The store's look as CSS custom properties (`--color-primary`, `--font-body`, ...).
//!
//! The stylesheet in `templates/base.html` reads only these variables, so a theme is a handful
//! of values. They reach the page as the `style` attribute of `<html>`, where askama's HTML
//! escaping is the right escaping (inside `<style>` it would not be). Values are validated where
//! owners save them; here a value that could leave its declaration (`;`, braces, `url(`, ...)
//! is still replaced by the default, so one bad value never restyles or loads anything else.

/// Theme variables with the defaults a new store gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Buttons, links and focus rings.
    pub color_primary: String,
    /// Text on primary-coloured buttons.
    pub color_on_primary: String,
    pub color_text: String,
    /// Secondary text (vendors, counts, the footer).
    pub color_muted: String,
    pub color_background: String,
    /// Cards and panels.
    pub color_surface: String,
    pub color_border: String,
    /// Sale prices and error notices.
    pub color_sale: String,
    pub font_body: String,
    pub font_heading: String,
    /// Corner radius of cards, buttons and inputs.
    pub radius: String,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            color_primary: "#5b3cc4".to_owned(),
            color_on_primary: "#ffffff".to_owned(),
            color_text: "#1d1d1f".to_owned(),
            color_muted: "#5f5f66".to_owned(),
            color_background: "#fbfbfd".to_owned(),
            color_surface: "#ffffff".to_owned(),
            color_border: "#d9d9e0".to_owned(),
            color_sale: "#b42318".to_owned(),
            font_body: "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif".to_owned(),
            font_heading: "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif".to_owned(),
            radius: "0.5rem".to_owned(),
        }
    }
}

impl Theme {
    /// The declarations for `<html style="...">`, e.g. `--color-primary: #5b3cc4; ...`.
    /// Returned unescaped: the template escapes it like any other attribute value.
    pub fn declarations(&self) -> String {
        let d = Theme::default();
        let vars: [(&str, &str, &str); 11] = [
            ("--color-primary", &self.color_primary, &d.color_primary),
            (
                "--color-on-primary",
                &self.color_on_primary,
                &d.color_on_primary,
            ),
            ("--color-text", &self.color_text, &d.color_text),
            ("--color-muted", &self.color_muted, &d.color_muted),
            (
                "--color-background",
                &self.color_background,
                &d.color_background,
            ),
            ("--color-surface", &self.color_surface, &d.color_surface),
            ("--color-border", &self.color_border, &d.color_border),
            ("--color-sale", &self.color_sale, &d.color_sale),
            ("--font-body", &self.font_body, &d.font_body),
            ("--font-heading", &self.font_heading, &d.font_heading),
            ("--radius", &self.radius, &d.radius),
        ];
        vars.iter()
            .map(|(name, value, default)| {
                let value = if is_plain_css_value(value) {
                    value
                } else {
                    default
                };
                format!("{name}: {value}")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The longest theme value taken as is.
const MAX_VALUE_LEN: usize = 200;

/// True for a value that stays inside one declaration: no `;`, braces, backslashes, angle
/// brackets, comments, `url(`, `expression(`, `@`, control characters or unclosed quotes.
fn is_plain_css_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let balanced = |q: char| value.matches(q).count().is_multiple_of(2);
    !value.trim().is_empty()
        && balanced('"')
        && balanced('\'')
        && value.len() <= MAX_VALUE_LEN
        && !value
            .chars()
            .any(|c| c.is_control() || matches!(c, ';' | '{' | '}' | '\\' | '<' | '>' | '@'))
        && !lower.contains("/*")
        && !lower.contains("url(")
        && !lower.contains("expression(")
        && !lower.contains("image(")
        && !lower.contains("image-set(")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_become_custom_properties() {
        let css = Theme::default().declarations();
        assert!(css.starts_with("--color-primary: #5b3cc4; "), "{css}");
        for name in [
            "--color-text",
            "--color-background",
            "--font-body",
            "--radius",
        ] {
            assert!(css.contains(&format!("{name}: ")), "{name} in {css}");
        }
    }

    #[test]
    fn a_value_that_could_escape_its_declaration_falls_back_to_the_default() {
        let theme = Theme {
            color_primary: "red; background: url(https://evil.example/x)".to_owned(),
            color_text: "#000 } body { display: none".to_owned(),
            radius: "expression(alert(1))".to_owned(),
            font_body: "\"Inter\", sans-serif".to_owned(),
            color_sale: String::new(),
            color_muted: "#555\"".to_owned(),
            ..Theme::default()
        };
        let css = theme.declarations();
        assert!(css.contains("--color-primary: #5b3cc4;"), "{css}");
        assert!(css.contains("--color-text: #1d1d1f;"), "{css}");
        assert!(css.contains("--radius: 0.5rem"), "{css}");
        assert!(css.contains("--color-sale: #b42318;"), "{css}");
        assert!(
            css.contains("--color-muted: #5f5f66;"),
            "unclosed quote: {css}"
        );
        assert!(css.contains("--font-body: \"Inter\", sans-serif;"), "{css}");
        assert!(!css.contains("url("));
        assert!(!css.contains("expression"));
    }
}
