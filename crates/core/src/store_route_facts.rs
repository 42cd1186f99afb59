//! What a store route means for the shopper's object, before it does anything: whether a
//! first visit's request may leave no trace in storage, and whether its page shows the
//! header's cart count.

use crate::routes::StoreRoute;

impl StoreRoute<'_> {
    /// A first visit's page read writes nothing, not even the object's schema: a visitor who
    /// never returns leaves no storage behind. Only reads qualify (a form post, a cart write,
    /// a checkout, an opt-out all write).
    pub fn is_unrecorded(&self, method: &str, first_visit: bool) -> bool {
        let read = matches!(method, "GET" | "HEAD");
        first_visit
            && match self {
                StoreRoute::Home
                | StoreRoute::Collection(_)
                | StoreRoute::Product(_)
                | StoreRoute::Search
                | StoreRoute::Cart => true,
                StoreRoute::CartApi => read,
                _ => false,
            }
    }

    /// Whether the page shows the header's cart count (read from the cart): the JSON API and
    /// the cart pages, which count their own lines, do not need it.
    pub fn shows_cart_count(&self) -> bool {
        !matches!(
            self,
            StoreRoute::CartApi | StoreRoute::Cart | StoreRoute::CartForm(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::FormAction;

    #[test]
    fn only_a_first_visits_reads_go_unrecorded() {
        let reads = [
            StoreRoute::Home,
            StoreRoute::Collection("all"),
            StoreRoute::Product("hat"),
            StoreRoute::Search,
            StoreRoute::Cart,
        ];
        for r in reads {
            assert!(r.is_unrecorded("GET", true), "{r:?}");
            assert!(!r.is_unrecorded("GET", false), "{r:?}: a returning shopper");
        }
        assert!(StoreRoute::CartApi.is_unrecorded("GET", true));
        assert!(StoreRoute::CartApi.is_unrecorded("HEAD", true));
        assert!(
            !StoreRoute::CartApi.is_unrecorded("POST", true),
            "a cart write"
        );
        for r in [
            StoreRoute::CartForm(FormAction::Add),
            StoreRoute::Checkout,
            StoreRoute::Personalization,
        ] {
            assert!(!r.is_unrecorded("POST", true), "{r:?}");
        }
    }

    #[test]
    fn cart_pages_and_the_api_count_their_own_lines() {
        assert!(StoreRoute::Home.shows_cart_count());
        assert!(StoreRoute::Product("hat").shows_cart_count());
        assert!(StoreRoute::Checkout.shows_cart_count());
        for r in [
            StoreRoute::CartApi,
            StoreRoute::Cart,
            StoreRoute::CartForm(FormAction::Remove),
        ] {
            assert!(!r.shows_cart_count(), "{r:?}");
        }
    }
}
