//! The bounds a theme lives within (borrowed from Shopify's: 25 sections a page, 50 blocks a
//! section), in one place for the validator, the JSON Schema test and the docs.

/// The largest theme document accepted (matches `core::limits::BodyKind::Theme`).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Sections on one page.
pub const MAX_SECTIONS: usize = 25;
/// Blocks in one section.
pub const MAX_BLOCKS: usize = 50;
/// Custom CSS, in bytes.
pub const MAX_CSS_BYTES: usize = 64 * 1024;
/// Headings (hero, sections, heading blocks), in characters.
pub const MAX_HEADING_CHARS: usize = 120;
/// The hero's text, in characters.
pub const MAX_HERO_TEXT_CHARS: usize = 500;
/// A paragraph block, in characters.
pub const MAX_PARAGRAPH_CHARS: usize = 2000;
/// The announcement bar, in characters.
pub const MAX_ANNOUNCEMENT_CHARS: usize = 200;
/// Image alternative text, in characters.
pub const MAX_ALT_CHARS: usize = 200;
/// An asset reference (name or hashed file), in characters.
pub const MAX_ASSET_REF_CHARS: usize = 200;
/// Corner radius, in pixels.
pub const RADIUS_PX: (u8, u8) = (0, 32);
/// Section spacing, in pixels.
pub const SPACING_PX: (u8, u8) = (16, 96);
/// Product grid columns.
pub const GRID_COLUMNS: (u8, u8) = (2, 6);
/// Cards a listing section shows.
pub const LIST_LIMIT: (u8, u8) = (1, 48);

#[cfg(test)]
mod tests {
    use wandstore_core::limits::BodyKind;

    #[test]
    fn the_body_limit_is_the_edges() {
        assert_eq!(super::MAX_BODY_BYTES, BodyKind::Theme.max_bytes());
    }
}
