//! Pages the entry answers itself: a returning shopper whose cookie carries today's cart hint
//! gets collection, search and product pages without their object being asked (a product's
//! view rides in the cookie until the object's next answer records it), and home pages while
//! they have no history (the visit count rides in the cookie); any other hint (none,
//! yesterday's, malformed, another store's cookie) goes to the object, whose answer sets the
//! hint right.

use crate::cart::buyable;
use crate::platform::log_line;
use crate::support::{Ctx, Test};
use serde_json::Value;
use wandstore_e2e::{Client, Page};

pub const TESTS: &[(&str, Test)] = &[
    (
        "edge_pages::listing_pages_come_from_the_entry_with_the_cart_count_of_the_hint",
        listing_pages_come_from_the_entry_with_the_cart_count_of_the_hint,
    ),
    (
        "edge_pages::a_missing_stale_forged_or_foreign_hint_goes_to_the_object",
        a_missing_stale_forged_or_foreign_hint_goes_to_the_object,
    ),
    (
        "edge_pages::product_views_ride_in_the_cookie_until_the_object_records_them",
        product_views_ride_in_the_cookie_until_the_object_records_them,
    ),
    (
        "edge_pages::a_full_forged_or_replayed_set_of_views_goes_to_the_object_once",
        a_full_forged_or_replayed_set_of_views_goes_to_the_object_once,
    ),
    (
        "edge_pages::home_pages_without_history_come_from_the_entry_until_the_object_counts_them",
        home_pages_without_history_come_from_the_entry_until_the_object_counts_them,
    ),
    (
        "edge_pages::history_a_forged_full_or_stale_visit_count_sends_home_to_the_object",
        history_a_forged_full_or_stale_visit_count_sends_home_to_the_object,
    ),
];

/// The most views a cookie carries (`core::cookie_hints::MAX_PENDING_VIEWS`).
const MAX_PENDING_VIEWS: usize = 8;

const BASE: &str = "/s/outlet/";

fn today() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    now / 86_400
}

fn badge(page: &Page) -> Option<u32> {
    let start = page.body.find("data-cart-count=\"")? + "data-cart-count=\"".len();
    let end = page.body[start..].find('"')? + start;
    page.body[start..end].parse().ok()
}

fn line_of(ctx: &Ctx, page: &Page) -> Value {
    log_line(ctx, page.header("x-request-id").unwrap_or_default())
}

/// Answered by the entry: no object named, nothing read or written.
fn assert_at_edge(ctx: &Ctx, page: &Page) {
    let line = line_of(ctx, page);
    assert_eq!(line["do"], Value::Null, "{line}");
    assert_eq!(
        (&line["rows_read"], &line["rows_written"]),
        (&0.into(), &0.into()),
        "{line}"
    );
}

fn assert_by_object(ctx: &Ctx, page: &Page) {
    let line = line_of(ctx, page);
    assert_eq!(line["do"], "ShopperStorefront", "{line}");
}

/// The cookie's hints after the token (`~c2.20000~h`).
fn hints(cookie: &str) -> &str {
    cookie.find('~').map_or("", |i| &cookie[i..])
}

fn token(cookie: &str) -> &str {
    cookie.split('~').next().unwrap_or(cookie)
}

