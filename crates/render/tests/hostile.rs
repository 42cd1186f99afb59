//! Hostile data renders inert on every page: escaped text, sanitized description, JSON-LD
//! that cannot close its script, no event handlers, no `javascript:`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::dom::{all, assert_safe, check_page, json_ld, one, text};
use support::fixtures::{
    CSRF, card, chrome, collection_info, hostile_product, listing, store, usd,
};
use wandstore_core::catalog::{PageSize, SortKey};
use wandstore_render::{
    CartLine, CartPage, Chrome, CollectionPage, ErrorPage, Flash, HomePage, ProductPage,
    Recommendation, SearchPage, Theme,
};

const EVIL: &str = r#"<script>alert(1)</script> & "quotes""#;

fn hostile_chrome() -> Chrome {
    // Built directly (not through validation), so the renderer's own guards are what holds.
    let mut theme = Theme::default();
    theme.colors.accent = r#"red" onload="alert(1)"#.to_owned();
    theme.colors.text = "x</style><script>alert(1)</script>".to_owned();
    let mut c = Chrome::for_store(&store(EVIL, "USD"), "/s/acme/", r#"<req "id">"#)
        .with_canonical_base("https://acme.wandstore.dev")
        .with_theme(theme)
        .with_flash(Flash::error(EVIL));
    c.lang = r#"en" onclick="x"#.to_owned();
    c
}

fn hostile_product_page() -> ProductPage {
    ProductPage {
        chrome: hostile_chrome(),
        product: hostile_product(),
        selected_variant_id: Some(r#""><script>alert(1)</script>"#.to_owned()),
        csrf: r#"tok"en<"#.to_owned(),
    }
}

#[test]
fn hostile_product_page_is_inert() {
    let html = hostile_product_page().html().unwrap();
    let doc = check_page(&html, Some(r#"tok"en<"#));
    assert_eq!(text(one(&doc, "h1")), EVIL);
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;quotes&#34;"),
        "escaped title"
    );
    assert!(text(one(&doc, ".product-vendor")).contains("<img src=x onerror=alert(1)>"));
    assert!(all(&doc, ".product-vendor img").is_empty());
    let tag = one(&doc, ".tags a");
    assert_eq!(text(tag), r#"<tag> "quoted""#);
    assert_eq!(
        tag.attr("href"),
        Some("/s/acme/search?q=tag%3A%3Ctag%3E%20%22quoted%22")
    );
    assert_eq!(text(one(&doc, "label[for=variant_id]")), r#"Size<script>"#);
    // The javascript: featured image is dropped; the first image shown loads at once.
    let imgs = all(&doc, ".gallery img");
    assert_eq!(imgs[0].attr("src"), Some("https://cdn.example/evil-1.jpg"));
    assert_eq!(imgs[0].attr("loading"), None);
    assert_eq!(imgs[2].attr("alt"), Some(r#""><script>alert(10)</script>"#));
    // The option label shows the variant title as text.
    assert!(text(one(&doc, "#variant_id option")).starts_with(r#"<b>"M"</b> — $12.50"#));
    // The theme and lang could not break out of their attributes.
    assert_eq!(one(&doc, "html").attr("lang"), Some("en"));
    let root = one(&doc, "html");
    assert_eq!(root.attr("onload"), None);
    let style = root.attr("style").unwrap();
    assert!(
        style.contains("--color-accent: #5b3cc4;"),
        "a colour that is not #rrggbb falls back: {style}"
    );
    assert!(
        style.contains("--color-text: #1d1d1f;"),
        "a value with `<` falls back: {style}"
    );
    // The flash message is text.
    assert_eq!(text(one(&doc, "[role=alert]")), EVIL);
}

#[test]
fn description_keeps_allowed_markup_and_loses_the_rest() {
    let html = hostile_product_page().html().unwrap();
    let doc = check_page(&html, Some(r#"tok"en<"#));
    let desc = one(&doc, ".description");
    assert_eq!(text(one(&doc, ".description strong")), "stuff");
    assert!(
        desc.inner_html()
            .contains("<p>Good <strong>stuff</strong></p>")
    );
    assert_eq!(text(desc).matches("styled").count(), 1);
    for a in desc.select(&support::dom::sel("a")) {
        assert_eq!(a.attr("href"), None, "dangerous href kept: {}", a.html());
        assert_eq!(a.attr("rel"), Some("noopener noreferrer nofollow"));
    }
    for img in desc.select(&support::dom::sel("img")) {
        assert_eq!(img.attr("src"), None);
    }
    assert!(
        !desc.inner_html().contains("alert(2)"),
        "script content dropped"
    );
    assert!(all(&doc, ".description [style]").is_empty());
}

#[test]
fn json_ld_survives_script_closers_in_data() {
    let html = hostile_product_page().html().unwrap();
    let doc = check_page(&html, Some(r#"tok"en<"#));
    let ld = json_ld(&doc);
    assert_eq!(ld["@type"], "Product");
    assert_eq!(ld["name"], EVIL);
    assert_eq!(
        ld["description"],
        "Plain </script><script>alert(3)</script> text & more"
    );
    assert_eq!(
        ld["brand"]["name"],
        r#"Vendor <img src=x onerror=alert(1)> "x""#
    );
    // The javascript: featured image is not offered to search engines either.
    let images: Vec<&str> = ld["image"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        images.iter().all(|u| u.starts_with("https://")),
        "{images:?}"
    );
    let raw_script = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .unwrap();
    let body = raw_script.split("</script>").next().unwrap();
    assert!(body.contains(r"\u003c/script\u003e"), "{body}");
}

#[test]
fn hostile_cards_collections_and_recommendations_are_escaped() {
    let mut evil_card = card("e<v>il", EVIL, usd(100));
    evil_card.vendor = r#"<i onclick="x">v</i>"#.to_owned();
    let mut evil_collection = collection_info("c\"x", EVIL, 3);
    evil_collection.description = "</p><script>alert(1)</script>".to_owned();
    let home = HomePage {
        chrome: hostile_chrome(),
        visits: 2,
        featured: vec![evil_collection.clone()],
        recommended: vec![Recommendation {
            card: evil_card.clone(),
            reason: Some(r#"Because you liked <img src=x onerror="alert(1)">"#.to_owned()),
        }],
        recommended_source: Some("ai"),
        recommended_headline: Some(r#"Ignore the rules <script>alert("ai")</script>"#.to_owned()),
        personalization: Some(wandstore_render::PersonalizationChoice {
            csrf: r#""><script>x</script>"#.to_owned(),
            opted_out: false,
        }),
    }
    .html()
    .unwrap();
    let doc = check_page(&home, Some(r#""><script>x</script>"#));
    assert_eq!(
        text(one(&doc, "#recommended-heading")),
        r#"Ignore the rules <script>alert("ai")</script>"#,
        "the model's headline is text"
    );
    assert!(!home.contains("<script>alert(\"ai\")"));
    let block = one(&doc, "section[data-source]");
    assert_eq!(block.attr("data-source"), Some("ai"));
    let form = one(&doc, "form.personalization-choice");
    assert_eq!(form.attr("action"), Some("/s/acme/personalization"));
    assert_eq!(
        one(&doc, "form.personalization-choice input[name=choice]").attr("value"),
        Some("off")
    );
    assert_eq!(
        text(one(&doc, ".card-reason")),
        r#"Because you liked <img src=x onerror="alert(1)">"#
    );
    assert_eq!(
        one(&doc, "#recommended-heading + ul .card-title a").attr("href"),
        Some("/s/acme/products/e%3Cv%3Eil?rec=ai"),
        "links say which ranking they came from"
    );

    let page = CollectionPage {
        chrome: hostile_chrome(),
        collection: &evil_collection,
        listing: &listing(vec![evil_card], 1, 1, SortKey::Featured, PageSize::Small),
    }
    .html()
    .unwrap();
    let doc = check_page(&page, None);
    assert_eq!(text(one(&doc, "h1")), EVIL);
    assert_eq!(
        one(&doc, "form").attr("action"),
        Some("/s/acme/collections/c%22x")
    );
}

#[test]
fn search_query_is_echoed_safely() {
    let q = r#""><script>alert(1)</script>"#;
    let html = SearchPage {
        chrome: hostile_chrome(),
        query: q.to_owned(),
        listing: Some(&listing(vec![], 1, 0, SortKey::Featured, PageSize::Small)),
    }
    .html()
    .unwrap();
    let doc = check_page(&html, None);
    assert_eq!(one(&doc, "#search-q").attr("value"), Some(q));
    assert_eq!(
        text(one(&doc, ".empty h2")),
        format!("No results for “{q}”")
    );
}

#[test]
fn hostile_cart_and_error_pages_are_inert() {
    let line = CartLine {
        variant_id: r#""><script>alert(1)</script>"#.to_owned(),
        product_handle: "../../admin".to_owned(),
        product_title: EVIL.to_owned(),
        variant_title: EVIL.to_owned(),
        image: None,
        quantity: 1,
        unit_price: usd(100),
        price_when_added: usd(100),
        line_total: usd(100),
        available: true,
    };
    let html = CartPage {
        chrome: hostile_chrome(),
        lines: vec![line],
        subtotal: usd(100),
        csrf: CSRF.to_owned(),
    }
    .html()
    .unwrap();
    let doc = check_page(&html, Some(CSRF));
    assert_eq!(
        one(&doc, ".cart-line h2 a").attr("href"),
        Some(
            "/s/acme/products/..%2F..%2Fadmin?variant=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"
        )
    );

    let error = ErrorPage::not_found(hostile_chrome(), EVIL).html().unwrap();
    let doc = check_page(&error, None);
    assert_safe(&doc, &error);
    assert_eq!(
        text(all(&doc, "main > p")[0]),
        format!("We could not find {EVIL}.")
    );
    // A plain chrome still renders fine around the same data.
    let plain = ErrorPage::not_found(chrome(), EVIL).html().unwrap();
    check_page(&plain, None);
}
