//! The shopper's own pages from their answers: home with and without the block (and its
//! opt-out form, left out of a preview), product with the asked variant, the cart priced
//! with its notice or flash, and answers of another kind refused before anything renders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;
use support::dom::{all, check_page, one, text};
use support::fixtures::{CSRF, card, chrome, collection_info, product, usd, variant};
use wandstore_ai::report::Source;
use wandstore_core::cart::{CartCatalog, CartLine, VariantInfo};
use wandstore_core::catalog_question::CatalogAnswer;
use wandstore_core::money::Currency;
use wandstore_protocol::block_run::Shown;
use wandstore_render::Flash;
use wandstore_render::shopper_pages::{cart_page, featured, home_page, product_page};

fn shown(opted_out: bool) -> Shown {
    Shown {
        cards: vec![card("mug", "Blue mug", usd(1500))],
        source: Source::Baseline,
        headline: Some("Picked <for> you".to_owned()),
        opted_out,
    }
}

fn home_answer() -> CatalogAnswer {
    CatalogAnswer::Home {
        featured: vec![collection_info("mugs", "Mugs", 3)],
    }
}

#[test]
fn home_shows_the_block_with_its_source_headline_and_the_opt_out_form() {
    let answer = home_answer();
    let html = home_page(
        chrome(),
        4,
        featured(&answer).unwrap(),
        Some(shown(false)),
        false,
        || CSRF.to_owned(),
    )
    .unwrap();
    let doc = check_page(&html, Some(CSRF));
    assert_eq!(one(&doc, "[data-visits]").attr("data-visits"), Some("4"));
    assert_eq!(
        all(&doc, "#collections-heading + ul .card-title a").len(),
        1
    );
    assert!(html.contains("data-source=\"baseline\""));
    assert_eq!(text(one(&doc, "#recommended-heading")), "Picked <for> you");
    assert!(!html.contains("<for>"), "the headline is escaped");
    let links = all(&doc, "[data-recommendations] a[href*='rec=baseline']");
    assert!(!links.is_empty(), "the block's links carry its source");
    assert_eq!(
        one(&doc, "form.personalization-choice input[name=choice]").attr("value"),
        Some("off")
    );
}

#[test]
fn an_opted_out_shopper_is_offered_to_opt_back_in() {
    let html = home_page(chrome(), 2, &[], Some(shown(true)), false, || {
        CSRF.to_owned()
    })
    .unwrap();
    let doc = check_page(&html, Some(CSRF));
    assert_eq!(
        one(&doc, "form.personalization-choice input[name=choice]").attr("value"),
        Some("on")
    );
}

#[test]
fn a_preview_shows_the_block_without_the_form_and_issues_no_token() {
    let html = home_page(
        chrome().with_preview(),
        1,
        &[],
        Some(shown(false)),
        true,
        || panic!("no token for a preview"),
    )
    .unwrap();
    assert!(html.contains("data-source=\"baseline\""));
    assert!(!html.contains("personalization-choice"));
}

#[test]
fn without_a_block_the_home_page_has_no_recommendations_and_issues_no_token() {
    let html = home_page(chrome(), 1, &[], None, false, || panic!("no form")).unwrap();
    assert!(!html.contains("Recommended for you"));
    assert!(!html.contains("personalization-choice"));
}

#[test]
fn answers_of_another_kind_are_a_500_naming_the_question() {
    let product_answer = CatalogAnswer::Product {
        product: Box::new(product("hat", "Hat", vec![])),
    };
    let e = featured(&product_answer).unwrap_err();
    assert_eq!(e.status, 500);
    assert!(e.for_log().contains("home"), "{}", e.for_log());
    let e = wandstore_render::shopper_pages::product(&home_answer()).unwrap_err();
    assert_eq!(e.status, 500);
    assert!(e.for_log().contains("product"));
}

#[test]
fn the_product_page_preselects_the_asked_variant() {
    let p = product(
        "tee",
        "Tee",
        vec![
            variant("1", "S", usd(1000), None, true),
            variant("2", "M", usd(1000), None, true),
        ],
    );
    let answer = CatalogAnswer::Product {
        product: Box::new(p),
    };
    let p = wandstore_render::shopper_pages::product(&answer).unwrap();
    let query = [(
        "variant".to_owned(),
        "gid://shopify/ProductVariant/2".to_owned(),
    )];
    let html = product_page(chrome(), p, &query, CSRF.to_owned()).unwrap();
    let doc = check_page(&html, Some(CSRF));
    let selected = one(&doc, "option[selected]");
    assert_eq!(
        selected.attr("value"),
        Some("gid://shopify/ProductVariant/2")
    );
}

fn line(id: &str, qty: u32, price: i64) -> CartLine {
    CartLine {
        variant_id: id.to_owned(),
        product_handle: format!("{id}-handle"),
        title: format!("Old {id}"),
        quantity: qty,
        unit_price_when_added: usd(price),
        added_at_ms: 1,
    }
}

fn catalog(id: &str, price: i64) -> CartCatalog {
    let info = VariantInfo {
        variant_id: id.to_owned(),
        product_handle: format!("{id}-handle"),
        product_title: format!("Now {id}"),
        variant_title: "Large".to_owned(),
        price: usd(price),
        available: true,
    };
    CartCatalog {
        info: HashMap::from([(id.to_owned(), info)]),
        images: HashMap::new(),
    }
}

fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    (pairs.iter())
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The cart page for `lines` with `catalog`'s facts, under the query `pairs`.
fn cart(
    lines: &[CartLine],
    catalog: &CartCatalog,
    pairs: &[(&str, &str)],
    flash: Option<Flash>,
) -> String {
    let q = query(pairs);
    cart_page(
        chrome(),
        lines,
        catalog,
        Currency::USD,
        &q,
        flash,
        CSRF.to_owned(),
    )
    .unwrap()
}

#[test]
fn the_cart_is_priced_now_counts_its_items_and_shows_the_named_notice() {
    let html = cart(
        &[line("v1", 3, 900)],
        &catalog("v1", 1000),
        &[("notice", "added")],
        None,
    );
    let doc = check_page(&html, Some(CSRF));
    assert_eq!(text(one(&doc, "main > .flash")), "Added to your cart.");
    assert!(html.contains("Now v1"), "the catalog's current title");
    assert!(html.contains("$30.00"), "priced at today's price: {html}");
    assert_eq!(all(&doc, "[data-price-changed]").len(), 1);
    let badge = one(&doc, "[data-cart-count]");
    assert_eq!(
        badge.attr("data-cart-count"),
        Some("3"),
        "counted from the lines"
    );
}

#[test]
fn a_refusal_flash_wins_over_the_notice_and_an_unknown_notice_shows_nothing() {
    let (lines, c) = ([line("v1", 1, 1000)], catalog("v1", 1000));
    let html = cart(
        &lines,
        &c,
        &[("notice", "added")],
        Some(Flash::error("Too many")),
    );
    let doc = check_page(&html, Some(CSRF));
    assert_eq!(text(one(&doc, "main > .flash")), "Too many");
    let html = cart(&lines, &c, &[("notice", "<script>")], None);
    assert!(all(&check_page(&html, Some(CSRF)), "main > .flash").is_empty());
}

#[test]
fn a_line_gone_from_the_catalog_keeps_its_stored_title() {
    let html = cart(&[line("gone", 1, 500)], &CartCatalog::default(), &[], None);
    assert!(html.contains("Old gone"));
}
