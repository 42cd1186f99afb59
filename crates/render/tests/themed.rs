//! Pages drawn from a theme: tokens as custom properties, announcement, logo, favicon, home
//! sections in the theme's order, grid settings, scoped custom CSS on storefront pages only,
//! hostile owner text escaped, and preview mode.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use support::dom::{all, check_page, one, text};
use support::fixtures::{
    CSRF, card, chrome, collection_info, generated_cards, image, listing, usd,
};
use wandstore_core::catalog::{PageSize, SortKey};
use wandstore_core::money::{Currency, Money};
use wandstore_render::{
    CartLine, CartPage, Chrome, CollectionPage, ErrorPage, HomePage, ProductPage, Recommendation,
    SearchPage,
};
use wandstore_theme::{AssetFile, AssetIndex, OUTLET_DEMO, Theme, parse_draft};

const EVIL: &str = r#"<script>alert(1)</script> & "quotes" </style>"#;

fn hashed(c: char, ext: &str) -> String {
    format!("{}.{ext}", std::iter::repeat_n(c, 64).collect::<String>())
}

fn assets() -> AssetIndex {
    let mut index = AssetIndex::new();
    for (name, c, ext) in [
        ("logo.png", 'a', "png"),
        ("fav.ico", 'b', "ico"),
        ("hero.jpg", 'c', "jpg"),
    ] {
        index.insert(
            name,
            AssetFile {
                file: hashed(c, ext),
                content_type: format!("image/{ext}"),
            },
        );
    }
    index
}

fn theme(doc: Value) -> Theme {
    parse_draft(&serde_json::to_vec(&doc).unwrap(), &assets()).unwrap_or_else(|e| panic!("{e:?}"))
}

fn home(chrome: Chrome) -> String {
    HomePage {
        chrome,
        visits: 3,
        featured: vec![
            collection_info("mugs", "Mugs", 4),
            collection_info("cups", "Cups", 2),
        ],
        recommended: vec![Recommendation {
            card: card("tea", "Tea", usd(500)),
            reason: Some("Because you viewed Mugs".to_owned()),
        }],
        recommended_source: None,
        recommended_headline: None,
        personalization: None,
    }
    .html()
    .unwrap()
}

fn cart(chrome: Chrome) -> String {
    let line = CartLine {
        variant_id: "gid://shopify/ProductVariant/1".to_owned(),
        product_handle: "tea".to_owned(),
        product_title: "Tea".to_owned(),
        variant_title: "Large".to_owned(),
        image: Some(image("https://cdn.example/t.jpg", None, Some((10, 10)))),
        quantity: 1,
        unit_price: usd(500),
        price_when_added: usd(500),
        line_total: usd(500),
        available: true,
    };
    CartPage {
        chrome,
        lines: vec![line],
        subtotal: Money::new(500, Currency::USD),
        csrf: CSRF.to_owned(),
    }
    .html()
    .unwrap()
}

fn collection(chrome: Chrome) -> String {
    CollectionPage {
        chrome,
        collection: &collection_info("mugs", "Mugs", 3),
        listing: &listing(
            generated_cards(3, Currency::USD),
            1,
            3,
            SortKey::Featured,
            PageSize::Small,
        ),
    }
    .html()
    .unwrap()
}

#[test]
fn the_accent_and_every_token_reach_the_page_as_custom_properties() {
    let t = theme(json!({
        "colors": {"accent": "#B3261E", "background": "#fffaf5", "text": "#201a17"},
        "fonts": {"heading": "didone"},
        "radius": 2,
        "spacing": 48
    }));
    let html = home(chrome().with_theme(t));
    let doc = check_page(&html, None);
    let style = one(&doc, "html").attr("style").unwrap();
    for token in [
        "--color-accent: #b3261e",
        "--color-background: #fffaf5",
        "--color-text: #201a17",
        "--font-heading: Didot",
        "--radius: 2px",
        "--spacing: 48px",
    ] {
        assert!(style.contains(token), "{token} in {style}");
    }
    assert!(
        html.contains("a { color: var(--color-accent); }"),
        "links use the accent"
    );
    assert!(
        html.contains("background: var(--color-accent); color: var(--color-on-accent);"),
        "buttons use the accent"
    );
    assert!(!html.contains("--color-primary"));
}

