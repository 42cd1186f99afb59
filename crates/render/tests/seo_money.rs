//! Head tags on every page, the theme, and money formatted per currency.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::dom::{all, check_page, one, raw_text, text};
use support::fixtures::{
    BASE, CSRF, card, chrome, collection_info, listing, product, store, variant,
};
use wandstore_core::catalog::{PageSize, SortKey};
use wandstore_core::money::{Currency, Money};
use wandstore_render::{Chrome, CollectionPage, HomePage, ProductPage, Theme};
use wandstore_theme::FontStack;

fn og(doc: &scraper::Html, property: &str) -> Option<String> {
    all(doc, &format!("meta[property=\"og:{property}\"]"))
        .first()
        .and_then(|m| m.attr("content"))
        .map(str::to_owned)
}

#[test]
fn home_and_collection_have_absolute_canonical_and_og_urls() {
    let doc = check_page(&HomePage::new(chrome(), 1).html().unwrap(), None);
    let home = format!("{BASE}/");
    assert_eq!(
        one(&doc, "link[rel=canonical]").attr("href"),
        Some(home.as_str())
    );
    assert_eq!(og(&doc, "url").as_deref(), Some(home.as_str()));
    assert_eq!(og(&doc, "type").as_deref(), Some("website"));
    assert_eq!(og(&doc, "title").as_deref(), Some("Acme Goods"));
    assert_eq!(
        og(&doc, "description").as_deref(),
        Some("Shop Acme Goods online.")
    );

    let page = CollectionPage {
        chrome: chrome(),
        collection: &collection_info("mugs", "Mugs", 60),
        listing: &listing(
            vec![card("a", "A", Money::new(100, Currency::USD))],
            2,
            60,
            SortKey::PriceAsc,
            PageSize::Large,
        ),
    };
    let doc = check_page(&page.html().unwrap(), None);
    // Sort and size do not make a new page for search engines; the page number does.
    let canonical = format!("{BASE}/collections/mugs?page=2");
    assert_eq!(
        one(&doc, "link[rel=canonical]").attr("href"),
        Some(canonical.as_str())
    );
    assert_eq!(og(&doc, "url"), Some(canonical));
    assert_eq!(
        og(&doc, "image").as_deref(),
        Some("https://cdn.example/c-mugs.jpg")
    );
    assert_eq!(text(one(&doc, "title")), "Mugs – page 2 · Acme Goods");
    assert_eq!(
        one(&doc, "meta[name=description]").attr("content"),
        Some("All our Mugs.")
    );
    for url in all(
        &doc,
        "link[rel=canonical], meta[property^=\"og:\"][content^=\"http\"]",
    ) {
        let u = url.attr("href").or(url.attr("content")).unwrap();
        assert!(u.starts_with("https://"), "{u}");
    }
}

#[test]
fn a_store_path_base_and_a_missing_base() {
    let chrome_path = Chrome::for_store(&store("Acme Goods", "USD"), "/s/acme/", "r")
        .with_canonical_base("https://wandstore.dev/s/acme");
    let doc = check_page(&HomePage::new(chrome_path, 1).html().unwrap(), None);
    assert_eq!(
        one(&doc, "link[rel=canonical]").attr("href"),
        Some("https://wandstore.dev/s/acme/")
    );

    // Without a valid absolute base there is no canonical URL rather than a relative one.
    for base in ["", "/s/acme", "javascript:alert(1)"] {
        let c = Chrome::for_store(&store("Acme Goods", "USD"), "/s/acme/", "r")
            .with_canonical_base(base);
        let doc = check_page(&HomePage::new(c, 1).html().unwrap(), None);
        assert!(
            all(&doc, "link[rel=canonical], meta[property=\"og:url\"]").is_empty(),
            "{base}"
        );
    }
}

#[test]
fn theme_variables_reach_the_page() {
    let mut theme = Theme::default();
    theme.colors.accent = "#ff0066".to_owned();
    theme.fonts.body = FontStack::OldStyle;
    theme.radius = 4;
    let html = HomePage::new(chrome().with_theme(theme), 1).html().unwrap();
    let doc = check_page(&html, None);
    let style = one(&doc, "html").attr("style").unwrap();
    assert!(style.contains("--color-accent: #ff0066"), "{style}");
    assert!(
        style.contains(&format!("--font-body: {}", FontStack::OldStyle.css())),
        "{style}"
    );
    assert!(style.contains("--radius: 4px"), "{style}");
    assert!(
        html.contains("font: 1rem/1.55 var(--font-body)"),
        "the stylesheet reads the variables"
    );
}

fn priced_product_page(currency: Currency, minor: i64, compare: i64) -> scraper::Html {
    let m = |x| Money::new(x, currency);
    let p = product(
        "thing",
        "Thing",
        vec![variant("1", "One", m(minor), Some(m(compare)), true)],
    );
    let c = Chrome::for_store(&store("Shop", currency.as_str()), "/", "r");
    let html = ProductPage {
        chrome: c,
        product: p,
        selected_variant_id: None,
        csrf: CSRF.to_owned(),
    }
    .html()
    .unwrap();
    check_page(&html, Some(CSRF))
}

#[test]
fn money_is_formatted_per_currency_and_exact_in_json_ld() {
    let cases = [
        (
            Currency::USD,
            123_450,
            150_000,
            "$1,234.50",
            "$1,500.00",
            "1234.50",
        ),
        (
            Currency::EUR,
            123_450,
            150_000,
            "1.234,50\u{a0}€",
            "1.500,00\u{a0}€",
            "1234.50",
        ),
        (Currency::JPY, 1235, 2000, "¥1,235", "¥2,000", "1235"),
    ];
    for (currency, minor, compare, now, was, decimal) in cases {
        let doc = priced_product_page(currency, minor, compare);
        assert_eq!(
            raw_text(one(&doc, ".product-price .price-now")),
            now,
            "{currency}"
        );
        assert_eq!(
            raw_text(one(&doc, ".product-price s")),
            format!("Regular price {was}"),
            "{currency}"
        );
        let ld = support::dom::json_ld(&doc);
        assert_eq!(ld["offers"][0]["price"], decimal, "{currency}");
        assert_eq!(ld["offers"][0]["priceCurrency"], currency.as_str());
    }
}
