//! Which shopper requests the entry answers itself, without the shopper's object.
//!
//! Collection and search pages show nothing of the shopper but their cart's item count, and
//! write nothing: the entry renders them from the isolate's catalog answers and store look
//! (both kept for the snapshot TTL, like the objects' own) when the shopper's cookie says, with
//! a hint from today, how many items their cart holds (`cookie_hints`). A product page shows
//! the same, and its view is written later: the entry adds it to the cookie's pending views
//! (while there is room), and the object records them on its next answer to the shopper,
//! before anything reads their history. Everything else, and any such page without a fresh
//! hint, goes to the object, whose answer refreshes the hint. The home page is the entry's
//! only while the cookie's visit count says the shopper has no history (no recommendations
//! block can show) and nothing else waits to be recorded (`Hints::with_home_view`).
//!
//! What this trades: a cart badge that can lag when the cart changes without the shopper's
//! browser hearing of it (retention's expiry, a restore), until their next page from the
//! object; product views that reach the shopper's storage on their next page from the
//! object rather than at once (two tabs answered at the same moment each carry their own view,
//! and the cookie the browser keeps last wins); and home page views of a shopper with no
//! history yet, shown from the cookie's visit count (`home_hint`) and stored on the object's
//! next answer (two tabs each count from the same hint: the stored count is the larger).

use crate::cookie_hints::Hints;
use crate::routes::StoreRoute;

