//! The cart: lines, forms with CSRF, price-change notices, subtotal, empty state, flash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::dom::{all, check_page, one, sel, text};
use support::fixtures::{CSRF, chrome, image, usd};
use wandstore_core::money::{Currency, Money};
use wandstore_render::{CartLine, CartPage, Chrome, Flash};

fn line(id: &str, title: &str, qty: u32, now: Money, then: Money) -> CartLine {
    CartLine {
        variant_id: format!("gid://shopify/ProductVariant/{id}"),
        product_handle: format!("{id}-handle"),
        product_title: title.to_owned(),
        variant_title: "Large".to_owned(),
        image: Some(image(
            &format!("https://cdn.example/{id}.jpg"),
            None,
            Some((200, 200)),
        )),
        quantity: qty,
        unit_price: now,
        price_when_added: then,
        line_total: now.checked_mul(qty).unwrap(),
        available: true,
    }
}

fn cart(chrome: Chrome, lines: Vec<CartLine>) -> String {
    let subtotal = Money::checked_sum(Currency::USD, lines.iter().map(|l| l.line_total)).unwrap();
    CartPage {
        chrome,
        lines,
        subtotal,
        csrf: CSRF.to_owned(),
    }
    .html()
    .unwrap()
}

#[test]
fn lines_show_prices_totals_and_forms_with_csrf() {
    let html = cart(
        chrome(),
        vec![
            line("1", "Blue mug", 2, usd(1250), usd(1250)),
            line("2", "Cap", 1, usd(900), usd(900)),
        ],
    );
    let doc = check_page(&html, Some(CSRF));
    let lines = all(&doc, ".cart-line");
    assert_eq!(lines.len(), 2);
    let first = lines[0];
    assert_eq!(text(first.select(&sel("h2")).next().unwrap()), "Blue mug");
    assert_eq!(
        first.select(&sel("h2 a")).next().unwrap().attr("href"),
        Some("/s/acme/products/1-handle?variant=gid%3A%2F%2Fshopify%2FProductVariant%2F1")
    );
    assert_eq!(text(first.select(&sel(".muted")).next().unwrap()), "Large");
    assert_eq!(
        text(first.select(&sel(".cart-line-total")).next().unwrap()),
        "Line total $25.00"
    );
    assert!(text(first).contains("$12.50 each"));
    assert_eq!(
        first.select(&sel("img")).next().unwrap().attr("alt"),
        Some("Blue mug")
    );
    assert_eq!(text(one(&doc, "[data-subtotal]")), "$34.00");

    let actions: Vec<&str> = all(&doc, "form")
        .iter()
        .map(|f| f.attr("action").unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "/s/acme/cart/update",
            "/s/acme/cart/remove",
            "/s/acme/cart/update",
            "/s/acme/cart/remove",
            "/s/acme/cart/clear",
            "/s/acme/checkout",
        ]
    );
    // check_page verified the csrf field in each; all are POST.
    assert!(
        all(&doc, "form")
            .iter()
            .all(|f| f.attr("method") == Some("post"))
    );
    let qty = one(&doc, "#quantity-1");
    assert_eq!(
        (qty.attr("value"), qty.attr("min"), qty.attr("max")),
        (Some("2"), Some("1"), Some("99"))
    );
    let update = all(&doc, "form")[0];
    assert_eq!(
        update
            .select(&sel("input[name=variant_id]"))
            .next()
            .unwrap()
            .attr("value"),
        Some("gid://shopify/ProductVariant/1")
    );
    assert!(all(&doc, "[data-price-changed]").is_empty());
}

#[test]
fn a_changed_price_is_pointed_out_with_both_amounts() {
    let html = cart(
        chrome(),
        vec![
            line("1", "Blue mug", 1, usd(1500), usd(1250)),
            line("2", "Cap", 1, usd(800), usd(900)),
            line("3", "Hat", 1, usd(500), usd(500)),
        ],
    );
    let doc = check_page(&html, Some(CSRF));
    let notices = all(&doc, "[data-price-changed]");
    assert_eq!(notices.len(), 2, "only lines whose price changed");
    assert_eq!(
        text(notices[0]),
        "The price went up: it was $12.50 when you added it and is now $15.00."
    );
    assert_eq!(
        text(notices[1]),
        "The price went down: it was $9.00 when you added it and is now $8.00."
    );
    let lines = all(&doc, ".cart-line");
    assert_eq!(lines[2].select(&sel("[data-price-changed]")).count(), 0);
}

#[test]
fn sold_out_lines_say_so_and_default_variant_titles_are_hidden() {
    let mut l = line("1", "Blue mug", 1, usd(100), usd(100));
    l.available = false;
    l.variant_title = "Default Title".to_owned();
    let html = cart(chrome(), vec![l]);
    let doc = check_page(&html, Some(CSRF));
    assert!(text(one(&doc, ".cart-line")).contains("This item is sold out now."));
    assert!(!html.contains("Default Title"));
}

#[test]
fn an_empty_cart_says_so_and_offers_no_checkout() {
    let html = CartPage {
        chrome: chrome(),
        lines: vec![],
        subtotal: usd(0),
        csrf: CSRF.to_owned(),
    }
    .html()
    .unwrap();
    let doc = check_page(&html, Some(CSRF));
    assert_eq!(text(one(&doc, ".empty h2")), "Your cart is empty");
    assert_eq!(one(&doc, ".empty a").attr("href"), Some("/s/acme/"));
    assert!(all(&doc, "form, [data-subtotal]").is_empty());
    assert_eq!(all(&doc, "meta[name=robots][content=noindex]").len(), 1);
    assert!(
        all(&doc, "link[rel=canonical]").is_empty(),
        "a cart has no canonical URL"
    );
}

#[test]
fn flash_messages_show_once_at_the_top() {
    let ok = cart(
        chrome().with_flash(Flash::success("Added to cart")),
        vec![line("1", "Mug", 1, usd(100), usd(100))],
    );
    let doc = check_page(&ok, Some(CSRF));
    let flash = one(&doc, "main > .flash");
    assert_eq!(flash.attr("role"), Some("status"));
    assert_eq!(text(flash), "Added to cart");

    let msg = "Checkout is unavailable right now; your cart is unchanged";
    let err = cart(
        chrome().with_flash(Flash::error(msg)),
        vec![line("1", "Mug", 1, usd(100), usd(100))],
    );
    let doc = check_page(&err, Some(CSRF));
    let flash = one(&doc, "main > .flash-error");
    assert_eq!(flash.attr("role"), Some("alert"));
    assert_eq!(text(flash), msg);

    let none = cart(chrome(), vec![]);
    assert!(all(&check_page(&none, Some(CSRF)), ".flash").is_empty());
}
