//! The product page: gallery, price and sale, availability, the add-to-cart form, SEO.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::dom::{all, check_page, json_ld, one, sel, text};
use support::fixtures::{BASE, CSRF, chrome, product, usd, variant};
use wandstore_core::catalog::Product;
use wandstore_render::ProductPage;

fn mug() -> Product {
    product(
        "blue-mug",
        "Blue mug",
        vec![
            variant("1", "Small", usd(1200), None, true),
            variant("2", "Medium", usd(1500), Some(usd(2000)), true),
            variant("3", "Large", usd(1800), None, false),
        ],
    )
}

fn render(product: Product, selected: Option<&str>) -> String {
    ProductPage {
        chrome: chrome(),
        product,
        selected_variant_id: selected.map(|id| format!("gid://shopify/ProductVariant/{id}")),
        csrf: CSRF.to_owned(),
    }
    .html()
    .unwrap()
}

#[test]
fn add_to_cart_form_posts_variant_quantity_and_csrf() {
    let html = render(mug(), None);
    let doc = check_page(&html, Some(CSRF));
    let form = one(&doc, "form.buy");
    assert_eq!(form.attr("method"), Some("post"));
    assert_eq!(form.attr("action"), Some("/s/acme/cart/add"));
    let qty = one(&doc, "input[name=quantity]");
    assert_eq!(
        (
            qty.attr("type"),
            qty.attr("min"),
            qty.attr("max"),
            qty.attr("value")
        ),
        (Some("number"), Some("1"), Some("99"), Some("1"))
    );
    let options = all(&doc, "select[name=variant_id] option");
    let labels: Vec<String> = options.iter().map(|o| text(*o)).collect();
    assert_eq!(
        labels,
        [
            "Small — $12.00",
            "Medium — $15.00 (was $20.00)",
            "Large — $18.00 — sold out"
        ]
    );
    assert_eq!(
        options[0].attr("value"),
        Some("gid://shopify/ProductVariant/1")
    );
    assert_eq!(text(one(&doc, "label[for=variant_id]")), "Size");
    assert_eq!(text(one(&doc, "form.buy button")), "Add to cart");
    assert_eq!(text(one(&doc, ".availability")), "In stock");
}

#[test]
fn sold_out_variants_are_disabled_and_never_preselected() {
    let html = render(mug(), None);
    let doc = check_page(&html, Some(CSRF));
    let disabled = all(&doc, "select[name=variant_id] option[disabled]");
    assert_eq!(disabled.len(), 1);
    assert_eq!(
        disabled[0].attr("value"),
        Some("gid://shopify/ProductVariant/3")
    );
    let selected = all(&doc, "option[selected]");
    assert_eq!(selected.len(), 1);
    assert_eq!(
        selected[0].attr("value"),
        Some("gid://shopify/ProductVariant/1")
    );

    // Asking for the sold-out variant shows it as sold out, and the button says so.
    let html = render(mug(), Some("3"));
    let doc = check_page(&html, Some(CSRF));
    assert_eq!(text(one(&doc, ".availability")), "Sold out");
    let button = one(&doc, "form.buy button");
    assert_eq!(text(button), "Sold out");
    assert!(button.attr("disabled").is_some());
}

#[test]
fn compare_at_price_shows_only_on_sale() {
    let regular = render(mug(), Some("1"));
    let doc = check_page(&regular, Some(CSRF));
    assert_eq!(text(one(&doc, ".product-price")), "$12.00");
    assert!(all(&doc, ".product-price s").is_empty());

    let sale = render(mug(), Some("2"));
    let doc = check_page(&sale, Some(CSRF));
    let was = one(&doc, ".product-price s");
    assert_eq!(text(was), "Regular price $20.00");
    assert_eq!(text(one(&doc, ".product-price .price-now")), "$15.00");
    assert_eq!(
        text(one(&doc, ".product-price")),
        "Sale price $15.00 Regular price $20.00"
    );

    // A compare-at price not above the price is no sale.
    let mut p = mug();
    p.variants[0].compare_at_price = Some(usd(1200));
    let doc = check_page(&render(p, Some("1")), Some(CSRF));
    assert!(all(&doc, ".product-price s").is_empty());
}

#[test]
fn a_product_without_options_needs_no_selector() {
    let mut p = product(
        "cap",
        "Cap",
        vec![variant("9", "Default Title", usd(900), None, true)],
    );
    p.options.clear();
    let html = render(p, None);
    let doc = check_page(&html, Some(CSRF));
    assert!(all(&doc, "select").is_empty());
    let hidden = one(&doc, "form.buy input[type=hidden][name=variant_id]");
    assert_eq!(hidden.attr("value"), Some("gid://shopify/ProductVariant/9"));
}

