//! The listing pages' pure steps (`listing_pages`): a page's frame, the question it asks and
//! the page an answer (or a wrong one) renders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use support::fixtures::{collection_info, generated_cards, listing, product, store, usd, variant};
use wandstore_core::catalog::{PageSize, SortKey};
use wandstore_core::catalog_question::{CatalogAnswer, CatalogQuestion};
use wandstore_core::edge_pages::EdgePage;
use wandstore_core::identity::ShopperId;
use wandstore_core::money::Currency;
use wandstore_core::store::StoreSlug;
use wandstore_protocol::shopper::ShopperContext;
use wandstore_render::listing_pages::*;
use wandstore_render::{Chrome, Theme};

fn ctx(preview: bool, nonce: Option<&str>) -> ShopperContext {
    ShopperContext {
        store: StoreSlug::parse("acme").unwrap(),
        shopper: ShopperId::from_random([7; 16]),
        base: "/s/acme/".into(),
        origin: "https://shop.test".into(),
        request_id: "rid".into(),
        buyer_ip: None,
        buyer_country: None,
        first_visit: false,
        saw_home: false,
        preview,
        script_nonce: nonce.map(str::to_owned),
        pending_views: Vec::new(),
        home_count: None,
    }
}

fn frame(preview: bool, nonce: Option<&str>) -> Chrome {
    let theme = Arc::new(Theme::default());
    chrome(&ctx(preview, nonce), &store("Acme", "USD"), theme, 3)
}

fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn mugs() -> CatalogAnswer {
    let cards = generated_cards(2, Currency::USD);
    CatalogAnswer::Collection {
        collection: collection_info("mugs", "Mugs", 2),
        listing: listing(cards, 1, 2, SortKey::Featured, PageSize::default()),
    }
}

#[test]
fn a_pages_frame_is_its_stores_with_the_cart_count_and_a_preview_bar_only_in_previews() {
    let plain = frame(false, Some("ignored"));
    assert_eq!(
        (plain.cart_count, plain.preview, plain.live_nonce.as_deref()),
        (3, false, None)
    );
    assert_eq!(plain.canonical_base, "https://shop.test/s/acme");
    assert_eq!(plain.home_path, "/s/acme/");
    let preview = frame(true, None);
    assert!(preview.preview && preview.live_nonce.is_none());
    let live = frame(true, Some("n0nce"));
    assert_eq!(live.live_nonce.as_deref(), Some("n0nce"));
}

#[test]
fn a_query_string_gives_its_first_values_and_a_bad_listing_query_is_a_400() {
    let q = pairs(&[("q", " hats "), ("q", "second"), ("page", "2")]);
    assert_eq!(param(&q, "q"), Some(" hats "));
    assert_eq!(param(&q, "missing"), None);
    assert_eq!(listing_query(&q).unwrap().page, 2);
    for bad in [
        ("page", "0"),
        ("page", "x"),
        ("sort", "nonsense"),
        ("size", "9999"),
    ] {
        let e = listing_query(&pairs(&[bad])).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "bad_query"), "{bad:?}");
    }
}

#[test]
fn a_collection_page_asks_for_its_handle_and_renders_only_a_collection_answer() {
    let q = collection_question("mugs", &pairs(&[("page", "1")])).unwrap();
    assert!(matches!(q, CatalogQuestion::Collection { ref handle, .. } if handle == "mugs"));
    assert_eq!(
        collection_question("mugs", &pairs(&[("page", "-1")]))
            .unwrap_err()
            .status,
        400
    );
    let html = collection_page(frame(false, None), &mugs()).unwrap();
    assert!(html.contains("Mugs"));
    let wrong = collection_page(
        frame(false, None),
        &CatalogAnswer::Home { featured: vec![] },
    );
    assert_eq!(wrong.unwrap_err().status, 500);
}

#[test]
fn an_empty_search_asks_nothing_and_a_search_renders_only_a_search_answer() {
    assert_eq!(search_text(&pairs(&[("q", "   ")])), "");
    assert_eq!(search_text(&pairs(&[])), "");
    assert!(
        search_question("", &pairs(&[("page", "x")]))
            .unwrap()
            .is_none()
    );
    let text = search_text(&pairs(&[("q", "  blue mug ")]));
    assert_eq!(text, "blue mug");
    let q = search_question(&text, &[]).unwrap().unwrap();
    assert!(matches!(q, CatalogQuestion::Search { ref text, .. } if text == "blue mug"));
    assert_eq!(
        search_question(&text, &pairs(&[("page", "x")]))
            .unwrap_err()
            .status,
        400
    );
    let form = search_page(frame(false, None), String::new(), None).unwrap();
    assert!(form.contains("<form"));
    let found = CatalogAnswer::Search {
        listing: listing(
            generated_cards(1, Currency::USD),
            1,
            1,
            SortKey::Featured,
            PageSize::default(),
        ),
    };
    assert!(search_page(frame(false, None), text.clone(), Some(&found)).is_ok());
    assert_eq!(
        search_page(frame(false, None), text, Some(&mugs()))
            .unwrap_err()
            .status,
        500
    );
}