#[test]
fn the_home_page_follows_the_themes_sections_in_order() {
    let t = theme(json!({"layout": {"home": {"sections": [
        {"type": "rich_text", "settings": {"heading": "Our story"}, "blocks": [
            {"type": "heading", "text": "Since 1999"},
            {"type": "paragraph", "text": "Line one\nLine two"}]},
        {"type": "recommended_products", "settings": {"heading": "Picked for you"}},
        {"type": "hero", "settings": {"heading": "Big sale", "text": "All mugs", "image": "hero.jpg", "image_alt": "Mugs on a shelf"}},
        {"type": "featured_collections", "settings": {"limit": 1}},
        {"type": "visit_counter"},
        {"type": "visit_counter"}
    ]}}}));
    let html = home(chrome().with_theme(t));
    let doc = check_page(&html, None);
    let headings: Vec<String> = all(&doc, "main h1, main h2")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        headings,
        [
            "Our story",
            "Picked for you",
            "Big sale",
            "Shop by collection"
        ]
    );
    assert_eq!(text(one(&doc, ".rich-text h3")), "Since 1999");
    assert_eq!(
        one(&doc, ".rich-text p").inner_html(),
        "Line one<br>Line two"
    );
    let hero = one(&doc, ".hero-image");
    assert_eq!(
        hero.attr("src"),
        Some(format!("/s/acme/assets/{}", hashed('c', "jpg")).as_str())
    );
    assert_eq!(hero.attr("alt"), Some("Mugs on a shelf"));
    assert_eq!(
        all(&doc, "#collections-heading + ul > li").len(),
        1,
        "limit 1"
    );
    assert_eq!(all(&doc, "#visits").len(), 1, "one visit counter");
    assert_eq!(text(one(&doc, "#recommended-heading")), "Picked for you");
}

#[test]
fn a_home_without_a_hero_still_has_one_h1_and_a_second_hero_is_an_h2() {
    let none = theme(json!({"layout": {"home": {"sections": [{"type": "visit_counter"}]}}}));
    let doc = check_page(&home(chrome().with_theme(none)), None);
    assert_eq!(text(one(&doc, "h1.visually-hidden")), "Acme Goods");
    let two = theme(json!({"layout": {"home": {"sections": [
        {"type": "hero", "settings": {"heading": "One"}}, {"type": "hero", "settings": {"heading": "Two"}}]}}}));
    let doc = check_page(&home(chrome().with_theme(two)), None);
    assert_eq!(text(one(&doc, "h1")), "One");
    assert_eq!(text(one(&doc, ".hero h2")), "Two");
    let empty = theme(json!({"layout": {"home": {"sections": []}}}));
    check_page(&home(chrome().with_theme(empty)), None);
}

#[test]
fn announcement_logo_and_favicon() {
    let t =
        theme(json!({"announcement": "Free shipping", "logo": "logo.png", "favicon": "fav.ico"}));
    let doc = check_page(&home(chrome().with_theme(t)), None);
    assert_eq!(
        text(one(&doc, ".theme-scope > .announcement p")),
        "Free shipping"
    );
    let logo = one(&doc, "a.brand img");
    assert_eq!(logo.attr("alt"), Some("Acme Goods"));
    assert_eq!(
        logo.attr("src"),
        Some(format!("/s/acme/assets/{}", hashed('a', "png")).as_str())
    );
    assert_eq!(
        one(&doc, "link[rel=icon]").attr("href"),
        Some(format!("/s/acme/assets/{}", hashed('b', "ico")).as_str())
    );
    // Defaults: no bar, the name as text, {base}favicon.ico.
    let doc = check_page(&home(chrome()), None);
    assert!(all(&doc, ".announcement").is_empty());
    assert_eq!(text(one(&doc, "a.brand")), "Acme Goods");
    assert_eq!(
        one(&doc, "link[rel=icon]").attr("href"),
        Some("/s/acme/favicon.ico")
    );
}

