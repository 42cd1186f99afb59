//! Home, collection and search pages: sections, sorting, pagination, counts, empty states.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::dom::{all, check_page, one, text};
use support::fixtures::{card, chrome, collection_info, generated_cards, listing, usd};
use wandstore_core::catalog::{PageSize, SortKey};
use wandstore_core::catalog_index::Listing;
use wandstore_core::money::Currency;
use wandstore_render::{Chrome, CollectionPage, ErrorPage, HomePage, Recommendation, SearchPage};

fn collection_page(page: u32, total: usize, sort: SortKey, size: PageSize) -> String {
    let on_page = total
        .saturating_sub((page as usize - 1) * size.get())
        .min(size.get());
    CollectionPage {
        chrome: chrome(),
        collection: &collection_info("mugs", "Mugs", total),
        listing: &listing(
            generated_cards(on_page, Currency::USD),
            page,
            total,
            sort,
            size,
        ),
    }
    .html()
    .unwrap()
}

/// (text, href, rel) of each pagination link; the current page has no href.
fn pagination(html: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let doc = check_page(html, None);
    all(
        &doc,
        "nav.pagination li > a, nav.pagination li > [aria-current]",
    )
    .into_iter()
    .map(|e| {
        (
            text(e),
            e.attr("href").map(str::to_owned),
            e.attr("rel").map(str::to_owned),
        )
    })
    .collect()
}

#[test]
fn first_page_links_forward_only() {
    let links = pagination(&collection_page(1, 120, SortKey::Featured, PageSize::Small));
    let shown: Vec<&str> = links.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(shown, ["Page 1", "Page 2", "Page 3", "Page 5", "Next page"]);
    assert_eq!(links[0].1, None, "the current page is not a link");
    assert_eq!(
        links[1].1.as_deref(),
        Some("/s/acme/collections/mugs?page=2")
    );
    let next = links.last().unwrap();
    assert_eq!(next.1.as_deref(), Some("/s/acme/collections/mugs?page=2"));
    assert_eq!(next.2.as_deref(), Some("next"));
    assert!(links.iter().all(|l| l.2.as_deref() != Some("prev")));
}

#[test]
fn middle_page_links_both_ways_and_keeps_sort_and_size() {
    let html = collection_page(3, 300, SortKey::PriceDesc, PageSize::Large);
    let links = pagination(&html);
    let shown: Vec<&str> = links.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        shown,
        [
            "Previous page",
            "Page 1",
            "Page 2",
            "Page 3",
            "Page 4",
            "Page 5",
            "Page 7",
            "Next page"
        ]
    );
    assert_eq!(
        links[0].1.as_deref(),
        Some("/s/acme/collections/mugs?sort=price-desc&size=48&page=2")
    );
    assert_eq!(links[0].2.as_deref(), Some("prev"));
    assert_eq!(
        links[1].1.as_deref(),
        Some("/s/acme/collections/mugs?sort=price-desc&size=48")
    );
    assert_eq!(
        links.last().unwrap().1.as_deref(),
        Some("/s/acme/collections/mugs?sort=price-desc&size=48&page=4")
    );
    assert_eq!(links.last().unwrap().2.as_deref(), Some("next"));
    let doc = check_page(&html, None);
    assert_eq!(
        text(one(&doc, ".result-count")),
        "Showing 97–144 of 300 products"
    );
    assert_eq!(all(&doc, ".grid > li").len(), 48);
    assert_eq!(
        text(one(&doc, "nav.pagination [aria-current=page]")),
        "Page 3"
    );
}

#[test]
fn last_page_links_back_only() {
    let html = collection_page(5, 110, SortKey::Featured, PageSize::Small);
    let links = pagination(&html);
    assert_eq!(links[0].2.as_deref(), Some("prev"));
    assert_eq!(
        links[0].1.as_deref(),
        Some("/s/acme/collections/mugs?page=4")
    );
    assert!(links.iter().all(|l| l.2.as_deref() != Some("next")));
    assert_eq!(links.last().unwrap().0, "Page 5");
    let doc = check_page(&html, None);
    assert_eq!(
        text(one(&doc, ".result-count")),
        "Showing 97–110 of 110 products"
    );
    assert_eq!(all(&doc, ".grid > li").len(), 14);
}

#[test]
fn a_single_page_has_no_pagination() {
    let html = collection_page(1, 3, SortKey::Featured, PageSize::Small);
    let doc = check_page(&html, None);
    assert!(all(&doc, "nav.pagination").is_empty());
    assert_eq!(text(one(&doc, ".result-count")), "3 products");
}

