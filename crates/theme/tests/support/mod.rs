//! Shared fixtures: an asset index with a logo, a hero image and a font, and theme tables.
#![allow(dead_code)]

use serde_json::{Value, json};
use wandstore_theme::{AssetFile, AssetIndex};

pub fn file(c: char, ext: &str) -> String {
    format!("{}.{ext}", std::iter::repeat_n(c, 64).collect::<String>())
}

pub fn assets() -> AssetIndex {
    let mut index = AssetIndex::new();
    for (name, c, ext, ty) in [
        ("logo.png", 'a', "png", "image/png"),
        ("hero.webp", 'b', "webp", "image/webp"),
        ("brand.woff2", 'c', "woff2", "font/woff2"),
        ("favicon.ico", 'd', "ico", "image/x-icon"),
    ] {
        index.insert(
            name,
            AssetFile {
                file: file(c, ext),
                content_type: ty.to_owned(),
            },
        );
    }
    index
}

pub fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

/// Valid theme documents, each with a name.
pub fn valid_table() -> Vec<(&'static str, Value)> {
    vec![
        ("empty object: all defaults", json!({})),
        ("explicit version", json!({"schema_version": 2})),
        (
            "nulls mean defaults",
            json!({"colors": null, "logo": null, "custom_css": null, "layout": {"home": null}}),
        ),
        (
            "full palette, fonts, sizes",
            json!({
                "colors": {"accent": "#FF0000", "on_accent": "#000000", "background": "#ffffff",
                           "surface": "#fafafa", "text": "#111111", "muted": "#666666",
                           "border": "#dddddd", "sale": "#cc0000", "announcement": "#000000",
                           "announcement_text": "#ffffff"},
                "fonts": {"body": "old_style", "heading": "didone"},
                "radius": 0, "spacing": 96
            }),
        ),
        (
            "assets by name and by file",
            json!({"logo": "logo.png", "favicon": file('d', "ico"),
                   "layout": {"home": {"sections": [
                       {"type": "hero", "settings": {"heading": "Hi", "image": "hero.webp", "image_alt": "A wand"}}]}}}),
        ),
        (
            "every home section",
            json!({"layout": {"home": {"sections": [
                {"type": "rich_text", "settings": {"heading": "About"}, "blocks": [
                    {"type": "heading", "text": "Who"}, {"type": "paragraph", "text": "Us.\nSince 1999."}]},
                {"type": "featured_collections", "settings": {"limit": 3}},
                {"type": "recommended_products", "settings": {"heading": "For you", "limit": 48}},
                {"type": "visit_counter"},
                {"type": "hero"}
            ]}}}),
        ),
        ("empty home", json!({"layout": {"home": {"sections": []}}})),
        (
            "grid settings",
            json!({"layout": {"collection": {"sections": [
                {"type": "hero", "settings": {"heading": "Sale"}},
                {"type": "product_grid", "settings": {"columns": 6, "image_ratio": "natural"}},
                {"type": "rich_text", "blocks": []}]}}}),
        ),
        (
            "product page",
            json!({"layout": {"product": {"sections": [
                {"type": "rich_text", "blocks": [{"type": "paragraph", "text": "Ships fast"}]},
                {"type": "product_details", "settings": {}},
                {"type": "hero", "settings": {"heading": "Made by hand"}}]}}}),
        ),
        (
            "25 sections",
            json!({"layout": {"home": {"sections": vec![json!({"type": "visit_counter"}); 25]}}}),
        ),
        (
            "50 blocks",
            json!({"layout": {"home": {"sections": [{"type": "rich_text",
                "blocks": vec![json!({"type": "paragraph", "text": "x"}); 50]}]}}}),
        ),
        (
            "announcement with markup-looking text",
            json!({"announcement": "<b>Sale</b> & \"more\" ＜script＞"}),
        ),
        (
            "custom css",
            json!({"custom_css": "a { color: red }\n@media (min-width: 40rem) { .card { padding: 2px } }"}),
        ),
        (
            "longest announcement",
            json!({"announcement": "x".repeat(200)}),
        ),
    ]
}

