//! Catalog pages through the whole stack: each store shows its own products, hostile data
//! renders safely, listings sort and page, search works.

use crate::support::{Ctx, Test};
use wandstore_e2e::{Client, Page, live_hazards};

pub const TESTS: &[(&str, Test)] = &[
    (
        "pages::two_stores_see_only_their_own_products",
        two_stores_see_only_their_own_products,
    ),
    (
        "pages::hostile_product_data_renders_safely",
        hostile_product_data_renders_safely,
    ),
    (
        "pages::listings_sort_page_and_refuse_bad_queries",
        listings_sort_page_and_refuse_bad_queries,
    ),
    ("pages::search_finds_and_escapes", search_finds_and_escapes),
    (
        "pages::home_recommends_from_what_was_viewed",
        home_recommends_from_what_was_viewed,
    ),
];

/// The product handles a listing page links to, in order, once each.
pub fn product_handles(page: &Page, base: &str) -> Vec<String> {
    let marker = format!("href=\"{base}products/");
    let mut handles: Vec<String> = Vec::new();
    for part in page.body.split(&marker).skip(1) {
        let handle: String = part
            .chars()
            .take_while(|c| *c != '"' && *c != '?')
            .collect();
        if !handles.contains(&handle) {
            handles.push(handle);
        }
    }
    handles
}

fn two_stores_see_only_their_own_products(ctx: &Ctx) {
    let demo = Client::new(&ctx.url).get("/collections/all");
    let outlet = Client::new(&ctx.url).get("/s/outlet/collections/all");
    for page in [&demo, &outlet] {
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.header("content-type")
                .is_some_and(|c| c.starts_with("text/html"))
        );
    }
    let demo_handles = product_handles(&demo, "/");
    let outlet_handles = product_handles(&outlet, "/s/outlet/");
    assert_eq!(demo_handles.len(), 24, "a full first page of 24");
    assert_eq!(outlet_handles.len(), 24);
    assert!(
        demo_handles.iter().all(|h| !outlet_handles.contains(h)),
        "the stores share no product"
    );
    // A demo product exists at demo and not at the outlet.
    let handle = &demo_handles[0];
    assert_eq!(
        Client::new(&ctx.url)
            .get(&format!("/products/{handle}"))
            .status,
        200
    );
    let elsewhere = Client::new(&ctx.url).get(&format!("/s/outlet/products/{handle}"));
    assert_eq!(elsewhere.status, 404);
    assert!(elsewhere.body.contains("Wand Outlet"), "a themed 404");
    // Prices are in each store's currency.
    assert!(demo.body.contains('$'));
    assert!(outlet.body.contains('€'));
}

fn hostile_product_data_renders_safely(ctx: &Ctx) {
    let page = Client::new(&ctx.url).get("/products/hostile-mischief-wand");
    assert_eq!(page.status, 200, "{}", page.body);
    let hazards = live_hazards(&page.body);
    assert!(hazards.is_empty(), "live hostile markup: {hazards:?}");
    assert!(
        page.body.contains("&#60;script&#62;") || page.body.contains("&lt;script&gt;"),
        "the title is shown escaped"
    );
}

fn listings_sort_page_and_refuse_bad_queries(ctx: &Ctx) {
    let mut client = Client::new(&ctx.url);
    let cheap = client.get("/collections/all?sort=price-asc&size=48");
    assert_eq!(cheap.status, 200);
    assert_eq!(product_handles(&cheap, "/").len(), 48);
    assert!(cheap.body.contains("rel=\"next\""));
    let dear = client.get("/collections/all?sort=price-desc&size=48");
    assert_ne!(
        product_handles(&cheap, "/")[0],
        product_handles(&dear, "/")[0]
    );
    let second = client.get("/collections/all?sort=price-asc&size=48&page=2");
    assert_eq!(second.status, 200);
    assert!(second.body.contains("rel=\"prev\""));
    let first_page = product_handles(&cheap, "/");
    assert!(
        product_handles(&second, "/")
            .iter()
            .all(|h| !first_page.contains(h))
    );
    assert_eq!(client.get("/collections/all?sort=random").status, 400);
    assert_eq!(client.get("/collections/all?size=7").status, 400);
    assert_eq!(client.get("/collections/all?page=9999").status, 404);
    assert_eq!(client.get("/collections/no-such-collection").status, 404);
    assert_eq!(client.get("/products/no-such-product").status, 404);
}

fn search_finds_and_escapes(ctx: &Ctx) {
    let mut client = Client::new(&ctx.url);
    let empty = client.get("/search");
    assert_eq!(empty.status, 200);
    let wand = client.get("/search?q=wand");
    assert_eq!(wand.status, 200);
    assert!(
        !product_handles(&wand, "/").is_empty(),
        "the demo store has wands"
    );
    let hostile = client.get("/search?q=%3Cscript%3Ealert(9)%3C%2Fscript%3E");
    assert_eq!(hostile.status, 200);
    assert!(!hostile.body.contains("<script>alert(9)"));
    assert!(
        hostile.body.contains("alert(9)"),
        "the query is echoed, escaped"
    );
}

fn home_recommends_from_what_was_viewed(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let fresh = shopper.get("/s/outlet/");
    assert_eq!(fresh.status, 200);
    assert!(
        !fresh.body.contains("Recommended for you"),
        "no history, no slot"
    );
    let listing = shopper.get("/s/outlet/collections/all");
    let handle = product_handles(&listing, "/s/outlet/")[5].clone();
    assert_eq!(
        shopper.get(&format!("/s/outlet/products/{handle}")).status,
        200
    );
    let home = shopper.get("/s/outlet/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Recommended for you"), "{}", home.body);
    assert!(
        home.body.contains("data-source=\"baseline\""),
        "personalization is off: the profile's baseline"
    );
    let section = home
        .body
        .split("Recommended for you")
        .nth(1)
        .unwrap_or_default();
    assert!(
        !section.contains(&format!("/products/{handle}\"")),
        "the viewed product is not recommended back"
    );
    // Another shopper's home is not affected.
    assert!(
        !Client::new(&ctx.url)
            .get("/s/outlet/")
            .body
            .contains("Recommended for you")
    );
}
