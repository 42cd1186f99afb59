use super::*;
use crate::catalog::PageSize;
use crate::catalog_fixtures::index;

fn q(page: u32) -> ListingQuery {
    ListingQuery {
        sort: SortKey::PriceAsc,
        page,
        size: PageSize::default(),
    }
}

#[test]
fn home_answers_only_the_featured_collections() {
    let answer = index().answer(&CatalogQuestion::Home).unwrap();
    let CatalogAnswer::Home { featured } = answer else {
        panic!("wrong answer kind: {answer:?}");
    };
    let handles: Vec<_> = featured.iter().map(|c| c.handle.as_str()).collect();
    assert_eq!(handles, ["hats", "empty"]);
    // Members not in the cache and duplicates are not counted.
    assert_eq!(featured[0].product_count, 2);
}

#[test]
fn a_collection_page_comes_with_its_collection() {
    let question = CatalogQuestion::Collection {
        handle: "hats".into(),
        query: q(1),
    };
    let CatalogAnswer::Collection {
        collection,
        listing,
    } = index().answer(&question).unwrap()
    else {
        panic!("wrong answer kind");
    };
    assert_eq!(collection.title, "HATS");
    let handles: Vec<_> = listing.cards.iter().map(|c| c.handle.as_str()).collect();
    assert_eq!(handles, ["b-hat", "c-hat"], "price ascending");
}

#[test]
fn all_lists_every_product_under_a_synthetic_collection() {
    let question = CatalogQuestion::Collection {
        handle: ALL_PRODUCTS.into(),
        query: q(1),
    };
    let CatalogAnswer::Collection {
        collection,
        listing,
    } = index().answer(&question).unwrap()
    else {
        panic!("wrong answer kind");
    };
    assert_eq!(collection.handle, "all");
    assert_eq!(collection.product_count, 3);
    assert_eq!(listing.total_items, 3);
    assert_eq!(listing.cards[0].handle, "a-cap", "cheapest first");
}

#[test]
fn misses_say_what_is_missing() {
    let idx = index();
    let unknown = CatalogQuestion::Collection {
        handle: "nope".into(),
        query: q(1),
    };
    assert_eq!(idx.answer(&unknown), Err(CatalogMiss::UnknownCollection));
    let past_end = CatalogQuestion::Collection {
        handle: "hats".into(),
        query: q(9),
    };
    assert_eq!(
        idx.answer(&past_end),
        Err(CatalogMiss::NoSuchPage { total_pages: 1 })
    );
    let product = CatalogQuestion::Product {
        handle: "ghost".into(),
    };
    assert_eq!(idx.answer(&product), Err(CatalogMiss::UnknownProduct));
    assert_eq!(CatalogMiss::UnknownProduct.code(), "product_not_found");
    assert!(
        CatalogMiss::NoSuchPage { total_pages: 3 }
            .to_string()
            .contains("3 page")
    );
}

#[test]
fn a_product_answer_is_the_whole_product() {
    let question = CatalogQuestion::Product {
        handle: "c-hat".into(),
    };
    let CatalogAnswer::Product { product } = index().answer(&question).unwrap() else {
        panic!("wrong answer kind");
    };
    assert_eq!(product.title, "Green hat");
    assert_eq!(product.variants.len(), 1);
}

#[test]
fn search_ignores_the_sort_so_equal_searches_share_a_cache_key() {
    let a = CatalogQuestion::search("  hat ", q(1));
    let b = CatalogQuestion::search(
        "hat",
        ListingQuery {
            sort: SortKey::TitleDesc,
            ..q(1)
        },
    );
    assert_eq!(a, b);
    assert_eq!(a.cache_key(), b.cache_key());
    let CatalogAnswer::Search { listing } = index().answer(&a).unwrap() else {
        panic!("wrong answer kind");
    };
    // Every fixture is of type "Hat"; title matches rank first.
    let handles: Vec<_> = listing.cards.iter().map(|c| c.handle.as_str()).collect();
    assert_eq!(handles, ["b-hat", "c-hat", "a-cap"]);
}