/// Invalid theme documents: name, document, and a path that must be reported.
pub fn invalid_table() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        ("not an object", json!([1, 2]), ""),
        ("unknown top-level field", json!({"colour": {}}), "colour"),
        (
            "unknown colour",
            json!({"colors": {"primary": "#000000"}}),
            "colors.primary",
        ),
        (
            "short hex",
            json!({"colors": {"accent": "#fff"}}),
            "colors.accent",
        ),
        (
            "named colour",
            json!({"colors": {"accent": "red"}}),
            "colors.accent",
        ),
        (
            "css in a colour",
            json!({"colors": {"text": "#000000; background: url(x)"}}),
            "colors.text",
        ),
        (
            "colour as number",
            json!({"colors": {"sale": 255}}),
            "colors.sale",
        ),
        (
            "remote font",
            json!({"fonts": {"body": "https://fonts.example/x.css"}}),
            "fonts.body",
        ),
        (
            "font stack string",
            json!({"fonts": {"heading": "Arial, sans-serif"}}),
            "fonts.heading",
        ),
        ("radius too big", json!({"radius": 33}), "radius"),
        ("radius negative", json!({"radius": -1}), "radius"),
        ("radius fractional", json!({"radius": 1.5}), "radius"),
        ("spacing too small", json!({"spacing": 15}), "spacing"),
        ("spacing string", json!({"spacing": "40px"}), "spacing"),
        (
            "colors not an object",
            json!({"colors": "#000000"}),
            "colors",
        ),
        (
            "announcement too long",
            json!({"announcement": "x".repeat(201)}),
            "announcement",
        ),
        (
            "announcement multi-line",
            json!({"announcement": "a\nb"}),
            "announcement",
        ),
        (
            "announcement blank",
            json!({"announcement": "  "}),
            "announcement",
        ),
        (
            "blank heading",
            json!({"layout": {"home": {"sections": [{"type": "hero", "settings": {"heading": " \n"}}]}}}),
            "layout.home.sections[0].settings.heading",
        ),
        (
            "announcement NUL",
            json!({"announcement": "a\u{0}b"}),
            "announcement",
        ),
        (
            "announcement bidi override",
            json!({"announcement": "\u{202E}evil"}),
            "announcement",
        ),
        (
            "announcement zero width",
            json!({"announcement": "fr\u{200B}ee"}),
            "announcement",
        ),
        (
            "unknown section type",
            json!({"layout": {"home": {"sections": [{"type": "html", "settings": {"html": "<script>"}}]}}}),
            "layout.home.sections[0].type",
        ),
        (
            "section without type",
            json!({"layout": {"home": {"sections": [{"settings": {}}]}}}),
            "layout.home.sections[0].type",
        ),
        (
            "unknown setting",
            json!({"layout": {"home": {"sections": [{"type": "hero"}, {"type": "hero", "settings": {"script": "x"}}]}}}),
            "layout.home.sections[1].settings.script",
        ),
        (
            "unknown section field",
            json!({"layout": {"home": {"sections": [{"type": "hero", "blocks": []}]}}}),
            "layout.home.sections[0].blocks",
        ),
        (
            "grid on home",
            json!({"layout": {"home": {"sections": [{"type": "product_grid"}]}}}),
            "layout.home.sections[0].type",
        ),
        (
            "26 sections",
            json!({"layout": {"home": {"sections": vec![json!({"type": "visit_counter"}); 26]}}}),
            "layout.home.sections",
        ),
        (
            "51 blocks",
            json!({"layout": {"home": {"sections": [{"type": "rich_text", "blocks": vec![json!({"type": "paragraph", "text": "x"}); 51]}]}}}),
            "layout.home.sections[0].blocks",
        ),
        (
            "unknown block type",
            json!({"layout": {"home": {"sections": [{"type": "rich_text", "blocks": [{"type": "html", "text": "x"}]}]}}}),
            "layout.home.sections[0].blocks[0].type",
        ),
        (
            "block without text",
            json!({"layout": {"home": {"sections": [{"type": "rich_text", "blocks": [{"type": "paragraph"}]}]}}}),
            "layout.home.sections[0].blocks[0].text",
        ),
        (
            "heading too long",
            json!({"layout": {"home": {"sections": [{"type": "hero", "settings": {"heading": "h".repeat(121)}}]}}}),
            "layout.home.sections[0].settings.heading",
        ),
        (
            "columns out of range",
            json!({"layout": {"collection": {"sections": [{"type": "product_grid", "settings": {"columns": 7}}]}}}),
            "layout.collection.sections[0].settings.columns",
        ),
        (
            "unknown ratio",
            json!({"layout": {"collection": {"sections": [{"type": "product_grid", "settings": {"image_ratio": "16:9"}}]}}}),
            "layout.collection.sections[0].settings.image_ratio",
        ),
        (
            "collection without grid",
            json!({"layout": {"collection": {"sections": []}}}),
            "layout.collection.sections",
        ),
        (
            "two grids",
            json!({"layout": {"collection": {"sections": [{"type": "product_grid"}, {"type": "product_grid"}]}}}),
            "layout.collection.sections",
        ),
        (
            "product without details",
            json!({"layout": {"product": {"sections": [{"type": "rich_text"}]}}}),
            "layout.product.sections",
        ),
        (
            "unknown page kind",
            json!({"layout": {"cart": {"sections": []}}}),
            "layout.cart",
        ),
        (
            "limit zero",
            json!({"layout": {"home": {"sections": [{"type": "featured_collections", "settings": {"limit": 0}}]}}}),
            "layout.home.sections[0].settings.limit",
        ),
        (
            "css too long",
            json!({"custom_css": format!("a{{color:red}}{}", " ".repeat(64 * 1024))}),
            "custom_css",
        ),
        (
            "css not a string",
            json!({"custom_css": ["a {}"]}),
            "custom_css",
        ),
        (
            "newer version",
            json!({"schema_version": 3}),
            "schema_version",
        ),
        (
            "version zero",
            json!({"schema_version": 0}),
            "schema_version",
        ),
    ]
}

/// Invalid for the server only: the JSON Schema cannot say these (assets, CSS, blank text,
/// invisible characters outside the schema's pattern).
pub fn server_only_invalid() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        ("unknown asset", json!({"logo": "nope.png"}), "logo"),
        (
            "font as image",
            json!({"favicon": "brand.woff2"}),
            "favicon",
        ),
        (
            "path traversal asset",
            json!({"logo": "../../secrets"}),
            "logo",
        ),
        (
            "javascript url asset",
            json!({"logo": "javascript:alert(1)"}),
            "logo",
        ),
        (
            "css import",
            json!({"custom_css": "@import url(https://evil.example/x.css);"}),
            "custom_css",
        ),
        (
            "tag character",
            json!({"announcement": "a\u{E0041}"}),
            "announcement",
        ),
    ]
}