#[test]
fn a_sold_out_product_cannot_be_added() {
    let p = product(
        "gone",
        "Gone",
        vec![
            variant("1", "S", usd(100), None, false),
            variant("2", "M", usd(100), None, false),
        ],
    );
    let doc = check_page(&render(p, None), Some(CSRF));
    assert_eq!(text(one(&doc, ".availability")), "Sold out");
    assert!(one(&doc, "form.buy button").attr("disabled").is_some());
    assert_eq!(all(&doc, "option[disabled]").len(), 2);
}

#[test]
fn images_put_the_featured_one_first_and_lazy_load_the_rest() {
    let mut p = mug();
    p.images.insert(
        0,
        support::fixtures::image("https://cdn.example/other.jpg", Some("Side"), None),
    );
    let doc = check_page(&render(p, None), Some(CSRF));
    let imgs = all(&doc, ".gallery img");
    let srcs: Vec<&str> = imgs.iter().map(|i| i.attr("src").unwrap()).collect();
    assert_eq!(
        srcs,
        [
            "https://cdn.example/blue-mug-1.jpg",
            "https://cdn.example/other.jpg",
            "https://cdn.example/blue-mug-2.jpg"
        ]
    );
    assert_eq!(imgs[0].attr("loading"), None);
    assert_eq!(
        (imgs[0].attr("width"), imgs[0].attr("height")),
        (Some("800"), Some("600"))
    );
    assert_eq!(imgs[0].attr("alt"), Some("Front view"));
    assert!(imgs[1..].iter().all(|i| i.attr("loading") == Some("lazy")));
    assert_eq!(
        imgs[2].attr("alt"),
        Some("Blue mug"),
        "alt falls back to the title"
    );
    assert_eq!(imgs[2].attr("width"), None, "no size when unknown");
}

#[test]
fn description_tags_and_vendor_are_shown() {
    let doc = check_page(&render(mug(), None), Some(CSRF));
    assert_eq!(
        one(&doc, ".description").inner_html(),
        "<p>A <strong>sturdy</strong> mug.</p>"
    );
    assert_eq!(text(one(&doc, ".product-vendor")), "Acme");
    assert_eq!(
        one(&doc, ".tags a").attr("href"),
        Some("/s/acme/search?q=tag%3Akitchen")
    );
}

#[test]
fn head_has_canonical_open_graph_and_product_json_ld() {
    let html = render(mug(), Some("2"));
    let doc = check_page(&html, Some(CSRF));
    let canonical = format!("{BASE}/products/blue-mug");
    assert_eq!(
        one(&doc, "link[rel=canonical]").attr("href"),
        Some(canonical.as_str())
    );
    let og = |p: &str| {
        one(&doc, &format!("meta[property=\"og:{p}\"]"))
            .attr("content")
            .unwrap()
            .to_owned()
    };
    assert_eq!(og("url"), canonical);
    assert_eq!(og("type"), "product");
    assert_eq!(og("title"), "Blue mug · Acme Goods");
    assert_eq!(og("image"), "https://cdn.example/blue-mug-1.jpg");
    assert_eq!(og("description"), "A sturdy mug.");
    assert_eq!(text(one(&doc, "title")), "Blue mug · Acme Goods");
    assert_eq!(
        one(&doc, "meta[name=description]").attr("content"),
        Some("A sturdy mug.")
    );

    let ld = json_ld(&doc);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["name"], "Blue mug");
    assert_eq!(ld["description"], "A sturdy mug.");
    assert_eq!(ld["sku"], "SKU-1");
    assert_eq!(ld["brand"]["name"], "Acme");
    assert_eq!(ld["image"][0], "https://cdn.example/blue-mug-1.jpg");
    let offers = ld["offers"].as_array().unwrap();
    assert_eq!(offers.len(), 3);
    assert_eq!(offers[1]["price"], "15.00", "a decimal string, not a float");
    assert_eq!(offers[1]["priceCurrency"], "USD");
    assert_eq!(offers[1]["availability"], "https://schema.org/InStock");
    assert_eq!(offers[2]["availability"], "https://schema.org/OutOfStock");
}

#[test]
fn merchant_seo_fields_win() {
    let mut p = mug();
    p.seo.title = Some("The best blue mug".to_owned());
    p.seo.description = Some("Hand-made in Portugal.".to_owned());
    let doc = check_page(&render(p, None), Some(CSRF));
    assert_eq!(text(one(&doc, "title")), "The best blue mug · Acme Goods");
    assert_eq!(
        one(&doc, "meta[name=description]").attr("content"),
        Some("Hand-made in Portugal.")
    );
    assert_eq!(
        text(one(&doc, "h1")),
        "Blue mug",
        "the page heading stays the product title"
    );
    assert!(
        doc.select(&sel("meta[name=robots]")).next().is_none(),
        "product pages are indexed"
    );
}