#[test]
fn hostile_owner_text_is_escaped_everywhere() {
    let t = theme(json!({
        "announcement": EVIL,
        "layout": {
            "home": {"sections": [
                {"type": "hero", "settings": {"heading": EVIL, "text": EVIL, "image": "hero.jpg", "image_alt": EVIL}},
                {"type": "featured_collections", "settings": {"heading": EVIL}},
                {"type": "rich_text", "settings": {"heading": EVIL}, "blocks": [
                    {"type": "heading", "text": EVIL}, {"type": "paragraph", "text": EVIL}]}]},
            "product": {"sections": [{"type": "product_details"}, {"type": "rich_text", "blocks": [{"type": "paragraph", "text": EVIL}]}]}
        }
    }));
    let html = home(chrome().with_theme(t.clone()));
    let doc = check_page(&html, None);
    assert_eq!(text(one(&doc, ".announcement p")), EVIL);
    assert_eq!(text(one(&doc, "h1")), EVIL);
    assert_eq!(one(&doc, ".hero-image").attr("alt"), Some(EVIL));
    assert_eq!(text(one(&doc, "#collections-heading")), EVIL);
    assert_eq!(text(one(&doc, ".rich-text h3")), EVIL);
    assert!(!html.contains("<script>alert"), "raw script");
    assert!(!html.contains("</style> &"), "raw style closer");
    let product = ProductPage {
        chrome: chrome().with_theme(t),
        product: support::fixtures::product(
            "tea",
            "Tea",
            vec![support::fixtures::variant("1", "One", usd(500), None, true)],
        ),
        selected_variant_id: None,
        csrf: CSRF.to_owned(),
    }
    .html()
    .unwrap();
    let doc = check_page(&product, Some(CSRF));
    assert_eq!(
        text(one(&doc, "article.product ~ .rich-text p")),
        EVIL,
        "after the product"
    );
}

#[test]
fn custom_css_is_scoped_on_storefront_pages_and_absent_from_error_pages() {
    let t = std::sync::Arc::new(theme(json!({
        "custom_css": ".card { border-width: 3px } .hero { background: url(hero.jpg) }"
    })));
    let storefront = [
        home(chrome().with_theme(t.clone())),
        collection(chrome().with_theme(t.clone())),
        cart(chrome().with_theme(t.clone())),
        SearchPage {
            chrome: chrome().with_theme(t.clone()),
            query: String::new(),
            listing: None,
        }
        .html()
        .unwrap(),
    ];
    for html in &storefront {
        let doc = check_page(html, Some(CSRF));
        let styles = all(&doc, "head style");
        assert_eq!(styles.len(), 2, "base stylesheet + custom CSS");
        let custom = styles[1].inner_html();
        assert!(
            custom.contains(":where(.theme-scope) .card { border-width: 3px }"),
            "{custom}"
        );
        assert!(
            custom.contains(&format!("url(\"/s/acme/assets/{}\")", hashed('c', "jpg"))),
            "{custom}"
        );
        // The scope holds the header and main, not the footer.
        assert_eq!(all(&doc, ".theme-scope main").len(), 1);
        assert_eq!(all(&doc, ".theme-scope header.site-header").len(), 1);
        assert!(all(&doc, ".theme-scope footer").is_empty());
    }
    let error = ErrorPage::not_found(chrome().with_theme(t.clone()), "that page")
        .html()
        .unwrap();
    let doc = check_page(&error, None);
    assert_eq!(
        all(&doc, "head style").len(),
        1,
        "no custom CSS on error pages"
    );
    assert!(!error.contains("theme-scope) .card"));
    let platform = ErrorPage::not_found(Chrome::platform("r").with_theme(t), "that store")
        .html()
        .unwrap();
    assert!(!platform.contains("border-width: 3px"));
}