fn listing_pages_come_from_the_entry_with_the_cart_count_of_the_hint(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let home = shopper.get(BASE);
    assert_eq!(home.status, 200, "{}", home.body);
    let cookie = shopper.cookie.clone().unwrap_or_default();
    assert_eq!(hints(&cookie), format!("~c0.{}~h", today()), "{cookie}");

    let listing = shopper.get(&format!("{BASE}collections/all"));
    assert_eq!(listing.status, 200, "{}", listing.body);
    assert_at_edge(ctx, &listing);
    assert_eq!(badge(&listing), Some(0));
    assert!(listing.body.contains(&format!("href=\"{BASE}products/")));
    assert_eq!(listing.header("cache-control"), Some("private, no-store"));
    assert!(listing.header("content-security-policy").is_some());
    assert_eq!(listing.shopper_cookie(), None, "nothing changed: no cookie");
    let head = Client::new(&ctx.url).send(
        "HEAD",
        &format!("{BASE}collections/all"),
        &[("cookie", &cookie)],
        None,
    );
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_at_edge(ctx, &head);

    // A cart write answers from the object with the new count in the hint.
    let (handle, variant) = buyable(&mut shopper, BASE, 0);
    let product = shopper.get(&format!("{BASE}products/{handle}"));
    let csrf = product.csrf().unwrap_or_default();
    let added = shopper.post_form(
        &format!("{BASE}cart/add"),
        &[("variant_id", &variant), ("quantity", "2"), ("csrf", &csrf)],
    );
    assert_eq!(added.status, 303, "{}", added.body);
    let cookie = shopper.cookie.clone().unwrap_or_default();
    assert!(
        hints(&cookie).starts_with(&format!("~c2.{}", today())),
        "{cookie}"
    );

    let listing = shopper.get(&format!("{BASE}collections/all?sort=price-desc"));
    assert_eq!(listing.status, 200);
    assert_at_edge(ctx, &listing);
    assert_eq!(badge(&listing), Some(2));

    let search = shopper.get(&format!("{BASE}search?q=a"));
    assert_eq!(search.status, 200, "{}", search.body);
    assert_at_edge(ctx, &search);
    assert_eq!(badge(&search), Some(2));
    let empty = shopper.get(&format!("{BASE}search"));
    assert_eq!((empty.status, badge(&empty)), (200, Some(2)));

    // The entry's errors are the object's: a themed 404, a 400 for a bad listing query.
    let missing = shopper.get(&format!("{BASE}collections/no-such-collection"));
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_at_edge(ctx, &missing);
    assert_eq!(badge(&missing), Some(2), "in the store's frame");
    let bad = shopper.get(&format!("{BASE}collections/all?size=100000"));
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(line_of(ctx, &bad)["error_code"], "bad_query");
    // Other pages still go to the object, which keeps the count.
    let home = shopper.get(BASE);
    assert_by_object(ctx, &home);
    assert_eq!(badge(&home), Some(2));
}

fn a_missing_stale_forged_or_foreign_hint_goes_to_the_object(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    assert_eq!(shopper.get(BASE).status, 200);
    let cookie = shopper.cookie.clone().unwrap_or_default();
    let token = token(&cookie).to_owned();
    let listing = |value: &str| {
        Client::new(&ctx.url).send(
            "GET",
            &format!("{BASE}collections/all"),
            &[("cookie", value)],
            None,
        )
    };
    let today = today();
    for hint in [
        String::new(),
        format!("~c0.{}", today - 1),
        format!("~c0.{}", today + 1),
        "~cX.1".to_owned(),
        format!("~c99999.{today}"),
        format!("~c-1.{today}"),
    ] {
        let page = listing(&format!("{token}{hint}"));
        assert_eq!(page.status, 200, "{hint}: {}", page.body);
        assert_by_object(ctx, &page);
        assert_eq!(badge(&page), Some(0), "{hint}");
        let set = page.shopper_cookie().unwrap_or_default();
        assert_eq!(
            set,
            format!("{token}~c0.{today}"),
            "{hint}: the object's answer sets today's hint"
        );
    }
    // A forged count changes only the forger's own badge, and the object's next answer
    // corrects it.
    let forged = format!("{token}~c77.{today}");
    let page = listing(&forged);
    assert_at_edge(ctx, &page);
    assert_eq!(badge(&page), Some(77));
    let cart = Client::new(&ctx.url).send(
        "GET",
        &format!("{BASE}api/cart"),
        &[("cookie", &forged)],
        None,
    );
    assert_eq!(cart.status, 200, "{}", cart.body);
    assert_eq!(cart.json()["item_count"], 0);
    assert_eq!(
        cart.shopper_cookie().map(|c| hints(&c).to_owned()),
        Some(format!("~c0.{today}"))
    );
    // A hint never rescues a bad token, nor one from another store.
    let tampered = format!("{}x~c0.{today}", token.trim_end_matches(|c: char| c != '.'));
    let page = listing(&tampered);
    assert_by_object(ctx, &page);
    assert_eq!(line_of(ctx, &page)["new_shopper"], true);
    let mut other = Client::new(&ctx.url);
    assert_eq!(other.get("/").status, 200);
    let foreign = token_hinted(&other.cookie.clone().unwrap_or_default(), today);
    let page = listing(&foreign);
    assert_by_object(ctx, &page);
    assert_eq!(line_of(ctx, &page)["new_shopper"], true);
}

