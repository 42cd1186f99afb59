//! Which shopper requests the entry answers itself, without the shopper's object.
//!
//! Collection and search pages show nothing of the shopper but their cart's item count, and
//! write nothing: the entry renders them from the isolate's catalog answers and store look
//! (both kept for the snapshot TTL, like the objects' own) when the shopper's cookie says, with
//! a hint from today, how many items their cart holds (`cookie_hints`). Everything else, and
//! any such page without a fresh hint, goes to the object, whose answer refreshes the hint.
//!
//! What this trades: a cart badge that can lag when the cart changes without the shopper's
//! browser hearing of it (retention's expiry, a restore), until their next page from the object.

use crate::cookie_hints::CartHint;
use crate::routes::StoreRoute;

/// A page the entry can render without the shopper's object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgePage<'a> {
    Collection(&'a str),
    Search,
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
            _ => None,
        }
    }

    /// The cart item count to show if the entry answers this page itself: never on a preview
    /// (its draft theme and live script come from the object), and only with today's hint.
    pub fn answered_here(&self, preview: bool, cart: Option<CartHint>, now_ms: u64) -> Option<u32> {
        cart.filter(|c| !preview && c.is_fresh(now_ms))
            .map(|c| c.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 20_000 * 86_400_000 + 5;

    fn page(method: &str, rest: &str) -> Option<EdgePage<'static>> {
        let rest: &'static str = Box::leak(rest.to_owned().into_boxed_str());
        EdgePage::of(&StoreRoute::parse(method, rest).ok()?, method)
    }

    #[test]
    fn only_collection_and_search_reads_are_edge_pages() {
        assert_eq!(
            page("GET", "/collections/hats"),
            Some(EdgePage::Collection("hats"))
        );
        assert_eq!(page("HEAD", "/search"), Some(EdgePage::Search));
        for (method, rest) in [
            ("GET", "/"),
            ("GET", "/products/hat"),
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
        let today = CartHint::reported(4, NOW);
        assert_eq!(hats.answered_here(false, Some(today), NOW), Some(4));
        assert_eq!(
            EdgePage::Search.answered_here(false, Some(today), NOW),
            Some(4)
        );
        assert_eq!(hats.answered_here(true, Some(today), NOW), None, "preview");
        assert_eq!(hats.answered_here(false, None, NOW), None, "no hint");
        let yesterday = CartHint::reported(4, NOW - 86_400_000);
        assert_eq!(hats.answered_here(false, Some(yesterday), NOW), None);
    }
}