#[test]
fn sort_form_is_a_get_form_that_marks_the_current_sort() {
    let html = collection_page(2, 100, SortKey::TitleDesc, PageSize::Large);
    let doc = check_page(&html, None);
    let form = one(&doc, "form");
    assert_eq!(form.attr("method"), Some("get"));
    assert_eq!(form.attr("action"), Some("/s/acme/collections/mugs"));
    let values: Vec<&str> = all(&doc, "select[name=sort] option")
        .iter()
        .map(|o| o.attr("value").unwrap())
        .collect();
    assert_eq!(
        values,
        [
            "featured",
            "price-asc",
            "price-desc",
            "title-asc",
            "title-desc",
            "newest"
        ]
    );
    let selected = all(&doc, "select[name=sort] option[selected]");
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0].attr("value"), Some("title-desc"));
    let size = all(&doc, "select[name=size] option[selected]");
    assert_eq!(size.len(), 1);
    assert_eq!(size[0].attr("value"), Some("48"));
    assert_eq!(
        all(&doc, "form button[type=submit]").len(),
        1,
        "works without JS"
    );
}

#[test]
fn an_empty_collection_says_so() {
    let html = collection_page(1, 0, SortKey::Featured, PageSize::Small);
    let doc = check_page(&html, None);
    assert!(all(&doc, ".grid").is_empty());
    assert_eq!(text(one(&doc, ".empty h2")), "No products here yet");
    assert_eq!(text(one(&doc, ".result-count")), "0 products");
}

#[test]
fn product_cards_show_price_sale_and_sold_out() {
    let mut sale = card("sale", "Sale mug", usd(1000));
    sale.compare_at_price_range = Some(wandstore_core::catalog::PriceRange {
        min: usd(1500),
        max: usd(1500),
    });
    let mut gone = card("gone", "Gone mug", usd(900));
    gone.available_for_sale = false;
    let mut range = card("range", "Range mug", usd(500));
    range.price_range.max = usd(900);
    let plain = card("plain", "Plain mug", usd(1234));
    let html = CollectionPage {
        chrome: chrome(),
        collection: &collection_info("mugs", "Mugs", 4),
        listing: &listing(
            vec![sale, gone, range, plain],
            1,
            4,
            SortKey::Featured,
            PageSize::Small,
        ),
    }
    .html()
    .unwrap();
    let doc = check_page(&html, None);
    let cards = all(&doc, ".grid > li");
    assert_eq!(
        text(
            cards[0]
                .select(&support::dom::sel(".price"))
                .next()
                .unwrap()
        ),
        "Sale price $10.00 Regular price $15.00"
    );
    assert_eq!(cards[0].select(&support::dom::sel("s")).count(), 1);
    assert_eq!(
        cards[1].select(&support::dom::sel(".tag-sold-out")).count(),
        1
    );
    assert_eq!(
        text(
            cards[2]
                .select(&support::dom::sel(".price"))
                .next()
                .unwrap()
        ),
        "From $5.00"
    );
    assert_eq!(
        text(
            cards[3]
                .select(&support::dom::sel(".price"))
                .next()
                .unwrap()
        ),
        "$12.34"
    );
    for c in &cards[1..] {
        assert_eq!(
            c.select(&support::dom::sel("s")).count(),
            0,
            "no compare-at without a sale"
        );
    }
    // The first row loads at once; later images lazily; sizes are known.
    let imgs = all(&doc, ".grid img");
    assert_eq!(imgs[0].attr("loading"), None);
    assert_eq!(imgs[0].attr("width"), Some("600"));
    assert_eq!(imgs[0].attr("alt"), Some("Sale mug"));
}

fn home(visits: u64, featured: usize, recommended: Vec<Recommendation>) -> String {
    HomePage {
        chrome: chrome(),
        visits,
        featured: (0..featured)
            .map(|i| collection_info(&format!("c{i}"), &format!("Collection {i}"), i + 1))
            .collect(),
        recommended,
        recommended_source: None,
        recommended_headline: None,
        personalization: None,
    }
    .html()
    .unwrap()
}

#[test]
fn home_shows_hero_collections_recommendations_and_visits() {
    let rec = Recommendation {
        card: card("mug", "Blue mug", usd(1500)),
        reason: Some("You looked at mugs".to_owned()),
    };
    let html = home(3, 2, vec![rec]);
    let doc = check_page(&html, None);
    assert_eq!(text(one(&doc, "h1")), "Welcome to Acme Goods");
    let collections = all(&doc, "#collections-heading + ul .card-title a");
    assert_eq!(collections.len(), 2);
    assert_eq!(collections[0].attr("href"), Some("/s/acme/collections/c0"));
    assert_eq!(
        text(one(&doc, "#recommended-heading")),
        "Recommended for you"
    );
    assert_eq!(text(one(&doc, ".card-reason")), "You looked at mugs");
    assert_eq!(one(&doc, "[data-visits]").attr("data-visits"), Some("3"));
    assert_eq!(
        text(one(&doc, "#visits")),
        "You have visited this store 3 times."
    );
}