#[test]
fn collection_pages_use_the_grid_settings_and_sections_around_the_grid() {
    let t = theme(json!({"layout": {"collection": {"sections": [
        {"type": "hero", "settings": {"heading": "Sale on now"}},
        {"type": "product_grid", "settings": {"columns": 4, "image_ratio": "portrait"}},
        {"type": "rich_text", "blocks": [{"type": "paragraph", "text": "Prices include tax."}]}
    ]}}}));
    let html = collection(chrome().with_theme(t.clone()));
    let doc = check_page(&html, None);
    let grid = one(&doc, "ul.grid");
    assert_eq!(grid.attr("class"), Some("grid grid-cols-4 ratio-portrait"));
    assert_eq!(text(one(&doc, "h1")), "Mugs");
    assert_eq!(text(one(&doc, ".hero h2")), "Sale on now");
    assert_eq!(
        text(one(&doc, "ul.grid ~ .rich-text p")),
        "Prices include tax."
    );
    assert!(html.find("Sale on now") < html.find("class=\"toolbar\""));
    // The default grid is today's.
    let doc = check_page(&collection(chrome()), None);
    assert_eq!(
        one(&doc, "ul.grid").attr("class"),
        Some("grid ratio-square")
    );
}

#[test]
fn preview_pages_are_marked_noindex_and_cannot_check_out() {
    let home_html = home(chrome().with_preview());
    let doc = check_page(&home_html, None);
    assert_eq!(
        text(one(&doc, "[data-preview]")),
        "Preview — not published. Checkout is turned off."
    );
    assert!(
        all(&doc, ".theme-scope [data-preview]").is_empty(),
        "outside the owner's scope"
    );
    assert_eq!(
        one(&doc, "meta[name=robots]").attr("content"),
        Some("noindex")
    );
    let doc = check_page(&home(chrome()), None);
    assert!(
        all(&doc, "[data-preview], meta[name=robots]").is_empty(),
        "a published home is indexable"
    );

    let preview_cart = cart(chrome().with_preview());
    let doc = check_page(&preview_cart, Some(CSRF));
    assert!(
        all(&doc, "form[action=\"/s/acme/checkout\"]").is_empty(),
        "no checkout form"
    );
    assert_eq!(
        text(one(&doc, "[data-preview-checkout]")),
        "Checkout is turned off in this preview."
    );
    let doc = check_page(&cart(chrome()), Some(CSRF));
    assert_eq!(all(&doc, "form[action=\"/s/acme/checkout\"]").len(), 1);
}

#[test]
fn the_outlet_demo_renders_a_valid_themed_home() {
    let t = parse_draft(OUTLET_DEMO.as_bytes(), &AssetIndex::new()).unwrap();
    let html = home(chrome().with_theme(t));
    let doc = check_page(&html, None);
    assert!(
        one(&doc, "html")
            .attr("style")
            .unwrap()
            .contains("--color-accent: #b3261e")
    );
    assert!(
        html.contains("Recommended for you"),
        "e2e tests look for it on outlet"
    );
    assert!(one(&doc, "[data-visits]").attr("data-visits") == Some("3"));
    assert!(!all(&doc, ".announcement").is_empty());
}

#[test]
fn the_default_theme_reproduces_todays_home() {
    let doc = check_page(&home(chrome()), None);
    assert_eq!(text(one(&doc, "h1")), "Welcome to Acme Goods");
    assert_eq!(
        text(one(&doc, ".hero p")),
        "Browse our collections, or search for something specific."
    );
    let order: Vec<String> = all(&doc, ".hero h1, #visits, main h2")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(order[0], "Welcome to Acme Goods");
    assert!(order[1].contains("visited this store 3 times"), "{order:?}");
    assert_eq!(order[2..], ["Shop by collection", "Recommended for you"]);
    assert!(
        all(&doc, "head style").len() == 1,
        "no custom CSS by default"
    );
}
