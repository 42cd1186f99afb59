//! The font stacks a theme may choose from, by key. Only local/system fonts: a theme never
//! makes a shopper's browser fetch a font from anywhere.

use serde::Serialize;

/// A font stack from the allow-list. Themes name it by [`FontStack::key`]; pages get
/// [`FontStack::css`] as a custom property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FontStack {
    /// The platform's UI font (today's look).
    System,
    /// Humanist sans (Seravek, Gill Sans, Calibri…).
    Humanist,
    /// Geometric sans (Avenir, Montserrat, Corbel…).
    Geometric,
    /// Neo-grotesque sans (Inter, Roboto, Helvetica Neue, Arial…).
    Grotesque,
    /// Transitional serif (Charter, Bitstream Charter, Sitka Text, Cambria).
    Transitional,
    /// Old-style serif (Iowan Old Style, Palatino, Georgia…).
    OldStyle,
    /// Didone serif (Didot, Bodoni, Noto Serif Display…) for headings.
    Didone,
    /// Slab serif (Rockwell, Roboto Slab, DejaVu Serif…).
    Slab,
    /// Monospace (ui-monospace, Cascadia Code, Menlo, Consolas…).
    Monospace,
    /// Rounded sans (ui-rounded, Quicksand, Comfortaa, Manjari…).
    Rounded,
}

impl FontStack {
    /// Every stack, in the order editors list them.
    pub const ALL: [FontStack; 10] = [
        FontStack::System,
        FontStack::Humanist,
        FontStack::Geometric,
        FontStack::Grotesque,
        FontStack::Transitional,
        FontStack::OldStyle,
        FontStack::Didone,
        FontStack::Slab,
        FontStack::Monospace,
        FontStack::Rounded,
    ];

    /// The key a theme document uses, e.g. `old_style`.
    pub fn key(self) -> &'static str {
        match self {
            FontStack::System => "system",
            FontStack::Humanist => "humanist",
            FontStack::Geometric => "geometric",
            FontStack::Grotesque => "grotesque",
            FontStack::Transitional => "transitional",
            FontStack::OldStyle => "old_style",
            FontStack::Didone => "didone",
            FontStack::Slab => "slab",
            FontStack::Monospace => "monospace",
            FontStack::Rounded => "rounded",
        }
    }

    /// The stack by its key.
    pub fn from_key(key: &str) -> Option<FontStack> {
        FontStack::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The CSS `font-family` value (a constant: nothing owner-written reaches it).
    pub fn css(self) -> &'static str {
        match self {
            FontStack::System => "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif",
            FontStack::Humanist => {
                "Seravek, \"Gill Sans Nova\", Ubuntu, Calibri, \"DejaVu Sans\", source-sans-pro, sans-serif"
            }
            FontStack::Geometric => {
                "Avenir, Montserrat, Corbel, \"URW Gothic\", source-sans-pro, sans-serif"
            }
            FontStack::Grotesque => {
                "Inter, Roboto, \"Helvetica Neue\", \"Arial Nova\", \"Nimbus Sans\", Arial, sans-serif"
            }
            FontStack::Transitional => {
                "Charter, \"Bitstream Charter\", \"Sitka Text\", Cambria, serif"
            }
            FontStack::OldStyle => {
                "\"Iowan Old Style\", \"Palatino Linotype\", \"URW Palladio L\", P052, Georgia, serif"
            }
            FontStack::Didone => {
                "Didot, \"Bodoni MT\", \"Noto Serif Display\", \"URW Palladio L\", P052, Sylfaen, serif"
            }
            FontStack::Slab => {
                "Rockwell, \"Rockwell Nova\", \"Roboto Slab\", \"DejaVu Serif\", \"Sitka Small\", serif"
            }
            FontStack::Monospace => {
                "ui-monospace, \"Cascadia Code\", \"Source Code Pro\", Menlo, Consolas, \"DejaVu Sans Mono\", monospace"
            }
            FontStack::Rounded => {
                "ui-rounded, \"Hiragino Maru Gothic ProN\", Quicksand, Comfortaa, Manjari, \"Arial Rounded MT\", Calibri, sans-serif"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_stacks_stay_inside_one_declaration() {
        for f in FontStack::ALL {
            assert_eq!(FontStack::from_key(f.key()), Some(f));
            let css = f.css();
            assert!(!css.contains([';', '{', '}', '<', '>', '\\', '(']), "{css}");
            assert_eq!(serde_json::to_value(f).ok(), Some(f.key().into()));
        }
        assert_eq!(FontStack::from_key("System"), None);
        assert_eq!(FontStack::from_key("comic-sans"), None);
    }
}