#[test]
fn search_text_is_capped() {
    let CatalogQuestion::Search { text, .. } = CatalogQuestion::search(&"x".repeat(500), q(1))
    else {
        panic!("wrong question kind");
    };
    assert_eq!(text.chars().count(), MAX_QUERY_CHARS);
}

#[test]
fn recommendations_carry_the_product_they_are_like() {
    let question = CatalogQuestion::recommend(vec!["b-hat".into()]);
    let CatalogAnswer::Recommend { picks } = index().answer(&question).unwrap() else {
        panic!("wrong answer kind");
    };
    assert!(!picks.is_empty());
    assert!(
        picks.iter().all(|p| p.card.handle != "b-hat"),
        "not the seen one"
    );
    assert!(picks.iter().all(|p| p.because == "Blue Hat"));
}

#[test]
fn recommendation_questions_keep_the_most_recent_seen() {
    let seen: Vec<String> = (0..30).map(|i| format!("p{i}")).collect();
    let CatalogQuestion::Recommend { seen } = CatalogQuestion::recommend(seen) else {
        panic!("wrong question kind");
    };
    assert_eq!(seen.len(), MAX_SEEN);
    assert_eq!(seen[0], "p0");
}

#[test]
fn variant_questions_are_canonical_and_hold_a_full_cart_plus_one() {
    let a = CatalogQuestion::variants(["v-b".to_owned(), "v-a".to_owned(), "v-b".to_owned()]);
    let b = CatalogQuestion::variants(["v-a".to_owned(), "v-b".to_owned()]);
    assert_eq!(a.cache_key(), b.cache_key());
    // The 101st id sorts last and must still be asked about (the cart_full bug).
    let ids: Vec<String> = (0..=MAX_LINES).map(|i| format!("v-{i:04}")).collect();
    let CatalogQuestion::Variants { ids: kept } = CatalogQuestion::variants(ids) else {
        panic!("wrong question kind");
    };
    assert_eq!(kept.len(), MAX_LINES + 1);
    assert_eq!(kept.last().map(String::as_str), Some("v-0100"));
}

#[test]
fn variants_answer_only_the_known_ids() {
    let question = CatalogQuestion::variants(["v-a-cap".to_owned(), "v-ghost".to_owned()]);
    let CatalogAnswer::Variants { hits } = index().answer(&question).unwrap() else {
        panic!("wrong answer kind");
    };
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].product_handle, "a-cap");
}

#[test]
fn questions_and_answers_survive_the_wire() {
    let questions = [
        CatalogQuestion::Home,
        CatalogQuestion::Collection {
            handle: "hats".into(),
            query: q(1),
        },
        CatalogQuestion::Product {
            handle: "c-hat".into(),
        },
        CatalogQuestion::search("hat", q(1)),
        CatalogQuestion::recommend(vec!["b-hat".into()]),
        CatalogQuestion::variants(["v-a-cap".to_owned()]),
    ];
    let idx = index();
    for question in questions {
        let wire = serde_json::to_string(&question).unwrap();
        let back: CatalogQuestion = serde_json::from_str(&wire).unwrap();
        assert_eq!(back, question);
        let answer = idx.answer(&question).unwrap();
        let wire = serde_json::to_string(&answer).unwrap();
        let back: CatalogAnswer = serde_json::from_str(&wire).unwrap();
        assert_eq!(back, answer);
    }
}

#[test]
fn an_empty_cart_asks_no_variants_question() {
    assert_eq!(CatalogQuestion::variants_of(Vec::<String>::new()), None);
    let q = CatalogQuestion::variants_of(["b".to_owned(), "a".to_owned(), "b".to_owned()]);
    assert_eq!(
        q,
        Some(CatalogQuestion::Variants {
            ids: vec!["a".into(), "b".into()]
        })
    );
}

#[test]
fn only_a_variants_answer_gives_a_cart_catalog() {
    use crate::cart::CartCatalog;
    let home = index().answer(&CatalogQuestion::Home).unwrap();
    assert!(CartCatalog::from_answer(&home).is_none());
    let none = index()
        .answer(&CatalogQuestion::variants(["gid://nope".to_owned()]))
        .unwrap();
    assert!(CartCatalog::from_answer(&none).unwrap().info.is_empty());
}