#[test]
fn home_leaves_out_empty_sections_and_words_the_first_visit() {
    let html = home(1, 0, vec![]);
    let doc = check_page(&html, None);
    assert!(all(&doc, "#recommended-heading, #collections-heading").is_empty());
    assert!(!html.contains("Recommended for you"));
    assert_eq!(text(one(&doc, "#visits")), "This is your first visit.");
    assert!(!html.contains("data-visits"));
    // The constructor the worker uses gives the same page.
    assert_eq!(HomePage::new(chrome(), 1).html().unwrap(), html);
}

#[test]
fn header_links_home_search_and_cart_with_count() {
    let html = HomePage::new(chrome().with_cart_count(3), 2)
        .html()
        .unwrap();
    let doc = check_page(&html, None);
    let nav: Vec<(String, String)> = all(&doc, "header nav a")
        .iter()
        .map(|a| (text(*a), a.attr("href").unwrap().to_owned()))
        .collect();
    assert_eq!(
        nav,
        [
            ("Home".to_owned(), "/s/acme/".to_owned()),
            ("Search".to_owned(), "/s/acme/search".to_owned()),
            ("Cart 3 items".to_owned(), "/s/acme/cart".to_owned()),
        ]
    );
    assert_eq!(
        one(&doc, "[data-cart-count]").attr("data-cart-count"),
        Some("3")
    );
    assert!(text(one(&doc, "footer")).contains("Prices in USD"));
}

fn search(query: &str, listing: Option<Listing>) -> String {
    SearchPage {
        chrome: chrome(),
        query: query.to_owned(),
        listing: listing.as_ref(),
    }
    .html()
    .unwrap()
}

#[test]
fn search_shows_results_with_paginated_query_links() {
    let l = listing(
        generated_cards(24, Currency::USD),
        1,
        30,
        SortKey::Featured,
        PageSize::Small,
    );
    let html = search("blue mug", Some(l));
    let doc = check_page(&html, None);
    assert_eq!(text(one(&doc, "h1")), "Results for “blue mug”");
    assert_eq!(
        text(one(&doc, ".result-count")),
        "Showing 1–24 of 30 results"
    );
    assert_eq!(all(&doc, ".grid > li").len(), 24);
    let next = one(&doc, "a[rel=next]");
    assert_eq!(
        next.attr("href"),
        Some("/s/acme/search?q=blue%20mug&page=2")
    );
    let form = one(&doc, "form[role=search]");
    assert_eq!(form.attr("method"), Some("get"));
    assert_eq!(form.attr("action"), Some("/s/acme/search"));
    assert_eq!(one(&doc, "#search-q").attr("value"), Some("blue mug"));
    assert!(all(&doc, "meta[name=robots][content=noindex]").len() == 1);
}

#[test]
fn search_without_results_or_query() {
    let html = search(
        "zzz",
        Some(listing(vec![], 1, 0, SortKey::Featured, PageSize::Small)),
    );
    let doc = check_page(&html, None);
    assert_eq!(text(one(&doc, ".empty h2")), "No results for “zzz”");
    assert!(all(&doc, ".grid").is_empty());

    let html = search("   ", None);
    let doc = check_page(&html, None);
    assert_eq!(text(one(&doc, "h1")), "Search");
    assert!(all(&doc, ".empty, .grid, .result-count").is_empty());
    assert_eq!(one(&doc, "#search-q").attr("value"), Some(""));
}

#[test]
fn error_pages_keep_their_wording_and_offer_search_in_a_store() {
    let html = ErrorPage::not_found(chrome(), "that page").html().unwrap();
    let doc = check_page(&html, None);
    assert!(html.contains("<h1>Not found</h1>"));
    assert_eq!(
        text(all(&doc, "main > p")[0]),
        "We could not find that page."
    );
    assert_eq!(
        one(&doc, "form[role=search]").attr("action"),
        Some("/s/acme/search")
    );
    assert_eq!(all(&doc, "meta[name=robots][content=noindex]").len(), 1);

    let page = ErrorPage {
        chrome: Chrome::platform("req-9"),
        heading: "Service unavailable".to_owned(),
        message: "Try again in a minute.".to_owned(),
    };
    let html = page.html().unwrap();
    let doc = check_page(&html, None);
    assert_eq!(text(one(&doc, "h1")), "Service unavailable");
    assert!(
        all(&doc, "form, header nav").is_empty(),
        "no store: no search, no cart"
    );
    assert_eq!(text(one(&doc, "title")), "Service unavailable · WandStore");
}