#[test]
fn a_catalog_page_asks_its_one_question_and_renders_only_its_own_answer() {
    let q = pairs(&[("page", "1"), ("variant", "v2")]);
    let mugs_page = CatalogPage::new(EdgePage::Collection("mugs"), &q);
    let asked = mugs_page.question().unwrap().unwrap();
    assert!(matches!(asked, CatalogQuestion::Collection { ref handle, .. } if handle == "mugs"));
    let never = || -> String { panic!("a listing issues no form token") };
    let shown = mugs_page
        .render(frame(false, None), Some(&mugs()), never)
        .unwrap();
    assert!(shown.html.contains("Mugs") && shown.viewed.is_none());
    let home = CatalogAnswer::Home { featured: vec![] };
    let wrong = mugs_page.render(frame(false, None), Some(&home), never);
    assert_eq!(wrong.unwrap_err().status, 500);
    let unasked = mugs_page.render(frame(false, None), None, never);
    assert_eq!(unasked.unwrap_err().status, 500);
    let bad = pairs(&[("page", "x")]);
    let bad_query = CatalogPage::new(EdgePage::Collection("mugs"), &bad).question();
    assert_eq!(bad_query.unwrap_err().status, 400);

    // An empty search asks nothing (a bad query string is not even read) and shows the form.
    let empty = CatalogPage::new(EdgePage::Search, &bad);
    assert!(empty.question().unwrap().is_none());
    let form = empty.render(frame(false, None), None, never).unwrap();
    assert!(form.html.contains("<form") && form.viewed.is_none());
    let blue = pairs(&[("q", " blue ")]);
    let search = CatalogPage::new(EdgePage::Search, &blue);
    let asked = search.question().unwrap().unwrap();
    assert!(matches!(asked, CatalogQuestion::Search { ref text, .. } if text == "blue"));
    let wrong = search.render(frame(false, None), Some(&mugs()), never);
    assert_eq!(wrong.unwrap_err().status, 500);

    // A product page asks for its handle, issues its form's token and names the product shown.
    let hat = CatalogPage::new(EdgePage::Product("hat"), &q);
    let asked = hat.question().unwrap().unwrap();
    assert_eq!(
        asked,
        CatalogQuestion::Product {
            handle: "hat".into()
        }
    );
    let blue = variant("v2", "Blue", usd(1200), None, true);
    let answer = CatalogAnswer::Product {
        product: Box::new(product("hat", "A hat", vec![blue])),
    };
    let shown = hat
        .render(frame(false, None), Some(&answer), || "tok3n".into())
        .unwrap();
    assert_eq!(shown.viewed.as_deref(), Some("hat"));
    assert!(shown.html.contains("tok3n") && shown.html.contains("A hat"));
    let wrong = hat.render(frame(false, None), Some(&mugs()), || "tok3n".into());
    assert_eq!(wrong.unwrap_err().status, 500);
    assert_eq!(
        hat.render(frame(false, None), None, never)
            .unwrap_err()
            .status,
        500
    );
}

#[test]
fn a_home_page_without_history_shows_the_featured_collections_and_its_count_only() {
    let never = || -> String { panic!("a home page without a block issues no form token") };
    let q = pairs(&[]);
    // A home page without history asks for the featured collections and shows its count,
    // with no block and no form token.
    let home = CatalogPage::new(EdgePage::Home, &q).with_visits(12);
    assert_eq!(home.question().unwrap(), Some(CatalogQuestion::Home));
    let featured = CatalogAnswer::Home {
        featured: vec![collection_info("mugs", "Mugs", 3)],
    };
    let shown = home
        .render(frame(false, None), Some(&featured), never)
        .unwrap();
    assert!(shown.html.contains(r#"data-visits="12""#), "{}", shown.html);
    assert!(shown.html.contains("Mugs") && shown.viewed.is_none());
    assert!(
        !shown.html.contains("data-source"),
        "no recommendations block"
    );
    let wrong = home.render(frame(false, None), Some(&mugs()), never);
    assert_eq!(wrong.unwrap_err().status, 500);
    let unasked = home.render(frame(false, None), None, never);
    assert_eq!(unasked.unwrap_err().status, 500);
}