/// The cookie's token with today's empty-cart hint.
fn token_hinted(cookie: &str, today: u64) -> String {
    format!("{}~c0.{today}", token(cookie))
}

fn written(ctx: &Ctx, page: &Page) -> u64 {
    line_of(ctx, page)["rows_written"].as_u64().unwrap_or(0)
}

/// The views a cookie carries (`~v{handle}.{seconds}`), handles only.
fn views(cookie: &str) -> Vec<String> {
    (hints(cookie).split('~'))
        .filter_map(|h| h.strip_prefix('v'))
        .filter_map(|v| v.rsplit_once('.').map(|(h, _)| h.to_owned()))
        .collect()
}

/// A shopper with today's hint, and the store's product handles.
fn hinted_shopper(ctx: &Ctx) -> (Client, Vec<String>) {
    let mut shopper = Client::new(&ctx.url);
    assert_eq!(shopper.get(BASE).status, 200);
    let listing = shopper.get(&format!("{BASE}collections/all?size=48"));
    assert_eq!(listing.status, 200, "{}", listing.body);
    let handles = crate::pages::product_handles(&listing, BASE);
    assert!(handles.len() > MAX_PENDING_VIEWS + 1, "{}", listing.body);
    (shopper, handles)
}

fn product_views_ride_in_the_cookie_until_the_object_records_them(ctx: &Ctx) {
    let (mut shopper, handles) = hinted_shopper(ctx);
    let (first, second) = (&handles[0], &handles[1]);
    let page = shopper.get(&format!("{BASE}products/{first}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_at_edge(ctx, &page);
    assert_eq!(badge(&page), Some(0));
    assert_eq!(page.header("cache-control"), Some("private, no-store"));
    let cookie = page.shopper_cookie().unwrap_or_default();
    assert_eq!(views(&cookie), vec![first.clone()], "{cookie}");
    let set = page.header("set-cookie").unwrap_or_default();
    assert!(
        set.contains("HttpOnly") && set.contains("Path=/s/outlet/"),
        "{set}"
    );
    let page = shopper.get(&format!("{BASE}products/{second}?variant=1"));
    assert_at_edge(ctx, &page);
    let carried = views(&shopper.cookie.clone().unwrap_or_default());
    assert_eq!(carried, vec![first.clone(), second.clone()]);

    // A missing product is the entry's themed 404, and no view.
    let missing = shopper.get(&format!("{BASE}products/no-such-product"));
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_at_edge(ctx, &missing);
    assert_eq!(
        missing.shopper_cookie(),
        None,
        "no view of a missing product"
    );

    // The edge page's form token is the shopper's: the object takes the add, and the views.
    let variant = page.available_variant().unwrap_or_default();
    let csrf = page.csrf().unwrap_or_default();
    let added = shopper.post_form(
        &format!("{BASE}cart/add"),
        &[("variant_id", &variant), ("quantity", "1"), ("csrf", &csrf)],
    );
    assert_eq!(added.status, 303, "{}", added.body);
    assert!(written(ctx, &added) >= 3, "the add and two views");
    let cookie = shopper.cookie.clone().unwrap_or_default();
    assert_eq!(views(&cookie), Vec::<String>::new(), "taken: {cookie}");
    assert!(
        hints(&cookie).starts_with(&format!("~c1.{}", today())),
        "{cookie}"
    );

    // A HEAD and a click from the recommendations block go to the object.
    let head = Client::new(&ctx.url).send(
        "HEAD",
        &format!("{BASE}products/{first}"),
        &[("cookie", &shopper.cookie.clone().unwrap_or_default())],
        None,
    );
    assert_by_object(ctx, &head);
    let clicked = shopper.get(&format!("{BASE}products/{first}?rec=baseline"));
    assert_eq!(clicked.status, 200);
    assert_by_object(ctx, &clicked);
    assert_eq!(
        clicked.shopper_cookie(),
        None,
        "recorded by the object at once"
    );
}

fn a_full_forged_or_replayed_set_of_views_goes_to_the_object_once(ctx: &Ctx) {
    let (mut shopper, handles) = hinted_shopper(ctx);
    for h in &handles[..MAX_PENDING_VIEWS] {
        let page = shopper.get(&format!("{BASE}products/{h}"));
        assert_at_edge(ctx, &page);
    }
    let full = shopper.cookie.clone().unwrap_or_default();
    assert_eq!(views(&full), handles[..MAX_PENDING_VIEWS].to_vec());
    // No room for one more: the object records the eight, then its own view.
    let next = &handles[MAX_PENDING_VIEWS];
    let page = shopper.get(&format!("{BASE}products/{next}"));
    assert_eq!(page.status, 200);
    assert_by_object(ctx, &page);
    assert!(written(ctx, &page) > MAX_PENDING_VIEWS as u64, "nine views");
    assert_eq!(
        views(&shopper.cookie.clone().unwrap_or_default()),
        Vec::<String>::new()
    );

    // The full cookie sent again (a second tab, a replay): nothing is recorded twice.
    let cart = |cookie: &str| {
        Client::new(&ctx.url).send(
            "GET",
            &format!("{BASE}api/cart"),
            &[("cookie", cookie)],
            None,
        )
    };
    let replayed = cart(&full);
    assert_eq!(replayed.status, 200, "{}", replayed.body);
    assert_by_object(ctx, &replayed);
    let plain = cart(&format!("{}~c0.{}", token(&full), today()));
    assert_eq!(
        written(ctx, &replayed),
        written(ctx, &plain),
        "no view twice"
    );
    assert!(
        replayed
            .shopper_cookie()
            .is_some_and(|c| views(&c).is_empty()),
        "taken"
    );

    // Forged views: the malformed are dropped, the rest change only the forger's history, and
    // a future time is brought back to now. None is an error.
    let today = today();
    for forged in [
        format!("~c0.{today}~vNOT-A-HANDLE.1~v.5~vx"),
        format!("~c0.{today}~vhat.99999999999"),
        format!("~c0.{today}~v{}.1", "a".repeat(65)),
    ] {
        let page = cart(&format!("{}{forged}", token(&full)));
        assert_eq!(page.status, 200, "{forged}: {}", page.body);
        assert_by_object(ctx, &page);
    }
}

/// The most home views a cookie carries (`core::home_hint::MAX_PENDING_HOME_VIEWS`).
const MAX_PENDING_HOME_VIEWS: u64 = 64;

/// The visit count a cookie carries (`~n{visits}.{pending}.{day}`): visits and pending.
fn home_count(cookie: &str) -> Option<(u64, u64)> {
    let hint = hints(cookie).split('~').find_map(|h| h.strip_prefix('n'))?;
    let mut parts = hint.split('.').map(|p| p.parse().ok());
    let (visits, pending, day) = (parts.next()??, parts.next()??, parts.next()??);
    assert_eq!(day, today(), "{cookie}");
    Some((visits, pending))
}

/// The shopper's home page through their object (a cookie without the visit count).
fn home_by_object(ctx: &Ctx, cookie: &str) -> Page {
    let plain = format!("{}~c0.{}", token(cookie), today());
    let page = Client::new(&ctx.url).send("GET", BASE, &[("cookie", &plain)], None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_by_object(ctx, &page);
    page
}

fn home_pages_without_history_come_from_the_entry_until_the_object_counts_them(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    let first = shopper.get(BASE);
    assert_eq!(first.visits(), Some(1));
    assert_eq!(
        home_count(&shopper.cookie.clone().unwrap_or_default()),
        None
    );
    // The object counts the second (and the unrecorded first) and hands the count over.
    let second = shopper.get(BASE);
    assert_by_object(ctx, &second);
    assert_eq!(second.visits(), Some(2));
    let cookie = shopper.cookie.clone().unwrap_or_default();
    assert_eq!(home_count(&cookie), Some((2, 0)), "{cookie}");

    // The next ones come from the entry: nothing read or written, the count in the cookie.
    for n in 3..=5 {
        let page = shopper.get(BASE);
        assert_eq!(page.status, 200, "{}", page.body);
        assert_at_edge(ctx, &page);
        assert_eq!(page.visits(), Some(n));
        assert_eq!(badge(&page), Some(0));
        assert!(
            page.body.contains("href=\"/s/outlet/collections/"),
            "featured"
        );
        assert!(
            !page.body.contains("data-source"),
            "no recommendations block"
        );
        assert_eq!(page.header("cache-control"), Some("private, no-store"));
        assert!(page.header("content-security-policy").is_some());
        let set = page.header("set-cookie").unwrap_or_default();
        assert!(
            set.contains("HttpOnly") && set.contains("Path=/s/outlet/"),
            "{set}"
        );
    }
    let pending = shopper.cookie.clone().unwrap_or_default();
    assert_eq!(home_count(&pending), Some((5, 3)), "{pending}");
    // A listing page changes nothing.
    let listing = shopper.get(&format!("{BASE}collections/all"));
    assert_at_edge(ctx, &listing);
    assert_eq!(listing.shopper_cookie(), None);

    // The object's next answer (the cart) stores the count and drops it from the cookie.
    let cart = shopper.get(&format!("{BASE}api/cart"));
    assert_eq!(cart.status, 200, "{}", cart.body);
    assert_by_object(ctx, &cart);
    let cookie = shopper.cookie.clone().unwrap_or_default();
    assert_eq!(home_count(&cookie), None, "{cookie}");
    assert_eq!(hints(&cookie), format!("~c0.{}", today()));
    // So the next home page is the object's, which counts on and hands the count back.
    let page = shopper.get(BASE);
    assert_by_object(ctx, &page);
    assert_eq!(page.visits(), Some(6));
    assert_eq!(
        home_count(&shopper.cookie.clone().unwrap_or_default()),
        Some((6, 0))
    );

    // The old cookie sent again (a second tab, a replay): nothing is counted twice.
    let replayed = Client::new(&ctx.url).send(
        "GET",
        &format!("{BASE}api/cart"),
        &[("cookie", &pending)],
        None,
    );
    assert_eq!(replayed.status, 200, "{}", replayed.body);
    assert_by_object(ctx, &replayed);
    assert_eq!(
        home_by_object(ctx, &pending).visits(),
        Some(7),
        "6 stored, not 6 + 3"
    );
}

fn history_a_forged_full_or_stale_visit_count_sends_home_to_the_object(ctx: &Ctx) {
    let mut shopper = Client::new(&ctx.url);
    assert_eq!(shopper.get(BASE).status, 200);
    assert_eq!(shopper.get(BASE).visits(), Some(2));
    let cookie = shopper.cookie.clone().unwrap_or_default();
    let today = today();
    let with_count = |count: &str| format!("{}~c0.{today}{count}", token(&cookie));
    let home = |value: &str| {
        let page = Client::new(&ctx.url).send("GET", BASE, &[("cookie", value)], None);
        assert_eq!(page.status, 200, "{value}: {}", page.body);
        page
    };
    // Full: the object stores the count and shows one more.
    let full = home(&with_count(&format!(
        "~n80.{MAX_PENDING_HOME_VIEWS}.{today}"
    )));
    assert_by_object(ctx, &full);
    assert_eq!(full.visits(), Some(81));
    // A forged count changes only the forger's own count; a malformed or stale one is
    // dropped or sends home to the object, which counts on. None is an error.
    let forged = home(&with_count(&format!("~n500.1.{}", today - 1)));
    assert_by_object(ctx, &forged);
    assert_eq!(forged.visits(), Some(501), "stored, then counted");
    for (n, stale) in [
        format!("~n5.1.{}", today - 1),
        format!("~n5.1.{}", today + 1),
        format!("~n5.9.{today}"),
        format!("~n5.1.{today}.7"),
        "~nX.0.1".to_owned(),
        format!("~n99999999999.1.{today}"),
    ]
    .iter()
    .enumerate()
    {
        let page = home(&with_count(stale));
        assert_by_object(ctx, &page);
        assert_eq!(page.visits(), Some(502 + n as u64), "{stale}");
    }
    // A view makes history: a pending view sends home to the object, which records it, shows
    // the recommendations block's history and hands no count back.
    let counted = home(&with_count(&format!("~n3.0.{today}")));
    assert_at_edge(ctx, &counted);
    assert_eq!(
        counted.visits(),
        Some(4),
        "the cookie's count, until the object's next answer"
    );
    let (_, handles) = hinted_shopper(ctx);
    let viewed = shopper.get(&format!("{BASE}products/{}", handles[0]));
    assert_eq!(viewed.status, 200, "{}", viewed.body);
    let page = shopper.get(BASE);
    assert_by_object(ctx, &page);
    assert!(written(ctx, &page) >= 2, "the view and the count");
    let cookie = shopper.cookie.clone().unwrap_or_default();
    assert_eq!(home_count(&cookie), None, "history: {cookie}");
    assert!(views(&cookie).is_empty(), "{cookie}");
    let again = shopper.get(BASE);
    assert_by_object(ctx, &again);
}
