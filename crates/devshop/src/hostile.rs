//! Hand-written products of the `demo` shop that prove escaping, sanitizing and Unicode
//! handling end to end. They are always products 1 and 2 of `demo` (the first page by ID) and
//! always on its home page collection.

use crate::catalog::{Image, Product, ProductOption, Variant};
use crate::catalog_gen::next_id;
use crate::catalog_words::ShopSpec;
use crate::html;
use crate::time::ymd;

/// Handle of the product whose title, vendor, tags, SEO, alt text, option values and
/// description carry script injections.
pub const HOSTILE_PRODUCT_HANDLE: &str = "hostile-mischief-wand";
/// Title of the hostile product: contains `<script>alert(1)</script>`, `&`, `"` and `'`.
pub const HOSTILE_PRODUCT_TITLE: &str =
    r#"<script>alert(1)</script> Tom & Jerry's "Mischief" Wand"#;
/// Vendor of the hostile product: contains `"` and `<`.
pub const HOSTILE_VENDOR: &str = r#"Mischief "Makers" <Ltd>"#;
/// A tag of the hostile product: contains `"` and `<`.
pub const HOSTILE_TAG: &str = r#"<b>bold</b> "quoted" tag"#;
/// The hostile product's `descriptionHtml`: an `onerror` image, a `javascript:` link, a
/// `<script>` element, an inline handler and an iframe, around some harmless markup.
pub const HOSTILE_DESCRIPTION_HTML: &str = concat!(
    r#"<p>Handle with care &amp; respect. <strong>Safe bold text</strong> stays.</p>"#,
    r#"<p><img src=x onerror="alert(1)"> <a href="javascript:alert(1)">Click for a free wand</a></p>"#,
    r#"<script>alert(document.cookie)</script>"#,
    r#"<div onclick="alert(2)" style="background:url(javascript:alert(3))">Hover me</div>"#,
    r#"<iframe src="javascript:alert(4)"></iframe>"#,
    r#"<p><a href="https://example.com/care" target="_blank">Care guide</a></p>"#,
);
/// Handle of a product with non-ASCII text everywhere (accents, CJK, emoji).
pub const UNICODE_PRODUCT_HANDLE: &str = "creme-brulee-potion";

/// Products 1 and 2 of the demo shop.
pub fn demo_specials(
    spec: &ShopSpec,
    variant_ids: &mut u64,
    image_ids: &mut u64,
    option_ids: &mut u64,
) -> Vec<Product> {
    vec![
        hostile(spec, variant_ids, image_ids, option_ids),
        unicode(spec, variant_ids, image_ids, option_ids),
    ]
}

fn hostile(
    spec: &ShopSpec,
    variant_ids: &mut u64,
    image_ids: &mut u64,
    option_ids: &mut u64,
) -> Product {
    let values = ["Standard", "Large & <Loud>"];
    let option = ProductOption {
        id: next_id(option_ids),
        name: "Size".to_string(),
        values: values
            .iter()
            .map(|v| (next_id(option_ids), v.to_string()))
            .collect(),
    };
    let variants = values
        .iter()
        .enumerate()
        .map(|(i, v)| Variant {
            id: next_id(variant_ids),
            title: v.to_string(),
            sku: Some(format!("{}-0001-{:02}", spec.sku_prefix, i + 1)),
            available: true,
            quantity_available: 13,
            price: 1337 + 1000 * i as i64,
            compare_at: (i == 0).then_some(2999),
            selected: vec![("Size".to_string(), v.to_string())],
            image: Some(i),
        })
        .collect();
    let images = (0..2)
        .map(|k| Image {
            id: next_id(image_ids),
            name: format!("{HOSTILE_PRODUCT_HANDLE}-{}", k + 1),
            alt: Some(format!(
                r#"Mischief wand "><img src=x onerror=alert({k})> view {}"#,
                k + 1
            )),
            width: 1024,
            height: 1024,
        })
        .collect();
    let mut tags = vec![
        HOSTILE_TAG.to_string(),
        "gift".to_string(),
        "sale".to_string(),
        "wands".to_string(),
    ];
    tags.sort();
    Product {
        id: spec.product_id_base + 1,
        handle: HOSTILE_PRODUCT_HANDLE.to_string(),
        title: HOSTILE_PRODUCT_TITLE.to_string(),
        vendor: HOSTILE_VENDOR.to_string(),
        product_type: "Wands".to_string(),
        description_html: HOSTILE_DESCRIPTION_HTML.to_string(),
        description: html::to_text(HOSTILE_DESCRIPTION_HTML),
        tags,
        options: vec![option],
        variants,
        images,
        created_at: ymd(2023, 1, 2),
        updated_at: ymd(2026, 10, 1),
        published_at: ymd(2023, 1, 2),
        sales_rank: 0,
        seo_title: Some("</title><script>alert('seo')</script>".to_string()),
        seo_description: Some(
            r#""><meta http-equiv="refresh" content="0;url=javascript:alert(1)">"#.to_string(),
        ),
    }
}

fn unicode(
    spec: &ShopSpec,
    variant_ids: &mut u64,
    image_ids: &mut u64,
    option_ids: &mut u64,
) -> Product {
    let values = ["50 ml", "100 ml"];
    let option = ProductOption {
        id: next_id(option_ids),
        name: "Volume".to_string(),
        values: values
            .iter()
            .map(|v| (next_id(option_ids), v.to_string()))
            .collect(),
    };
    let variants = values
        .iter()
        .enumerate()
        .map(|(i, v)| Variant {
            id: next_id(variant_ids),
            title: v.to_string(),
            sku: Some(format!("{}-0002-{:02}", spec.sku_prefix, i + 1)),
            available: i == 0,
            quantity_available: if i == 0 { 42 } else { 0 },
            price: 1250 + 700 * i as i64,
            compare_at: None,
            selected: vec![("Volume".to_string(), v.to_string())],
            image: Some(0),
        })
        .collect();
    let description_html =
        "<p>Crème brûlée flavour, naïve charm: 魔法の薬 ✨ — «fragile» ½ dose.</p>";
    Product {
        id: spec.product_id_base + 2,
        handle: UNICODE_PRODUCT_HANDLE.to_string(),
        title: "Crème Brûlée Potion — naïve 魔法 ✨".to_string(),
        vendor: "Starling Apothecary".to_string(),
        product_type: "Potions".to_string(),
        description_html: description_html.to_string(),
        description: html::to_text(description_html),
        tags: vec!["potions".to_string(), "ünïcödé".to_string()],
        options: vec![option],
        variants,
        images: vec![Image {
            id: next_id(image_ids),
            name: format!("{UNICODE_PRODUCT_HANDLE}-1"),
            alt: Some("Crème brûlée potion flask ✨".to_string()),
            width: 800,
            height: 800,
        }],
        created_at: ymd(2024, 2, 29),
        updated_at: ymd(2026, 9, 15),
        published_at: ymd(2024, 2, 29),
        sales_rank: 0,
        seo_title: Some("Crème Brûlée Potion ✨".to_string()),
        seo_description: None,
    }
}