/// A page the entry can render without the shopper's object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgePage<'a> {
    /// A home page read (GET) of a shopper with no history yet: the visit count comes from the
    /// cookie, and the view is stored on the object's next answer.
    Home,
    Collection(&'a str),
    Search,
    /// A product page read (GET): its view is carried in the cookie until the object records it.
    Product(&'a str),
}

impl<'a> EdgePage<'a> {
    /// The route's page, if it is one the entry can render (reads only).
    pub fn of(route: &StoreRoute<'a>, method: &str) -> Option<Self> {
        if !matches!(method, "GET" | "HEAD") {
            return None;
        }
        match route {
            StoreRoute::Collection(handle) => Some(EdgePage::Collection(handle)),
            StoreRoute::Search => Some(EdgePage::Search),
            StoreRoute::Product(handle) if method == "GET" => Some(EdgePage::Product(handle)),
            StoreRoute::Home if method == "GET" => Some(EdgePage::Home),
            _ => None,
        }
    }

    /// The cart item count to show if the entry answers this page itself: never on a preview
    /// (its draft theme and live script come from the object), and only with today's hint. A
    /// product page also needs room for its view in the cookie, and no `rec` in its `query`
    /// (a click from the recommendations block, which the object counts); a home page, the
    /// cookie's visit count with room for one more view and nothing else waiting.
    pub fn answered_here(
        &self,
        preview: bool,
        hints: &Hints,
        query: &str,
        now_ms: u64,
    ) -> Option<u32> {
        match self {
            EdgePage::Product(handle) => {
                let from_block = crate::query::pairs(query).iter().any(|(k, _)| k == "rec");
                if from_block || !hints.has_room_for(handle) {
                    return None;
                }
            }
            EdgePage::Home => {
                hints.with_home_view(now_ms)?;
            }
            EdgePage::Collection(_) | EdgePage::Search => {}
        }
        (hints.cart)
            .filter(|c| !preview && c.is_fresh(now_ms))
            .map(|c| c.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cookie_hints::{CartHint, MAX_PENDING_VIEWS};

    const NOW: u64 = 20_000 * 86_400_000 + 5;

    fn page(method: &str, rest: &str) -> Option<EdgePage<'static>> {
        let rest: &'static str = Box::leak(rest.to_owned().into_boxed_str());
        EdgePage::of(&StoreRoute::parse(method, rest).ok()?, method)
    }

    #[test]
    fn only_home_collection_search_and_product_reads_are_edge_pages() {
        assert_eq!(
            page("GET", "/collections/hats"),
            Some(EdgePage::Collection("hats"))
        );
        assert_eq!(page("HEAD", "/search"), Some(EdgePage::Search));
        assert_eq!(page("GET", "/products/hat"), Some(EdgePage::Product("hat")));
        assert_eq!(page("GET", "/"), Some(EdgePage::Home));
        for (method, rest) in [
            ("HEAD", "/"),
            ("POST", "/"),
            ("HEAD", "/products/hat"),
            ("GET", "/cart"),
            ("GET", "/api/cart"),
            ("POST", "/cart/add"),
            ("POST", "/checkout"),
            ("POST", "/search"),
            ("GET", "/assets/logo-0123abcd.png"),
        ] {
            assert_eq!(page(method, rest), None, "{method} {rest}");
        }
    }

    #[test]
    fn the_entry_answers_only_with_todays_hint_and_never_a_preview() {
        let hats = EdgePage::Collection("hats");
        let cart = |c| Hints {
            cart: c,
            ..Hints::default()
        };
        let today = cart(Some(CartHint::reported(4, NOW)));
        assert_eq!(hats.answered_here(false, &today, "", NOW), Some(4));
        assert_eq!(
            EdgePage::Search.answered_here(false, &today, "q=x", NOW),
            Some(4)
        );
        assert_eq!(hats.answered_here(true, &today, "", NOW), None, "preview");
        assert_eq!(hats.answered_here(false, &cart(None), "", NOW), None);
        let yesterday = cart(Some(CartHint::reported(4, NOW - 86_400_000)));
        assert_eq!(hats.answered_here(false, &yesterday, "", NOW), None);
    }

    #[test]
    fn a_product_page_needs_room_for_its_view_and_no_click_from_the_block() {
        let hat = EdgePage::Product("hat");
        let mut hints = Hints {
            cart: Some(CartHint::reported(1, NOW)),
            ..Hints::default()
        };
        assert_eq!(hat.answered_here(false, &hints, "variant=7", NOW), Some(1));
        assert_eq!(hat.answered_here(true, &hints, "", NOW), None, "preview");
        for clicked in ["rec=ai", "rec=baseline", "variant=7&rec=", "rec"] {
            assert_eq!(hat.answered_here(false, &hints, clicked, NOW), None);
        }
        let long = "a".repeat(65);
        let long = EdgePage::Product(&long);
        assert_eq!(long.answered_here(false, &hints, "", NOW), None);
        assert_eq!(
            EdgePage::Product("Hat").answered_here(false, &hints, "", NOW),
            None,
            "not carriable"
        );
        for i in 0..MAX_PENDING_VIEWS {
            hints = hints.with_view(&format!("p{i}"), NOW).unwrap_or_default();
        }
        assert_eq!(hat.answered_here(false, &hints, "", NOW), None, "full");
        assert_eq!(
            EdgePage::Search.answered_here(false, &hints, "", NOW),
            Some(1),
            "listings do not carry views"
        );
    }

    #[test]
    fn a_home_page_needs_the_visit_count_and_nothing_waiting() {
        use crate::cookie_hints::HomeHint;
        let home = EdgePage::Home;
        let hints = Hints {
            cart: Some(CartHint::reported(2, NOW)),
            home: Some(HomeHint::counted(4, NOW)),
            ..Hints::default()
        };
        assert_eq!(home.answered_here(false, &hints, "", NOW), Some(2));
        assert_eq!(home.answered_here(false, &hints, "rec=ai", NOW), Some(2));
        assert_eq!(home.answered_here(true, &hints, "", NOW), None, "preview");
        let no_cart = Hints {
            cart: None,
            ..hints.clone()
        };
        assert_eq!(home.answered_here(false, &no_cart, "", NOW), None);
        let no_count = Hints {
            home: None,
            ..hints.clone()
        };
        assert_eq!(home.answered_here(false, &no_count, "", NOW), None);
        let viewed = hints.with_view("hat", NOW).unwrap_or_default();
        assert_eq!(home.answered_here(false, &viewed, "", NOW), None, "views");
        let first = Hints {
            saw_home: true,
            ..hints
        };
        assert_eq!(home.answered_here(false, &first, "", NOW), None, "~h");
    }
}
